# SPDX-License-Identifier: EUPL-1.2
"""Text analysis of the catalogue search, the same on SQLite and PostgreSQL.

The databases only compare strings: every word is folded and stemmed here, in Python, at index time
(:func:`document_terms`) and at query time (:func:`word_keys`), so both databases see the same terms and
give the same answers.

- **Folding**: lower case (``casefold``), accents removed (NFKD without combining marks): ``Électronique``
  → ``electronique``.
- **Stemming**: Snowball (PyStemmer) in the language of the text: a French description is stemmed with the
  French stemmer, a German one with the German stemmer. The words of a query have no known language: each
  is stemmed with the stemmers of :data:`QUERY_LANGUAGES` and any of these stems may match.
- **Stop words** per language (:data:`STOP_WORDS`) are not indexed and are dropped from queries (unless
  the query holds nothing else).

An indexed text gives two kinds of terms: the folded word itself (``maps``) and, when it differs, its stem
marked with :data:`STEM_MARK` (``~map``). Surface words serve prefix matching (``demo`` finds
``democracy``) and typo correction; stems serve exact matching across inflections.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import Stemmer

STEM_MARK = "~"
MAX_TERM_LENGTH = 60

# ISO 639-1 → Snowball stemmer, for the EU languages that have one.
STEMMERS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "es": "spanish",
    "nl": "dutch",
    "pt": "portuguese",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "hu": "hungarian",
    "ro": "romanian",
    "el": "greek",
    "lt": "lithuanian",
    "et": "estonian",
    "ga": "irish",
    "cs": "czech",
    "pl": "polish",
}
# The stemmers a query word goes through (its language is unknown): the languages most people search in.
QUERY_LANGUAGES = ("en", "fr", "de", "it", "es", "nl", "pt")

# The most frequent function words of each language (our own short lists).
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "but",
            "by",
            "for",
            "from",
            "has",
            "have",
            "in",
            "into",
            "is",
            "it",
            "its",
            "of",
            "on",
            "or",
            "that",
            "the",
            "their",
            "this",
            "to",
            "was",
            "were",
            "which",
            "with",
        ]
    ),
    "fr": frozenset(
        [
            "au",
            "aux",
            "avec",
            "ce",
            "ces",
            "dans",
            "de",
            "des",
            "du",
            "elle",
            "en",
            "et",
            "est",
            "il",
            "ils",
            "la",
            "le",
            "les",
            "leur",
            "leurs",
            "mais",
            "ou",
            "par",
            "pour",
            "qui",
            "que",
            "sa",
            "se",
            "ses",
            "son",
            "sur",
            "un",
            "une",
        ]
    ),
    "de": frozenset(
        [
            "am",
            "an",
            "auf",
            "aus",
            "bei",
            "das",
            "dem",
            "den",
            "der",
            "des",
            "die",
            "ein",
            "eine",
            "einem",
            "einen",
            "einer",
            "eines",
            "für",
            "im",
            "in",
            "ist",
            "mit",
            "oder",
            "sich",
            "und",
            "von",
            "vom",
            "zu",
            "zum",
            "zur",
        ]
    ),
    "it": frozenset(
        [
            "a",
            "ai",
            "al",
            "alla",
            "alle",
            "con",
            "da",
            "dal",
            "dalla",
            "degli",
            "dei",
            "del",
            "della",
            "delle",
            "di",
            "e",
            "gli",
            "i",
            "il",
            "in",
            "la",
            "le",
            "lo",
            "nel",
            "nella",
            "o",
            "per",
            "su",
            "sul",
            "sulla",
            "tra",
            "un",
            "una",
            "uno",
        ]
    ),
    "es": frozenset(
        [
            "a",
            "al",
            "con",
            "de",
            "del",
            "el",
            "en",
            "es",
            "la",
            "las",
            "los",
            "o",
            "para",
            "por",
            "que",
            "se",
            "su",
            "sus",
            "un",
            "una",
            "y",
        ]
    ),
    "nl": frozenset(
        [
            "aan",
            "als",
            "bij",
            "de",
            "die",
            "een",
            "en",
            "het",
            "in",
            "is",
            "met",
            "naar",
            "of",
            "om",
            "op",
            "te",
            "van",
            "voor",
        ]
    ),
    "pt": frozenset(
        [
            "a",
            "ao",
            "aos",
            "as",
            "com",
            "da",
            "das",
            "de",
            "do",
            "dos",
            "e",
            "em",
            "na",
            "nas",
            "no",
            "nos",
            "o",
            "os",
            "ou",
            "para",
            "por",
            "um",
            "uma",
        ]
    ),
}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())

# Field weights of an indexed term (a term found in several fields of a commons adds them up).
NAME = 32
FUNCTION = 16
SUMMARY = 8
DESCRIPTION = 4
TOPIC = 2

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(word: str) -> str:
    """Lower case without accents: ``Électronique`` → ``electronique``."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of a text, lower case, accents kept (stemmers want them)."""
    return [w.casefold() for w in _WORD.findall(text or "")]


@lru_cache(maxsize=32)
def _stemmer(language: str) -> Any:
    return Stemmer.Stemmer(STEMMERS[language])


def base_language(tag: str | None) -> str | None:
    """``fr-BE`` → ``fr``; None when there is no Snowball stemmer for it."""
    code = (tag or "").split("-")[0].split("_")[0].lower()
    return code if code in STEMMERS else None


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The folded Snowball stem of a lower-case word in a language."""
    return fold(_stemmer(language).stemWord(word))


def text_terms(text: str | None, language: str | None) -> set[str]:
    """The terms of a text in a language: folded words and marked stems, stop words left out."""
    lang = base_language(language) or "en"
    stops = STOP_WORDS.get(lang, frozenset())
    out: set[str] = set()
    for word in words(text or ""):
        if word in stops:
            continue
        folded = fold(word)[:MAX_TERM_LENGTH]
        if not folded:
            continue
        out.add(folded)
        stemmed = stem(word, lang)[:MAX_TERM_LENGTH]
        if stemmed and stemmed != folded:
            out.add(STEM_MARK + stemmed)
    return out


def document_terms(
    *,
    name: str | None,
    slug: str | None,
    summary: str | None,
    descriptions: Any,
    topics: Any,
) -> dict[str, int]:
    """Term → weight of one commons: the sum of the weights of the fields the term appears in.

    The fields are the name (with the slug and the localised names), the summary (with the short
    descriptions), the description (long descriptions and features) and the topics. ``descriptions`` is
    ``{language: {"name", "short", "long", "features"}}``; every language version is analysed with its own
    language. ``summary`` is English (the catalogue's fallback language).
    """
    fields: dict[int, set[str]] = {NAME: set(), SUMMARY: set(), DESCRIPTION: set(), TOPIC: set()}
    fields[NAME] |= text_terms(name, "en") | text_terms((slug or "").replace("-", " "), "en")
    fields[SUMMARY] |= text_terms(summary, "en")
    if isinstance(descriptions, dict):
        for language, block in descriptions.items():
            if not isinstance(block, dict):
                continue
            fields[NAME] |= text_terms(_text(block.get("name")), language)
            fields[SUMMARY] |= text_terms(_text(block.get("short")), language)
            fields[DESCRIPTION] |= text_terms(_text(block.get("long")), language)
            features = block.get("features")
            if isinstance(features, list):
                fields[DESCRIPTION] |= text_terms(" ".join(_text(f) for f in features), language)
    if isinstance(topics, list):
        fields[TOPIC] |= text_terms(" ".join(_text(t).replace("-", " ") for t in topics), "en")
    out: dict[str, int] = {}
    for weight, terms in fields.items():
        for term in terms:
            out[term] = out.get(term, 0) + weight
    return out


def document_text(*, name: str | None, summary: str | None, descriptions: Any, topics: Any) -> str:
    """The folded words of a commons joined by single spaces, framed by spaces (for exact phrases)."""
    parts = [name or "", summary or ""]
    if isinstance(descriptions, dict):
        for block in descriptions.values():
            if isinstance(block, dict):
                parts += [_text(block.get(key)) for key in ("name", "short", "long")]
                features = block.get("features")
                if isinstance(features, list):
                    parts += [_text(f) for f in features]
    if isinstance(topics, list):
        parts += [_text(t) for t in topics]
    # A separator between fields so that a phrase never spans the end of one and the start of another.
    folded = [" ".join(fold(w) for w in words(part)) for part in parts if part]
    return " " + " | ".join(p for p in folded if p) + " "


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def word_keys(word: str) -> set[str]:
    """The terms a query word matches exactly: itself folded, and its stems in :data:`QUERY_LANGUAGES`
    (both marked and unmarked, since a stem equal to its word is stored unmarked)."""
    lowered = word.casefold()
    folded = fold(lowered)[:MAX_TERM_LENGTH]
    keys = {folded}
    for language in QUERY_LANGUAGES:
        stemmed = stem(lowered, language)[:MAX_TERM_LENGTH]
        if stemmed:
            keys.add(stemmed)
            keys.add(STEM_MARK + stemmed)
    return keys
