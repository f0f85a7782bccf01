# SPDX-License-Identifier: EUPL-1.2
"""The fast YAML 1.2 reader builds the values ruamel.yaml's own safe 1.2 loader builds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from harvesters.publiccode_yaml import YamlProblem, compose, to_python

CORPUS = Path(__file__).parent / "data" / "publiccode-v0"
CASES = Path(__file__).parent / "publiccode_cases"


def ruamel_load(text: str) -> Any:
    loader = YAML(typ="safe", pure=True)
    loader.version = (1, 2)
    return loader.load(text)


def same(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, date | datetime):
        # Timestamps deliberately stay text (the reference checks releaseDate as a string).
        return isinstance(ours, str)
    if isinstance(theirs, dict):
        return (
            isinstance(ours, dict)
            and list(ours) == [str(k) if isinstance(k, date) else k for k in theirs]
            and all(same(ours[k2], v) for k2, v in zip(ours, theirs.values(), strict=True))
        )
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(same, ours, theirs))
    if isinstance(theirs, float) and theirs != theirs:
        return isinstance(ours, float) and ours != ours
    return type(ours) is type(theirs) and ours == theirs


FILES = sorted([*CORPUS.rglob("*.yml"), *CASES.glob("*.yml")])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(p.parents[1])) for p in FILES])
def test_corpus_file_reads_as_ruamel_yaml_12_reads_it(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before YAML is read")
    try:
        ours = to_python(compose(text))
    except YamlProblem:
        with pytest.raises(Exception):  # noqa: B017 - ruamel's error classes vary by cause
            ruamel_load(text)
        return
    assert same(ours, ruamel_load(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: [yes, no, on, off, y, n, Yes, NO]",
        "a: [true, false, True, FALSE, ~, null, Null, '']",
        "a: [017, 0o17, 0x1F, 1_000, -5, +3, 1.5, 1e3, .inf, -.Inf, .nan, 0.7]",
        "a: [2017-04-15, '2017-04-15', 2001-12-14t21:59:43.10-05:00]",
        'a: "quoted: yes"\nb: |\n  block\n  text\nc: >\n  folded\n',
        "a: !!str 0.7\nb: !!int '3'\nc: !!float '1'\n",
        "? a\n: b\nc: {d: [e, {f: g}]}\n",
    ],
)
def test_scalars_resolve_as_yaml_12(text: str) -> None:
    assert same(to_python(compose(text)), ruamel_load(text))


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "yaml_duplicate", 3),
        ("a: &x 1\nb: *x\n", "yaml_alias", 1),
        ("a: 1\n---\nb: 2\n", "yaml_documents", 2),
        ("a: !!python/object:os.system ls\n", "yaml_tag", 1),
        ("a: [1, 2\nb: 3\n", "yaml_syntax", 2),
        ("a: " + "[" * 40 + "]" * 40, "yaml_depth", 1),
    ],
)
def test_guards_refuse_with_a_line(text: str, code: str, line: int) -> None:
    with pytest.raises(YamlProblem) as problem:
        compose(text)
    assert problem.value.code == code
    assert problem.value.line == line
