# SPDX-License-Identifier: EUPL-1.2
"""The project describes itself the way it asks others to."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harvesters.publiccode import parse_publiccode

ROOT = Path(__file__).resolve().parent.parent


def test_the_projects_own_publiccode_yml_is_valid():
    result = parse_publiccode((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert result.valid, result.errors
    assert result.license == "EUPL-1.2"


def test_readme_first_screen_gives_the_two_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make run" in first_screen and "make test" in first_screen


def test_make_help_lists_the_targets():
    output = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("run", "test", "lint", "bench", "help"):
        assert f"make {target} " in output


def test_every_source_file_has_an_spdx_line():
    missing = []
    for folder in ("commons", "harvesters", "tests", "bench", "migrations"):
        for path in (ROOT / folder).rglob("*.py"):
            if "SPDX-License-Identifier: EUPL-1.2" not in path.read_text(encoding="utf-8")[:300]:
                missing.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").rglob("*.html"):
        if "SPDX-License-Identifier: EUPL-1.2" not in path.read_text(encoding="utf-8")[:300]:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
