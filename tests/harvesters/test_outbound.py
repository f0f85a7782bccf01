# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from commons.outbound import (
    BudgetExhausted,
    OutboundPolicy,
    OutboundRefused,
    ResponseTooLarge,
    address_refusal,
    build_session,
    policy_from_config,
    session_from_config,
)
from tests.fakeforge import FakeForge


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "IPv4-mapped"),
        ("::ffff:169.254.169.254", "IPv4-mapped"),
        ("2002:7f00:1::", "transition"),
        ("64:ff9b::a00:1", "transition"),
        ("192.0.2.1", "address"),
    ],
)
def test_address_checker_refuses_internal_addresses(address, label):
    reason = address_refusal(address)
    assert reason is not None
    assert label in reason


@pytest.mark.parametrize("address", ["93.184.215.14", "140.82.112.3", "2606:4700:4700::1111"])
def test_address_checker_accepts_public_addresses(address):
    assert address_refusal(address) is None


def test_direct_loopback_refused_when_not_allow_listed(forge):
    session = build_session(OutboundPolicy())
    with pytest.raises(OutboundRefused, match="loopback address 127.0.0.1"):
        session.get(forge.api_base("github") + "/orgs/x/repos")
    assert forge.count() == 0


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1/", "http://user:pw@example.org/"]
)
def test_non_http_schemes_and_credentials_refused(session, url):
    with pytest.raises(OutboundRefused):
        session.get(url)


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://10.0.0.1/", "private address 10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:8080/", "loopback"),
        ("file:///etc/passwd", "scheme 'file'"),
    ],
)
def test_redirect_to_internal_address_refused(forge, session, location, reason):
    forge.add_repo("github", "acme", "tool")
    forge.set_fault("redirect", kind="github", owner="acme", location=location)
    with pytest.raises(OutboundRefused, match=reason):
        session.get(forge.api_base("github") + "/orgs/acme/repos")
    assert forge.count(status=302) == 1


def test_redirect_to_other_loopback_port_refused(forge, session):
    with FakeForge() as other:
        forge.set_fault("redirect", kind="github", owner="acme", location=other.api_base("github") + "/x")
        forge.add_owner("github", "acme")
        with pytest.raises(OutboundRefused, match="loopback"):
            session.get(forge.api_base("github") + "/orgs/acme/repos")
        assert other.count() == 0


def test_dns_answer_checked_and_connected_to(forge, monkeypatch):
    """The name resolves once; a private answer is refused, an allowed one is the address connected to."""
    real = socket.getaddrinfo
    answers = {"evil.example": "10.1.2.3", "forge.example": "127.0.0.1"}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    session = build_session(OutboundPolicy(allowed_hosts={f"forge.example:{forge.port}"}))
    with pytest.raises(OutboundRefused, match="evil.example resolves to a private address"):
        session.get(f"http://evil.example:{forge.port}/api/v3/orgs/x/repos")
    forge.add_repo("github", "acme", "tool")
    response = session.get(f"http://forge.example:{forge.port}/api/v3/orgs/acme/repos")
    assert response.status_code == 200
    assert forge.requests[-1].headers["Host"] == f"forge.example:{forge.port}"


def test_token_sent_only_to_its_host(forge, make_session):
    with FakeForge() as other:
        other.add_repo("github", "acme", "tool")
        forge.add_repo("github", "acme", "tool")
        session = make_session(allowed_hosts={forge.host, other.host}, tokens={forge.host: "s3cret"})
        session.get(forge.api_base("github") + "/orgs/acme/repos")
        assert forge.requests[-1].headers.get("Authorization") == "Bearer s3cret"
        session.get(other.api_base("github") + "/orgs/acme/repos")
        assert "Authorization" not in other.requests[-1].headers
        forge.set_fault("redirect", kind="github", owner="acme", location=other.api_base("github") + "/orgs/acme/repos")
        response = session.get(forge.api_base("github") + "/orgs/acme/repos")
        assert response.status_code == 200
        assert forge.requests[-1].headers.get("Authorization") == "Bearer s3cret"
        assert "Authorization" not in other.requests[-1].headers
        assert "s3cret" not in repr(session.policy)


def test_bare_host_token_not_sent_over_plain_http(forge, make_session):
    forge.add_repo("github", "acme", "tool")
    session = make_session(tokens={"127.0.0.1": "s3cret"})
    session.get(forge.api_base("github") + "/orgs/acme/repos")
    assert "Authorization" not in forge.requests[-1].headers


def test_proxy_from_environment_ignored(forge, session, monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    forge.add_repo("github", "acme", "tool")
    url = forge.api_base("github") + "/orgs/acme/repos"
    # Control: a plain session does obey the variables, so the environment is really poisoned.
    with pytest.raises(requests.exceptions.ProxyError):
        requests.Session().get(url, timeout=2)
    assert session.get(url).status_code == 200


def test_user_agent_always_sent(forge, session):
    forge.add_owner("github", "acme")
    session.get(forge.api_base("github") + "/orgs/acme/repos", headers={"User-Agent": None})
    assert forge.requests[-1].headers["User-Agent"].startswith("commons/")


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_body_refused(forge, make_session, declare_length):
    forge.add_owner("github", "acme")
    forge.set_fault("oversized", kind="github", owner="acme", size=300_000, declare_length=declare_length)
    session = make_session(max_bytes=100_000)
    with pytest.raises(ResponseTooLarge, match="larger than 100000 bytes"):
        session.get(forge.api_base("github") + "/orgs/acme/repos")


def test_429_retry_after_honoured(forge, session, sleeps):
    forge.add_repo("github", "acme", "tool")
    forge.set_fault("rate_limit", kind="github", owner="acme", nth=1, retry_after=7)
    response = session.get(forge.api_base("github") + "/orgs/acme/repos")
    assert response.status_code == 200
    assert sleeps == [7.0]
    assert forge.count(status=429) == 1


def test_rate_limit_reset_header_honoured_and_capped(forge, make_session, sleeps):
    forge.add_repo("github", "acme", "tool")
    forge.set_fault("rate_limit", kind="github", owner="acme", nth=1, status=403, reset_in=30)
    forge.set_fault("rate_limit", kind="gitea", owner="acme", nth=1, retry_after=3600)
    forge.add_repo("gitea", "acme", "tool")
    session = make_session(max_retry_wait=60)
    assert session.get(forge.api_base("github") + "/orgs/acme/repos").status_code == 200
    assert session.get(forge.api_base("gitea") + "/orgs/acme/repos").status_code == 200
    assert 28 <= sleeps[0] <= 31
    assert sleeps[1] == 60


def test_5xx_retried_with_exponential_backoff_then_returned(forge, session, sleeps):
    forge.add_owner("github", "acme")
    forge.set_fault("status", kind="github", owner="acme", status=503)
    response = session.get(forge.api_base("github") + "/orgs/acme/repos")
    assert response.status_code == 503
    assert sleeps == pytest.approx([0.01, 0.02, 0.04])
    assert forge.count(status=503) == 4


def test_read_timeout_applied(forge, make_session):
    forge.add_owner("github", "acme")
    forge.set_fault("slow", kind="github", owner="acme", delay=3)
    session = make_session(read_timeout=0.3)
    with pytest.raises(requests.Timeout):
        session.get(forge.api_base("github") + "/orgs/acme/repos")


def test_one_slow_answer_to_a_get_is_asked_again(forge, make_session, sleeps):
    """A busy forge that answers one GET too late does not fail the request (nor the harvest)."""
    forge.add_repo("github", "acme", "tool")
    slow = forge.set_fault("slow", kind="github", owner="acme", delay=2, times=1)
    session = make_session(read_timeout=0.3, retries=2)
    response = session.get(forge.api_base("github") + "/orgs/acme/repos")
    assert response.status_code == 200 and [r["name"] for r in response.json()] == ["tool"]
    assert slow.fired == 1
    assert sleeps == pytest.approx([0.01])


def test_a_slow_answer_to_a_write_is_never_sent_again(make_session, sleeps):
    """A POST whose answer never came may have been done: it is not repeated."""
    received = []

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the handler's name is http.server's
            received.append(self.path)
            time.sleep(1)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        session = make_session(allowed_hosts={f"127.0.0.1:{port}"}, read_timeout=0.2, retries=3)
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.post(f"http://127.0.0.1:{port}/save", data=b"x")
        assert received == ["/save"] and sleeps == []
    finally:
        server.shutdown()
        server.server_close()


def test_connection_errors_retried(make_session, sleeps):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there any more: connection refused
    session = make_session(allowed_hosts={f"127.0.0.1:{port}"}, retries=2)
    with pytest.raises(requests.ConnectionError):
        session.get(f"http://127.0.0.1:{port}/")
    assert len(sleeps) == 2


def test_budget_exhausted_stops_requests(forge, make_session):
    forge.add_owner("github", "acme")
    session = make_session(per_host_budget=2)
    url = forge.api_base("github") + "/orgs/acme/repos"
    session.get(url)
    session.get(url)
    with pytest.raises(BudgetExhausted, match=f"{forge.host}"):
        session.get(url)
    assert forge.count() == 2


def test_session_from_config_reads_settings():
    session = session_from_config(
        {
            "COMMONS_HARVEST_ALLOWED_HOSTS": "127.0.0.1:8080, gitlab.internal:443",
            "COMMONS_HARVEST_TOKENS": "api.github.com=ghp_x,gitlab.com=glpat_y",
            "COMMONS_HARVEST_USER_AGENT": "commons-test/1 (+mailto:ops@example.org)",
            "COMMONS_HARVEST_MAX_BYTES": "1000",
            "COMMONS_HARVEST_MAX_PAGES": 7,
            "COMMONS_HARVEST_TIMEOUT": "3",
        }
    )
    assert session.policy.allowed_hosts == {"127.0.0.1:8080", "gitlab.internal:443"}
    assert session.policy.tokens == {"api.github.com": "ghp_x", "gitlab.com": "glpat_y"}
    assert session.headers["User-Agent"] == "commons-test/1 (+mailto:ops@example.org)"
    assert (session.policy.max_bytes, session.policy.max_pages) == (1000, 7)
    assert (session.policy.connect_timeout, session.policy.read_timeout) == (3, 3)
    assert session.trust_env is False


def test_policy_from_config_defaults_and_errors():
    policy = policy_from_config({"COMMONS_HARVEST_ALLOWED_HOSTS": ["a:1"], "COMMONS_HARVEST_TOKENS": {"h": "t"}})
    assert policy.allowed_hosts == {"a:1"}
    assert policy.tokens == {"h": "t"}
    assert policy.max_pages == 200 and policy.max_bytes == 5_000_000
    with pytest.raises(ValueError, match="host=token"):
        policy_from_config({"COMMONS_HARVEST_TOKENS": "no-equals-sign"})


def test_in_process_budget_limits_concurrency_per_host():
    import threading

    from commons.outbound import InProcessHostBudget

    budget = InProcessHostBudget(per_host_budget=None, per_host_concurrency=1)
    budget.acquire("a:443")
    budget.acquire("b:443")  # another host has its own slot
    entered = threading.Event()

    def second_request():
        budget.acquire("a:443")
        entered.set()
        budget.release("a:443")

    worker = threading.Thread(target=second_request)
    worker.start()
    assert not entered.wait(0.2)
    budget.release("a:443")
    assert entered.wait(2)
    worker.join()
    assert budget.used("a:443") == 2
