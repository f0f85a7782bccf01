# SPDX-License-Identifier: EUPL-1.2
"""The published review criteria, version 1 (DESIGN.md §4), and their French and German texts.

The criteria are data (migration 0002 writes them in English and is never changed): pages translate a
criterion's title and description at display time, through the message catalogues, keyed by criterion code.
A text that differs from the published one (a later version, an edited row) is shown as stored.
"""

from __future__ import annotations

from flask_babel import gettext


def N_(text: str) -> str:
    """Marks a text for the message catalogues (Babel extracts ``N_``); translated when shown."""
    return text


CRITERIA_V1: list[dict[str, object]] = [
    {"code": "G1", "kind": "gate", "title": N_("Open licence"),
     "description": N_("Code under an OSI- or FSF-approved licence; data and content under an open licence.")},
    {"code": "G2", "kind": "gate", "title": N_("Identified owner or steward"),
     "description": N_("A legal entity or community that owns or stewards the commons is identified.")},
    {"code": "G3", "kind": "gate", "title": N_("Public source and documentation"),
     "description": N_("The source and its documentation are publicly available.")},
    {"code": "G4", "kind": "gate", "title": N_("No hard proprietary lock-in"),
     "description": N_("It can be deployed and used without a mandatory proprietary component or service.")},
    {"code": "G5", "kind": "gate", "title": N_("Privacy and applicable law"),
     "description": N_("It complies with data protection and the applicable law.")},
    {"code": "G6", "kind": "gate", "title": N_("Do no harm"),
     "description": N_("It does not cause significant harm to people, society or the environment.")},
    {"code": "S1", "kind": "scored", "title": N_("Relevance to public services"),
     "description": N_("How useful it is to public administrations and the services they provide (0–3).")},
    {"code": "S2", "kind": "scored", "title": N_("Adoption"),
     "description": N_("Attested use by public-sector bodies (0–3).")},
    {"code": "S3", "kind": "scored", "title": N_("Sustainability risk"),
     "description": N_("Bus factor, funding, maintainer load and security posture; 3 means low risk (0–3).")},
    {"code": "S4", "kind": "scored", "title": N_("Open governance"),
     "description": N_("Maintainers from several organisations, a neutral home, transparent decisions (0–3).")},
    {"code": "S5", "kind": "scored", "title": N_("European dimension"),
     "description": N_("Users or contributors in two or more member states (0–3).")},
]  # fmt: skip

# criterion code → {"title": English, "description": English}, as published in version 1.
PUBLISHED: dict[str, dict[str, str]] = {
    str(c["code"]): {"title": str(c["title"]), "description": str(c["description"])} for c in CRITERIA_V1
}


def criterion_text(code: str, field: str, stored: str | None) -> str:
    """The criterion's ``title`` or ``description`` in the reader's language (the stored text if it was changed)."""
    if not stored:
        return ""
    published = PUBLISHED.get(code, {}).get(field)
    return gettext(published) if published == stored else stored
