# SPDX-License-Identifier: EUPL-1.2
"""publiccode.yml parser: valid fixtures, their normalised facts, and one mutation per rule.

Issue 15 aligned the rules, keys and messages with the reference parser (publiccode-parser-go):
expectations name the message ``code`` (see ``harvesters.publiccode.MESSAGES``) and the
reference's key. Rows whose verdict changed with the reference's rules say so in a comment.
"""

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
    """An issue at ``path`` whose code is ``fragment`` or whose message contains it."""
    issues = {"error": result.errors, "warning": result.warnings, "info": result.notices}[severity]
    found = [(i.path, i.code, i.message) for i in issues]
    assert any(p == path and (fragment == c or fragment in m) for p, c, m in found), (
        f"no {severity} at {path!r} with {fragment!r}: {found}"
    )


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
    assert [(w.path, w.code, w.params["version"]) for w in result.warnings] == [
        ("publiccodeYmlVersion", "version_old", "0.2")
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
        {"name": "Landesamt für Digitales (fictional)", "uri": "https://digitales.example.de"},
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
    # The reference warns that IT.conforme is deprecated (issue 15, point 7).
    assert [(w.path, w.code) for w in result.warnings] == [("IT.conforme", "deprecated_drop")]
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
        ("- a list\n- not a mapping\n", "must be a mapping of keys"),
        ("just a string\n", "must be a mapping of keys"),
        # The reference reports an empty document as a missing version (issue 15).
        ("", "publiccodeYmlVersion is required"),
        ("   \n# only a comment\n", "publiccodeYmlVersion is required"),
        ("name: [unclosed\n", "not valid YAML"),
        ("name: Foo\nname: Bar\n", "appears twice"),
        (BILLION_LAUGHS, "anchors and aliases"),
        ("base: &x {a: 1}\n", "anchors and aliases"),
        ("name: !!python/object:os.system ls\n", "is not allowed"),
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
        (DELETE, "required"),
        ("0.1", "version_unsupported"),
        ("0.9", "version_unsupported"),
        ("1.0", "version_unsupported"),
        ("latest", "version_unsupported"),
        # Versions the reference does not list (issue 15, point 4).
        ("0.6", "version_unsupported"),
        ("0.6.0", "version_unsupported"),
        ("0.4.1", "version_unsupported"),
        ("0.7.1", "version_unsupported"),
        ("0.2.3", "version_unsupported"),
        (["0.7"], "wrong_type"),
    ],
)
def test_bad_version_is_an_error(version: Any, error_fragment: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), "publiccodeYmlVersion", version)))
    assert_issue(result, "publiccodeYmlVersion", error_fragment)


@pytest.mark.parametrize("version", ["0.2.2", "0.3", "0.3.0", "0.5.0", "0.7.0", "0"])
def test_supported_version_forms_are_accepted(version: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), "publiccodeYmlVersion", version)))
    assert result.valid, result.errors
    assert result.version == version


def test_unquoted_version_number_is_a_wrong_type() -> None:
    # Issue 15, point 4: the reference wants the text "0.7"; unquoted 0.7 is a YAML number.
    text = fixture_text("complete-0.7.yml").replace('publiccodeYmlVersion: "0.7"', "publiccodeYmlVersion: 0.7")
    result = parse_publiccode(text)
    assert not result.valid
    assert_issue(result, "publiccodeYmlVersion", "wrong_type")
    assert result.errors[0].line == 3


def test_older_version_is_checked_with_the_latest_rules_and_a_warning() -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("complete-0.7.yml"), "publiccodeYmlVersion", "0.4")))
    assert result.valid, result.errors
    assert_issue(result, "publiccodeYmlVersion", "version_old", "warning")


# --------------------------------------------------------------------------- mutations -> errors

# (path to change, new value or DELETE, expected error key, message code), on the 0.7 file.
ERROR_MUTATIONS = [
    ("name", DELETE, "name", "required"),
    # A wrong type is reported on the line where the value starts, as the reference does.
    ("name", ["a", "b"], "name[0]", "wrong_type"),
    ("url", DELETE, "url", "required"),
    ("url", "code.example.eu/x.git", "url", "url"),
    ("landingURL", "javascript:alert(1)", "landingURL", "http_url"),
    ("roadmap", "not a url", "roadmap", "http_url"),
    ("logo", "/etc/logo.png", "logo", "absolute_path"),
    ("logo", "file:///tmp/logo.png", "logo", "file_url"),
    ("logo", "logo.gif", "logo", "extension"),
    ("softwareType", DELETE, "softwareType", "required"),
    ("softwareType", "standalone", "softwareType", "one_of"),
    ("softwareType", "plugin", "softwareType", "one_of"),
    ("developmentStatus", DELETE, "developmentStatus", "required"),
    ("developmentStatus", "alpha", "developmentStatus", "one_of"),
    ("platforms", DELETE, "platforms", "not_empty"),
    ("platforms", [], "platforms", "not_empty"),
    ("platforms", {"web": True}, "platforms.web", "wrong_type"),
    # Issue 15, point 9: a string is not a list of platforms.
    ("platforms", "web", "platforms", "wrong_type"),
    ("categories", ["data-visualization", "blockchain"], "categories[1]", "category"),
    ("categories", "data-analytics", "categories", "wrong_type"),
    ("releaseDate", "10/02/2026", "releaseDate", "date"),
    ("releaseDate", "2026-02-30", "releaseDate", "date"),
    ("description", DELETE, "description", "not_empty"),
    ("description", {}, "description", "not_empty"),
    ("description", "Datenwerk", "description", "wrong_type"),
    ("description.de.shortDescription", DELETE, "description.de.shortDescription", "required"),
    ("description.de.shortDescription", "x" * 151, "description.de.shortDescription", "max_length"),
    ("description.de.longDescription", "Too short.", "description.de.longDescription", "min_length"),
    ("description.de.longDescription", "y" * 10_001, "description.de.longDescription", "max_length"),
    ("description.de.longDescription", DELETE, "description.de.longDescription", "required"),
    ("description.de.features", DELETE, "description.de.features", "not_empty"),
    ("description.de.features", [], "description.de.features", "not_empty"),
    ("description.de.genericName", "z" * 36, "description.de.genericName", "max_length"),
    ("description.de.documentation", "docs.example.eu", "description.de.documentation", "http_url"),
    ("description.de.apiDocumentation", "ftp://x.example.eu", "description.de.apiDocumentation", "http_url"),
    ("description.de.videos", ["youtube"], "description.de.videos[0]", "http_url"),
    # Issue 15, point 8: a video must be on an oEmbed provider.
    ("description.de.videos", ["https://video.example.eu/v/1"], "description.de.videos[0]", "oembed"),
    ("description.de.screenshots", ["/abs/shot.png"], "description.de.screenshots[0]", "absolute_path"),
    ("description.de.screenshots", ["shot.gif"], "description.de.screenshots[0]", "extension"),
    # Issue 15, point 2: unknown keys are errors.
    ("description.de.tagline", "x", "description.de.tagline", "unknown_key"),
    ("softwareCode", "abc", "softwareCode", "unknown_key"),
    ("legal", DELETE, "legal.license", "required"),
    ("legal.license", DELETE, "legal.license", "required"),
    ("legal.license", "Apache-3.0", "legal.license", "spdx"),
    ("legal.license", "MIT AND", "legal.license", "spdx"),
    ("legal.license", "(MIT", "legal.license", "spdx"),
    ("legal.license", "MIT WITH Apache-2.0", "legal.license", "spdx"),
    ("maintenance", DELETE, "maintenance.type", "required"),
    ("maintenance.type", DELETE, "maintenance.type", "required"),
    ("maintenance.type", "volunteer", "maintenance.type", "one_of"),
    ("maintenance.contacts", DELETE, "maintenance.contacts", "required_if"),
    ("maintenance.contacts", "Lena", "maintenance.contacts", "wrong_type"),
    ("maintenance.contacts[0]", "Lena Huber", "maintenance.contacts[0]", "wrong_type"),
    ("maintenance.contacts[0].name", DELETE, "maintenance.contacts[0].name", "required"),
    ("maintenance.contacts[0].email", "lena.huber-at-example", "maintenance.contacts[0].email", "email"),
    ("maintenance.contacts[0].nickname", "lh", "maintenance.contacts[0].nickname", "unknown_key"),
    # Issue 15, point 5: contractors only with maintenance type "contract".
    ("maintenance.contractors", [{"name": "X", "until": "2027-01-01"}], "maintenance.contractors", "excluded_unless"),
    ("localisation", DELETE, "localisation.localisationReady", "required"),
    ("localisation.localisationReady", DELETE, "localisation.localisationReady", "required"),
    ("localisation.localisationReady", "maybe", "localisation.localisationReady", "wrong_type"),
    # Issue 15, point 1: YAML 1.2 reads "yes" as text, not as a boolean.
    ("localisation.localisationReady", "yes", "localisation.localisationReady", "wrong_type"),
    ("localisation.availableLanguages", DELETE, "localisation.availableLanguages", "required"),
    ("localisation.availableLanguages", [], "localisation.availableLanguages", "not_empty"),
    ("localisation.availableLanguages", ["de", "xx"], "localisation.availableLanguages[1]", "bcp47"),
    ("localisation.availableLanguages", ["deu"], "localisation.availableLanguages[0]", "bcp47"),
    ("localisation.availableLanguages", ["de-ZZ"], "localisation.availableLanguages[0]", "bcp47"),
    ("localisation.availableLanguages", ["sr-Abcd"], "localisation.availableLanguages[0]", "bcp47"),
    ("localisation.availableLanguages", ["de_AT"], "localisation.availableLanguages[0]", "bcp47"),
    # Issue 15, point 6: sr-lat is not a BCP 47 tag (sr-Latn is).
    ("localisation.availableLanguages", ["sr-lat"], "localisation.availableLanguages[0]", "bcp47"),
    ("intendedAudience.countries", ["AT", "XX"], "intendedAudience.countries[1]", "country"),
    ("intendedAudience.countries", ["aut"], "intendedAudience.countries[0]", "country"),
    # Issue 15, point 6: mixed case is refused (lower case is only deprecated).
    ("intendedAudience.countries", ["Fr"], "intendedAudience.countries[0]", "country"),
    ("intendedAudience.countries", "at", "intendedAudience.countries", "wrong_type"),
    ("intendedAudience.unsupportedCountries", ["qq"], "intendedAudience.unsupportedCountries[0]", "country"),
    ("intendedAudience.scope", ["government", "space"], "intendedAudience.scope[1]", "scope"),
    # Issue 15, point 3: the reference requires organisation.uri, not the name.
    ("organisation.uri", DELETE, "organisation.uri", "required"),
    ("organisation.uri", "statistik amt", "organisation.uri", "uri"),
    ("organisation.uri", "urn:", "organisation.uri", "uri"),
    ("organisation.uri", "urn:x-italian-pa:no_such_body_42", "organisation.uri", "ipa_uri"),
    ("organisation", "Statistikamt", "organisation", "wrong_type"),
    ("fundedBy", [{"name": "EU"}], "fundedBy[0].uri", "required"),
    ("fundedBy", [{"name": "EU", "uri": "mailto:eu@example.eu"}], "fundedBy[0].uri", "uri"),
    ("fundedBy", {"name": "EU"}, "fundedBy.name", "wrong_type"),
    ("dependsOn", {"open": [{"version": "14"}]}, "dependsOn.open[0].name", "required"),
    ("dependsOn", {"open": [{"name": "PostgreSQL", "optional": "yes"}]}, "dependsOn.open[0].optional", "wrong_type"),
    ("dependsOn", {"proprietary": "Oracle"}, "dependsOn.proprietary", "wrong_type"),
    ("dependsOn", {"hardware": ["NFC reader"]}, "dependsOn.hardware[0]", "wrong_type"),
    ("isBasedOn", ["not-a-url"], "isBasedOn[0]", "url"),
    ("usedBy", "Stadt Wien", "usedBy", "wrong_type"),
    ("usedBy", ["Stadt Wien", {"name": "Graz"}], "usedBy[1]", "wrong_type"),
    ("supports", [{"id": "alias:unknown"}], "supports[0].id", "supports_alias"),
    ("supports", [{"id": "not a uri"}], "supports[0].id", "supports_id"),
    ("IT.riuso", {"codiceIPA": "not an ipa code!"}, "IT.riuso.codiceIPA", "ipa_code"),
    ("IT.conforme.gdpr", "si", "IT.conforme.gdpr", "wrong_type"),
    ("IT.conforme.accessibile", True, "IT.conforme.accessibile", "unknown_key"),
    ("IT.ecosistemi", ["sanita"], "IT.ecosistemi", "unknown_key"),
    # Issue 15, point 7: only the extension versions 0.2 and 1.0 exist.
    ("IT.countryExtensionVersion", "9.9", "IT.countryExtensionVersion", "one_of"),
]


@pytest.mark.parametrize(
    ("path", "value", "error_path", "fragment"),
    ERROR_MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(ERROR_MUTATIONS)],
)
def test_mutation_is_reported_as_error(path: str, value: Any, error_path: str, fragment: str) -> None:
    base = fixture_doc("complete-0.7.yml")
    base["dependsOn"] = {"open": [{"name": "PostgreSQL", "versionMin": "14"}]}
    base["fundedBy"] = [{"name": "Land Tirol (fictional)", "uri": "https://www.tirol.example.at"}]
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
            "required_if",
        ),
        ("maintenance.contractors[0].until", DELETE, "maintenance.contractors[0].until", "required"),
        ("maintenance.contractors[0].until", "end of 2026", "maintenance.contractors[0].until", "date"),
        ("maintenance.contractors[0].name", DELETE, "maintenance.contractors[0].name", "required"),
        ("maintenance.contractors[0].website", "exemple.example", "maintenance.contractors[0].website", "http_url"),
        ("maintenance.contractors[0].email", "nobody", "maintenance.contractors[0].email", "email"),
        ("description.fr.features", [], "description.fr.features", "not_empty"),
    ],
)
def test_rich_file_mutation_is_reported_as_error(path: str, value: Any, error_path: str, fragment: str) -> None:
    result = parse_publiccode(dump(mutate(fixture_doc("rich-0.4.yml"), path, value)))
    assert result.valid is False
    assert_issue(result, error_path, fragment)


def test_every_language_needs_its_own_long_description_and_features() -> None:
    # The reference checks each description block on its own (the old rule only warned).
    doc = mutate(fixture_doc("rich-0.4.yml"), "description.en-GB", {"shortDescription": "Library system."})
    result = parse_publiccode(dump(doc))
    assert not result.valid
    # Keys that are not purely alphabetic keep the reference's brackets.
    assert_issue(result, "description[en-GB].longDescription", "required")
    assert_issue(result, "description[en-GB].features", "not_empty")


@pytest.mark.parametrize("lang", ["english", "eng", "fre", "x-klingon", "en-", "en_GB"])
def test_description_language_key_must_be_bcp47(lang: str) -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["description"][lang] = copy.deepcopy(doc["description"]["de"])
    result = parse_publiccode(dump(doc))
    assert_issue(result, "description", "bcp47")


@pytest.mark.parametrize("lang", ["en", "de-AT", "zh-Hant-TW", "sl-IT-nedis", "es-419", "gsw", "en-GB-x-pirate"])
def test_description_accepts_valid_bcp47_tags(lang: str) -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["description"] = {lang: doc["description"]["de"]}
    doc["localisation"]["availableLanguages"] = [lang]
    result = parse_publiccode(dump(doc))
    assert result.valid, result.errors
    assert list(result.descriptions) == [lang]


def test_unquoted_no_is_norway_and_norwegian_in_yaml_12() -> None:
    # Issue 15, point 1: YAML 1.2 reads "no" as text, so Norway and Norwegian need no quotes.
    text = fixture_text("complete-0.7.yml").replace("    - AT\n", "    - AT\n    - NO\n")
    text = text.replace("availableLanguages:\n", "availableLanguages:\n    - no\n", 1)
    result = parse_publiccode(text)
    assert result.valid, result.errors
    assert result.countries == ["AT", "NO", "IT"]
    lowercase = parse_publiccode(text.replace("    - NO\n", "    - no\n"))
    assert lowercase.valid
    assert_issue(lowercase, "intendedAudience.countries[1]", "country_lowercase", "warning")


def test_both_it_and_IT_sections_are_an_error() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["it"] = {"countryExtensionVersion": "0.2"}
    result = parse_publiccode(dump(doc))
    assert_issue(result, "it", "it_duplicate")
    assert_issue(result, "it", "it_lowercase", "warning")


def test_release_date_with_time_is_an_error() -> None:
    text = fixture_text("complete-0.7.yml").replace('releaseDate: "2026-02-10"', "releaseDate: 2026-02-10 10:00:00")
    assert_issue(parse_publiccode(text), "releaseDate", "date")


def test_non_string_top_level_key_is_an_unknown_key() -> None:
    text = fixture_text("complete-0.7.yml") + "42: answer\n"
    result = parse_publiccode(text)
    assert_issue(result, "42", "unknown_key")
    assert result.errors[0].line == text.count("\n")


# --------------------------------------------------------------------------- version-dependent rules


def test_old_versions_follow_the_latest_rules() -> None:
    # Issue 15, point 4: the reference checks 0.2 files with the latest rules, where categories
    # and releaseDate are optional, organisation needs its uri, and repoOwner is deprecated.
    minimal = fixture_doc("minimal-0.2.yml")
    del minimal["categories"]
    del minimal["releaseDate"]
    result = parse_publiccode(dump(minimal))
    assert result.valid, result.errors
    assert [(w.path, w.code) for w in result.warnings] == [("publiccodeYmlVersion", "version_old")]
    minimal["organisation"] = {"name": "Comune di Esempio"}
    minimal["legal"]["repoOwner"] = "Comune di Esempio"
    result = parse_publiccode(dump(minimal))
    assert_issue(result, "organisation.uri", "required")
    assert_issue(result, "legal.repoOwner", "deprecated_use", "warning")
    assert result.organisation == "Comune di Esempio"


# --------------------------------------------------------------------------- warnings only


# (path, value, warning key, code): each leaves the 0.7 file valid but warns.
WARNING_MUTATIONS = [
    ("monochromeLogo", "logo-mono.svg", "monochromeLogo", "deprecated_use"),
    ("inputTypes", ["text/csv"], "inputTypes", "deprecated_drop"),
    ("outputTypes", ["text/csv"], "outputTypes", "deprecated_drop"),
    ("description.de.genericName", "Datenportal", "description.de.genericName", "deprecated_drop"),
    ("legal.repoOwner", "Statistikamt", "legal.repoOwner", "deprecated_use"),
    ("legal.authorsFile", "AUTHORS", "legal.authorsFile", "deprecated_drop"),
    ("intendedAudience.countries", ["at"], "intendedAudience.countries[0]", "country_lowercase"),
    ("IT.riuso", {"codiceIPA": "c_h501"}, "IT.riuso.codiceIPA", "deprecated_ipa"),
]


@pytest.mark.parametrize(
    ("path", "value", "warning_path", "code"),
    WARNING_MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(WARNING_MUTATIONS)],
)
def test_mutation_is_only_a_warning(path: str, value: Any, warning_path: str, code: str) -> None:
    doc = mutate(fixture_doc("complete-0.7.yml"), path, value)
    del doc["IT"]["conforme"]
    result = parse_publiccode(dump(doc))
    assert result.valid, result.errors
    assert [(w.path, w.code) for w in result.warnings] == [(warning_path, code)]


# (path, value): accepted by the reference without an error or a warning. The old validator
# warned or refused some of them; issue 15 made the reference's verdict this one's.
ACCEPTED_MUTATIONS = [
    ("platforms", ["web", "freebsd"]),
    ("url", "ftp://code.example.eu/x.git"),
    ("url", "https://datenwerk.example.eu/"),
    ("legal.license", "LicenseRef-Statistik-1.0"),
    ("legal.license", "GPL-2.0"),
    ("softwareVersion", 1.4),
    ("maintenance.contacts[0].phone", 431234567),
    ("maintenance.contacts[0].phone", "call me"),
    ("description.de.features", [1, 2]),
    ("description.de.features", ["f" * 101]),
    ("organisation.name", DELETE),
    ("fundedBy", [{"uri": "https://funder.example.eu"}]),
    ("maintenance.type", "none"),
    ("dependsOn", {"open": [{"name": "PG", "version": "14", "versionMin": "13"}]}),
    ("supports", [{"id": "alias:gdpr"}, {"id": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}]),
    ("description.de.videos", ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://vimeo.com/76979871"]),
]


@pytest.mark.parametrize(("path", "value"), ACCEPTED_MUTATIONS, ids=[m[0] for m in ACCEPTED_MUTATIONS])
def test_mutation_is_accepted_silently(path: str, value: Any) -> None:
    doc = mutate(fixture_doc("complete-0.7.yml"), path, value)
    del doc["IT"]["conforme"]
    result = parse_publiccode(dump(doc))
    assert result.valid, result.errors
    assert result.warnings == []


def test_local_files_are_not_checked_without_the_repository() -> None:
    doc = mutate(fixture_doc("complete-0.7.yml"), "logo", "../../outside.png")
    result = parse_publiccode(dump(doc))
    assert result.valid
    assert_issue(result, "logo", "not_checked", "info")


def test_local_files_are_checked_in_a_checkout(tmp_path: Path) -> None:
    doc = mutate(fixture_doc("complete-0.7.yml"), "logo", "img/logo.png")
    doc["description"]["de"]["screenshots"] = ["img/shot.png"]
    text = dump(doc)
    result = parse_publiccode(text, assets=tmp_path)
    assert_issue(result, "logo", "no_such_file")
    assert_issue(result, "description.de.screenshots[0]", "no_such_file")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(b"not a png")
    (tmp_path / "img" / "shot.png").write_bytes(b"screens are only checked for existence")
    assert_issue(parse_publiccode(text, assets=tmp_path), "logo", "not_png")
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    (tmp_path / "img" / "logo.png").write_bytes(png + b"\x00" * 8)
    result = parse_publiccode(text, assets=tmp_path)
    assert result.valid, result.errors
    assert result.notices == []
    escaping = parse_publiccode(dump(mutate(doc, "logo", "../../../etc/x.png")), assets=tmp_path)
    assert_issue(escaping, "logo", "no_such_file")


def test_legacy_lowercase_it_section_counts_as_italy() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["it"] = doc.pop("IT")
    result = parse_publiccode(dump(doc))
    assert result.valid
    assert_issue(result, "it", "it_lowercase", "warning")
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
    doc["inputTypes"] = ["text/csv"]
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


def test_ipa_codes_are_reported_as_not_checked_without_the_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    import harvesters.publiccode as module

    doc = mutate(fixture_doc("complete-0.7.yml"), "IT.riuso", {"codiceIPA": "not_a_code"})
    assert_issue(parse_publiccode(dump(doc)), "IT.riuso.codiceIPA", "ipa_code")
    monkeypatch.setattr(module, "_ipa_codes", lambda: None)
    result = parse_publiccode(dump(doc))
    assert not any(i.path == "IT.riuso.codiceIPA" for i in result.errors)
    assert_issue(result, "IT.riuso.codiceIPA", "ipa_not_checked", "info")


def test_every_issue_of_a_parsed_file_has_a_position() -> None:
    doc = fixture_doc("complete-0.7.yml")
    doc["maintenance"] = {"type": "contract"}
    doc["description"]["de"]["videos"] = ["https://video.example.eu/v/1"]
    result = parse_publiccode(dump(doc))
    assert result.errors
    assert all(i.line > 0 and i.column > 0 for i in result.errors + result.warnings)
