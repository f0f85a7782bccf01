# SPDX-License-Identifier: EUPL-1.2
"""Catalogue exports: the search as CSV and JSON, publiccode.yml per commons, and the Atom feed.

The CSV and JSON exports take the query string of ``/commons`` and stream every matching row (no
pagination cap); the JSON states when it was made, which filters applied and under which licence the data
is reused, and the CSV links to it. Columns and fields are documented in docs/api.md; changing them means
a new ``schema_version``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import yaml
from flask import Response, abort, current_app, request, url_for
from lxml import etree
from sqlalchemy import select

from commons.catalogue.models import Commons, CommonsSteward, Repository
from commons.catalogue.search import SearchParams
from commons.catalogue.views import bp
from commons.extensions import db
from commons.types import utcnow

SCHEMA_VERSION = "1.0"
# Reuse licence of the exported catalogue data (docs/api.md explains the choice).
DATA_LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "European initiative for digital commons, commons catalogue",
}

CSV_COLUMNS = (
    "slug",
    "name",
    "summary",
    "status",
    "category",
    "country",
    "licenses",
    "languages",
    "development_status",
    "usage_count",
    "stars",
    "last_activity_at",
    "accepted_at",
    "website",
    "url",
)
# Cells starting with these are read as formulas by spreadsheets (CSV injection): such text is
# prefixed with an apostrophe, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FEED_SIZE = 50
PUBLICCODE_VERSION = "0.4"
EXPORT_BATCH = 500


def _search_params() -> SearchParams:
    """The search of ``/commons`` for the current query string (ValidationFailed on bad input)."""
    return SearchParams.from_args(request.args)


def matching_ids(params: SearchParams) -> list[int]:
    """Ids of every commons matching ``params``, in the search's order (ints: cheap even for 100,000)."""
    from commons.catalogue import search as search_module

    conditions = list(search_module._conditions(params).values())
    stmt = search_module._order(params, select(Commons.id).where(*conditions))
    return list(db.session.scalars(stmt))


def stream_rows(ids: list[int], render: Callable[[list[Commons]], str]) -> Iterator[str]:
    """Render the commons of ``ids`` batch by batch, each batch in an application context of its own.

    A WSGI server iterates the response body after the view has returned and the request's contexts are
    gone (the Flask test client does not, which hid this), so the application is taken here, while the
    view runs, and not inside the generator. Nothing the batches run may need the request: URLs are built
    beforehand. Each batch has a session of its own (removed with its context), so memory stays bounded.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _batches(app, ids, render)


def _batches(app: Any, ids: list[int], render: Callable[[list[Commons]], str]) -> Iterator[str]:
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start : start + EXPORT_BATCH]
        with app.app_context():
            rows = {c.id: c for c in db.session.scalars(select(Commons).where(Commons.id.in_(chunk)))}
            text = render([rows[i] for i in chunk if i in rows])
        yield text


def page_url_template() -> str:
    """The external URL of a commons page with ``{slug}`` in place of the slug."""
    return url_for("catalogue.detail", slug="SLUG", _external=True).replace("SLUG", "{slug}")


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def safe_cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(commons: Commons, page_url: str) -> list[str]:
    """One commons as the CSV's columns (lists joined with ``;``)."""
    values = {
        "slug": commons.slug,
        "name": commons.name,
        "summary": commons.summary or "",
        "status": commons.catalogue_status,
        "category": commons.category,
        "country": commons.country or "",
        "licenses": ";".join(commons.licences or []),
        "languages": ";".join(commons.languages or []),
        "development_status": commons.development_status or "",
        "usage_count": str(commons.usage_count or 0),
        "stars": str(commons.stars or 0),
        "last_activity_at": _iso(commons.last_activity_at),
        "accepted_at": _iso(commons.accepted_at),
        "website": commons.website or "",
        "url": page_url.format(slug=quote(commons.slug)),
    }
    return [safe_cell(values[column]) for column in CSV_COLUMNS]


def _filters_text(filters: dict[str, Any]) -> str:
    if not filters:
        return "none"
    parts = []
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        parts.append(f"{key}={'|'.join(str(v) for v in values)}")
    return "; ".join(parts)


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


@bp.route("/commons/export.csv")
def export_csv() -> Response:
    """Every commons matching the search, as CSV with the header on row 1. What the export states about
    itself (date, filters, licence) is in the JSON export of the same search, linked from the answer."""
    params = _search_params()
    generated = utcnow().replace(microsecond=0)
    ids = matching_ids(params)
    page_url = page_url_template()
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow(CSV_COLUMNS)

    def render(rows: list[Commons]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(csv_row(c, page_url) for c in rows)
        return buffer.getvalue()

    query: dict[str, Any] = request.args.to_dict(flat=False)
    described = url_for("catalogue.export_json", _external=True, **query)
    return Response(
        itertools.chain([head.getvalue()], stream_rows(ids, render)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="commons-{generated:%Y%m%d}.csv"',
            # CSV on the Web: the file's metadata is one link away; spreadsheets want the header on row 1.
            "Link": f'<{described}>; rel="describedby"; type="application/json"',
        },
    )


def json_item(commons: Commons, page_url: str) -> dict[str, Any]:
    """A commons in the JSON export: the API's list item."""
    from commons.catalogue.api import commons_item

    return commons_item(commons, page_url=page_url.format(slug=quote(commons.slug)))


@bp.route("/commons/export.json")
def export_json() -> Response:
    """Every commons matching the search as one JSON object with ``schema_version`` and ``items``."""
    params = _search_params()
    generated = utcnow().replace(microsecond=0)
    ids = matching_ids(params)
    page_url = page_url_template()
    head = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated.isoformat(),
        "filters": params.filters(),
        "licence": DATA_LICENCE,
        "total": len(ids),
    }
    state = {"first": True}

    def render(rows: list[Commons]) -> str:
        parts = []
        for commons in rows:
            parts.append(("" if state["first"] else ",") + json.dumps(json_item(commons, page_url), ensure_ascii=False))
            state["first"] = False
        return "".join(parts)

    # Streamed by hand so that a large result never sits in memory as one document.
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    return Response(
        itertools.chain([opening], stream_rows(ids, render), ["]}"]),
        mimetype="application/json",
        headers={"Content-Disposition": f'inline; filename="commons-{generated:%Y%m%d}.json"'},
    )


# --------------------------------------------------------------------------- publiccode.yml


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _licence_expression(licences: list[str]) -> str:
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    valid = []
    for licence in licences:
        try:
            if not licensing.validate(licence).errors:
                valid.append(licence)
        except Exception:  # noqa: BLE001, S112 - the library fails on some malformed input; skip it
            continue
    if not valid:
        # Honest about the unknown: a custom reference is accepted by the standard (with a warning).
        return "LicenseRef-not-declared"
    return " AND ".join(f"({v})" if " " in v else v for v in valid)


def generated_publiccode(commons: Commons) -> dict[str, Any]:
    """A publiccode.yml (0.4) describing ``commons`` from the catalogue's own data."""
    from harvesters.publiccode import CATEGORIES, DEVELOPMENT_STATUSES

    repos = list(commons.repositories)
    stewards = db.session.scalars(
        select(CommonsSteward).where(CommonsSteward.commons_id == commons.id).order_by(CommonsSteward.id)
    ).all()
    owner = next((s.organisation for s in stewards if s.role == "owner"), None)
    if owner is None and stewards:
        owner = stewards[0].organisation
    url = (
        next((r.web_url for r in repos if r.web_url), None)
        or commons.website
        or url_for("catalogue.detail", slug=commons.slug, _external=True)
    )
    note = (
        "This description was generated by the commons catalogue from harvested repository data; "
        "it is not a publiccode.yml published by the project itself."
    )
    description: dict[str, Any] = {}
    texts = commons.descriptions or {}
    for lang, block in sorted(texts.items()):
        if not isinstance(block, dict) or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", str(lang)):
            continue
        short = str(block.get("short") or commons.summary or commons.name)
        long = str(block.get("long") or short)
        description[lang] = {"shortDescription": _shorten(short, 150), "longDescription": long}
    if not description:
        short = commons.summary or commons.name
        description["en"] = {"shortDescription": _shorten(short, 150), "longDescription": short}
    features = [t for t in (commons.topics or []) if isinstance(t, str) and t.strip()][:10] or [commons.name]
    for block in description.values():
        long = " ".join(block["longDescription"].split())
        if len(long) < 150:
            long = f"{long} {note}"
        block["longDescription"] = _shorten(long, 10_000)
        block["features"] = [_shorten(f, 100) for f in features]
    data: dict[str, Any] = {
        "publiccodeYmlVersion": PUBLICCODE_VERSION,
        "name": commons.name,
        "url": url,
    }
    if commons.website and commons.website.startswith(("http://", "https://")):
        data["landingURL"] = commons.website
    categories = [t for t in (commons.topics or []) if t in CATEGORIES]
    if categories:
        data["categories"] = categories
    status = commons.development_status if commons.development_status in DEVELOPMENT_STATUSES else None
    data["developmentStatus"] = status or "development"
    data["softwareType"] = "standalone/other"
    data["platforms"] = ["web"]
    data["description"] = description
    legal: dict[str, Any] = {"license": _licence_expression(list(commons.licences or []))}
    if owner is not None:
        legal["mainCopyrightOwner"] = owner.name
        # publiccode.yml 0.4+ identifies the organisation by a URI: its website, else its page here.
        uri = owner.website or url_for("organisations.detail", slug=owner.slug, _external=True)
        data["organisation"] = {"uri": uri, "name": owner.name}
    data["legal"] = legal
    if stewards:
        # Steward organisations are the known contacts; people are never published.
        data["maintenance"] = {
            "type": "community",
            "contacts": [{"name": s.organisation.name} for s in stewards[:10]],
        }
    else:
        data["maintenance"] = {"type": "none"}
    data["localisation"] = {"localisationReady": False, "availableLanguages": sorted(description)}
    return data


def publiccode_text(commons: Commons) -> str:
    """The harvested publiccode.yml when one of the repositories has a valid one, else a generated one."""
    harvested = db.session.scalar(
        select(Repository.publiccode_raw)
        .where(
            Repository.commons_id == commons.id,
            Repository.publiccode_valid.is_(True),
            Repository.publiccode_raw.is_not(None),
        )
        .order_by(Repository.id)
        .limit(1)
    )
    if harvested:
        return str(harvested)
    header = (
        "# publiccode.yml generated by the commons catalogue from harvested data\n"
        f"# {url_for('catalogue.detail', slug=commons.slug, _external=True)}\n"
    )
    return header + yaml.safe_dump(generated_publiccode(commons), allow_unicode=True, sort_keys=False, width=100)


@bp.route("/commons/<slug>/publiccode.yml")
def publiccode(slug: str) -> Response:
    """The publiccode.yml of a commons."""
    commons = None
    if len(slug) <= 120 and "\x00" not in slug:
        commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        abort(404)
    return Response(
        publiccode_text(commons),
        mimetype="application/yaml",
        headers={"Content-Disposition": 'inline; filename="publiccode.yml"'},
    )


# --------------------------------------------------------------------------- Atom

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all; harvested text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    """Text safe to put into an XML text node (lxml escapes markup; these characters it refuses)."""
    return _NOT_XML.sub("", value or "")


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def feed_events(limit: int = FEED_SIZE) -> list[tuple[datetime, str, Commons]]:
    """The latest (time, kind, commons): ``candidate`` when a commons entered the catalogue, ``accepted``
    when the working group accepted it."""
    rows = db.session.scalars(
        select(Commons)
        .where(Commons.catalogue_status != "archived")
        .order_by(Commons.created_at.desc(), Commons.id.desc())
        .limit(limit)
    ).all()
    accepted = db.session.scalars(
        select(Commons)
        .where(Commons.accepted_at.is_not(None), Commons.catalogue_status == "accepted")
        .order_by(Commons.accepted_at.desc(), Commons.id.desc())
        .limit(limit)
    ).all()
    events = [(c.created_at, "candidate", c) for c in rows if c.created_at is not None]
    events += [(c.accepted_at, "accepted", c) for c in accepted if c.accepted_at is not None]
    events.sort(key=lambda e: e[0], reverse=True)
    return events[:limit]


def build_feed() -> bytes:
    """The Atom 1.0 document of new candidates and newly accepted commons."""
    events = feed_events()
    self_url = url_for("catalogue.feed", _external=True)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})

    def sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        node = etree.SubElement(parent, f"{{{ATOM}}}{tag}", **attrs)
        if text is not None:
            node.text = xml_text(text)
        return node

    sub(feed, "id", self_url)
    sub(feed, "title", "Digital commons: new candidates and accepted commons")
    updated = events[0][0] if events else datetime(2026, 1, 1, tzinfo=UTC)
    sub(feed, "updated", _rfc3339(updated))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    listing = "catalogue.search" if "catalogue.search" in current_app.view_functions else "main.index"
    sub(feed, "link", rel="alternate", href=url_for(listing, _external=True), type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "European initiative for digital commons")
    sub(feed, "rights", f"{DATA_LICENCE['name']} ({DATA_LICENCE['id']})")
    for when, kind, commons in events:
        page = url_for("catalogue.detail", slug=commons.slug, _external=True)
        entry = sub(feed, "entry")
        sub(entry, "id", f"{page}#{kind}-{when.strftime('%Y%m%dT%H%M%S')}")
        prefix = "Accepted" if kind == "accepted" else "New candidate"
        sub(entry, "title", f"{prefix}: {commons.name}")
        sub(entry, "updated", _rfc3339(when))
        sub(entry, "link", rel="alternate", href=page, type="text/html")
        sub(entry, "category", term=kind)
        if commons.summary:
            sub(entry, "summary", commons.summary, type="text")
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@bp.route("/commons/feed.atom")
def feed() -> Response:
    """Atom 1.0 feed of new candidates and newly accepted commons."""
    return Response(build_feed(), mimetype="application/atom+xml")
