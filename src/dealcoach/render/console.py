"""Consoles for people: stdout for results, stderr for diagnostics. Rich honours NO_COLOR itself.

Rich breaks a run of Chinese anywhere, so a line could start with "，" or "）" or end with "（".
Every console made here wraps with `typeset.break_offsets` instead (kinsoku, unbreakable numbers,
dates and ids, bullets kept with their text): one rule for every table cell, panel and paragraph.
Every table is a `Fitted`: its columns declared as data next to its renderer (`FittedColumn`: the
header, how important it is, whether it holds numbers, dates, amounts or ids that must stay whole),
fitted when printed to the width it is given (`fitted_table`): like `gh`, the least important columns
are left out first and named in one line under the table; numbers are never split or cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

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


Fit = Literal["whole", "wrap", "cut"]
WHOLE: Fit = "whole"
WRAP: Fit = "wrap"
CUT: Fit = "cut"


@dataclass(frozen=True)
class FittedColumn:
    """A column of a table that must fit the terminal, declared next to its renderer.

    `key`: the header's message key (`header` instead for a literal one, like "#"; "" for none).
    `importance`: the least important column is left out first when the table is too wide.
    `fit`: WHOLE for numbers, dates, amounts and ids (shown whole or left out, never split or cut);
    WRAP for text (broken by kinsoku, a word or number inside it kept whole); CUT for text kept on
    one line and cut with an ellipsis (`max_width` caps it).
    """

    key: str
    justify: str = "left"
    importance: int = 0
    fit: Fit = WRAP
    min_width: int | None = None  # the least width (8 for text that wraps or is cut)
    max_width: int | None = None
    header: str | None = None

    def title(self, lang: str) -> str:
        from dealcoach.i18n import message

        if self.header is not None or not self.key:
            return self.header or ""
        return message(self.key, lang)  # type: ignore[arg-type]


# a word, number, date or id longer than this may still be folded in a wrapping column (a URL)
_LONGEST_KEPT_WORD = 24


def fitted_table(columns: Sequence[FittedColumn], rows: list[list], width: int, lang: str,
                 **table_options) -> tuple[Table, list[str]]:
    """A Rich table of `rows` that fits `width` cells, and the headers of the columns left out.

    Like `gh`: every WHOLE column keeps its full width; columns are left out, least important first,
    until the rest fit with the others at their least width; then the widest of those give way one
    cell at a time. Every width is set here, so Rich never squeezes a number.
    """
    from rich.cells import cell_len
    from rich.text import Text

    from dealcoach.typeset import widest_unbreakable
    texts = [[cell if isinstance(cell, Text) else Text(str(cell)) for cell in row] for row in rows]
    headers = [column.title(lang) for column in columns]

    def widest(index: int, measure=cell_len) -> int:
        return max((measure(line) for row in texts for line in row[index].plain.splitlines()), default=0)

    want, floor = [], []
    for index, column in enumerate(columns):
        natural = max(cell_len(headers[index]), widest(index))
        if column.fit == WHOLE:
            natural = max(natural, column.min_width or 0)
            want.append(natural)
            floor.append(natural)
            continue
        capped = min(natural, column.max_width) if column.max_width else natural
        least = column.min_width or 8  # a CUT column's header is cut too; a WRAP column's header wraps
        if column.fit == WRAP:  # a number, date or id inside the text (or header) is never split
            least = max(least, widest_unbreakable(headers[index]),
                        min(widest(index, widest_unbreakable), _LONGEST_KEPT_WORD))
        want.append(max(capped, min(least, natural)))
        floor.append(min(least, want[-1]))
    keep = list(range(len(columns)))
    dropped: list[str] = []
    while len(keep) > 1 and sum(floor[i] for i in keep) + _frame_width(len(keep), table_options) > width:
        least_important = min(keep, key=lambda i: columns[i].importance)
        keep.remove(least_important)
        dropped.append(headers[least_important])
    widths = {i: want[i] for i in keep}
    budget = width - _frame_width(len(keep), table_options)
    while sum(widths.values()) > budget:
        give = max(keep, key=lambda i: widths[i] - floor[i])
        if widths[give] <= floor[give]:
            break  # nothing left to give: Rich squeezes the rest (one column wider than the screen)
        widths[give] -= 1
    table = Table(**table_options)
    for i in keep:
        column = columns[i]
        table.add_column(headers[i], justify=column.justify, width=widths[i],  # type: ignore[arg-type]
                         no_wrap=column.fit != WRAP, overflow="fold" if column.fit == WRAP else "ellipsis")
    for row in texts:
        table.add_row(*(row[i] for i in keep))
    return table, dropped


class Fitted:
    """A table fitted to the width it is given when printed (the terminal, or a panel's inside), with
    one dim line under it naming the columns left out (when any were): see `fitted_table`."""

    def __init__(self, columns: Sequence[FittedColumn], rows: list[list], lang: str, **table_options) -> None:
        self.columns, self.rows, self.lang, self.table_options = columns, rows, lang, table_options

    def __rich_console__(self, console, options):
        from rich.text import Text

        width = options.max_width
        table, dropped = fitted_table(self.columns, self.rows, width, self.lang, **self.table_options)
        yield table
        if dropped:
            yield Text(_dropped_note(dropped, width, self.lang), style="dim")


def _dropped_note(dropped: list[str], width: int, lang: str) -> str:
    """The one line naming the columns left out, most important first: the whole sentence when it
    fits, else without its advice, else as many names as fit and how many there are."""
    from rich.cells import cell_len

    from dealcoach.i18n import message
    from dealcoach.typeset import join

    names = dropped[::-1]
    for key in ("table.dropped", "table.dropped_short"):
        note = message(key, lang, columns=join(names, lang))  # type: ignore[arg-type]
        if cell_len(note) <= width:
            return note
    for shown in range(len(names) - 1, 0, -1):
        note = message("table.dropped_some", lang, count=len(names), columns=join(names[:shown], lang))  # type: ignore[arg-type]
        if cell_len(note) <= width:
            return note
    return note


def _frame_width(count: int, table_options: dict) -> int:
    """Cells a table of `count` columns takes besides their content: borders and padding, as Rich
    counts them (a throwaway table with the same options asks Rich itself)."""
    probe = Table(**table_options)
    for _ in range(count):
        probe.add_column()
    return probe._extra_width + sum(probe._get_padding_width(i) for i in range(count))
