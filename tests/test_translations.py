# SPDX-License-Identifier: EUPL-1.2
"""English, French and German are fully translated: every string of the code has a French and a German text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-k", "ngettext:1,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(pot, "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_string_is_translated(extracted, language):
    with open(ROOT / "commons" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        # A message with a context (pgettext) is a different message from the same words without one.
        translated = catalogue.get(message.id, context=message.context)
        if (
            translated is None
            or translated.fuzzy
            or not translated.string
            or (isinstance(translated.string, tuple) and not all(translated.string))
        ):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], f"{len(missing)} strings without a {language} translation, e.g. {missing[:5]}"
