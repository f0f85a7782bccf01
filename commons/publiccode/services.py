# SPDX-License-Identifier: EUPL-1.2
"""Validating a publiccode.yml for a maintainer: pasted text, a repository address, or a harvested file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from flask import current_app
from flask_babel import gettext as _

from commons.errors import ValidationFailed
from commons.forms import is_http_url
from commons.outbound import BudgetExhausted, OutboundRefused, session_from_config
from harvesters import HarvestError, RepositoryNotFound, fetch_repository
from harvesters.publiccode import PubliccodeResult, parse_publiccode, result_from_stored
from harvesters.records import split_repository_url

MAX_PASTED_BYTES = 1_000_000
# Forges whose kind is known from the host alone; others are tried as Gitea/Forgejo, then GitLab.
KNOWN_FORGES: dict[str, str] = {"github.com": "github", "gitlab.com": "gitlab", "codeberg.org": "gitea"}


@dataclass
class Validation:
    """A validation shown to a maintainer: where the file came from, its text, and the result."""

    source: str
    text: str
    result: PubliccodeResult


def validate_text(text: str) -> Validation:
    """Validate a pasted publiccode.yml (anyone may; nothing is stored)."""
    if not (text or "").strip():
        raise ValidationFailed({"content": [_("Paste the content of a publiccode.yml file.")]})
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PASTED_BYTES:
        raise ValidationFailed({"content": [_("The file is larger than 1 MB: it cannot be a publiccode.yml.")]})
    return Validation(source="", text=text, result=parse_publiccode(text))


def _fetch_error(exc: BaseException) -> str:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if any(isinstance(e, OutboundRefused) for e in chain):
        return _("This address is not allowed: it points to a private or local network.")
    if any(isinstance(e, RepositoryNotFound) for e in chain):
        return _("There is no public repository at this address.")
    return _("The forge could not be reached or answered with an error. Try again later.")


def validate_repository(url: str) -> Validation:
    """Fetch a repository's publiccode.yml through the guarded outbound session and validate it.

    The forge's API is asked, as during a harvest; the address guard refuses private networks.
    """
    url = (url or "").strip()
    if not url:
        raise ValidationFailed({"url": [_("Enter the address of the repository.")]})
    if len(url) > 1000 or not is_http_url(url):
        raise ValidationFailed({"url": [_("Enter a web address that starts with http:// or https://.")]})
    try:
        _scheme, netloc, _segments = split_repository_url(url)
    except ValueError:
        raise ValidationFailed(
            {"url": [_("Enter the address of one repository, like https://github.com/owner/name.")]}
        ) from None
    host = netloc.lower().removeprefix("www.")
    kinds = [KNOWN_FORGES[host]] if host in KNOWN_FORGES else ["gitea", "gitlab"]
    session = session_from_config(current_app.config)
    record: Any = None
    last_error: BaseException | None = None
    try:
        for kind in kinds:
            try:
                record = fetch_repository(kind, url, session)  # type: ignore[arg-type]
                break
            except ValueError:
                raise ValidationFailed(
                    {"url": [_("Enter the address of one repository, like https://github.com/owner/name.")]}
                ) from None
            except (HarvestError, requests.RequestException, BudgetExhausted) as exc:
                last_error = exc
    finally:
        session.close()
    if record is None:
        current_app.logger.info("publiccode validation fetch failed for %s: %s", url, last_error)
        raise ValidationFailed({"url": [_fetch_error(last_error or HarvestError("no answer"))]})
    if not record.publiccode_checked:
        raise ValidationFailed({"url": [_("The repository's publiccode.yml could not be read. Try again later.")]})
    if not record.publiccode_raw:
        raise ValidationFailed({"url": [_("This repository has no publiccode.yml at its root.")]})
    # The forge client validated the file as it fetched it, with the logo read from the repository.
    result = record.publiccode_result or parse_publiccode(record.publiccode_raw)
    return Validation(source=record.web_url, text=record.publiccode_raw, result=result)


def harvested_report(repository: Any) -> PubliccodeResult | None:
    """The validation of a harvested repository's publiccode.yml, with lines, or None without a file.

    The issues stored at harvest time are shown (they include the logo fetched from the forge); rows
    stored in the older format (no message codes or lines) are validated again from the stored text.
    """
    raw = getattr(repository, "publiccode_raw", None)
    if not raw:
        return None
    stored = result_from_stored(getattr(repository, "publiccode_errors", None), repository.publiccode_valid)
    return stored if stored is not None else parse_publiccode(raw)


def source_reports(user: Any, source: Any, limit: int = 50) -> list[tuple[Any, PubliccodeResult]]:
    """(repository, validation) for the harvested publiccode.yml files of a source (``harvest:manage``).

    Files with errors come first, so a secretariat member sees what maintainers must fix.
    """
    from sqlalchemy import select

    from commons.catalogue.models import Repository
    from commons.extensions import db
    from commons.permissions import require

    require(user, "harvest:manage")
    repositories = db.session.scalars(
        select(Repository)
        .where(Repository.source_id == source.id, Repository.publiccode_raw.is_not(None))
        .order_by(Repository.publiccode_valid.is_(True), Repository.full_name)
        .limit(limit)
    ).all()
    reports = []
    for repository in repositories:
        result = harvested_report(repository)
        if result is not None:
            reports.append((repository, result))
    return reports
