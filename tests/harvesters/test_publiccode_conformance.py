# SPDX-License-Identifier: EUPL-1.2
"""Conformance with the reference parser (italia/publiccode-parser-go) on its own v0 corpus.

Every file of the reference's ``testdata/v0`` is validated here with the folder of the file as the
repository checkout (as the reference does when it reads a local file), and compared with the
expectations extracted from the reference's test tables (``data/publiccode-v0-expected.json``,
which records the reference's commit). What this validator cannot do offline is listed below
with the reason, and the tests pin that behaviour instead of hiding it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from harvesters.publiccode import PubliccodeResult, parse_publiccode

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "publiccode-v0"
EXPECTED: dict[str, Any] = json.loads((DATA / "publiccode-v0-expected.json").read_text(encoding="utf-8"))
FILES: dict[str, dict[str, Any]] = EXPECTED["files"]

# Files whose verdict differs offline, and why. Each is also listed in docs/publiccode.md.
OFFLINE_VERDICT_DIFFERENCES = {
    "invalid/logo_missing_url.yml": (
        "the logo is an absolute https URL that does not exist; only fetching it can tell, and "
        "this validator never fetches (the reference run without network accepts the file too)"
    ),
}
# Results of the reference's tables that need the network (flagged needs_network in the data):
# reachability of url, landingURL, roadmap and documentation links, and whether url is a
# repository on a known forge. They are left out of the key comparison below.
NETWORK_ONLY_REASON = "needs an HTTP request to the linked address or forge"


def validate(name: str) -> PubliccodeResult:
    path = CORPUS / name
    return parse_publiccode(path.read_bytes(), assets=path.parent)


def expected_results(name: str) -> list[dict[str, Any]] | None:
    results = FILES[name]["results"]
    if results is None:
        return None
    return [r for r in results if not r["needs_network"]]


def test_corpus_and_expectations_match_and_record_the_reference_commit() -> None:
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.yml")}
    assert on_disk == set(FILES)
    assert len(FILES) == 173
    assert len(EXPECTED["commit"]) == 40
    assert EXPECTED["source"] == "https://github.com/italia/publiccode-parser-go"
    network_only = [r for f in FILES.values() for r in f["results"] or [] if r["needs_network"]]
    assert len(network_only) == 7, NETWORK_ONLY_REASON


@pytest.mark.parametrize("name", sorted(FILES))
def test_verdict_is_the_reference_verdict(name: str) -> None:
    result = validate(name)
    verdict = "valid" if result.valid else "invalid"
    if name in OFFLINE_VERDICT_DIFFERENCES:
        # Pinned difference: see OFFLINE_VERDICT_DIFFERENCES for the reason.
        assert verdict != FILES[name]["verdict"], OFFLINE_VERDICT_DIFFERENCES[name]
        return
    assert verdict == FILES[name]["verdict"], [(i.path, i.message) for i in result.errors]


@pytest.mark.parametrize("name", sorted(n for n, f in FILES.items() if f["results"] is not None))
def test_error_and_warning_keys_are_the_reference_keys(name: str) -> None:
    result = validate(name)
    expected = expected_results(name) or []
    assert {(r["key"], r["severity"]) for r in expected} == {
        (i.path, i.severity) for i in result.errors + result.warnings
    }


@pytest.mark.parametrize("name", sorted(n for n, f in FILES.items() if f["results"]))
def test_lines_and_columns_are_the_reference_positions(name: str) -> None:
    result = validate(name)
    ours = Counter((i.path, i.severity, i.line, i.column) for i in result.errors + result.warnings)
    for entry in expected_results(name) or []:
        key = (entry["key"], entry["severity"], entry["line"], entry["column"])
        assert ours[key] > 0, (key, sorted(ours))


def test_agreement_meets_the_targets_of_issue_15() -> None:
    verdicts = 0
    both_reject = 0
    same_keys = 0
    for name, expected in FILES.items():
        result = validate(name)
        verdict = "valid" if result.valid else "invalid"
        verdicts += verdict == expected["verdict"]
        if verdict == expected["verdict"] == "invalid":
            both_reject += 1
            wanted = {r["key"] for r in expected_results(name) or [] if r["severity"] == "error"}
            same_keys += wanted == {i.path for i in result.errors}
    assert verdicts / len(FILES) >= 0.98, verdicts
    assert same_keys / both_reject >= 0.90, (same_keys, both_reject)
    # The figures published in docs/publiccode.md.
    assert (verdicts, same_keys, both_reject) == (172, 131, 131)


def test_without_the_checkout_local_files_are_reported_as_not_checked() -> None:
    name = "invalid/no-network/logo_missing_file.yml"
    result = parse_publiccode((CORPUS / name).read_bytes())
    assert result.valid
    assert [(n.path, n.code) for n in result.notices] == [("logo", "not_checked")]
