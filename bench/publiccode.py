# SPDX-License-Identifier: EUPL-1.2
"""publiccode.yml validation speed, in process, on the reference parser's v0 corpus.

    .venv/bin/python bench/publiccode.py [--rounds 10] [--json]

Every file of ``tests/harvesters/data/publiccode-v0`` (173 files, valid and invalid, 1-12 kB) is
validated ``--rounds`` times, twice: without the repository's files (as during a harvest) and with
the file's folder as the checkout (logo and screenshots read from disk). Reported: files per
second, and, as ratios that compare across machines better than raw figures, the time of the YAML
reading alone and the time ruamel.yaml's pure-Python loader (``YAML(typ="safe")``, YAML 1.2) takes
to read the same files. The target of issue 15 (300 files/s) is checked and printed; with
``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from harvesters.publiccode import parse_publiccode  # noqa: E402
from harvesters.publiccode_yaml import YamlProblem, compose  # noqa: E402

CORPUS = ROOT / "tests" / "harvesters" / "data" / "publiccode-v0"
TARGET_FILES_PER_SECOND = 300


def timed(function: Any, items: list[Any], rounds: int) -> float:
    """Seconds per item, best of ``rounds`` passes over ``items`` (the least disturbed pass)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    paths = sorted(CORPUS.rglob("*.yml"))
    raw = [(path.read_bytes(), path.parent) for path in paths]
    texts = [content.decode("utf-8", "replace") for content, _folder in raw]

    def read_yaml(text: str) -> None:
        with contextlib.suppress(YamlProblem):
            compose(text)

    ruamel = YAML(typ="safe", pure=True)
    ruamel.version = (1, 2)

    def read_ruamel(text: str) -> None:
        with contextlib.suppress(Exception):  # invalid files of the corpus raise various errors
            ruamel.load(text)

    per_file = timed(lambda item: parse_publiccode(item[0]), raw, args.rounds)
    per_file_assets = timed(lambda item: parse_publiccode(item[0], assets=item[1]), raw, args.rounds)
    per_yaml = timed(read_yaml, texts, args.rounds)
    per_ruamel = timed(read_ruamel, texts, max(1, args.rounds // 5))

    summary = {
        "files": len(paths),
        "rounds": args.rounds,
        "files_per_second": round(1 / per_file, 1),
        "files_per_second_with_assets": round(1 / per_file_assets, 1),
        "yaml_share_of_validation": round(per_yaml / per_file, 3),
        "ruamel_pure_load_vs_validation": round(per_ruamel / per_file, 2),
        "ruamel_pure_files_per_second": round(1 / per_ruamel, 1),
        "target_files_per_second": TARGET_FILES_PER_SECOND,
        "target_met": 1 / per_file >= TARGET_FILES_PER_SECOND,
    }
    print(f"{len(paths)} files, best of {args.rounds} rounds")
    print(f"  validation, no checkout     {summary['files_per_second']:>8} files/s")
    print(f"  validation, with checkout   {summary['files_per_second_with_assets']:>8} files/s")
    print(f"  YAML reading / validation   {summary['yaml_share_of_validation']:>8}")
    print(f"  ruamel.yaml pure load / validation {summary['ruamel_pure_load_vs_validation']:>5}")
    met = "met" if summary["target_met"] else "NOT met"
    print(f"  target {TARGET_FILES_PER_SECOND} files/s: {met}")
    if args.json:
        print(json.dumps(summary))
    return 0 if summary["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
