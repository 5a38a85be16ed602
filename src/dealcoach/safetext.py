"""Control characters out of user text, before a terminal, Markdown, iCalendar, Mermaid or DOT sees it.

A deal named "Acme \\x1b]8;;https://evil.example\\x1b\\\\Renew\\x1b]8;;\\x1b\\\\ \\x1b[2J" would otherwise
print a disguised hyperlink and clear the screen, and a carriage return in a person's name would
overwrite what came before it on the line or break a diagram label. This is the one rule; the
places text leaves dealcoach call it (render/console.py for every Rich console, textfill.fill for
every message with user values, the Markdown, iCalendar, Mermaid and DOT escapers) and the deal
model applies it to what is typed, so stored data is clean too.

Removed: C0 controls (U+0000-U+001F) except those a format allows (`keep`), DEL, C1 controls
(U+0080-U+009F: a terminal reads U+009B as CSI and U+009D as OSC), and the bidirectional overrides
and isolates that reorder what is displayed (U+202A-U+202E, U+2066-U+2069). Terminals give every one
of them zero width, so removing them never changes a table's layout.
"""

from __future__ import annotations

from functools import lru_cache

_CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))


@lru_cache(maxsize=8)
def _table(keep: str) -> dict[int, None]:
    return {code: None for code in _CONTROLS if chr(code) not in keep}


def without_controls(text: str, keep: str = "") -> str:
    """`text` with control characters removed, except the characters in `keep` (e.g. "\\t\\n")."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return text.translate(_table(keep))


def one_line(text: str) -> str:
    """For a name or a label: line breaks and tabs become spaces, other controls go."""
    if text.isprintable():  # no line break, tab or control: the usual case, checked in C (bulk reads)
        return text
    return without_controls(text.replace("\r\n", " ").translate(_SPACES))


def multi_line(text: str) -> str:
    """For notes: CRLF and lone CRs become newlines (a lone CR would overwrite a terminal line); tabs stay."""
    if text.isprintable():
        return text
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n"), keep="\t\n")


_SPACES = {ord("\t"): " ", ord("\n"): " ", ord("\r"): " ", 0x0B: " ", 0x0C: " "}


def one_line_input(value: object) -> object:
    """`one_line` for a Pydantic BeforeValidator: text is cleaned, anything else is left to the type."""
    return one_line(value) if isinstance(value, str) else value


def multi_line_input(value: object) -> object:
    """`multi_line` for a Pydantic BeforeValidator."""
    return multi_line(value) if isinstance(value, str) else value
