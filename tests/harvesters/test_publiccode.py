# SPDX-License-Identifier: EUPL-1.2
"""publiccode.yml parser: valid fixtures, their normalised facts, and one mutation per rule."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from harvesters.publiccode import CATEGORIES, PubliccodeResult, parse_publiccode

CASES = Path(__file__).parent / "publiccode_cases"
DELETE = object()


def fixture_text(name: str) -> str:
    return (CASES / name).read_text(encoding="utf-8")


def fixture_doc(name: str) -> dict[str, Any]:
    return yaml.safe_load(fixture_text(name))


def mutate(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Copy ``doc`` with the key at ``path`` ("a.b[0].c") replaced, or deleted with DELETE."""
    doc = copy.deepcopy(doc)
    tokens = re.findall(r"\[\d+\]|[^.\[\]]+", path)
    target: Any = doc
    for token in tokens[:-1]:
        target = target[int(token[1:-1])] if token.startswith("[") else target[token]
    last = tokens[-1]
    key: Any = int(last[1:-1]) if last.startswith("[") else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value
    return doc


def dump(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def messages(result: PubliccodeResult, severity: str = "error") -> list[tuple[str, str]]:
    issues = result.errors if severity == "error" else result.warnings
    return [(issue.path, issue.message) for issue in issues]


def assert_issue(result: PubliccodeResult, path: str, fragment: str, severity: str = "error") -> None:
    found = messages(result, severity)
    assert any(p == path and fragment in m for p, m in found), f"no {severity} at {path!r} with {fragment!r}: {found}"


LONG = (
    "A fictional tool described here at length so that the long description passes the minimum "
    "length rule of the standard, which asks for at least one hundred and fifty characters."
)


# --------------------------------------------------------------------------- valid files


@pytest.mark.parametrize("name", ["minimal-0.2.yml", "rich-0.4.yml", "complete-0.7.yml"])
def test_fixture_is_valid(name: str) -> None:
    result = parse_publiccode(fixture_text(name).encode("utf-8"))
    assert result.errors == []
    assert result.valid is True
    assert isinstance(result.data, dict)


def test_minimal_02_is_valid_with_only_an_old_version_warning() -> None:
    result = parse_publiccode(fixture_text("minimal-0.2.yml"))
    assert result.version == "0.2"
    assert messages(result, "warning") == [
        ("publiccodeYmlVersion", "publiccodeYmlVersion 0.2 is older than the current 0.7; please update.")
    ]
    assert result.name == "Modulo"
    assert result.organisation is None
    assert result.categories == ["data-collection"]
    assert result.release_date == date(2019, 6, 3)


def test_rich_04_normalised_facts() -> None:
    result = parse_publiccode(fixture_text("rich-0.4.yml"))
    assert result.valid
    assert result.version == "0.4.0"
    assert result.name == "Bibliotheca Nova"
    assert result.url == "https://gitlab.com/civic-culture/bibliotheca-nova"
    assert result.organisation == "Civic Culture Consortium"
    assert result.license == "AGPL-3.0-or-later"
    assert result.development_status == "stable"
    assert result.software_type == "standalone/web"
    assert result.categories == ["integrated-library-system", "knowledge-management"]
    assert result.platforms == ["web", "android", "ios"]
    assert result.used_by == ["Ville de Lyonville", "Stadt Musterhausen"]
    assert result.countries == ["FR", "DE"]
    assert result.release_date == date(2024, 3, 18)
    assert result.software_version == "3.2.1"
    assert result.funded_by == [
        {"name": "Ministère de la Culture (fictional)", "uri": "https://culture.example.fr"},
        {"name": "Landesamt für Digitales (fictional)", "uri": None},
    ]
    assert result.maintenance == {
        "type": "contract",
        "contractors": [
            {
                "name": "Exemple Informatique SAS",
                "until": date(2026, 12, 31),
                "email": "contact@exemple-informatique.example",
                "website": "https://exemple-informatique.example",
            }
        ],
        "contacts": [
            {
                "name": "Camille Martin",
                "email": "camille.martin@civic-culture.example.eu",
                "phone": "+33 1 23 45 67 89",
                "affiliation": "Civic Culture Consortium",
            }
        ],
    }


def test_rich_04_descriptions_per_language() -> None:
    result = parse_publiccode(fixture_text("rich-0.4.yml"))
    assert set(result.descriptions) == {"en", "fr"}
    english = result.descriptions["en"]
    assert english["short"] == "Catalogue, lending and reader portal for public libraries."
    assert english["long"].startswith("Bibliotheca Nova is a complete system for public libraries")
    assert english["features"] == [
        "Faceted catalogue search",
        "Lending, returns and reservations",
        "Inter-library loans",
    ]
    assert english["documentation"] == "https://docs.bibliotheca-nova.example.eu/en/"
    assert result.descriptions["fr"]["features"] == [
        "Recherche à facettes dans le catalogue",
        "Prêt, retours et réservations",
    ]


def test_complete_07_facts_include_country_section_and_urn_organisation() -> None:
    result = parse_publiccode(fixture_text("complete-0.7.yml"))
    assert result.valid
    assert result.warnings == []
    assert result.organisation == "Regionales Statistikamt (fictional)"
    assert result.countries == ["AT", "IT"]
    assert result.license == "EUPL-1.2 OR MIT"
    assert result.maintenance is not None and result.maintenance["type"] == "community"
    assert result.descriptions["de"]["short"].startswith("Offenes Datenportal")


def test_organisation_falls_back_to_legal_repo_owner_then_copyright_owner() -> None:
    doc = fixture_doc("minimal-0.2.yml")
    doc["legal"]["mainCopyrightOwner"] = "Comune di Esempio"
    assert parse_publiccode(dump(doc)).organisation == "Comune di Esempio"
    doc["legal"]["repoOwner"] = "Unione dei Comuni di Esempio"
    assert parse_publiccode(dump(doc)).organisation == "Unione dei Comuni di Esempio"


# --------------------------------------------------------------------------- unreadable input


BILLION_LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]
"""


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"name: caf\xe9\n", "not valid UTF-8"),
        ("name: one\n---\nname: two\n", "more than one YAML document"),
        ("- a list\n- not a mapping\n", "must be a mapping of keys, not a list"),
        ("just a string\n", "must be a mapping of keys, not a string"),
        ("", "empty"),
        ("   \n# only a comment\n", "empty"),
        ("name: [unclosed\n", "not valid YAML"),
        ("name: Foo\nname: Bar\n", "appears twice"),
        (BILLION_LAUGHS, "anchors and aliases"),
        ("base: &x {a: 1}\n", "anchors and aliases"),
        ("name: !!python/object:os.system ls\n", "not valid YAML"),
    ],
)
def test_unreadable_input_is_one_error_and_no_data(raw: str | bytes, fragment: str) -> None:
    result = parse_publiccode(raw)
    assert result.valid is False
    assert result.data is None
    assert len(result.errors) == 1
    assert fragment in result.errors[0].message


def test_input_over_max_bytes_is_refused() -> None:
    text = fixture_text("complete-0.7.yml")
    assert parse_publiccode(text).valid
    result = parse_publiccode(text.encode(), max_bytes=100)
    assert not result.valid and "limit is 100 bytes" in result.errors[0].message
    assert not parse_publiccode(text, max_bytes=100).valid


def test_utf8_byte_order_mark_is_accepted() -> None:
    result = parse_publiccode(b"\xef\xbb\xbf" + fixture_text("complete-0.7.yml").encode())
    assert result.valid, result.errors


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\x01\x02", b"{", b"]]]", "a: b: c", "? [a, b]\n: 1\n", "x: " + "[" * 5000 + "]" * 5000, "1: 2\n"],
)
def test_garbage_never_raises(garbage: str | bytes) -> None:
    result = parse_publiccode(garbage)
    assert result.valid is False
    assert result.errors


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("version", "error_fragment"),
    [
        (DELETE, "`publiccodeYmlVersion` is required"),
        ("0.1", "Unsupported publiccodeYmlVersion '0.1'"),
        ("0.9", "Unsupported publiccodeYmlVersion '0.9'"),
        ("1.0", "Unsupported publiccodeYmlVersion '1.0'"),
        ("latest", "Unsupported publiccodeYmlVersion 'latest'"),
        (["0.7"], "must be a string, not a list"),
    ],
)
def test_bad_version_is_an_error(version: Any, error_fragment: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), "publiccodeYmlVersion", version)))
    assert_issue(result, "publiccodeYmlVersion", error_fragment)


@pytest.mark.parametrize("version", ["0.2.2", "0.3", "0.3.0", "0.5.0", "0.6", "0.7.0", "0"])
def test_supported_version_forms_are_accepted(version: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), "publiccodeYmlVersion", version)))
    assert result.valid, result.errors
    assert result.version == version


def test_unquoted_version_number_is_accepted_with_a_warning() -> None:
    text = fixture_text("complete-0.7.yml").replace('publiccodeYmlVersion: "0.7"', "publiccodeYmlVersion: 0.7")
    result = parse_publiccode(text)
    assert result.valid and result.version == "0.7"
    assert_issue(result, "publiccodeYmlVersion", "quoted string", "warning")


# --------------------------------------------------------------------------- mutations -> errors

# (path to change, new value or DELETE, expected error path, message fragment), on the 0.7 file.
ERROR_MUTATIONS = [
    ("name", DELETE, "name", "`name` is required"),
    ("name", ["a", "b"], "name", "must be a string, not a list"),
    ("url", DELETE, "url", "`url` is required"),
    ("url", "ftp://code.example.eu/x.git", "url", "must be an http:// or https:// URL"),
    ("url", "https://code.example.eu/my repo.git", "url", "must not contain spaces"),
    ("url", "https://user:secret@code.example.eu/a/b.git", "url", "must not contain credentials"),
    ("landingURL", "javascript:alert(1)", "landingURL", "http:// or https://"),
    ("roadmap", "not a url", "roadmap", "must not contain spaces"),
    ("logo", "/etc/logo.png", "logo", "relative to the repository root"),
    ("logo", "file:///tmp/logo.png", "logo", "not a file: URL"),
    ("logo", "../../outside.png", "logo", "inside the repository"),
    ("softwareType", DELETE, "softwareType", "`softwareType` is required"),
    ("softwareType", "standalone", "softwareType", "'standalone' is no longer allowed"),
    ("softwareType", "plugin", "softwareType", "must be one of"),
    ("developmentStatus", DELETE, "developmentStatus", "is required"),
    ("developmentStatus", "alpha", "developmentStatus", "must be one of concept, development, beta"),
    ("platforms", DELETE, "platforms", "`platforms` is required"),
    ("platforms", [], "platforms", "at least one platform"),
    ("platforms", {"web": True}, "platforms", "must be a list, not a mapping"),
    ("categories", ["data-visualization", "blockchain"], "categories[1]", "Unknown category 'blockchain'"),
    ("categories", "data-analytics", "categories", "must be a list, not a string"),
    ("releaseDate", "10/02/2026", "releaseDate", "YYYY-MM-DD"),
    ("releaseDate", "2026-02-30", "releaseDate", "not a real calendar date"),
    ("description", DELETE, "description", "`description` is required"),
    ("description", {}, "description", "at least one language"),
    ("description", "Datenwerk", "description", "must be a mapping of keys, not a string"),
    ("description.de.shortDescription", DELETE, "description.de.shortDescription", "is required"),
    ("description.de.shortDescription", "x" * 151, "description.de.shortDescription", "at most 150"),
    ("description.de.longDescription", "Too short.", "description.de.longDescription", "at least 150"),
    ("description.de.longDescription", "y" * 10_001, "description.de.longDescription", "at most 10,000"),
    ("description.de.longDescription", DELETE, "description.de.longDescription", "is required"),
    ("description.de.features", DELETE, "description.de.features", "is required"),
    ("description.de.features", [], "description.de.features", "at least one feature"),
    ("description.de.features", [1, 2], "description.de.features[0]", "must be a string, not a number"),
    ("description.de.genericName", "z" * 36, "description.de.genericName", "at most 35"),
    (
        "description.de.documentation",
        "docs.example.eu",
        "description.de.documentation",
        "http:// or https://",
    ),
    ("description.de.apiDocumentation", "ftp://x.example.eu", "description.de.apiDocumentation", "http"),
    ("description.de.videos", ["youtube"], "description.de.videos[0]", "http:// or https://"),
    ("description.de.screenshots", ["/abs/shot.png"], "description.de.screenshots[0]", "absolute path"),
    ("legal", DELETE, "legal", "`legal` is required"),
    ("legal.license", DELETE, "legal.license", "`legal.license` is required"),
    ("legal.license", "Apache-3.0", "legal.license", "unknown SPDX licence identifiers: Apache-3.0"),
    ("legal.license", "MIT AND", "legal.license", "not a valid SPDX licence expression"),
    ("legal.license", "(MIT", "legal.license", "not a valid SPDX licence expression"),
    ("legal.license", "MIT WITH Apache-2.0", "legal.license", "Apache-2.0"),
    ("maintenance", DELETE, "maintenance", "`maintenance` is required"),
    ("maintenance.type", DELETE, "maintenance.type", "`maintenance.type` is required"),
    (
        "maintenance.type",
        "volunteer",
        "maintenance.type",
        "must be one of internal, contract, community, none",
    ),
    ("maintenance.contacts", DELETE, "maintenance.contacts", "required when maintenance.type is community"),
    ("maintenance.contacts", "Lena", "maintenance.contacts", "must be a list"),
    ("maintenance.contacts[0]", "Lena Huber", "maintenance.contacts[0]", "must be a mapping"),
    ("maintenance.contacts[0].name", DELETE, "maintenance.contacts[0].name", "is required"),
    (
        "maintenance.contacts[0].email",
        "lena.huber-at-example",
        "maintenance.contacts[0].email",
        "not a valid e-mail",
    ),
    ("maintenance.contacts[0].phone", 431234567, "maintenance.contacts[0].phone", "must be a string"),
    ("localisation", DELETE, "localisation", "`localisation` is required"),
    ("localisation.localisationReady", DELETE, "localisation.localisationReady", "is required"),
    ("localisation.localisationReady", "maybe", "localisation.localisationReady", "must be a boolean"),
    ("localisation.availableLanguages", DELETE, "localisation.availableLanguages", "is required"),
    ("localisation.availableLanguages", [], "localisation.availableLanguages", "at least one language"),
    (
        "localisation.availableLanguages",
        ["de", "xx"],
        "localisation.availableLanguages[1]",
        "unknown ISO 639-1",
    ),
    (
        "localisation.availableLanguages",
        ["deu"],
        "localisation.availableLanguages[0]",
        "two-letter code 'de'",
    ),
    (
        "localisation.availableLanguages",
        ["de-ZZ"],
        "localisation.availableLanguages[0]",
        "unknown region 'ZZ'",
    ),
    (
        "localisation.availableLanguages",
        ["sr-Abcd"],
        "localisation.availableLanguages[0]",
        "unknown ISO 15924",
    ),
    ("localisation.availableLanguages", ["de_AT"], "localisation.availableLanguages[0]", "not a well-formed"),
    (
        "intendedAudience.countries",
        ["AT", "XX"],
        "intendedAudience.countries[1]",
        "'XX' is not an ISO 3166-1",
    ),
    ("intendedAudience.countries", ["aut"], "intendedAudience.countries[0]", "not an ISO 3166-1 alpha-2"),
    ("intendedAudience.countries", "at", "intendedAudience.countries", "must be a list"),
    ("intendedAudience.unsupportedCountries", ["qq"], "intendedAudience.unsupportedCountries[0]", "'qq'"),
    ("intendedAudience.scope", ["government", "space"], "intendedAudience.scope[1]", "Unknown scope 'space'"),
    ("organisation.name", DELETE, "organisation.name", "`organisation.name` is required"),
    ("organisation.uri", "statistik amt", "organisation.uri", "must not contain spaces"),
    ("organisation.uri", "urn:", "organisation.uri", "not a well-formed URN"),
    ("organisation", "Statistikamt", "organisation", "must be a mapping"),
    ("fundedBy", [{"uri": "https://funder.example.eu"}], "fundedBy[0].name", "is required"),
    ("fundedBy", [{"name": "EU", "uri": "mailto:eu@example.eu"}], "fundedBy[0].uri", "http:// or https://"),
    ("fundedBy", {"name": "EU"}, "fundedBy", "must be a list"),
    ("dependsOn", {"open": [{"version": "14"}]}, "dependsOn.open[0].name", "is required"),
    (
        "dependsOn",
        {"open": [{"name": "PostgreSQL", "optional": "yes"}]},
        "dependsOn.open[0].optional",
        "boolean",
    ),
    ("dependsOn", {"proprietary": "Oracle"}, "dependsOn.proprietary", "must be a list"),
    ("dependsOn", {"hardware": ["NFC reader"]}, "dependsOn.hardware[0]", "must be a mapping"),
    ("isBasedOn", ["not-a-url"], "isBasedOn[0]", "URL of the original repository"),
    ("usedBy", "Stadt Wien", "usedBy", "must be a list"),
    ("usedBy", ["Stadt Wien", {"name": "Graz"}], "usedBy[1]", "must be a string"),
    ("IT.riuso", {"codiceIPA": "not an ipa code!"}, "IT.riuso.codiceIPA", "not a valid IPA code"),
    ("IT.conforme.gdpr", "si", "IT.conforme.gdpr", "must be a boolean"),
]


@pytest.mark.parametrize(
    ("path", "value", "error_path", "fragment"),
    ERROR_MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(ERROR_MUTATIONS)],
)
def test_mutation_is_reported_as_error(path: str, value: Any, error_path: str, fragment: str) -> None:
    base = fixture_doc("complete-0.7.yml")
    base["dependsOn"] = {"open": [{"name": "PostgreSQL", "versionMin": "14"}]}
    base["fundedBy"] = [{"name": "Land Tirol (fictional)"}]
    base["IT"]["riuso"] = {"codiceIPA": "c_h501"}
    result = parse_publiccode(dump(mutate(base, path, value)))
    assert result.valid is False
    assert_issue(result, error_path, fragment)
    assert all(issue.severity == "error" for issue in result.errors)


@pytest.mark.parametrize(
    ("path", "value", "error_path", "fragment"),
    [
        (
            "maintenance.contractors",
            DELETE,
            "maintenance.contractors",
            "required when maintenance.type is contract",
        ),
        ("maintenance.contractors[0].until", DELETE, "maintenance.contractors[0].until", "is required"),
        ("maintenance.contractors[0].until", "end of 2026", "maintenance.contractors[0].until", "YYYY-MM-DD"),
        ("maintenance.contractors[0].name", DELETE, "maintenance.contractors[0].name", "is required"),
        (
            "maintenance.contractors[0].website",
            "exemple.example",
            "maintenance.contractors[0].website",
            "http",
        ),
        (
            "maintenance.contractors[0].email",
            "nobody",
            "maintenance.contractors[0].email",
            "not a valid e-mail",
        ),
        ("description.fr.features", [], "description.fr.features", "at least one feature"),
    ],
)
def test_rich_file_mutation_is_reported_as_error(path: str, value: Any, error_path: str, fragment: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("rich-0.4.yml"), path, value)))
    assert result.valid is False
    assert_issue(result, error_path, fragment)


def test_language_without_long_description_only_warns_when_another_has_one() -> None:
    doc = mutate(fixture_doc("rich-0.4.yml"), "description.en-GB", {"shortDescription": "Library system."})
    result = parse_publiccode(dump(doc))
    assert result.valid, result.errors
    assert_issue(result, "description.en-GB.longDescription", "has no longDescription", "warning")
    assert_issue(result, "description.en-GB.features", "has no features list", "warning")


@pytest.mark.parametrize(
    ("lang", "fragment"),
    [
        ("english", "invalid primary language subtag"),
        ("eng", "two-letter code 'en'"),
        ("fre", "ISO 639-2/B code 'fre'; use 'fr'"),
        ("x-klingon", "must start with an ISO 639 language code"),
        ("en-", "not a well-formed"),
    ],
)
def test_description_language_key_must_be_bcp47(lang: str, fragment: str) -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["description"][lang] = copy.deepcopy(doc["description"]["de"])
    result = parse_publiccode(dump(doc))
    assert_issue(result, f"description.{lang}", fragment)


@pytest.mark.parametrize("lang", ["en", "de-AT", "zh-Hant-TW", "sl-IT-nedis", "es-419", "gsw", "en-GB-x-pirate"])
def test_description_accepts_valid_bcp47_tags(lang: str) -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["description"] = {lang: doc["description"]["de"]}
    doc["localisation"]["availableLanguages"] = [lang]
    result = parse_publiccode(dump(doc))
    assert result.valid, result.errors
    assert list(result.descriptions) == [lang]


def test_unquoted_norway_country_code_is_explained() -> None:
    text = fixture_text("complete-0.7.yml").replace("    - AT\n", "    - AT\n    - no\n")
    result = parse_publiccode(text)
    assert_issue(result, "intendedAudience.countries[1]", "quote the country code")


def test_both_it_and_IT_sections_are_an_error() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["it"] = {"countryExtensionVersion": "0.2"}
    result = parse_publiccode(dump(doc))
    assert_issue(result, "IT", "Both `it` and `IT`")


def test_release_date_with_time_is_an_error() -> None:
    text = fixture_text("complete-0.7.yml").replace('releaseDate: "2026-02-10"', "releaseDate: 2026-02-10 10:00:00")
    assert_issue(parse_publiccode(text), "releaseDate", "without a time")


def test_non_string_top_level_key_is_an_error() -> None:
    text = fixture_text("complete-0.7.yml") + "42: answer\n"
    assert_issue(parse_publiccode(text), "42", "Keys must be strings")


# --------------------------------------------------------------------------- version-dependent rules


def test_categories_required_in_02_but_optional_later() -> None:
    minimal = fixture_doc("minimal-0.2.yml")
    del minimal["categories"]
    assert_issue(parse_publiccode(dump(minimal)), "categories", "`categories` is required")
    recent = fixture_doc("complete-0.7.yml")
    del recent["categories"]
    assert parse_publiccode(dump(recent)).valid


def test_release_date_required_in_02_and_only_advised_with_software_version_later() -> None:
    minimal = fixture_doc("minimal-0.2.yml")
    del minimal["releaseDate"]
    assert_issue(parse_publiccode(dump(minimal)), "releaseDate", "required in publiccode.yml 0.2")
    recent = fixture_doc("complete-0.7.yml")
    del recent["releaseDate"]
    result = parse_publiccode(dump(recent))
    assert result.valid
    assert_issue(result, "releaseDate", "should be given when `softwareVersion` is", "warning")
    del recent["softwareVersion"]
    assert parse_publiccode(dump(recent)).warnings == []


def test_organisation_and_funded_by_in_an_02_file_warn_they_are_newer() -> None:
    doc = fixture_doc("minimal-0.2.yml")
    doc["organisation"] = {"name": "Comune di Esempio"}
    doc["fundedBy"] = [{"name": "Regione Esempio"}]
    result = parse_publiccode(dump(doc))
    assert result.valid
    assert_issue(result, "organisation", "introduced in publiccode.yml 0.4", "warning")
    assert_issue(result, "fundedBy", "introduced in publiccode.yml 0.4", "warning")
    assert result.organisation == "Comune di Esempio"


def test_repo_owner_is_deprecated_from_04_but_not_in_02() -> None:
    rich = fixture_doc("rich-0.4.yml")
    rich["legal"]["repoOwner"] = "Civic Culture Consortium"
    assert_issue(parse_publiccode(dump(rich)), "legal.repoOwner", "deprecated since publiccode.yml 0.4", "warning")
    minimal = fixture_doc("minimal-0.2.yml")
    minimal["legal"]["repoOwner"] = "Comune di Esempio"
    assert not any(issue.path == "legal.repoOwner" for issue in parse_publiccode(dump(minimal)).warnings)


# --------------------------------------------------------------------------- warnings only


# (path, value, warning path, fragment): each leaves the 0.7 file valid but warns.
WARNING_MUTATIONS = [
    ("softwareCode", "abc", "softwareCode", "Unknown top-level key"),
    ("platforms", ["web", "freebsd"], "platforms[1]", "not one of the predefined values"),
    ("platforms", "web", None, None),
    ("monochromeLogo", "logo-mono.svg", "monochromeLogo", "deprecated since publiccode.yml 0.3"),
    ("inputTypes", ["text/csv"], "inputTypes", "deprecated"),
    ("description.de.genericName", "Datenportal", "description.de.genericName", "deprecated"),
    ("description.de.features", ["f" * 101], "description.de.features[0]", "at most 100 characters"),
    ("description.de.tagline", "x", "description.de.tagline", "Unknown key"),
    ("url", "https://datenwerk.example.eu/", "url", "does not look like a source code repository"),
    ("url", "https://github.com/statistik", "url", "does not look like a source code repository"),
    ("legal.license", "LicenseRef-Statistik-1.0", "legal.license", "custom licence reference"),
    ("legal.license", "GPL-2.0", "legal.license", "'GPL-2.0-only'"),
    ("logo", "logo.gif", "logo", "SVG, SVGZ, PNG"),
    ("softwareVersion", 1.4, "softwareVersion", "should be a quoted string"),
    (
        "maintenance.contractors",
        [{"name": "X", "until": "2027-01-01"}],
        "maintenance.contractors",
        "only meaningful",
    ),
    (
        "maintenance.contacts[0].phone",
        "call me",
        "maintenance.contacts[0].phone",
        "does not look like a phone",
    ),
    ("maintenance.contacts[0].nickname", "lh", "maintenance.contacts[0].nickname", "Unknown key"),
    ("IT.conforme.accessibile", True, "IT.conforme.accessibile", "Unknown key"),
    ("IT.ecosistemi", ["sanita"], "IT.ecosistemi", "Unknown key"),
    ("IT.countryExtensionVersion", "9.9", "IT.countryExtensionVersion", "Unknown Italian extension version"),
    (
        "dependsOn",
        {"open": [{"name": "PG", "version": "14", "versionMin": "13"}]},
        "dependsOn.open[0].version",
        "both",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "warning_path", "fragment"),
    WARNING_MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(WARNING_MUTATIONS)],
)
def test_mutation_is_only_a_warning(path: str, value: Any, warning_path: str | None, fragment: str | None) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), path, value)))
    assert result.valid, result.errors
    if warning_path is None:
        assert result.warnings == []
    else:
        assert_issue(result, warning_path, fragment or "", "warning")


def test_maintenance_none_needs_no_contacts_but_warns_when_listed() -> None:
    doc = mutate(fixture_doc("complete-0.7.yml"), "maintenance.type", "none")
    result = parse_publiccode(dump(doc))
    assert result.valid
    assert_issue(result, "maintenance.contacts", "although maintenance.type is none", "warning")
    del doc["maintenance"]["contacts"]
    assert parse_publiccode(dump(doc)).warnings == []


def test_legacy_lowercase_it_section_counts_as_italy() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["it"] = doc.pop("IT")
    result = parse_publiccode(dump(doc))
    assert result.valid
    assert result.countries == ["AT", "IT"]


# --------------------------------------------------------------------------- robustness of facts


def test_facts_are_extracted_even_from_an_invalid_file() -> None:
    doc = fixture_doc("rich-0.4.yml")
    doc["developmentStatus"] = "alpha"
    doc["description"]["fr"] = "pas un bloc"
    doc["maintenance"]["contacts"] = ["Camille"]
    result = parse_publiccode(dump(doc))
    assert not result.valid
    assert result.name == "Bibliotheca Nova"
    assert list(result.descriptions) == ["en"]
    assert result.maintenance is not None and result.maintenance["contacts"] == []
    assert result.development_status == "alpha"


def test_every_issue_has_path_message_and_matching_severity() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["legal"]["license"] = "Nope-1.0"
    doc["platforms"] = ["web", "amiga"]
    result = parse_publiccode(dump(doc))
    assert result.valid is False
    assert {i.severity for i in result.errors} == {"error"}
    assert {i.severity for i in result.warnings} == {"warning"}
    assert all(i.message.endswith(".") and i.path for i in result.errors + result.warnings)


def test_vocabulary_contains_standard_categories() -> None:
    assert {"accounting", "whistleblowing", "integrated-library-system", "other"} <= CATEGORIES
    assert "blockchain" not in CATEGORIES


def test_many_issues_are_capped() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["categories"] = [f"not-a-category-{n}" for n in range(2000)]
    result = parse_publiccode(dump(doc))
    assert 0 < len(result.errors) <= 500


@pytest.mark.parametrize(
    "deep",
    [
        "x: " + "[" * 5000 + "]" * 5000,
        "x: " + "{a: " * 3000 + "1" + "}" * 3000,
        "x:\n" + "".join(" " * i + "- a:\n" for i in range(0, 400, 2)),
    ],
)
def test_deeply_nested_yaml_is_refused_quickly(deep: str) -> None:
    result = parse_publiccode(deep)
    assert result.data is None
    assert "more than 32 levels deep" in result.errors[0].message
