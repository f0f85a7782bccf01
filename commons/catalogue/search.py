# SPDX-License-Identifier: EUPL-1.2
"""Catalogue search: words in every language, functions and facets, the same on SQLite and PostgreSQL.

One interface for both databases::

    params = SearchParams.from_args(request.args)   # ValidationFailed on bad input
    result = search(params)                         # items, total, facets, next_cursor, page info

Words are matched in ``commons_terms`` (folded words and Snowball stems per language, written in Python
by :func:`sync_terms`, see :mod:`commons.catalogue.textindex`), so that SQLite and PostgreSQL run the same
SQL and give the same answers; :mod:`commons.catalogue.query` parses the search text (phrases, exclusions,
OR) and :mod:`commons.catalogue.functions` adds the commons whose function a word names. Multi-valued
facets (functions, licences, languages, organisations, forges, publiccode.yml, archived) are denormalised
into ``commons_facets`` so that they are counted with indexed SQL; the table is rewritten for every
commons a flush touches (see :func:`sync_facets`), whoever wrote the change. Single-valued facets
(category, country, status, development status, activity) are read from ``commons``. A request matches
its words once (:func:`scored_hits`) and hands the hits to the counts and to the page. The FTS5 table
and the PostgreSQL tsvector of migration 0003 were dropped by migration 0006.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    Select,
    SmallInteger,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import TextClause

from commons.catalogue import functions as function_vocabulary
from commons.catalogue import textindex
from commons.catalogue.models import (
    CATEGORIES,
    STATUSES,
    Commons,
    CommonsSteward,
    Repository,
    UsageDeclaration,
)
from commons.catalogue.query import Alternative, TextQuery, parse, quoted_words, with_words_replaced
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.organisations.models import Organisation
from commons.types import UTCDateTime, utcnow

FACETS = (
    "function",
    "license",
    "language",
    "category",
    "country",
    "organisation",
    "status",
    "development_status",
    "forge",
    "has_publiccode",
    "activity",
    "archived",
)
# Facets stored as rows of ``commons_facets`` (a commons may have several values).
TABLE_FACETS = ("function", "license", "language", "organisation", "forge", "has_publiccode", "archived")
SORTS = ("relevance", "activity", "usage", "stars", "name")
DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
YES_NO = ("yes", "no")
ACTIVE_MONTHS = (6, 12)
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_VALUES = 20
MAX_VALUE_LENGTH = 200
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
FACET_VALUE_LIMIT = 30

# Names of the full-text objects of migration 0003, dropped by 0006 (the search reads commons_terms): the
# schema check (models == migrations) skips them, should a database still hold them.
FTS_TABLE = "commons_fts"
SEARCH_OBJECTS = (FTS_TABLE, "ix_commons_search_document")

Condition = ColumnElement[bool] | TextClause


class CommonsFacet(db.Model):  # type: ignore[name-defined]
    """One facet value of one commons, e.g. (42, "license", "EUPL-1.2"); rewritten by :func:`sync_facets`."""

    __tablename__ = "commons_facets"
    __table_args__ = (Index("ix_commons_facets_facet_value", "facet", "value", "commons_id"),)

    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[str] = mapped_column(String(MAX_VALUE_LENGTH), primary_key=True)


class CommonsTerm(db.Model):  # type: ignore[name-defined]
    """One term of one commons (a folded word, or a stem marked ``~``) with the weight of its best field.

    Written in Python by :func:`sync_terms` (see :mod:`commons.catalogue.textindex`), so that both
    databases hold the same terms.
    """

    __tablename__ = "commons_terms"
    __table_args__ = (Index("ix_commons_terms_term", "term", "commons_id", "weight"),)

    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(
        String(60).with_variant(String(60, collation="C"), "postgresql"), primary_key=True
    )
    weight: Mapped[int] = mapped_column(SmallInteger)


class CommonsText(db.Model):  # type: ignore[name-defined]
    """The folded words of a commons, for exact phrases (``LIKE '% open data %'``)."""

    __tablename__ = "commons_text"

    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


# B-tree indexes for the single-valued facets and the sorts that ``commons`` lacks (migration 0003).
_COMMONS_INDEXES = (
    Index("ix_commons_category", Commons.category),
    Index("ix_commons_development_status", Commons.development_status),
    Index("ix_commons_stars", Commons.stars),
    Index("ix_commons_usage_count", Commons.usage_count),
    Index("ix_commons_name", Commons.name),
)


def include_in_schema_check(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
    """Alembic ``include_name`` hook: the FTS5 tables and the GIN index of 0003 (dropped by 0006) are not
    described by models."""
    if name is None:
        return True
    if type_ == "table" and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    return not (type_ == "index" and name in SEARCH_OBJECTS)


# --------------------------------------------------------------------------------------------- params


@dataclass
class SearchParams:
    """A validated search: every field maps to a query-string parameter of the same name."""

    q: str = ""
    function: list[str] = field(default_factory=list)
    license: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    organisation: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    development_status: list[str] = field(default_factory=list)
    forge: list[str] = field(default_factory=list)
    has_publiccode: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    active: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    cursor: str | None = None
    # Set by the service when no commons has every word: commons with some of them are shown.
    any_word: bool = field(default=False, compare=False, repr=False)

    LIST_FIELDS = (
        "function",
        "license",
        "language",
        "category",
        "country",
        "organisation",
        "status",
        "development_status",
        "forge",
        "has_publiccode",
        "archived",
    )

    @classmethod
    def from_args(cls, args: Any, *, per_page_name: str = "per_page") -> SearchParams:
        """Parse a query-string MultiDict; raise ValidationFailed with a message per bad parameter.

        ``per_page_name`` lets the API call the page size ``limit``.
        """
        errors: dict[str, list[str]] = {}
        params = cls()
        q = (args.get("q") or "").strip()
        if len(q) > MAX_QUERY_LENGTH:
            errors["q"] = [_("The search text is too long (at most %(max)d characters).", max=MAX_QUERY_LENGTH)]
        params.q = q[:MAX_QUERY_LENGTH]
        for name in cls.LIST_FIELDS:
            values: list[str] = []
            given = args.getlist(name)
            for raw in given:
                value = (raw or "").strip()
                if value and value not in values:
                    values.append(value)
            # The documented limit (maxItems) is on what is sent: repeats and blanks count too.
            if len(given) > MAX_VALUES:
                errors[name] = [_("Choose at most %(max)d values.", max=MAX_VALUES)]
                continue
            if any(len(v) > MAX_VALUE_LENGTH for v in values):
                errors[name] = [_("A value is too long.")]
                continue
            problem = _check_values(name, values)
            if problem:
                errors[name] = [problem]
                continue
            if name == "country":
                values = [v.upper() for v in values]
            setattr(params, name, values)
        active = (args.get("active") or "").strip()
        if active:
            if active in ("6", "12"):
                params.active = int(active)
            else:
                errors["active"] = [_("Activity must be 6 or 12 (months).")]
        sort = (args.get("sort") or "").strip() or "relevance"
        if sort not in SORTS:
            errors["sort"] = [_("Sort by one of: %(choices)s.", choices=", ".join(SORTS))]
        params.sort = sort
        params.page = _int_arg(args, "page", 1, 1, MAX_PAGE, errors)
        params.per_page = _int_arg(args, per_page_name, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors, key="per_page")
        cursor = (args.get("cursor") or "").strip()
        if cursor:
            if _decode_cursor(cursor) is None:
                errors["cursor"] = [_("The cursor is not valid.")]
            else:
                params.cursor = cursor
        if errors:
            raise ValidationFailed(errors)
        return params

    @property
    def terms(self) -> list[str]:
        """The positive words of ``q`` that the text query uses (lower case, at most ten)."""
        return self.text_query.words()

    @property
    def text_query(self) -> TextQuery:
        """``q`` parsed (words, phrases, exclusions, OR), see :mod:`commons.catalogue.query`."""
        cached = self.__dict__.get("_text_query")
        if cached is None or cached[0] != (self.q, self.any_word):
            query = parse(self.q)
            query.any_group = self.any_word and query.relaxable
            cached = ((self.q, self.any_word), query)
            self.__dict__["_text_query"] = cached
        return cached[1]

    @property
    def has_text(self) -> bool:
        return not self.text_query.empty

    def filters(self) -> dict[str, Any]:
        """The active filters (no sort or page), e.g. for an export's header."""
        out: dict[str, Any] = {}
        if self.q:
            out["q"] = self.q
        for name in self.LIST_FIELDS:
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.active:
            out["active"] = self.active
        return out

    def query_args(self, **changes: Any) -> list[tuple[str, str]]:
        """The query string of this search as (key, value) pairs; ``changes`` override fields.

        Defaults are left out so that URLs stay short and shareable; ``page`` is reset by a change
        of filter unless given.
        """
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if changes and "page" not in changes:
            values["page"] = 1
        values.update(changes)
        pairs: list[tuple[str, str]] = []
        if values["q"]:
            pairs.append(("q", values["q"]))
        for name in self.LIST_FIELDS:
            pairs.extend((name, v) for v in values[name])
        if values["active"]:
            pairs.append(("active", str(values["active"])))
        if values["sort"] and values["sort"] != "relevance":
            pairs.append(("sort", values["sort"]))
        if values["per_page"] != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(values["per_page"])))
        if values["page"] and values["page"] != 1:
            pairs.append(("page", str(values["page"])))
        return pairs

    def toggled(self, facet: str, value: str) -> list[tuple[str, str]]:
        """Query args with ``value`` added to or removed from ``facet`` (for links and chips)."""
        if facet == "activity":
            return self.query_args(active=None if str(self.active) == value else int(value))
        current = list(getattr(self, facet))
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        return self.query_args(**{facet: current})

    def selected(self, facet: str) -> list[str]:
        """The chosen values of a facet, as strings (``activity`` maps to ``active``)."""
        if facet == "activity":
            return [str(self.active)] if self.active else []
        return list(getattr(self, facet))


def _check_values(name: str, values: list[str]) -> str | None:
    if name == "status":
        bad = [v for v in values if v not in STATUSES]
        if bad:
            return _("Unknown status: %(values)s.", values=", ".join(bad))
    elif name == "function":
        bad = [v for v in values if v not in function_vocabulary.vocabulary().labels]
        if bad:
            return _("Unknown function: %(values)s.", values=", ".join(bad))
    elif name == "category":
        bad = [v for v in values if v not in CATEGORIES]
        if bad:
            return _("Unknown category: %(values)s.", values=", ".join(bad))
    elif name in ("has_publiccode", "archived"):
        bad = [v for v in values if v not in YES_NO]
        if bad:
            return _("Use yes or no.")
    elif name == "country":
        bad = [v for v in values if not re.fullmatch(r"[A-Za-z]{2}", v)]
        if bad:
            return _("Use two-letter country codes such as FR or DE.")
    elif name == "development_status":
        bad = [v for v in values if v not in DEVELOPMENT_STATUSES]
        if bad:
            return _("Unknown development status: %(values)s.", values=", ".join(bad))
    return None


def _int_arg(
    args: Any,
    name: str,
    default: int,
    low: int,
    high: int,
    errors: dict[str, list[str]],
    key: str | None = None,
) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{1,6}", raw) or not low <= int(raw) <= high:
        errors[key or name] = [_("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)]
        return default
    return int(raw)


def _encode_cursor(offset: int) -> str:
    return f"o{offset}"


def _decode_cursor(cursor: str) -> int | None:
    match = re.fullmatch(r"o(\d{1,9})", cursor)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------- results


@dataclass
class SearchResult:
    """One page of results with the facet counts of the whole result set."""

    items: list[Commons]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    next_cursor: str | None
    page: int
    per_page: int
    offset: int
    # True when no commons had every word and the items are those with some of them.
    any_word: bool = False
    # When a word matched nothing and was corrected: the search text that ran, and the text as typed
    # with the corrected words quoted (searching it runs the words as typed).
    corrected_q: str | None = None
    original_q: str | None = None

    @property
    def pages(self) -> int:
        """Pages reachable by number (deeper results are reachable with the cursor)."""
        return min(MAX_PAGE, max(1, math.ceil(self.total / self.per_page)))

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total and self.page < MAX_PAGE

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def _is_sqlite() -> bool:
    return bool(db.session.get_bind().dialect.name == "sqlite")


# ------------------------------------------------------------------------------------------ text query
#
# Every query word is one "alternative" subquery giving (id, s): the commons where one of its exact keys
# (folded word, stems) is a term, with the weight of the best field, or where its folded form is a prefix
# of a term (half weight), or whose function the word names (function weight). Alternatives of an OR
# group are united (best weight), groups are joined (weights added), exclusions removed. Plain SQL over
# commons_terms, the same on SQLite and PostgreSQL.

_PREFIX_END = "\U0010ffff"


def _word_select(name: str, alt: Alternative, index: int) -> Select[Any]:
    keys: Any = bindparam(f"{name}_k", alt.keys(index), expanding=True)
    keys_again: Any = bindparam(f"{name}_kk", alt.keys(index), expanding=True)
    t = CommonsTerm
    prefix = alt.prefix(index)
    if prefix is None:
        return (
            select(t.commons_id.label("id"), func.max(t.weight).label("s"))
            .where(t.term.in_(keys))
            .group_by(t.commons_id)
        )
    low = bindparam(f"{name}_lo", prefix, type_=String())
    high = bindparam(f"{name}_hi", prefix + _PREFIX_END, type_=String())
    # Two ranges of the covering index (term, commons_id, weight), united: an OR of both would be a
    # "MULTI-INDEX OR" on SQLite (a table lookup per row) and a BitmapOr with heap fetches on PostgreSQL.
    # The exact keys at full weight; the other terms that start with the word at half weight.
    exact = select(t.commons_id.label("id"), t.weight.label("s")).where(t.term.in_(keys))
    prefixed = select(t.commons_id.label("id"), (t.weight / 2).label("s")).where(
        t.term >= low, t.term < high, t.term.not_in(keys_again)
    )
    both = union_all(exact, prefixed).subquery(f"{name}p")
    return select(both.c.id.label("id"), func.max(both.c.s).label("s")).group_by(both.c.id)


def _alternative_select(name: str, alt: Alternative) -> Select[Any]:
    """(id, s) of the commons matching one word or phrase."""
    if len(alt.words) == 1:
        parts: list[Select[Any]] = [_word_select(f"{name}w0", alt, 0)]
    else:
        # A phrase: every word, then the words next to each other in the folded text.
        subs = [_word_select(f"{name}w{i}", alt, i).subquery(f"{name}w{i}") for i in range(len(alt.words))]
        first = subs[0]
        stmt = select(first.c.id.label("id"), sum((sub.c.s for sub in subs[1:]), first.c.s).label("s"))
        for sub in subs[1:]:
            stmt = stmt.join(sub, sub.c.id == first.c.id)
        pattern = "% " + " ".join(_like_escape(textindex.fold(w)) for w in alt.words) + " %"
        stmt = stmt.where(
            select(literal_column("1"))
            .where(
                CommonsText.commons_id == first.c.id,
                CommonsText.content.like(bindparam(f"{name}_like", pattern, type_=Text()), escape="\\"),
            )
            .exists()
        )
        parts = [stmt]
    if alt.functions:
        chosen: Any = bindparam(f"{name}_f", sorted(alt.functions), expanding=True)
        parts.append(
            select(CommonsFacet.commons_id.label("id"), literal(textindex.FUNCTION).label("s")).where(
                CommonsFacet.facet == "function", CommonsFacet.value.in_(chosen)
            )
        )
    if len(parts) == 1:
        return parts[0]
    # The function boosts the commons that also have the word in their text.
    union = union_all(*parts).subquery(f"{name}u")
    return select(union.c.id, func.sum(union.c.s).label("s")).group_by(union.c.id)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _group_select(name: str, group: list[Alternative]) -> Select[Any]:
    if len(group) == 1:
        return _alternative_select(f"{name}a0", group[0])
    union = union_all(*(_alternative_select(f"{name}a{i}", alt) for i, alt in enumerate(group))).subquery(f"{name}u")
    return select(union.c.id, func.max(union.c.s).label("s")).group_by(union.c.id)


def _text_select(query: TextQuery) -> Select[Any]:
    """(id, score) of every commons matching the text query."""
    if query.groups and query.any_group:
        union = union_all(*(_group_select(f"g{i}", group) for i, group in enumerate(query.groups))).subquery("any")
        relaxed = select(union.c.id.label("id"), func.sum(union.c.s).label("score")).group_by(union.c.id)
        if query.excluded:
            left_out = union_all(
                *(
                    select(_alternative_select(f"x{i}", alt).subquery(f"x{i}").c.id)
                    for i, alt in enumerate(query.excluded)
                )
            )
            relaxed = relaxed.where(union.c.id.not_in(left_out))
        return relaxed
    if query.groups:
        subs = [_group_select(f"g{i}", group).subquery(f"g{i}") for i, group in enumerate(query.groups)]
        first = subs[0]
        stmt = select(first.c.id.label("id"), sum((sub.c.s for sub in subs[1:]), first.c.s).label("score"))
        for sub in subs[1:]:
            stmt = stmt.join(sub, sub.c.id == first.c.id)
        id_column: Any = first.c.id
    else:
        stmt = select(Commons.id.label("id"), literal(0).label("score"))
        id_column = Commons.id
    if query.excluded:
        left_out = union_all(
            *(select(_alternative_select(f"x{i}", alt).subquery(f"x{i}").c.id) for i, alt in enumerate(query.excluded))
        )
        stmt = stmt.where(id_column.not_in(left_out))
    return stmt


def _text_values(query: TextQuery) -> dict[str, Any]:
    """The values of the named parameters of :func:`_text_select` (for a cached statement)."""
    values: dict[str, Any] = {}

    def alternative(name: str, alt: Alternative) -> None:
        for i in range(len(alt.words)):
            word = f"{name}w{i}"
            values[f"{word}_k"] = values[f"{word}_kk"] = alt.keys(i)
            prefix = alt.prefix(i)
            if prefix is not None:
                values[f"{word}_lo"] = prefix
                values[f"{word}_hi"] = prefix + _PREFIX_END
        if len(alt.words) > 1:
            values[f"{name}_like"] = "% " + " ".join(_like_escape(textindex.fold(w)) for w in alt.words) + " %"
        if alt.functions:
            values[f"{name}_f"] = sorted(alt.functions)

    for g, group in enumerate(query.groups):
        for a, alt in enumerate(group):
            alternative(f"g{g}a{a}", alt)
    for x, alt in enumerate(query.excluded):
        alternative(f"x{x}", alt)
    return values


def _text_condition(query: TextQuery) -> Condition:
    return Commons.id.in_(select(_text_select(query).subquery("text_hits").c.id))


def _facet_condition(name: str, values: list[str], probe: bool = False) -> ColumnElement[bool]:
    # Named parameters: a cached statement of the same shape is run again with other values.
    chosen: Any = bindparam(f"v_{name}", values, expanding=True)
    if name in TABLE_FACETS and probe:
        # Probe the primary key (commons_id, facet, value) once per commons of the set (the words' hits)
        # instead of reading every row of the value (30 % of the catalogue for EUPL-1.2).
        return (
            select(literal_column("1"))
            .where(CommonsFacet.commons_id == Commons.id, CommonsFacet.facet == name, CommonsFacet.value.in_(chosen))
            .exists()
        )
    if name in TABLE_FACETS:
        return Commons.id.in_(
            select(CommonsFacet.commons_id).where(CommonsFacet.facet == name, CommonsFacet.value.in_(chosen))
        )
    return _COLUMN_FACETS[name].in_(chosen)


def _activity_cutoff(months: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=round(months * 30.44))


def _conditions(params: SearchParams, hits: Any = None) -> dict[str, Condition]:
    """One condition per active filter, keyed by facet name (``q`` for the text, through ``hits``
    when the words were matched in a CTE)."""
    out: dict[str, Condition] = {}
    has_text = params.has_text
    if has_text:
        out["q"] = Commons.id.in_(select(hits.c.id)) if hits is not None else _text_condition(params.text_query)
    for name in SearchParams.LIST_FIELDS:
        values = getattr(params, name)
        if values:
            # SQLite drives from the words' hits when there are words: probe the facet per hit.
            out[name] = _facet_condition(name, values, probe=has_text and _is_sqlite())
    if params.active:
        out["activity"] = Commons.last_activity_at >= bindparam(
            "active_cut", _activity_cutoff(params.active), type_=UTCDateTime()
        )
    return out


def _matching(params: SearchParams) -> Select[Any]:
    """The commons matching ``params`` in the order the search shows them."""
    return _ordered(params, select(Commons))


def matching_ids(params: SearchParams) -> Select[Any]:
    """``SELECT commons.id`` of every match, in the search's order (for exports)."""
    return _ordered(params, select(Commons.id))


def _page(params: SearchParams, hits: Hits | None, offset: int, limit: int) -> list[Commons]:
    """One page of the matching commons in the search's order, with the words' hits already matched.

    The order is decided on the ids and the few columns it needs; only the page's rows are then read
    whole (a commons row carries every description: sorting hundreds of them costs more than the search).
    """
    stmt: Select[Any] = select(Commons.id)
    values: dict[str, Any] = {}
    if hits is not None:
        values = dict(hits)
        source = _hits_source()
        conditions = _conditions(params, source)
        conditions.pop("q")  # the join to the hits is the words' condition
        stmt = stmt.join(source, source.c.id == Commons.id).where(*conditions.values())
        if params.sort == "relevance":
            stmt = stmt.order_by(source.c.score.desc(), *_QUALITY_ORDER)
        else:
            stmt = _order(params, stmt)
    else:
        stmt = _order(params, stmt.where(*_conditions(params).values()))
    ids = [int(i) for i in db.session.scalars(stmt.offset(offset).limit(limit), values)]
    if not ids:
        return []
    found = {c.id: c for c in db.session.scalars(select(Commons).where(Commons.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _ordered(params: SearchParams, stmt: Select[Any]) -> Select[Any]:
    conditions = _conditions(params)
    if params.sort == "relevance" and params.has_text:
        # The join to the scored hits matches the words itself: the IN condition would match them twice.
        conditions.pop("q")
        hits = _text_select(params.text_query).subquery("hits")
        stmt = stmt.join(hits, hits.c.id == Commons.id).where(*conditions.values())
        return stmt.order_by(hits.c.score.desc(), *_QUALITY_ORDER)
    return _order(params, stmt.where(*conditions.values()))


# Ties of relevance: accepted commons first, then the most used, then the healthiest by the signals
# stored on the row (stars, recent activity), then the oldest entry.
_QUALITY_ORDER = (
    case((Commons.catalogue_status == "accepted", 0), else_=1),
    Commons.usage_count.desc(),
    Commons.stars.desc(),
    Commons.last_activity_at.desc().nulls_last(),
    Commons.id,
)


def _order(params: SearchParams, stmt: Select[Any]) -> Select[Any]:
    """Add the ORDER BY of ``params.sort`` to a statement over ``commons`` (ties broken by id)."""
    sort = params.sort
    if sort == "usage":
        return stmt.order_by(Commons.usage_count.desc(), Commons.id)
    if sort == "stars":
        return stmt.order_by(Commons.stars.desc(), Commons.id)
    if sort == "name":
        return stmt.order_by(Commons.name, Commons.id)
    # "activity", and "relevance" without words: most recently active first.
    return stmt.order_by(Commons.last_activity_at.desc().nulls_last(), Commons.id)


_COLUMN_FACETS = {
    "category": Commons.category,
    "country": Commons.country,
    "status": Commons.catalogue_status,
    "development_status": Commons.development_status,
}


# ------------------------------------------------------------------------------------------ scored hits
#
# A request matches its words once (:func:`scored_hits`, one statement over commons_terms) and hands the
# hits to the counts statement and to the page of items as parameters, instead of each statement
# matching the words again. The database packs them itself, in one row, so that no hit goes through
# Python one by one: SQLite as JSON (the ids; and the ids per score, {"8.0": [3, 17], ...}) read back with
# json_each, PostgreSQL as two arrays read back with unnest. Only this packing differs between the two
# databases; the answers are the same.

Hits = dict[str, Any]  # the values of the parameters hit_ids and hit_scores


def _hits_statement(query: TextQuery) -> Any:
    """One row packing the (id, score) pairs of :func:`_text_select`, built once per shape of ``query``."""
    shape = ("hits", db.session.get_bind().dialect.name, query.shape)
    statement = _STATEMENTS.get(shape)
    if statement is None:
        if len(_STATEMENTS) > 512:
            _STATEMENTS.clear()
        hits = _text_select(query).subquery("scored")
        if _is_sqlite():
            by_score = (
                select(hits.c.score.label("score"), func.json_group_array(hits.c.id).label("ids"))
                .group_by(hits.c.score)
                .subquery("by_score")
            )
            statement = select(
                select(func.json_group_array(hits.c.id)).scalar_subquery(),
                select(func.json_group_object(by_score.c.score, func.json(by_score.c.ids))).scalar_subquery(),
            )
        else:
            statement = select(func.array_agg(hits.c.id), func.array_agg(cast(hits.c.score, Float)))
        _STATEMENTS[shape] = statement
    return statement


def scored_hits(params: SearchParams) -> Hits:
    """The commons matching the words of ``params`` (no filter) with their relevance scores, packed as
    the parameters of :func:`_hits_source` and :func:`_hits_cte`."""
    ids, scores = db.session.execute(_hits_statement(params.text_query), _text_values(params.text_query)).one()
    if _is_sqlite():
        return {"hit_ids": ids or "[]", "hit_scores": scores or "{}"}
    return {"hit_ids": ids or [], "hit_scores": scores or []}


def _hits_source() -> Any:
    """A subquery (id, score) reading the hits of :func:`scored_hits`."""
    if _is_sqlite():
        groups = func.json_each(bindparam("hit_scores", type_=Text())).table_valued("key", "value").alias("hit_groups")
        members = func.json_each(groups.c.value).table_valued("value").alias("hit_members")
        return (
            select(members.c.value.label("id"), cast(groups.c.key, Float).label("score"))
            .select_from(groups)
            .join(members, literal_column("1") == 1)
            # Materialised: left to itself, the planner loops over the commons of a filter and reads the
            # JSON again for each.
            .cte("hits")
            .prefix_with("MATERIALIZED")
        )
    pairs = (
        func.unnest(
            cast(bindparam("hit_ids", type_=ARRAY(Integer())), ARRAY(Integer())),
            cast(bindparam("hit_scores", type_=ARRAY(Float())), ARRAY(Float())),
        )
        .table_valued("id", "score")
        .render_derived(name="hit_pairs")
    )
    return select(pairs.c.id.label("id"), pairs.c.score.label("score")).subquery("hits")


def _hits_cte() -> Any:
    """The ids of the request's hits (``hit_ids``), materialised once per statement."""
    if _is_sqlite():
        each = func.json_each(bindparam("hit_ids", type_=Text())).table_valued("value").alias("hit_ids")
        ids = select(each.c.value.label("id"))
    else:
        ids = select(func.unnest(cast(bindparam("hit_ids", type_=ARRAY(Integer())), ARRAY(Integer()))).label("id"))
    return ids.cte("hits").prefix_with("MATERIALIZED")


_SEPARATOR = "\x1f"  # between facet and value in SQLite's combined rows; never in a facet name


def _column_facet_select(name: str, base: Any) -> Select[Any]:
    """(facet, value, count) of a single-valued facet: a column of the materialised set itself."""
    column_ = _COLUMN_FACETS[name] if base is None else base.c[name]
    return (
        select(literal(name, String).label("facet"), cast(column_, String).label("value"), func.count().label("n"))
        .select_from(base if base is not None else Commons)
        .where(column_.is_not(None))
        .group_by(column_)
    )


def _table_facets_select(names: list[str], base: Any) -> Select[Any]:
    """(facet, value, count) of several table facets over one set (None: the whole catalogue).

    Every facet row of a commons sits together in the primary key (commons_id, facet, value), so the
    set is walked once for all the facets that share it: one index lookup per matching commons.
    """
    count = func.count().label("n")
    if base is None:
        return (
            select(CommonsFacet.facet.label("facet"), CommonsFacet.value.label("value"), count)
            .where(CommonsFacet.facet.in_(names))
            .group_by(CommonsFacet.facet, CommonsFacet.value)
        )
    if _is_sqlite():
        # SQLite has no estimate of a CTE's size and often scans the whole facet table to probe the set
        # (or builds a Bloom filter by scanning it). A correlated subquery inside json_each runs once per
        # row of the set, whatever the size of the catalogue.
        pairs = (
            select(func.json_group_array(CommonsFacet.facet + _SEPARATOR + CommonsFacet.value))
            .where(CommonsFacet.commons_id == base.c.id, CommonsFacet.facet.in_(names))
            .correlate(base)
            .scalar_subquery()
        )
        each = func.json_each(pairs).table_valued("value")
        return (
            select(literal("*", String).label("facet"), each.c.value.label("value"), count)
            .select_from(base)
            .join(each, literal_column("1") == 1)
            .group_by(each.c.value)
        )
    # PostgreSQL: LATERAL, one lookup per matching commons; a plain join lets the planner hash the whole
    # facet table even for a few hundred matches. OFFSET keeps it from pulling the subquery up.
    rows = (
        select(CommonsFacet.facet.label("facet"), CommonsFacet.value.label("value"))
        .where(CommonsFacet.commons_id == base.c.id, CommonsFacet.facet.in_(names))
        .offset(0)
        .lateral()
    )
    return (
        select(rows.c.facet, rows.c.value, count)
        .select_from(base)
        .join(rows, literal_column("true"))
        .group_by(rows.c.facet, rows.c.value)
    )


def _activity_selects(base: Any) -> list[Select[Any]]:
    now = utcnow()
    label = literal("activity", String).label("facet")
    column_ = Commons.last_activity_at if base is None else base.c.last_activity_at
    return [
        select(label, literal(str(months), String).label("value"), func.count().label("n"))
        .select_from(base if base is not None else Commons)
        .where(column_ >= bindparam(f"cut_{months}", _activity_cutoff(months, now), type_=UTCDateTime()))
        for months in ACTIVE_MONTHS
    ]


def _counts_statement(params: SearchParams, with_facets: bool) -> Any:
    """One statement for the total and every facet.

    Each facet is counted with every filter except its own, so the other values of a facet stay
    choosable (values within a facet combine with OR, facets with AND). The sets of matching ids are
    materialised once per distinct combination of filters (CTEs): the words are matched once, and
    with two filters there are three sets, not one per facet.
    """
    hits = _hits_cte() if params.has_text else None
    conditions = _conditions(params, hits)
    bases: dict[str | None, Any] = {}

    def base_without(key: str | None) -> Any:
        if key not in bases:
            kept = [c for name, c in conditions.items() if name != key]
            columns: list[Any] = [Commons.id.label("id"), Commons.last_activity_at.label("last_activity_at")]
            columns += [column_.label(name) for name, column_ in _COLUMN_FACETS.items()]
            if not kept:
                bases[key] = None
                return None
            stmt = select(*columns)
            if hits is not None and not _is_sqlite():
                # PostgreSQL has no statistics on a CTE: "IN (SELECT id FROM hits)" is planned as if the
                # words matched 200 commons and probes every other filter once per match. Joining the
                # hits instead gives the planner their true number.
                kept = [c for name, c in conditions.items() if name not in (key, "q")]
                stmt = stmt.select_from(hits).join(Commons, Commons.id == hits.c.id)
            bases[key] = stmt.where(*kept).cte(f"base_{key or 'all'}").prefix_with("MATERIALIZED")
        return bases[key]

    everything = base_without(None)
    total = select(
        literal("_total", String).label("facet"), literal("", String).label("value"), func.count().label("n")
    ).select_from(everything if everything is not None else Commons)
    parts: list[Select[Any]] = [total]
    if with_facets:
        table_facets: dict[str | None, list[str]] = {}
        for name in FACETS:
            key = name if name in conditions else None
            base = base_without(key)
            if name == "activity":
                parts.extend(_activity_selects(base))
            elif name in TABLE_FACETS:
                table_facets.setdefault(key, []).append(name)
            else:
                parts.append(_column_facet_select(name, base))
        for key, names in table_facets.items():
            parts.append(_table_facets_select(names, base_without(key)))
    return union_all(*parts)


_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement_values(params: SearchParams, hits: Hits | None) -> dict[str, Any]:
    """The values of the named parameters of the counts statement for ``params``."""
    values: dict[str, Any] = {}
    if hits is not None:
        values.update(hits)
    for name in SearchParams.LIST_FIELDS:
        if getattr(params, name):
            values[f"v_{name}"] = list(getattr(params, name))
    now = utcnow()
    if params.active:
        values["active_cut"] = _activity_cutoff(params.active, now)
    for months in ACTIVE_MONTHS:
        values[f"cut_{months}"] = _activity_cutoff(months, now)
    return values


def _cached_counts_statement(
    params: SearchParams, with_facets: bool, hits: Hits | None = None
) -> tuple[Any, dict[str, Any]]:
    """The counts statement for the shape of ``params`` (which filters are set), built once per shape:
    building and hashing a statement of some twenty SELECTs costs more than running it. The words'
    hits come as a parameter (``hits``, matched by :func:`scored_hits` when not given)."""
    if params.has_text and hits is None:
        hits = scored_hits(params)
    shape = (
        "counts",
        db.session.get_bind().dialect.name,
        params.has_text,
        tuple(name for name in SearchParams.LIST_FIELDS if getattr(params, name)),
        bool(params.active),
        with_facets,
    )
    statement = _STATEMENTS.get(shape)
    if statement is None:
        if len(_STATEMENTS) > 512:
            _STATEMENTS.clear()
        statement = _STATEMENTS[shape] = _counts_statement(params, with_facets)
    return statement, _statement_values(params, hits if params.has_text else None)


def facet_counts(params: SearchParams) -> dict[str, list[tuple[str, int]]]:
    """Counts per facet value (most frequent first, at most 30 per facet) for the whole result set."""
    return _run_counts(params, True)[1]


def _run_counts(
    params: SearchParams, with_facets: bool, hits: Hits | None = None
) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    cache_key = None
    ttl = _cache_seconds()
    if ttl and not params.filters():
        # The unfiltered catalogue is the most visited page and the most expensive to count.
        from commons.cache import response_cache

        # The write generation of commons.cache: a commit of this process that changed a commons
        # (or what its facets come from) is never answered with older counts.
        cache_key = (str(db.engine.url), with_facets, response_cache.generation)
        cached = _COUNT_CACHE.get(cache_key)
        if cached and cached[0] > time.monotonic():
            return cached[1], {name: list(counts) for name, counts in cached[2].items()}
    total = 0
    grouped: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS} if with_facets else {}
    for facet, value, n in db.session.execute(*_cached_counts_statement(params, with_facets, hits)):
        if facet == "_total":
            total = int(n)
            continue
        if facet == "*":
            facet, _sep, value = str(value).partition(_SEPARATOR)
        if int(n) > 0 and facet in grouped:
            grouped[facet].append((str(value), int(n)))
    for name, counts in grouped.items():
        if name == "activity":
            order = {str(m): i for i, m in enumerate(ACTIVE_MONTHS)}
            counts.sort(key=lambda item: order.get(item[0], 99))
        else:
            counts.sort(key=lambda item: (-item[1], item[0]))
        del counts[FACET_VALUE_LIMIT:]
        # A chosen value always shows, even when nothing matches it any more.
        present = {v for v, _n in counts}
        counts.extend((v, 0) for v in params.selected(name) if v not in present)
    if cache_key is not None:
        for stale in [key for key in _COUNT_CACHE if key[2] != cache_key[2]]:
            del _COUNT_CACHE[stale]
        _COUNT_CACHE[cache_key] = (time.monotonic() + ttl, total, grouped)
    return total, grouped


_COUNT_CACHE: dict[Any, tuple[float, int, dict[str, list[tuple[str, int]]]]] = {}


def _cache_seconds() -> float:
    from flask import has_app_context

    from commons.cache import cache_seconds

    return cache_seconds() if has_app_context() else 0


# ------------------------------------------------------------------------------------------ typo correction


def _max_distance(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def _matches_anything(alt: Alternative) -> bool:
    t = CommonsTerm
    condition: Any = t.term.in_(alt.keys(0))
    prefix = alt.prefix(0)
    if prefix is not None:
        condition = or_(condition, and_(t.term >= prefix, t.term < prefix + _PREFIX_END))
    return db.session.scalar(select(t.term).where(condition).limit(1)) is not None


def _correction(word: str) -> str | None:
    """The nearest indexed word or vocabulary word (edit distance with transpositions), or None."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    folded = textindex.fold(word)
    limit = _max_distance(folded)
    if not limit:
        return None
    first = folded[0]
    t = CommonsTerm
    # Same first letter: people rarely mistype it, and it keeps the candidates few and indexed.
    candidates = set(
        db.session.scalars(
            select(t.term)
            .where(
                t.term >= first,
                t.term < first + _PREFIX_END,
                func.length(t.term).between(len(folded) - limit, len(folded) + limit),
            )
            .distinct()
        )
    )
    candidates.update(w for w in function_vocabulary.vocabulary().surface_words if w.startswith(first))
    candidates.discard(folded)
    if not candidates:
        return None
    best = process.extractOne(folded, sorted(candidates), scorer=OSA.distance, score_cutoff=limit)
    return str(best[0]) if best else None


def corrected(params: SearchParams) -> tuple[SearchParams, dict[str, str]]:
    """``params`` with every plain word that matches nothing replaced by its nearest indexed word.

    Only unquoted single words are corrected, and only when no term, prefix or function matches them.
    Returns the params to run and the corrections made (typed word → correction).
    """
    fixes: dict[str, str] = {}
    if not params.has_text:
        return params, fixes
    for group in params.text_query.groups:
        for alt in group:
            if alt.phrase or alt.forced or alt.functions or len(alt.words) != 1:
                continue
            word = alt.words[0]
            if word in fixes or _matches_anything(alt):
                continue
            better = _correction(word)
            if better:
                fixes[word] = better
    if not fixes:
        return params, fixes
    return replace(params, q=with_words_replaced(params.q, fixes)), fixes


def search(params: SearchParams, *, with_facets: bool = True, correct: bool = True) -> SearchResult:
    """Run a catalogue search: one page of ``Commons`` with the total and the facet counts.

    With ``correct``, words that match nothing are corrected first (:func:`corrected`); the result says so.
    """
    original = params
    fixes: dict[str, str] = {}
    if correct:
        params, fixes = corrected(params)
    offset = _decode_cursor(params.cursor) if params.cursor else None
    if offset is None:
        offset = (params.page - 1) * params.per_page
    hits = scored_hits(params) if params.has_text else None
    total, facets = _run_counts(params, with_facets, hits)
    if total == 0 and params.has_text and params.text_query.relaxable and list(params.filters()) == ["q"]:
        # Nobody has every word ("chat app for government"): show the commons with most of them. Not when
        # filters are chosen: then the filters, not the words, may be what empties the result.
        relaxed = replace(params, any_word=True)
        relaxed_hits = scored_hits(relaxed)
        relaxed_total, relaxed_facets = _run_counts(relaxed, with_facets, relaxed_hits)
        if relaxed_total:
            params, hits, total, facets = relaxed, relaxed_hits, relaxed_total, relaxed_facets
    items: list[Commons] = []
    if offset < total:
        items = _page(params, hits, offset, params.per_page)
    next_cursor = _encode_cursor(offset + params.per_page) if offset + params.per_page < total else None
    page = offset // params.per_page + 1
    return SearchResult(
        items=items,
        total=total,
        facets=facets,
        next_cursor=next_cursor,
        page=page,
        per_page=params.per_page,
        offset=offset,
        any_word=params.any_word,
        corrected_q=params.q if fixes else None,
        original_q=quoted_words(original.q, set(fixes)) if fixes else None,
    )


def iter_matching(params: SearchParams, batch: int = 1000) -> Iterable[Commons]:
    """Every commons matching ``params`` in the search's order, fetched in batches (for exports); words
    that match nothing are corrected as the search page does."""
    params = corrected(params)[0]
    if (
        params.has_text
        and params.text_query.relaxable
        and list(params.filters()) == ["q"]
        and not _run_counts(params, False)[0]
    ):
        params = replace(params, any_word=True)
    stmt = _matching(params)
    offset = 0
    while True:
        rows = list(db.session.scalars(stmt.offset(offset).limit(batch)))
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def organisation_names(slugs: Iterable[str]) -> dict[str, str]:
    """Display names for the ``organisation`` facet's values (organisation slugs)."""
    slugs = list(slugs)
    if not slugs:
        return {}
    rows = db.session.execute(select(Organisation.slug, Organisation.name).where(Organisation.slug.in_(slugs)))
    return {str(slug): str(name) for slug, name in rows}


# --------------------------------------------------------------------------------------------- facets


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return []


def sync_facets(connection: Connection, commons_ids: Iterable[int]) -> None:
    """Rewrite the ``commons_facets`` rows of these commons from their current data (core SQL only,
    so that it can run inside a flush)."""
    ids = sorted({int(i) for i in commons_ids if i is not None})
    if not ids:
        return
    facet_table = CommonsFacet.__table__
    c = Commons.__table__
    r = Repository.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        values: dict[int, dict[str, set[str]]] = {}
        rows = connection.execute(
            select(c.c.id, c.c.licences, c.c.languages, c.c.topics, c.c.functions, c.c.catalogue_status).where(
                c.c.id.in_(chunk)
            )
        )
        repos_of: dict[int, list[Any]] = {}
        for repo in connection.execute(
            select(
                r.c.commons_id,
                r.c.host,
                r.c.license_spdx,
                r.c.languages,
                r.c.publiccode_raw,
                r.c.archived,
                r.c.gone_at,
            ).where(r.c.commons_id.in_(chunk))
        ):
            repos_of.setdefault(repo.commons_id, []).append(repo)
        for row in rows:
            repos = repos_of.get(row.id, [])
            facet = values.setdefault(row.id, {name: set() for name in (*TABLE_FACETS, "topic")})
            # Topics are not offered as a facet; their rows find related commons cheaply.
            facet["topic"].update(t.lower() for t in _as_list(row.topics))
            facet["license"].update(_as_list(row.licences))
            facet["function"].update(_as_list(row.functions))
            facet["language"].update(_as_list(row.languages))
            for repo in repos:
                if repo.license_spdx and repo.license_spdx != "NOASSERTION":
                    facet["license"].add(repo.license_spdx)
                facet["language"].update(_as_list(repo.languages))
                facet["forge"].add(repo.host)
            has_publiccode = any(repo.publiccode_raw for repo in repos)
            facet["has_publiccode"].add("yes" if has_publiccode else "no")
            archived = row.catalogue_status == "archived" or (
                bool(repos) and all(repo.archived or repo.gone_at for repo in repos)
            )
            facet["archived"].add("yes" if archived else "no")
        stewards = connection.execute(
            select(CommonsSteward.__table__.c.commons_id, Organisation.__table__.c.slug)
            .join(Organisation.__table__, Organisation.__table__.c.id == CommonsSteward.__table__.c.organisation_id)
            .where(CommonsSteward.__table__.c.commons_id.in_(chunk))
        )
        users = connection.execute(
            select(UsageDeclaration.__table__.c.commons_id, Organisation.__table__.c.slug)
            .join(Organisation.__table__, Organisation.__table__.c.id == UsageDeclaration.__table__.c.organisation_id)
            .where(UsageDeclaration.__table__.c.commons_id.in_(chunk), UsageDeclaration.__table__.c.public.is_(True))
        )
        for commons_id, slug in [*stewards, *users]:
            if commons_id in values:
                values[commons_id]["organisation"].add(slug)
        connection.execute(delete(facet_table).where(facet_table.c.commons_id.in_(chunk)))
        new_rows = [
            {"commons_id": cid, "facet": name, "value": value[:MAX_VALUE_LENGTH]}
            for cid, by_facet in values.items()
            for name, facet_values in by_facet.items()
            for value in {v[:MAX_VALUE_LENGTH] for v in facet_values}
        ]
        # Multi-row VALUES in batches: far faster than executemany for a bulk rebuild, and well under
        # the parameter limits of both databases (3 per row).
        for offset in range(0, len(new_rows), 2000):
            connection.execute(insert(facet_table).values(new_rows[offset : offset + 2000]))


def sync_terms(connection: Connection, commons_ids: Iterable[int]) -> None:
    """Rewrite the ``commons_terms`` and ``commons_text`` rows of these commons (core SQL only, so that it
    can run inside a flush or a migration)."""
    ids = sorted({int(i) for i in commons_ids if i is not None})
    c = Commons.__table__
    terms_table = CommonsTerm.__table__
    text_table = CommonsText.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = connection.execute(
            select(c.c.id, c.c.name, c.c.slug, c.c.summary, c.c.descriptions, c.c.topics).where(c.c.id.in_(chunk))
        ).all()
        connection.execute(delete(terms_table).where(terms_table.c.commons_id.in_(chunk)))
        connection.execute(delete(text_table).where(text_table.c.commons_id.in_(chunk)))
        term_rows: list[dict[str, Any]] = []
        text_rows: list[dict[str, Any]] = []
        for row in rows:
            terms = textindex.document_terms(
                name=row.name, slug=row.slug, summary=row.summary, descriptions=row.descriptions, topics=row.topics
            )
            term_rows.extend({"commons_id": row.id, "term": t, "weight": w} for t, w in terms.items())
            content = textindex.document_text(
                name=row.name, summary=row.summary, descriptions=row.descriptions, topics=row.topics
            )
            text_rows.append({"commons_id": row.id, "content": content})
        # executemany of one cached INSERT (batched by the driver): compiling a multi-row VALUES per flush
        # costs more than the rows.
        if term_rows:
            connection.execute(insert(terms_table), term_rows)
        if text_rows:
            connection.execute(insert(text_table), text_rows)


def rebuild_facets(commons_ids: Iterable[int] | None = None) -> None:
    """Recompute ``commons_facets`` and the text terms for the given commons, or for all (after a bulk load
    with core SQL)."""
    connection = db.session.connection()
    commons_ids = list(db.session.scalars(select(Commons.id))) if commons_ids is None else list(commons_ids)
    sync_facets(connection, commons_ids)
    sync_terms(connection, commons_ids)


_DIRTY = "commons_facets_dirty"
_TEXT_DIRTY = "commons_terms_dirty"
# The columns the text terms come from: a change of anything else leaves commons_terms as it is.
_TEXT_COLUMNS = ("name", "slug", "summary", "descriptions", "topics")


def _text_touched(session: OrmSession) -> set[int]:
    ids = {obj.id for obj in session.new if isinstance(obj, Commons)}
    for obj in session.dirty:
        if isinstance(obj, Commons):
            state = db.inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _TEXT_COLUMNS):
                ids.add(obj.id)
    return {i for i in ids if i is not None}


def _touched_commons(session: OrmSession) -> set[int]:
    ids: set[int | None] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Commons):
            ids.add(obj.id)
        elif isinstance(obj, Repository | CommonsSteward | UsageDeclaration):
            ids.add(obj.commons_id)
            if isinstance(obj, Repository):
                # A repository moved to another commons changes both.
                history = db.inspect(obj).attrs.commons_id.history
                ids.update(i for i in history.deleted or () if i is not None)
    for obj in session.deleted:
        if isinstance(obj, Repository | CommonsSteward | UsageDeclaration):
            ids.add(obj.commons_id)
    deleted_commons = {obj.id for obj in session.deleted if isinstance(obj, Commons)}
    return {i for i in ids if i is not None} - deleted_commons


def _after_flush(session: OrmSession, flush_context: Any) -> None:
    touched = _touched_commons(session)
    if touched:
        session.info.setdefault(_DIRTY, set()).update(touched)
    text_touched = _text_touched(session)
    if text_touched:
        session.info.setdefault(_TEXT_DIRTY, set()).update(text_touched)


def _after_flush_postexec(session: OrmSession, flush_context: Any) -> None:
    ids = session.info.pop(_DIRTY, None)
    if ids:
        sync_facets(session.connection(), ids)
    text_ids = session.info.pop(_TEXT_DIRTY, None)
    if text_ids:
        sync_terms(session.connection(), text_ids)


def _install_listeners() -> None:
    from commons.extensions import Session

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)


_install_listeners()


__all__ = [
    "FACETS",
    "SORTS",
    "CommonsFacet",
    "CommonsTerm",
    "CommonsText",
    "SearchParams",
    "SearchResult",
    "facet_counts",
    "include_in_schema_check",
    "iter_matching",
    "matching_ids",
    "organisation_names",
    "rebuild_facets",
    "search",
    "sync_facets",
    "sync_terms",
]
