# SPDX-License-Identifier: EUPL-1.2
"""Parser and validator for publiccode.yml files (standard versions 0.2 to 0.7).

The rules follow the publiccode.yml standard maintained by the publiccodeyml community
(originally Developers Italia). Everything is checked offline: URLs are checked for
form only, never fetched, so the parser is safe to run on untrusted harvested files.

``parse_publiccode`` never raises on bad input: every problem becomes an ``Issue`` with the
key path it concerns, and the facts the catalogue needs are extracted even from a file that
has errors, as far as they can be read.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import pycountry
import yaml
from email_validator import EmailNotValidError, validate_email
from license_expression import get_spdx_licensing

__all__ = [
    "CATEGORIES",
    "CURRENT_VERSION",
    "DEVELOPMENT_STATUSES",
    "MAINTENANCE_TYPES",
    "PLATFORMS",
    "SCOPES",
    "SOFTWARE_TYPES",
    "SUPPORTED_MINOR_VERSIONS",
    "Issue",
    "PubliccodeResult",
    "parse_publiccode",
]

Severity = Literal["error", "warning"]

#: The newest version of the standard this module knows; older files get a warning.
CURRENT_VERSION = "0.7"
SUPPORTED_MINOR_VERSIONS = range(2, 8)

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

# Top-level keys and the first minor version that defines them (0 = since 0.2).
_TOP_LEVEL_KEYS: dict[str, int] = {
    "publiccodeYmlVersion": 0,
    "name": 0,
    "applicationSuite": 0,
    "url": 0,
    "landingURL": 0,
    "isBasedOn": 0,
    "softwareVersion": 0,
    "releaseDate": 0,
    "logo": 0,
    "monochromeLogo": 0,
    "inputTypes": 0,
    "outputTypes": 0,
    "platforms": 0,
    "categories": 0,
    "usedBy": 0,
    "roadmap": 0,
    "developmentStatus": 0,
    "softwareType": 0,
    "intendedAudience": 0,
    "description": 0,
    "legal": 0,
    "maintenance": 0,
    "localisation": 0,
    "dependsOn": 0,
    "organisation": 4,
    "fundedBy": 4,
    "organisationUri": 6,
    "it": 0,
    "IT": 0,
}

# Deprecated keys: path -> (minor version that deprecated it, advice).
_DEPRECATED: dict[str, tuple[int, str]] = {
    "monochromeLogo": (3, "use `logo` only"),
    "inputTypes": (3, "remove it"),
    "outputTypes": (3, "remove it"),
    "legal.authorsFile": (3, "remove it"),
    "legal.repoOwner": (4, "use `organisation.name` instead"),
    "description.*.genericName": (3, "remove it"),
}

_DESCRIPTION_KEYS = {
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
}
_IT_SECTION_KEYS = {
    "countryExtensionVersion": None,
    "conforme": {"lineeGuidaDesign", "modelloInteroperabilita", "misureMinimeSicurezza", "gdpr"},
    "piattaforme": {"spid", "pagopa", "cie", "anpr", "io"},
    "riuso": {"codiceIPA"},
}

# Hosts that are source forges: a URL on them must name a repository (owner/name).
_FORGE_HOSTS = (
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "framagit.org",
    "gitea.com",
    "sr.ht",
    "git.sr.ht",
    "salsa.debian.org",
    "gitlab.opencode.de",
    "code.europa.eu",
    "gitlab.adullact.net",
)
_FORGE_HINTS = ("git", "svn", "hg.", "forge", "code.", "opencode", "sourcehut")

_MISSING = object()
_ISSUES_CAP = 500  # a hostile file must not be able to produce unbounded output
_MAX_DEPTH = 32  # the standard itself needs 4 levels


@dataclass
class Issue:
    """One error or warning found in a publiccode.yml file."""

    path: str
    message: str
    severity: Severity


@dataclass
class PubliccodeResult:
    """The outcome of parsing one publiccode.yml file, with the facts the catalogue uses."""

    valid: bool
    version: str | None
    data: dict | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
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


# --------------------------------------------------------------------------- YAML loading


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark | None) -> None:
        line = f" on line {mark.line + 1}" if mark is not None else ""
        super().__init__(f"The key {key!r} appears twice in the same mapping{line}.")


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML would otherwise silently merge."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key: let the base class report it
                duplicate = False
            if duplicate:
                raise _DuplicateKeyError(key, key_node.start_mark)
            if not isinstance(key, list | dict):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _StrictSafeLoader.construct_mapping,  # type: ignore[arg-type]
)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        where = f" (line {exc.problem_mark.line + 1})" if exc.problem_mark is not None else ""
        return f"The file is not valid YAML: {exc.problem or exc.context}{where}."
    return str(exc)


def _load_yaml(text: str) -> tuple[Any, str | None]:
    """Return (document, error message). Anchors and aliases are refused before construction."""
    try:
        documents = 0
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    # PyYAML's scanner is quadratic in nesting depth: stop before it matters.
                    return None, f"The file nests lists or mappings more than {_MAX_DEPTH} levels deep."
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                # Aliases let a few bytes expand into gigabytes ("billion laughs"); the standard
                # never needs them, so refusing them outright is the simplest safe rule.
                return None, "YAML anchors and aliases (& and *) are not allowed in publiccode.yml."
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, "The file contains more than one YAML document; only one is allowed."
        return yaml.load(text, Loader=_StrictSafeLoader), None  # noqa: S506 - safe loader subclass
    except _DuplicateKeyError as exc:
        return None, str(exc)
    except yaml.YAMLError as exc:
        return None, _yaml_problem(exc)
    except (RecursionError, ValueError, TypeError) as exc:
        return None, f"The file could not be read as YAML: {exc.__class__.__name__}."


# --------------------------------------------------------------------------- value checks


def _text_length(value: str) -> int:
    """Length in user-perceived characters: combining marks and joiners are not counted."""
    normalised = unicodedata.normalize("NFC", value.strip())
    return sum(
        1
        for ch in normalised
        if not unicodedata.combining(ch) and ch not in "\u200d\ufe0e\ufe0f" and not ("\U0001f3fb" <= ch <= "\U0001f3ff")
    )


def _http_url_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed absolute http(s) URL, or None when it is."""
    if value != value.strip() or any(ch.isspace() for ch in value):
        return "must not contain spaces"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError:
        return "is not a well-formed URL"
    del port
    if parts.scheme.lower() not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname or "." not in parts.hostname and parts.hostname != "localhost":
        return "must name a host"
    if parts.username or parts.password:
        return "must not contain credentials"
    return None


def _looks_like_repository(value: str) -> bool:
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if parts.path.endswith(".git") and segments:
        return True
    if host in _FORGE_HOSTS or host.startswith(("gitlab.", "gitea.", "forgejo.", "git.")):
        return len(segments) >= 2
    return any(hint in host for hint in _FORGE_HINTS) and len(segments) >= 1


@functools.lru_cache(maxsize=1)
def _spdx() -> Any:
    return get_spdx_licensing()


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
        if stage == 1 and re.fullmatch(r"[a-z]{3}", low) and extlangs < 3:
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


# --------------------------------------------------------------------------- the validator


def _path(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


class _Validator:
    """Walks one parsed document and collects issues. One instance per file."""

    def __init__(self, data: dict[Any, Any], minor: int) -> None:
        self.data = data
        self.minor = minor
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    # -- reporting
    def error(self, path: str, message: str) -> None:
        if len(self.errors) < _ISSUES_CAP:
            self.errors.append(Issue(path, message, "error"))

    def warn(self, path: str, message: str) -> None:
        if len(self.warnings) < _ISSUES_CAP:
            self.warnings.append(Issue(path, message, "warning"))

    # -- typed getters: each reports its own type errors and returns None when unusable
    def mapping(self, parent: Any, key: str, path: str, *, required: bool = False) -> dict | None:
        value = parent.get(key, _MISSING) if isinstance(parent, dict) else _MISSING
        if value is _MISSING or value is None:
            if required:
                self.error(path, f"The section `{path}` is required.")
            return None
        if not isinstance(value, dict):
            self.error(path, f"`{path}` must be a mapping of keys, not {_type_name(value)}.")
            return None
        return value

    def string(
        self, parent: Any, key: str, path: str, *, required: bool = False, lenient_number: bool = False
    ) -> str | None:
        value = parent.get(key, _MISSING) if isinstance(parent, dict) else _MISSING
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(path, f"`{path}` is required.")
            return None
        return self.as_string(value, path, lenient_number=lenient_number)

    def as_string(self, value: Any, path: str, *, lenient_number: bool = False) -> str | None:
        if isinstance(value, str):
            return value
        if lenient_number and isinstance(value, int | float) and not isinstance(value, bool):
            # YAML turns 1.10 into the float 1.1; the text we return may not be what was meant.
            self.warn(path, f"`{path}` should be a quoted string; the number {value!r} was read as text.")
            return str(value)
        self.error(path, f"`{path}` must be a string, not {_type_name(value)}.")
        return None

    def string_list(
        self, parent: Any, key: str, path: str, *, required: bool = False, allow_single: bool = False
    ) -> list[tuple[str, str]] | None:
        """Return [(item_path, text)] for a list of strings; non-string items are reported."""
        value = parent.get(key, _MISSING) if isinstance(parent, dict) else _MISSING
        if value is _MISSING or value is None:
            if required:
                self.error(path, f"`{path}` is required.")
            return None
        if allow_single and isinstance(value, str):
            return [(path, value)]
        if not isinstance(value, list):
            self.error(path, f"`{path}` must be a list, not {_type_name(value)}.")
            return None
        items: list[tuple[str, str]] = []
        for index, item in enumerate(value):
            item_path = _path(path, index)
            text = self.as_string(item, item_path)
            if text is not None:
                if not text.strip():
                    self.error(item_path, f"`{item_path}` must not be empty.")
                else:
                    items.append((item_path, text))
        return items

    def boolean(self, parent: Any, key: str, path: str, *, required: bool = False) -> bool | None:
        value = parent.get(key, _MISSING) if isinstance(parent, dict) else _MISSING
        if value is _MISSING or value is None:
            if required:
                self.error(path, f"`{path}` is required.")
            return None
        if not isinstance(value, bool):
            self.error(path, f"`{path}` must be a boolean (true or false), not {_type_name(value)}.")
            return None
        return value

    def unknown_keys(self, mapping: dict, allowed: set[str] | dict, path: str) -> None:
        for key in mapping:
            if key not in allowed:
                where = _path(path, str(key))
                self.warn(where, f"Unknown key `{where}`; it is not part of the publiccode.yml standard.")

    def deprecated(self, path: str, pattern: str | None = None) -> None:
        since, advice = _DEPRECATED[pattern or path]
        if self.minor >= since:
            self.warn(path, f"`{path}` is deprecated since publiccode.yml 0.{since}; {advice}.")

    # -- field families
    def http_url(self, value: str, path: str) -> bool:
        problem = _http_url_problem(value)
        if problem:
            self.error(path, f"`{path}` {problem}: '{value[:200]}'.")
            return False
        return True

    def asset_path(self, value: str, path: str, extensions: tuple[str, ...]) -> None:
        """A file reference: a path relative to the repository root or an absolute http(s) URL."""
        scheme = urlsplit(value).scheme.lower() if ":" in value else ""
        if scheme and len(scheme) > 1:  # "C:" style drive letters are caught below as absolute paths
            if scheme in ("http", "https"):
                self.http_url(value, path)
            else:
                self.error(path, f"`{path}` must be a relative path or an http(s) URL, not a {scheme}: URL.")
                return
        elif value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", value):
            self.error(path, f"`{path}` must be a path relative to the repository root, not an absolute path.")
            return
        elif ".." in re.split(r"[\\/]", value):
            self.error(path, f"`{path}` must stay inside the repository ('..' is not allowed).")
            return
        if not urlsplit(value).path.lower().endswith(extensions):
            allowed = ", ".join(ext.lstrip(".").upper() for ext in extensions)
            self.warn(path, f"`{path}` should point to a file of type {allowed}.")

    def date_value(self, value: Any, path: str) -> date | None:
        if isinstance(value, datetime):
            self.error(path, f"`{path}` must be a date in the form YYYY-MM-DD, without a time.")
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self.error(path, f"`{path}` must be a date in the form YYYY-MM-DD.")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(path, f"`{path}` is not a real calendar date: '{value}'.")
            return None

    def email(self, value: str, path: str) -> None:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.error(path, f"`{path}` is not a valid e-mail address: '{value[:200]}'.")

    def organisation_uri(self, value: str, path: str) -> None:
        # The standard allows persistent identifiers as well as web addresses.
        if value.lower().startswith("urn:"):
            if not re.fullmatch(r"(?i)urn:[a-z0-9][a-z0-9-]{0,31}:\S+", value):
                self.error(path, f"`{path}` is not a well-formed URN: '{value[:200]}'.")
            return
        self.http_url(value, path)

    # -- the document
    def run(self) -> None:
        data = self.data
        for key in data:
            if not isinstance(key, str):
                self.error(str(key), f"Keys must be strings; found {_type_name(key)} {key!r}.")
            elif key not in _TOP_LEVEL_KEYS:
                self.warn(key, f"Unknown top-level key `{key}`; it is not part of the publiccode.yml standard.")
            elif _TOP_LEVEL_KEYS[key] > self.minor:
                self.warn(
                    key,
                    f"`{key}` was introduced in publiccode.yml 0.{_TOP_LEVEL_KEYS[key]}; "
                    f"declare that version or newer to use it.",
                )
        self.check_identity()
        self.check_vocabularies()
        self.check_description()
        self.check_legal()
        self.check_maintenance()
        self.check_localisation()
        self.check_dependencies()
        self.check_organisations()
        self.check_audience()
        self.check_country_sections()
        for key in ("monochromeLogo", "inputTypes", "outputTypes"):
            if key in data:
                self.deprecated(key)

    def check_identity(self) -> None:
        data = self.data
        self.string(data, "name", "name", required=True)
        self.string(data, "applicationSuite", "applicationSuite")
        url = self.string(data, "url", "url", required=True)
        if url is not None and self.http_url(url, "url") and not _looks_like_repository(url):
            self.warn(
                "url",
                "`url` does not look like a source code repository URL; it should point to the repository.",
            )
        for key in ("landingURL", "roadmap"):
            value = self.string(data, key, key)
            if value is not None:
                self.http_url(value, key)
        based_on = self.string_list(data, "isBasedOn", "isBasedOn", allow_single=True)
        for item_path, value in based_on or []:
            try:
                parts = urlsplit(value)
            except ValueError:
                parts = None
            if parts is None or not parts.scheme or not (parts.netloc or parts.path):
                self.error(item_path, f"`{item_path}` must be the URL of the original repository.")
        version = self.string(data, "softwareVersion", "softwareVersion", lenient_number=True)
        release = data.get("releaseDate")
        if release is not None:
            self.date_value(release, "releaseDate")
        elif self.minor == 2:
            self.error("releaseDate", "`releaseDate` is required in publiccode.yml 0.2.")
        elif version is not None:
            self.warn("releaseDate", "`releaseDate` should be given when `softwareVersion` is.")
        for key, extensions in (
            ("logo", (".svg", ".svgz", ".png")),
            ("monochromeLogo", (".svg", ".svgz", ".png")),
        ):
            value = self.string(data, key, key)
            if value is not None:
                self.asset_path(value, key, extensions)
        self.string_list(data, "usedBy", "usedBy")
        for key in ("inputTypes", "outputTypes"):
            for item_path, value in self.string_list(data, key, key) or []:
                if not re.fullmatch(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*", value):
                    self.error(item_path, f"`{item_path}` is not a media type (RFC 6838) such as text/plain.")

    def check_vocabularies(self) -> None:
        data = self.data
        status = self.string(data, "developmentStatus", "developmentStatus", required=True)
        if status is not None and status not in DEVELOPMENT_STATUSES:
            self.error(
                "developmentStatus",
                f"`developmentStatus` must be one of {', '.join(DEVELOPMENT_STATUSES)}; got '{status}'.",
            )
        software_type = self.string(data, "softwareType", "softwareType", required=True)
        if software_type == "standalone":
            self.error(
                "softwareType",
                "`softwareType` 'standalone' is no longer allowed; use standalone/web, standalone/desktop, "
                "standalone/mobile, standalone/backend, standalone/iot or standalone/other.",
            )
        elif software_type is not None and software_type not in SOFTWARE_TYPES:
            self.error(
                "softwareType",
                f"`softwareType` must be one of {', '.join(SOFTWARE_TYPES)}; got '{software_type}'.",
            )
        platforms = self.string_list(data, "platforms", "platforms", required=True, allow_single=True)
        if platforms is not None and not platforms and not isinstance(data.get("platforms"), str):
            self.error("platforms", "`platforms` must list at least one platform.")
        for item_path, value in platforms or []:
            if value not in PLATFORMS:
                self.warn(
                    item_path,
                    f"Platform '{value}' is not one of the predefined values ({', '.join(PLATFORMS)}).",
                )
        # categories was mandatory up to 0.2.x and became optional in 0.3.
        categories = self.string_list(data, "categories", "categories", required=self.minor == 2)
        if categories is not None and not categories and self.minor == 2:
            self.error("categories", "`categories` must list at least one category.")
        for item_path, value in categories or []:
            if value not in CATEGORIES:
                self.error(item_path, f"Unknown category '{value}'; see the standard's categories list.")

    def check_description(self) -> None:
        description = self.mapping(self.data, "description", "description", required=True)
        if description is None:
            return
        if not description:
            self.error("description", "`description` must contain at least one language.")
            return
        has_long = False
        has_features = False
        languages: list[tuple[str, dict]] = []
        for lang, block in description.items():
            path = _path("description", str(lang))
            if not isinstance(lang, str):
                self.error(path, f"Language keys must be strings; found {_type_name(lang)}.")
                continue
            problem = _bcp47_problem(lang)
            if problem:
                self.error(path, f"The language key '{lang}' {problem} (BCP 47 expected, e.g. en, it, de-AT).")
            if not isinstance(block, dict):
                self.error(path, f"`{path}` must be a mapping, not {_type_name(block)}.")
                continue
            languages.append((path, block))
            self.unknown_keys(block, _DESCRIPTION_KEYS, path)
            self.string(block, "localisedName", _path(path, "localisedName"))
            generic = self.string(block, "genericName", _path(path, "genericName"))
            if generic is not None:
                self.deprecated(_path(path, "genericName"), "description.*.genericName")
                if _text_length(generic) > 35:
                    self.error(_path(path, "genericName"), f"`{path}.genericName` must be at most 35 characters.")
            short = self.string(block, "shortDescription", _path(path, "shortDescription"), required=True)
            if short is not None and _text_length(short) > 150:
                self.error(
                    _path(path, "shortDescription"),
                    f"`{path}.shortDescription` must be at most 150 characters; has {_text_length(short)}.",
                )
            long = self.string(block, "longDescription", _path(path, "longDescription"))
            if long is not None:
                has_long = True
                length = _text_length(long)
                if length < 150:
                    self.error(
                        _path(path, "longDescription"),
                        f"`{path}.longDescription` must be at least 150 characters; it has {length}.",
                    )
                elif length > 10_000:
                    self.error(
                        _path(path, "longDescription"),
                        f"`{path}.longDescription` must be at most 10,000 characters; it has {length}.",
                    )
            for key in ("documentation", "apiDocumentation"):
                value = self.string(block, key, _path(path, key))
                if value is not None:
                    self.http_url(value, _path(path, key))
            features = self.string_list(block, "features", _path(path, "features"))
            if features is not None:
                if not features:
                    self.error(_path(path, "features"), f"`{path}.features` must list at least one feature.")
                has_features = has_features or bool(features)
                for item_path, value in features:
                    if _text_length(value) > 100:
                        self.warn(item_path, f"`{item_path}` should be a short phrase of at most 100 characters.")
            for item_path, value in self.string_list(block, "screenshots", _path(path, "screenshots")) or []:
                self.asset_path(value, item_path, (".png", ".jpg", ".jpeg"))
            for item_path, value in self.string_list(block, "videos", _path(path, "videos")) or []:
                self.http_url(value, item_path)
            self.string_list(block, "awards", _path(path, "awards"))
        if languages and not has_long:
            for path, _block in languages:
                self.error(_path(path, "longDescription"), f"`{path}.longDescription` is required.")
        elif has_long:
            for path, block in languages:
                if "longDescription" not in block:
                    self.warn(_path(path, "longDescription"), f"`{path}` has no longDescription.")
        if languages and not has_features:
            for path, block in languages:
                if "features" not in block:
                    self.error(_path(path, "features"), f"`{path}.features` is required (list the main features).")
        elif has_features:
            for path, block in languages:
                if "features" not in block:
                    self.warn(_path(path, "features"), f"`{path}` has no features list.")

    def check_legal(self) -> None:
        legal = self.mapping(self.data, "legal", "legal", required=True)
        if legal is None:
            return
        self.unknown_keys(legal, {"license", "mainCopyrightOwner", "repoOwner", "authorsFile"}, "legal")
        licence = self.string(legal, "license", "legal.license", required=True)
        if licence is not None:
            self.check_licence(licence)
        self.string(legal, "mainCopyrightOwner", "legal.mainCopyrightOwner")
        if self.string(legal, "repoOwner", "legal.repoOwner") is not None:
            self.deprecated("legal.repoOwner")
        authors = self.string(legal, "authorsFile", "legal.authorsFile")
        if authors is not None:
            self.deprecated("legal.authorsFile")
            self.asset_path(authors, "legal.authorsFile", ("",))

    def check_licence(self, expression: str) -> None:
        path = "legal.license"
        try:
            info = _spdx().validate(expression)
        except Exception:  # the library raises internal errors on some malformed inputs
            self.error(path, f"`{path}` is not a valid SPDX licence expression: '{expression[:200]}'.")
            return
        if not info.errors:
            normalised = info.normalized_expression
            if normalised and normalised != " ".join(expression.split()):
                self.warn(path, f"`{path}` '{expression}' is better written as the SPDX expression '{normalised}'.")
            return
        invalid = [s for s in info.invalid_symbols if s]
        if invalid and all(s.startswith("LicenseRef-") for s in invalid):
            self.warn(
                path,
                f"`{path}` uses a custom licence reference ({', '.join(invalid)}) that cannot be checked.",
            )
            return
        if invalid:
            self.error(path, f"`{path}` contains unknown SPDX licence identifiers: {', '.join(invalid)}.")
        else:
            self.error(path, f"`{path}` is not a valid SPDX licence expression: '{expression[:200]}'.")

    def check_maintenance(self) -> None:
        maintenance = self.mapping(self.data, "maintenance", "maintenance", required=True)
        if maintenance is None:
            return
        self.unknown_keys(maintenance, {"type", "contractors", "contacts"}, "maintenance")
        kind = self.string(maintenance, "type", "maintenance.type", required=True)
        if kind is not None and kind not in MAINTENANCE_TYPES:
            self.error(
                "maintenance.type",
                f"`maintenance.type` must be one of {', '.join(MAINTENANCE_TYPES)}; got '{kind}'.",
            )
        contractors = self.object_list(maintenance, "contractors", "maintenance.contractors")
        contacts = self.object_list(maintenance, "contacts", "maintenance.contacts")
        if kind == "contract" and not contractors:
            self.error(
                "maintenance.contractors",
                "`maintenance.contractors` is required when maintenance.type is contract.",
            )
        if kind in ("internal", "community") and not contacts:
            self.error("maintenance.contacts", f"`maintenance.contacts` is required when maintenance.type is {kind}.")
        if kind in ("internal", "community", "none") and contractors:
            self.warn(
                "maintenance.contractors",
                "`maintenance.contractors` is only meaningful when maintenance.type is contract.",
            )
        if kind == "none" and contacts:
            self.warn("maintenance.contacts", "`maintenance.contacts` is listed although maintenance.type is none.")
        for path, contractor in contractors:
            self.unknown_keys(contractor, {"name", "until", "email", "website"}, path)
            self.string(contractor, "name", _path(path, "name"), required=True)
            if contractor.get("until") is None:
                self.error(_path(path, "until"), f"`{path}.until` is required (the date the contract ends).")
            else:
                self.date_value(contractor["until"], _path(path, "until"))
            email = self.string(contractor, "email", _path(path, "email"))
            if email is not None:
                self.email(email, _path(path, "email"))
            website = self.string(contractor, "website", _path(path, "website"))
            if website is not None:
                self.http_url(website, _path(path, "website"))
        for path, contact in contacts:
            self.unknown_keys(contact, {"name", "email", "phone", "affiliation"}, path)
            self.string(contact, "name", _path(path, "name"), required=True)
            email = self.string(contact, "email", _path(path, "email"))
            if email is not None:
                self.email(email, _path(path, "email"))
            phone = self.string(contact, "phone", _path(path, "phone"))
            if phone is not None and not re.fullmatch(r"\+?[0-9 ()./-]{3,30}", phone.strip()):
                self.warn(_path(path, "phone"), f"`{path}.phone` does not look like a phone number: '{phone[:50]}'.")
            self.string(contact, "affiliation", _path(path, "affiliation"))

    def object_list(self, parent: dict, key: str, path: str) -> list[tuple[str, dict]]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"`{path}` must be a list, not {_type_name(value)}.")
            return []
        items = []
        for index, item in enumerate(value):
            item_path = _path(path, index)
            if isinstance(item, dict):
                items.append((item_path, item))
            else:
                self.error(item_path, f"`{item_path}` must be a mapping, not {_type_name(item)}.")
        return items

    def check_localisation(self) -> None:
        localisation = self.mapping(self.data, "localisation", "localisation", required=True)
        if localisation is None:
            return
        self.unknown_keys(localisation, {"localisationReady", "availableLanguages"}, "localisation")
        self.boolean(localisation, "localisationReady", "localisation.localisationReady", required=True)
        languages = self.string_list(
            localisation, "availableLanguages", "localisation.availableLanguages", required=True
        )
        if languages is not None and not languages:
            self.error(
                "localisation.availableLanguages",
                "`localisation.availableLanguages` must list at least one language.",
            )
        for item_path, value in languages or []:
            problem = _bcp47_problem(value)
            if problem:
                self.error(item_path, f"The language '{value}' {problem} (BCP 47 expected, e.g. en, it, de-AT).")

    def check_dependencies(self) -> None:
        depends = self.mapping(self.data, "dependsOn", "dependsOn")
        if depends is None:
            return
        self.unknown_keys(depends, {"open", "proprietary", "hardware"}, "dependsOn")
        for kind in ("open", "proprietary", "hardware"):
            for path, dependency in self.object_list(depends, kind, _path("dependsOn", kind)):
                self.unknown_keys(dependency, {"name", "versionMin", "versionMax", "version", "optional"}, path)
                self.string(dependency, "name", _path(path, "name"), required=True)
                for key in ("versionMin", "versionMax", "version"):
                    self.string(dependency, key, _path(path, key), lenient_number=True)
                self.boolean(dependency, "optional", _path(path, "optional"))
                if "version" in dependency and ("versionMin" in dependency or "versionMax" in dependency):
                    self.warn(_path(path, "version"), f"`{path}` gives both an exact version and a version range.")

    def check_organisations(self) -> None:
        organisation = self.mapping(self.data, "organisation", "organisation")
        if organisation is not None:
            self.unknown_keys(organisation, {"name", "uri"}, "organisation")
            self.string(organisation, "name", "organisation.name", required=True)
            uri = self.string(organisation, "uri", "organisation.uri")
            if uri is not None:
                self.organisation_uri(uri, "organisation.uri")
        uri = self.string(self.data, "organisationUri", "organisationUri")
        if uri is not None:
            self.organisation_uri(uri, "organisationUri")
        for path, funder in self.object_list(self.data, "fundedBy", "fundedBy"):
            self.unknown_keys(funder, {"name", "uri"}, path)
            self.string(funder, "name", _path(path, "name"), required=True)
            uri = self.string(funder, "uri", _path(path, "uri"))
            if uri is not None:
                self.organisation_uri(uri, _path(path, "uri"))

    def check_audience(self) -> None:
        audience = self.mapping(self.data, "intendedAudience", "intendedAudience")
        if audience is None:
            return
        self.unknown_keys(audience, {"countries", "unsupportedCountries", "scope"}, "intendedAudience")
        for key in ("countries", "unsupportedCountries"):
            path = _path("intendedAudience", key)
            value = audience.get(key)
            if value is None:
                continue
            if not isinstance(value, list):
                self.error(path, f"`{path}` must be a list, not {_type_name(value)}.")
                continue
            for index, code in enumerate(value):
                problem = _country_problem(code)
                if problem:
                    self.error(_path(path, index), f"Country {problem}.")
        for item_path, value in self.string_list(audience, "scope", "intendedAudience.scope") or []:
            if value not in SCOPES:
                self.error(item_path, f"Unknown scope '{value}'; see the standard's scope list.")

    def check_country_sections(self) -> None:
        if "it" in self.data and "IT" in self.data:
            self.error("IT", "Both `it` and `IT` sections are present; keep only one.")
        for key in ("IT", "it"):
            section = self.mapping(self.data, key, key)
            if section is None:
                continue
            self.unknown_keys(section, _IT_SECTION_KEYS, key)
            version = self.string(
                section, "countryExtensionVersion", _path(key, "countryExtensionVersion"), lenient_number=True
            )
            if version is not None and version not in ("0.2", "1.0"):
                self.warn(_path(key, "countryExtensionVersion"), f"Unknown Italian extension version '{version}'.")
            for sub, allowed in _IT_SECTION_KEYS.items():
                if allowed is None:
                    continue
                sub_path = _path(key, sub)
                block = self.mapping(section, sub, sub_path)
                if block is None:
                    continue
                self.unknown_keys(block, allowed, sub_path)
                if sub == "riuso":
                    code = self.string(block, "codiceIPA", _path(sub_path, "codiceIPA"))
                    if code is not None and not re.fullmatch(r"[A-Za-z0-9_]{2,20}", code):
                        self.error(
                            _path(sub_path, "codiceIPA"),
                            f"`{sub_path}.codiceIPA` is not a valid IPA code: '{code[:50]}'.",
                        )
                else:
                    for flag in block:
                        if flag in allowed:
                            self.boolean(block, flag, _path(sub_path, flag))


def _type_name(value: object) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return "a date"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- version


def _parse_version(raw: Any, errors: list[Issue], warnings: list[Issue]) -> tuple[str | None, int]:
    """Return (version as given, minor version whose rules apply)."""
    current_minor = SUPPORTED_MINOR_VERSIONS[-1]
    path = "publiccodeYmlVersion"
    if raw is None:
        errors.append(Issue(path, "`publiccodeYmlVersion` is required.", "error"))
        return None, current_minor
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = str(raw)
        warnings.append(Issue(path, f'`publiccodeYmlVersion` should be a quoted string such as "{text}".', "warning"))
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        errors.append(Issue(path, f"`publiccodeYmlVersion` must be a string, not {_type_name(raw)}.", "error"))
        return None, current_minor
    if text == "0":
        # "0" means "the latest 0.x"; publiccode-parser-go accepts it.
        return text, current_minor
    match = re.fullmatch(r"0\.(\d+)(?:\.(\d+))?", text)
    if not match or int(match.group(1)) not in SUPPORTED_MINOR_VERSIONS:
        errors.append(
            Issue(
                path,
                f"Unsupported publiccodeYmlVersion '{text}'; supported: 0.2 to {CURRENT_VERSION}.",
                "error",
            )
        )
        return text, current_minor
    minor = int(match.group(1))
    if minor < current_minor:
        warnings.append(
            Issue(
                path,
                f"publiccodeYmlVersion {text} is older than the current {CURRENT_VERSION}; please update.",
                "warning",
            )
        )
    return text, minor


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


def parse_publiccode(text: str | bytes, *, max_bytes: int = 1_000_000) -> PubliccodeResult:
    """Parse and validate a publiccode.yml document.

    Accepts the raw file (bytes, decoded as UTF-8) or already decoded text. Never raises:
    unreadable input yields a result with ``valid=False`` and ``data=None``. Errors make the
    file invalid; warnings (deprecated or unknown keys, older versions, style) do not.
    """
    result = PubliccodeResult(valid=False, version=None, data=None)

    def fail(message: str) -> PubliccodeResult:
        result.errors.append(Issue("", message, "error"))
        return result

    if isinstance(text, bytes | bytearray):
        if len(text) > max_bytes:
            return fail(f"The file is {len(text):,} bytes; the limit is {max_bytes:,} bytes.")
        try:
            decoded = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return fail(f"The file is not valid UTF-8 (invalid byte at position {exc.start}).")
    elif isinstance(text, str):
        if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            return fail(f"The file is larger than the limit of {max_bytes:,} bytes.")
        decoded = text.removeprefix("\ufeff")
        try:
            decoded.encode("utf-8")
        except UnicodeEncodeError:
            return fail("The file contains characters that cannot be encoded as UTF-8.")
    else:
        return fail("The input must be text or bytes.")

    if not decoded.strip():
        return fail("The file is empty.")
    document, problem = _load_yaml(decoded)
    if problem is not None:
        return fail(problem)
    if not isinstance(document, dict):
        return fail(f"The top level of publiccode.yml must be a mapping of keys, not {_type_name(document)}.")

    result.data = document
    version, minor = _parse_version(document.get("publiccodeYmlVersion"), result.errors, result.warnings)
    result.version = version
    validator = _Validator(document, minor)
    try:
        validator.run()
        _fill_facts(result, document)
    except RecursionError:
        validator.error("", "The file is nested too deeply to be validated.")
    result.errors.extend(validator.errors)
    result.warnings.extend(validator.warnings)
    result.valid = not result.errors
    return result
