# SPDX-License-Identifier: EUPL-1.2
"""A fake forge: a real HTTP server on 127.0.0.1 speaking enough of the GitHub, GitLab and Gitea APIs.

One server serves the three kinds under their usual API roots, so the harvesters' default API bases
work unchanged::

    github  http://127.0.0.1:PORT/api/v3   (GitHub Enterprise layout)
    gitlab  http://127.0.0.1:PORT/api/v4
    gitea   http://127.0.0.1:PORT/api/v1

Usage::

    with FakeForge() as forge:
        forge.add_owner("github", "etalab")                  # an organisation ("user" with kind="user")
        repo = forge.add_repo("github", "etalab", "demo", publiccode="publiccodeYmlVersion: '0.4'\\n")
        spec = harvesters.source_from_url("github", forge.web_url("github", "etalab"))
        session = build_session(OutboundPolicy(allowed_hosts={forge.host}))
        ...
        forge.rename("github", repo["id"], "demo2")
        forge.set_fault("status", kind="github", owner="etalab", page=2, status=500)
        forge.count(status=304)

Repositories are plain dicts in a neutral shape (``id``, ``owner``, ``name``, ``description``,
``topics``, ``language``, ``license``, ``stars``, ``forks``, ``open_issues``, ``default_branch``,
``created_at``, ``pushed_at``, ``updated_at``, ``archived``, ``fork``, ``homepage``, ``publiccode``,
``files``) rendered into each forge's JSON on the fly. Ids are unique across kinds. ``files`` maps
other paths of the default branch (``"assets/logo.png"``) to their bytes, served by each forge's
raw-file API (GitHub ``/repos/o/n/contents/PATH``, GitLab ``/projects/ID/repository/files/PATH/raw``
with the path URL-encoded, Gitea ``/repos/o/n/raw/PATH``); a missing path answers 404.

Faults (``set_fault(fault, ...)``), matched on ``kind``, ``owner``, listing ``page`` (1-based),
a ``path`` substring, the ``nth`` matching request, and firing at most ``times`` times:

* ``"status"``: answer ``status`` (default 500) with an error body;
* ``"rate_limit"``: 429 (or ``status``) with ``Retry-After: retry_after``; with ``reset_in`` instead,
  ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset: now + reset_in``;
* ``"slow"``: sleep ``delay`` seconds before answering;
* ``"malformed"``: a body that is not JSON;
* ``"redirect"``: 302 to ``location`` (e.g. ``http://169.254.169.254/latest/meta-data/``);
* ``"loop"``: the page's next link points back to page 1 (Gitea: the page repeats page 1);
* ``"oversized"``: a body of ``size`` bytes (``declare_length=False`` streams it without length);
* ``"hostile"`` is not a fault: put ``<script>`` in a description with ``add_repo``.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import itertools
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

KINDS = ("github", "gitlab", "gitea")
API_ROOTS = {"github": "/api/v3", "gitlab": "/api/v4", "gitea": "/api/v1"}
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fault:
    """One switchable misbehaviour; see the module docstring."""

    fault: str
    kind: str | None = None
    owner: str | None = None
    page: int | None = None
    path: str | None = None
    nth: int | None = None
    times: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0


@dataclass
class LoggedRequest:
    """One request as the forge saw it."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    kind: str | None


class FakeForge:
    """A threaded HTTP server with in-memory owners and repositories for github, gitlab and gitea."""

    def __init__(self, *, gitlab_keyset: bool = True, rate_limit: int = 1_000_000) -> None:
        self.gitlab_keyset = gitlab_keyset
        self.rate_limit = rate_limit
        self._lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.owners: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}  # name -> "org" | "user"
        self.repos: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self._by_owner: dict[str, dict[str, list[int]]] = {kind: {} for kind in KINDS}
        self._old_names: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self.faults: list[Fault] = []
        self.requests: list[LoggedRequest] = []
        self.status_counts: Counter[int] = Counter()
        self._stop = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    # --- lifecycle ---
    def start(self) -> FakeForge:
        """Start serving in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fakeforge", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving (slow handlers are woken up)."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeForge:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``: the key to put in ``OutboundPolicy.allowed_hosts`` and ``tokens``."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}"

    def api_base(self, kind: str) -> str:
        """The API root for ``kind`` (what ``source_from_url`` derives by default)."""
        return self.url + API_ROOTS[kind]

    def web_url(self, kind: str, owner: str) -> str:
        """The web address of an owner (a GitLab group path may contain slashes)."""
        return f"{self.url}/{owner}"

    def repo_web_url(self, kind: str, full_name: str) -> str:
        """The web address of a repository."""
        return f"{self.url}/{full_name}"

    # --- data ---
    def add_owner(self, kind: str, owner: str, type: str = "org") -> None:  # noqa: A002
        """Declare an owner: ``org`` (GitHub/Gitea organisation, GitLab group) or ``user``."""
        with self._lock:
            self.owners[kind][owner] = type
            self._by_owner[kind].setdefault(owner, [])

    def add_repo(self, kind: str, owner: str, name: str, **fields: Any) -> dict[str, Any]:
        """Add a repository (creating the owner as an organisation if needed) and return its dict."""
        with self._lock:
            if owner not in self.owners[kind]:
                self.add_owner(kind, owner)
            repo_id = next(self._ids)
            created = _EPOCH + timedelta(hours=repo_id % 10_000)
            repo: dict[str, Any] = {
                "id": repo_id,
                "owner": owner,
                "name": name,
                "description": f"Description of {name}",
                "topics": [],
                "language": "Python",
                "license": "EUPL-1.2",
                "stars": 0,
                "forks": 0,
                "open_issues": 0,
                "default_branch": "main",
                "created_at": created,
                "pushed_at": created + timedelta(days=1),
                "updated_at": created + timedelta(days=1),
                "archived": False,
                "fork": False,
                "homepage": None,
                "publiccode": None,
                "files": {},
            }
            repo.update(fields)
            self.repos[kind][repo_id] = repo
            self._by_owner[kind][owner].append(repo_id)
            return repo

    def populate(self, kind: str, owners: int, repos_per_owner: int, publiccode_every: int = 0) -> None:
        """Add many owners (``owner0``...) and repositories cheaply, e.g. 200 x 50 for a benchmark."""
        for o in range(owners):
            for r in range(repos_per_owner):
                has_pc = publiccode_every and r % publiccode_every == 0
                self.add_repo(
                    kind,
                    f"owner{o}",
                    f"repo{r}",
                    publiccode=f"publiccodeYmlVersion: '0.4'\nname: repo{r}\n" if has_pc else None,
                )

    def update_repo(self, kind: str, remote_id: int | str, touch: bool = True, **fields: Any) -> dict[str, Any]:
        """Change fields of a repository; ``touch`` moves pushed_at/updated_at forward (a push)."""
        with self._lock:
            repo = self.repos[kind][int(remote_id)]
            repo.update(fields)
            if touch:
                now = max(repo["pushed_at"], repo["updated_at"]) + timedelta(minutes=1)
                repo["pushed_at"] = repo["updated_at"] = now
            return repo

    def rename(self, kind: str, remote_id: int | str, new_name: str) -> dict[str, Any]:
        """Rename a repository: same id, new full name; the old name redirects (GitHub: 301)."""
        with self._lock:
            repo = self.repos[kind][int(remote_id)]
            self._old_names[kind][f"{repo['owner']}/{repo['name']}"] = repo["id"]
            return self.update_repo(kind, remote_id, name=new_name)

    def remove_repo(self, kind: str, remote_id: int | str) -> None:
        """Delete a repository."""
        with self._lock:
            repo = self.repos[kind].pop(int(remote_id))
            self._by_owner[kind][repo["owner"]].remove(repo["id"])

    # --- faults and log ---
    def set_fault(
        self,
        fault: str,
        *,
        kind: str | None = None,
        owner: str | None = None,
        page: int | None = None,
        path: str | None = None,
        nth: int | None = None,
        times: int | None = None,
        **options: Any,
    ) -> Fault:
        """Switch a fault on (see the module docstring) and return it (``.fired`` counts firings)."""
        known = {"status", "rate_limit", "slow", "malformed", "redirect", "loop", "oversized"}
        if fault not in known:
            raise ValueError(f"unknown fault {fault!r}")
        entry = Fault(fault, kind, owner, page, path, nth, times, dict(options))
        with self._lock:
            self.faults.append(entry)
        return entry

    def clear_faults(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self.faults.clear()

    def count(self, *, status: int | None = None, path: str | None = None, kind: str | None = None) -> int:
        """How many logged requests match the status, path substring and kind given."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (status is None or r.status == status)
                and (path is None or path in r.path)
                and (kind is None or r.kind == kind)
            )

    def reset_log(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.requests.clear()
            self.status_counts.clear()

    # --- rendering ---
    def _full_name(self, repo: dict[str, Any]) -> str:
        return f"{repo['owner']}/{repo['name']}"

    def render(self, kind: str, repo: dict[str, Any]) -> dict[str, Any]:
        """The repository as ``kind``'s API shows it."""
        full = self._full_name(repo)
        web = self.repo_web_url(kind, full)
        if kind == "github":
            licence = repo["license"]
            return {
                "id": repo["id"],
                "node_id": f"R_{repo['id']}",
                "name": repo["name"],
                "full_name": full,
                "owner": {"login": repo["owner"], "type": "Organization"},
                "private": False,
                "html_url": web,
                "description": repo["description"],
                "fork": repo["fork"],
                "url": f"{self.api_base(kind)}/repos/{full}",
                "created_at": _iso(repo["created_at"]),
                "updated_at": _iso(repo["updated_at"]),
                "pushed_at": _iso(repo["pushed_at"]),
                "homepage": repo["homepage"],
                "stargazers_count": repo["stars"],
                "watchers_count": repo["stars"],
                "language": repo["language"],
                "forks_count": repo["forks"],
                "archived": repo["archived"],
                "open_issues_count": repo["open_issues"],
                "license": None
                if licence is None
                else {"key": str(licence).lower(), "name": str(licence), "spdx_id": licence},
                "topics": repo["topics"],
                "visibility": "public",
                "default_branch": repo["default_branch"],
            }
        if kind == "gitlab":
            rendered: dict[str, Any] = {
                "id": repo["id"],
                "name": repo["name"],
                "path": repo["name"],
                "path_with_namespace": full,
                "namespace": {"full_path": repo["owner"], "kind": "group"},
                "web_url": web,
                "description": repo["description"],
                "topics": repo["topics"],
                "tag_list": repo["topics"],
                "star_count": repo["stars"],
                "forks_count": repo["forks"],
                "open_issues_count": repo["open_issues"],
                "default_branch": repo["default_branch"],
                "created_at": _iso(repo["created_at"]),
                "last_activity_at": _iso(repo["pushed_at"]),
                "archived": repo["archived"],
                "readme_url": f"{web}/-/blob/{repo['default_branch']}/README.md",
            }
            if repo["fork"]:
                rendered["forked_from_project"] = {"id": 1, "path_with_namespace": "upstream/project"}
            return rendered
        return {
            "id": repo["id"],
            "name": repo["name"],
            "full_name": full,
            "owner": {"login": repo["owner"], "username": repo["owner"]},
            "html_url": web,
            "description": repo["description"],
            "topics": repo["topics"],
            "language": repo["language"],
            "stars_count": repo["stars"],
            "forks_count": repo["forks"],
            "open_issues_count": repo["open_issues"],
            "default_branch": repo["default_branch"],
            "created_at": _iso(repo["created_at"]),
            "updated_at": _iso(repo["updated_at"]),
            "archived": repo["archived"],
            "fork": repo["fork"],
            "website": repo["homepage"] or "",
            "licenses": [] if repo["license"] is None else [repo["license"]],
            "empty": False,
        }

    def _owner_repo_ids(self, kind: str, owner: str, subgroups: bool) -> list[int]:
        with self._lock:
            ids = list(self._by_owner[kind].get(owner, []))
            if subgroups:
                for other, other_ids in self._by_owner[kind].items():
                    if other.startswith(owner + "/"):
                        ids.extend(other_ids)
            return sorted(ids)

    def find(self, kind: str, full_name: str) -> tuple[dict[str, Any] | None, bool]:
        """(repository, renamed?) by full name, following old names."""
        with self._lock:
            for repo_id in self._by_owner[kind].get(full_name.rsplit("/", 1)[0], []):
                repo = self.repos[kind][repo_id]
                if repo["name"] == full_name.rsplit("/", 1)[-1]:
                    return repo, False
            old = self._old_names[kind].get(full_name)
            if old is not None and old in self.repos[kind]:
                return self.repos[kind][old], True
            return None, False


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, byte caps) are expected here, not worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class _Reply(Exception):  # noqa: N818
    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


def _json_error(status: int, message: str) -> _Reply:
    return _Reply(status, json.dumps({"message": message}).encode(), {"Content-Type": "application/json"})


def _make_handler(forge: FakeForge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body in one segment: otherwise Nagle plus delayed ACKs cost 40 ms a request.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True
        server_version = "FakeForge/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            kind = next((k for k, root in API_ROOTS.items() if parts.path.startswith(root + "/")), None)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            try:
                if kind is None:
                    raise _json_error(404, "not an API path")
                route = parts.path[len(API_ROOTS[kind]) :]
                self._serve(kind, route, query)
            except _Reply as reply:
                self._send(kind, reply)

        def _send(self, kind: str | None, reply: _Reply) -> None:
            with forge._lock:
                forge.requests.append(LoggedRequest("GET", self.path, reply.status, dict(self.headers.items()), kind))
                forge.status_counts[reply.status] += 1
            stream = reply.headers.pop("X-Fake-Stream", None)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if stream:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.body:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        # --- routing ---
        def _serve(self, kind: str, route: str, query: dict[str, str]) -> None:
            listing = self._match_listing(kind, route)
            owner = listing[0] if listing else None
            page = self._page_number(kind, owner, query) if listing else None
            fault = self._fault(kind, owner, page, route)
            if fault is not None:
                self._apply_fault(fault, kind, route, query)
            headers = self._rate_headers(kind)
            if listing:
                self._listing(kind, listing[0], listing[1], query, headers, fault)
            self._single(kind, route, query, headers)

        def _match_listing(self, kind: str, route: str) -> tuple[str, str] | None:
            if kind == "gitlab":
                m = re.fullmatch(r"/(groups|users)/([^/]+)/projects", route)
            else:
                m = re.fullmatch(r"/(orgs|users)/([^/]+)/repos", route)
            if not m:
                return None
            return unquote(m.group(2)), m.group(1)

        def _page_number(self, kind: str, owner: str | None, query: dict[str, str]) -> int:
            per_page = self._per_page(kind, query)
            if kind == "gitlab" and "id_after" in query and owner is not None:
                ids = forge._owner_repo_ids(kind, owner, True)
                after = int(query["id_after"])
                return sum(1 for i in ids if i <= after) // per_page + 1
            return max(1, int(query.get("page", "1") or 1))

        def _per_page(self, kind: str, query: dict[str, str]) -> int:
            if kind == "gitea":
                return max(1, min(50, int(query.get("limit", "30") or 30)))
            return max(1, min(100, int(query.get("per_page", "30") or 30)))

        def _fault(self, kind: str, owner: str | None, page: int | None, route: str) -> Fault | None:
            with forge._lock:
                for fault in forge.faults:
                    if fault.kind not in (None, kind) or fault.owner not in (None, owner):
                        continue
                    if fault.page is not None and fault.page != page:
                        continue
                    if fault.path is not None and fault.path not in route:
                        continue
                    if fault.page is None and fault.path is None and owner is None and fault.owner is None:
                        # Unscoped faults target listings only unless a path is given.
                        continue
                    fault.seen += 1
                    if fault.nth is not None and fault.seen != fault.nth:
                        continue
                    if fault.times is not None and fault.fired >= fault.times:
                        continue
                    fault.fired += 1
                    return fault
            return None

        def _apply_fault(self, fault: Fault, kind: str, route: str, query: dict[str, str]) -> None:
            opts = fault.options
            if fault.fault == "status":
                raise _json_error(int(opts.get("status", 500)), "injected failure")
            if fault.fault == "rate_limit":
                headers = {"Content-Type": "application/json"}
                if "reset_in" in opts:
                    headers["X-RateLimit-Remaining"] = "0"
                    headers["X-RateLimit-Reset"] = str(int(time.time() + float(opts["reset_in"])))
                else:
                    headers["Retry-After"] = str(opts.get("retry_after", 1))
                raise _Reply(int(opts.get("status", 429)), b'{"message": "rate limited"}', headers)
            if fault.fault == "slow":
                forge._stop.wait(float(opts.get("delay", 5)))
                return
            if fault.fault == "malformed":
                raise _Reply(200, b'[{"id": 1, "full_name": "broken', {"Content-Type": "application/json"})
            if fault.fault == "redirect":
                raise _Reply(int(opts.get("status", 302)), b"", {"Location": str(opts["location"])})
            if fault.fault == "oversized":
                size = int(opts.get("size", 10_000_000))
                headers = {"Content-Type": "application/json"}
                if not opts.get("declare_length", True):
                    headers["X-Fake-Stream"] = "1"
                raise _Reply(200, b"[" + b" " * max(0, size - 2) + b"]", headers)
            # "loop" is applied while building the listing.

        def _rate_headers(self, kind: str) -> dict[str, str]:
            with forge._lock:
                used = forge.status_counts.total() + 1
            remaining = max(0, forge.rate_limit - used)
            reset = str(int(time.time()) + 3600)
            if kind == "gitlab":
                return {"RateLimit-Limit": str(forge.rate_limit), "RateLimit-Remaining": str(remaining)}
            return {
                "X-RateLimit-Limit": str(forge.rate_limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": reset,
            }

        def _base_url(self, kind: str, route: str) -> str:
            return forge.api_base(kind) + route

        def _listing(
            self,
            kind: str,
            owner: str,
            scope: str,
            query: dict[str, str],
            headers: dict[str, str],
            fault: Fault | None,
        ) -> None:
            known = forge.owners[kind].get(owner)
            # /orgs/x is 404 for a user, as on the real forges; /users/x lists both kinds' repositories.
            if known is None or (scope in ("orgs", "groups") and known != "org"):
                raise _json_error(404, "Not Found")
            route = f"/{scope}/{quote(owner, safe='')}/" + ("projects" if kind == "gitlab" else "repos")
            base = self._base_url(kind, route)
            per_page = self._per_page(kind, query)
            subgroups = kind == "gitlab" and query.get("include_subgroups") == "true"
            ids = forge._owner_repo_ids(kind, owner, subgroups)
            loop = fault is not None and fault.fault == "loop"
            links: list[str] = []
            extra: dict[str, str] = {}
            keyset = kind == "gitlab" and forge.gitlab_keyset and query.get("pagination") == "keyset"
            if keyset:
                after = int(query.get("id_after", "0") or 0)
                page_ids = [i for i in ids if i > after][:per_page]
                if loop:
                    page_ids = ids[:per_page]
                more = bool(page_ids) and page_ids[-1] < (ids[-1] if ids else 0)
                if more or loop:
                    nxt = dict(query)
                    nxt["id_after"] = str(page_ids[-1] if not loop else 0)
                    if loop:
                        nxt.pop("id_after")
                    links.append(f'<{base}?{urlencode(nxt)}>; rel="next"')
            else:
                page = max(1, int(query.get("page", "1") or 1))
                start = (page - 1) * per_page
                if loop and kind == "gitea":
                    start = 0
                page_ids = ids[start : start + per_page]
                pages = max(1, -(-len(ids) // per_page))
                base_query = {k: v for k, v in query.items() if k not in ("page", "pagination", "id_after")}
                if kind == "gitea":
                    extra["X-Total-Count"] = str(len(ids))
                else:
                    if page < pages or loop:
                        target = 1 if loop else page + 1
                        links.append(f'<{base}?{urlencode({**base_query, "page": target})}>; rel="next"')
                    links.append(f'<{base}?{urlencode({**base_query, "page": pages})}>; rel="last"')
                    if kind == "gitlab":
                        extra.update(
                            {
                                "X-Page": str(page),
                                "X-Per-Page": str(per_page),
                                "X-Total": str(len(ids)),
                                "X-Total-Pages": str(pages),
                                "X-Next-Page": str(page + 1) if page < pages else "",
                            }
                        )
            with forge._lock:
                repos = [forge.repos[kind][i] for i in page_ids if i in forge.repos[kind]]
                rendered = [forge.render(kind, repo) for repo in repos]
                modified = max((repo["updated_at"] for repo in repos), default=_EPOCH)
            body = json.dumps(rendered).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            last_modified = email.utils.format_datetime(modified, usegmt=True)
            headers.update(extra)
            headers.update({"ETag": etag, "Last-Modified": last_modified, "Content-Type": "application/json"})
            if links:
                headers["Link"] = ", ".join(links)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm is not None:
                if etag in [tag.strip() for tag in inm.split(",")]:
                    raise _Reply(304, b"", headers)
            elif ims:
                since = email.utils.parsedate_to_datetime(ims)
                if modified.replace(microsecond=0) <= since:
                    raise _Reply(304, b"", headers)
            raise _Reply(200, body, headers)

        def _single(self, kind: str, route: str, query: dict[str, str], headers: dict[str, str]) -> None:
            headers = dict(headers)
            if kind == "github":
                m = re.fullmatch(r"/repositories/(\d+)", route)
                if m:
                    repo = forge.repos[kind].get(int(m.group(1)))
                    if repo is None:
                        raise _json_error(404, "Not Found")
                    raise self._json(forge.render(kind, repo), headers)
                m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/contents/(.+))?", route)
                if m:
                    repo, renamed = forge.find(kind, f"{unquote(m.group(1))}/{unquote(m.group(2))}")
                    if repo is None:
                        raise _json_error(404, "Not Found")
                    if renamed:
                        location = f"{forge.api_base(kind)}/repositories/{repo['id']}"
                        raise _Reply(301, b"", {"Location": location + (m.group(3) or "")})
                    if not m.group(3):
                        raise self._json(forge.render(kind, repo), headers)
                    return self._file(repo, unquote(m.group(4)), headers, github=True)
            if kind == "gitlab":
                m = re.fullmatch(r"/projects/([^/]+)(/repository/files/([^/]+)/raw)?", route)
                if m:
                    key = unquote(m.group(1))
                    if key.isdigit():
                        repo = forge.repos[kind].get(int(key))
                    else:
                        repo, _renamed = forge.find(kind, key)
                    if repo is None:
                        raise _json_error(404, "404 Project Not Found")
                    if not m.group(2):
                        raise self._json(forge.render(kind, repo), headers)
                    return self._file(repo, unquote(m.group(3)), headers)
            if kind == "gitea":
                m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/raw/(.+))?", route)
                if m:
                    repo, renamed = forge.find(kind, f"{unquote(m.group(1))}/{unquote(m.group(2))}")
                    if repo is None:
                        raise _json_error(404, "The target couldn't be found.")
                    if renamed:
                        full = forge._full_name(repo)
                        raise _Reply(301, b"", {"Location": f"{forge.api_base(kind)}/repos/{full}{m.group(3) or ''}"})
                    if not m.group(3):
                        raise self._json(forge.render(kind, repo), headers)
                    return self._file(repo, unquote(m.group(4)), headers)
            raise _json_error(404, "Not Found")

        def _json(self, payload: Any, headers: dict[str, str]) -> _Reply:
            headers["Content-Type"] = "application/json"
            return _Reply(200, json.dumps(payload).encode(), headers)

        def _file(self, repo: dict[str, Any], path: str, headers: dict[str, str], github: bool = False) -> None:
            if path == "publiccode.yml":
                text = repo.get("publiccode")
                data = None if text is None else text.encode()
            else:
                data = (repo.get("files") or {}).get(path)
            if data is None:
                raise _json_error(404, "Not Found")
            if github and "raw" not in self.headers.get("Accept", ""):
                encoded = base64.encodebytes(data).decode()
                payload = {"type": "file", "encoding": "base64", "content": encoded, "size": len(data)}
                raise self._json(payload, headers)
            text_file = path == "publiccode.yml"
            headers["Content-Type"] = "text/plain; charset=utf-8" if text_file else "application/octet-stream"
            raise _Reply(200, data, headers)

    return Handler
