"""Read a YAML file safely and turn validation errors into `file:line:col: field.path: message`.

Only libyaml's CSafeLoader is used: no tags that build Python objects, ~8x faster than the pure
Python loader. Every error a file has is reported at once, not only the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

MAX_BYTES = 2 * 1024 * 1024  # a playbook is ~100 KiB; anything this big is not one


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
            _collect_marks(self._node, (), self._marks)
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
    if b"\x00" in raw:
        raise error(f"{path}: is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text (byte {exc.start})") from None


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
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = f"tag {_tag_of(problem)} is not allowed (playbooks and deal files are data only)"
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise error(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{origin}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return LocatedData(data, node, origin)


def _tag_of(problem: str) -> str:
    start = problem.find("'")
    return problem[start:] if start >= 0 else "(unknown)"


def _collect_marks(node: yaml.Node, path: tuple, marks: dict[tuple, tuple[int, int]]) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            # point at the key itself, so "Field required" under it and "extra key" both land right
            marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _collect_marks(value_node, (*path, key), marks)
            marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _collect_marks(child, (*path, index), marks)


def validation_messages(exc: ValidationError, located: LocatedData) -> list[str]:
    """One `file:line:col: dotted.path: message` line per Pydantic error."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = _data_loc(err["loc"])
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        lines.append(f"{located.where(loc)}: {dotted}: {message}")
    return lines


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
