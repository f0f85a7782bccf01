# SPDX-License-Identifier: EUPL-1.2
"""Catalogue endpoints of the JSON API: commons, organisations, usage, nominations, member states.

Every parameter is validated here before it reaches a query, so that no input answers 500; the search
itself is the catalogue's search service, the same one the HTML page uses, hence the same counts.
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date, datetime
from typing import Any

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from commons.api import bp
from commons.api.helpers import (
    BadCursor,
    cursor_after_id,
    encode_cursor,
    json_body,
    list_answer,
    page_limit,
    query_choice,
    query_text,
    require_token_user,
)
from commons.cache import cached_for_anonymous
from commons.catalogue.models import (
    Commons,
    CommonsSteward,
    Need,
    Repository,
    UsageDeclaration,
)
from commons.catalogue.search import SearchParams, search
from commons.errors import NotFound, ValidationFailed
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.organisations.models import ORG_TYPES, Organisation


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 for the API (Flask's default is the HTTP date format)."""
    return value.isoformat() if value is not None else None


def _id_after() -> int:
    return cursor_after_id() or 0


def _country(name: str) -> str | None:
    value = query_text(name, max_length=2)
    if value is None:
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValidationFailed({name: [_("Give a two-letter country code.")]})
    return value.upper()


def _optional(module: str, name: str) -> Any:
    """A function another feature may not have written yet: None until it exists."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


# --------------------------------------------------------------------------- commons


def commons_item(commons: Commons, page_url: str | None = None) -> dict[str, Any]:
    """The list representation of a commons (also the head of the full record). ``page_url`` saves
    building the page's URL where there is no request (streamed exports)."""
    return {
        "slug": commons.slug,
        "name": commons.name,
        "summary": commons.summary,
        "license": commons.licences[0] if commons.licences else None,
        "licenses": list(commons.licences or []),
        "status": commons.catalogue_status,
        "category": commons.category,
        "country": commons.country,
        "languages": list(commons.languages or []),
        "usage_count": commons.usage_count or 0,
        "stars": commons.stars or 0,
        "last_activity_at": iso(commons.last_activity_at),
        "url": page_url or url_for("catalogue.detail", slug=commons.slug, _external=True),
    }


def repository_item(repo: Repository) -> dict[str, Any]:
    """A repository as the commons record shows it, health signals included."""
    return {
        "host": repo.host,
        "full_name": repo.full_name,
        "url": repo.web_url,
        "forge": repo.forge_kind,
        "description": repo.description,
        "license": repo.license_spdx,
        "languages": list(repo.languages or []),
        "topics": list(repo.topics or []),
        "stars": repo.stars or 0,
        "forks": repo.forks or 0,
        "open_issues": repo.open_issues or 0,
        "archived": bool(repo.archived),
        "pushed_at": iso(repo.pushed_at),
        "has_publiccode": repo.publiccode_raw is not None,
        "publiccode_valid": repo.publiccode_valid,
        "health": dict(repo.health or {}),
    }


def review_summary(commons: Commons) -> dict[str, Any] | None:
    """The public review state: the review service's summary when it exists, else read from the rows."""
    summarise = _optional("commons.reviews.services", "public_review_summary")
    if summarise is not None:
        summary = summarise(commons)
        if summary is None:
            return None
        out = dict(summary)
        for key in ("decided_at", "valid_until", "valid_from"):
            if isinstance(out.get(key), date | datetime):
                out[key] = iso(out[key])
        return out
    from commons.reviews.models import Review

    reviews = db.session.scalars(
        select(Review)
        .where(Review.commons_id == commons.id, Review.status != "withdrawn")
        .order_by(Review.created_at.desc(), Review.id.desc())
    ).all()
    # Drafts are the working group's business until submitted.
    visible = [r for r in reviews if r.status != "draft"]
    if not visible:
        return None
    latest = visible[0]
    decided = next((r for r in visible if r.status == "decided"), None)
    return {
        "status": latest.status,
        "round": latest.round,
        "decision": decided.decision if decided else None,
        "decided_at": iso(decided.decided_at) if decided else None,
        "valid_until": iso(decided.valid_until) if decided else None,
    }


def _plain(value: Any) -> Any:
    """JSON-safe copy: dates as ISO 8601, lazy translations as text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def health_summary(commons: Commons, repos: list[Repository]) -> dict[str, Any]:
    """The documented health score with every input (commons.catalogue.health), and the member states
    that use or contribute; the raw signals while that module is absent."""
    compute = _optional("commons.catalogue.health", "health_of")
    if compute is not None:
        health = compute(commons)
        return {
            "score": health.score,
            "maximum": health.maximum,
            "inputs": [
                {
                    "key": i.key,
                    "label": str(i.label),
                    "maximum": i.maximum,
                    "points": i.points,
                    "value": _plain(i.value),
                    "known": bool(i.known),
                    "detail": str(i.detail or ""),
                }
                for i in health.inputs
            ],
            "member_states": list(health.member_states),
        }
    active = [r.pushed_at for r in repos if r.pushed_at is not None]
    return {
        "score": None,
        "maximum": None,
        "inputs": [
            {"key": "last_activity_at", "value": iso(max(active)) if active else iso(commons.last_activity_at)},
            {"key": "repositories", "value": len(repos)},
        ],
        "member_states": [],
    }


def usage_by_country(commons: Commons) -> list[dict[str, Any]]:
    """Public declarations counted per country of the declaring organisation (private ones never show)."""
    rows = db.session.execute(
        select(Organisation.country, func.count(UsageDeclaration.id))
        .join(Organisation, Organisation.id == UsageDeclaration.organisation_id)
        .where(UsageDeclaration.commons_id == commons.id, UsageDeclaration.public.is_(True))
        .group_by(Organisation.country)
    ).all()
    counts = Counter({(country or "??"): count for country, count in rows})
    return [{"country": c, "count": n} for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def commons_record(commons: Commons) -> dict[str, Any]:
    """The full public record of a commons."""
    repos = list(commons.repositories)
    stewards = db.session.scalars(
        select(CommonsSteward)
        .where(CommonsSteward.commons_id == commons.id)
        .options(selectinload(CommonsSteward.organisation))
        .order_by(CommonsSteward.id)
    ).all()
    needs = db.session.scalars(
        select(Need).where(Need.commons_id == commons.id, Need.status == "open").order_by(Need.id)
    ).all()
    record = commons_item(commons)
    record.update(
        {
            "descriptions": dict(commons.descriptions or {}),
            "topics": list(commons.topics or []),
            "website": commons.website,
            "development_status": commons.development_status,
            "maturity": commons.maturity,
            "valid_from": iso(commons.valid_from),
            "valid_until": iso(commons.valid_until),
            "accepted_at": iso(commons.accepted_at),
            "created_at": iso(commons.created_at),
            "repositories": [repository_item(r) for r in repos],
            "stewards": [
                {
                    "organisation": s.organisation.slug,
                    "name": s.organisation.name,
                    "country": s.organisation.country,
                    "role": s.role,
                }
                for s in stewards
            ],
            "usage": {"total": commons.usage_count or 0, "by_country": usage_by_country(commons)},
            "needs": [
                {"kind": n.kind, "title": n.title, "status": n.status, "currency": n.currency}
                | {"amount": str(n.amount) if n.amount is not None else None}
                for n in needs
            ],
            "health": health_summary(commons, repos),
            "review": review_summary(commons),
            "publiccode_url": url_for("catalogue.publiccode", slug=commons.slug, _external=True),
        }
    )
    return record


def _get_commons(slug: str) -> Commons:
    if len(slug) > 120 or "\x00" in slug:
        raise NotFound()
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        raise NotFound(_("No commons with this name."))
    return commons


@bp.route("/v1/commons/<slug>")
def commons_detail(slug: str) -> Any:
    """One commons with repositories, stewards, usage by country, health and review."""
    return jsonify(commons_record(_get_commons(slug)))


# --------------------------------------------------------------------------- organisations


def organisation_item(org: Organisation) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "acronym": org.acronym,
        "type": org.org_type,
        "member_state": org.member_state_code,
        "country": org.country,
        "website": org.website,
    }


@bp.route("/v1/organisations")
def organisations_list() -> Any:
    """Organisations, filtered by country, member state, type or a word of the name."""
    limit = page_limit()
    after = _id_after()
    query = select(Organisation)
    country = _country("country")
    if country:
        query = query.where(Organisation.country == country)
    state = _country("member_state")
    if state:
        query = query.where(Organisation.member_state_code == state)
    kind = query_choice("type", ORG_TYPES)
    if kind:
        query = query.where(Organisation.org_type == kind)
    text = query_text("q", max_length=100)
    if text:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            func.lower(Organisation.name).like(pattern, escape="\\")
            | func.lower(func.coalesce(Organisation.acronym, "")).like(pattern, escape="\\")
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.where(Organisation.id > after).order_by(Organisation.id).limit(limit + 1)).all()
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return jsonify(list_answer([organisation_item(o) for o in rows[:limit]], total, next_cursor))


@bp.route("/v1/organisations/<slug>")
def organisation_detail(slug: str) -> Any:
    """An organisation with its identifiers, the commons it stewards and the ones it publicly uses."""
    org = None
    if len(slug) <= 120 and "\x00" not in slug:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(_("No organisation with this name."))
    uses = db.session.execute(
        select(Commons.slug, Commons.name, UsageDeclaration.since)
        .join(UsageDeclaration, UsageDeclaration.commons_id == Commons.id)
        .where(UsageDeclaration.organisation_id == org.id, UsageDeclaration.public.is_(True))
        .order_by(Commons.name)
    ).all()
    stewards = db.session.execute(
        select(Commons.slug, Commons.name, CommonsSteward.role)
        .join(CommonsSteward, CommonsSteward.commons_id == Commons.id)
        .where(CommonsSteward.organisation_id == org.id)
        .order_by(Commons.name)
    ).all()
    record = organisation_item(org)
    record.update(
        {
            "parent": org.parent.slug if org.parent is not None else None,
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in org.identifiers],
            "uses": [{"commons": s, "name": n, "since": iso(since)} for s, n, since in uses],
            "stewards": [{"commons": s, "name": n, "role": role} for s, n, role in stewards],
        }
    )
    return jsonify(record)


# --------------------------------------------------------------------------- member states


@bp.route("/v1/member-states")
def member_states_list() -> Any:
    """The EU-27 and the EU institutions, with their status in the initiative."""
    rows = db.session.scalars(select(MemberState).order_by(MemberState.code)).all()
    items = [
        {
            "code": s.code,
            "display_code": s.display_code,
            "name": s.name,
            "kind": s.kind,
            "currency": s.currency,
            "initiative_status": s.initiative_status,
        }
        for s in rows
    ]
    return jsonify(list_answer(items, len(items), None))


# --------------------------------------------------------------------------- usage


def usage_item(usage: UsageDeclaration) -> dict[str, Any]:
    """A public usage declaration; who declared it is personal data and never shown."""
    org = usage.organisation
    return {
        "id": usage.id,
        "commons": usage.commons.slug,
        "organisation": {"slug": org.slug, "name": org.name, "country": org.country},
        "context": usage.context,
        "since": iso(usage.since),
        "instance_url": usage.instance_url,
        "created_at": iso(usage.created_at),
    }


@bp.route("/v1/usage")
def usage_list() -> Any:
    """Public usage declarations, filtered by commons, organisation or the organisation's country."""
    limit = page_limit()
    after = _id_after()
    query = (
        select(UsageDeclaration)
        .join(Organisation, Organisation.id == UsageDeclaration.organisation_id)
        .join(Commons, Commons.id == UsageDeclaration.commons_id)
        .where(UsageDeclaration.public.is_(True))
    )
    slug = query_text("commons", max_length=120)
    if slug:
        query = query.where(Commons.slug == slug)
    org = query_text("organisation", max_length=120)
    if org:
        query = query.where(Organisation.slug == org)
    country = _country("country")
    if country:
        query = query.where(Organisation.country == country)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.where(UsageDeclaration.id > after)
        .options(selectinload(UsageDeclaration.organisation), selectinload(UsageDeclaration.commons))
        .order_by(UsageDeclaration.id)
        .limit(limit + 1)
    ).all()
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return jsonify(list_answer([usage_item(u) for u in rows[:limit]], total, next_cursor))


# The API also takes true/false for the yes/no facets; the page's own words are yes and no.
_BOOLEAN_FACETS = ("has_publiccode", "archived")
_AS_YES_NO = {"true": "yes", "1": "yes", "false": "no", "0": "no"}


def search_args() -> MultiDict[str, str]:
    """The query string as the search service reads it (``limit`` is the API's name for ``per_page``)."""
    args: MultiDict[str, str] = MultiDict()
    for key, value in request.args.items(multi=True):
        if key in ("page", "per_page"):
            continue  # the API pages with cursors only
        if key in _BOOLEAN_FACETS:
            value = _AS_YES_NO.get(value.strip().lower(), value)
        args.add(key, value)
    return args


def facets_answer(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"value": value, "count": count} for value, count in values] for name, values in facets.items()}


@bp.route("/v1/commons")
@cached_for_anonymous("api.commons_list", normalise=True)
def commons_list() -> Any:
    """The catalogue search: the same service, so the same counts, as the /commons page."""
    try:
        params = SearchParams.from_args(search_args(), per_page_name="limit")
    except ValidationFailed as exc:
        # The service names the page size per_page in its messages; the API calls it limit.
        errors = {("limit" if key == "per_page" else key): value for key, value in exc.errors.items()}
        if "cursor" in errors:
            raise BadCursor() from exc  # 400, as for every other cursor of the API
        raise ValidationFailed(errors) from exc
    result = search(params)
    items = [commons_item(c) for c in result.items]
    query = {"corrected": result.corrected_q, "as_typed": result.original_q, "any_word": result.any_word}
    return jsonify(
        list_answer(items, result.total, result.next_cursor, facets=facets_answer(result.facets), query=query)
    )


def _body_text(body: dict[str, Any], name: str, errors: dict[str, list[str]], *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = [_("This field is required.")]
        return None
    if not isinstance(value, str):
        errors[name] = [_("Send a string.")]
        return None
    if "\x00" in value:
        errors[name] = [_("The value contains a character that is not allowed.")]
        return None
    return value


def _commit_or_rollback(operation: Any) -> Any:
    """Run a service call; commit what it flushed, or roll back so that a refused write leaves nothing."""
    try:
        result = operation()
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return result


@bp.route("/v1/usage", methods=["POST"])
def usage_declare() -> Any:
    """Declare that the token user's organisation (or, for admins, any organisation) uses a commons."""
    from commons.catalogue.services import declare_usage

    user = require_token_user()
    body = json_body()
    errors: dict[str, list[str]] = {}
    slug = _body_text(body, "commons", errors, required=True)
    org_slug = _body_text(body, "organisation", errors)
    context = _body_text(body, "context", errors)
    instance_url = _body_text(body, "instance_url", errors)
    since_text = _body_text(body, "since", errors)
    since = None
    if since_text is not None:
        try:
            since = date.fromisoformat(since_text)
        except ValueError:
            errors["since"] = [_("Give a date as YYYY-MM-DD.")]
    public = body.get("public", True)
    if not isinstance(public, bool):
        errors["public"] = [_("Send true or false.")]
    commons = organisation = None
    if slug is not None and "commons" not in errors:
        commons = db.session.scalar(select(Commons).where(Commons.slug == slug[:200]))
        if commons is None:
            errors["commons"] = [_("No commons with this name.")]
    if org_slug is not None and "organisation" not in errors:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug[:200]))
        if organisation is None:
            errors["organisation"] = [_("No organisation with this name.")]
    if errors:
        raise ValidationFailed(errors)
    assert commons is not None
    org_id = organisation.id if organisation is not None else user.organisation_id
    existed = org_id is not None and (
        db.session.scalar(
            select(UsageDeclaration.id).where(
                UsageDeclaration.commons_id == commons.id, UsageDeclaration.organisation_id == org_id
            )
        )
        is not None
    )
    usage = _commit_or_rollback(
        lambda: declare_usage(
            user,
            commons,
            organisation=organisation,
            context=context,
            since=since,
            instance_url=instance_url,
            public=bool(public),
        )
    )
    answer = usage_item(usage) | {"public": usage.public}
    return jsonify(answer), 200 if existed else 201


@bp.route("/v1/nominations", methods=["POST"])
def nominations_create() -> Any:
    """Propose a candidate by repository URL: 201 with the new commons, 200 with the one that exists."""
    from commons.catalogue.services import nominate

    user = require_token_user()
    body = json_body()
    errors: dict[str, list[str]] = {}
    url = _body_text(body, "url", errors, required=True)
    kind = _body_text(body, "kind", errors)
    reason = _body_text(body, "reason", errors)
    if errors:
        raise ValidationFailed(errors)
    assert url is not None
    commons, created = _commit_or_rollback(lambda: nominate(user, url, kind=kind, reason=reason))
    return jsonify({"created": created, "commons": commons_item(commons)}), 201 if created else 200
