# SPDX-License-Identifier: EUPL-1.2
"""``commons demo load``: a platform that looks alive on first run, built from facts about real projects.

Idempotent: organisations, commons and repositories are matched by slug or URL; accounts by e-mail. Each
run prints the demo accounts; a random password is printed when its account is created and kept by later runs
(``COMMONS_DEMO_PASSWORD`` sets one known password on every demo account instead).
"""

from __future__ import annotations

import csv
import os
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from commons.accounts import services as accounts
from commons.accounts.models import Role, User
from commons.catalogue.models import Commons, CommonsSteward, Repository, UsageDeclaration
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.organisations.models import Organisation

DATA = Path(__file__).resolve().parent / "demo_data"

ORG_TYPE_MAP = {
    "ngo_association": "association",
    "regional_local_government": "local_government",
    "eu_body": "eu_institution",
}

UNCHANGED = "(unchanged: printed when the account was created)"
UNCHANGED_NOTE = "  Forgotten a demo password? Set a new one: commons users set-password --email EMAIL"
DEMO_ACCOUNTS = [
    # email, name, roles, member state, organisation slug
    ("admin@demo.commons.example", "Ada Admin", ["admin"], None, None),
    ("secretariat@demo.commons.example", "Sam Secretariat", ["secretariat"], None, None),
    ("reviewer.fr@demo.commons.example", "Rémi Reviewer", ["reviewer"], "FR", None),
    ("reviewer.it@demo.commons.example", "Ilaria Reviewer", ["reviewer"], "IT", None),
    ("rep.fr@demo.commons.example", "Fanny Representative", ["member_state_rep"], "FR", "direction-interministerielle-du-numerique"),
    ("rep.de@demo.commons.example", "Dieter Representative", ["member_state_rep"], "DE", "zentrum-fur-digitale-souveranitat-der-offentlichen-verwaltung"),
    ("user@demo.commons.example", "Ugo Developer", ["user"], "FR", "direction-interministerielle-du-numerique"),
]  # fmt: skip


def slugify(text: str, max_length: int = 100) -> str:
    """ASCII, lower-case, hyphen-separated: ``Zentrum für Digitale`` → ``zentrum-fur-digitale``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _organisations() -> dict[str, Organisation]:
    states = {s.code for s in db.session.scalars(select(MemberState))}
    by_name: dict[str, Organisation] = {}
    for row in _read("organisations.csv"):
        slug = slugify(row["name"])
        org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if org is None:
            org = Organisation(slug=slug)
            db.session.add(org)
        country = row["country"].strip().upper()
        org.name = row["name"]
        org.acronym = row["acronym"] or None
        org.org_type = ORG_TYPE_MAP.get(row["org_type"], row["org_type"])
        org.country = country
        org.member_state_code = {"EL": "GR"}.get(country, country) if country in states else None
        org.website = row["website"] or None
        by_name[row["name"]] = org
    db.session.flush()
    return by_name


def _repository_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.strip("/")


def _commons(orgs: dict[str, Organisation]) -> list[Commons]:
    out = []
    # French and German summaries and the curated functions (issue 14), by slug.
    texts = {row["slug"]: row for row in _read("commons_i18n.csv")}
    for row in _read("commons.csv"):
        host, path = _repository_key(row["repository_url"])
        repo = db.session.scalar(select(Repository).where(Repository.web_url == row["repository_url"]))
        commons = repo.commons if repo is not None and repo.commons is not None else None
        if commons is None:
            slug = slugify(row["name"])
            commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
        if commons is None:
            commons = Commons(slug=slugify(row["name"]))
            db.session.add(commons)
        licences = [row["license_spdx"]] if row["license_spdx"] else []
        languages = [lang for lang in row["languages"].split(";") if lang]
        if "name" not in (commons.curated_fields or []):
            commons.name = row["name"]
        commons.summary = row["summary_en"]
        descriptions = {"en": {"name": row["name"], "short": row["summary_en"]}}
        extra = texts.get(commons.slug)
        if extra is not None:
            for language in ("fr", "de"):
                if extra[f"summary_{language}"]:
                    descriptions[language] = {"name": row["name"], "short": extra[f"summary_{language}"]}
        commons.descriptions = descriptions
        if extra is not None and "functions" not in (commons.curated_fields or []):
            commons.functions = [f for f in extra["functions"].split(";") if f]
        commons.category = (
            row["category"] if row["category"] in ("software", "data", "standard", "service") else "software"
        )
        commons.licences = licences
        commons.languages = languages
        commons.country = row["country"] or None
        commons.external_ids = {"demo": True}
        if repo is None:
            # No forge id is known for demo rows: the key says so, and a later harvest matches them by URL.
            repo = Repository(host=host, remote_id=f"url:{path}"[:64], web_url=row["repository_url"])
            db.session.add(repo)
        repo.forge_kind = row["forge"]
        repo.full_name = path
        repo.description = row["summary_en"]
        repo.license_spdx = row["license_spdx"] or None
        repo.languages = languages
        repo.commons = commons
        org = orgs.get(row["owner_organisation"])
        if org is not None and not any(s.organisation_id == org.id for s in commons.stewards):
            db.session.flush()
            commons.stewards.append(CommonsSteward(organisation_id=org.id, role="owner"))
        out.append(commons)
    db.session.flush()
    return out


def _accounts() -> list[str]:
    """Create the demo accounts that are missing; print a password only when it was set by this run.

    A random password is drawn only for an account that does not exist yet: running ``make run`` again on
    the same database keeps the passwords printed the first time (the platform never stores them in clear
    text, so it cannot print them again). ``COMMONS_DEMO_PASSWORD`` sets one known password on every demo
    account, new or not.
    """
    accounts.ensure_roles()
    fixed = os.environ.get("COMMONS_DEMO_PASSWORD")
    lines = []
    for email, name, roles, state, org_slug in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug)) if org_slug else None
        shown = fixed
        if user is None:
            password = fixed or secrets.token_urlsafe(12)
            shown = password
            user = accounts.create_user(
                email=email,
                name=name,
                password=password,
                roles=roles,
                member_state=state,
                organisation=org.slug if org else None,
                check_permission=False,
            )
        else:
            if fixed:
                accounts.set_password(user, fixed)
            user.active = True
            user.roles = list(db.session.scalars(select(Role).where(Role.name.in_(roles))))
        lines.append(f"  {', '.join(roles):<18} {email:<40} {shown or UNCHANGED}")
    if not fixed and any(UNCHANGED in line for line in lines):
        lines.append(UNCHANGED_NOTE)
    return lines


def _usage(orgs: dict[str, Organisation]) -> int:
    """A few usage declarations by real public bodies (illustrative)."""
    pairs = [
        ("Direction interministérielle du numérique", ["docs", "visio-la-suite-meet", "drive", "grist"]),
        (
            "Zentrum für Digitale Souveränität der Öffentlichen Verwaltung",
            ["docs", "openproject", "nextcloud-server"],
        ),
        ("Dipartimento per la trasformazione digitale", ["decidim", "qgis"]),
        ("Estonian Information System Authority", ["x-road", "docs"]),
    ]
    count = 0
    for org_name, slugs in pairs:
        org = orgs.get(org_name)
        if org is None:
            continue
        for slug in slugs:
            commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
            if commons is None:
                continue
            exists = db.session.scalar(
                select(UsageDeclaration).where(
                    UsageDeclaration.commons_id == commons.id, UsageDeclaration.organisation_id == org.id
                )
            )
            if exists is None:
                db.session.add(
                    UsageDeclaration(
                        commons_id=commons.id,
                        organisation_id=org.id,
                        context=None,  # what the organisation typed; the demo does not invent it in English
                        public=True,
                    )
                )
                count += 1
    db.session.flush()
    for commons in db.session.scalars(select(Commons)):
        commons.usage_count = sum(1 for u in commons.usages if u.public)
    return count


def load_catalogue_demo() -> int:
    """Only the organisations, commons and usage declarations of the demo (the search's relevance set runs
    on them); returns the number of commons. Flushes, the caller commits."""
    orgs = _organisations()
    commons = _commons(orgs)
    _usage(orgs)
    db.session.flush()
    return len(commons)


def load_demo() -> list[str]:
    """Load or refresh the demo data; returns the lines to print."""
    orgs = _organisations()
    commons = _commons(orgs)
    _usage(orgs)
    account_lines = _accounts()
    db.session.flush()
    extra: list[str] = []
    from commons.contributions.demo import load_contributions_demo
    from commons.harvest.demo import load_harvest_demo
    from commons.reviews.demo import load_reviews_demo

    extra += load_harvest_demo()
    extra += load_reviews_demo()
    extra += load_contributions_demo()
    db.session.commit()
    return [
        f"Demo data loaded: {len(orgs)} organisations, {len(commons)} commons.",
        *extra,
        "Demo accounts (e-mail and password):",
        *account_lines,
    ]
