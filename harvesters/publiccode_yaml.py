# SPDX-License-Identifier: EUPL-1.2
"""Reading publiccode.yml as YAML 1.2, safely, with the position of every node.

The reference parser (publiccode-parser-go) reads YAML 1.2: ``yes``, ``no``, ``on`` and ``off``
are strings, not booleans, so ``availableLanguages: [no]`` means Norwegian. Scalars are resolved
with ruamel.yaml's YAML 1.2 resolver and built with its safe constructor, so the types are
exactly those of ``YAML(typ="safe")`` with ``version=(1, 2)``; one difference is deliberate:
timestamps stay text, as in the reference, where ``releaseDate`` is a string checked for form.

The event stream comes from PyYAML's libyaml binding when it is installed (the grammar of block
and flow collections, quoting and comments is the same in YAML 1.1 and 1.2; only the resolution
of plain scalars differs, and that is ruamel's). ruamel.yaml in pure Python composes about 37
files a second; this reads several hundred. ``tests/harvesters/test_publiccode_yaml.py`` checks,
on the whole reference corpus, that the trees are the ones ruamel.yaml's own 1.2 loader builds.

Guards kept from the previous loader: no anchors or aliases (a few bytes could expand into
gigabytes), no duplicate keys, at most one document, at most ``MAX_DEPTH`` levels of nesting.
Composition is iterative, so hostile nesting cannot exhaust the stack.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML as _RuamelYAML
from ruamel.yaml.nodes import ScalarNode as _RuamelScalar

__all__ = ["MAX_DEPTH", "Node", "YamlProblem", "compose", "to_python"]

MAX_DEPTH = 32  # the standard itself needs 5 levels

_EventLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP = (
    _TAG + "str",
    _TAG + "null",
    _TAG + "bool",
    _TAG + "int",
    _TAG + "float",
    _TAG + "timestamp",
)
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
# Explicit tags a file may carry; anything else (!!python/object, !!binary, local tags) is refused.
_ALLOWED_SCALAR_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, "!"}


class YamlProblem(Exception):
    """The text cannot be used as a publiccode.yml document; ``line`` is 1-based or 0."""

    def __init__(self, code: str, message: str, line: int = 0, column: int = 0, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.params = params


@dataclass(slots=True)
class Node:
    """One YAML node: ``kind`` is "scalar", "seq" or "map"; positions are 1-based.

    A scalar's ``value`` is its Python value (str, int, float, bool or None); a sequence's is a
    list of nodes; a mapping's is a list of (key node, value node) pairs in document order.
    """

    kind: str
    value: Any
    line: int
    column: int
    flow: bool = False
    text: str = ""  # a scalar as written (the reference reads 007 into a text field as "007")


_ruamel = _RuamelYAML(typ="safe", pure=True)
_ruamel.version = (1, 2)
_resolver = _ruamel.resolver
_constructor = _ruamel.constructor


@functools.lru_cache(maxsize=4096)
def _resolve_plain(value: str) -> str:
    return str(_resolver.resolve(_RuamelScalar, value, (True, False)))


@functools.lru_cache(maxsize=4096)
def _construct(tag: str, value: str) -> Any:
    node = _RuamelScalar(tag, value)
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _FLOAT:
        return _constructor.construct_yaml_float(node)
    if tag == _BOOL:
        return _constructor.construct_yaml_bool(node)
    return None


def _scalar(event: Any) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        # Plain scalars are resolved by their form; quoted and block scalars are strings.
        tag = _resolve_plain(event.value) if event.implicit[0] and not event.style else _STR
    elif tag.startswith("!!"):
        tag = _TAG + tag[2:]
    if tag not in _ALLOWED_SCALAR_TAGS:
        mark = event.start_mark
        raise YamlProblem("yaml_tag", f"The tag {tag} is not allowed.", mark.line + 1, mark.column + 1, tag=tag)
    if tag in (_STR, _TIMESTAMP):
        return event.value
    if tag == _NULL:
        return None
    try:
        return _construct(tag, event.value)
    except Exception as exc:  # ruamel raises its own errors on e.g. "!!int abc"
        mark = event.start_mark
        raise YamlProblem(
            "yaml_syntax", f"The value {event.value[:40]!r} is not a {tag.rsplit(':', 1)[-1]}.", mark.line + 1, 1
        ) from exc


def _key_text(node: Node) -> Any:
    if node.kind != "scalar":
        return None
    return node.value


def compose(text: str) -> Node | None:
    """Compose ``text`` into a ``Node`` tree (None for an empty document). Raises YamlProblem."""
    stack: list[tuple[Node, list[Any] | None]] = []  # (collection, pending key for mappings)
    seen_keys: list[set[Any]] = []
    root: Node | None = None
    documents = 0
    try:
        events: Iterable[Any] = yaml.parse(text, Loader=_EventLoader)
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                if event.anchor is not None:
                    mark = event.start_mark
                    raise YamlProblem(
                        "yaml_alias",
                        "YAML anchors and aliases (& and *) are not allowed in publiccode.yml.",
                        mark.line + 1,
                        mark.column + 1,
                    )
                mark = event.start_mark
                if kind is yaml.ScalarEvent:
                    node = Node("scalar", _scalar(event), mark.line + 1, mark.column + 1, False, event.value)
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise YamlProblem(
                            "yaml_depth",
                            f"The file nests lists or mappings more than {MAX_DEPTH} levels deep.",
                            mark.line + 1,
                            mark.column + 1,
                            depth=MAX_DEPTH,
                        )
                    if event.tag not in (None, "!", _MAP, _SEQ, "!!map", "!!seq"):
                        raise YamlProblem(
                            "yaml_tag", f"The tag {event.tag} is not allowed.", mark.line + 1, 1, tag=event.tag
                        )
                    node = Node(
                        "seq" if kind is yaml.SequenceStartEvent else "map",
                        [],
                        mark.line + 1,
                        mark.column + 1,
                        bool(event.flow_style),
                    )
                _attach(stack, seen_keys, node)
                if root is None and not stack:
                    root = node
                if node.kind != "scalar":
                    stack.append((node, None))
                    seen_keys.append(set())
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                stack.pop()
                seen_keys.pop()
            elif kind is yaml.AliasEvent:
                mark = event.start_mark
                raise YamlProblem(
                    "yaml_alias",
                    "YAML anchors and aliases (& and *) are not allowed in publiccode.yml.",
                    mark.line + 1,
                    mark.column + 1,
                )
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise YamlProblem(
                        "yaml_documents",
                        "The file contains more than one YAML document; only one is allowed.",
                        mark.line + 1,
                        1,
                    )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlProblem(
            "yaml_syntax",
            f"The file is not valid YAML: {exc.problem or exc.context}.",
            line,
            1 if line else 0,
            detail=str(exc.problem or exc.context),
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml_syntax", f"The file is not valid YAML: {exc}.", detail=str(exc)) from exc
    return root


def _attach(stack: list[tuple[Node, Any]], seen_keys: list[set[Any]], node: Node) -> None:
    if not stack:
        return
    parent, pending = stack[-1]
    if parent.kind == "seq":
        parent.value.append(node)
        return
    if pending is None:
        key = _key_text(node)
        try:
            duplicate = key is not None and key in seen_keys[-1]
        except TypeError:
            duplicate = False
        if duplicate:
            raise YamlProblem(
                "yaml_duplicate",
                f"The key {key!r} appears twice in the same mapping (line {node.line}).",
                node.line,
                node.column,
                key=str(key),
            )
        if key is not None:
            seen_keys[-1].add(key)
        stack[-1] = (parent, [node])
    else:
        parent.value.append((pending[0], node))
        stack[-1] = (parent, None)


def to_python(node: Node | None) -> Any:
    """The plain Python value of a node tree (dicts, lists, scalars), built without recursion."""
    if node is None:
        return None
    if node.kind == "scalar":
        return node.value
    result: Any = [] if node.kind == "seq" else {}
    work: list[tuple[Node, Any]] = [(node, result)]
    while work:
        current, target = work.pop()
        if current.kind == "seq":
            for child in current.value:
                if child.kind == "scalar":
                    target.append(child.value)
                else:
                    fresh: Any = [] if child.kind == "seq" else {}
                    target.append(fresh)
                    work.append((child, fresh))
        else:
            for key_node, child in current.value:
                key = key_node.value if key_node.kind == "scalar" else f"<{key_node.kind}>"
                try:
                    hash(key)
                except TypeError:
                    key = str(key)
                if child.kind == "scalar":
                    target[key] = child.value
                else:
                    fresh = [] if child.kind == "seq" else {}
                    target[key] = fresh
                    work.append((child, fresh))
    return result
