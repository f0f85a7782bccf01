# SPDX-License-Identifier: EUPL-1.2
"""A short-lived, in-process cache of whole answers for anonymous readers.

The catalogue search costs tens of milliseconds of SQL per request while the same few searches are asked
again and again; keeping their answers for a few seconds lets one worker answer them at close to the cost
of ``/healthz``. Rules that keep it correct:

- only anonymous ``GET`` requests without an ``Authorization`` header and without pending flash messages
  are served from or stored in it; logged-in readers always get a fresh page;
- the key holds the endpoint, the reader's language and the query string;
- only ``200`` answers are stored (the body, status and mimetype: headers are added afresh per request);
- the CSRF token in a stored HTML page (the header's language form) is replaced by the current
  reader's token when it is served, so no session ever receives another session's token;
- any commit that wrote a watched model (see :func:`invalidate_on_commit`) bumps a generation counter
  that is part of every key, so this process never serves an answer older than its own last write;
  other processes' writes are seen after at most ``COMMONS_SEARCH_CACHE_SECONDS`` (default 30, 0 turns
  the cache off; off under ``TESTING`` unless a test sets it).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, make_response, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from commons.i18n import current_language

DEFAULT_MAX_ENTRIES = 256
SETTING = "COMMONS_SEARCH_CACHE_SECONDS"
_TOKEN_MARK = "\x00csrf-token\x00"  # NUL never appears in a rendered page (requests with NUL are refused)


@dataclass(frozen=True)
class CachedAnswer:
    """What is kept of a response: enough to rebuild it, nothing specific to the reader who caused it."""

    body: str
    status: int
    mimetype: str
    expires: float
    has_token: bool


class ResponseCache:
    """A bounded (least recently used) map of answers with a write generation; thread safe."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.generation = 0
        self._entries: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedAnswer | None:
        """The live answer stored under ``key`` (``None`` when absent or expired)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, answer: CachedAnswer) -> None:
        """Store ``answer``, dropping the least recently used entries beyond the size bound."""
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def invalidate(self) -> None:
        """Forget every answer: the next request of each key is computed again."""
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


response_cache = ResponseCache()


def cache_seconds() -> float:
    """``COMMONS_SEARCH_CACHE_SECONDS`` of the app's config (from the environment); 30 by default, 0 under TESTING."""
    value = current_app.config.get(SETTING)
    if value is None or value == "":
        return 0 if current_app.testing else 30
    return max(0.0, float(value))


def _cacheable_request() -> bool:
    if request.method != "GET" or "Authorization" in request.headers:
        return False
    if current_user.is_authenticated:
        return False
    # A flash message belongs to one reader and is consumed by rendering the page.
    return "_flashes" not in session


def _key(endpoint: str, normalise: bool) -> Hashable:
    pairs = list(request.args.items(multi=True))
    if normalise:
        # Grouped by name, the order of the values of one name kept (it is the order of the chips).
        pairs.sort(key=lambda pair: pair[0])
        query: Hashable = tuple(pairs)
    else:
        # An HTML page repeats its own URL (the language form's "next"): the query string as it came.
        query = request.query_string
    return (response_cache.generation, endpoint, current_language(), query)


def _csrf_field() -> str:
    return str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def cached_for_anonymous(endpoint: str, *, normalise: bool = False) -> Callable[[Any], Any]:
    """Decorate a view so that anonymous answers are kept for ``COMMONS_SEARCH_CACHE_SECONDS``.

    ``normalise``: key on the parameters grouped by name instead of the raw query string (for answers
    that do not repeat their own URL, such as JSON lists).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            ttl = cache_seconds()
            if ttl <= 0 or not _cacheable_request():
                return view(*args, **kwargs)
            key = _key(endpoint, normalise)
            hit = response_cache.get(key)
            if hit is not None:
                body = hit.body
                if hit.has_token:
                    from flask_wtf.csrf import generate_csrf

                    body = body.replace(_TOKEN_MARK, generate_csrf())
                response = current_app.response_class(body, status=hit.status, mimetype=hit.mimetype)
                response.headers["X-Commons-Cache"] = "hit"
                return response
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.is_streamed and not response.direct_passthrough:
                body = response.get_data(as_text=True)
                token = g.get(_csrf_field())
                has_token = bool(token) and token in body
                if has_token:
                    body = body.replace(token, _TOKEN_MARK)
                answer = CachedAnswer(body, 200, response.mimetype or "text/html", time.monotonic() + ttl, has_token)
                response_cache.put(key, answer)
            return response

        return wrapper

    return decorate


def invalidate_on_commit(*models: type) -> None:
    """Empty the cache after every commit of a session that inserted, changed or deleted a ``models`` row.

    Idempotent: the listeners are installed once per process.
    """
    _WATCHED.update(models)
    if not event.contains(Session, "after_flush", _note_writes):
        event.listen(Session, "after_flush", _note_writes)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


_WATCHED: set[type] = set()
_WROTE = "commons_cache_wrote"


def _note_writes(session: Session, flush_context: Any) -> None:
    watched = tuple(_WATCHED)
    if any(isinstance(obj, watched) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_WROTE] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_WROTE, False):
        response_cache.invalidate()


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    # A rolled-back write changed nothing that readers can see.
    if not session.in_transaction():
        session.info.pop(_WROTE, None)
