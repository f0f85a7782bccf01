# SPDX-License-Identifier: EUPL-1.2
"""GitLab API v4 client: group (with subgroups) or user projects, publiccode.yml."""

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

PER_PAGE = 100

# GitLab reports licences by licensee key (lowercase); the common ones mapped to SPDX identifiers.
_LICENSE_KEYS = {
    "agpl-3.0": "AGPL-3.0",
    "apache-2.0": "Apache-2.0",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsl-1.0": "BSL-1.0",
    "cc0-1.0": "CC0-1.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "epl-2.0": "EPL-2.0",
    "eupl-1.1": "EUPL-1.1",
    "eupl-1.2": "EUPL-1.2",
    "gpl-2.0": "GPL-2.0",
    "gpl-3.0": "GPL-3.0",
    "lgpl-2.1": "LGPL-2.1",
    "lgpl-3.0": "LGPL-3.0",
    "mit": "MIT",
    "mpl-2.0": "MPL-2.0",
    "unlicense": "Unlicense",
    "isc": "ISC",
    "cecill-2.1": "CECILL-2.1",
}


def _license(obj: dict[str, Any]) -> str | None:
    licence = obj.get("license")
    if licence is None:
        return None
    if not isinstance(licence, dict):
        raise MalformedItem("license is not an object")
    key = licence.get("key")
    if not isinstance(key, str):
        return None
    return _LICENSE_KEYS.get(key.lower())


class GitLabClient(ForgeClient):
    """GitLab REST v4 (gitlab.com and self-managed)."""

    kind = "gitlab"

    def listing_urls(self) -> list[str]:
        """Group projects including subgroups (keyset pagination), then user projects."""
        assert self.spec is not None
        owner = quote(self.spec.owner, safe="")
        keyset = f"per_page={PER_PAGE}&pagination=keyset&order_by=id&sort=asc"
        return [
            f"{self.api_base}/groups/{owner}/projects?include_subgroups=true&{keyset}",
            f"{self.api_base}/users/{owner}/projects?{keyset}",
        ]

    def next_page(self, url: str, response: requests.Response, items: list[Any]) -> str | None:
        """Keyset or offset Link header; else X-Next-Page; else the next offset page after a full one."""
        linked = link_next(response)
        if linked:
            return linked
        next_page = response.headers.get("X-Next-Page", "").strip()
        if next_page.isdigit():
            return with_query(url, page=next_page, pagination=None, id_after=None)
        if "X-Next-Page" in response.headers or len(items) < PER_PAGE:
            return None
        # A server that ignored keyset and sent no pagination headers: walk offset pages.
        query = dict(parse_qsl(urlsplit(url).query))
        page = int(query["page"]) + 1 if query.get("page", "").isdigit() else 2
        return with_query(url, page=page, pagination=None, id_after=None)

    def parse(self, obj: dict[str, Any], host: str) -> RepositoryRecord:
        """Read a project object of the listing (no extra request)."""
        full_name = read_str(obj, "path_with_namespace", required=True) or ""
        namespace = obj.get("namespace")
        owner = namespace.get("full_path") if isinstance(namespace, dict) else None
        if not isinstance(owner, str) or not owner:
            owner = full_name.rsplit("/", 1)[0] if "/" in full_name else full_name
        activity = parse_time(obj.get("last_activity_at"), "last_activity_at")
        readme = obj.get("readme_url", ...)
        return RepositoryRecord(
            host=host,
            remote_id=read_id(obj),
            full_name=full_name,
            name=read_str(obj, "path") or full_name.rsplit("/", 1)[-1],
            owner=owner,
            web_url=read_str(obj, "web_url", required=True) or "",
            description=read_str(obj, "description"),
            license_spdx=_license(obj),
            topics=read_str_list(obj, "topics", "tag_list"),
            languages=[],
            stars=read_int(obj, "star_count"),
            forks=read_int(obj, "forks_count"),
            open_issues=read_int(obj, "open_issues_count"),
            default_branch=read_str(obj, "default_branch"),
            created_at=parse_time(obj.get("created_at"), "created_at"),
            pushed_at=activity,
            updated_at=activity,
            archived=read_bool(obj, "archived"),
            fork=obj.get("forked_from_project") is not None,
            homepage=None,
            # readme_url is in every listing object: a free answer when the key is present.
            has_readme=None if readme is ... else readme is not None,
        )

    def file_request(self, record: RepositoryRecord, path: str) -> tuple[str, dict[str, str]] | None:
        """The raw file endpoint; an empty project has no default branch and nothing to fetch."""
        if not record.default_branch:
            return None
        url = (
            f"{self.api_base}/projects/{quote(record.remote_id, safe='')}/repository/files/"
            f"{quote(path, safe='')}/raw?ref={quote(record.default_branch, safe='')}"
        )
        return url, {}

    def publiccode_web_url(self, record: RepositoryRecord) -> str:
        """GitLab's web view of a file on a branch."""
        return f"{record.web_url}/-/blob/{record.default_branch}/publiccode.yml"

    def repository_api_url(self, segments: list[str]) -> str:
        """``/projects/{url-encoded path}`` (nested groups allowed)."""
        return f"{self.api_base}/projects/{quote('/'.join(segments), safe='')}"


def harvest(
    spec: SourceSpec,
    session: requests.Session,
    cache: HttpCache,
    state: PreviousState | None = None,
    max_pages: int = 200,
) -> Iterator[HarvestItem]:
    """Yield the projects of a GitLab group (subgroups included) or user, page by page."""
    return GitLabClient(spec, session).harvest(cache, state, max_pages)
