# SPDX-License-Identifier: EUPL-1.2
"""Catalogue services: derived figures of a commons, usage declarations, referents and nominations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import requests
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, func, select, union_all
from sqlalchemy import cast as cast_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from commons.audit import record_event
from commons.catalogue.models import (
    Commons,
    CommonsSteward,
    Need,
    Nomination,
    Repository,
    UsageDeclaration,
    UsageReferent,
)
from commons.catalogue.search import CommonsFacet, sync_facets
from commons.errors import NotFound, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.failures import failure_cause, nomination_message
from commons.forms import PLACEHOLDERS, is_http_url
from commons.organisations.models import Organisation
from commons.outbound import BudgetExhausted, session_from_config
from commons.permissions import can, require
from commons.types import utcnow
from harvesters import (
    FORGE_KINDS,
    HarvestError,
    RepositoryRecord,
    fetch_repository,
    split_repository_url,
)
from harvesters.publiccode import parse_publiccode, stored_issues


def refresh_commons(commons: Commons) -> Commons:
    """Recompute what a commons derives from its repositories and usage: ``stars`` (sum over
    repositories), ``last_activity_at`` (latest push or update), ``usage_count`` (public declarations),
    and its search facets. Call it after upserting repositories; it flushes, the caller commits."""
    db.session.flush()
    stars, pushed, updated = db.session.execute(
        select(
            func.coalesce(func.sum(Repository.stars), 0),
            func.max(Repository.pushed_at),
            func.max(Repository.forge_updated_at),
        ).where(Repository.commons_id == commons.id)
    ).one()
    commons.stars = int(stars or 0)
    candidates = [d for d in (pushed, updated) if isinstance(d, datetime)]
    latest = max(candidates) if candidates else None
    if latest is not None or commons.last_activity_at is None:
        commons.last_activity_at = latest
    commons.usage_count = int(
        db.session.scalar(
            select(func.count(UsageDeclaration.id)).where(
                UsageDeclaration.commons_id == commons.id, UsageDeclaration.public.is_(True)
            )
        )
        or 0
    )
    db.session.flush()
    sync_facets(db.session.connection(), [commons.id])
    return commons


# ------------------------------------------------------------------------------------------ commons page


def get_commons(slug: str) -> Commons:
    """The commons with this slug, or NotFound."""
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        raise NotFound()
    require(current_user_or_none(), "catalogue:read", commons)
    return commons


def current_user_or_none() -> Any:
    from flask import has_request_context
    from flask_login import current_user

    return current_user if has_request_context() else None


def description_for(commons: Commons, language: str) -> tuple[dict[str, Any], str | None]:
    """The description in ``language``, else English, else any language: (texts, language used)."""
    descriptions = commons.descriptions if isinstance(commons.descriptions, dict) else {}
    for candidate in (language, language.split("-")[0], "en", *sorted(descriptions)):
        value = descriptions.get(candidate)
        if isinstance(value, dict) and any(isinstance(v, str) and v.strip() for v in value.values()):
            return value, candidate
    return {}, None


def _same_words(text: str) -> str:
    return " ".join(text.split()).casefold()


def page_description(commons: Commons, language: str) -> tuple[dict[str, str], str | None]:
    """The description the commons page shows under its summary: :func:`description_for` without the
    texts that repeat the summary (or each other) word for word; ``({}, None)`` when nothing is left."""
    texts, used = description_for(commons, language)
    said = {_same_words(commons.summary)} if commons.summary else set()
    shown: dict[str, str] = {}
    for key in ("short", "long"):
        value = texts.get(key)
        if isinstance(value, str) and value.strip() and _same_words(value) not in said:
            shown[key] = value
            said.add(_same_words(value))
    return (shown, used) if shown else ({}, None)


def usage_by_country(commons: Commons) -> list[tuple[str, list[UsageDeclaration]]]:
    """Public usage declarations grouped by the organisation's country, countries sorted by code."""
    rows = db.session.scalars(
        select(UsageDeclaration)
        .join(Organisation, Organisation.id == UsageDeclaration.organisation_id)
        .options(joinedload(UsageDeclaration.organisation))
        .where(UsageDeclaration.commons_id == commons.id, UsageDeclaration.public.is_(True))
        .order_by(Organisation.name)
    )
    groups: dict[str, list[UsageDeclaration]] = {}
    for usage in rows:
        country = usage.organisation.member_state_code or usage.organisation.country or ""
        groups.setdefault(country, []).append(usage)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


@dataclass
class ContributionTotals:
    """Public contributions to a commons, one column per type: units are never added together."""

    funding_count: int = 0
    funding_committed_eur: Decimal = Decimal(0)
    funding_disbursed_eur: Decimal = Decimal(0)
    staff_count: int = 0
    staff_person_days: Decimal = Decimal(0)
    governance_count: int = 0
    governance_seats: int = 0
    in_kind_count: int = 0
    member_states: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.funding_count + self.staff_count + self.governance_count + self.in_kind_count


def public_contributions(commons: Commons) -> ContributionTotals:
    """Totals of the public contributions a commons received (drafts, cancelled and deleted excluded)."""
    from commons.contributions.models import (
        Contribution,
        FundingLine,
        GovernanceParticipation,
        StaffAllocation,
    )

    totals = ContributionTotals()
    contributions = list(
        db.session.scalars(
            select(Contribution).where(
                Contribution.commons_id == commons.id,
                Contribution.visibility == "public",
                Contribution.deleted_at.is_(None),
                Contribution.status.not_in(("draft", "cancelled")),
            )
        )
    )
    if not contributions:
        return totals
    ids = [c.id for c in contributions]
    states: set[str] = set()
    for contribution in contributions:
        states.add(contribution.member_state_code)
        attribute = f"{contribution.type}_count"
        if hasattr(totals, attribute):
            setattr(totals, attribute, getattr(totals, attribute) + 1)
    # Sums in Python with Decimal: SQLite keeps exact amounts as text.
    for line in db.session.scalars(select(FundingLine).where(FundingLine.contribution_id.in_(ids))):
        if line.kind == "commitment":
            totals.funding_committed_eur += line.amount_eur
        elif line.kind == "disbursement":
            totals.funding_disbursed_eur += line.amount_eur
    for staff in db.session.scalars(select(StaffAllocation).where(StaffAllocation.contribution_id.in_(ids))):
        totals.staff_person_days += staff.person_days
    totals.governance_seats = int(
        db.session.scalar(
            select(func.count(GovernanceParticipation.id)).where(GovernanceParticipation.contribution_id.in_(ids))
        )
        or 0
    )
    totals.member_states = sorted(s for s in states if s)
    return totals


# Commons read per topic when ranking related commons (see related_commons).
RELATED_CANDIDATES = 500
# Best-starred commons of the whole catalogue looked at first when filling up from a category.
BEST_STARRED_WALK = 300
# A category too broad to relate two commons by itself (most of the catalogue is software).
UNRELATING_CATEGORIES = frozenset({"software"})


def related_commons(commons: Commons, limit: int = 6) -> list[Commons]:
    """Other commons that share something telling with this one, best first; none when nothing relates.

    What relates two commons: each topic they share and each steward organisation they share (one point
    each; ties by lowest id). When that gives fewer than ``limit``, the list is filled up with the
    best-starred commons of the same category, but only for a category that says what the commons does
    (data, standard, service): "software", the category of most of the catalogue, relates nothing.

    The cost is bounded whatever the size of the catalogue: the candidates are the first
    :data:`RELATED_CANDIDATES` commons (by id) of each topic, read from the facet index, and of each
    steward organisation, and only they are ranked. Where a topic has fewer commons than that (any
    catalogue of modest size) the answer is exactly "most shared, then lowest id"; beyond it, a commons
    sharing many topics but with a high id may be passed over for one with a lower id.
    """
    topics = sorted({t.lower() for t in commons.topics or [] if isinstance(t, str)})[:20]
    org_ids = sorted(
        set(
            db.session.scalars(
                select(CommonsSteward.organisation_id).where(CommonsSteward.commons_id == commons.id).limit(20)
            )
        )
    )
    per_topic = [
        select(CommonsFacet.commons_id.label("cid"))
        .where(CommonsFacet.facet == "topic", CommonsFacet.value == topic, CommonsFacet.commons_id != commons.id)
        .order_by(CommonsFacet.commons_id)
        .limit(RELATED_CANDIDATES)
        .subquery()
        for topic in topics
    ]
    per_org = [
        select(CommonsSteward.commons_id.label("cid"))
        .where(CommonsSteward.organisation_id == org_id, CommonsSteward.commons_id != commons.id)
        .group_by(CommonsSteward.commons_id)
        .order_by(CommonsSteward.commons_id)
        .limit(RELATED_CANDIDATES)
        .subquery()
        for org_id in org_ids
    ]
    ids: list[int] = []
    parts = [select(sub.c.cid) for sub in (*per_topic, *per_org)]
    if parts:
        candidates = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
        shared = func.count().label("shared")
        rows = db.session.execute(
            select(candidates.c.cid, shared)
            .join(Commons, Commons.id == candidates.c.cid)
            .where(Commons.catalogue_status != "archived")
            .group_by(candidates.c.cid)
            .order_by(shared.desc(), candidates.c.cid)
            .limit(limit)
        )
        ids = [int(cid) for cid, _n in rows]
    found = {c.id: c for c in db.session.scalars(select(Commons).where(Commons.id.in_(ids)))} if ids else {}
    related = [found[i] for i in ids if i in found]
    if len(related) < limit and commons.category and commons.category not in UNRELATING_CATEGORIES:
        exclude = [commons.id, *(c.id for c in related)]
        related += _best_of_category(commons.category, exclude, limit - len(related))
    return related


def _best_of_category(category: str | None, exclude: list[int], count: int) -> list[Commons]:
    """The ``count`` best-starred commons of ``category`` (not archived, not ``exclude``), ties by id.

    Asked first among the best-starred of the whole catalogue (a short walk down the stars index): when
    they hold enough, they are exactly the answer, since both follow the same order. Only otherwise (a
    rare category) is the category itself sorted, which is then small.
    """
    wanted = (Commons.category == category, Commons.catalogue_status != "archived", Commons.id.not_in(exclude))
    order = (Commons.stars.desc(), Commons.id)
    top = select(Commons.id).order_by(*order).limit(BEST_STARRED_WALK).scalar_subquery()
    found = list(db.session.scalars(select(Commons).where(Commons.id.in_(top), *wanted).order_by(*order).limit(count)))
    if len(found) < count:
        found = list(db.session.scalars(select(Commons).where(*wanted).order_by(*order).limit(count)))
    return found


def current_review(commons: Commons) -> Any:
    """The latest review of the commons that is not a draft, or None."""
    from commons.reviews.models import Review

    return db.session.scalar(
        select(Review)
        .where(Review.commons_id == commons.id, Review.status != "draft")
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )


def open_needs(commons: Commons) -> list[Need]:
    return list(
        db.session.scalars(
            select(Need).where(Need.commons_id == commons.id, Need.status == "open").order_by(Need.created_at)
        )
    )


def referents(commons: Commons, viewer: Any) -> list[UsageReferent]:
    """Referents of a commons. Names are personal data: only initiative roles see them."""
    if not can(viewer, "contribution:read-initiative"):
        return []
    return list(
        db.session.scalars(
            select(UsageReferent)
            .options(joinedload(UsageReferent.user), joinedload(UsageReferent.organisation))
            .where(UsageReferent.commons_id == commons.id)
            .order_by(UsageReferent.created_at)
        )
    )


def referent_count(commons: Commons) -> int:
    return int(
        db.session.scalar(select(func.count(UsageReferent.id)).where(UsageReferent.commons_id == commons.id)) or 0
    )


# ------------------------------------------------------------------------------------------ usage


def _organisation_of(user: Any) -> Organisation:
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        raise ValidationFailed(
            {"organisation": [_("Your account belongs to no organisation. Ask the secretariat to link it to yours.")]}
        )
    return cast(Organisation, organisation)


def usage_of(commons: Commons, organisation: Organisation | None) -> UsageDeclaration | None:
    if organisation is None:
        return None
    return db.session.scalar(
        select(UsageDeclaration).where(
            UsageDeclaration.commons_id == commons.id, UsageDeclaration.organisation_id == organisation.id
        )
    )


def check_usage(user: Any, organisation: Organisation | None = None) -> dict[str, list[str]]:
    """The rules of a declaration that need the database (the user's organisation), and the permission; writes
    nothing. The page calls it also when its form refused some fields, so that every error comes in one submit."""
    if organisation is None:
        if not getattr(user, "is_authenticated", False):
            raise PermissionDenied()
        try:
            organisation = _organisation_of(user)
        except ValidationFailed as failure:
            return {name: list(messages) for name, messages in failure.errors.items()}
    require(user, "usage:declare", organisation)
    return {}


def declare_usage(
    user: Any,
    commons: Commons,
    *,
    organisation: Organisation | None = None,
    context: str | None = None,
    since: date | None = None,
    instance_url: str | None = None,
    public: bool = True,
) -> UsageDeclaration:
    """Declare (or update) that an organisation uses a commons. Only for the user's own organisation
    (admins: any). ``instance_url`` must be http(s); ``since`` not in the future."""
    errors = check_usage(user, organisation)
    if errors:
        raise ValidationFailed(errors)
    organisation = organisation or _organisation_of(user)
    context = (context or "").strip() or None
    if context and len(context) > 2000:
        errors["context"] = [_("Describe the use in at most 2,000 characters.")]
    elif context and context.lower() in PLACEHOLDERS:
        errors["context"] = [_("Enter real content, not a placeholder such as “%(value)s”.", value=context)]
    instance_url = (instance_url or "").strip() or None
    if instance_url and (not is_http_url(instance_url) or len(instance_url) > 1000):
        errors["instance_url"] = [_("Enter a web address that starts with http:// or https://.")]
    if since is not None and since > utcnow().date():
        errors["since"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    usage = usage_of(commons, organisation)
    new: dict[str, Any] = {
        "context": context,
        "since": since.isoformat() if since else None,
        "instance_url": instance_url,
        "public": bool(public),
    }
    old: dict[str, Any] | None = None
    if usage is None:
        usage = UsageDeclaration(commons=commons, organisation=organisation, declared_by_id=user.id)
        db.session.add(usage)
        tag = "usage:declaration:create"
    else:
        old = {
            "context": usage.context,
            "since": usage.since.isoformat() if usage.since else None,
            "instance_url": usage.instance_url,
            "public": usage.public,
        }
        tag = "usage:declaration:update"
    usage.context, usage.since, usage.instance_url, usage.public = context, since, instance_url, bool(public)
    db.session.flush()
    record_event(tag, usage, old=old, new=new, actor=user)
    refresh_commons(commons)
    return usage


def withdraw_usage(user: Any, commons: Commons, organisation: Organisation | None = None) -> None:
    """Withdraw an organisation's usage declaration (and its referents for this commons)."""
    if organisation is None:
        if not getattr(user, "is_authenticated", False):
            raise PermissionDenied()
        organisation = _organisation_of(user)
    require(user, "usage:declare", organisation)
    usage = usage_of(commons, organisation)
    if usage is None:
        raise NotFound(_("Your organisation has not declared that it uses this commons."))
    record_event(
        "usage:declaration:delete",
        usage,
        old={"organisation": organisation.slug, "public": usage.public},
        actor=user,
    )
    for referent in db.session.scalars(
        select(UsageReferent).where(
            UsageReferent.commons_id == commons.id, UsageReferent.organisation_id == organisation.id
        )
    ):
        db.session.delete(referent)
    db.session.delete(usage)
    db.session.flush()
    refresh_commons(commons)


def volunteer_referent(user: Any, commons: Commons) -> UsageReferent:
    """The user volunteers to answer questions about a commons their organisation declared it uses."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    organisation = _organisation_of(user)
    require(user, "usage:declare", organisation)
    if usage_of(commons, organisation) is None:
        raise ValidationFailed({"referent": [_("Declare first that your organisation uses this commons.")]})
    existing = db.session.scalar(
        select(UsageReferent).where(UsageReferent.commons_id == commons.id, UsageReferent.user_id == user.id)
    )
    if existing is not None:
        return existing
    referent = UsageReferent(commons_id=commons.id, user_id=user.id, organisation_id=organisation.id)
    db.session.add(referent)
    db.session.flush()
    record_event("usage:referent:create", referent, new={"commons": commons.slug}, actor=user)
    return referent


def withdraw_referent(user: Any, commons: Commons) -> None:
    """The user stops being a referent for this commons."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    referent = db.session.scalar(
        select(UsageReferent).where(UsageReferent.commons_id == commons.id, UsageReferent.user_id == user.id)
    )
    if referent is None:
        raise NotFound(_("You are not a referent for this commons."))
    record_event("usage:referent:delete", referent, old={"commons": commons.slug}, actor=user)
    db.session.delete(referent)
    db.session.flush()


def is_referent(user: Any, commons: Commons) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(UsageReferent.id).where(UsageReferent.commons_id == commons.id, UsageReferent.user_id == user.id)
        )
        is not None
    )


# ------------------------------------------------------------------------------------------ nominations

# Hosts whose forge kind is known without asking.
KNOWN_FORGES: dict[str, str] = {"github.com": "github", "gitlab.com": "gitlab", "codeberg.org": "gitea"}


def normalise_repository_url(url: str) -> tuple[str, str, str]:
    """(scheme, host, path) of a repository URL with case, ``www.``, ``.git`` and slashes normalised.

    ``host/path`` in lower case is the key nominations are deduplicated on. ValueError when malformed.
    """
    scheme, netloc, segments = split_repository_url(url.strip())
    netloc = netloc.lower().removeprefix("www.")
    return scheme, netloc, "/".join(segments)


def _key(netloc: str, path: str) -> str:
    return f"{netloc}/{path}".lower()


def _existing_repository(netloc: str, path: str) -> Repository | None:
    lowered = path.lower()
    for repo in db.session.scalars(
        select(Repository).where(func.lower(Repository.host) == netloc, func.lower(Repository.full_name) == lowered)
    ):
        return repo
    # Previous names (renames, moves) are aliases of the same repository.
    name = lowered.rsplit("/", 1)[-1]
    for repo in db.session.scalars(
        select(Repository).where(
            func.lower(Repository.host) == netloc,
            func.lower(cast_(Repository.previous_names, String)).contains(name),
        )
    ):
        if lowered in {str(n).lower() for n in repo.previous_names or []}:
            return repo
    return None


def _unique_slug(name: str) -> str:
    from commons.demo import slugify

    base = slugify(name, 100)
    slug, n = base, 2
    while db.session.scalar(select(Commons.id).where(Commons.slug == slug)) is not None:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _forge_error(exc: BaseException, host: str) -> str:
    """The form's message for a failed fetch: "not allowed" only when the outbound guard refused the
    address; a forge that does not resolve, refuses, times out or fails (5xx) could not be reached."""
    return nomination_message(failure_cause(exc), host)


def _record_to_repository(record: RepositoryRecord, kind: str, repo: Repository | None) -> Repository:
    repo = repo or Repository(host=record.host, remote_id=str(record.remote_id))
    repo.forge_kind = kind
    repo.full_name = record.full_name
    repo.web_url = record.web_url
    repo.description = record.description
    repo.license_spdx = record.license_spdx
    repo.topics = list(record.topics)
    repo.languages = list(record.languages)
    repo.stars, repo.forks, repo.open_issues = record.stars, record.forks, record.open_issues
    repo.default_branch = record.default_branch
    repo.homepage = record.homepage if record.homepage and is_http_url(record.homepage) else None
    repo.forge_created_at, repo.pushed_at, repo.forge_updated_at = (
        record.created_at,
        record.pushed_at,
        record.updated_at,
    )
    repo.archived, repo.fork = record.archived, record.fork
    health = dict(repo.health or {})
    for key in ("has_readme", "has_contributing", "has_governance"):
        if getattr(record, key) is not None:
            health[key] = getattr(record, key)
    repo.health = health
    if record.publiccode_checked:
        repo.publiccode_raw = record.publiccode_raw
        repo.publiccode_parsed, repo.publiccode_valid, repo.publiccode_errors = None, None, []
        if record.publiccode_raw:
            parsed = record.publiccode_result or parse_publiccode(record.publiccode_raw)
            repo.publiccode_parsed = parsed.data
            repo.publiccode_valid = parsed.valid
            repo.publiccode_errors = stored_issues(parsed)
    repo.last_seen_at = utcnow()
    return repo


def nominate(user: Any, url: str, kind: str | None = None, reason: str | None = None) -> tuple[Commons, bool]:
    """Propose a candidate by its repository URL. Returns (commons, created): the existing commons when
    the repository (under any of its names) is already known, else a new candidate built from the
    forge's metadata, fetched through the guarded outbound session."""
    require(user, "commons:nominate")
    url = (url or "").strip()
    reason = (reason or "").strip() or None
    if reason and len(reason) > 2000:
        raise ValidationFailed({"reason": [_("Explain in at most 2,000 characters.")]})
    if not url:
        raise ValidationFailed({"url": [_("Enter the address of the repository.")]})
    if len(url) > 1000 or not is_http_url(url):
        raise ValidationFailed({"url": [_("Enter a web address that starts with http:// or https://.")]})
    try:
        scheme, netloc, path = normalise_repository_url(url)
    except ValueError:
        raise ValidationFailed(
            {"url": [_("Enter the address of one repository, like https://github.com/owner/name.")]}
        ) from None
    kind = (kind or "").strip() or KNOWN_FORGES.get(netloc)
    if kind not in FORGE_KINDS:
        raise ValidationFailed({"kind": [_("Choose the kind of forge: GitHub, GitLab or Gitea/Forgejo.")]})
    key = _key(netloc, path)

    def remember(commons: Commons, repo: Repository | None, status: str) -> None:
        nomination = Nomination(
            url=url,
            normalised_url=key,
            commons_id=commons.id,
            repository_id=repo.id if repo else None,
            user_id=user.id,
            reason=reason,
            status=status,
        )
        db.session.add(nomination)
        db.session.flush()
        record_event(f"nomination:{status}", nomination, new={"url": key, "commons": commons.slug}, actor=user)

    previous = db.session.scalar(
        select(Nomination).where(Nomination.normalised_url == key, Nomination.commons_id.is_not(None)).limit(1)
    )
    if previous is not None and previous.commons is not None:
        remember(previous.commons, None, "duplicate")
        return previous.commons, False
    known = _existing_repository(netloc, path)
    if known is not None and known.commons is not None:
        remember(known.commons, known, "duplicate")
        return known.commons, False

    session = session_from_config(current_app.config)
    try:
        record = fetch_repository(cast(Any, kind), f"{scheme}://{netloc}/{path}", session)
    except ValueError:
        raise ValidationFailed(
            {"url": [_("Enter the address of one repository, like https://github.com/owner/name.")]}
        ) from None
    except (HarvestError, requests.RequestException, BudgetExhausted) as exc:
        current_app.logger.info("nomination fetch failed for %s: %s", key, exc)
        raise ValidationFailed({"url": [_forge_error(exc, netloc)]}) from None
    finally:
        session.close()

    # The forge may answer for another name (a rename redirects): the remote id is the identity.
    repo = db.session.scalar(
        select(Repository).where(Repository.host == record.host, Repository.remote_id == str(record.remote_id))
    )
    if repo is not None and repo.commons is not None:
        remember(repo.commons, repo, "duplicate")
        return repo.commons, False
    repo = _record_to_repository(record, kind, repo)
    requested = path
    if requested.lower() != record.full_name.lower() and requested not in (repo.previous_names or []):
        repo.previous_names = [*(repo.previous_names or []), requested]
    name = record.name
    summary = record.description
    publiccode = repo.publiccode_parsed if repo.publiccode_valid else None
    if isinstance(publiccode, dict) and isinstance(publiccode.get("name"), str):
        name = publiccode["name"][:255]
    commons = Commons(
        slug=_unique_slug(name or record.name),
        name=(name or record.name)[:255],
        summary=summary,
        category="software",
        licences=[record.license_spdx] if record.license_spdx and record.license_spdx != "NOASSERTION" else [],
        languages=list(record.languages),
        topics=list(record.topics),
        website=repo.homepage,
        catalogue_status="candidate",
    )
    try:
        # A savepoint: if someone nominated the same repository a moment ago, (host, remote id) or the
        # slug is taken; answer with their commons instead of an error.
        with db.session.begin_nested():
            db.session.add(commons)
            repo.commons = commons
            db.session.add(repo)
            db.session.flush()
    except IntegrityError:
        winner = db.session.scalar(
            select(Repository).where(Repository.host == record.host, Repository.remote_id == str(record.remote_id))
        )
        if winner is None or winner.commons is None:
            raise
        remember(winner.commons, winner, "duplicate")
        return winner.commons, False
    record_event("commons:nomination:create", commons, new={"slug": commons.slug, "url": key}, actor=user)
    refresh_commons(commons)
    remember(commons, repo, "created")
    return commons, True
