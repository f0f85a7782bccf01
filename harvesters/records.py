# SPDX-License-Identifier: EUPL-1.2
"""Plain records yielded by the forge clients. No Flask, no database: the app maps them to models."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

ForgeKind = Literal["github", "gitlab", "gitea"]
FORGE_KINDS: tuple[ForgeKind, ...] = ("github", "gitlab", "gitea")

_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-~]+$")


@dataclass(frozen=True)
class SourceSpec:
    """One forge account to harvest: an organisation, a user or (GitLab) a group path."""

    kind: ForgeKind
    api_base: str
    owner: str
    web_url: str


@dataclass
class RepositoryRecord:
    """One repository as a forge listing describes it, normalised across forges.

    ``publiccode_checked`` tells whether the client looked for publiccode.yml in this run: when False,
    ``publiccode_raw`` is None because nothing was fetched (repository unchanged, or the fetch failed),
    not because the file is absent, so the stored value must be kept.
    """

    host: str
    remote_id: str
    full_name: str
    name: str
    owner: str
    web_url: str
    description: str | None = None
    license_spdx: str | None = None
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    stars: int = 0
    forks: int = 0
    open_issues: int = 0
    default_branch: str | None = None
    created_at: datetime | None = None
    pushed_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool = False
    fork: bool = False
    homepage: str | None = None
    publiccode_raw: str | None = None
    publiccode_url: str | None = None
    has_readme: bool | None = None
    has_contributing: bool | None = None
    has_governance: bool | None = None
    publiccode_checked: bool = False
    # The validation of publiccode_raw made while harvesting, with the logo fetched from the forge
    # (a harvesters.publiccode.PubliccodeResult); None when the file was not fetched.
    publiccode_result: Any = None


@dataclass(frozen=True)
class ListingUnchanged:
    """A listing page answered 304: these repositories are still there and unchanged."""

    remote_ids: list[str]


# Why a request to a forge failed, in words the application translates for people. Classified once, where
# the failure happens (the exception or the status is at hand there), and carried with the error.
FAILURE_CAUSES = (
    "unresolved",  # the host name did not resolve
    "refused",  # the outbound guard refused the address or URL
    "unreachable",  # the connection was refused or reset
    "timeout",  # no answer in time
    "server_error",  # HTTP 5xx
    "rate_limited",  # HTTP 429 after the retries
    "not_found",  # HTTP 404
    "http_error",  # another HTTP status
    "malformed",  # the answer could not be read
    "too_large",  # the answer was past the byte cap
    "page_cap",  # the listing stopped at the page cap
    "loop",  # the pagination went round in a loop
    "budget",  # the per-host request budget is spent
    "error",  # anything else
)


def failure_cause(exc: BaseException) -> str:
    """The cause (one of ``FAILURE_CAUSES``) of a failed request, from the exception and its chain.

    Exceptions of the outbound session carry their own ``cause`` attribute (the guard's refusals, a host
    that does not resolve, a spent budget); ``requests`` errors are classified by type and by what they wrap.
    """
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain:
        cause = getattr(type(item), "cause", None) or getattr(item, "cause", None)
        if isinstance(cause, str) and cause in FAILURE_CAUSES and cause != "error":
            return cause
    for item in chain:
        if isinstance(item, requests.Timeout | TimeoutError):
            return "timeout"
    for item in chain:
        if isinstance(item, socket.gaierror) or "NameResolutionError" in type(item).__name__:
            return "unresolved"
        if isinstance(item, requests.ConnectionError | ConnectionError):
            # urllib3 keeps the resolver's error only as text inside the connection error.
            text = str(item)
            if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
                return "unresolved"
            return "unreachable"
    for item in chain:
        if isinstance(item, requests.exceptions.ChunkedEncodingError):
            return "unreachable"
        if isinstance(item, ValueError):
            return "malformed"
    return "error"


def status_cause(status: int) -> str:
    """The cause of an HTTP status that is not the expected answer."""
    if status >= 500:
        return "server_error"
    if status == 429:
        return "rate_limited"
    if status == 404:
        return "not_found"
    return "http_error"


@dataclass(frozen=True)
class ItemError:
    """One failing page or repository; the run goes on. ``cause`` is one of ``FAILURE_CAUSES``."""

    remote_id: str | None
    full_name: str | None
    url: str
    stage: str
    message: str
    cause: str = "error"


class HarvestError(Exception):
    """A single-repository fetch failed (see :func:`harvesters.fetch_repository`); ``cause`` says why."""

    def __init__(self, message: str, cause: str = "error") -> None:
        super().__init__(message)
        self.cause = cause


class RepositoryNotFound(HarvestError):
    """The forge says the repository does not exist (or is not public)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "not_found")


def _split_web_url(url: str) -> tuple[str, str, list[str]]:
    """Return (scheme, lowercased netloc without default port, path segments) or raise ValueError."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("a forge URL is required")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"malformed URL {url!r}: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"forge URL must start with http:// or https://, got {url!r}")
    if not parts.hostname or parts.username or parts.password:
        raise ValueError(f"forge URL {url!r} must name a host (and no credentials)")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    default_port = 443 if parts.scheme == "https" else 80
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][: -len(".git")]
    for segment in segments:
        if not _SEGMENT.match(segment):
            raise ValueError(f"forge URL {url!r} has an unexpected path segment {segment!r}")
    return parts.scheme, netloc, segments


def default_api_base(kind: ForgeKind, scheme: str, netloc: str) -> str:
    """The API root of a forge from its web address (github.com, GitHub Enterprise, GitLab, Gitea)."""
    if kind == "github":
        return "https://api.github.com" if netloc == "github.com" else f"{scheme}://{netloc}/api/v3"
    if kind == "gitlab":
        return f"{scheme}://{netloc}/api/v4"
    if kind == "gitea":
        return f"{scheme}://{netloc}/api/v1"
    raise ValueError(f"unknown forge kind {kind!r} (expected one of {', '.join(FORGE_KINDS)})")


def _check_api_url(api_url: str) -> str:
    scheme, netloc, segments = _split_web_url(api_url)
    return f"{scheme}://{netloc}" + "".join(f"/{s}" for s in segments)


def source_from_url(kind: ForgeKind, url: str, api_url: str | None = None) -> SourceSpec:
    """Describe the account at ``url`` (``https://github.com/etalab``, ``https://gitlab.com/groups/a/b``).

    ``api_url`` overrides the default API root (GitHub Enterprise: ``https://ghe.example/api/v3``).
    Raises ValueError with a readable message on anything else.
    """
    if kind not in FORGE_KINDS:
        raise ValueError(f"unknown forge kind {kind!r} (expected one of {', '.join(FORGE_KINDS)})")
    scheme, netloc, segments = _split_web_url(url)
    if kind == "gitlab":
        if segments[:1] == ["groups"]:
            segments = segments[1:]
        if not segments:
            raise ValueError(f"GitLab URL {url!r} names no group or user")
        owner = "/".join(segments)
    else:
        if len(segments) == 2 and segments[0] in ("orgs", "org", "users", "user"):
            segments = segments[1:]
        if len(segments) != 1:
            raise ValueError(f"{kind} URL {url!r} must name one organisation or user, like {scheme}://{netloc}/etalab")
        owner = segments[0]
    api_base = _check_api_url(api_url) if api_url else default_api_base(kind, scheme, netloc)
    return SourceSpec(kind=kind, api_base=api_base, owner=owner, web_url=f"{scheme}://{netloc}/{owner}")


def split_repository_url(url: str) -> tuple[str, str, list[str]]:
    """Split a repository web URL into (scheme, netloc, path segments), normalising ``.git`` and case."""
    scheme, netloc, segments = _split_web_url(url)
    if len(segments) < 2:
        raise ValueError(f"repository URL {url!r} must look like {scheme}://{netloc}/owner/name")
    if "-" in segments:
        # GitLab UI links like /group/repo/-/tree/main: keep only the project path.
        segments = segments[: segments.index("-")]
    return scheme, netloc, segments
