# SPDX-License-Identifier: EUPL-1.2
"""GitHub (and GitHub Enterprise) REST client: organisation or user repositories, publiccode.yml."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

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
)
from harvesters.records import RepositoryRecord, SourceSpec

PER_PAGE = 100
# GitHub's placeholders for "a licence file we could not identify".
_NO_SPDX = {"NOASSERTION", "OTHER", ""}


def _license(obj: dict[str, Any]) -> str | None:
    licence = obj.get("license")
    if licence is None:
        return None
    if not isinstance(licence, dict):
        raise MalformedItem("license is not an object")
    spdx = licence.get("spdx_id")
    if not isinstance(spdx, str) or spdx.upper() in _NO_SPDX or licence.get("key") == "other":
        return None
    return spdx


class GitHubClient(ForgeClient):
    """GitHub REST v3."""

    kind = "github"

    def listing_urls(self) -> list[str]:
        """Organisation first, then user (``/orgs/x`` answers 404 for a user account)."""
        assert self.spec is not None
        owner = quote(self.spec.owner, safe="")
        query = f"per_page={PER_PAGE}&type=all"
        return [f"{self.api_base}/orgs/{owner}/repos?{query}", f"{self.api_base}/users/{owner}/repos?{query}"]

    def next_page(self, url: str, response: requests.Response, items: list[Any]) -> str | None:
        """GitHub paginates with Link headers only."""
        return link_next(response)

    def parse(self, obj: dict[str, Any], host: str) -> RepositoryRecord:
        """Read a repository object of the listing (no extra request)."""
        full_name = read_str(obj, "full_name", required=True) or ""
        owner_obj = obj.get("owner")
        owner = owner_obj.get("login") if isinstance(owner_obj, dict) else None
        if not isinstance(owner, str) or not owner:
            owner = full_name.split("/", 1)[0]
        name = read_str(obj, "name") or full_name.rsplit("/", 1)[-1]
        language = read_str(obj, "language")
        return RepositoryRecord(
            host=host,
            remote_id=read_id(obj),
            full_name=full_name,
            name=name,
            owner=owner,
            web_url=read_str(obj, "html_url", required=True) or "",
            description=read_str(obj, "description"),
            license_spdx=_license(obj),
            topics=read_str_list(obj, "topics"),
            languages=[language] if language else [],
            stars=read_int(obj, "stargazers_count"),
            forks=read_int(obj, "forks_count"),
            open_issues=read_int(obj, "open_issues_count"),
            default_branch=read_str(obj, "default_branch"),
            created_at=parse_time(obj.get("created_at"), "created_at"),
            pushed_at=parse_time(obj.get("pushed_at"), "pushed_at"),
            updated_at=parse_time(obj.get("updated_at"), "updated_at"),
            archived=read_bool(obj, "archived"),
            fork=read_bool(obj, "fork"),
            homepage=read_str(obj, "homepage"),
        )

    def file_request(self, record: RepositoryRecord, path: str) -> tuple[str, dict[str, str]] | None:
        """The contents API, asking for the raw file (no 1 MB base64 limit)."""
        repo = "/".join(quote(part, safe="") for part in record.full_name.split("/"))
        file_path = "/".join(quote(part, safe="") for part in path.split("/"))
        url = f"{self.api_base}/repos/{repo}/contents/{file_path}"
        if record.default_branch:
            url += f"?ref={quote(record.default_branch, safe='')}"
        return url, {"Accept": "application/vnd.github.raw"}

    def decode_file(self, response: requests.Response) -> bytes:
        """Raw bytes, or the base64 JSON form when the server ignored the raw media type."""
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type:
            return response.content
        payload = response.json()
        if not isinstance(payload, dict) or payload.get("type", "file") != "file":
            raise ValueError("not a file")
        content = payload.get("content")
        if payload.get("encoding") != "base64" or not isinstance(content, str):
            raise ValueError("content is not base64")
        try:
            return base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"content is not valid base64: {exc}") from exc

    def repository_api_url(self, segments: list[str]) -> str:
        """``/repos/{owner}/{name}``; a renamed repository redirects to ``/repositories/{id}``."""
        if len(segments) != 2:
            raise ValueError("a GitHub repository URL has exactly two path segments: owner/name")
        return f"{self.api_base}/repos/{quote(segments[0], safe='')}/{quote(segments[1], safe='')}"


def harvest(
    spec: SourceSpec,
    session: requests.Session,
    cache: HttpCache,
    state: PreviousState | None = None,
    max_pages: int = 200,
) -> Iterator[HarvestItem]:
    """Yield the repositories of a GitHub organisation or user, page by page."""
    return GitHubClient(spec, session).harvest(cache, state, max_pages)
