"""Read a YAML file safely and turn validation errors into `file:line:col: field.path: message`.

Only libyaml's CSafeLoader is used: no tags that build Python objects, ~8x faster than the pure
Python loader. Every error a file has is reported at once, not only the first.

Every file is untrusted, so reading one is bounded and linear before anything walks the data:
aliases may not expand into more than MAX_ALIAS_VALUES extra values (a 350-byte "billion laughs"
file otherwise becomes 9^9 values for Pydantic), nesting stops at MAX_DEPTH, numbers are at most
MAX_NUMBER_CHARS characters and finite, and explicit tags (`!!float x`, `!!binary`, `!!python/...`)
are refused: a deal, a playbook or an answers file is plain data, and the implicit types cover it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

MAX_BYTES = 2 * 1024 * 1024  # a playbook is ~100 KiB; anything this big is not one
MAX_DEPTH = 100  # a playbook nests ~8 levels; libyaml itself stops at 1000, past Python's recursion limit
MAX_ALIAS_VALUES = 100_000  # values aliases may add beyond those written out in the file
MAX_NUMBER_CHARS = 100  # 1e99 still converts to a float; 400 digits overflow it

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_VALUE = "tag:yaml.org,2002:value"


class LocatedData:
    """Parsed YAML plus where each value stood in the file (path tuple -> (line, column), 1-based).

    Positions are only needed to report an error, so they are collected on first use.
    """

    def __init__(self, data: Any, node: yaml.Node, origin: str) -> None:
        self.data = data
        self.origin = origin
        self._node = node
        self._marks: dict[tuple, tuple[int, int]] | None = None

    @property
    def marks(self) -> dict[tuple, tuple[int, int]]:
        if self._marks is None:
            self._marks = {}
            _collect_marks(self._node, self._marks)
        return self._marks

    def where(self, loc: tuple) -> str:
        """`origin:line:col` for the deepest part of `loc` that has a position in the file."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark:
                return f"{self.origin}:{mark[0]}:{mark[1]}"
        return self.origin


def read_text(path: Path, error: type[Exception]) -> str:
    """The file's text, or `error` naming the file: missing, too big, binary, not UTF-8."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None
    if path.is_dir():
        raise error(f"{path}: is a folder, not a YAML file")
    if size > MAX_BYTES:
        raise error(f"{path}: file is too large ({size / 1048576:.1f} MiB; the limit is 2 MiB)")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode": UTF-16 (or UTF-32) with a BOM
        raise error(f"{path}: is UTF-16 text; save it as UTF-8")
    if b"\x00" in raw:
        raise error(f"{path}: is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader, with an impossible date (2015-02-30) reported at its line."""

    def construct_yaml_timestamp(self, node):  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a valid date ({exc})",
                                                    node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def parse(text: str, origin: str, error: type[Exception]) -> LocatedData:
    """Parse one YAML document with positions; `error` on syntax errors, unsafe tags or emptiness."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(f"{origin}: file is empty")
        _check_nodes(node, loader, origin, error)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise error(f"{where}: invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: say where, on one line
        position = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise error(f"{origin}:{line}:{column}: invalid YAML: character U+{ord(character):04X} is not allowed "
                    "(control characters other than tab and newline)") from None
    except yaml.YAMLError as exc:
        raise error(f"{origin}: invalid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    return LocatedData(data, node, origin)


def _check_nodes(root: yaml.Node, loader: yaml.CSafeLoader, origin: str, error: type[Exception]) -> None:
    """Refuse what would make constructing or validating the data unbounded, or what is not plain data.

    One iterative walk over the distinct nodes (an alias is the anchored node itself, visited once),
    so the check is linear in the file whatever the aliases would expand to.
    """
    expanded: dict[int, int] = {}  # id(node) -> values it stands for once aliases are expanded
    height: dict[int, int] = {}  # id(node) -> levels of nesting from it down
    on_path: set[int] = set()
    distinct = 0
    ceiling = MAX_ALIAS_VALUES + 2 * MAX_BYTES  # counts saturate here: no huge integers
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            distinct += 1
            expanded[key] = min(ceiling, 1 + sum(expanded[id(child)] for child in children))
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if height[key] > MAX_DEPTH:
                raise error(f"{_at(origin, node)}: nested more than {MAX_DEPTH} levels deep (the limit is "
                            f"{MAX_DEPTH})")
            if expanded[key] - distinct > MAX_ALIAS_VALUES:
                raise error(f"{_at(origin, node)}: aliases (*name) here expand to more than "
                            f"{MAX_ALIAS_VALUES:,} values (the limit is {MAX_ALIAS_VALUES:,}); "
                            "write the values out instead")
            continue
        if key in on_path:
            raise error(f"{_at(origin, node)}: an alias refers to a value that contains it (a loop)")
        if key in expanded:
            continue
        _check_scalar_or_tag(node, loader, origin, error)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _check_scalar_or_tag(node: yaml.Node, loader: yaml.CSafeLoader, origin: str, error: type[Exception]) -> None:
    if isinstance(node, yaml.MappingNode):
        implicit = _MAP
    elif isinstance(node, yaml.SequenceNode):
        implicit = _SEQ
    elif node.style:  # quoted or block: always text
        implicit = _STR
    else:
        implicit = loader.resolve(yaml.ScalarNode, node.value, (True, False))
        if implicit == _VALUE:  # YAML 1.1 reads a lone `=` as a "value key"; here it is text
            node.tag = implicit = _STR
    if node.tag != implicit and node.tag != _STR:  # `!!str 123` only says what quotes would
        raise error(f"{_at(origin, node)}: tag {_short_tag(node.tag)} is not allowed: write the value without "
                    "a tag (these files hold plain text, numbers, dates, lists and mappings)")
    if node.tag in (_INT, _FLOAT):
        if len(node.value) > MAX_NUMBER_CHARS:
            raise error(f"{_at(origin, node)}: a number of {len(node.value)} characters is too long (the limit "
                        f"is {MAX_NUMBER_CHARS}); quote it if it is text")
        if node.tag == _FLOAT and not math.isfinite(loader.construct_yaml_float(node)):
            raise error(f"{_at(origin, node)}: {node.value} is not a finite number")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _at(origin: str, node: yaml.Node) -> str:
    return f"{origin}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _collect_marks(root: yaml.Node, marks: dict[tuple, tuple[int, int]]) -> None:
    """Positions by data path. Iterative, and an aliased node is entered once, in document order,
    so through its anchor (an anchor comes before its aliases): a path under an alias falls back to
    the aliased value's position, and the walk is linear in the file whatever the aliases expand to."""
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in entered:
            continue
        entered.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    # point at the key itself, so "Field required" under it and "extra key" both land right
                    marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, index)) for index, child in reversed(list(enumerate(node.value))))


def validation_messages(exc: ValidationError, located: LocatedData) -> list[str]:
    """One `file:line:col: dotted.path: message` line per Pydantic error."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = _data_loc(err["loc"])
        dotted = ".".join(_shown_key(part) for part in loc) or "(top level)"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        lines.append(f"{located.where(loc)}: {dotted}: {message}")
    return lines


def _shown_key(part: object) -> str:
    """A key as the message shows it: quoted and escaped when it is empty, padded or not printable,
    so a key like "\\n" cannot break the one-line error."""
    text = str(part)
    if text and text.isprintable() and text == text.strip():
        return text
    import json

    return json.dumps(text, ensure_ascii=False)


def _data_loc(loc: tuple) -> tuple:
    """Drop the union/validator labels Pydantic inserts, keeping keys and list indexes."""
    return tuple(part for part in loc if isinstance(part, int) or not _is_label(str(part)))


def _is_label(part: str) -> bool:
    return part.startswith(("function-", "tagged-union[")) or "[" in part and part.endswith("]")


def load_model(path: Path, model: type, error: type[Exception], shape: str):
    """Read a small YAML mapping file into `model`: one error line per problem, file:line:col first.

    `shape` says what the mapping holds, for the message when the file is not a mapping at all.
    """
    located = parse(read_text(path, error), str(path), error)
    if not isinstance(located.data, dict):
        raise error(f"{path}:1:1: {shape}")
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        lines = validation_messages(exc, located)
        raise error(lines[0] if len(lines) == 1 else f"{path}: {len(lines)} errors",
                    details=lines if len(lines) > 1 else []) from None
