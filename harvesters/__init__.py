# SPDX-License-Identifier: EUPL-1.2
"""Forge clients and publiccode.yml parsing: a pure library (no Flask, no database).

Every function takes a requests-like session as a required argument; the application builds it with
``commons.outbound`` so that all outbound traffic is guarded.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests

from harvesters.base import (
    CacheEntry,
    ForgeClient,
    HarvestItem,
    HttpCache,
    MemoryHttpCache,
    PreviousState,
)
from harvesters.gitea import GiteaClient
from harvesters.github import GitHubClient
from harvesters.gitlab import GitLabClient
from harvesters.records import (
    FAILURE_CAUSES,
    FORGE_KINDS,
    ForgeKind,
    HarvestError,
    ItemError,
    ListingUnchanged,
    RepositoryNotFound,
    RepositoryRecord,
    SourceSpec,
    default_api_base,
    failure_cause,
    source_from_url,
    split_repository_url,
)

__all__ = [
    "FAILURE_CAUSES",
    "FORGE_KINDS",
    "CacheEntry",
    "ForgeKind",
    "HarvestError",
    "HarvestItem",
    "HttpCache",
    "ItemError",
    "ListingUnchanged",
    "MemoryHttpCache",
    "PreviousState",
    "RepositoryNotFound",
    "RepositoryRecord",
    "SourceSpec",
    "client_class",
    "failure_cause",
    "fetch_repository",
    "harvest_source",
    "source_from_url",
]

_CLIENTS: dict[str, type[ForgeClient]] = {
    "github": GitHubClient,
    "gitlab": GitLabClient,
    "gitea": GiteaClient,
}


def client_class(kind: str) -> type[ForgeClient]:
    """The client class for a forge kind; ValueError for an unknown kind."""
    try:
        return _CLIENTS[kind]
    except KeyError:
        raise ValueError(f"unknown forge kind {kind!r} (expected one of {', '.join(FORGE_KINDS)})") from None


def harvest_source(
    spec: SourceSpec,
    session: requests.Session,
    cache: HttpCache,
    state: PreviousState | None = None,
    max_pages: int = 200,
) -> Iterator[HarvestItem]:
    """Yield records, ``ListingUnchanged`` markers and ``ItemError`` s for one source, page by page.

    Request errors are yielded as ``ItemError`` and the walk stops or goes on where it safely can. An
    ``ItemError`` with stage ``"listing"`` means the listing is incomplete: do not treat repositories
    missing from this run as gone. Exceptions that are not request errors (e.g. a spent host budget)
    propagate and end the run.
    """
    return client_class(spec.kind)(spec, session).harvest(cache, state, max_pages)


def fetch_repository(
    kind: ForgeKind, repo_url: str, session: requests.Session, api_url: str | None = None
) -> RepositoryRecord:
    """Fetch one repository by its web URL (``https://codeberg.org/o/r``, ``.git`` and ``/`` allowed).

    Raises ValueError for a malformed URL, RepositoryNotFound for a 404, HarvestError otherwise.
    publiccode.yml is fetched too; if that fetch fails ``publiccode_checked`` stays False.
    """
    scheme, netloc, _segments = split_repository_url(repo_url)
    api_base = api_url.rstrip("/") if api_url else default_api_base(kind, scheme, netloc)
    client = client_class(kind)(None, session, api_base=api_base)
    return client.fetch_one(repo_url)
