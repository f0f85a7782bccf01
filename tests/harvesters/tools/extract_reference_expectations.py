# SPDX-License-Identifier: EUPL-1.2
"""Turn the expectation tables of publiccode-parser-go's v0_test.go into a JSON data file.

Usage: python extract_reference_expectations.py MIRROR_GIT_DIR > publiccode-v0-expected.json

Only facts are kept (file, expected verdict, key, severity, line, column, and whether the entry
needs the network); the reference's messages are not copied. Run by hand when the corpus is
refreshed; the test suite reads the JSON, not this script.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

# Functions of v0_test.go and the corpus folder each one covers; "network" says whether the
# reference ran that table with network access (parse) or without (parseNoNetwork).
TABLES = {
    "TestInvalidTestcasesV0_NoNetwork": ("invalid/no-network", False),
    "TestInvalidTestcasesV0": ("invalid", True),
    "TestValidWithWarningsTestcasesV0": ("valid_with_warnings", True),
    "TestValidWithWarningTestcasesV0_NoNetwork": ("valid_with_warnings/no-network", False),
}
ENTRY = re.compile(r'"(?P<file>[^"/]+\.yml)":\s*ValidationResults\{')
RESULT = re.compile(
    r"Validation(?P<kind>Error|Warning)\{\s*\"(?P<key>[^\"]*)\",\s*(?P<message>.*?),\s*(?P<line>\d+),\s*(?P<col>\d+),?\s*\}",
    re.S,
)
# Results that only exist when the reference fetches URLs (reachability, remote files, forge lookup).
NETWORK_HINTS = ("not reachable", "HTTP GET failed", "is not a valid code repository")


def main(git_dir: str) -> None:
    def show(path: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True
        ).stdout

    commit = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    source = show("v0_test.go")
    files = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", "testdata/v0"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    expected: dict[str, dict] = {}
    for function, (folder, network) in TABLES.items():
        start = source.index(f"func {function}(")
        end = source.find("\nfunc ", start + 1)
        body = source[start:end]
        for entry in ENTRY.finditer(body):
            depth, index = 1, entry.end()
            while depth:  # the entry ends at the brace matching ValidationResults{
                depth += {"{": 1, "}": -1}.get(body[index], 0)
                index += 1
            results = []
            for result in RESULT.finditer(body[entry.end() : index]):
                message = result.group("message")
                results.append(
                    {
                        "key": result.group("key"),
                        "severity": "error" if result.group("kind") == "Error" else "warning",
                        "line": int(result.group("line")),
                        "column": int(result.group("col")),
                        "needs_network": network and any(hint in message for hint in NETWORK_HINTS),
                    }
                )
            verdict = "invalid" if any(r["severity"] == "error" for r in results) else "valid"
            expected[f"{folder}/{entry.group('file')}"] = {
                "verdict": verdict,
                "reference_network": network,
                "results": results,
            }
    # Files of the valid folders are checked by the reference for "no error" only.
    for path in files:
        name = path.removeprefix("testdata/v0/")
        if name.endswith(".yml") and name.startswith("valid/"):
            expected[name] = {
                "verdict": "valid",
                "reference_network": not name.startswith("valid/no-network/"),
                "results": None,
            }
    missing = [p for p in files if p.endswith(".yml") and p.removeprefix("testdata/v0/") not in expected]
    if missing:
        raise SystemExit(f"no expectation for {missing}")
    json.dump(
        {
            "source": "https://github.com/italia/publiccode-parser-go",
            "commit": commit,
            "table": "v0_test.go",
            "corpus": "testdata/v0",
            "files": dict(sorted(expected.items())),
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
