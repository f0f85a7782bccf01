# SPDX-License-Identifier: EUPL-1.2
"""Harvest pages and API: propose, approve, run now, preview, jobs with escaped per-item errors."""

from __future__ import annotations

from sqlalchemy import select

from commons.catalogue.models import Repository
from commons.extensions import db
from commons.harvest import services
from commons.harvest.models import HarvestJob, HarvestSource
from tests.conftest import csrf_token
from tests.fakeforge import FakeForge

HOSTILE = "<script>alert('owned')</script>"


def test_logged_in_user_proposes_a_source_that_waits(client, login_as, harvest_app, forge: FakeForge) -> None:
    login_as("user")
    token = csrf_token(client, "/harvest/sources/propose")
    response = client.post(
        "/harvest/sources/propose",
        data={
            "csrf_token": token,
            "kind": "gitea",
            "url": forge.web_url("gitea", "comune"),
            "schedule_hours": "24",
            "approve": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    source = db.session.scalar(select(HarvestSource))
    # A plain user cannot approve their own proposal, even by sending the box.
    assert source.approval_state == "proposed" and source.owner == "comune"
    assert client.get("/admin/harvest/sources").status_code == 403


def test_invalid_proposal_answers_422_with_summary_and_kept_input(client, login_as, harvest_app) -> None:
    login_as("user")
    token = csrf_token(client, "/harvest/sources/propose")
    response = client.post(
        "/harvest/sources/propose",
        data={
            "csrf_token": token,
            "kind": "github",
            "url": "https://github.com/a/b/c",
            "organisation": "ghost",
            "schedule_hours": "5",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page and 'id="error-summary"' in page
    assert 'value="https://github.com/a/b/c"' in page and 'value="ghost"' in page
    assert "No organisation has the identifier" in page
    missing = client.post("/harvest/sources/propose", data={"csrf_token": token, "kind": "github", "url": "TBD"})
    assert missing.status_code == 422 and "placeholder" in missing.get_data(as_text=True)


def test_admin_approves_runs_and_sees_escaped_errors(client, login_as, harvest_app, forge: FakeForge) -> None:
    forge.add_repo("github", "etalab", "outil", description=HOSTILE)
    for i in range(120):
        forge.add_repo("github", "etalab", f"r{i}")
    forge.set_fault("malformed", kind="github", owner="etalab", page=2)
    source = services.add_source(kind="github", url=forge.web_url("github", "etalab"))
    db.session.commit()
    login_as("admin")
    listing = client.get("/admin/harvest/sources").get_data(as_text=True)
    assert "Waiting for approval" in listing
    token = csrf_token(client, f"/admin/harvest/sources/{source.id}")
    assert client.post(f"/admin/harvest/sources/{source.id}/approve", data={"csrf_token": token}).status_code == 302
    # Without the CSRF token nothing runs.
    client.post(f"/admin/harvest/sources/{source.id}/run", data={})
    assert db.session.scalar(select(HarvestJob)) is None
    response = client.post(f"/admin/harvest/sources/{source.id}/run", data={"csrf_token": token})
    assert response.status_code == 302 and "/admin/harvest/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "malformed JSON" in job_page and "Partial" in job_page
    db.session.expire_all()
    repo = db.session.scalar(select(Repository).where(Repository.full_name == "etalab/outil"))
    assert repo.description == HOSTILE
    preview = client.get(f"/admin/harvest/sources/{source.id}/preview").get_data(as_text=True)
    assert HOSTILE not in preview and "&lt;script&gt;alert(" in preview
    assert client.get("/admin/harvest/jobs").status_code == 200


def test_job_page_escapes_hostile_error_text(client, login_as, harvest_app, forge: FakeForge) -> None:
    source = services.add_source(kind="gitea", url=forge.web_url("gitea", "x"), approve=True)
    job = HarvestJob(source_id=source.id, status="failed", error=HOSTILE, details={})
    db.session.add(job)
    db.session.commit()
    login_as("secretariat")
    page = client.get(f"/admin/harvest/jobs/{job.id}").get_data(as_text=True)
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_preview_shows_a_guard_refusal(client, login_as, harvest_app, forge: FakeForge) -> None:
    source = services.add_source(kind="github", url="http://10.0.0.7/etalab", approve=True)
    db.session.commit()
    login_as("admin")
    page = client.get(f"/admin/harvest/sources/{source.id}/preview").get_data(as_text=True)
    assert "refused" in page and "private" in page


def test_staff_pages_refuse_others(client, login_as, harvest_app, forge: FakeForge) -> None:
    source = services.add_source(kind="github", url=forge.web_url("github", "etalab"))
    db.session.commit()
    assert client.get("/admin/harvest/sources").status_code == 302
    login_as("rep_fr")
    token = csrf_token(client, "/harvest/sources/propose")
    assert client.post(f"/admin/harvest/sources/{source.id}/approve", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/admin/harvest/sources/{source.id}/preview").status_code == 403
    assert forge.count() == 0


def test_repositories_api_filters_by_source_host_and_text(client, harvest_app, forge: FakeForge, make_source) -> None:
    forge.add_repo("github", "etalab", "carto", description="Des cartes", license="MIT")
    forge.add_repo("github", "etalab", "other")
    forge.add_repo("gitea", "comune", "mappe")
    first = make_source("github", "etalab")
    services.run_source(first)
    services.run_source(make_source("gitea", "comune"))
    everything = client.get("/api/v1/repositories").get_json()
    assert everything["total"] == 3 and everything["next"] is None
    item = next(i for i in everything["items"] if i["full_name"] == "etalab/carto")
    assert (item["name"], item["license"], item["archived"], item["host"]) == ("carto", "MIT", False, forge.host)
    assert item["url"].endswith("/etalab/carto") and item["commons"] == "carto"
    assert client.get(f"/api/v1/repositories?source={first.id}").get_json()["total"] == 2
    assert client.get(f"/api/v1/repositories?host={forge.host}").get_json()["total"] == 3
    assert client.get("/api/v1/repositories?host=github.com").get_json()["total"] == 0
    assert [i["full_name"] for i in client.get("/api/v1/repositories?q=CARTES").get_json()["items"]] == ["etalab/carto"]
    assert client.get("/api/v1/repositories?q=%25").get_json()["total"] == 0
    page = client.get("/api/v1/repositories?limit=2").get_json()
    rest = client.get(f"/api/v1/repositories?limit=2&cursor={page['next']}").get_json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next"] is None
    bad = client.get("/api/v1/repositories?source=abc")
    assert bad.status_code == 422 and "source" in bad.get_json()["errors"]


def test_job_api_is_public_and_hides_secrets(client, harvest_app, forge: FakeForge) -> None:
    harvest_app.config["COMMONS_HARVEST_TOKENS"] = "forge.example=s3cr3t-token"
    source = services.add_source(kind="github", url=forge.web_url("github", "etalab"), approve=True)
    job = HarvestJob(source_id=source.id, status="failed", error="HTTP 401 with Bearer s3cr3t-token", details={})
    db.session.add(job)
    db.session.commit()
    body = client.get(f"/api/v1/harvest/jobs/{job.id}").get_json()
    assert body["status"] == "failed" and "s3cr3t" not in str(body) and body["source"]["id"] == source.id
    assert {"added", "updated", "unchanged", "archived", "errored"} <= set(body)
    assert client.get("/api/v1/harvest/jobs/999999").status_code == 404


def test_out_of_range_numbers_are_refused_not_server_errors(client, harvest_app, login_as) -> None:
    from commons.api.helpers import encode_cursor

    assert client.get("/api/v1/repositories?source=86194105572852678656").status_code == 422
    assert client.get("/api/v1/repositories?source=0").status_code == 422
    cursor = encode_cursor({"id": 10**20})
    # A cursor beyond any id is one the API never gave out: 400 with a field error (issue 11, as documented).
    assert client.get(f"/api/v1/repositories?cursor={cursor}").status_code == 400
    assert client.get("/api/v1/harvest/jobs/86194105572852678656").status_code == 404
    login_as("admin")
    assert client.get("/admin/harvest/jobs/86194105572852678656").status_code == 404
    assert client.get("/admin/harvest/sources/86194105572852678656").status_code == 404
