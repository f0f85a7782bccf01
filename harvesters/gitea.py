# SPDX-License-Identifier: EUPL-1.2
"""Gitea / Forgejo (Codeberg) API v1 client: organisation or user repositories, publiccode.yml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import requests

from harvesters.base import (
    ForgeClient,
    HarvestItem,
    HttpCache,
    MalformedItem,
    PreviousState,
    link_next,
    parse_time,
    read_bool,
    read_id,
    read_int,
    read_str,
    read_str_list,
    with_query,
)
from harvesters.records import RepositoryRecord, SourceSpec

# Gitea's default MAX_RESPONSE_ITEMS; asking for more is silently capped anyway.
PAGE_SIZE = 50


class GiteaClient(ForgeClient):
    """Gitea and Forgejo API v1."""

    kind = "gitea"

    def listing_urls(self) -> list[str]:
        """Organisation first, then user."""
        assert self.spec is not None
        owner = quote(self.spec.owner, safe="")
        query = f"limit={PAGE_SIZE}&page=1"
        return [f"{self.api_base}/orgs/{owner}/repos?{query}", f"{self.api_base}/users/{owner}/repos?{query}"]

    def next_page(self, url: str, response: requests.Response, items: list[Any]) -> str | None:
        """Link header when sent, else the next page number until a short page or X-Total-Count."""
        linked = link_next(response)
        if linked:
            return linked
        if not items:
            return None
        query = dict(parse_qsl(urlsplit(url).query))
        try:
            page = int(query.get("page", "1"))
            limit = int(query.get("limit", str(PAGE_SIZE)))
        except ValueError:
            return None
        total = response.headers.get("X-Total-Count", "")
        if total.isdigit():
            if page * limit >= int(total):
                return None
        elif len(items) < limit:
            return None
        return with_query(url, page=page + 1)

    def parse(self, obj: dict[str, Any], host: str) -> RepositoryRecord:
        """Read a repository object of the listing (no extra request)."""
        full_name = read_str(obj, "full_name", required=True) or ""
        owner_obj = obj.get("owner")
        owner = owner_obj.get("login", owner_obj.get("username")) if isinstance(owner_obj, dict) else None
        if not isinstance(owner, str) or not owner:
            owner = full_name.split("/", 1)[0]
        licences = read_str_list(obj, "licenses")
        language = read_str(obj, "language")
        updated_at = parse_time(obj.get("updated_at"), "updated_at")
        if obj.get("topics") is not None and not isinstance(obj.get("topics"), list):
            raise MalformedItem("topics is not a list")
        return RepositoryRecord(
            host=host,
            remote_id=read_id(obj),
            full_name=full_name,
            name=read_str(obj, "name") or full_name.rsplit("/", 1)[-1],
            owner=owner,
            web_url=read_str(obj, "html_url", required=True) or "",
            description=read_str(obj, "description"),
            license_spdx=" AND ".join(sorted(set(licences))) or None,
            topics=read_str_list(obj, "topics"),
            languages=[language] if language else [],
            stars=read_int(obj, "stars_count"),
            forks=read_int(obj, "forks_count"),
            open_issues=read_int(obj, "open_issues_count"),
            default_branch=read_str(obj, "default_branch"),
            created_at=parse_time(obj.get("created_at"), "created_at"),
            # Gitea lists no push time; its updated_at moves on every push, so it stands in.
            pushed_at=updated_at,
            updated_at=updated_at,
            archived=read_bool(obj, "archived"),
            fork=read_bool(obj, "fork"),
            homepage=read_str(obj, "website"),
            has_readme=None,
        )

    def file_request(self, record: RepositoryRecord, path: str) -> tuple[str, dict[str, str]] | None:
        """The raw file endpoint on the default branch."""
        if obj_is_empty(record):
            return None
        repo = "/".join(quote(part, safe="") for part in record.full_name.split("/"))
        file_path = "/".join(quote(part, safe="") for part in path.split("/"))
        url = f"{self.api_base}/repos/{repo}/raw/{file_path}"
        if record.default_branch:
            url += f"?ref={quote(record.default_branch, safe='')}"
        return url, {}

    def publiccode_web_url(self, record: RepositoryRecord) -> str:
        """Gitea's web view of a file on a branch."""
        return f"{record.web_url}/src/branch/{record.default_branch}/publiccode.yml"

    def repository_api_url(self, segments: list[str]) -> str:
        """``/repos/{owner}/{name}``."""
        if len(segments) != 2:
            raise ValueError("a Gitea repository URL has exactly two path segments: owner/name")
        return f"{self.api_base}/repos/{quote(segments[0], safe='')}/{quote(segments[1], safe='')}"


def obj_is_empty(record: RepositoryRecord) -> bool:
    """An empty repository has no default branch to read from."""
    return not record.default_branch


def harvest(
    spec: SourceSpec,
    session: requests.Session,
    cache: HttpCache,
    state: PreviousState | None = None,
    max_pages: int = 200,
) -> Iterator[HarvestItem]:
    """Yield the repositories of a Gitea/Forgejo organisation or user, page by page."""
    return GiteaClient(spec, session).harvest(cache, state, max_pages)
