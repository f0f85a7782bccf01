# SPDX-License-Identifier: EUPL-1.2
"""The published review criteria, version 1 (DESIGN.md §4). Seeded as data by a migration."""

CRITERIA_V1: list[dict[str, object]] = [
    {"code": "G1", "kind": "gate", "title": "Open licence",
     "description": "Code under an OSI- or FSF-approved licence; data and content under an open licence."},
    {"code": "G2", "kind": "gate", "title": "Identified owner or steward",
     "description": "A legal entity or community that owns or stewards the commons is identified."},
    {"code": "G3", "kind": "gate", "title": "Public source and documentation",
     "description": "The source and its documentation are publicly available."},
    {"code": "G4", "kind": "gate", "title": "No hard proprietary lock-in",
     "description": "It can be deployed and used without a mandatory proprietary component or service."},
    {"code": "G5", "kind": "gate", "title": "Privacy and applicable law",
     "description": "It complies with data protection and the applicable law."},
    {"code": "G6", "kind": "gate", "title": "Do no harm",
     "description": "It does not cause significant harm to people, society or the environment."},
    {"code": "S1", "kind": "scored", "title": "Relevance to public services",
     "description": "How useful it is to public administrations and the services they provide (0–3)."},
    {"code": "S2", "kind": "scored", "title": "Adoption",
     "description": "Attested use by public-sector bodies (0–3)."},
    {"code": "S3", "kind": "scored", "title": "Sustainability risk",
     "description": "Bus factor, funding, maintainer load and security posture; 3 means low risk (0–3)."},
    {"code": "S4", "kind": "scored", "title": "Open governance",
     "description": "Maintainers from several organisations, a neutral home, transparent decisions (0–3)."},
    {"code": "S5", "kind": "scored", "title": "European dimension",
     "description": "Users or contributors in two or more member states (0–3)."},
]  # fmt: skip
