"""Consoles for people: stdout for results, stderr for diagnostics. Rich honours NO_COLOR itself.

Rich breaks a run of Chinese anywhere, so a line could start with "，" or "）" or end with "（".
Every console made here wraps with `typeset.break_offsets` instead (kinsoku, unbreakable numbers,
dates and ids, bullets kept with their text): one rule for every table cell, panel and paragraph.
"""

from __future__ import annotations

from rich.console import Console


def use_cjk_line_breaking() -> None:
    """Make Rich break lines by `typeset.break_offsets` (idempotent)."""
    import rich.text

    from dealcoach.typeset import break_offsets

    rich.text.divide_line = break_offsets  # type: ignore[assignment]


def console(no_color: bool = False, stderr: bool = False) -> Console:
    use_cjk_line_breaking()
    return Console(no_color=no_color or None, stderr=stderr, highlight=False, soft_wrap=False)
