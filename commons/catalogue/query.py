# SPDX-License-Identifier: EUPL-1.2
"""The search text as people type it, parsed into a small query the search service can run.

Syntax (everything else is plain words; nothing a reader types is passed to FTS5 or tsquery):

- words: every word must match (AND), each through its stems in several languages, as a prefix
  from three letters, and through the function vocabulary;
- ``"exact phrase"``: these words, unstemmed, next to each other in one field; one quoted word is
  matched exactly and never corrected;
- ``-word`` or ``-"phrase"``: leave out the commons that match it;
- ``a OR b`` (OR in capitals, between two words or phrases): either may match. An OR elsewhere
  (first, last, next to an exclusion) is the plain word "or", which must then be found.

At most :data:`MAX_TERMS` words are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commons.catalogue import functions as vocabulary
from commons.catalogue.textindex import ALL_STOP_WORDS, MAX_TERM_LENGTH, fold, word_keys, words

MAX_TERMS = 10
PREFIX_MIN = 3

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Alternative:
    """One word or phrase of the query."""

    words: list[str]  # as typed, lower case
    phrase: bool = False  # quoted: exact words, no stemming, no prefix, no correction
    forced: bool = False  # an operator word taken literally: kept even if a stop word
    functions: set[str] = field(default_factory=set)

    def keys(self, index: int) -> list[str]:
        """Exact terms word ``index`` matches."""
        word = self.words[index]
        if self.phrase:
            return [fold(word)[:MAX_TERM_LENGTH]]
        return sorted(word_keys(word))

    def prefix(self, index: int) -> str | None:
        """The folded word matched as a prefix of indexed words, or None."""
        if self.phrase:
            return None
        folded = fold(self.words[index])[:MAX_TERM_LENGTH]
        return folded if len(folded) >= PREFIX_MIN else None


@dataclass
class TextQuery:
    groups: list[list[Alternative]]  # AND of groups, OR within a group
    excluded: list[Alternative]
    # Any group may match (scores still add up, so commons with more of the words come first): the
    # fallback when no commons has every word.
    any_group: bool = False

    @property
    def relaxable(self) -> bool:
        """Plain words only: a reader who typed quotes, OR or exclusions gets exactly that."""
        plain = all(len(g) == 1 and not g[0].phrase and not g[0].forced for g in self.groups)
        return not self.any_group and len(self.groups) > 1 and plain and not self.excluded

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def shape(self) -> tuple[object, ...]:
        """What the SQL depends on, not the values (the statement cache key)."""

        def alt_shape(alt: Alternative) -> tuple[object, ...]:
            return (
                alt.phrase,
                len(alt.words),
                tuple(alt.prefix(i) is not None for i in range(len(alt.words))),
                bool(alt.functions),
            )

        return (
            tuple(tuple(alt_shape(a) for a in group) for group in self.groups),
            tuple(alt_shape(a) for a in self.excluded),
            self.any_group,
        )

    def words(self) -> list[str]:
        """Every positive word, in order."""
        return [w for group in self.groups for alt in group for w in alt.words]


Item = tuple[str, bool, list[str], bool]  # kind ("word", "phrase", "or"), negated, words, forced


def _items(text: str) -> list[Item]:
    """The tokens of the search text: words, quoted phrases, and OR."""
    items: list[Item] = []
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            quoted_words = words(quoted)
            if quoted_words:
                items.append(("phrase", bool(negated), quoted_words, False))
            continue
        if bare == "OR":
            items.append(("or", False, [], False))
            continue
        bare_negated = bare.startswith("-") and len(bare) > 1
        for position, word in enumerate(words(bare)):
            items.append(("word", bare_negated and position == 0, [word], False))
    return items


def _positive(item: Item | None) -> bool:
    return item is not None and item[0] != "or" and not item[1]


def parse(text: str) -> TextQuery:
    """Parse the search text (never fails: anything that is not syntax is words)."""
    items = _items(text or "")
    # Stop words are dropped from plain words unless nothing else would be left.
    plain = [item for item in items if item[0] == "word" and not item[1]]
    if any(item[2][0] not in ALL_STOP_WORDS for item in plain):
        items = [item for item in items if not (item in plain and item[2][0] in ALL_STOP_WORDS)]
    # An OR is an operator only between two positive words or phrases; elsewhere it is a plain word.
    resolved: list[Item] = []
    for i, item in enumerate(items):
        if item[0] != "or":
            resolved.append(item)
            continue
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        if _positive(before) and _positive(after) and resolved and resolved[-1][0] != "or":
            resolved.append(item)
        else:
            resolved.append(("word", False, ["or"], True))

    groups: list[list[Alternative]] = []
    excluded: list[Alternative] = []
    budget = MAX_TERMS
    join_next = False
    for kind, negated, item_words, forced in resolved:
        if kind == "or":
            join_next = True
            continue
        if budget <= 0:
            break
        item_words = item_words[:budget]
        budget -= len(item_words)
        alt = Alternative(words=item_words, phrase=kind == "phrase", forced=forced)
        if negated:
            excluded.append(alt)
        elif join_next and groups:
            groups[-1].append(alt)
        else:
            groups.append([alt])
        join_next = False
    _attach_functions(groups)
    return TextQuery(groups=groups, excluded=excluded)


def _attach_functions(groups: list[list[Alternative]]) -> None:
    """Mark the plain words that a function label or synonym covers (runs of single-word groups)."""
    run: list[Alternative] = []

    def flush() -> None:
        if run:
            matched = vocabulary.match_functions([a.words[0] for a in run])
            for alt, found in zip(run, matched, strict=True):
                alt.functions = found
            run.clear()

    for group in groups:
        if len(group) == 1 and not group[0].phrase and not group[0].forced:
            run.append(group[0])
        else:
            flush()
            for alt in group:
                if not alt.phrase and not alt.forced:
                    alt.functions = vocabulary.match_functions(alt.words)[0]
    flush()


def with_words_replaced(text: str, replacements: dict[str, str]) -> str:
    """The search text with some words replaced (typo corrections), everything else kept."""

    def swap(match: re.Match[str]) -> str:
        return replacements.get(match.group(0).casefold(), match.group(0))

    return re.sub(r"\w+", swap, text)


def quoted_words(text: str, targets: set[str]) -> str:
    """The search text with some words quoted, so that they are searched as typed ("search instead for")."""

    def quote(match: re.Match[str]) -> str:
        word = match.group(0)
        return f'"{word}"' if word.casefold() in targets else word

    return re.sub(r"\w+", quote, text)
