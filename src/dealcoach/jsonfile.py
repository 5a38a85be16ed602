"""Read JSON from a user's file, bounded: the JSON twin of yamlfile.py, with the same limits.

Python's json module accepts what later breaks far from the file: 5,000 levels of nesting
(RecursionError), integers of 4,300+ digits (ValueError), `1e400` (inf), NaN, and "\\ud800", a lone
surrogate that no UTF-8 writer (the terminal, SQLite, polars) accepts. Each becomes one line naming
the file, where it can the line, and the limit.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from dealcoach.yamlfile import MAX_DEPTH, MAX_NUMBER_CHARS

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class _Refused(Exception):
    """A number the hooks refuse; carries the literal, to find its line."""

    def __init__(self, literal: str, problem: str) -> None:
        super().__init__(problem)
        self.literal = literal
        self.problem = problem


def _number(literal: str, convert):
    if len(literal) > MAX_NUMBER_CHARS:
        raise _Refused(literal, f"a number of {len(literal)} characters is too long (the limit is "
                                f"{MAX_NUMBER_CHARS}); quote it if it is text")
    value = convert(literal)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused(literal, f"{literal} is not a finite number")
    return value


def _constant(literal: str):
    raise _Refused(literal, f"{literal} is not a number JSON allows")


def parse_json(text: str, origin: str, error: type[Exception], *, first_line: int = 1) -> Any:
    """One JSON document, checked: `error` with `origin:line:col` where the problem has a place.

    `first_line` is the file's line the text starts on (for one line of a JSON Lines file).
    """
    try:
        data = json.loads(text, parse_int=lambda s: _number(s, int), parse_float=lambda s: _number(s, float),
                          parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise error(f"{origin}:{exc.lineno + first_line - 1}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except _Refused as exc:
        raise error(f"{_where(text, exc.literal, origin, first_line)}: {exc.problem}") from None
    except RecursionError:
        raise error(f"{origin}:{first_line}: nested more than {MAX_DEPTH} levels deep (the limit is "
                    f"{MAX_DEPTH})") from None
    _check_data(data, text, origin, error, first_line)
    return data


def parse_json_lines(text: str, origin: str, error: type[Exception]) -> list:
    """JSON Lines: one document per non-blank line, each checked; errors name the line."""
    return [parse_json(line, origin, error, first_line=number)
            for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _check_data(data: Any, text: str, origin: str, error, first_line: int) -> None:
    """Depth and lone surrogates, in one iterative walk (the data is already bounded by the text)."""
    may_hold_surrogates = _ESCAPED_SURROGATE.search(text) is not None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise error(f"{origin}:{first_line}: nested more than {MAX_DEPTH} levels deep (the limit is "
                            f"{MAX_DEPTH})")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if may_hold_surrogates and isinstance(key, str):
                    _check_text(key, text, origin, error, first_line)
                stack.append((item, depth + 1))
        elif may_hold_surrogates and isinstance(value, str):
            _check_text(value, text, origin, error, first_line)


def _check_text(value: str, text: str, origin: str, error, first_line: int) -> None:
    found = _LONE_SURROGATE.search(value)
    if found:
        escape = f"\\u{ord(found.group()):04x}"
        where = _where(text, escape, origin, first_line, ignore_case=True)
        raise error(f"{where}: {escape} is half of a UTF-16 pair, not a character; remove it or write the "
                    "whole character")


def _where(text: str, literal: str, origin: str, first_line: int, ignore_case: bool = False) -> str:
    """`origin:line:col` of the first occurrence of `literal` in the text (best effort)."""
    found = re.search(re.escape(literal), text, re.IGNORECASE if ignore_case else 0)
    if not found:
        return origin
    line = text.count("\n", 0, found.start()) + first_line
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return f"{origin}:{line}:{column}"
