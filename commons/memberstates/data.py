# SPDX-License-Identifier: EUPL-1.2
"""Reference data: the EU-27 with their currencies and initiative status, plus the EU institutions.

Initiative members: France and the 16 states that joined it in February 2022 (DESIGN.md §1).
Bulgaria adopted the euro on 1 January 2026.
"""

INITIATIVE_MEMBERS = {
    "FR",
    "DE",
    "BE",
    "HR",
    "DK",
    "ES",
    "EE",
    "FI",
    "IT",
    "LV",
    "LU",
    "MT",
    "PL",
    "PT",
    "CZ",
    "SI",
    "SE",
}

MEMBER_STATES: list[tuple[str, str, str]] = [
    ("AT", "Austria", "EUR"),
    ("BE", "Belgium", "EUR"),
    ("BG", "Bulgaria", "EUR"),
    ("HR", "Croatia", "EUR"),
    ("CY", "Cyprus", "EUR"),
    ("CZ", "Czechia", "CZK"),
    ("DK", "Denmark", "DKK"),
    ("EE", "Estonia", "EUR"),
    ("FI", "Finland", "EUR"),
    ("FR", "France", "EUR"),
    ("DE", "Germany", "EUR"),
    ("GR", "Greece", "EUR"),
    ("HU", "Hungary", "HUF"),
    ("IE", "Ireland", "EUR"),
    ("IT", "Italy", "EUR"),
    ("LV", "Latvia", "EUR"),
    ("LT", "Lithuania", "EUR"),
    ("LU", "Luxembourg", "EUR"),
    ("MT", "Malta", "EUR"),
    ("NL", "Netherlands", "EUR"),
    ("PL", "Poland", "PLN"),
    ("PT", "Portugal", "EUR"),
    ("RO", "Romania", "RON"),
    ("SK", "Slovakia", "EUR"),
    ("SI", "Slovenia", "EUR"),
    ("ES", "Spain", "EUR"),
    ("SE", "Sweden", "SEK"),
]

EU_INSTITUTIONS = ("EU", "EU institutions", "EUR")


def rows() -> list[dict[str, str]]:
    out = [
        {
            "code": code,
            "name": name,
            "kind": "member_state",
            "currency": currency,
            "initiative_status": "member" if code in INITIATIVE_MEMBERS else "not_participating",
        }
        for code, name, currency in MEMBER_STATES
    ]
    code, name, currency = EU_INSTITUTIONS
    out.append(
        {
            "code": code,
            "name": name,
            "kind": "eu_institutions",
            "currency": currency,
            "initiative_status": "member",
        }
    )
    return out
