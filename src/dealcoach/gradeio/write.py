"""Write graded prospects to CSV or XLSX: the input columns, then the results.

Rows keep the input's order, so the export lines up with the source file (a CRM re-import by record
id, a VLOOKUP); the `rank` column is the ranking the table shows (1 = best), one click to sort by.
Keeping the order also means a million rows are never copied into a sorted second table.

Both are safe to open in Excel (OWASP CSV injection, ASVS 1.2.10, CWE-1236): in CSV a text cell
starting with = + - @ TAB CR LF or NUL gets a leading ' (a real number such as -5000.0 is left
alone); in XLSX every text cell is written as a string cell, never a formula, with no ' added.
The CSV starts with a UTF-8 byte-order mark so Excel on a Chinese Windows opens it as UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from dealcoach.errors import DealcoachError
from dealcoach.gradeio import score as s
from dealcoach.gradeio.read import INTERNAL

TRIGGER = r"^[=+\-@\t\r\n\x00]"
NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
RESULT_COLUMNS = {  # output column -> internal column
    "rank": s.RANK, "grade": s.COMPUTED, "manual_grade": s.MANUAL, "final_grade": s.FINAL, "score": s.SCORE, "rule": s.RULE,
    "action": s.ACTION, "follow_up_days": s.CADENCE, "next_follow_up": s.NEXT,
    "pretext": s.PRETEXT,
}
Progress = Callable[[str, float], None]


def excel_safe(column: pl.Expr) -> pl.Expr:
    """A text cell that a spreadsheet would run as a formula gets a leading '; numbers stay numbers."""
    risky = column.str.contains(TRIGGER) & ~column.str.contains(NUMBER)
    return pl.when(risky).then(pl.lit("'") + column).otherwise(column)


def output_columns(headers: list[str], many_files: bool, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(output name, frame column): the input columns, the file when there are several, the results
    (named by `labels`, in the user's language, or by their ids)."""
    labels = labels or {}
    taken = set(headers)
    pairs = [(h, h) for h in headers]
    if many_files:
        pairs.append((labels.get("file", "file"), s.FILE))
        taken.add(labels.get("file", "file"))
    for name, internal in RESULT_COLUMNS.items():
        name = labels.get(name, name)
        shown = name if name not in taken else f"{name} (dealcoach)"
        pairs.append((shown, internal))
    return pairs


def write_output(frame: pl.DataFrame, headers: list[str], path: Path, many_files: bool,
                 id_headers: set[str], progress: Progress | None = None, clean: set[str] = frozenset(),
                 labels: dict[str, str] | None = None) -> int:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DealcoachError(f"-o {path}: write .csv or .xlsx")
    from dealcoach.files import atomic_path

    pairs = output_columns(headers, many_files, labels)
    with atomic_path(path) as temporary:  # 0600, renamed into place only when complete
        if suffix == ".csv":
            _write_csv(frame, pairs, temporary, progress, clean)
        else:
            _write_xlsx(frame, pairs, temporary, id_headers, progress)
    return len(frame)


def _risky_columns(frame: pl.DataFrame, columns: list[str]) -> set[str]:
    """Text columns with at least one cell to neutralise (one scan; usually none, so nothing is copied).
    An Enum column (a playbook text) is checked on its few categories."""
    risky = set()
    text = []
    schema = frame.schema  # built once: per column it made this quadratic in the column count
    for column in dict.fromkeys(columns):
        dtype = schema[column]
        if isinstance(dtype, pl.Enum):
            if any(_starts_risky(c) for c in dtype.categories.to_list()):
                risky.add(column)
        elif dtype == pl.String:
            text.append(column)
    if text:
        found = frame.select([pl.col(c).str.contains(TRIGGER).any().alias(str(i)) for i, c in enumerate(text)]).row(0)
        risky |= {column for column, hit in zip(text, found) if hit}
    return risky


def _starts_risky(value: str) -> bool:
    import re

    return bool(re.match(TRIGGER, value)) and not re.match(NUMBER, value)


def _write_csv(frame, pairs, path: Path, progress, clean) -> None:
    needed = list(dict.fromkeys(column for _, column in pairs))
    risky = _risky_columns(frame, [c for c in needed if c not in clean])
    # a header is a text cell too: an input column named "=HYPERLINK(...)" must not become a formula
    exprs = [(excel_safe(pl.col(column).cast(pl.String)) if column in risky else pl.col(column))
             .alias("'" + name if _starts_risky(name) else name)
             for name, column in pairs]
    if progress:
        progress("write", 0.5)
    # one call with a path: polars formats and writes the file itself, in parallel; the selection is
    # a view of the graded table (only neutralised columns are new), so nothing big is copied
    frame.select(exprs).write_csv(path, include_bom=True, date_format="%Y-%m-%d")


def _write_xlsx(frame, pairs, path: Path, id_headers: set[str], progress) -> None:
    from dealcoach.gradeio.xlsx import EXCEL_MAX_ROWS, write_sheet

    if len(frame) + 1 > EXCEL_MAX_ROWS:
        raise DealcoachError(f"-o {path}: {len(frame):,} rows do not fit in an Excel sheet "
                             f"({EXCEL_MAX_ROWS - 1:,} at most); write a .csv")
    numeric = _numeric_columns(frame, pairs, id_headers)
    columns = []
    schema = frame.schema
    for name, column in pairs:
        dtype = schema[column]
        if dtype == pl.Date:
            kind = "date"
        elif dtype.is_numeric() or column in numeric:
            kind = "number"
        else:
            kind = "text"  # an inline string: shown as typed, never run as a formula
        columns.append((name, column, kind))
    write_sheet(frame, columns, path, progress)


def _numeric_columns(frame: pl.DataFrame, pairs, id_headers: set[str]) -> set[str]:
    """Input columns whose every cell is a plain number (no leading zero, not a CRM id): written as
    numbers so Excel can sum them; everything else stays text."""
    numeric = set()
    schema = frame.schema
    for _, column in pairs:
        if column in id_headers or column.startswith(INTERNAL) or schema[column] != pl.String:
            continue
        values = frame.get_column(column).drop_nulls()
        if values.is_empty():
            continue
        ok = values.str.contains(r"^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$").all()
        if ok:
            numeric.add(column)
    return numeric


def write_records(records: list[dict], columns: tuple[str, ...], path: Path, sheet: str = "dealcoach") -> int:
    """Any table of plain records (another command's rows) to .csv or .xlsx, formula-safe the same
    way as the graded prospects: text that would run as a formula gets a ' in CSV and is an inline
    string in XLSX; numbers and dates stay numbers and dates."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DealcoachError(f"-o {path}: write .csv or .xlsx")
    frame = pl.DataFrame(records, schema_overrides={c: pl.String for c in columns
                                                    if all(r.get(c) is None for r in records)},
                         infer_schema_length=None)
    if frame.width == 0:
        frame = pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in columns})
    pairs = [(column, column) for column in columns]
    try:
        if suffix == ".csv":
            _write_csv(frame, pairs, path, None, set())
        else:
            from dealcoach.gradeio.xlsx import write_sheet

            schema = frame.schema
            kinds = [(name, column, "date" if schema[column] == pl.Date else
                      "number" if schema[column].is_numeric() else "text") for name, column in pairs]
            write_sheet(frame, kinds, path, sheet=sheet)
    except OSError as exc:
        raise DealcoachError(f"{path}: cannot write ({exc.strerror})") from None
    return len(frame)
