"""The playbook's grading lookup: close windows, probability bands, the table, caps and rules.

`grade_table(grading)` builds it once per playbook grading; `grade_prospect` reads it one prospect
at a time and gradeio/score.py a whole column at once, from the same limits and cells (the column
forms below are the row rules over polars expressions, side by side, so they cannot drift).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from dealcoach.coaching.cadence import cadence_days, file_pretext_index
from dealcoach.coaching.grading.results import AssessmentResult, Pretext, RuleRef
from dealcoach.errors import PlaybookError
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import GRADE_ORDER, GradeId, Grading, Playbook

GRADES = GRADE_ORDER


def rank(grade: str) -> int:
    """0 for A (best) .. 3 for D."""
    return GRADES.index(grade)  # type: ignore[arg-type]


def worse(first: GradeId, second: GradeId) -> GradeId:
    return first if rank(first) >= rank(second) else second


def grading_of(playbook: Playbook) -> Grading:
    """The playbook's grading section, refused if missing or if its table is not monotone."""
    grading = playbook.grading
    if grading is None:
        raise PlaybookError(f"playbook {playbook.id} has no grading section; use --playbook six-step or eight-step")
    if _CHECKED.get(id(grading)) is grading:  # checked once per section: grade --deals asks per deal
        return grading
    from dealcoach.playbook.checks import grading_table_problems

    problems = [f"{'.'.join(path)}: {text}" for path, text in grading_table_problems(grading)]
    if problems:
        raise PlaybookError(f"playbook {playbook.id}: {problems[0]}", details=problems)
    if len(_CHECKED) > 64:
        _CHECKED.clear()
    _CHECKED[id(grading)] = grading
    return grading


_CHECKED: dict[int, Grading] = {}


def window_index(grading: Grading, days: int | None) -> int:
    """The close window for a close `days` from today (None: unknown)."""
    return grade_table(grading).window(days)


def band_index(grading: Grading, probability: float | None) -> int:
    """The probability band (None or below every band: the lowest)."""
    return grade_table(grading).band(probability)


def cell(grading: Grading, w_index: int, b_index: int) -> GradeId:
    return grade_table(grading).cells[w_index][b_index]


def cell_rule_id(grading: Grading, w_index: int, b_index: int) -> str:
    return f"cell:{grading.close_windows[w_index].id}/{grading.probability_bands[b_index].id}"


def cell_rule(grading: Grading, w_index: int, b_index: int, lang: Lang) -> RuleRef:
    window, band = grading.close_windows[w_index], grading.probability_bands[b_index]
    grade = cell(grading, w_index, b_index)
    return RuleRef(id=cell_rule_id(grading, w_index, b_index),
                   text=message("grade.rule_cell", lang, window=window.name.get(lang), band=band.name.get(lang),
                                grade=grade))


def cap_grade(grading: Grading, knocked_out: bool) -> GradeId:
    """The best grade a failed assessment allows; a knock-out never allows A."""
    cap = grading.assessment.fail_caps_grade_at
    return worse(cap, "B") if knocked_out else cap


def cap_rule_id(knocked_out: bool) -> str:
    return "cap:knockout" if knocked_out else "cap:assessment"


def cap_rule(grading: Grading, knocked_out: bool, lang: Lang) -> RuleRef:
    cap = cap_grade(grading, knocked_out)
    key = "grade.rule_cap_knockout" if knocked_out else "grade.rule_cap_score"
    return RuleRef(id=cap_rule_id(knocked_out), text=message(key, lang, grade=cap))


def manual_rule(grade: GradeId, lang: Lang) -> RuleRef:
    return RuleRef(id="manual", text=message("grade.rule_manual", lang, grade=grade))


def rule_in_words(grading: Grading, rule_id: str, lang: Lang) -> str | None:
    """A rule id as `RuleRef.text` words it (`cell:within-1-month/high` -> 一个月内 × 可能性高 → A);
    None for an id this grading does not have (a history line from an older playbook)."""
    if rule_id.startswith("cell:") and "/" in rule_id:
        window_id, _, band_id = rule_id[5:].partition("/")
        windows = [w.id for w in grading.close_windows]
        bands = [b.id for b in grading.probability_bands]
        if window_id in windows and band_id in bands:
            return cell_rule(grading, windows.index(window_id), bands.index(band_id), lang).text
        return None
    if rule_id in ("cap:knockout", "cap:assessment"):
        return cap_rule(grading, rule_id == "cap:knockout", lang).text
    return None


def definition(grading: Grading, grade: GradeId):  # noqa: ANN201 - the playbook's GradeDefinition
    return next(g for g in grading.grades if g.id == grade)


def pretext_index(grading: Grading, name: str, today: dt.date, cadence: int) -> int | None:
    """A file row's pretext (coaching/cadence.py's rule)."""
    count = len(grading.follow_up_pretexts)
    return file_pretext_index(len(name), today, cadence, count) if count else None




@dataclass(frozen=True)
class GradeTable:
    """One playbook's grading lookup, built once (`grade_table`).

    Windows are validated in order of `max_days` with the open-ended one last, and bands from the
    highest `min` down to 0 (playbook/checks.py), so "the first window whose max_days is not
    exceeded" is a binary search over `limits` and "the first band whose min is reached" one over
    `mins`: the same search for a row (bisect) and for a column (polars' search_sorted)."""

    limits: tuple[int, ...]              # max_days of the bounded windows, ascending
    open_ended: int                      # the window of no date (and of a date past every limit)
    mins: tuple[float, ...]              # band minimums, descending; the last is 0
    cells: tuple[tuple[GradeId, ...], ...]   # [window][band]
    cadence: tuple[int, ...]             # follow-up days per grade, in GRADES order

    def window(self, days: int | None) -> int:
        if days is None:
            return self.open_ended
        index = bisect.bisect_left(self.limits, days)
        return index if index < len(self.limits) else self.open_ended

    def band(self, probability: float | None) -> int:
        if probability is None:
            return len(self.mins) - 1
        # mins descend: the first band whose min is reached
        index = bisect.bisect_left([-m for m in self.mins], -probability)
        return min(index, len(self.mins) - 1)

    # --- the same lookups over whole columns (gradeio/score.py) -----------------------------

    def window_column(self, days):
        import polars as pl

        index = pl.lit(pl.Series(self.limits, dtype=pl.Int64)).search_sorted(days.cast(pl.Int64), side="left")
        return (pl.when(days.is_null() | (index >= len(self.limits))).then(self.open_ended)
                .otherwise(index).cast(pl.Int64))

    def band_column(self, probability):
        import polars as pl

        negated = pl.lit(pl.Series([-m for m in self.mins], dtype=pl.Float64))
        index = negated.search_sorted(-probability, side="left").cast(pl.Int64)
        last = len(self.mins) - 1
        return pl.when(probability.is_null()).then(last).otherwise(pl.min_horizontal(index, pl.lit(last)))


_TABLES: dict[int, tuple[Grading, GradeTable]] = {}


def grade_table(grading: Grading) -> GradeTable:
    """The lookup of this grading section, built on first use and kept while the section lives."""
    kept = _TABLES.get(id(grading))
    if kept is not None and kept[0] is grading:
        return kept[1]
    windows = grading.close_windows
    table = GradeTable(
        limits=tuple(w.max_days for w in windows if w.max_days is not None),
        open_ended=next((i for i, w in enumerate(windows) if w.max_days is None), len(windows) - 1),
        mins=tuple(b.min for b in grading.probability_bands),
        cells=tuple(tuple(grading.table[w.id]) for w in windows),
        cadence=tuple(cadence_days(grading, grade) for grade in GRADES))
    if len(_TABLES) > 64:
        _TABLES.clear()
    _TABLES[id(grading)] = (grading, table)
    return table


@dataclass(frozen=True)
class GradeWords:
    """One grading section's sentences in one language, written once (`grade_words`): explaining
    100,000 prospects never formats the same playbook sentence twice. The models here are shared by
    every result that cites them; results are read and rendered, never changed."""

    windows: tuple[str, ...]                       # close window names
    bands: tuple[str, ...]                         # probability band names
    cell_rules: tuple[tuple[RuleRef, ...], ...]    # [window][band]
    cap_rules: dict[bool, RuleRef]                 # knocked out -> the cap's rule
    manual_rules: dict[str, RuleRef]
    actions: dict[str, str]
    meanings: dict[str, str]
    pretexts: tuple[Pretext, ...]
    not_assessed: AssessmentResult                 # no factor scored: the same for every such prospect


_WORDS: dict[tuple[int, str], tuple[Grading, GradeWords]] = {}


def grade_words(grading: Grading, lang: Lang) -> GradeWords:
    kept = _WORDS.get((id(grading), lang))
    if kept is not None and kept[0] is grading:
        return kept[1]
    from dealcoach.coaching.grading.assessment import assessment_result, score_assessment

    windows, bands = grading.close_windows, grading.probability_bands
    words = GradeWords(
        windows=tuple(w.name.get(lang) for w in windows), bands=tuple(b.name.get(lang) for b in bands),
        cell_rules=tuple(tuple(cell_rule(grading, w, b, lang) for b in range(len(bands))) for w in range(len(windows))),
        cap_rules={knocked: cap_rule(grading, knocked, lang) for knocked in (True, False)},
        manual_rules={grade: manual_rule(grade, lang) for grade in GRADES},
        actions={d.id: d.action.get(lang) for d in grading.grades},
        meanings={d.id: d.meaning.get(lang) for d in grading.grades},
        pretexts=tuple(Pretext(id=p.id, text=p.text.get(lang), detail=p.detail.get(lang) if p.detail else None)
                       for p in grading.follow_up_pretexts),
        not_assessed=assessment_result(score_assessment({}, grading.assessment), grading.assessment, lang))
    if len(_WORDS) > 64:
        _WORDS.clear()
    _WORDS[(id(grading), lang)] = (grading, words)
    return words
