# SPDX-License-Identifier: EUPL-1.2
"""``commons publiccode validate``: exit codes, JSON output with positions, files, stdin and URLs."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from commons.cli import main

CORPUS = Path(__file__).parents[1] / "harvesters" / "data" / "publiccode-v0"
VALID = CORPUS / "valid" / "no-network" / "valid.yml"
INVALID = CORPUS / "invalid" / "no-network" / "logo_missing_file.yml"


def run(runner, *args: str, stdin: bytes | None = None):
    return runner.invoke(main, ["publiccode", "validate", *args], input=stdin)


def test_valid_file_exits_0_and_checks_its_local_assets(runner):
    result = run(runner, str(VALID))
    assert result.exit_code == 0, result.output
    assert "valid publiccode.yml" in result.output


def test_invalid_file_exits_1_with_the_line_of_each_error(runner):
    result = run(runner, str(INVALID))
    assert result.exit_code == 1
    assert f"{INVALID}:18:1: error: logo:" in result.output


def test_json_output_is_shaped_like_the_reference_cli(runner):
    result = run(
        runner, "--json", str(CORPUS / "invalid" / "no-network" / "localisation_localisationReady_yaml11_no.yml")
    )
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert [(p["type"], p["key"], p["line"], p["column"]) for p in payload] == [
        ("error", "localisation.localisationReady", 51, 1),
        ("error", "localisation.localisationReady", 51, 3),
        ("error", "localisation.availableLanguages", 52, 3),
    ]
    assert all(p["message"] and p["description"] == p["message"] for p in payload)


def test_every_error_of_the_corpus_has_a_line_except_whole_file_ones(runner):
    # Keys absent from the file point at their parent section; only a missing section has no line.
    result = run(runner, "--json", str(CORPUS / "invalid" / "mostly_empty.yml"))
    payload = json.loads(result.output)
    assert payload and all(p["line"] > 0 and p["column"] > 0 for p in payload)


def test_standard_input_is_read_with_a_dash(runner):
    result = run(runner, "--json", "-", stdin=VALID.read_bytes())
    assert result.exit_code == 0
    # Without a checkout the logo and screenshots are reported as not checked, not as errors.
    assert {p["type"] for p in json.loads(result.output)} == {"info"}


def test_unusable_input_exits_2(runner, tmp_path):
    assert run(runner, str(tmp_path / "missing.yml")).exit_code == 2
    big = tmp_path / "big.yml"
    big.write_bytes(b"#" * 1_000_001)
    result = run(runner, str(big))
    assert result.exit_code == 2 and "larger than" in result.output


def test_not_yaml_is_invalid_not_unusable(runner):
    result = run(runner, "-", stdin=b"name: [unclosed\n")
    assert result.exit_code == 1
    assert "not valid YAML" in result.output


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """No access log on stderr: the CLI runner would mix it into the command's output."""


@pytest.fixture()
def served(app):
    handler = partial(QuietHandler, directory=str(CORPUS))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_address[1]}"
    yield host
    server.shutdown()
    server.server_close()


def test_url_is_fetched_through_the_outbound_guard(app, runner, served):
    url = f"http://{served}/invalid/unknown_field.yml"
    refused = run(runner, url)
    assert refused.exit_code == 2 and "refused" in refused.output
    app.config["COMMONS_HARVEST_ALLOWED_HOSTS"] = served
    result = run(runner, "--json", url)
    assert result.exit_code == 1
    assert [(p["key"], p["line"]) for p in json.loads(result.output)] == [("foobar", 10)]
    missing = run(runner, f"http://{served}/no-such-file.yml")
    assert missing.exit_code == 2 and "HTTP 404" in missing.output
