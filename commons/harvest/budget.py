# SPDX-License-Identifier: EUPL-1.2
"""A per-host request budget and concurrency limit shared by every worker process through Redis.

Implements the ``HostBudget`` protocol of :mod:`commons.outbound`. Two keys per host:

* ``<prefix>:budget:<host>``: requests counted in the current window (expires with the window);
* ``<prefix>:slots:<host>``: a sorted set of in-flight requests scored by their expiry time, so a slot
  held by a worker that was killed frees itself after ``slot_ttl`` seconds instead of blocking the host
  for ever.

Both checks and updates run in one Lua script, so two workers cannot both take the last slot.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from commons.outbound import BudgetExhausted

_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local budget = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local concurrency = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if budget >= 0 and used >= budget then
  return -1
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', t)
if redis.call('ZCARD', KEYS[2]) >= concurrency then
  return 0
end
if redis.call('INCR', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], window)
end
redis.call('ZADD', KEYS[2], t + ttl, ARGV[5])
redis.call('EXPIRE', KEYS[2], ttl + 1)
return 1
"""


class RedisHostBudget:
    """A :class:`commons.outbound.HostBudget` whose counters live in Redis.

    ``per_host_budget`` requests per ``window`` seconds per host (None: unlimited), at most
    ``per_host_concurrency`` requests in flight per host across all processes.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "commons",
        per_host_budget: int | None = None,
        per_host_concurrency: int = 2,
        window: int = 3600,
        slot_ttl: int = 120,
        poll: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.per_host_budget = per_host_budget
        self.per_host_concurrency = max(1, per_host_concurrency)
        self.window = max(1, int(window))
        self.slot_ttl = max(1, int(slot_ttl))
        self.poll = poll
        self.sleep = sleep
        self._script = client.register_script(_ACQUIRE)
        self._lock = threading.Lock()
        self._held: dict[str, list[str]] = {}

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisHostBudget:
        """Connect to Redis at ``url`` (``redis://127.0.0.1:6379/0``)."""
        import redis

        return cls(redis.Redis.from_url(url), **kwargs)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:budget:{host}", f"{self.prefix}:slots:{host}"]

    def acquire(self, host: str) -> None:
        """Count one request for ``host``, waiting for a free slot; BudgetExhausted when spent."""
        token = uuid.uuid4().hex
        budget = -1 if self.per_host_budget is None else self.per_host_budget
        while True:
            result = int(
                self._script(
                    keys=self._keys(host),
                    args=[budget, self.window, self.per_host_concurrency, self.slot_ttl, token],
                )
            )
            if result == 1:
                with self._lock:
                    self._held.setdefault(host, []).append(token)
                return
            if result == -1:
                raise BudgetExhausted(host, budget)
            self.sleep(self.poll)

    def release(self, host: str) -> None:
        """Free one slot this process holds for ``host``."""
        with self._lock:
            tokens = self._held.get(host)
            token = tokens.pop() if tokens else None
        if token is not None:
            self.client.zrem(self._keys(host)[1], token)

    def used(self, host: str) -> int:
        """Requests counted for ``host`` in the current window, by every process."""
        value = self.client.get(self._keys(host)[0])
        return int(value or 0)

    def reset(self, host: str) -> None:
        """Forget the counters of ``host`` (operators, tests)."""
        self.client.delete(*self._keys(host))


class CountingBudget:
    """Wraps a budget and counts the requests of one run (the job's ``requests`` figure)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0
        self._lock = threading.Lock()

    def acquire(self, host: str) -> None:
        """Delegate, then count the request."""
        self.inner.acquire(host)
        with self._lock:
            self.count += 1

    def release(self, host: str) -> None:
        """Delegate."""
        self.inner.release(host)


def budget_from_config(config: Any) -> Any:
    """The budget a run uses: shared in Redis when a broker is configured, per process otherwise."""
    from commons.outbound import InProcessHostBudget, policy_from_config

    policy = policy_from_config(config)
    redis_url = config.get("COMMONS_REDIS_URL") or config.get("COMMONS_BROKER_URL")
    if redis_url and str(redis_url).startswith(("redis://", "rediss://", "unix://")):
        return RedisHostBudget.from_url(
            str(redis_url),
            prefix=str(config.get("COMMONS_REDIS_PREFIX") or "commons"),
            per_host_budget=policy.per_host_budget,
            per_host_concurrency=policy.per_host_concurrency,
            window=int(config.get("COMMONS_HARVEST_BUDGET_WINDOW") or 3600),
        )
    return InProcessHostBudget(policy.per_host_budget, policy.per_host_concurrency)
