"""Consoles for people: stdout for results, stderr for diagnostics. Rich honours NO_COLOR itself.

Rich breaks a run of Chinese anywhere, so a line could start with "，" or "）" or end with "（".
Every console made here wraps with `typeset.break_offsets` instead (kinsoku, unbreakable numbers,
dates and ids, bullets kept with their text): one rule for every table cell, panel and paragraph.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment

from dealcoach.safetext import without_controls


def use_cjk_line_breaking() -> None:
    """Make Rich break lines by `typeset.break_offsets` (idempotent)."""
    import rich.text

    from dealcoach.typeset import break_offsets

    rich.text.divide_line = break_offsets  # type: ignore[assignment]


class _Console(Console):
    """A console that writes no control character it did not make itself: user text with ESC, CSI or
    OSC sequences (a hyperlink, a screen clear, a window title) prints without them (safetext.py)."""

    def _render_buffer(self, buffer):  # type: ignore[override]
        return super()._render_buffer(
            segment if segment.control else Segment(without_controls(segment.text, "\n"), segment.style)
            for segment in buffer)


def console(no_color: bool = False, stderr: bool = False) -> Console:
    use_cjk_line_breaking()
    return _Console(no_color=no_color or None, stderr=stderr, highlight=False, soft_wrap=False)
