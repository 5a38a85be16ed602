"""Read a YAML file safely and turn validation errors into `file:line:col: field.path: message`.

Only libyaml's CSafeLoader is used: no tags that build Python objects, ~8x faster than the pure
Python loader. Every error a file has is reported at once, not only the first.

Every file is untrusted, so one pass over libyaml's events (no nodes built, ~8x cheaper than
composing them) bounds it before anything else walks it: at most MAX_VALUES values written,
aliases adding at most MAX_ALIAS_VALUES more (a 350-byte "billion laughs" file otherwise becomes
9^9 values for Pydantic), nesting at most MAX_DEPTH levels, numbers at most MAX_NUMBER_CHARS
characters and finite, and no explicit tags (`!!float x`, `!!binary`, `!!python/...`): a deal, a
playbook or an answers file is plain data, and the implicit types cover it. Error positions are
looked up along the one path asked for, never by walking the whole (alias-expanded) tree.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

MAX_BYTES = 2 * 1024 * 1024  # a playbook is ~100 KiB; anything this big is not one
MAX_DEPTH = 100  # a playbook nests ~8 levels; libyaml itself stops at 1000, past Python's recursion limit
MAX_VALUES = 100_000  # a bundled playbook holds ~7,000; composing 100,000 nodes takes ~0.5 s and ~80 MiB
MAX_ALIAS_VALUES = 100_000  # values aliases may add beyond those written out in the file
MAX_NUMBER_CHARS = 100  # 1e99 still converts to a float; 400 digits overflow it

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NUMBER_START = frozenset("+-.0123456789")


class LocatedData:
    """Parsed YAML plus the node tree, to say where a value stood in the file (1-based line, column)."""

    def __init__(self, data: Any, node: yaml.Node, origin: str) -> None:
        self.data = data
        self.origin = origin
        self._node = node
        self._keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}  # per mapping node, built on use

    def where(self, loc: tuple) -> str:
        """`origin:line:col` for the deepest part of `loc` that is in the file: a mapping key's own
        position (so "Field required" under it and "unknown key" both land right), a list item's start."""
        node, mark = self._node, self._node.start_mark
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                pair = self._mapping_keys(node).get(str(part))
                if pair is None:
                    break
                mark, node = pair[0].start_mark, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return f"{self.origin}:{mark.line + 1}:{mark.column + 1}"

    def _mapping_keys(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if id(node) not in self._keys:  # the last of duplicate keys wins, as in the data
            self._keys[id(node)] = {key.value: (key, value) for key, value in node.value
                                    if isinstance(key, yaml.ScalarNode)}
        return self._keys[id(node)]


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
# YAML 1.1 reads a lone `=` as a "value key"; in these files it is text
_Loader.add_constructor("tag:yaml.org,2002:value", _Loader.construct_yaml_str)


def parse(text: str, origin: str, error: type[Exception]) -> LocatedData:
    """Parse one YAML document with positions; `error` on syntax errors, unsafe tags or emptiness."""
    loader = _Loader(text)
    try:
        _check_events(_Loader(text), origin, error)
        node = loader.get_single_node()
        if node is None:
            raise error(f"{origin}: file is empty")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        if "maximum nesting depth" in problem:  # libyaml's own stop at 1000 levels, ahead of ours
            raise error(f"{where}: nested more than {MAX_DEPTH} levels deep (the limit is {MAX_DEPTH})") from None
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


class _Open:
    """A mapping or list being read: its anchor, the values it stands for so far, its height."""

    __slots__ = ("anchor", "values", "height", "mark")

    def __init__(self, anchor: str | None, mark) -> None:
        self.anchor, self.values, self.height, self.mark = anchor, 1, 1, mark


def _check_events(loader: yaml.CSafeLoader, origin: str, error: type[Exception]) -> None:
    """Refuse, in one pass over the events, what would make composing, constructing or validating the
    data unbounded, and what is not plain data. Syntax errors surface here too, as the composer's would."""
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values it expands to, height)
    open_: list[_Open] = []
    open_anchors: set[str] = set()
    written = 0
    ceiling = MAX_VALUES + MAX_ALIAS_VALUES + 1  # expanded counts saturate here: no huge integers
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
                written += 1
                if kind is yaml.ScalarEvent:
                    _check_scalar(event, loader, origin, error)
                    values, height = 1, 1
                    if event.anchor:
                        anchors[event.anchor] = (1, 1)
                elif event.anchor in open_anchors:
                    raise error(f"{_at(origin, event.start_mark)}: the alias *{event.anchor} refers to a value "
                                "that contains it (a loop)")
                else:
                    values, height = anchors.get(event.anchor, (1, 1))  # undefined: the composer says so
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                written += 1
                implicit = _SEQ if kind is yaml.SequenceStartEvent else _MAP
                if event.tag not in (None, "!", implicit):
                    raise error(_tag_refused(origin, event.start_mark, event.tag))
                open_.append(_Open(event.anchor, event.start_mark))
                if event.anchor:
                    open_anchors.add(event.anchor)
                if len(open_) > MAX_DEPTH:
                    raise error(_too_deep(origin, event.start_mark))
                continue
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                closed = open_.pop()
                values, height = closed.values, closed.height
                if closed.anchor:
                    open_anchors.discard(closed.anchor)
                    anchors[closed.anchor] = (values, height)
                # `written` counts every value of this subtree once at least, so this never misfires
                if values - written > MAX_ALIAS_VALUES:
                    raise error(f"{_at(origin, closed.mark)}: aliases (*name) here expand to more than "
                                f"{MAX_ALIAS_VALUES:,} values (the limit is {MAX_ALIAS_VALUES:,}); "
                                "write the values out instead")
            else:
                continue
            if written > MAX_VALUES:
                raise error(f"{_at(origin, event.start_mark)}: more than {MAX_VALUES:,} values (the limit is "
                            f"{MAX_VALUES:,}); a table this big reads faster as CSV or XLSX")
            if open_:
                parent = open_[-1]
                parent.values = min(ceiling, parent.values + values)
                parent.height = max(parent.height, height + 1)
                if parent.height > MAX_DEPTH:
                    raise error(_too_deep(origin, event.start_mark))
    finally:
        loader.dispose()


def _check_scalar(event: yaml.ScalarEvent, loader: yaml.CSafeLoader, origin: str, error: type[Exception]) -> None:
    plain = not event.style
    if event.tag not in (None, "!"):
        implicit = loader.resolve(yaml.ScalarNode, event.value, (True, False)) if plain else _STR
        if event.tag not in (implicit, _STR):  # `!!str 123` only says what quotes would
            raise error(_tag_refused(origin, event.start_mark, event.tag))
    if not plain or event.value[:1] not in _NUMBER_START:
        return  # only plain scalars starting like a number can be read as one
    tag = loader.resolve(yaml.ScalarNode, event.value, (True, False))
    if tag in (_INT, _FLOAT):
        if len(event.value) > MAX_NUMBER_CHARS:
            raise error(f"{_at(origin, event.start_mark)}: a number of {len(event.value)} characters is too long "
                        f"(the limit is {MAX_NUMBER_CHARS}); quote it if it is text")
        node = yaml.ScalarNode(tag, event.value)
        try:  # YAML 1.1 reads `0x_`, `0b_` and `._` as numbers that Python cannot convert
            number = loader.construct_yaml_int(node) if tag == _INT else loader.construct_yaml_float(node)
        except ValueError:
            raise error(f"{_at(origin, event.start_mark)}: {event.value} is not a number; quote it if it is "
                        "text") from None
        if not math.isfinite(number):
            raise error(f"{_at(origin, event.start_mark)}: {event.value} is not a finite number")


def _tag_refused(origin: str, mark, tag: str) -> str:
    return (f"{_at(origin, mark)}: tag {_short_tag(tag)} is not allowed: write the value without a tag "
            "(these files hold plain text, numbers, dates, lists and mappings)")


def _too_deep(origin: str, mark) -> str:
    return f"{_at(origin, mark)}: nested more than {MAX_DEPTH} levels deep (the limit is {MAX_DEPTH})"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _at(origin: str, mark) -> str:
    return f"{origin}:{mark.line + 1}:{mark.column + 1}"


def validation_messages(exc: ValidationError, located: LocatedData) -> list:
    """One `file:line:col: dotted.path: message` line per Pydantic error. A value our parser refused
    with a keyed error (an enum label, an amount) stays an error of its own, its position and field
    added, so the boundary says it from its key in the reader's language (error_text.say)."""
    from dealcoach.errors import DealcoachError

    lines: list = []
    for err in exc.errors(include_url=False):
        loc = _data_loc(err["loc"])
        dotted = ".".join(_shown_key(part) for part in loc) or "(top level)"
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, DealcoachError) and cause.key:
            where = located.where(loc)
            lines.append(type(cause)(f"{where}: {dotted}: {cause.message}", key=cause.key,
                                     params={**cause.params, "where": where, "field": dotted}))
            continue
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        lines.append(f"{located.where(loc)}: {dotted}: {message}")
    return lines


def validation_error(error: type, lines: list, summary: str):
    """The error for these lines: the line itself when there is one (a keyed one keeps its key),
    else `summary` followed by every line."""
    if len(lines) == 1:
        line = lines[0]
        return error(line.message, key=line.key, params=line.params) if hasattr(line, "key") else error(line)
    return error(summary, details=lines)


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
        raise validation_error(error, lines, f"{path}: {len(lines)} errors") from None
