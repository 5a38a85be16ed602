"""Grade prospect files: read (read.py), recognise the columns (columns.py, headers.yaml), parse and
grade every row at once (score.py), write the results (write.py).

Imports polars: only `dealcoach grade` imports this package, so no other command pays for it.
The rules themselves live in coaching/grading.py; this package applies them to whole columns, and
turns the rows a person will read (the table, --explain, --json) back into `GradeResult`s through
the same pure function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dealcoach.coaching import grading as g
from dealcoach.deals.lookup import find_one
from dealcoach.gradeio import score as s
from dealcoach.gradeio.columns import ColumnMap, resolve
from dealcoach.gradeio.read import ROW, read_table
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Grading

Progress = Callable[[str, float], None]


@dataclass
class SourceInfo:
    file: str
    format: str
    encoding: str | None
    kind: str | None
    kind_name: str | None
    rows: int
    graded: int
    bad_rows: int
    footer_rows: int
    columns: dict[str, str]
    factors: dict[str, str]


@dataclass
class BadRow:
    file: str
    row: int
    column: str
    reason: str


@dataclass
class GradedFiles:
    frame: pl.DataFrame
    order: pl.Series
    headers: list[str]
    sources: list[SourceInfo]
    problems: list[BadRow]          # the first `limit` problems
    problem_count: int
    bad_rows: int
    notes: list[str] = field(default_factory=list)
    factor_ids: list[str] = field(default_factory=list)
    id_headers: set[str] = field(default_factory=set)
    clean_headers: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.frame)

    def grade_counts(self) -> dict[str, int]:
        counts = dict(self.frame.get_column(s.FINAL).value_counts().iter_rows())
        return {grade: int(counts.get(grade, 0)) for grade in g.GRADES}


def grade_files(paths: list[Path], explicit: dict[str, str], grading: Grading, today: dt.date, lang: Lang,
                progress: Progress | None = None, keep_problems: int = 200) -> GradedFiles:
    frames, sources, problems, notes = [], [], [], []
    headers: dict[str, None] = {}
    factor_ids: dict[str, None] = {}
    id_headers: set[str] = set()
    clean: set[str] | None = None
    problem_count = bad_rows = 0
    for number, path in enumerate(paths):
        step = f"{path.name}"
        if progress:
            progress(f"read {step}", number / len(paths))
        raw = read_table(path)
        cmap: ColumnMap = resolve(raw.headers, explicit, grading, str(path))
        if progress:
            progress(f"grade {step}", (number + 0.5) / len(paths))
        scored = s.score_table(raw, cmap, grading, today, lang, str(path))
        notes += scored.notes
        clean = scored.clean if clean is None else clean & scored.clean
        frame = scored.frame.with_columns(pl.lit(str(path), dtype=pl.String).alias(s.FILE))
        for factor_id in cmap.factors:
            factor_ids.setdefault(factor_id, None)
        if "id" in cmap.fields:
            id_headers.add(cmap.fields["id"])
        frames.append(frame)
        for header in raw.headers:
            headers.setdefault(header, None)
        problem_count += len(scored.errors)
        bad_rows += scored.bad_rows
        if len(problems) < keep_problems:
            for row, column, reason in scored.errors.head(keep_problems - len(problems)).iter_rows():
                problems.append(BadRow(str(path), int(row), column, reason))
        sources.append(SourceInfo(
            file=str(path), format=raw.format, encoding=raw.encoding, kind=cmap.kind.id if cmap.kind else None,
            kind_name=cmap.kind.name if cmap.kind else None, rows=scored.total_rows, graded=len(frame),
            bad_rows=scored.bad_rows, footer_rows=raw.footer_rows, columns=dict(cmap.fields),
            factors=dict(cmap.factors)))
    frame = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")
    for factor_id in factor_ids:
        column = s.factor_column(factor_id)
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(column))
    if progress:
        progress("sort", 1.0)
    order = s.sort_order(frame)
    frame = frame.with_columns((order.arg_sort() + 1).alias(s.RANK))
    return GradedFiles(frame, order, list(headers), sources, problems, problem_count, bad_rows, notes,
                       list(factor_ids), id_headers, clean or set())


def results(graded: GradedFiles, positions: pl.Series, grading: Grading, today: dt.date,
            lang: Lang) -> list[g.GradeResult]:
    """Full results (every reason) for the rows at these positions of the frame, in that order."""
    return list(iter_results(graded, positions, grading, today, lang))


RESULT_CHUNK = 10_000  # rows taken from the frame at a time: a million results are never held at once


def iter_results(graded: GradedFiles, positions: pl.Series, grading: Grading, today: dt.date,
                 lang: Lang) -> Iterator[g.GradeResult]:
    """`results`, one at a time (`grade FILE --json` writes each as it comes)."""
    wanted = [s.NAME, s.ACCOUNT, s.FILE, ROW, s.AMOUNT, s.CURRENCY, s.CLOSE, s.PROB, s.LAST, s.MANUAL, s.REASON,
              *(s.factor_column(f) for f in graded.factor_ids)]
    columns = graded.frame.select(wanted)
    for start in range(0, len(positions), RESULT_CHUNK):
        rows = columns[positions.slice(start, RESULT_CHUNK)].iter_rows(named=True)
        for row in rows:
            yield g.grade_prospect(s.prospect_of_row(row, graded.factor_ids), grading, today, lang)


def find(graded: GradedFiles, name: str) -> int:
    """The frame position of the prospect `name` names, by the one lookup rule (deals/lookup.py)."""
    names = graded.frame.get_column(s.NAME)
    exact = (names == name.strip()).arg_true()
    if len(exact) == 1:  # the common case, without turning every name into a Python string
        return int(exact[0])
    listed = [value or "" for value in names.to_list()]
    frame = graded.frame
    return find_one(name, range(len(listed)), listed.__getitem__, noun="prospect", nouns="prospects",
                    label=lambda i: f"{frame[i, s.FILE]} row {frame[i, ROW]}: {listed[i]}")


# the result columns an export adds, by id (`--headers ids` keeps these names for scripts)
RESULT_COLUMN_NAMES = ("file", "rank", "grade", "manual_grade", "final_grade", "score", "rule", "action",
                       "follow_up_days", "next_follow_up", "pretext")


def export(graded: GradedFiles, path: Path, progress: Progress | None = None,
           labels: dict[str, str] | None = None) -> int:
    """Write every row with its grade; `labels` names the result columns (in the user's language)."""
    from dealcoach.gradeio.write import write_output

    return write_output(graded.frame, graded.headers, path, len(graded.sources) > 1, graded.id_headers, progress,
                        clean=graded.clean_headers, labels=labels)


__all__ = ["BadRow", "GradedFiles", "SourceInfo", "export", "find", "grade_files", "iter_results", "results"]
