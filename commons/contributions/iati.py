# SPDX-License-Identifier: EUPL-1.2
"""IATI 2.03 activity XML: one ``iati-activity`` per public contribution of a member state.

Choices (documented in docs/exports.md):

- reporting organisation: the member state's government, identified with the OECD DAC donor code
  (``XM-DAC-4`` for France) when the state reports to the DAC; otherwise ``XX-COMMONS-<ISO code>``, a prefix of
  this platform (``XX``: not a registration agency), so that identifiers stay stable and recognisable;
- ``iati-identifier`` = reporting-org ref + ``-`` + the contribution's reference (IATI rule: it starts with
  the reporting organisation's identifier);
- transactions in each line's own currency, ``value-date`` = the line's date: pledge → 12 (Outgoing Pledge,
  new in 2.03), commitment and adjustment → 2 (Outgoing Commitment), disbursement → 3, expenditure → 4;
- sector: DAC 5-digit 22040 "Information and communication technology (ICT)" (vocabulary 1);
- staff, governance and in-kind items (which IATI has no element for) in the namespace
  ``https://commons.example.eu/ns/iati-ext/1`` at the end of the activity (the schema's ``##other``); never a
  person's name;
- dates: actual dates (activity start/end, transactions) are never in the future (IATI rule); a start in the
  future is a planned start.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commons.catalogue.models import Commons, CommonsSteward
from commons.contributions.models import WORKING_DAYS_PER_YEAR, Contribution
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.types import utcnow

EXT_NS = "https://commons.example.eu/ns/iati-ext/1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# OECD DAC donor codes of the EU member states that report to the DAC, and of the EU institutions.
DAC_DONOR_CODES = {
    "AT": 1,
    "BE": 2,
    "DK": 3,
    "FR": 4,
    "DE": 5,
    "IT": 6,
    "NL": 7,
    "PT": 9,
    "SE": 10,
    "FI": 18,
    "IE": 21,
    "LU": 22,
    "GR": 40,
    "ES": 50,
    "SI": 61,
    "CZ": 68,
    "SK": 69,
    "HU": 75,
    "PL": 76,
    "EE": 82,
    "LV": 83,
    "LT": 84,
    "EU": 918,
}
# IATI OrganisationType codelist.
ORG_TYPES = {
    "central_government": "10",
    "regional_government": "11",
    "local_government": "11",
    "public_agency": "15",
    "eu_institution": "40",
    "foundation": "60",
    "association": "22",
    "company": "70",
    "community": "90",
    "other": "90",
}
# IATI TransactionType codelist (2.03).
TRANSACTION_TYPES = {
    "pledge": "12",
    "commitment": "2",
    "adjustment": "2",
    "disbursement": "3",
    "expenditure": "4",
}
# IATI DocumentCategory codelist (activity level).
DOCUMENT_CATEGORIES = {
    "agreement": "A09",
    "contract": "A11",
    "decision": "A04",
    "payment_proof": "A05",
    "announcement": "A12",
    "report": "A07",
    "other": "A12",
}
# IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing.
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
SECTOR_ICT = "22040"
# Characters XML 1.0 cannot carry at all: harvested or typed text must not turn an export into a 500.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """Text safe for XML 1.0 (lxml escapes markup; this drops what XML cannot represent)."""
    return _INVALID_XML.sub("", str(text or "")).strip()


def reporting_org_ref(state_code: str) -> str:
    """The organisation identifier of a member state's government (see module docstring)."""
    code = DAC_DONOR_CODES.get(state_code)
    return f"XM-DAC-{code}" if code is not None else f"XX-COMMONS-{state_code}"


def _org_ref(org: Any) -> str | None:
    for identifier in getattr(org, "identifiers", []) or []:
        if identifier.scheme.lower() in ("iati", "org-id", "iati-org-id"):
            return clean(identifier.value) or None
    return None


def _narrative(parent: etree._Element, text: str, lang: str | None = None) -> None:
    element = etree.SubElement(parent, "narrative")
    if lang:
        element.set(XML_LANG, lang)
    element.text = clean(text) or "-"


def _participating(parent: etree._Element, role: str, org: Any) -> None:
    element = etree.SubElement(parent, "participating-org", role=role)
    ref = _org_ref(org)
    if ref:
        element.set("ref", ref)
    element.set("type", ORG_TYPES.get(org.org_type, "90"))
    _narrative(element, org.name)


def steward_of(commons: Commons | None) -> Any:
    """The organisation that stewards a commons (an owner first), or None."""
    if commons is None:
        return None
    stewards: list[CommonsSteward] = sorted(commons.stewards, key=lambda s: (s.role != "owner", s.id))
    return stewards[0].organisation if stewards else None


def activity_status(contribution: Contribution) -> str:
    """IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended."""
    status = contribution.manual_status or contribution.status or ""
    if status == "cancelled":
        return "5"
    if status == "suspended":
        return "6"
    if status == "closed":
        return "4"
    kinds = {line.kind for line in contribution.funding_lines}
    if contribution.type == "funding" and kinds <= {"pledge"}:
        return "1"
    if status in ("draft", "pledged", "planned"):
        return "1"
    if status in ("completed", "disbursed", "delivered"):
        return "3"
    if status == "ended":
        return "4"
    return "2"


def _start_date(contribution: Contribution) -> dt.date:
    if contribution.period_start:
        return contribution.period_start
    if contribution.decision_date:
        return contribution.decision_date
    dates = [line.date for line in contribution.funding_lines]
    if dates:
        return min(dates)
    return contribution.created_at.date() if contribution.created_at else dt.date.today()


def _activity(contribution: Contribution, state: MemberState, org_ref: str, today: dt.date) -> etree._Element:
    activity = etree.Element("iati-activity")
    activity.set("last-updated-datetime", (contribution.updated_at or utcnow()).replace(microsecond=0).isoformat())
    activity.set(XML_LANG, "en")
    activity.set("default-currency", "EUR")
    etree.SubElement(activity, "iati-identifier").text = f"{org_ref}-{clean(contribution.ref)}"
    reporting = etree.SubElement(activity, "reporting-org", ref=org_ref, type="10")
    _narrative(reporting, f"Government of {state.name}")
    _narrative(etree.SubElement(activity, "title"), contribution.title)
    _narrative(etree.SubElement(activity, "description", type="1"), contribution.description or contribution.title)

    # Who funds, who extends (ministry, agency, intermediary that re-grants), who implements (the steward).
    funder = etree.SubElement(activity, "participating-org", role=FUNDING, ref=org_ref, type="10")
    _narrative(funder, f"Government of {state.name}")
    if contribution.contributing_org is not None:
        _participating(activity, EXTENDING, contribution.contributing_org)
    if contribution.intermediary_org is not None:
        _participating(activity, EXTENDING, contribution.intermediary_org)
    recipient = contribution.recipient_org or steward_of(contribution.commons)
    if recipient is not None:
        _participating(activity, IMPLEMENTING, recipient)

    etree.SubElement(activity, "activity-status", code=activity_status(contribution))
    start = _start_date(contribution)
    # IATI: an actual date is never in the future; a start still to come is a planned start.
    etree.SubElement(activity, "activity-date", type="2" if start <= today else "1", **{"iso-date": start.isoformat()})
    if contribution.period_end:
        ended = contribution.period_end <= today and activity_status(contribution) in ("3", "4")
        etree.SubElement(
            activity, "activity-date", type="4" if ended else "3", **{"iso-date": contribution.period_end.isoformat()}
        )
    sector = etree.SubElement(activity, "sector", vocabulary="1", code=SECTOR_ICT, percentage="100")
    _narrative(sector, "Information and communication technology (ICT)")

    for line in contribution.funding_lines:
        if line.date > today:
            continue  # IATI: transaction dates are never in the future (the ledger refuses them anyway)
        transaction = etree.SubElement(activity, "transaction", ref=f"{clean(contribution.ref)}-{line.id}")
        etree.SubElement(transaction, "transaction-type", code=TRANSACTION_TYPES.get(line.kind, "2"))
        etree.SubElement(transaction, "transaction-date", **{"iso-date": line.date.isoformat()})
        value = etree.SubElement(transaction, "value", currency=line.currency, **{"value-date": line.date.isoformat()})
        value.text = format(Decimal(line.amount), "f")
        if line.note:
            _narrative(etree.SubElement(transaction, "description"), line.note)
        provider = etree.SubElement(transaction, "provider-org", ref=org_ref, type="10")
        _narrative(provider, f"Government of {state.name}")
        if recipient is not None:
            receiver = etree.SubElement(transaction, "receiver-org", type=ORG_TYPES.get(recipient.org_type, "90"))
            ref = _org_ref(recipient)
            if ref:
                receiver.set("ref", ref)
            _narrative(receiver, recipient.name)

    for evidence in contribution.evidence:
        if evidence.visibility != "public":
            continue
        url = clean(evidence.url)
        if not url.startswith(("http://", "https://")):
            continue
        link = etree.SubElement(
            activity,
            "document-link",
            url=url,
            format="application/pdf" if url.lower().endswith(".pdf") else "text/html",
        )
        _narrative(etree.SubElement(link, "title"), evidence.title or evidence.type)
        etree.SubElement(link, "category", code=DOCUMENT_CATEGORIES.get(evidence.type, "A12"))

    _extension(activity, contribution)
    return activity


def _ext(parent: etree._Element, name: str, **attributes: Any) -> etree._Element:
    element = etree.SubElement(parent, f"{{{EXT_NS}}}{name}")
    for key, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value, "f")
        element.set(key.replace("_", "-"), clean(value))
    return element


def _extension(activity: etree._Element, contribution: Contribution) -> None:
    """Staff, governance and in-kind items in the platform's namespace. Never names of people."""
    _ext(
        activity,
        "contribution",
        ref=contribution.ref,
        type=contribution.type,
        status=contribution.status,
        commons=contribution.commons.slug if contribution.commons else None,
    )
    for allocation in contribution.staff:
        days = Decimal(allocation.person_days or 0)
        _ext(
            activity,
            "staff",
            role=allocation.role,
            headcount=allocation.headcount,
            person_days=days,
            fte_years=(days / WORKING_DAYS_PER_YEAR).quantize(Decimal("0.01")),
            employment_type=allocation.employment_type,
            delivery_status=allocation.delivery_status,
            start_date=allocation.period_start,
            end_date=allocation.period_end,
        )
    for seat in contribution.governance:
        element = _ext(
            activity,
            "governance",
            body=seat.body,
            seat_role=seat.seat_role,
            voting_rights=bool(seat.voting_rights),
            formal=bool(seat.formal),
            membership_tier=seat.membership_tier,
            start_date=seat.start_date,
            end_date=seat.end_date,
        )
        if seat.body_name:
            element.text = clean(seat.body_name)
    for item in contribution.in_kind:
        element = _ext(
            activity,
            "in-kind",
            kind=item.kind,
            quantity=item.quantity,
            unit=item.unit,
            value=item.value,
            currency=item.currency,
            value_eur=item.value_eur,
        )
        element.text = clean(item.description)


def public_contributions(state_code: str) -> list[Contribution]:
    """The public, not deleted contributions of a state, with what the activity needs loaded."""
    query = (
        select(Contribution)
        .where(
            Contribution.member_state_code == state_code,
            Contribution.visibility == "public",
            Contribution.deleted_at.is_(None),
        )
        .options(
            selectinload(Contribution.funding_lines),
            selectinload(Contribution.staff),
            selectinload(Contribution.governance),
            selectinload(Contribution.in_kind),
            selectinload(Contribution.evidence),
            selectinload(Contribution.commons),
        )
        .order_by(Contribution.ref)
    )
    return list(db.session.scalars(query))


def activities_xml(state_code: str, base_url: str = "", today: dt.date | None = None) -> bytes | None:
    """The IATI file of a member state, or None when it has no public contribution (the schema needs at
    least one activity)."""
    state = db.session.get(MemberState, state_code)
    if state is None:
        return None
    contributions = public_contributions(state_code)
    if not contributions:
        return None
    today = today or dt.date.today()
    org_ref = reporting_org_ref(state_code)
    root = etree.Element("iati-activities", nsmap={"commons": EXT_NS})
    root.set("version", "2.03")
    root.set("generated-datetime", utcnow().replace(microsecond=0).isoformat())
    if base_url:
        root.set(f"{{{EXT_NS}}}source", clean(base_url))
        root.set(f"{{{EXT_NS}}}licence", "CC-BY-4.0")
    for contribution in contributions:
        root.append(_activity(contribution, state, org_ref, today))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
