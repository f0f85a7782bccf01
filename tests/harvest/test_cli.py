# SPDX-License-Identifier: EUPL-1.2
"""``commons harvest …``: add a source, run it, list and show jobs; bad input gives one line and exit 2."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from commons.catalogue.models import Repository
from commons.cli import main
from commons.extensions import db
from commons.harvest.models import HarvestSource
from tests.fakeforge import FakeForge


def invoke(runner, args):
    return runner.invoke(main, args, catch_exceptions=False)


def _add(runner, forge: FakeForge, kind: str = "github", owner: str = "etalab", *extra: str) -> int:
    result = invoke(runner, ["harvest", "add-source", "--kind", kind, "--url", forge.web_url(kind, owner), *extra])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[-1])


def test_add_source_prints_the_id_as_the_last_word_and_waits_for_approval(runner, harvest_app, forge) -> None:
    source_id = _add(runner, forge)
    source = db.session.get(HarvestSource, source_id)
    assert source.approval_state == "proposed" and source.owner == "etalab"
    result = invoke(runner, ["harvest", "run", "--source", str(source_id)])
    assert result.exit_code == 2 and "not approved" in result.output


def test_add_source_with_api_url_and_organisation(runner, harvest_app, forge) -> None:
    from tests.factories import OrganisationFactory

    OrganisationFactory(slug="dinum")
    source_id = _add(
        runner, forge, "github", "etalab", "--api-url", forge.api_base("github"), "--organisation", "dinum", "--approve"
    )
    source = db.session.get(HarvestSource, source_id)
    assert source.api_base == forge.api_base("github") and source.organisation.slug == "dinum"
    assert source.approval_state == "approved"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "github", "--url", "not a url"], "url"),
        (["--kind", "github", "--url", "https://github.com/etalab", "--organisation", "nope"], "organisation"),
        (["--kind", "github", "--url", "https://github.com/etalab", "--api-url", "file:///etc"], "api"),
    ],
)
def test_add_source_bad_input_exits_2_with_one_line(runner, harvest_app, args, message) -> None:
    result = invoke(runner, ["harvest", "add-source", *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0].lower()


def test_run_json_prints_the_summary_on_the_last_line(runner, harvest_app, forge) -> None:
    for i in range(3):
        forge.add_repo("gitea", "comune", f"r{i}")
    source_id = _add(runner, forge, "gitea", "comune", "--approve")
    result = invoke(runner, ["harvest", "run", "--source", str(source_id), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("added", "updated", "unchanged", "archived", "errored")} == {
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "archived": 0,
        "errored": 0,
    }
    assert summary["status"] == "succeeded" and summary["requests"] >= 1 and len(summary["jobs"]) == 1
    again = json.loads(invoke(runner, ["harvest", "run", "--all", "--json"]).output.strip().splitlines()[-1])
    assert (again["unchanged"], again["added"], again["not_modified"]) == (3, 0, 1)
    assert db.session.scalar(select(func.count()).select_from(Repository)) == 3


def test_run_records_a_guard_refusal_on_the_job(runner, harvest_app, forge) -> None:
    forge.add_repo("github", "etalab", "x")
    source_id = _add(runner, forge, "github", "etalab", "--approve")
    harvest_app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = ""
    result = invoke(runner, ["harvest", "run", "--source", str(source_id), "--json"])
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["status"] == "failed" and "refused" in summary["errors"][0]
    shown = invoke(runner, ["harvest", "show", str(summary["jobs"][0])])
    assert "refused" in shown.output and "failed" in shown.output


@pytest.mark.parametrize(
    "args",
    [
        ["harvest", "run"],
        ["harvest", "run", "--all", "--due"],
        ["harvest", "run", "--source", "999"],
        ["harvest", "show", "x"],
    ],
)
def test_run_and_show_bad_input_exit_2(runner, harvest_app, args) -> None:
    result = invoke(runner, args)
    assert result.exit_code == 2
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_jobs_and_show_list_per_item_errors(runner, harvest_app, forge) -> None:
    for i in range(150):
        forge.add_repo("github", "etalab", f"r{i}")
    forge.set_fault("malformed", kind="github", owner="etalab", page=2)
    source_id = _add(runner, forge, "github", "etalab", "--approve")
    summary = json.loads(invoke(runner, ["harvest", "run", "--due", "--json"]).output.strip().splitlines()[-1])
    assert summary["status"] == "partial" and summary["added"] == 100 and summary["errored"] == 1
    listing = invoke(runner, ["harvest", "jobs"])
    assert f"source {source_id}" in listing.output and "partial" in listing.output
    shown = invoke(runner, ["harvest", "show", str(summary["jobs"][0])])
    assert "[listing]" in shown.output and "malformed JSON" in shown.output
    as_json = json.loads(invoke(runner, ["harvest", "show", str(summary["jobs"][0]), "--json"]).output)
    assert as_json["items"][-1]["stage"] == "listing"


def test_worker_without_a_broker_exits_2(runner, harvest_app) -> None:
    result = invoke(runner, ["worker"])
    assert result.exit_code == 2 and "COMMONS_BROKER_URL" in result.output


def test_run_with_a_wrong_setting_exits_2_before_any_request(runner, harvest_app, forge) -> None:
    _add(runner, forge, "github", "etalab", "--approve")
    harvest_app.config["COMMONS_HARVEST_TIMEOUT"] = "1,2,3"
    result = invoke(runner, ["harvest", "run", "--all"])
    assert result.exit_code == 2 and "COMMONS_HARVEST_TIMEOUT" in result.output
    assert forge.count() == 0
