# SPDX-License-Identifier: EUPL-1.2
"""During a harvest the logo named by publiccode.yml is fetched through the forge's raw-file API
(the fake forge on 127.0.0.1) and checked: present, missing (404), not an image, extension."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from commons.outbound import BudgetExhausted
from harvesters import MemoryHttpCache, RepositoryRecord, fetch_repository, harvest_source, source_from_url
from harvesters.publiccode import parse_publiccode, result_from_stored, stored_issues

KINDS = ["github", "gitlab", "gitea"]
CASES = Path(__file__).parent / "publiccode_cases"
PNG = (Path(__file__).parent / "data" / "publiccode-v0" / "valid" / "assets" / "img" / "logo.png").read_bytes()
SVG = b'<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
BASE = (CASES / "complete-0.7.yml").read_text(encoding="utf-8")
BASE_LOGO = 'logo: "https://code.example.eu/statistik/datenwerk/-/raw/main/logo.png"\n'
assert BASE_LOGO in BASE


def with_logo(logo: str, extra: str = "") -> str:
    return BASE.replace(BASE_LOGO, f'logo: "{logo}"\n{extra}')


def harvest_one(forge, session, kind, **fields) -> RepositoryRecord:
    forge.add_repo(kind, "acme", "tool", **fields)
    spec = source_from_url(kind, forge.web_url(kind, "acme"))
    items = list(harvest_source(spec, session, MemoryHttpCache()))
    found = [i for i in items if isinstance(i, RepositoryRecord)]
    assert len(found) == 1, items
    return found[0]


def issues(result, key):
    return [(i.severity, i.code) for i in [*result.errors, *result.warnings, *result.notices] if i.path == key]


def test_the_file_alone_leaves_the_logo_not_checked():
    result = parse_publiccode(with_logo("assets/img/logo.png"))
    assert result.valid and issues(result, "logo") == [("info", "not_checked")]


@pytest.mark.parametrize("kind", KINDS)
def test_present_logo_is_fetched_from_the_forge_and_passes(forge, session, kind):
    record = harvest_one(
        forge, session, kind, publiccode=with_logo("./assets/img/logo.png"), files={"assets/img/logo.png": PNG}
    )
    result = record.publiccode_result
    assert result is not None and result.valid, result.errors
    assert issues(result, "logo") == []  # checked: no "not checked" notice, no error
    logo_requests = [r for r in forge.requests if "logo" in r.path]
    assert [r.status for r in logo_requests] == [200]
    expected = {
        "github": "/repos/acme/tool/contents/assets/img/logo.png?ref=main",
        "gitlab": "/repository/files/assets%2Fimg%2Flogo.png/raw?ref=main",
        "gitea": "/repos/acme/tool/raw/assets/img/logo.png?ref=main",
    }[kind]
    assert expected in logo_requests[0].path


@pytest.mark.parametrize("kind", KINDS)
def test_missing_logo_is_the_references_error(forge, session, kind):
    record = harvest_one(forge, session, kind, publiccode=with_logo("assets/img/logo.png"))
    result = record.publiccode_result
    assert not result.valid
    assert issues(result, "logo") == [("error", "no_such_file")]
    error = next(i for i in result.errors if i.path == "logo")
    assert error.line == 9 and error.column == 1  # where the key is in the file
    assert forge.count(status=404, path="logo.png") == 1


@pytest.mark.parametrize("kind", KINDS)
def test_logo_that_is_not_an_image_is_an_error(forge, session, kind):
    record = harvest_one(
        forge,
        session,
        kind,
        publiccode=with_logo("logo.png", 'monochromeLogo: "mono.svg"\n'),
        files={"logo.png": b"<html>Not Found</html>", "mono.svg": b"\x89PNG\r\n\x1a\n not svg"},
    )
    result = record.publiccode_result
    assert not result.valid
    assert issues(result, "logo") == [("error", "not_png")]
    assert issues(result, "monochromeLogo") == [("error", "not_svg"), ("warning", "deprecated_use")]


def test_svg_and_svgz_logos_pass_when_they_are_svg(forge, session):
    record = harvest_one(
        forge,
        session,
        "gitea",
        publiccode=with_logo("logo.svg", 'monochromeLogo: "mono.svgz"\n'),
        files={"logo.svg": SVG, "mono.svgz": gzip.compress(SVG)},
    )
    result = record.publiccode_result
    assert result.valid, result.errors
    assert issues(result, "logo") == [] and issues(result, "monochromeLogo") == [("warning", "deprecated_use")]


def test_extension_is_checked_before_any_request(forge, session):
    record = harvest_one(forge, session, "github", publiccode=with_logo("logo.gif"), files={"logo.gif": b"GIF89a"})
    assert issues(record.publiccode_result, "logo") == [("error", "extension")]
    assert forge.count(path="logo") == 0


def test_path_leaving_the_repository_is_not_requested(forge, session):
    record = harvest_one(forge, session, "gitea", publiccode=with_logo("../../secret/logo.png"))
    assert issues(record.publiccode_result, "logo") == [("error", "no_such_file")]
    assert forge.count(path="logo") == 0


def test_absolute_url_logo_is_never_fetched(forge, session):
    record = harvest_one(forge, session, "github", publiccode=BASE)
    assert record.publiccode_result.valid and issues(record.publiccode_result, "logo") == []
    assert forge.count(path="logo") == 0


def test_forge_failure_on_the_logo_is_not_checked_not_missing(forge, session):
    forge.set_fault("status", kind="gitlab", path="logo.png", status=502)
    record = harvest_one(forge, session, "gitlab", publiccode=with_logo("logo.png"), files={"logo.png": PNG})
    result = record.publiccode_result
    assert result.valid
    assert issues(result, "logo") == [("info", "fetch_failed")]
    assert record.publiccode_raw is not None and record.publiccode_checked


def test_screenshots_stay_not_checked_and_cost_no_request(forge, session):
    text = with_logo("logo.png").replace("    features:\n", "    screenshots:\n      - shot.png\n    features:\n", 1)
    record = harvest_one(forge, session, "github", publiccode=text, files={"logo.png": PNG, "shot.png": PNG})
    assert ("info", "not_checked") in [(i.severity, i.code) for i in record.publiccode_result.notices]
    assert forge.count(path="shot.png") == 0


def test_unchanged_repository_fetches_neither_file_nor_logo(forge, session):
    forge.add_repo("github", "acme", "tool", publiccode=with_logo("logo.png"), files={"logo.png": PNG})
    spec = source_from_url("github", forge.web_url("github", "acme"))
    cache = MemoryHttpCache()
    first = [i for i in harvest_source(spec, session, cache) if isinstance(i, RepositoryRecord)]

    class State:
        def previous_pushed_at(self, host, remote_id):
            return next(r.pushed_at for r in first if r.remote_id == remote_id)

    forge.reset_log()
    list(harvest_source(spec, session, cache, State()))
    assert forge.count(path="logo") == 0 and forge.count(path="publiccode") == 0


def test_logo_requests_count_against_the_host_budget(forge, make_session):
    # Listing, publiccode.yml, then the logo: a budget of two requests ends the run at the logo.
    forge.add_repo("github", "acme", "tool", publiccode=with_logo("logo.png"), files={"logo.png": PNG})
    session = make_session(per_host_budget=2)
    spec = source_from_url("github", forge.web_url("github", "acme"))
    with pytest.raises(BudgetExhausted):
        list(harvest_source(spec, session, MemoryHttpCache()))
    assert forge.count(path="publiccode") == 1 and forge.count(path="logo") == 0


def test_one_repository_fetch_checks_the_logo_too(forge, session):
    forge.add_repo("gitea", "acme", "tool", publiccode=with_logo("logo.png"))
    record = fetch_repository("gitea", forge.repo_web_url("gitea", "acme/tool"), session)
    assert issues(record.publiccode_result, "logo") == [("error", "no_such_file")]


def test_stored_issues_round_trip():
    result = parse_publiccode(with_logo("logo.png", 'monochromeLogo: "mono.svg"\n'))
    stored = stored_issues(result)
    assert stored[0] == {"format": 2}
    assert {"key", "code", "params", "message", "line", "column", "severity"} <= set(stored[1])
    rebuilt = result_from_stored(stored, result.valid)
    assert rebuilt is not None and rebuilt.valid == result.valid

    def shape(r):
        return [(i.path, i.code, i.severity, i.line, i.column, i.message) for i in [*r.errors, *r.warnings, *r.notices]]

    assert shape(rebuilt) == shape(result)
    # Rows of the older format (no marker, no codes) are not taken: the caller validates again.
    assert result_from_stored([{"path": "name", "message": "x", "severity": "error"}], False) is None
    assert result_from_stored([], True) is None
    assert result_from_stored(None, True) is None
    assert result_from_stored([{"format": 2}, {"severity": "fatal"}], False) is None
