# SPDX-License-Identifier: EUPL-1.2
"""Alphabetical order as readers expect it in lists of names: case and accents do not count.

A database ``ORDER BY name`` sorts by code point ("COVID…" before "Catalogi", "Élan" after "Zeus").
People read lists of names by letter: this key compares the letters without their case and accents first
(the primary level of the Unicode collation algorithm, which English, French and German share for the
Latin letters), then the exact text so that the order is total and stable. Letters that a language sorts
apart (Swedish "ö" after "z") are not given that place: the lists are the same in every language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def collation_key(text: str | None) -> tuple[str, str]:
    """The sort key of a name: (letters without accents, case-folded; the text itself)."""
    value = text or ""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return letters, value


def sorted_by_name(items: Iterable[T], name: Callable[[T], str | None]) -> list[T]:
    """``items`` in the readers' alphabetical order of ``name(item)``."""
    return sorted(items, key=lambda item: collation_key(name(item)))
