# SPDX-License-Identifier: EUPL-1.2
"""The vocabulary of functions: what a commons does, as the categories list of the publiccode.yml standard.

``data/functions.csv`` gives every category a label and everyday synonyms in English, French, German,
Italian and Spanish. The catalogue uses it three ways:

- the ``function`` facet (values are category codes such as ``video-conferencing``), labelled in the
  reader's language (:func:`label`);
- a query whose words match a label or a synonym in any language (``Videokonferenz``,
  ``signature électronique``) also matches the commons of that function, with the weight of a function
  label (:func:`match_functions`); this is how German compounds meet their English words;
- harvested publiccode.yml ``categories`` fill ``Commons.functions`` (:func:`known`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from commons.catalogue.textindex import QUERY_LANGUAGES, STOP_WORDS, fold, stem, words

DATA = Path(__file__).resolve().parent / "data" / "functions.csv"
LANGUAGES = ("en", "fr", "de", "it", "es", "nl")


@dataclass(frozen=True)
class Phrase:
    """One label or synonym: per word, the keys that a query word may share with it."""

    function: str
    words: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, dict[str, str]]  # function → language → label
    by_first: dict[str, tuple[Phrase, ...]]  # key of the first word → phrases
    surface_words: frozenset[str]  # every folded word of every label and synonym (typo correction)


def _phrase_keys(word: str, language: str) -> frozenset[str]:
    return frozenset({fold(word), stem(word, language)})


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary read from ``data/functions.csv`` (once per process)."""
    labels: dict[str, dict[str, str]] = {}
    by_first: dict[str, list[Phrase]] = {}
    surface: set[str] = set()
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for row in rows:
        function = row["function"].strip()
        labels[function] = {}
        for language in LANGUAGES:
            entries = [e.strip() for e in (row.get(language) or "").split("|") if e.strip()]
            if not entries:
                continue
            labels[function][language] = entries[0]
            stops = STOP_WORDS.get(language, frozenset())
            for entry in entries:
                tokens = [w for w in words(entry) if w not in stops]
                if not tokens:
                    continue
                surface.update(fold(w) for w in tokens)
                phrase = Phrase(function, tuple(_phrase_keys(w, language) for w in tokens))
                for key in phrase.words[0]:
                    by_first.setdefault(key, []).append(phrase)
    return Vocabulary(
        labels=labels,
        by_first={key: tuple(dict.fromkeys(phrases)) for key, phrases in by_first.items()},
        surface_words=frozenset(surface),
    )


def functions() -> tuple[str, ...]:
    """Every function code, in the order of the data file."""
    return tuple(vocabulary().labels)


def known(values: object) -> list[str]:
    """The function codes among ``values`` (e.g. a publiccode.yml ``categories`` list), in order, once."""
    if not isinstance(values, list | tuple):
        return []
    labels = vocabulary().labels
    return list(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip() in labels))


def label(function: str, language: str | None) -> str:
    """The label of a function in a language (English when missing, the code when unknown)."""
    by_language = vocabulary().labels.get(function)
    if not by_language:
        return function
    code = (language or "en").split("-")[0].split("_")[0].lower()
    return by_language.get(code) or by_language.get("en") or function


def query_keys(word: str) -> frozenset[str]:
    """The keys a query word can share with a vocabulary word: folded, and stemmed in each query language."""
    lowered = word.casefold()
    return frozenset({fold(lowered), *(stem(lowered, language) for language in QUERY_LANGUAGES)})


def match_functions(query_words: list[str]) -> list[set[str]]:
    """For each word of a run of query words, the functions whose label or synonym covers it.

    A synonym of several words must appear whole and in order (``signature électronique``); a word
    alone never matches a synonym of several words.
    """
    vocab = vocabulary()
    keys = [query_keys(w) for w in query_words]
    out: list[set[str]] = [set() for _ in query_words]
    for start, first in enumerate(keys):
        seen: set[Phrase] = set()
        for key in first:
            for phrase in vocab.by_first.get(key, ()):
                if phrase in seen:
                    continue
                seen.add(phrase)
                end = start + len(phrase.words)
                if end > len(keys):
                    continue
                if all(keys[start + i] & phrase.words[i] for i in range(len(phrase.words))):
                    for position in range(start, end):
                        out[position].add(phrase.function)
    return out
