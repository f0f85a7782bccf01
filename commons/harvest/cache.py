# SPDX-License-Identifier: EUPL-1.2
"""Database-backed implementations of the harvester protocols ``HttpCache`` and ``PreviousState``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import select

from commons.catalogue.models import Repository
from commons.extensions import db
from commons.harvest.models import HttpCacheEntry
from harvesters import CacheEntry


def url_hash(url: str) -> str:
    """The key of a cache row: listing URLs can be longer than an index allows."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class DbHttpCache:
    """Validators of listing pages in the ``http_cache`` table.

    ``after_put`` is called after each entry is added. The harvester stores an entry only once every
    item of the page went through, so a page's records and its validators belong in one transaction:
    a killed run must never keep an ETag for records it did not save. (A run of
    :mod:`commons.harvest.services` buffers the page and calls :meth:`put` itself when it writes it.)
    """

    def __init__(self, after_put: Callable[[], None] | None = None) -> None:
        self.after_put = after_put

    def get(self, url: str) -> CacheEntry | None:
        """The stored validators of ``url``, if any."""
        row = db.session.scalar(select(HttpCacheEntry).where(HttpCacheEntry.url_hash == url_hash(url)))
        if row is None:
            return None
        return CacheEntry(row.etag, row.last_modified, row.next_url, list(row.remote_ids or []))

    def put(self, url: str, entry: CacheEntry) -> None:
        """Store (or replace) the validators of ``url``."""
        key = url_hash(url)
        row = db.session.scalar(select(HttpCacheEntry).where(HttpCacheEntry.url_hash == key))
        if row is None:
            row = HttpCacheEntry(url_hash=key, url=url)
            db.session.add(row)
        row.etag = (entry.etag or None) and entry.etag[:255]
        row.last_modified = (entry.last_modified or None) and entry.last_modified[:64]
        row.next_url = entry.next_url
        row.remote_ids = list(entry.remote_ids)
        if self.after_put is not None:
            self.after_put()


def forget_listing(api_base: str, owner: str) -> int:
    """Drop the cached validators of ``owner``'s listing pages on that API (forces a full re-read)."""
    # Listing URLs name the owner as one path segment (GitLab: the URL-encoded group path).
    segment = "/" + quote(owner, safe="") + "/"
    rows = db.session.scalars(select(HttpCacheEntry).where(HttpCacheEntry.url.startswith(api_base))).all()
    dropped = 0
    for row in rows:
        if segment in row.url or f"/{owner}/" in row.url:
            db.session.delete(row)
            dropped += 1
    return dropped


class DbPreviousState:
    """What the catalogue knows about a source's repositories, loaded once per run.

    Holding ``(remote_id -> last activity)`` for one source costs a few bytes per repository, far less
    than one query per repository would cost in time.
    """

    def __init__(self, source_id: int | None, host: str) -> None:
        self.host = host
        self._known: dict[str, datetime | None] = {}
        if source_id is not None:
            rows = db.session.execute(
                select(Repository.remote_id, Repository.pushed_at, Repository.forge_updated_at).where(
                    Repository.source_id == source_id, Repository.host == host
                )
            )
            for remote_id, pushed_at, updated_at in rows:
                self._known[remote_id] = pushed_at or updated_at

    def previous_pushed_at(self, host: str, remote_id: str) -> datetime | None:
        """The activity date stored for this repository, or None when it must be read in full."""
        if host != self.host:
            return None
        return self._known.get(remote_id)

    def forget(self, remote_id: str) -> None:
        """Make the next lookup of ``remote_id`` answer None (its publiccode.yml must be fetched)."""
        self._known.pop(remote_id, None)
