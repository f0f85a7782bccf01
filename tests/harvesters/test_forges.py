# SPDX-License-Identifier: EUPL-1.2
"""The three forge clients against the fake forge on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

import harvesters
from commons.outbound import BudgetExhausted
from harvesters import (
    ItemError,
    ListingUnchanged,
    MemoryHttpCache,
    RepositoryNotFound,
    RepositoryRecord,
    fetch_repository,
    harvest_source,
    source_from_url,
)
from harvesters.github import GitHubClient

KINDS = ["github", "gitlab", "gitea"]
LISTING = {"github": "/repos?", "gitlab": "/projects?", "gitea": "/repos?"}
PUBLICCODE = "publiccode.yml"
PC_TEXT = "publiccodeYmlVersion: '0.4'\nname: tool\n"


class State:
    """PreviousState built from the records of an earlier run."""

    def __init__(self, items):
        self.seen = {(i.host, i.remote_id): i.pushed_at for i in items if isinstance(i, RepositoryRecord)}

    def previous_pushed_at(self, host, remote_id):
        return self.seen.get((host, remote_id))


def spec_for(forge, kind, owner="acme"):
    return source_from_url(kind, forge.web_url(kind, owner))


def run(forge, session, kind, owner="acme", cache=None, state=None, max_pages=200):
    return list(harvest_source(spec_for(forge, kind, owner), session, cache or MemoryHttpCache(), state, max_pages))


def records(items):
    return [i for i in items if isinstance(i, RepositoryRecord)]


def errors(items):
    return [i for i in items if isinstance(i, ItemError)]


def add_many(forge, kind, count, owner="acme"):
    return [forge.add_repo(kind, owner, f"tool{n}") for n in range(count)]


@pytest.mark.parametrize(("kind", "pages"), [("github", 2), ("gitlab", 2), ("gitea", 3)])
def test_pagination_yields_every_repository_once(forge, session, kind, pages):
    added = add_many(forge, kind, 120)
    items = run(forge, session, kind)
    assert errors(items) == []
    assert sorted(int(r.remote_id) for r in records(items)) == sorted(r["id"] for r in added)
    assert forge.count(path=LISTING[kind], kind=kind) == pages


@pytest.mark.parametrize("kind", KINDS)
def test_listing_fields_are_normalised(forge, session, kind):
    forge.add_repo(
        kind,
        "acme",
        "tool",
        description="A tool",
        topics=["gov", "eu"],
        stars=5,
        forks=2,
        open_issues=3,
        archived=True,
        license="EUPL-1.2",
        homepage="https://tool.example",
        publiccode=PC_TEXT,
    )
    (record,) = records(run(forge, session, kind))
    assert record.host == forge.host
    assert record.full_name == "acme/tool" and record.name == "tool" and record.owner == "acme"
    assert record.web_url == forge.repo_web_url(kind, "acme/tool")
    assert (record.stars, record.forks, record.open_issues) == (5, 2, 3)
    assert record.topics == ["gov", "eu"]
    assert record.archived is True and record.fork is False
    assert record.default_branch == "main"
    assert record.created_at is not None and record.created_at.tzinfo == UTC
    assert record.pushed_at is not None and record.pushed_at > record.created_at
    assert record.publiccode_raw == PC_TEXT and record.publiccode_checked
    assert record.publiccode_url is not None and record.publiccode_url.endswith("/main/publiccode.yml")
    if kind != "gitlab":  # GitLab lists no licence or language without extra requests
        assert record.license_spdx == "EUPL-1.2"
        assert record.languages == ["Python"]
    if kind != "gitea":
        assert record.homepage in ("https://tool.example", None)
    if kind == "gitlab":
        assert record.has_readme is True


def test_github_noassertion_licence_is_unknown(forge, session):
    forge.add_repo("github", "acme", "tool", license="NOASSERTION")
    (record,) = records(run(forge, session, "github"))
    assert record.license_spdx is None


def test_gitlab_group_listing_includes_subgroups(forge, session):
    forge.add_repo("gitlab", "acme", "top")
    forge.add_repo("gitlab", "acme/team", "nested")
    forge.add_repo("gitlab", "other", "unrelated")
    names = sorted(r.full_name for r in records(run(forge, session, "gitlab")))
    assert names == ["acme/team/nested", "acme/top"]
    nested = records(run(forge, session, "gitlab", owner="acme/team"))
    assert [r.owner for r in nested] == ["acme/team"]


def test_gitlab_offset_pagination_when_keyset_not_offered(session, forge):
    forge.gitlab_keyset = False
    add_many(forge, "gitlab", 230)
    items = run(forge, session, "gitlab")
    assert errors(items) == []
    assert len({r.remote_id for r in records(items)}) == 230
    listing = [r.path for r in forge.requests if "/projects?" in r.path]
    assert len(listing) == 3 and "page=3" in listing[-1]


@pytest.mark.parametrize("kind", KINDS)
def test_user_account_falls_back_from_organisation(forge, session, kind):
    forge.add_owner(kind, "alice", type="user")
    forge.add_repo(kind, "alice", "dotfiles")
    items = run(forge, session, kind, owner="alice")
    assert [r.full_name for r in records(items)] == ["alice/dotfiles"]
    assert errors(items) == []
    assert forge.count(status=404, path="/users/") == 0
    assert forge.count(status=404, path=LISTING[kind]) == 1


def test_unknown_owner_is_a_listing_error(forge, session):
    items = run(forge, session, "github", owner="ghost")
    (error,) = items
    assert isinstance(error, ItemError) and error.stage == "listing" and "404" in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_second_run_is_304_and_parses_nothing(forge, session, kind, monkeypatch):
    added = add_many(forge, kind, 120)
    cache = MemoryHttpCache()
    first = run(forge, session, kind, cache=cache)
    assert len(records(first)) == 120
    forge.reset_log()

    def must_not_parse(self, obj, host):
        raise AssertionError("a 304 page was parsed")

    monkeypatch.setattr(harvesters.client_class(kind), "parse", must_not_parse)
    second = run(forge, session, kind, cache=cache, state=State(first))
    assert all(isinstance(i, ListingUnchanged) for i in second)
    assert sorted(int(x) for i in second for x in i.remote_ids) == sorted(r["id"] for r in added)
    assert forge.count() == forge.count(status=304) > 0
    assert forge.count(path=PUBLICCODE) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_publiccode_fetched_only_for_new_or_changed_repositories(forge, session, kind):
    repos = add_many(forge, kind, 120)
    cache = MemoryHttpCache()
    first = run(forge, session, kind, cache=cache)
    assert forge.count(path=PUBLICCODE) == 120
    changed = repos[110]
    forge.update_repo(kind, changed["id"], publiccode=PC_TEXT)
    new = forge.add_repo(kind, "acme", "brand-new")
    forge.reset_log()
    second = run(forge, session, kind, cache=cache, state=State(first))
    fetched = {r.remote_id for r in records(second) if r.publiccode_checked}
    assert fetched == {str(changed["id"]), str(new["id"])}
    assert forge.count(path=PUBLICCODE) == 2
    by_id = {r.remote_id: r for r in records(second)}
    assert by_id[str(changed["id"])].publiccode_raw == PC_TEXT
    unchanged = [r for r in records(second) if not r.publiccode_checked]
    assert unchanged and all(r.publiccode_raw is None for r in unchanged)


@pytest.mark.parametrize("kind", KINDS)
def test_failing_page_recorded_and_earlier_pages_kept(forge, session, sleeps, kind):
    add_many(forge, kind, 120)
    forge.set_fault("status", kind=kind, owner="acme", page=2, status=500)
    items = run(forge, session, kind)
    (error,) = errors(items)
    assert error.stage == "listing" and "500" in error.message
    assert len(records(items)) == (50 if kind == "gitea" else 100)
    assert len(sleeps) == 3  # retried before giving up


def test_timeout_on_a_page_is_an_item_error(forge, make_session):
    add_many(forge, "github", 120)
    forge.set_fault("slow", kind="github", owner="acme", page=2, delay=3)
    items = run(forge, make_session(read_timeout=0.3), "github")
    (error,) = errors(items)
    assert error.message.startswith("timeout")
    assert len(records(items)) == 100


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_json_page_is_an_item_error(forge, session, kind):
    add_many(forge, kind, 10)
    forge.set_fault("malformed", kind=kind, owner="acme", page=1)
    (error,) = run(forge, session, kind)
    assert isinstance(error, ItemError) and "malformed JSON" in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_one_malformed_repository_does_not_hide_the_others(forge, session, kind):
    add_many(forge, kind, 3)
    bad = forge.add_repo(kind, "acme", "bad", stars="many", created_at=None)
    cache = MemoryHttpCache()
    items = run(forge, session, kind, cache=cache)
    (error,) = errors(items)
    assert error.remote_id == str(bad["id"]) and error.stage == "parse"
    assert len(records(items)) == 3
    # The page is not cached: the bad repository gets another chance next run.
    assert cache.entries == {}


@pytest.mark.parametrize("kind", KINDS)
def test_pagination_loop_stops(forge, session, kind):
    add_many(forge, kind, 120)
    forge.set_fault("loop", kind=kind, owner="acme", page=2)
    items = run(forge, session, kind)
    (error,) = errors(items)
    assert "pagination loop" in error.message
    ids = [r.remote_id for r in records(items)]
    assert len(ids) == len(set(ids))


def test_page_cap_is_reported(forge, session):
    add_many(forge, "gitea", 120)
    items = run(forge, session, "gitea", max_pages=2)
    assert len(records(items)) == 100
    assert "page cap" in errors(items)[-1].message


def test_redirect_to_metadata_address_is_refused_and_recorded(forge, session):
    add_many(forge, "github", 3)
    forge.set_fault("redirect", kind="github", owner="acme", location="http://169.254.169.254/latest/meta-data/")
    (error,) = run(forge, session, "github")
    assert "refused" in error.message and "link-local" in error.message


def test_publiccode_fetch_failure_is_per_item(forge, session):
    ok = forge.add_repo("github", "acme", "ok", publiccode=PC_TEXT)
    broken = forge.add_repo("github", "acme", "broken", publiccode=PC_TEXT)
    forge.set_fault("status", kind="github", path="/repos/acme/broken/contents", status=502)
    items = run(forge, session, "github")
    (error,) = errors(items)
    assert error.stage == "publiccode" and error.remote_id == str(broken["id"])
    by_id = {r.remote_id: r for r in records(items)}
    assert by_id[str(ok["id"])].publiccode_raw == PC_TEXT
    assert by_id[str(broken["id"])].publiccode_checked is False


@pytest.mark.parametrize("kind", KINDS)
def test_renamed_repository_keeps_its_remote_id(forge, session, kind):
    repo = forge.add_repo(kind, "acme", "old-name")
    cache = MemoryHttpCache()
    first = records(run(forge, session, kind, cache=cache))
    forge.rename(kind, repo["id"], "new-name")
    second = records(run(forge, session, kind, cache=cache, state=State(first)))
    assert [r.remote_id for r in second] == [r.remote_id for r in first] == [str(repo["id"])]
    assert second[0].full_name == "acme/new-name"


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_text_passes_through_as_data(forge, session, kind):
    hostile = '<script>alert(1)</script> "quoted" & <b>bold</b>'
    forge.add_repo(kind, "acme", "tool", description=hostile, topics=["<img src=x onerror=alert(1)>"])
    (record,) = records(run(forge, session, kind))
    assert record.description == hostile
    assert record.topics == ["<img src=x onerror=alert(1)>"]


def test_budget_exhaustion_ends_the_run(forge, make_session):
    add_many(forge, "github", 120)
    session = make_session(per_host_budget=3)
    seen = []
    with pytest.raises(BudgetExhausted):
        for item in harvest_source(spec_for(forge, "github"), session, MemoryHttpCache()):
            seen.append(item)
    assert len(records(seen)) == 2


@pytest.mark.parametrize(
    ("kind", "owner", "suffix"),
    [("github", "acme", ".git"), ("gitlab", "acme/sub", "/"), ("gitea", "acme", ".git/")],
)
def test_fetch_repository_by_web_url(forge, session, kind, owner, suffix):
    repo = forge.add_repo(kind, owner, "tool", publiccode=PC_TEXT)
    url = forge.repo_web_url(kind, f"{owner}/tool").replace("http://", "HTTP://") + suffix
    record = fetch_repository(kind, url, session)
    assert record.remote_id == str(repo["id"])
    assert record.full_name == f"{owner}/tool"
    assert record.host == forge.host
    assert record.publiccode_raw == PC_TEXT


def test_fetch_renamed_github_repository_by_old_name_follows_redirect(forge, session):
    repo = forge.add_repo("github", "acme", "old")
    forge.rename("github", repo["id"], "new")
    record = fetch_repository("github", forge.repo_web_url("github", "acme/old"), session)
    assert (record.remote_id, record.full_name) == (str(repo["id"]), "acme/new")
    assert forge.count(status=301) >= 1


def test_fetch_missing_repository_raises_not_found(forge, session):
    with pytest.raises(RepositoryNotFound):
        fetch_repository("gitea", forge.repo_web_url("gitea", "acme/nothing"), session)
    with pytest.raises(ValueError):
        fetch_repository("github", "ftp://example.org/a/b", session)


def test_github_base64_contents_are_decoded():
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response._content = b'{"type": "file", "encoding": "base64", "content": "bmFtZTog\\nw6l0w6kK"}'
    assert GitHubClient(None, requests.Session()).decode_publiccode(response) == "name: \u00e9t\u00e9\n"


def test_timestamps_are_utc_aware():
    from harvesters.base import parse_time

    assert parse_time("2024-05-01T12:00:00.123+02:00", "x") == datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)
    assert parse_time("2024-05-01T12:00:00Z", "x") == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_naive_previous_timestamps_count_as_utc(forge, session):
    forge.add_repo("gitea", "acme", "tool", publiccode=PC_TEXT)
    first = run(forge, session, "gitea")
    state = State(first)
    state.seen = {key: value.replace(tzinfo=None) for key, value in state.seen.items()}
    forge.reset_log()
    second = records(run(forge, session, "gitea", state=state))
    assert second[0].publiccode_checked is False
    assert forge.count(path=PUBLICCODE) == 0
