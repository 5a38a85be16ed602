"""Consoles for people: stdout for results, stderr for diagnostics. Rich honours NO_COLOR itself.

Rich breaks a run of Chinese anywhere, so a line could start with "，" or "）" or end with "（".
Every console made here wraps with `typeset.break_offsets` instead (kinsoku, unbreakable numbers,
dates and ids, bullets kept with their text): one rule for every table cell, panel and paragraph.
Tables that must fit the terminal are built by `fitted_table`: numbers, dates, amounts and ids are
never split, and the least important columns are left out first, by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
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


@dataclass(frozen=True)
class FittedColumn:
    """A column of a table that must fit the terminal.

    `importance`: the least important column is left out first when the table is too wide.
    `no_wrap`: numbers, dates, amounts and ids: shown whole or not at all, never split over lines.
    """

    header: str
    justify: str = "left"
    importance: int = 0
    no_wrap: bool = False
    min_width: int = 8  # a column that wraps is never narrower than this (or its header)


def fitted_table(columns: list[FittedColumn], rows: list[list], width: int, **table_options) -> tuple[Table, list[str]]:
    """A Rich table of `rows` that fits `width` cells, and the headers of the columns left out.

    Like `gh`: every column that does not wrap keeps its full width; columns are dropped, least
    important first, until the rest fit with the wrapping ones at their minimum width.
    """
    from rich.cells import cell_len
    from rich.text import Text

    def plain(cell) -> str:
        return cell.plain if isinstance(cell, Text) else str(cell)

    natural = [max([cell_len(column.header)] + [max((cell_len(line) for line in plain(row[index]).splitlines()),
                                                    default=0) for row in rows])
               for index, column in enumerate(columns)]
    need = [natural[i] if column.no_wrap else min(natural[i], max(column.min_width, cell_len(column.header)))
            for i, column in enumerate(columns)]
    keep = list(range(len(columns)))

    def total() -> int:  # a heavy-head table: "│ " before each column, " " after, "│" at the end
        return sum(need[i] for i in keep) + 3 * len(keep) + 1

    dropped: list[str] = []
    while total() > width and len(keep) > 1:
        least = min(keep, key=lambda i: columns[i].importance)
        keep.remove(least)
        dropped.append(columns[least].header)
    table = Table(**table_options)
    for i in keep:
        column = columns[i]
        table.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap,  # type: ignore[arg-type]
                         min_width=natural[i] if column.no_wrap else need[i],
                         overflow="ellipsis" if column.no_wrap else "fold")
    for row in rows:
        table.add_row(*(row[i] if isinstance(row[i], Text) else Text(str(row[i])) for i in keep))
    return table, dropped
