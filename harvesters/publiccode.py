# SPDX-License-Identifier: EUPL-1.2
"""Parser and validator for publiccode.yml files, with the reference parser's verdicts.

The rules are those of italia/publiccode-parser-go (the reference implementation of the
publiccode.yml standard, v0 schema): the same accepted versions, the same required keys, the
same vocabularies, unknown keys as errors, and error keys named by the reference's paths
(``description.en.features``, ``maintenance.contractors[0].until``). Every issue carries the
line and column the reference would report. See docs/publiccode.md for what differs and why.

Everything is checked offline: URLs are checked for form only, never fetched, so the parser is
safe to run on untrusted harvested files. Local files (logo, screenshots, authors file) are
checked when the repository's files are at hand, and reported as "not checked" otherwise.

``parse_publiccode`` never raises on bad input: every problem becomes an ``Issue``, and the
facts the catalogue needs are extracted even from a file that has errors, as far as they can be read.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import posixpath
import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pycountry
from license_expression import get_spdx_licensing

from harvesters.publiccode_yaml import Node, YamlProblem, compose, to_python

__all__ = [
    "CATEGORIES",
    "CURRENT_VERSION",
    "MESSAGES",
    "SUPPORTED_VERSIONS",
    "AssetReader",
    "AssetUnavailable",
    "STORED_FORMAT",
    "DEVELOPMENT_STATUSES",
    "MAINTENANCE_TYPES",
    "PLATFORMS",
    "SCOPES",
    "SOFTWARE_TYPES",
    "message_text",
    "position_of",
    "Issue",
    "PubliccodeResult",
    "parse_publiccode",
    "result_from_stored",
    "stored_issues",
]

Severity = Literal["error", "warning", "info"]

#: The newest version of the standard this module knows; older files get a warning.
CURRENT_VERSION = "0.7"

DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")
PLATFORMS = ("web", "windows", "mac", "linux", "ios", "android")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Controlled vocabulary of the standard's categories-list (latest revision, which only ever
# added terms, so older files validate against it too).
CATEGORIES = _words(
    """
    accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration
    communications compliance-management contact-management content-management crm
    customer-service-and-support data-analytics data-collection data-visualization design
    design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management
    email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising
    gamification geographic-information-systems grant-management graphic-design help-desk hr
    ide identity-management instant-messaging integrated-library-system inventory-management
    it-asset-management it-development it-management it-security it-service-management
    knowledge-management learning-management-system marketing mind-mapping mobile-marketing
    mobile-payment network-management office online-booking online-community other
    payment-gateway payroll predictive-analysis procurement productivity-suite
    project-collaboration project-management property-management real-estate-management
    regulations-and-directives remote-support resource-management sales-management seo
    service-desk social-media-management survey talent-management task-management
    taxes-management test-management time-management time-tracking translation
    video-conferencing video-editing visitor-management voip warehouse-management
    web-collaboration web-conferencing website-builder whistleblowing workflow-management
    """
)

# The standard's scope-list, used by intendedAudience.scope.
SCOPES = _words(
    """
    agriculture culture defence education emergency-services employment energy environment
    finance-and-economic-development foreign-affairs government healthcare infrastructures
    justice local-authorities manufacturing research science-and-technology security society
    sport tourism transportation welfare
    """
)

_ISSUES_CAP = 500  # a hostile file must not be able to produce unbounded output


@dataclass
class Issue:
    """One error, warning or notice ("info": a check that could not be made) in a publiccode.yml file.

    ``path`` is the reference parser's key; ``line`` and ``column`` are 1-based (0 when the key is
    not in the file); ``code`` and ``params`` let a page show the message in another language.
    """

    path: str
    message: str
    severity: Severity
    line: int = 0
    column: int = 0
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The shape of the reference CLI's JSON output, plus the severity and message code."""
        return {
            "type": self.severity,
            "key": self.path,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "code": self.code,
        }


@dataclass
class PubliccodeResult:
    """The outcome of parsing one publiccode.yml file, with the facts the catalogue uses."""

    valid: bool
    version: str | None
    data: dict | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    name: str | None = None
    url: str | None = None
    descriptions: dict[str, dict] = field(default_factory=dict)
    organisation: str | None = None
    license: str | None = None
    development_status: str | None = None
    software_type: str | None = None
    categories: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    maintenance: dict | None = None
    funded_by: list[dict] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    release_date: date | None = None
    software_version: str | None = None


# --------------------------------------------------------------------------- value checks


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _text_length(value: str) -> int:
    """Length in user-perceived characters (grapheme clusters, as the reference counts them).

    Combining marks, joiners, variation selectors and skin-tone modifiers join the previous
    character, and CR LF is one character. Only non-ASCII characters are examined one by one.
    """
    length = len(value) - value.count("\r\n")
    if value.isascii():
        return length
    for ch in _NON_ASCII.findall(value):
        if unicodedata.combining(ch) or ch in "\u200d\ufe0e\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff":
            length -= 1
    return length


@functools.lru_cache(maxsize=1)
def _spdx() -> Any:
    return get_spdx_licensing()


_EXTLANG_PREFIXES = frozenset({"zh", "ar", "ms", "sw", "uz", "sgn", "kok", "lv", "ne", "om", "or", "qu", "sq", "et"})


def _bcp47_problem(tag: str) -> str | None:
    """Why ``tag`` is not a valid BCP 47 language tag, or None when it is.

    Checks the structure of RFC 5646 and looks up the language (ISO 639), script (ISO 15924)
    and region (ISO 3166-1 or a UN M.49 number) subtags with pycountry.
    """
    if not tag or not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", tag):
        return "is not a well-formed language tag"
    parts = tag.split("-")
    primary = parts[0].lower()
    if primary in ("x", "i"):
        return "must start with an ISO 639 language code"
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return f"has an invalid primary language subtag '{parts[0]}'"
    if len(primary) == 2:
        if pycountry.languages.get(alpha_2=primary) is None:
            return f"has an unknown ISO 639-1 language code '{parts[0]}'"
    else:
        language = pycountry.languages.get(alpha_3=primary)
        if language is None:
            bibliographic = [lang for lang in pycountry.languages if getattr(lang, "bibliographic", None) == primary]
            if bibliographic and hasattr(bibliographic[0], "alpha_2"):
                return f"uses the ISO 639-2/B code '{parts[0]}'; use '{bibliographic[0].alpha_2}'"
            return f"has an unknown ISO 639 language code '{parts[0]}'"
        if hasattr(language, "alpha_2"):
            # BCP 47 requires the shortest code: "eng" is not a valid tag when "en" exists.
            return f"must use the two-letter code '{language.alpha_2}' instead of '{parts[0]}'"
    stage = 1  # 1: extlang allowed, 2: script allowed, 3: region allowed, 4: variants, 5: extensions
    extlangs = 0
    index = 1
    while index < len(parts):
        sub = parts[index]
        low = sub.lower()
        if low == "x":
            rest = parts[index + 1 :]
            if not rest or any(not 1 <= len(p) <= 8 for p in rest):
                return "has an empty or malformed private-use section"
            return None
        if len(low) == 1:
            rest_index = index + 1
            if rest_index >= len(parts) or not 2 <= len(parts[rest_index]) <= 8:
                return f"has an extension '{sub}' without content"
            index += 1
            while index < len(parts) and 2 <= len(parts[index]) <= 8:
                index += 1
            stage = 5
            continue
        if stage > 4:
            return f"has a misplaced subtag '{sub}'"
        if stage == 1 and re.fullmatch(r"[a-z]{3}", low) and extlangs < 1 and primary in _EXTLANG_PREFIXES:
            # Extended language subtags exist only under a few macrolanguages (zh-yue, ar-afb,
            # sgn-ase): "sr-lat" is not a tag (Serbian in Latin script is sr-Latn).
            extlangs += 1
        elif stage <= 2 and re.fullmatch(r"[a-z]{4}", low):
            if pycountry.scripts.get(alpha_4=low.title()) is None:
                return f"has an unknown ISO 15924 script '{sub}'"
            stage = 3
        elif stage <= 3 and re.fullmatch(r"[a-z]{2}", low):
            if pycountry.countries.get(alpha_2=low.upper()) is None and low.upper() not in ("EU", "UN"):
                return f"has an unknown region '{sub}'"
            stage = 4
        elif (stage <= 3 and re.fullmatch(r"[0-9]{3}", low)) or re.fullmatch(r"[a-z0-9]{5,8}|[0-9][a-z0-9]{3}", low):
            stage = 4
        else:
            return f"has an invalid subtag '{sub}'"
        index += 1
    return None


def _country_problem(code: object) -> str | None:
    if isinstance(code, bool):
        return "is a boolean: YAML reads unquoted no/yes/on/off as booleans, quote the country code"
    if not isinstance(code, str):
        return "must be a string"
    if not re.fullmatch(r"[A-Za-z]{2}", code):
        return f"'{code}' is not an ISO 3166-1 alpha-2 country code"
    if pycountry.countries.get(alpha_2=code.upper()) is None:
        return f"'{code}' is not an ISO 3166-1 alpha-2 country code"
    return None


# --------------------------------------------------------------------------- messages

#: English text of every message, by code. The web page translates the same codes
#: (commons/publiccode/messages.py); ``{field}`` is the last part of the key.
MESSAGES: dict[str, str] = {
    "input_type": "The input must be text or bytes.",
    "too_large": "The file is {size} bytes; the limit is {limit} bytes.",
    "utf8": "The file is not valid UTF-8.",
    "empty": "The file is empty.",
    "yaml_syntax": "The file is not valid YAML: {detail}.",
    "yaml_alias": "YAML anchors and aliases (& and *) are not allowed in publiccode.yml.",
    "yaml_duplicate": "The key '{key}' appears twice in the same mapping.",
    "yaml_documents": "The file contains more than one YAML document; only one is allowed.",
    "yaml_depth": "The file nests lists or mappings more than {depth} levels deep.",
    "yaml_tag": "The YAML tag {tag} is not allowed.",
    "not_mapping": "The top level of publiccode.yml must be a mapping of keys.",
    "required": "{field} is required.",
    "wrong_type": "This value has the wrong type for this key.",
    "unknown_key": "The key '{key}' is not part of the publiccode.yml standard (keys are case-sensitive).",
    "version_unsupported": "publiccodeYmlVersion '{version}' is not supported; use one of: {supported}.",
    "version_old": "Version {version} is not the latest; write '0' to always follow the latest. "
    "The file was checked with the rules of {latest}.",
    "one_of": "{field} must be one of: {values}.",
    "date": "{field} must be a date written YYYY-MM-DD.",
    "required_if": "{field} is required when maintenance type is '{value}'.",
    "excluded_unless": "{field} may only be given when maintenance type is 'contract'.",
    "mime": "{field} is not a MIME type such as text/plain.",
    "max_length": "{field} must have at most {limit} characters.",
    "min_length": "{field} must have at least {limit} characters.",
    "http_url": "{field} must be an http:// or https:// address.",
    "url": "{field} must be a full URL.",
    "uri": "{field} is not a valid URI (an http(s) address or a URN).",
    "ipa_uri": "{field} must be 'urn:x-italian-pa:' followed by a known iPA code.",
    "ipa_code": "{field} is not a known iPA code of an Italian public body.",
    "ipa_not_checked": "{field} could not be checked: the iPA vocabulary is not available.",
    "spdx": "{field} must be an SPDX licence expression (see https://spdx.org/licenses).",
    "category": "{field} is not in the standard's list of categories.",
    "scope": "{field} is not in the standard's list of scopes.",
    "supports_alias": "{field} uses an unknown alias; known aliases: {aliases}.",
    "supports_id": "{field} must be 'alias:<name>' or a URI (URL or URN).",
    "country": "{field} must be an ISO 3166-1 alpha-2 country code in capitals, such as FR.",
    "bcp47": "{field} must be a BCP 47 language tag, such as en, fr or de-AT.",
    "not_empty": "{field} must list at least one item.",
    "email": "{field} must be an e-mail address.",
    "deprecated_drop": "This key is deprecated and will be removed; it can be deleted.",
    "deprecated_use": "This key is deprecated and will be removed; use '{replacement}' instead.",
    "deprecated_ipa": "This key is deprecated; set organisation.uri to 'urn:x-italian-pa:{ipa}' instead.",
    "country_lowercase": "Lower-case country codes are deprecated; write '{upper}'.",
    "it_lowercase": "The lower-case 'it' section is deprecated; rename it 'IT'.",
    "it_duplicate": "The file has both 'IT' and 'it' sections; remove 'it'.",
    "absolute_path": "{field} is an absolute path; give a path relative to the repository or an http(s) URL.",
    "file_url": "{field} is a file:// URL; give a path relative to the repository or an http(s) URL.",
    "extension": "{field} has a file type that is not allowed here ({allowed}).",
    "no_such_file": "{field}: the file '{path}' is not in the repository.",
    "not_png": "{field}: '{path}' is not a readable PNG image.",
    "not_svg": "{field}: '{path}' is not an SVG image.",
    "fetch_failed": "{field}: the file '{path}' could not be read from the forge, so it was not checked.",
    "oembed": "{field} is not the address of a video on a known oEmbed provider (YouTube, Vimeo…).",
    "not_checked": "{field}: the file '{path}' was not checked, because the repository's files are not at hand.",
}


def message_text(code: str, params: dict[str, Any]) -> str:
    """The English message for ``code``; unknown parameters are left visible rather than failing."""
    try:
        return MESSAGES[code].format(**params)
    except (KeyError, IndexError):
        return MESSAGES.get(code, code)


# --------------------------------------------------------------------------- schema

# What the reference's YAML decoder expects at each key (v0 struct tags of publiccode-parser-go).
# "str" takes any scalar (numbers and booleans become text, as the reference's decoder does),
# "bool" only a boolean, ("list", item), ("map", item), ("struct", {key: spec}) in the reference's
# field order, "urls" a URL or a list of URLs.
Spec = Any
_STR, _BOOL = "str", "bool"


def _struct(**fields: Spec) -> tuple[str, dict[str, Spec]]:
    return ("struct", fields)


_ORG = _struct(name=_STR, uri=_STR)
_DEPENDENCY = _struct(name=_STR, versionMin=_STR, versionMax=_STR, optional=_BOOL, version=_STR)
_IT_SECTION = _struct(
    countryExtensionVersion=_STR,
    conforme=_struct(lineeGuidaDesign=_BOOL, modelloInteroperabilita=_BOOL, misureMinimeSicurezza=_BOOL, gdpr=_BOOL),
    riuso=_struct(codiceIPA=_STR),
    piattaforme=_struct(spid=_BOOL, pagopa=_BOOL, cie=_BOOL, anpr=_BOOL, io=_BOOL),
)
_DESCRIPTION = _struct(
    localisedName=_STR,
    genericName=_STR,
    shortDescription=_STR,
    longDescription=_STR,
    documentation=_STR,
    apiDocumentation=_STR,
    features=("list", _STR),
    screenshots=("list", _STR),
    videos=("list", _STR),
    awards=("list", _STR),
)
SCHEMA: tuple[str, dict[str, Spec]] = _struct(
    publiccodeYmlVersion=_STR,
    name=_STR,
    applicationSuite=_STR,
    url=_STR,
    landingURL=_STR,
    isBasedOn="urls",
    softwareVersion=_STR,
    releaseDate=_STR,
    logo=_STR,
    monochromeLogo=_STR,
    organisation=_ORG,
    inputTypes=("list", _STR),
    outputTypes=("list", _STR),
    platforms=("list", _STR),
    categories=("list", _STR),
    usedBy=("list", _STR),
    fundedBy=("list", _ORG),
    roadmap=_STR,
    developmentStatus=_STR,
    softwareType=_STR,
    supports=("list", _struct(id=_STR)),
    intendedAudience=_struct(scope=("list", _STR), countries=("list", _STR), unsupportedCountries=("list", _STR)),
    description=("map", _DESCRIPTION),
    legal=_struct(license=_STR, mainCopyrightOwner=_STR, repoOwner=_STR, authorsFile=_STR),
    maintenance=_struct(
        type=_STR,
        contractors=("list", _struct(name=_STR, email=_STR, website=_STR, until=_STR)),
        contacts=("list", _struct(name=_STR, email=_STR, affiliation=_STR, phone=_STR)),
    ),
    localisation=_struct(localisationReady=_BOOL, availableLanguages=("list", _STR)),
    dependsOn=_struct(open=("list", _DEPENDENCY), proprietary=("list", _DEPENDENCY), hardware=("list", _DEPENDENCY)),
    IT=_IT_SECTION,
    it=_IT_SECTION,
)

#: Versions the reference accepts, in its order; the last one is the rule set every file is checked with.
SUPPORTED_VERSIONS = (
    "0",
    "0.2",
    "0.2.0",
    "0.2.1",
    "0.2.2",
    "0.3",
    "0.3.0",
    "0.4",
    "0.4.0",
    "0.5.0",
    "0.5",
    "0.7.0",
    "0.7",
)
LATEST_VERSION = "0.7"

SUPPORTS_ALIASES = ("gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io")
IT_EXTENSION_VERSIONS = ("0.2", "1.0")
LOGO_EXTENSIONS = (".svg", ".svgz", ".png")
SCREENSHOT_EXTENSIONS = (".jpg", ".png")

_DATA = Path(__file__).parent / "data"


@functools.lru_cache(maxsize=1)
def _oembed_patterns() -> re.Pattern[str] | None:
    """The oEmbed providers' URL schemes as one pattern ('*' matches anything), or None if absent."""
    try:
        schemes = json.loads((_DATA / "oembed_schemes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    parts = [re.escape(scheme).replace(r"\*", ".*") for scheme in schemes if isinstance(scheme, str)]
    return re.compile("(?:" + "|".join(parts) + ")", re.S)


@functools.lru_cache(maxsize=1)
def _ipa_codes() -> frozenset[str] | None:
    """Codes of the iPA vocabulary (lower case), or None when the data file is not installed."""
    try:
        text = (_DATA / "ipa_codes.txt").read_text(encoding="utf-8")
    except OSError:
        return None
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


# --------------------------------------------------------------------------- positions


def _split_key(key: str) -> list[str]:
    return key.split(".") if key else []


def position_of(root: Node | None, key: str) -> tuple[int, int]:
    """Line and column the reference reports for ``key`` (its own lookup rules, 1-based; 0 if none).

    A key that is absent points to the first key of the mapping where it was expected, so a
    missing field is shown where its section starts.
    """
    node = root
    parts = _split_key(key)
    if node is None or not parts:
        return 0, 0
    while parts:
        part = parts[0]
        index: int | None = None
        inner_key: str | None = None
        base = part
        match = re.fullmatch(r"(.*)\[([^\[\]]*)\]", part)
        if match:
            base = match.group(1)
            if match.group(2).isdigit():
                index = int(match.group(2))
            elif match.group(2):
                inner_key = match.group(2)
        if node.kind == "map":
            for key_node, value_node in node.value:
                if key_node.kind != "scalar" or str(key_node.value) != base:
                    continue
                if index is not None:
                    if value_node.kind != "seq" or index >= len(value_node.value):
                        return key_node.line, key_node.column
                    element = value_node.value[index]
                    if len(parts) == 1:
                        return element.line, element.column
                    node, parts = element, parts[1:]
                    break
                if inner_key is not None:
                    node, parts = value_node, [inner_key, *parts[1:]]
                    break
                if len(parts) == 1:
                    return key_node.line, key_node.column
                node, parts = value_node, parts[1:]
                break
            else:
                if node.flow:
                    return node.line, node.column
                if len(parts) == 1 and node.value:
                    first = node.value[0][0]
                    return first.line, first.column
                return 0, 0
        else:
            return node.line, node.column
    return 0, 0


def key_at_line(root: Node | None, line: int) -> str:
    """The full key of the first entry that starts on ``line`` (the reference's rule for decode errors)."""
    if root is None:
        return ""
    work: list[tuple[Node, str]] = [(root, "")]
    while work:
        node, prefix = work.pop()
        children: list[tuple[Node, str]] = []
        if node.kind == "map":
            for key_node, value_node in node.value:
                name = str(key_node.value) if key_node.kind == "scalar" else ""
                full = f"{prefix}.{name}" if prefix else name
                if key_node.line == line:
                    return full
                children.append((value_node, full))
        elif node.kind == "seq":
            for position, element in enumerate(node.value):
                full = f"{prefix}[{position}]"
                if element.line == line:
                    return full
                children.append((element, full))
        work.extend(reversed(children))
    return ""


# --------------------------------------------------------------------------- decoding


class _DecodeError(Exception):
    def __init__(self, code: str, node: Node, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.node = node
        self.params = params


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e21 else str(int(value))
    return str(value)


def _decode(spec: Spec, node: Node) -> Any:
    """Decode ``node`` as the reference does; raise _DecodeError for the first problem found.

    A nested section with a problem is dropped whole by the reference (the parent keeps its zero
    value), so callers only use the value when no error was raised.
    """
    if node.kind == "scalar" and node.value is None:
        return None
    if spec == _STR:
        if node.kind != "scalar":
            raise _DecodeError("wrong_type", node)
        return node.value if isinstance(node.value, str) else node.text
    if spec == _BOOL:
        if node.kind != "scalar" or not isinstance(node.value, bool):
            raise _DecodeError("wrong_type", node)
        return node.value
    if spec == "urls":
        if node.kind == "seq":
            return [_decode(_STR, child) for child in node.value]
        return [_decode(_STR, node)]
    kind, inner = spec
    if kind == "list":
        if node.kind != "seq":
            raise _DecodeError("wrong_type", node)
        items = []
        first: _DecodeError | None = None
        for child in node.value:
            try:
                items.append(_decode(inner, child))
            except _DecodeError as exc:
                first = first or exc
        if first is not None:
            raise first
        return items
    if kind == "map":
        if node.kind != "map":
            raise _DecodeError("wrong_type", node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mapping[_scalar_text(key_node.value) if key_node.kind == "scalar" else ""] = _decode(inner, value_node)
        return mapping
    values, error = _decode_struct(inner, node)
    if error is not None:
        raise error
    return values


def _decode_struct(fields: dict[str, Spec], node: Node) -> tuple[dict[str, Any], _DecodeError | None]:
    """Decode a mapping into the fields it may have; the values decoded and the first problem.

    Type problems come first, in field order; unknown keys are reported only when there are none.
    """
    if node.kind != "map":
        return {}, _DecodeError("wrong_type", node)
    present: dict[str, tuple[Node, Node]] = {}
    unknown: list[Node] = []
    for key_node, value_node in node.value:
        name = _scalar_text(key_node.value) if key_node.kind == "scalar" else ""
        if name in fields:
            present[name] = (key_node, value_node)
        else:
            unknown.append(key_node)
    values: dict[str, Any] = {}
    first: _DecodeError | None = None
    for name, spec in fields.items():
        if name not in present:
            continue
        try:
            values[name] = _decode(spec, present[name][1])
        except _DecodeError as exc:
            first = first or exc
    if first is None and unknown:
        key_node = unknown[0]
        first = _DecodeError("unknown_key", key_node, key=_scalar_text(key_node.value))
    return values, first


# --------------------------------------------------------------------------- value checks (reference rules)


def _go_url(value: str) -> tuple[str, str, str, str] | None:
    """(scheme, host, opaque, fragment) as Go's url.Parse would see them, or None if it fails."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)\Z", value, re.S)
    scheme, rest = (match.group(1), match.group(2)) if match else ("", value)
    if not match and ":" in value.split("/", 1)[0]:
        return None  # "first path segment in URL cannot contain colon"
    rest, _, fragment = rest.partition("#")
    if re.search(r"%(?![0-9A-Fa-f]{2})", rest):
        return None
    host = ""
    opaque = ""
    if rest.startswith("//"):
        authority = rest[2:].split("/", 1)[0].split("?", 1)[0]
        host = authority.rsplit("@", 1)[-1]
        if host.startswith("["):
            if "]" not in host:
                return None
        elif ":" in host:
            port = host.rsplit(":", 1)[1]
            if port and not port.isdigit():
                return None
    elif scheme and not rest.startswith("/"):
        opaque = rest.split("?", 1)[0]
    return scheme.lower(), host, opaque, fragment


def _is_url(value: str) -> bool:
    parts = _go_url(value.strip()) if value.strip() == value else None
    if parts is None:
        return False
    scheme, host, opaque, fragment = parts
    if not scheme:
        return False
    if scheme == "file":
        return True
    return bool(host or fragment or opaque)


def _is_http_url(value: str) -> bool:
    if not _is_url(value):
        return False
    parts = _go_url(value)
    return parts is not None and parts[0] in ("http", "https") and bool(parts[1])


def _is_request_uri(value: str) -> bool:
    """Go's url.ParseRequestURI: an absolute URL or an absolute path."""
    if value.startswith("/"):
        return _go_url(value) is not None
    parts = _go_url(value)
    return parts is not None and bool(parts[0])


_URN = re.compile(r"(?i)urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,\-.:=@;$_!*'%/?#]+")


def _organisation_uri_problem(value: str) -> str | None:
    parts = _go_url(value) if _is_request_uri(value) and not value.startswith("/") else None
    if parts is None:
        return "uri"
    scheme, host, opaque, _fragment = parts
    if scheme == "urn":
        if not _URN.fullmatch(value):
            return "uri"
        if opaque.lower().startswith("x-italian-pa:"):
            codes = _ipa_codes()
            if codes is not None and opaque[len("x-italian-pa:") :].lower() not in codes:
                return "ipa_uri"
        return None
    return None if host else "uri"


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
)
_MIME = re.compile(r" *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *")


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_country(value: str) -> bool:
    if value != value.upper() and value != value.lower():
        return False
    return len(value) == 2 and value.isascii() and pycountry.countries.get(alpha_2=value.upper()) is not None


@functools.lru_cache(maxsize=1024)
def _is_spdx(expression: str) -> bool:
    if not expression.strip():
        return False
    # Custom identifiers are part of the SPDX expression grammar; the licence list cannot know them.
    expression = re.sub(r"\b(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+", "MIT", expression)
    try:
        info = _spdx().validate(expression)
    except Exception:  # the library raises internal errors on some malformed inputs
        return False
    return not info.errors


def _supports_problem(value: str) -> str | None:
    if value.startswith("alias:"):
        return None if value[len("alias:") :] in SUPPORTS_ALIASES else "supports_alias"
    parts = _go_url(value) if _is_request_uri(value) else None
    if parts is None:
        return "supports_id"
    if parts[0] == "urn":
        return None if _URN.fullmatch(value) else "supports_id"
    return None if parts[0] and parts[1] else "supports_id"


def _png_is_readable(content: bytes) -> bool:
    """Whether the PNG header decodes (signature and a sane IHDR chunk), as image.DecodeConfig checks."""
    if len(content) < 33 or content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        return False
    length = int.from_bytes(content[8:12], "big")
    width = int.from_bytes(content[16:20], "big")
    height = int.from_bytes(content[20:24], "big")
    bit_depth, colour_type = content[24], content[25]
    allowed_depths = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
    return length == 13 and width > 0 and height > 0 and bit_depth in allowed_depths.get(colour_type, set())


_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")


def _svg_is_readable(content: bytes, compressed: bool) -> bool:
    """A minimal check that a logo is SVG (not a decoder): an ``<svg`` element near the start.

    The reference does not look inside SVG files; this catches an HTML error page or a PNG saved
    as ``logo.svg``. A ``.svgz`` must be gzip; only its first 64 KB are inflated.
    """
    if compressed:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as unzipped:
                content = unzipped.read(65536)
        except (OSError, EOFError, zlib.error):
            return False
    head = content[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return _SVG_ROOT.search(head) is not None


# --------------------------------------------------------------------------- assets


class AssetUnavailable(Exception):  # noqa: N818
    """An asset reader could not tell whether a file exists (e.g. the forge did not answer)."""


class AssetReader:
    """Gives access to the repository's files for the logo, screenshot and authors-file checks.

    ``read(path)`` returns the file's bytes, None when there is no such file, or raises
    :class:`AssetUnavailable` when it cannot tell. ``covers(key)`` says which keys the reader
    checks (a forge reader only fetches the logos); the others are reported as not checked. The
    default reads a local checkout and covers every key.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def covers(self, key: str) -> bool:
        return True

    def read(self, path: str) -> bytes | None:
        target = (self.root / path).resolve()
        if target != self.root and self.root not in target.parents:
            return None  # ".." must not leave the checkout
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError:
            return None


# --------------------------------------------------------------------------- the validator


@dataclass
class _Found:
    key: str
    code: str
    severity: Severity
    params: dict[str, Any]


def _field(key: str) -> str:
    """The last part of a key, as the reference names a field in its messages."""
    last = key.rsplit(".", 1)[-1]
    return last.rsplit("]", 1)[0] + "]" if last.endswith("]") and "[" in last else last


class _Checker:
    def __init__(self, assets: AssetReader | None) -> None:
        self.found: list[_Found] = []
        self.assets = assets

    def add(self, key: str, code: str, severity: Severity = "error", **params: Any) -> None:
        if len(self.found) < 2 * _ISSUES_CAP:
            params.setdefault("field", _field(key))
            self.found.append(_Found(key, code, severity, params))

    # -- reference struct-tag rules, in the reference's field order
    def validate(self, doc: dict[str, Any]) -> None:
        if not doc.get("name"):
            self.add("name", "required")
        url = doc.get("url")
        if not url:
            self.add("url", "required")
        elif not _is_url(url):
            self.add("url", "url")
        if doc.get("landingURL") is not None and not _is_http_url(doc["landingURL"]):
            self.add("landingURL", "http_url")
        for index, value in enumerate(doc.get("isBasedOn") or []):
            if not _is_url(value or ""):
                self.add(f"isBasedOn[{index}]", "url")
        if doc.get("releaseDate") is not None and not _is_date(doc["releaseDate"]):
            self.add("releaseDate", "date")
        if doc.get("organisation") is not None:
            self.organisation(doc["organisation"], "organisation")
        for key in ("inputTypes", "outputTypes"):
            for index, value in enumerate(doc.get(key) or []):
                if not _MIME.fullmatch(value or ""):
                    self.add(f"{key}[{index}]", "mime")
        if not doc.get("platforms"):
            self.add("platforms", "not_empty")
        for index, value in enumerate(doc.get("categories") or []):
            if value not in CATEGORIES:
                self.add(f"categories[{index}]", "category")
        for index, funder in enumerate(doc.get("fundedBy") or []):
            if funder is not None:
                self.organisation(funder, f"fundedBy[{index}]")
        if doc.get("roadmap") is not None and not _is_http_url(doc["roadmap"]):
            self.add("roadmap", "http_url")
        self.one_of(doc.get("developmentStatus"), "developmentStatus", DEVELOPMENT_STATUSES)
        self.one_of(doc.get("softwareType"), "softwareType", SOFTWARE_TYPES)
        for index, support in enumerate(doc.get("supports") or []):
            key = f"supports[{index}].id"
            value = (support or {}).get("id")
            if not value:
                self.add(key, "required")
            elif problem := _supports_problem(value):
                self.add(key, problem, aliases=", ".join(SUPPORTS_ALIASES))
        audience = doc.get("intendedAudience") or {}
        for index, value in enumerate(audience.get("scope") or []):
            if value not in SCOPES:
                self.add(f"intendedAudience.scope[{index}]", "scope")
        for key in ("countries", "unsupportedCountries"):
            for index, value in enumerate(audience.get(key) or []):
                if not _is_country(value or ""):
                    self.add(f"intendedAudience.{key}[{index}]", "country")
        self.descriptions(doc.get("description"))
        legal = doc.get("legal") or {}
        if not legal.get("license"):
            self.add("legal.license", "required")
        elif not _is_spdx(legal["license"]):
            self.add("legal.license", "spdx")
        self.maintenance(doc.get("maintenance") or {})
        localisation = doc.get("localisation") or {}
        if localisation.get("localisationReady") is None:
            self.add("localisation.localisationReady", "required")
        languages = localisation.get("availableLanguages")
        if languages is None:
            self.add("localisation.availableLanguages", "required")
        elif not languages:
            self.add("localisation.availableLanguages", "not_empty")
        else:
            for index, value in enumerate(languages):
                if _bcp47_problem(value or ""):
                    self.add(f"localisation.availableLanguages[{index}]", "bcp47")
        for kind in ("open", "proprietary", "hardware"):
            for index, dependency in enumerate((doc.get("dependsOn") or {}).get(kind) or []):
                if not (dependency or {}).get("name"):
                    self.add(f"dependsOn.{kind}[{index}].name", "required")
        for section in ("IT", "it"):
            self.italian(doc.get(section), section)

    def organisation(self, organisation: dict[str, Any], key: str) -> None:
        uri = organisation.get("uri")
        if not uri:
            self.add(f"{key}.uri", "required")
        elif problem := _organisation_uri_problem(uri):
            self.add(f"{key}.uri", problem)

    def one_of(self, value: str | None, key: str, allowed: tuple[str, ...]) -> None:
        if not value:
            self.add(key, "required")
        elif value not in allowed:
            self.add(key, "one_of", values=", ".join(allowed))

    def descriptions(self, descriptions: dict[str, Any] | None) -> None:
        if not descriptions:
            self.add("description", "not_empty")
            return
        if any(_bcp47_problem(lang) for lang in descriptions):
            self.add("description", "bcp47")
        for lang, block in descriptions.items():
            # The reference names map entries "description.en" but keeps brackets around keys
            # that are not purely alphabetic ("description[en-US]").
            base = f"description.{lang}" if lang.isalpha() else f"description[{lang}]"
            block = block or {}
            generic = block.get("genericName") or ""
            if _text_length(generic) > 35:
                self.add(f"{base}.genericName", "max_length", limit=35)
            short = block.get("shortDescription") or ""
            if not short:
                self.add(f"{base}.shortDescription", "required")
            elif _text_length(short) > 150:
                self.add(f"{base}.shortDescription", "max_length", limit=150)
            long = block.get("longDescription") or ""
            if not long:
                self.add(f"{base}.longDescription", "required")
            elif _text_length(long) < 150:
                self.add(f"{base}.longDescription", "min_length", limit=150)
            elif _text_length(long) > 10_000:
                self.add(f"{base}.longDescription", "max_length", limit=10_000)
            for key in ("documentation", "apiDocumentation"):
                if block.get(key) is not None and not _is_http_url(block[key]):
                    self.add(f"{base}.{key}", "http_url")
            if not block.get("features"):
                self.add(f"{base}.features", "not_empty")
            for index, video in enumerate(block.get("videos") or []):
                if video is not None and not _is_http_url(video):
                    self.add(f"{base}.videos[{index}]", "http_url")

    def maintenance(self, maintenance: dict[str, Any]) -> None:
        kind = maintenance.get("type")
        self.one_of(kind, "maintenance.type", MAINTENANCE_TYPES)
        contractors = maintenance.get("contractors")
        contacts = maintenance.get("contacts")
        if kind == "contract" and contractors is None:
            self.add("maintenance.contractors", "required_if", value="contract")
        elif kind != "contract" and contractors is not None:
            self.add("maintenance.contractors", "excluded_unless")
        else:
            for index, contractor in enumerate(contractors or []):
                key = f"maintenance.contractors[{index}]"
                contractor = contractor or {}
                if not contractor.get("name"):
                    self.add(f"{key}.name", "required")
                if contractor.get("email") and not _EMAIL.fullmatch(contractor["email"]):
                    self.add(f"{key}.email", "email")
                if contractor.get("website") is not None and not _is_http_url(contractor["website"]):
                    self.add(f"{key}.website", "http_url")
                if not contractor.get("until"):
                    self.add(f"{key}.until", "required")
                elif not _is_date(contractor["until"]):
                    self.add(f"{key}.until", "date")
        if kind in ("community", "internal") and contacts is None:
            self.add("maintenance.contacts", "required_if", value=kind)
        else:
            for index, contact in enumerate(contacts or []):
                key = f"maintenance.contacts[{index}]"
                contact = contact or {}
                if not contact.get("name"):
                    self.add(f"{key}.name", "required")
                if contact.get("email") and not _EMAIL.fullmatch(contact["email"]):
                    self.add(f"{key}.email", "email")

    def italian(self, section: dict[str, Any] | None, key: str) -> None:
        if section is None:
            return
        version = section.get("countryExtensionVersion")
        if version is not None and version not in IT_EXTENSION_VERSIONS:
            self.add(f"{key}.countryExtensionVersion", "one_of", values=", ".join(IT_EXTENSION_VERSIONS))
        code = (section.get("riuso") or {}).get("codiceIPA")
        if code:
            codes = _ipa_codes()
            if codes is None:
                self.add(f"{key}.riuso.codiceIPA", "ipa_not_checked", "info")
            elif code.lower() not in codes:
                self.add(f"{key}.riuso.codiceIPA", "ipa_code")

    # -- the reference's checks beyond struct tags (files, oEmbed, deprecations)
    def beyond_tags(self, doc: dict[str, Any]) -> None:
        for key in ("logo", "monochromeLogo"):
            value = doc.get(key)
            if not value:
                continue
            if key == "monochromeLogo":
                self.add(key, "deprecated_use", "warning", replacement="logo")
            if self.relative_path_or_url(value, key):
                self.asset(value, key, LOGO_EXTENSIONS, png_check=True)
        audience = doc.get("intendedAudience") or {}
        for key in ("countries", "unsupportedCountries"):
            for index, value in enumerate(audience.get(key) or []):
                if value and _is_country(value) and value == value.lower() and value != value.upper():
                    self.add(f"intendedAudience.{key}[{index}]", "country_lowercase", "warning", upper=value.upper())
        legal = doc.get("legal") or {}
        if legal.get("authorsFile") is not None:
            self.add("legal.authorsFile", "deprecated_drop", "warning")
            if self.relative_path_or_url(legal["authorsFile"], "legal.authorsFile"):
                self.asset(legal["authorsFile"], "legal.authorsFile", None, png_check=False)
        if legal.get("repoOwner") is not None:
            self.add("legal.repoOwner", "deprecated_use", "warning", replacement="organisation.name")
        for key in ("inputTypes", "outputTypes"):
            if doc.get(key) is not None:
                self.add(key, "deprecated_drop", "warning")
        oembed = _oembed_patterns()
        for lang, block in (doc.get("description") or {}).items():
            block = block or {}
            if block.get("genericName"):
                self.add(f"description.{lang}.genericName", "deprecated_drop", "warning")
            for index, value in enumerate(block.get("screenshots") or []):
                key = f"description.{lang}.screenshots[{index}]"
                if self.relative_path_or_url(value or "", key):
                    self.asset(value or "", key, SCREENSHOT_EXTENSIONS, png_check=False)
            for index, value in enumerate(block.get("videos") or []):
                if value is not None and oembed is not None and not oembed.fullmatch(value):
                    self.add(f"description.{lang}.videos[{index}]", "oembed")
        section = doc.get("IT")
        if doc.get("it") is not None:
            self.add("it", "it_lowercase", "warning")
            section = doc["it"] if section is None else section
            if doc.get("IT") is not None:
                self.add("it", "it_duplicate")
        if section is not None:
            if section.get("conforme") is not None:
                self.add("IT.conforme", "deprecated_drop", "warning")
            code = (section.get("riuso") or {}).get("codiceIPA")
            codes = _ipa_codes()
            if code and codes is not None and code.lower() in codes:
                self.add("IT.riuso.codiceIPA", "deprecated_ipa", "warning", ipa=code)

    def relative_path_or_url(self, value: str, key: str) -> bool:
        if value.startswith("/"):
            self.add(key, "absolute_path")
            return False
        if value.startswith("file:"):
            self.add(key, "file_url")
            return False
        return True

    def asset(self, value: str, key: str, extensions: tuple[str, ...] | None, *, png_check: bool) -> None:
        if _is_request_uri(value):
            return  # an absolute URL: only fetching it could tell, and this validator never does
        path = posixpath.normpath(value) if value else "."
        extension = posixpath.splitext(path)[1].lower()
        if extensions is not None and extension not in extensions:
            self.add(key, "extension", allowed=", ".join(extensions), path=value)
            return
        if self.assets is None or not self.assets.covers(key):
            self.add(key, "not_checked", "info", path=value)
            return
        try:
            content = self.assets.read(path)
        except AssetUnavailable:
            self.add(key, "fetch_failed", "info", path=value)
            return
        if content is None:
            self.add(key, "no_such_file", path=value)
        elif png_check and extension == ".png" and not _png_is_readable(content):
            self.add(key, "not_png", path=value)
        elif png_check and extension in (".svg", ".svgz") and not _svg_is_readable(content, extension == ".svgz"):
            self.add(key, "not_svg", path=value)


def _version_check(root: Node) -> tuple[str | None, _Found | None, _Found | None]:
    """(version, fatal error, warning) following the reference's version rules."""
    node = None
    for key_node, value_node in root.value:
        if key_node.kind == "scalar" and key_node.value == "publiccodeYmlVersion":
            node = value_node
    if node is None or (node.kind == "scalar" and node.value is None):
        return None, _Found("publiccodeYmlVersion", "required", "error", {"field": "publiccodeYmlVersion"}), None
    if node.kind != "scalar" or not isinstance(node.value, str):
        # Unquoted 0.7 is a number in YAML: the reference wants the text "0.7".
        return None, _Found("publiccodeYmlVersion", "wrong_type", "error", {}), None
    version = node.value
    if version not in SUPPORTED_VERSIONS:
        found = _Found(
            "publiccodeYmlVersion",
            "version_unsupported",
            "error",
            {"version": version[:40], "supported": ", ".join(SUPPORTED_VERSIONS)},
        )
        return version, found, None
    warning = None
    if version != "0" and not version.startswith("0.7"):
        warning = _Found(
            "publiccodeYmlVersion", "version_old", "warning", {"version": version, "latest": LATEST_VERSION}
        )
    return version, None, warning


# --------------------------------------------------------------------------- facts


def _str_or_none(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _dicts(value: Any) -> Iterator[dict]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _as_date(value: Any) -> date | str | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return None


def _fill_facts(result: PubliccodeResult, data: dict) -> None:
    """Extract normalised facts, tolerating bad types (they are already reported as issues)."""
    result.name = _str_or_none(data.get("name"))
    result.url = _str_or_none(data.get("url"))
    result.development_status = _str_or_none(data.get("developmentStatus"))
    result.software_type = _str_or_none(data.get("softwareType"))
    result.software_version = _str_or_none(data.get("softwareVersion"))
    release = _as_date(data.get("releaseDate"))
    result.release_date = release if isinstance(release, date) else None
    result.categories = _strings(data.get("categories"))
    result.platforms = _strings(data.get("platforms"))
    result.used_by = _strings(data.get("usedBy"))

    description = data.get("description")
    if isinstance(description, dict):
        for lang, block in description.items():
            if isinstance(lang, str) and isinstance(block, dict):
                result.descriptions[lang] = {
                    "short": _str_or_none(block.get("shortDescription")),
                    "long": _str_or_none(block.get("longDescription")),
                    "features": _strings(block.get("features")),
                    "localised_name": _str_or_none(block.get("localisedName")),
                    "documentation": _str_or_none(block.get("documentation")),
                    "api_documentation": _str_or_none(block.get("apiDocumentation")),
                }

    legal: dict = data["legal"] if isinstance(data.get("legal"), dict) else {}
    result.license = _str_or_none(legal.get("license"))
    organisation: dict = data["organisation"] if isinstance(data.get("organisation"), dict) else {}
    result.organisation = (
        _str_or_none(organisation.get("name"))
        or _str_or_none(organisation.get("uri"))
        or _str_or_none(legal.get("repoOwner"))
        or _str_or_none(legal.get("mainCopyrightOwner"))
    )
    result.funded_by = [
        {"name": _str_or_none(funder.get("name")), "uri": _str_or_none(funder.get("uri"))}
        for funder in _dicts(data.get("fundedBy"))
    ]

    maintenance = data.get("maintenance")
    if isinstance(maintenance, dict):
        result.maintenance = {
            "type": _str_or_none(maintenance.get("type")),
            "contractors": [
                {
                    "name": _str_or_none(item.get("name")),
                    "until": _as_date(item.get("until")),
                    "email": _str_or_none(item.get("email")),
                    "website": _str_or_none(item.get("website")),
                }
                for item in _dicts(maintenance.get("contractors"))
            ],
            "contacts": [
                {
                    "name": _str_or_none(item.get("name")),
                    "email": _str_or_none(item.get("email")),
                    "phone": _str_or_none(item.get("phone")),
                    "affiliation": _str_or_none(item.get("affiliation")),
                }
                for item in _dicts(maintenance.get("contacts"))
            ],
        }

    countries: list[str] = []
    audience = data.get("intendedAudience")
    if isinstance(audience, dict):
        listed = audience.get("countries")
        for code in listed if isinstance(listed, list) else []:
            if isinstance(code, str) and _country_problem(code) is None and code.upper() not in countries:
                countries.append(code.upper())
    if ("it" in data or "IT" in data) and "IT" not in countries:
        countries.append("IT")
    result.countries = countries


# --------------------------------------------------------------------------- entry point


def _issue(root: Node | None, found: _Found, line: int | None = None, column: int | None = None) -> Issue:
    if line is None:
        line, column = position_of(root, found.key)
    return Issue(
        found.key,
        message_text(found.code, found.params),
        found.severity,
        line=line,
        column=column or 0,
        code=found.code,
        params=found.params,
    )


def parse_publiccode(
    text: str | bytes,
    *,
    max_bytes: int = 1_000_000,
    assets: AssetReader | Path | str | None = None,
) -> PubliccodeResult:
    """Parse and validate a publiccode.yml document with the reference parser's rules.

    Accepts the raw file (bytes, decoded as UTF-8) or already decoded text. ``assets`` gives the
    repository's files (a local checkout path or an ``AssetReader``) so that the logo, screenshots
    and authors file can be checked; without it they are reported in ``notices`` as not checked.
    Never raises: unreadable input yields ``valid=False`` and ``data=None``. (A caller's asset
    reader may raise: :class:`AssetUnavailable` becomes a notice, anything else propagates, such as
    a spent request budget during a harvest.)
    """
    result = PubliccodeResult(valid=False, version=None, data=None)
    reader = AssetReader(assets) if isinstance(assets, Path | str) else assets

    def fail(code: str, line: int = 0, column: int = 0, key: str = "", **params: Any) -> PubliccodeResult:
        params.setdefault("field", key)
        result.errors.append(Issue(key, message_text(code, params), "error", line, column, code, params))
        return result

    if isinstance(text, bytes | bytearray):
        if len(text) > max_bytes:
            return fail("too_large", size=f"{len(text):,}", limit=f"{max_bytes:,}")
        try:
            decoded = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            return fail("utf8")
    elif isinstance(text, str):
        if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            return fail("too_large", size=f"{len(text.encode('utf-8', 'surrogatepass')):,}", limit=f"{max_bytes:,}")
        decoded = text.removeprefix("\ufeff")
        try:
            decoded.encode("utf-8")
        except UnicodeEncodeError:
            return fail("utf8")
    else:
        return fail("input_type")

    try:
        root = compose(decoded)
    except YamlProblem as problem:
        return fail(problem.code, problem.line, problem.column, **problem.params)
    if root is None or (root.kind == "scalar" and root.value is None):
        # The reference reports an empty document as a missing version.
        return fail("required", key="publiccodeYmlVersion")
    if root.kind != "map":
        return fail("not_mapping", root.line, root.column)

    version, fatal, warning = _version_check(root)
    result.version = version
    if fatal is not None:
        line, column = (0, 0) if fatal.code != "wrong_type" else position_of(root, fatal.key)
        result.errors.append(_issue(root, fatal, line, column))
        result.data = to_python(root)
        _fill_facts(result, result.data)
        return result
    issues: list[Issue] = []
    if warning is not None:
        issues.append(_issue(root, warning))

    values, decode_error = _decode_struct(SCHEMA[1], root)
    if decode_error is not None:
        line = decode_error.node.line
        found = _Found(key_at_line(root, line), decode_error.code, "error", dict(decode_error.params))
        found.params.setdefault("key", found.key)
        found.params.setdefault("field", _field(found.key))
        issues.append(_issue(root, found, line, 1))
    checker = _Checker(reader)
    checker.validate(values)
    checker.beyond_tags(values)
    issues.extend(_issue(root, found) for found in checker.found)

    for issue in issues:
        bucket = {"error": result.errors, "warning": result.warnings, "info": result.notices}[issue.severity]
        if len(bucket) < _ISSUES_CAP:
            bucket.append(issue)
    result.data = to_python(root)
    _fill_facts(result, result.data)
    result.valid = not result.errors
    return result


# --------------------------------------------------------------------------- stored results

# The first entry of a stored issue list; rows written before it are lists of {"path", "message",
# "severity"} (errors and warnings only) and must be validated again to be shown.
STORED_FORMAT = {"format": 2}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def stored_issues(result: PubliccodeResult) -> list[dict[str, Any]]:
    """The issues of a validation as JSON to store with a harvested file, so that pages need not
    validate it again: the format marker, then per issue its key, message code and parameters,
    English message, line, column and severity (errors, warnings, then notices)."""
    return [
        dict(STORED_FORMAT),
        *(
            {
                "key": issue.path,
                "code": issue.code,
                "params": {str(k): _plain(v) for k, v in issue.params.items()},
                "message": issue.message,
                "line": issue.line,
                "column": issue.column,
                "severity": issue.severity,
            }
            for issue in [*result.errors, *result.warnings, *result.notices]
        ),
    ]


def result_from_stored(stored: Any, valid: bool | None) -> PubliccodeResult | None:
    """The validation rebuilt from :func:`stored_issues` (issues and verdict; no facts), or None when
    ``stored`` is in the older format or unreadable, so that the caller validates the text again."""
    if not isinstance(stored, list) or not stored or stored[0] != STORED_FORMAT:
        return None
    result = PubliccodeResult(valid=bool(valid), version=None, data=None)
    buckets = {"error": result.errors, "warning": result.warnings, "info": result.notices}
    for entry in stored[1:]:
        if not isinstance(entry, dict) or entry.get("severity") not in buckets:
            return None
        raw_params = entry.get("params")
        params: dict[str, Any] = dict(raw_params) if isinstance(raw_params, dict) else {}
        line, column = entry.get("line"), entry.get("column")
        buckets[entry["severity"]].append(
            Issue(
                path=str(entry.get("key") or ""),
                message=str(entry.get("message") or ""),
                severity=entry["severity"],
                line=line if isinstance(line, int) and not isinstance(line, bool) else 0,
                column=column if isinstance(column, int) and not isinstance(column, bool) else 0,
                code=str(entry.get("code") or ""),
                params=params,
            )
        )
    if valid is None:
        result.valid = not result.errors
    return result
