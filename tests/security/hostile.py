# SPDX-License-Identifier: EUPL-1.2
"""The classes of hostile input the harness (``test_hostile_input.py``) sends to every route of the matrix.

Each class is a function of a matrix case that yields ``Probe`` s: one request each, built from the case's own
path and data, so a route that joins the matrix is probed without any change here. The counts of
``docs/quality.md`` come from ``summary()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests.security.cells import ROLES, Case

# Look-alike digits: Arabic-Indic, extended Arabic-Indic, Devanagari, full-width and mathematical bold "123".
UNICODE_DIGITS = ("١٢٣", "۱۲۳", "१२३", "１２３", "𝟏𝟐𝟑")
HUGE_IDS = ("2147483648", "9223372036854775808")
# Percent-encoded so that they reach the server as written (NUL, a UTF-16 surrogate's UTF-8 bytes).
PATH_SEGMENTS = (
    ("nul", "a%00b"),
    ("surrogate-bytes", "%ED%A0%80"),
    ("negative", "-1"),
    *(("huge", value) for value in HUGE_IDS),
    ("unicode-digits", quote(UNICODE_DIGITS[0])),
    ("unicode-digits", quote(UNICODE_DIGITS[3])),
)
QUERY = "limit=99999999999999999999&cursor=eyJpZCI6MWU0MDB9&page=-1&per_page=%D9%A1&q=a%ED%A0%80b&year=%EF%BC%91"
# A JSON document nested far deeper than any parser's stack (the 100,000 levels).
DEEP_JSON = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
WRONG_TYPES: tuple[Any, ...] = (None, [], {}, True, 2**64, -(2**63) - 1, 1.5e308, "١٢٣", ["a", {"b": []}])
BARE_CR_CSV = "type,commons,title,member_state\nfunding,x,a\rb,FR\n"


@dataclass
class Probe:
    """One hostile request: ``kind`` names its class (as counted in docs/quality.md)."""

    kind: str
    path: str
    method: str = "GET"
    json_body: Any = None
    raw: bytes | None = None
    content_type: str | None = None
    form: dict[str, Any] | None = None
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    allowed: frozenset[int] = frozenset()  # statuses other than "no 5xx" a probe insists on (empty: any 4xx/2xx/3xx)


def _split(template: str) -> tuple[str, str]:
    path, _, query = template.partition("?")
    return path, query


def path_probes(case: Case, filled: str, ctx: dict[str, Any]) -> Iterator[Probe]:
    """Each segment filled from the scenario (a slug, a ref, an id) replaced by each hostile segment."""
    template, _query = _split(case.path)
    path, query = _split(filled)
    segments = template.split("/")
    real = path.split("/")
    if len(segments) != len(real):
        return
    for index, segment in enumerate(segments):
        if "{" not in segment:
            continue
        for kind, value in PATH_SEGMENTS:
            parts = list(real)
            parts[index] = value
            yield Probe(f"path:{kind}", "/".join(parts) + (f"?{query}" if query else ""), case.method)
    # NUL in a path segment is never a page: 404 before any view, whatever the route.
    if any("{" in s for s in segments):
        first = next(i for i, s in enumerate(segments) if "{" in s)
        parts = list(real)
        parts[first] = real[first] + "%00"
        yield Probe("path:nul-suffix", "/".join(parts), case.method, allowed=frozenset({404}))


def query_probes(case: Case, filled: str) -> Iterator[Probe]:
    if case.method != "GET":
        return
    path, query = _split(filled)
    yield Probe("query:hostile-values", f"{path}?{query + '&' if query else ''}{QUERY}")
    yield Probe("query:nul", f"{path}?{query + '&' if query else ''}q=a%00b", allowed=frozenset({422}))


def _strings(data: dict[str, Any]) -> list[str]:
    return [key for key, value in data.items() if isinstance(value, str)]


def json_probes(case: Case, filled: str, data: dict[str, Any]) -> Iterator[Probe]:
    method = case.method
    keys = list(data) or ["name"]
    for key in keys:
        body = dict(data)
        body[key] = "a\ud800b"
        yield Probe("json:lone-surrogate", filled, method, json_body=body, allowed=frozenset({422}))
    yield Probe("json:lone-surrogate-key", filled, method, json_body={**data, "\udfff": 1})
    yield Probe("json:deep-nesting", filled, method, raw=DEEP_JSON, content_type="application/json")
    deep_list = b"[" * 40 + b"]" * 40
    yield Probe("json:nesting-40", filled, method, raw=deep_list, content_type="application/json")
    for position, key in enumerate(keys):
        # Each field alone gets a wrong type (rotating through the list); then every field at once gets each.
        wrong = WRONG_TYPES[position % len(WRONG_TYPES)]
        yield Probe("json:wrong-type", filled, method, json_body={**data, key: wrong})
    for wrong in WRONG_TYPES:
        yield Probe("json:wrong-type", filled, method, json_body=dict.fromkeys(keys, wrong))
    pairs = ",".join(f"{json.dumps(k)}:{json.dumps(v)},{json.dumps(k)}:[1,{{}}]" for k, v in data.items())
    yield Probe(
        "json:duplicate-keys", filled, method, raw=("{" + pairs + "}").encode(), content_type="application/json"
    )
    yield Probe("json:not-an-object", filled, method, raw=b'["a", 1]', content_type="application/json")
    yield Probe("json:invalid-utf8", filled, method, raw=b'{"a": "\xed\xa0\x80"}', content_type="application/json")


def _multipart(fields: list[tuple[str, str]], boundary: str = "hostileXX") -> bytes:
    """A multipart body written by hand, so that field names can be malformed on purpose."""
    out = b""
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        out += b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def form_probes(case: Case, filled: str, data: dict[str, Any]) -> Iterator[Probe]:
    method = case.method
    keys = [k for k in data if k != "csrf_token"] or ["name"]
    for index, key in enumerate(keys):
        # Each field alone: look-alike digits, or the field sent three times (a list where one value is read).
        if index % 2 == 0:
            yield Probe("form:unicode-digits", filled, method, form={**data, key: UNICODE_DIGITS[index // 2 % 5]})
        else:
            yield Probe("form:repeated-field", filled, method, form={**data, key: ["1", "x", ""]})
    yield Probe("form:unicode-digits", filled, method, form={**data, **dict.fromkeys(keys, UNICODE_DIGITS[3])})
    yield Probe("form:huge-number", filled, method, form={**data, **dict.fromkeys(keys, "9" * 5000)})
    yield Probe("form:negative-number", filled, method, form={**data, **dict.fromkeys(keys, "-1")})
    yield Probe("form:nul", filled, method, form={**data, keys[0]: "a\x00b"}, allowed=frozenset({422}))
    yield Probe("form:invalid-utf8", filled, method, raw=b"name=%ED%A0%80&title=\xff", content_type="form")
    for bad in ("a\\", "a\x00b"):
        yield Probe(
            "multipart:malformed-name",
            filled,
            method,
            content_type="multipart",
            form={bad: "v"},
            allowed=frozenset({422} if "\x00" in bad else {400}),
        )
    yield Probe(
        "csv:bare-cr",
        filled,
        method,
        form=dict(data),
        files={"file": (BARE_CR_CSV.encode(), "import.csv")},
    )


def api_multipart_probes(case: Case, filled: str) -> Iterator[Probe]:
    method = case.method
    for bad in ("a\\",):
        body = _multipart([(bad, "v")])
        yield Probe(
            "multipart:malformed-name",
            filled,
            method,
            raw=body,
            content_type="multipart/form-data; boundary=hostileXX",
            allowed=frozenset({400}),
        )
    yield Probe("csv:bare-cr", filled, method, raw=BARE_CR_CSV.encode(), content_type="text/csv")


def probes(case: Case, filled: str, data: dict[str, Any] | None, ctx: dict[str, Any]) -> list[Probe]:
    """Every hostile request for one case (its path already filled from the scenario)."""
    out = list(path_probes(case, filled, ctx))
    out.extend(query_probes(case, filled))
    if case.method != "GET":
        body = dict(data or {})
        if case.json:
            out.extend(json_probes(case, filled, body))
            out.extend(api_multipart_probes(case, filled))
        else:
            out.extend(form_probes(case, filled, body))
    return out


def reaching_roles(case: Case) -> list[str]:
    """The roles the matrix lets reach the route (not refused, not sent to the login page): at most two (the
    least and the most privileged), else the admin (who then meets the refusal after the input checks)."""
    allowed = [
        role
        for role in ROLES
        if case.expect[role] < 400 and not (case.expect[role] == 302 and role == "anonymous" and not case.json)
    ]
    if not allowed:
        return ["admin"]
    if len(allowed) <= 2:
        return allowed
    return [allowed[0], allowed[-1]]


def summary(cases: list[Case], ctx: dict[str, Any], fill: Callable[[Any, dict[str, Any]], Any]) -> dict[str, int]:
    """How many requests of each class the harness sends (for docs/quality.md)."""
    counts: dict[str, int] = {}
    for case in cases:
        roles = reaching_roles(case)
        data = fill(case.data, ctx) if case.data is not None else None
        for probe in probes(case, fill(case.path, ctx), data, ctx):
            counts[probe.kind] = counts.get(probe.kind, 0) + len(roles)
    return counts
