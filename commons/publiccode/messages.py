# SPDX-License-Identifier: EUPL-1.2
"""The validator's messages in the user's language, and corrected examples for common mistakes.

``harvesters.publiccode`` is a pure library and speaks English; it gives each issue a message
``code`` and its parameters. The same codes are translated here (same placeholders).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from harvesters.publiccode import Issue

TEMPLATES: dict[str, Any] = {
    "input_type": _l("The input must be text or bytes."),
    "too_large": _l("The file is {size} bytes; the limit is {limit} bytes."),
    "utf8": _l("The file is not valid UTF-8."),
    "empty": _l("The file is empty."),
    "yaml_syntax": _l("The file is not valid YAML: {detail}."),
    "yaml_alias": _l("YAML anchors and aliases (& and *) are not allowed in publiccode.yml."),
    "yaml_duplicate": _l("The key '{key}' appears twice in the same mapping."),
    "yaml_documents": _l("The file contains more than one YAML document; only one is allowed."),
    "yaml_depth": _l("The file nests lists or mappings more than {depth} levels deep."),
    "yaml_tag": _l("The YAML tag {tag} is not allowed."),
    "not_mapping": _l("The top level of publiccode.yml must be a mapping of keys."),
    "required": _l("{field} is required."),
    "wrong_type": _l("This value has the wrong type for this key."),
    "unknown_key": _l("The key '{key}' is not part of the publiccode.yml standard (keys are case-sensitive)."),
    "version_unsupported": _l("publiccodeYmlVersion '{version}' is not supported; use one of: {supported}."),
    "version_old": _l(
        "Version {version} is not the latest; write '0' to always follow the latest. "
        "The file was checked with the rules of {latest}."
    ),
    "one_of": _l("{field} must be one of: {values}."),
    "date": _l("{field} must be a date written YYYY-MM-DD."),
    "required_if": _l("{field} is required when maintenance type is '{value}'."),
    "excluded_unless": _l("{field} may only be given when maintenance type is 'contract'."),
    "mime": _l("{field} is not a MIME type such as text/plain."),
    "max_length": _l("{field} must have at most {limit} characters."),
    "min_length": _l("{field} must have at least {limit} characters."),
    "http_url": _l("{field} must be an http:// or https:// address."),
    "url": _l("{field} must be a full URL."),
    "uri": _l("{field} is not a valid URI (an http(s) address or a URN)."),
    "ipa_uri": _l("{field} must be 'urn:x-italian-pa:' followed by a known iPA code."),
    "ipa_code": _l("{field} is not a known iPA code of an Italian public body."),
    "ipa_not_checked": _l("{field} could not be checked: the iPA vocabulary is not available."),
    "spdx": _l("{field} must be an SPDX licence expression (see https://spdx.org/licenses)."),
    "category": _l("{field} is not in the standard's list of categories."),
    "scope": _l("{field} is not in the standard's list of scopes."),
    "supports_alias": _l("{field} uses an unknown alias; known aliases: {aliases}."),
    "supports_id": _l("{field} must be 'alias:<name>' or a URI (URL or URN)."),
    "country": _l("{field} must be an ISO 3166-1 alpha-2 country code in capitals, such as FR."),
    "bcp47": _l("{field} must be a BCP 47 language tag, such as en, fr or de-AT."),
    "not_empty": _l("{field} must list at least one item."),
    "email": _l("{field} must be an e-mail address."),
    "deprecated_drop": _l("This key is deprecated and will be removed; it can be deleted."),
    "deprecated_use": _l("This key is deprecated and will be removed; use '{replacement}' instead."),
    "deprecated_ipa": _l("This key is deprecated; set organisation.uri to 'urn:x-italian-pa:{ipa}' instead."),
    "country_lowercase": _l("Lower-case country codes are deprecated; write '{upper}'."),
    "it_lowercase": _l("The lower-case 'it' section is deprecated; rename it 'IT'."),
    "it_duplicate": _l("The file has both 'IT' and 'it' sections; remove 'it'."),
    "absolute_path": _l("{field} is an absolute path; give a path relative to the repository or an http(s) URL."),
    "file_url": _l("{field} is a file:// URL; give a path relative to the repository or an http(s) URL."),
    "extension": _l("{field} has a file type that is not allowed here ({allowed})."),
    "no_such_file": _l("{field}: the file '{path}' is not in the repository."),
    "not_png": _l("{field}: '{path}' is not a readable PNG image."),
    "not_svg": _l("{field}: '{path}' is not an SVG image."),
    "fetch_failed": _l("{field}: the file '{path}' could not be read from the forge, so it was not checked."),
    "oembed": _l("{field} is not the address of a video on a known oEmbed provider (YouTube, Vimeo…)."),
    "not_checked": _l("{field}: the file '{path}' was not checked, because the repository's files are not at hand."),
}

# Corrected examples for the mistakes maintainers make most often: (message code, end of the key).
# YAML is not translated; the sentence before each example is.
EXAMPLES: list[tuple[str, str, str]] = [
    ("wrong_type", "publiccodeYmlVersion", 'publiccodeYmlVersion: "0"'),
    ("version_unsupported", "publiccodeYmlVersion", 'publiccodeYmlVersion: "0"'),
    ("wrong_type", "localisationReady", "localisation:\n  localisationReady: true\n  availableLanguages:\n    - en"),
    ("required", "organisation.uri", 'organisation:\n  name: City of Example\n  uri: "https://www.example.org"'),
    ("required", ".uri", 'fundedBy:\n  - name: Example Region\n    uri: "https://www.example-region.eu"'),
    ("wrong_type", "platforms", "platforms:\n  - web"),
    ("country", "", "intendedAudience:\n  countries:\n    - FR\n    - DE"),
    ("country_lowercase", "", "intendedAudience:\n  countries:\n    - FR"),
    ("oembed", "", "videos:\n  - https://www.youtube.com/watch?v=VIDEO_ID"),
    ("required_if", "contacts", "maintenance:\n  type: community\n  contacts:\n    - name: Jane Doe"),
    (
        "required_if",
        "contractors",
        'maintenance:\n  type: contract\n  contractors:\n    - name: Example Ltd\n      until: "2027-12-31"',
    ),
    (
        "excluded_unless",
        "",
        'maintenance:\n  type: contract\n  contractors:\n    - name: Example Ltd\n      until: "2027-12-31"',
    ),
    ("not_empty", "features", "features:\n  - Describe one feature per line"),
    ("spdx", "", "legal:\n  license: EUPL-1.2"),
    ("bcp47", "", "localisation:\n  availableLanguages:\n    - en\n    - de-AT"),
    ("date", "", 'releaseDate: "2024-03-18"'),
    ("it_lowercase", "", 'IT:\n  countryExtensionVersion: "1.0"'),
    (
        "min_length",
        "longDescription",
        "longDescription: |\n  At least 150 characters: what the software does, for whom, and how.",
    ),
]


def translated(issue: Issue) -> str:
    """The issue's message in the current language (the English text when the code is unknown)."""
    template = TEMPLATES.get(issue.code)
    if template is None:
        return issue.message
    try:
        return str(template).format(**issue.params)
    except (KeyError, IndexError, ValueError):
        return issue.message


def example_for(issue: Issue) -> str | None:
    """A corrected YAML snippet for a common mistake, or None."""
    for code, key_end, example in EXAMPLES:
        if issue.code == code and issue.path.endswith(key_end):
            return example
    return None
