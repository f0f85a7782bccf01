# SPDX-License-Identifier: EUPL-1.2
"""Why a harvest failed, classified once where the job's error is recorded and shown as one sentence
(issue 10, item 8): a name that does not resolve, an address the guard refuses, a closed port, a 5xx, a
malformed listing. Real HTTP on 127.0.0.1 (the fake forge, a closed port) and a ``.invalid`` name."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy import select

from commons.extensions import db
from commons.harvest import services
from commons.harvest.models import HarvestItem
from tests.conftest import csrf_token
from tests.fakeforge import FakeForge


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(url: str, kind: str = "gitea"):
    source = services.add_source(kind=kind, url=url, approve=True)
    db.session.commit()
    return services.run_source(source)


def test_unresolvable_host_is_recorded_as_unresolved(harvest_app) -> None:
    job = _run("https://forge.invalid/comune")
    assert job.status == "failed"
    assert job.details["cause"] == "unresolved"
    assert "cannot resolve forge.invalid" in job.error
    assert services.job_summary(job)["cause"] == "unresolved"


def test_private_address_is_recorded_as_refused_by_the_guard(harvest_app) -> None:
    job = _run("http://10.0.0.7/comune")
    assert job.status == "failed" and job.details["cause"] == "refused"


def test_closed_port_on_an_allowed_host_is_unreachable(harvest_app) -> None:
    port = _closed_port()
    harvest_app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = f"127.0.0.1:{port}"
    job = _run(f"http://127.0.0.1:{port}/comune")
    assert job.status == "failed" and job.details["cause"] == "unreachable"


@pytest.mark.parametrize(
    ("fault", "options", "cause"),
    [
        ("status", {"status": 503}, "server_error"),
        ("malformed", {}, "malformed"),
        ("status", {"status": 404}, "not_found"),
    ],
)
def test_forge_answers_are_classified(harvest_app, forge: FakeForge, fault, options, cause) -> None:
    forge.add_repo("gitea", "comune", "agenda")
    forge.set_fault(fault, kind="gitea", owner="comune", page=1, **options)
    job = _run(forge.web_url("gitea", "comune"))
    assert job.status == "failed" and job.details["cause"] == cause
    [item] = db.session.scalars(select(HarvestItem).where(HarvestItem.job_id == job.id)).all()
    assert item.status == "error" and item.details["cause"] == cause


def test_slow_forge_is_a_timeout(harvest_app, forge: FakeForge) -> None:
    harvest_app.config["COMMONS_HARVEST_TIMEOUT"] = "0.3,0.3"
    forge.add_repo("gitea", "comune", "agenda")
    forge.set_fault("slow", kind="gitea", owner="comune", page=1, delay=1.5)
    job = _run(forge.web_url("gitea", "comune"))
    assert job.status == "failed" and job.details["cause"] == "timeout"


def test_run_now_shows_a_failure_as_a_failure_with_one_sentence(client, login_as, harvest_app) -> None:
    source = services.add_source(kind="gitea", url="https://forge.invalid/comune", approve=True)
    db.session.commit()
    login_as("admin")
    token = csrf_token(client, f"/admin/harvest/sources/{source.id}")
    response = client.post(f"/admin/harvest/sources/{source.id}/run", data={"csrf_token": token})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    flash = re.search(
        r'<div class="ecl-notification ecl-notification--(\w+) commons-flash" role="(\w+)">(.*?)</div>\s*</div>',
        page,
        re.S,
    )
    assert flash is not None, page
    assert flash.group(1) == "error" and flash.group(2) == "alert"
    assert "The harvest failed." in flash.group(3) and "did not resolve" in flash.group(3)
    assert "OutboundRefused" not in flash.group(3) and "Errno" not in flash.group(3)
    assert "ecl-notification--success" not in page
    # The technical detail is there, folded under the sentence.
    detail = re.search(r"<details class=\"harvest-detail\">.*?</details>", page, re.S)
    assert detail is not None and "cannot resolve forge.invalid" in detail.group(0)


def test_partial_run_is_a_warning_not_a_success(client, login_as, harvest_app, forge: FakeForge) -> None:
    for i in range(60):
        forge.add_repo("gitea", "comune", f"r{i}")
    forge.set_fault("malformed", kind="gitea", owner="comune", page=2)
    source = services.add_source(kind="gitea", url=forge.web_url("gitea", "comune"), approve=True)
    db.session.commit()
    login_as("admin")
    token = csrf_token(client, f"/admin/harvest/sources/{source.id}")
    response = client.post(f"/admin/harvest/sources/{source.id}/run", data={"csrf_token": token})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ecl-notification--warning commons-flash" in page and "ecl-notification--success" not in page
    assert "could not be read (the listing or the record was malformed)" in page


def test_job_api_carries_the_cause_of_the_job_and_of_each_item(client, harvest_app) -> None:
    job = _run("https://forge.invalid/comune")
    body = client.get(f"/api/v1/harvest/jobs/{job.id}").get_json()
    assert body["status"] == "failed" and body["cause"] == "unresolved"
    assert [item["cause"] for item in body["errors"]] == ["unresolved"]
