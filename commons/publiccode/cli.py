# SPDX-License-Identifier: EUPL-1.2
"""``commons publiccode validate FILE|URL|-``: the validator for maintainers and CI pipelines.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unusable input (no such file, unreadable
stdin, a URL that cannot be fetched). ``--json`` prints a list shaped like the reference CLI's
output (type, key, description, line, column), with ``message`` and ``code`` as well.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

MAX_BYTES = 1_000_000


def _read_url(url: str) -> bytes:
    import requests
    from flask import current_app

    from commons.outbound import BudgetExhausted, OutboundRefused, session_from_config

    session = session_from_config(current_app.config)
    try:
        response = session.get(url)
    except OutboundRefused as exc:
        raise click.UsageError(f"the address is refused by the outbound guard: {exc}") from None
    except (requests.RequestException, BudgetExhausted) as exc:
        raise click.UsageError(f"could not fetch {url}: {exc.__class__.__name__}") from None
    finally:
        session.close()
    if response.status_code != 200:
        raise click.UsageError(f"could not fetch {url}: HTTP {response.status_code}")
    return response.content


def register(main: click.Group) -> None:
    @main.group("publiccode")
    def publiccode() -> None:
        """Check publiccode.yml files."""

    @publiccode.command("validate")
    @click.argument("source")
    @click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON list.")
    @click.option(
        "--base-dir",
        type=click.Path(file_okay=False, exists=True),
        help="Repository checkout for the logo and screenshot checks (default: the file's folder).",
    )
    @with_appcontext
    def validate(source: str, as_json: bool, base_dir: str | None) -> None:
        """Validate publiccode.yml from FILE, an http(s) URL, or - (standard input)."""
        from commons.cli import fail
        from harvesters.publiccode import parse_publiccode

        assets: Path | None = Path(base_dir) if base_dir else None
        try:
            if source == "-":
                raw = sys.stdin.buffer.read(MAX_BYTES + 1)
            elif source.lower().startswith(("http://", "https://")):
                raw = _read_url(source)
            else:
                path = Path(source)
                if not path.is_file():
                    fail(f"no such file: {source}")
                raw = path.read_bytes()
                assets = assets or path.resolve().parent
        except click.UsageError as exc:
            fail(exc.message)
        except OSError as exc:
            fail(f"cannot read {source}: {exc.strerror or exc.__class__.__name__}")
        if len(raw) > MAX_BYTES:
            fail(f"the input is larger than {MAX_BYTES:,} bytes")
        result = parse_publiccode(raw, max_bytes=MAX_BYTES, assets=assets)
        issues = result.errors + result.warnings + result.notices
        if as_json:
            payload: list[dict[str, Any]] = []
            for issue in issues:
                entry = issue.as_json()
                entry["description"] = issue.message
                payload.append(entry)
            click.echo(json.dumps(payload, indent=4, ensure_ascii=False))
        else:
            for issue in issues:
                where = f"{issue.line}:{issue.column}" if issue.line else "-"
                click.echo(f"{source}:{where}: {issue.severity}: {issue.path or '(file)'}: {issue.message}")
            if result.valid:
                click.echo(f"{source}: valid publiccode.yml" + (" (with warnings)" if result.warnings else ""))
        sys.exit(0 if result.valid else 1)
