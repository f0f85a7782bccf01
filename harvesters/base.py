# SPDX-License-Identifier: EUPL-1.2
"""Logic shared by the forge clients: conditional listing requests, pagination, per-item errors.

A client subclasses :class:`ForgeClient` and says how to build listing URLs, find the next page, turn one
JSON object into a :class:`RepositoryRecord` and fetch publiccode.yml. The walk itself (ETag cache, 304
short cut, loop and page caps, errors recorded per page and per item) lives here once.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from harvesters.publiccode import AssetReader, AssetUnavailable, parse_publiccode
from harvesters.records import (
    HarvestError,
    ItemError,
    ListingUnchanged,
    RepositoryNotFound,
    RepositoryRecord,
    SourceSpec,
    failure_cause,
    split_repository_url,
    status_cause,
)

HarvestItem = RepositoryRecord | ListingUnchanged | ItemError


@dataclass
class CacheEntry:
    """What we remember about one listing page between runs."""

    etag: str | None
    last_modified: str | None
    next_url: str | None
    remote_ids: list[str] = field(default_factory=list)


class HttpCache(Protocol):
    """Validators of listing pages, keyed by the page URL. The app persists them in its database."""

    def get(self, url: str) -> CacheEntry | None: ...

    def put(self, url: str, entry: CacheEntry) -> None: ...


class MemoryHttpCache:
    """An :class:`HttpCache` in a dict, for tests and one-off runs."""

    def __init__(self) -> None:
        self.entries: dict[str, CacheEntry] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> CacheEntry | None:
        """Return the entry stored for ``url``, if any."""
        with self._lock:
            return self.entries.get(url)

    def put(self, url: str, entry: CacheEntry) -> None:
        """Store ``entry`` for ``url``."""
        with self._lock:
            self.entries[url] = entry


class PreviousState(Protocol):
    """What the catalogue already knows, so unchanged repositories cost no extra request."""

    def previous_pushed_at(self, host: str, remote_id: str) -> datetime | None: ...


class MalformedItem(ValueError):
    """One repository object from a listing cannot be read."""


# --- small readers shared by the clients -------------------------------------------------------------


def parse_time(value: Any, name: str) -> datetime | None:
    """Read an ISO 8601 timestamp into an aware UTC datetime (naive values are taken as UTC)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedItem(f"{name} is not a timestamp: {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise MalformedItem(f"{name} is not a timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def read_str(obj: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """Read an optional (or required, non-empty) string field."""
    value = obj.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise MalformedItem(f"missing {name}")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise MalformedItem(f"{name} is not a string: {value!r}")
    return value


def read_int(obj: dict[str, Any], name: str) -> int:
    """Read a counter; absent means 0 (e.g. GitLab omits open issues when issues are disabled)."""
    value = obj.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedItem(f"{name} is not a count: {value!r}")
    return value


def read_bool(obj: dict[str, Any], name: str) -> bool:
    """Read a flag; absent means False."""
    value = obj.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise MalformedItem(f"{name} is not a boolean: {value!r}")
    return value


def read_str_list(obj: dict[str, Any], *names: str) -> list[str]:
    """Read the first present list of strings among ``names`` (GitLab: topics, then tag_list)."""
    for name in names:
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MalformedItem(f"{name} is not a list of strings")
        return list(value)
    return []


def read_id(obj: dict[str, Any]) -> str:
    """Read the forge's numeric repository id as a string."""
    value = obj.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise MalformedItem(f"id is missing or invalid: {value!r}")
    return str(value)


_LINK = re.compile(r"<([^>]*)>\s*;([^,]*(?:,(?!\s*<)[^,]*)*)")


def link_next(response: requests.Response) -> str | None:
    """The ``rel="next"`` target of a Link header, if any."""
    header = response.headers.get("Link")
    if not header:
        return None
    for match in _LINK.finditer(header):
        target, params = match.group(1), match.group(2)
        rels = re.findall(r'rel\s*=\s*"?([^";]+)"?', params)
        if any("next" in rel.split() for rel in rels):
            return target.strip()
    return None


def with_query(url: str, **params: Any) -> str:
    """Return ``url`` with query parameters set (None removes one)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def web_host(url: str) -> str:
    """The lowercased host[:port] of a web URL, as stored in ``RepositoryRecord.host``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = 443 if parts.scheme == "https" else 80
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, web_host(url)


# --- the walk ------------------------------------------------------------------------------------------


class ForgeClient:
    """Base of the three clients. Subclasses fill in the forge-specific parts."""

    kind = ""

    def __init__(self, spec: SourceSpec | None, session: requests.Session, *, api_base: str = "") -> None:
        self.spec = spec
        self.session = session
        self.api_base = (spec.api_base if spec else api_base).rstrip("/")

    # --- to implement ---
    def listing_urls(self) -> list[str]:
        """The listing URLs to try in order; the next one is used when the previous answers 404."""
        raise NotImplementedError

    def next_page(self, url: str, response: requests.Response, items: list[Any]) -> str | None:
        """The URL of the page after ``url``, or None at the end."""
        raise NotImplementedError

    def parse(self, obj: dict[str, Any], host: str) -> RepositoryRecord:
        """Turn one listing object into a record; raise MalformedItem when it cannot be read."""
        raise NotImplementedError

    def file_request(self, record: RepositoryRecord, path: str) -> tuple[str, dict[str, str]] | None:
        """(API URL, headers) of the raw content of the file at ``path`` (relative, ``/``-separated) on the
        default branch, or None when there is nothing to fetch (an empty repository)."""
        raise NotImplementedError

    def publiccode_request(self, record: RepositoryRecord) -> tuple[str, dict[str, str]] | None:
        """(API URL, headers) to fetch publiccode.yml from, or None when there is nothing to fetch."""
        return self.file_request(record, "publiccode.yml")

    def publiccode_web_url(self, record: RepositoryRecord) -> str:
        """Where a person can read the publiccode.yml file."""
        return f"{record.web_url}/blob/{record.default_branch}/publiccode.yml"

    def decode_file(self, response: requests.Response) -> bytes:
        """A file's bytes from a successful raw-file response; ValueError when they cannot be read."""
        return response.content

    def decode_publiccode(self, response: requests.Response) -> str:
        """The file's text from a successful response."""
        return self.decode_file(response).decode("utf-8", errors="replace")

    def repository_api_url(self, segments: list[str]) -> str:
        """The API URL of one repository from its web path segments."""
        raise NotImplementedError

    # --- shared behaviour ---
    def harvest(
        self,
        cache: HttpCache,
        state: PreviousState | None = None,
        max_pages: int = 200,
    ) -> Iterator[HarvestItem]:
        """Walk the listing page by page; see :func:`harvesters.harvest_source`."""
        assert self.spec is not None
        host = web_host(self.spec.web_url)
        candidates = self.listing_urls()
        url: str | None = candidates[0]
        visited: set[str] = set()
        page_fingerprints: set[str] = set()
        pages = 0
        while url is not None:
            if pages >= max_pages:
                yield ItemError(None, None, url, "listing", f"stopped after {max_pages} pages (page cap)", "page_cap")
                return
            if url in visited:
                yield ItemError(None, None, url, "listing", "pagination loop: this page was already visited", "loop")
                return
            visited.add(url)
            pages += 1
            entry = cache.get(url)
            headers: dict[str, str] = {}
            if entry is not None:
                if entry.etag:
                    headers["If-None-Match"] = entry.etag
                if entry.last_modified:
                    headers["If-Modified-Since"] = entry.last_modified
            try:
                response = self.session.get(url, headers=headers)
            except requests.RequestException as exc:
                yield ItemError(None, None, url, "listing", _describe(exc), failure_cause(exc))
                return
            if response.status_code == 304 and entry is not None:
                # Nothing to parse: the page is what we saw last time, and so is its successor.
                yield ListingUnchanged(list(entry.remote_ids))
                url = entry.next_url
                continue
            if response.status_code == 404 and url in candidates and candidates.index(url) + 1 < len(candidates):
                url = candidates[candidates.index(url) + 1]
                pages -= 1
                continue
            if response.status_code != 200:
                yield ItemError(
                    None,
                    None,
                    url,
                    "listing",
                    f"HTTP {response.status_code} {response.reason}",
                    status_cause(response.status_code),
                )
                return
            try:
                items = response.json()
            except ValueError as exc:
                yield ItemError(None, None, url, "listing", f"malformed JSON: {exc}", "malformed")
                return
            if not isinstance(items, list):
                yield ItemError(None, None, url, "listing", "expected a JSON array of repositories", "malformed")
                return
            ids = [str(obj.get("id")) for obj in items if isinstance(obj, dict)]
            fingerprint = hashlib.sha256("\n".join(ids).encode()).hexdigest()
            if ids and fingerprint in page_fingerprints:
                yield ItemError(
                    None, None, url, "listing", "pagination loop: same repositories as a previous page", "loop"
                )
                return
            page_fingerprints.add(fingerprint)
            next_url = self.next_page(url, response, items)
            if next_url is not None and _origin(next_url) != _origin(self.api_base):
                yield ItemError(
                    None, None, next_url, "listing", "next page link leaves the forge's API host", "refused"
                )
                next_url = None
            clean = True
            remote_ids: list[str] = []
            for obj in items:
                for item in self._record_items(obj, host, url, state):
                    if isinstance(item, ItemError):
                        clean = False
                    else:
                        remote_ids.append(item.remote_id)
                    yield item
            # Only a page whose every item went through may be skipped next time on a 304.
            if clean:
                cache.put(
                    url,
                    CacheEntry(
                        response.headers.get("ETag"),
                        response.headers.get("Last-Modified"),
                        next_url,
                        remote_ids,
                    ),
                )
            url = next_url

    def _record_items(
        self, obj: Any, host: str, page_url: str, state: PreviousState | None
    ) -> Iterator[RepositoryRecord | ItemError]:
        try:
            if not isinstance(obj, dict):
                raise MalformedItem("repository entry is not a JSON object")
            record = self.parse(obj, host)
        except MalformedItem as exc:
            remote_id = obj.get("id") if isinstance(obj, dict) else None
            full_name = obj.get("full_name", obj.get("path_with_namespace")) if isinstance(obj, dict) else None
            yield ItemError(
                None if remote_id is None else str(remote_id),
                full_name if isinstance(full_name, str) else None,
                page_url,
                "parse",
                str(exc),
                "malformed",
            )
            return
        if self._needs_publiccode(record, state):
            error = self.fill_publiccode(record)
            if error is not None:
                yield error
        yield record

    def _needs_publiccode(self, record: RepositoryRecord, state: PreviousState | None) -> bool:
        if state is None:
            return True
        previous = state.previous_pushed_at(record.host, record.remote_id)
        current = record.pushed_at or record.updated_at
        if previous is None or current is None:
            return True
        if previous.tzinfo is None:
            # SQLite hands datetimes back naive; they were stored as UTC.
            previous = previous.replace(tzinfo=UTC)
        return previous != current

    def fill_publiccode(self, record: RepositoryRecord) -> ItemError | None:
        """Fetch publiccode.yml into ``record``; return an ItemError when the fetch failed."""
        request = self.publiccode_request(record)
        if request is None:
            record.publiccode_checked = True
            return None
        url, headers = request
        try:
            response = self.session.get(url, headers=headers)
        except requests.RequestException as exc:
            return ItemError(record.remote_id, record.full_name, url, "publiccode", _describe(exc), failure_cause(exc))
        if response.status_code == 404:
            record.publiccode_checked = True
            return None
        if response.status_code != 200:
            return ItemError(
                record.remote_id,
                record.full_name,
                url,
                "publiccode",
                f"HTTP {response.status_code}",
                status_cause(response.status_code),
            )
        try:
            record.publiccode_raw = self.decode_publiccode(response)
        except ValueError as exc:
            return ItemError(record.remote_id, record.full_name, url, "publiccode", str(exc), "malformed")
        record.publiccode_url = self.publiccode_web_url(record)
        record.publiccode_checked = True
        # Validated here, while the forge is at hand, so that the logo can be fetched and checked.
        record.publiccode_result = parse_publiccode(record.publiccode_raw, assets=ForgeAssetReader(self, record))
        return None

    def fetch_one(self, repo_url: str) -> RepositoryRecord:
        """Fetch one repository by its web URL, publiccode.yml included when it can be read."""
        _scheme, netloc, segments = split_repository_url(repo_url)
        url = self.repository_api_url(segments)
        try:
            response = self.session.get(url)
        except requests.RequestException as exc:
            raise HarvestError(f"cannot fetch {repo_url}: {_describe(exc)}", failure_cause(exc)) from exc
        if response.status_code == 404:
            raise RepositoryNotFound(f"{repo_url} does not exist or is not public")
        if response.status_code != 200:
            raise HarvestError(
                f"cannot fetch {repo_url}: HTTP {response.status_code}", status_cause(response.status_code)
            )
        try:
            obj = response.json()
            if not isinstance(obj, dict):
                raise MalformedItem("expected a JSON object")
            record = self.parse(obj, netloc)
        except ValueError as exc:
            raise HarvestError(f"cannot read {repo_url}: {exc}", "malformed") from exc
        self.fill_publiccode(record)
        return record


class ForgeAssetReader(AssetReader):
    """Reads the logos named by a harvested publiccode.yml through the forge's raw-file API.

    Uses the client's session (so the outbound guard, byte cap and per-host budget apply) and only
    covers ``logo`` and ``monochromeLogo``: screenshots and the authors file stay "not checked", so a
    harvest costs at most two more requests per changed repository with a publiccode.yml. A 404 means
    the file is missing; any other failure means it could not be checked. A spent host budget
    propagates and ends the run, as for every other request of the harvest.
    """

    KEYS = ("logo", "monochromeLogo")

    def __init__(self, client: ForgeClient, record: RepositoryRecord) -> None:
        self.client = client
        self.record = record
        self.fetched: dict[str, bytes | None] = {}

    def covers(self, key: str) -> bool:
        """Only the logos are fetched."""
        return key in self.KEYS

    def read(self, path: str) -> bytes | None:
        """The file's bytes, None for a 404 or a path outside the repository, AssetUnavailable otherwise."""
        if path in ("", ".", "..") or path.startswith(("../", "/")):
            return None
        if path in self.fetched:
            return self.fetched[path]
        request = self.client.file_request(self.record, path)
        if request is None:
            raise AssetUnavailable(path)
        url, headers = request
        try:
            response = self.client.session.get(url, headers=headers)
        except requests.RequestException as exc:
            raise AssetUnavailable(f"{url}: {_describe(exc)}") from exc
        if response.status_code == 404:
            self.fetched[path] = None
            return None
        if response.status_code != 200:
            raise AssetUnavailable(f"{url}: HTTP {response.status_code}")
        try:
            content = self.client.decode_file(response)
        except ValueError as exc:
            raise AssetUnavailable(f"{url}: {exc}") from exc
        self.fetched[path] = content
        return content


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.Timeout):
        return f"timeout: {exc}"
    return f"{type(exc).__name__}: {exc}"
