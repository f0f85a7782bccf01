# SPDX-License-Identifier: EUPL-1.2
"""The only place an outbound HTTP session is built.

Everything the platform fetches from the outside world (forge APIs, publiccode.yml files, nominated
repositories) goes through :class:`GuardedSession`, built by :func:`build_session`. The session:

* refuses any scheme but http/https and any URL carrying credentials;
* resolves the host itself and refuses loopback, private, link-local (cloud metadata), CGNAT, multicast,
  reserved and otherwise non-global addresses, on every redirect hop, unless the exact ``host:port`` is
  allow-listed; it then connects to the very address it checked, so DNS cannot be rebound in between;
* never takes a proxy from the environment, always applies timeouts, streams bodies and aborts past a
  byte cap, always sends a User-Agent with a contact address;
* adds ``Authorization: Bearer`` for the request's own host only (never after a redirect elsewhere);
* retries 429/5xx, connection errors and (for GET, HEAD, OPTIONS) read timeouts with exponential backoff,
  honouring ``Retry-After`` and rate-limit reset headers;
* counts requests per host against a :class:`HostBudget`.

Flask is not imported here: :func:`session_from_config` takes any mapping, e.g. ``app.config``.
"""

from __future__ import annotations

import email.utils
import http.cookiejar
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

__all__ = [
    "BudgetExhausted",
    "GuardedSession",
    "HostBudget",
    "HostUnresolved",
    "InProcessHostBudget",
    "OutboundPolicy",
    "OutboundRefused",
    "ResponseTooLarge",
    "address_refusal",
    "build_session",
    "policy_from_config",
    "session_from_config",
]

DEFAULT_USER_AGENT = "commons/0.1 (+mailto:contact@digital-commons.invalid)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class OutboundRefused(requests.RequestException):
    """The guard refused to send a request (scheme, address, redirect...)."""

    # The failure cause callers show to people (see ``harvesters.failure_cause``).
    cause = "refused"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"outbound request to {url} refused: {reason}")


class HostUnresolved(OutboundRefused):
    """The host name did not resolve. Not a refusal of the guard's (nothing was judged unsafe), but a
    subclass so that it still ends the request at once: retrying a name that does not exist only waits."""

    cause = "unresolved"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.args = (f"outbound request to {url} failed: {reason}",)


class ResponseTooLarge(requests.RequestException):
    """The response body went past the policy's byte cap."""

    cause = "too_large"

    def __init__(self, url: str, max_bytes: int) -> None:
        self.url = url
        self.max_bytes = max_bytes
        super().__init__(f"response from {url} is larger than {max_bytes} bytes")


class BudgetExhausted(RuntimeError):
    """The per-host request budget is spent.

    Deliberately not a ``requests.RequestException``: harvesters record request errors per page and go
    on, whereas a spent budget must end the whole run, so it propagates to the caller.
    """

    cause = "budget"

    def __init__(self, host: str, limit: int) -> None:
        self.host = host
        self.limit = limit
        super().__init__(f"request budget for {host} exhausted ({limit} requests)")


class _AddressRefused(Exception):  # noqa: N818
    """Raised inside the connection; not an OSError so urllib3 does not swallow it into a retry."""

    def __init__(self, reason: str, *, unresolved: bool = False) -> None:
        self.reason = reason
        self.unresolved = unresolved
        super().__init__(reason)


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # RFC 9110 §9.2.2, without PUT/DELETE: none are sent


@dataclass
class OutboundPolicy:
    """What outbound requests may do. ``allowed_hosts`` holds ``host:port`` pairs exempt from the
    address check (tests, private forges); ``tokens`` maps a host (or ``host:port``) to a bearer token."""

    allowed_hosts: set[str] = field(default_factory=set)
    connect_timeout: float = 5
    read_timeout: float = 20
    max_bytes: int = 5_000_000
    max_pages: int = 200
    user_agent: str = DEFAULT_USER_AGENT
    tokens: dict[str, str] = field(default_factory=dict)
    retries: int = 3
    backoff: float = 0.5
    max_retry_wait: float = 60
    per_host_budget: int | None = None
    per_host_concurrency: int = 2
    # A read timeout is per socket read; this bounds a body trickled in byte by byte.
    total_timeout: float = 120

    def __repr__(self) -> str:
        # Tokens must never reach a log line through a repr.
        hidden = dict.fromkeys(self.tokens, "***")
        return (
            f"OutboundPolicy(allowed_hosts={sorted(self.allowed_hosts)!r}, tokens={hidden!r}, "
            f"timeouts=({self.connect_timeout}, {self.read_timeout}), max_bytes={self.max_bytes}, "
            f"retries={self.retries}, per_host_budget={self.per_host_budget})"
        )


# --- address checks ---------------------------------------------------------------------------------

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_refusal(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Return why ``address`` must not be contacted, or None when it is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"IPv4-mapped IPv6 address {ip}"
        # Tunnelling prefixes embed an IPv4 address that may be internal.
        if ip.sixtofour is not None or ip.teredo is not None or ip in _NAT64:
            return f"IPv6 transition address {ip}"
        if ip.is_site_local:
            return f"site-local address {ip}"
    checks: list[tuple[bool, str]] = [
        (ip.is_loopback, "loopback"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local (includes cloud metadata)"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-global"),
    ]
    for failed, label in checks:
        if failed:
            return f"{label} address {ip}"
    return None


def _host_key(host: str, port: int) -> str:
    host = host.lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


class _AddressGuard:
    def __init__(self, allowed_hosts: Iterable[str]) -> None:
        self.allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}

    def is_allowed(self, host: str, port: int) -> bool:
        return _host_key(host, port) in self.allowed

    def resolve(self, host: str, port: int) -> list[tuple[str, int]]:
        """Resolve once and check every address; the caller connects to these, never re-resolving."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _AddressRefused(f"cannot resolve {host}: {exc}", unresolved=True) from exc
        addresses: list[tuple[str, int]] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            ip = str(sockaddr[0])
            if (ip, port) not in addresses:
                addresses.append((ip, port))
        if not self.is_allowed(host, port):
            for ip, _port in addresses:
                reason = address_refusal(ip)
                if reason:
                    # One bad address is enough: an attacker controls which answer a client picks.
                    raise _AddressRefused(f"{host} resolves to a {reason}")
        if not addresses:
            raise _AddressRefused(f"{host} has no address", unresolved=True)
        return addresses


class _GuardedConnectionMixin:
    """Replaces urllib3's connect so that the checked address is the connected address."""

    _guard: _AddressGuard
    host: str
    port: int
    _dns_host: str
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        addresses = self._guard.resolve(self._dns_host, self.port)
        last_error: OSError | None = None
        for ip, port in addresses:
            try:
                return urllib3_connection.create_connection(
                    (ip, port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                message = f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                raise ConnectTimeoutError(cast(HTTPConnection, self), message) from exc
            except OSError as exc:
                last_error = exc
        message = f"Failed to establish a new connection: {last_error}"
        raise NewConnectionError(cast(HTTPConnection, self), message)


def _adapter_for(guard: _AddressGuard) -> HTTPAdapter:
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {"_guard": guard})
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {"_guard": guard})
    http_pool = type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
            raise OutboundRefused(proxy, "proxies are not used by the outbound session")

    # Retries are ours (with Retry-After); urllib3 must not retry behind our back.
    return GuardedAdapter(max_retries=0)


# --- budgets ----------------------------------------------------------------------------------------


class HostBudget(Protocol):
    """Per-host admission control shared by every session of a process (or a cluster).

    ``acquire(host)`` is called before each HTTP request (retries and redirect hops included) with the
    ``host:port`` key. It may block until a concurrency slot is free, counts the request, and raises
    :class:`BudgetExhausted` once the host's budget is spent. ``release(host)`` is called exactly once
    after each successful ``acquire``, when the response body has been read or the request failed.
    """

    def acquire(self, host: str) -> None: ...

    def release(self, host: str) -> None: ...


class InProcessHostBudget:
    """A :class:`HostBudget` for one process: a semaphore per host and a request counter."""

    def __init__(self, per_host_budget: int | None = None, per_host_concurrency: int = 2) -> None:
        self.per_host_budget = per_host_budget
        self.per_host_concurrency = max(1, per_host_concurrency)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._counts: dict[str, int] = {}

    def acquire(self, host: str) -> None:
        """Count one request for ``host`` and wait for a concurrency slot."""
        with self._lock:
            used = self._counts.get(host, 0)
            if self.per_host_budget is not None and used >= self.per_host_budget:
                raise BudgetExhausted(host, self.per_host_budget)
            self._counts[host] = used + 1
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host_concurrency))
        slot.acquire()

    def release(self, host: str) -> None:
        """Give the concurrency slot back."""
        with self._lock:
            slot = self._slots.get(host)
        if slot is not None:
            slot.release()

    def used(self, host: str) -> int:
        """How many requests were counted for ``host``."""
        with self._lock:
            return self._counts.get(host, 0)


# --- the session ------------------------------------------------------------------------------------


def _parse_wait(response: requests.Response, now: float) -> float | None:
    """Seconds the server asks us to wait, from Retry-After or an exhausted rate-limit window."""
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - now)
    remaining = response.headers.get("X-RateLimit-Remaining", response.headers.get("RateLimit-Remaining"))
    reset = response.headers.get("X-RateLimit-Reset", response.headers.get("RateLimit-Reset"))
    if remaining is not None and remaining.strip() == "0" and reset:
        try:
            reset_value = float(reset.strip())
        except ValueError:
            return None
        # GitHub and GitLab send an epoch time; the IETF draft sends a delta in seconds.
        return max(0.0, reset_value - now) if reset_value > 1_000_000_000 else max(0.0, reset_value)
    return None


def _is_rate_limited(response: requests.Response) -> bool:
    if response.status_code in RETRY_STATUSES:
        return True
    # GitHub answers 403 (not 429) when the primary rate limit is spent.
    remaining = response.headers.get("X-RateLimit-Remaining", response.headers.get("RateLimit-Remaining"))
    return response.status_code == 403 and remaining is not None and remaining.strip() == "0"


class GuardedSession(requests.Session):
    """A ``requests.Session`` that applies an :class:`OutboundPolicy` to every request.

    Build it with :func:`build_session`. ``sleep`` and ``clock`` are attributes so tests can replace them.
    Bodies are always read eagerly (within ``max_bytes``), so ``stream=True`` has no effect.
    """

    def __init__(
        self,
        policy: OutboundPolicy,
        budget: HostBudget | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.policy = policy
        self.budget: HostBudget = budget or InProcessHostBudget(policy.per_host_budget, policy.per_host_concurrency)
        self.sleep = sleep
        self.clock = clock
        self.trust_env = False
        self.proxies = {}
        self.max_redirects = MAX_REDIRECTS
        self.headers["User-Agent"] = policy.user_agent
        # Forge APIs need no cookies; a cookie set by one host must not follow us anywhere.
        self.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._guard = _AddressGuard(policy.allowed_hosts)
        self._not_before: dict[str, float] = {}
        self._not_before_lock = threading.Lock()
        adapter = _adapter_for(self._guard)
        self.adapters.clear()
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    # The signature mirrors requests.Session.request so callers need not know they are guarded.
    def request(  # type: ignore[override]
        self,
        method: str | bytes,
        url: str | bytes,
        params: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        cookies: Any = None,
        files: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool = True,
        proxies: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: Any = None,
        cert: Any = None,
        json: Any = None,
    ) -> requests.Response:
        """Send a request under the policy, following at most 5 redirects and checking each hop."""
        method_name = method.decode() if isinstance(method, bytes) else str(method)
        current = url.decode() if isinstance(url, bytes) else str(url)
        original_origin = self._check_url(current)
        caller_headers = dict(headers or {})
        history: list[requests.Response] = []
        for _hop in range(MAX_REDIRECTS + 1):
            origin = self._check_url(current)
            hop_headers = {k: v for k, v in caller_headers.items() if k.lower() not in ("authorization", "user-agent")}
            # The contact address in the User-Agent is how a forge operator reaches us: never dropped.
            hop_headers["User-Agent"] = self.policy.user_agent
            if origin == original_origin and "authorization" in {k.lower() for k in caller_headers}:
                hop_headers.update({k: v for k, v in caller_headers.items() if k.lower() == "authorization"})
            token = self._token_for(current)
            if token:
                hop_headers["Authorization"] = f"Bearer {token}"
            response = self._send_with_retries(
                method_name,
                current,
                params=params if not history else None,
                data=data,
                json=json,
                headers=hop_headers,
                timeout=self._timeout(timeout),
                verify=verify,
                cert=cert,
                auth=auth if origin == original_origin else None,
            )
            if (
                not allow_redirects
                or response.status_code not in REDIRECT_STATUSES
                or method_name.upper() not in ("GET", "HEAD")
                or not response.headers.get("Location")
            ):
                response.history = history
                return response
            history.append(response)
            current = urljoin(response.url, response.headers["Location"])
        raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects from {url!r}")

    def _check_url(self, url: str) -> str:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise OutboundRefused(url, f"malformed URL ({exc})") from exc
        if parts.scheme not in ("http", "https"):
            raise OutboundRefused(url, f"scheme {parts.scheme or '(none)'!r} is not http or https")
        if not parts.hostname:
            raise OutboundRefused(url, "no host")
        if parts.username is not None or parts.password is not None:
            raise OutboundRefused(url, "credentials in the URL")
        port = port or (443 if parts.scheme == "https" else 80)
        return f"{parts.scheme}://{_host_key(parts.hostname, port)}"

    def _token_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        tokens = {k.lower(): v for k, v in self.policy.tokens.items()}
        token = tokens.get(_host_key(hostname, port))
        # A bare host name only matches HTTPS on the default port: a token never travels in clear text
        # unless the operator named that exact host:port.
        if token is None and parts.scheme == "https" and port == 443:
            token = tokens.get(hostname)
        return token

    def _timeout(self, timeout: Any) -> tuple[float, float]:
        connect, read = self.policy.connect_timeout, self.policy.read_timeout
        if isinstance(timeout, int | float):
            connect, read = min(connect, timeout), min(read, timeout)
        elif isinstance(timeout, tuple) and len(timeout) == 2:
            connect = min(connect, timeout[0] or connect)
            read = min(read, timeout[1] or read)
        return connect, read

    def _wait_for_host(self, host: str) -> None:
        with self._not_before_lock:
            not_before = self._not_before.pop(host, None)
        if not_before is not None:
            delay = min(not_before - self.clock(), self.policy.max_retry_wait)
            if delay > 0:
                self.sleep(delay)

    def _send_with_retries(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        parts = urlsplit(url)
        host = _host_key(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        attempt = 0
        while True:
            self._wait_for_host(host)
            self.budget.acquire(host)
            try:
                response = self._send_once(method, url, **kwargs)
            except OutboundRefused:
                raise
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                if attempt >= self.policy.retries:
                    raise
                wait = self.policy.backoff * (2**attempt)
                response = None
            except requests.exceptions.ReadTimeout:
                # A forge that answers one request too slowly (a busy moment) is asked again, as for a dropped
                # connection, so that one slow page does not fail a whole harvest. Only a request that is safe
                # to repeat: a write may have been done although its answer never came.
                if method.upper() not in IDEMPOTENT_METHODS or attempt >= self.policy.retries:
                    raise
                wait = self.policy.backoff * (2**attempt)
                response = None
            finally:
                self.budget.release(host)
            if response is not None:
                server_wait = _parse_wait(response, self.clock())
                if not _is_rate_limited(response) or attempt >= self.policy.retries:
                    if server_wait and response.ok:
                        # Window spent: the next request to this host waits for the reset.
                        with self._not_before_lock:
                            self._not_before[host] = self.clock() + server_wait
                    return response
                wait = server_wait if server_wait is not None else self.policy.backoff * (2**attempt)
                response.close()
            self.sleep(min(max(wait, 0.0), self.policy.max_retry_wait))
            attempt += 1

    def _send_once(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = super().request(method, url, allow_redirects=False, stream=True, proxies={}, **kwargs)
        except _AddressRefused as exc:
            if exc.unresolved:
                raise HostUnresolved(url, exc.reason) from None
            raise OutboundRefused(url, exc.reason) from None
        try:
            self._read_capped(response)
        except BaseException:
            response.close()
            raise
        return response

    def _read_capped(self, response: requests.Response) -> None:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(response.url, limit)
        deadline = time.monotonic() + self.policy.total_timeout
        chunks: list[bytes] = []
        total = 0
        # iter_content decodes gzip, so the cap also stops decompression bombs.
        for chunk in response.iter_content(chunk_size=65536):
            total += len(chunk)
            if total > limit:
                raise ResponseTooLarge(response.url, limit)
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout(
                    f"response from {response.url} took longer than {self.policy.total_timeout}s"
                )
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]
        response.close()


def build_session(policy: OutboundPolicy, budget: HostBudget | None = None) -> GuardedSession:
    """Build the hardened session every outbound request must use."""
    return GuardedSession(policy, budget)


# --- configuration ----------------------------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _as_tokens(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if isinstance(value, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in value.items() if str(v).strip()}
    tokens: dict[str, str] = {}
    for item in _as_list(value):
        host, sep, token = item.partition("=")
        if not sep or not host.strip() or not token.strip():
            raise ValueError("COMMONS_HARVEST_TOKENS must look like 'host=token,host=token'")
        tokens[host.strip()] = token.strip()
    return tokens


def policy_from_config(config: Mapping[str, Any]) -> OutboundPolicy:
    """Read the ``COMMONS_HARVEST_*`` settings of ``config`` into an :class:`OutboundPolicy`."""
    policy = OutboundPolicy(
        allowed_hosts=set(_as_list(config.get("COMMONS_HARVEST_ALLOWED_HOSTS"))),
        tokens=_as_tokens(config.get("COMMONS_HARVEST_TOKENS")),
    )
    if config.get("COMMONS_HARVEST_USER_AGENT"):
        policy.user_agent = str(config["COMMONS_HARVEST_USER_AGENT"])
    if config.get("COMMONS_HARVEST_MAX_BYTES") not in (None, ""):
        policy.max_bytes = int(config["COMMONS_HARVEST_MAX_BYTES"])
    if config.get("COMMONS_HARVEST_MAX_PAGES") not in (None, ""):
        policy.max_pages = int(config["COMMONS_HARVEST_MAX_PAGES"])
    if config.get("COMMONS_HARVEST_PER_HOST_BUDGET") not in (None, ""):
        policy.per_host_budget = int(config["COMMONS_HARVEST_PER_HOST_BUDGET"])
    timeout = config.get("COMMONS_HARVEST_TIMEOUT")
    if timeout not in (None, ""):
        values = [float(v) for v in _as_list(timeout)] if isinstance(timeout, str) else timeout
        if isinstance(values, int | float):
            values = [float(values)]
        values = list(values)
        if len(values) == 1:
            policy.read_timeout = values[0]
            policy.connect_timeout = min(policy.connect_timeout, values[0])
        elif len(values) == 2:
            policy.connect_timeout, policy.read_timeout = float(values[0]), float(values[1])
        else:
            raise ValueError("COMMONS_HARVEST_TIMEOUT must be seconds or 'connect,read'")
    if policy.max_bytes <= 0 or policy.max_pages <= 0 or policy.read_timeout <= 0:
        raise ValueError("COMMONS_HARVEST_MAX_BYTES, _MAX_PAGES and _TIMEOUT must be positive")
    return policy


def session_from_config(config: Mapping[str, Any], budget: HostBudget | None = None) -> GuardedSession:
    """Build the outbound session from a dict-like config such as ``app.config``."""
    return build_session(policy_from_config(config), budget)
