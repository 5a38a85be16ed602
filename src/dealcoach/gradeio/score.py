"""Grade a whole table at once, column by column (polars), from the lookup coaching/grading built
for the playbook (`grade_table`) and the rhythm of coaching/cadence.py: the same window, band,
table cell, cap, manual grade and follow-up as one prospect gets. tests/test_grade.py checks the
two agree row for row on generated tables. The cells are read by gradeio/cells.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from dealcoach.coaching import grading as g
from dealcoach.coaching.cadence import file_pretext_index, next_touch_column
from dealcoach.gradeio.cells import (SAMPLE, _clean, parse_amounts, parse_dates, parse_grades,  # noqa: F401
                                     parse_probabilities)
from dealcoach.gradeio.columns import ColumnMap
from dealcoach.gradeio.read import INTERNAL, ROW, RawTable
from dealcoach.i18n import Lang, message
from dealcoach.parse import MAX_YEAR, MIN_YEAR
from dealcoach.playbook.models import Grading


# internal columns of a scored frame
# (INTERNAL starts each name: no header of a file can, so a column named `_name` or `__dealcoach_row`
# in a CRM export is just another column)
NAME, ACCOUNT, CLOSE, PROB, AMOUNT, CURRENCY, LAST = (INTERNAL + n for n in (
    "name", "account", "close", "prob", "amount", "cur", "last"))
MANUAL, REASON, SCORE, COMPUTED, FINAL = (INTERNAL + n for n in ("manual", "reason", "score", "computed", "final"))
RULE, RULE_TEXT, ACTION, CADENCE, NEXT, PRETEXT, FILE, RANK = (INTERNAL + n for n in (
    "rule", "rule_text", "action", "cadence", "next", "pretext", "file", "rank"))
CELL, FAILED, KNOCKED, COMPUTED_RANK, FINAL_RANK = (INTERNAL + n for n in (
    "cell", "failed", "knocked", "computed_rank", "final_rank"))




def _missing(length: int, dtype) -> pl.Series:
    return pl.repeat(None, length, dtype=dtype, eager=True)


def factor_column(factor_id: str) -> str:
    return f"{INTERNAL}f:{factor_id}"


@dataclass
class Scored:
    frame: pl.DataFrame            # good rows: original columns, ROW, FILE and the internal columns
    headers: list[str]             # the file's own columns, in order
    errors: pl.DataFrame           # ROW, column, reason: one line per problem
    bad_rows: int
    total_rows: int
    notes: list[str] = field(default_factory=list)
    clean: set[str] = field(default_factory=set)   # columns that cannot hold a formula (see _clean)


def _text(frame: pl.DataFrame, header: str | None) -> pl.Series | None:
    """The column as read (no copy). Parsers strip spaces only in their slow path, so a clean column
    is never copied; a blank cell is already missing (read.py)."""
    if header is None:
        return None
    return frame.get_column(header)


# --- the table -------------------------------------------------------------------------------


def score_table(raw: RawTable, cmap: ColumnMap, grading: Grading, today: dt.date, lang: Lang,
                origin: str) -> Scored:
    frame = raw.frame
    notes: list[str] = []
    problems: list[pl.DataFrame] = []
    columns: dict[str, pl.Series] = {}
    rows = frame.get_column(ROW)
    parsed = [cmap.fields.get(k) for k in ("close", "last_activity", "probability", "amount")]
    _clean.clear()
    _clean.update(h for h in parsed if h is not None)

    def problem(mask: pl.Series, header: str, why: str, values: pl.Series | None) -> None:
        if not mask.any():
            return
        picked = rows.filter(mask)
        if values is None:
            reason = pl.repeat(why, len(picked), dtype=pl.String, eager=True)
        else:
            shown = values.filter(mask).str.slice(0, 60)
            reason = pl.select(pl.concat_str([pl.lit(why + " '"), shown, pl.lit("'")])).to_series()
        problems.append(pl.DataFrame({ROW: picked, "column": pl.repeat(header, len(picked), dtype=pl.String, eager=True),
                                      "reason": reason}))

    # name: the name column, else the account
    # `is None`, not `or`: a column may be named "" (an empty header cell, mapped with --map name=)
    name_header = cmap.header("name") if cmap.header("name") is not None else cmap.header("account")
    name = _text(frame, cmap.header("name"))
    account = _text(frame, cmap.header("account"))
    if name is not None and account is not None:
        name = name.fill_null(account)
    name = name if name is not None else account
    assert name is not None and name_header is not None
    problem(name.is_null(), name_header, "missing name", None)
    columns[NAME] = name
    columns[ACCOUNT] = account if account is not None else _missing(len(frame), pl.String)

    def parsed(key: str, target: str, parse, dtype, why: str) -> None:
        """Column `key` parsed into `target`; a cell that does not parse is a bad row, not a crash."""
        texts = _text(frame, cmap.header(key))
        if texts is None:
            columns[target] = _missing(len(frame), dtype)
            return
        values = parse(texts)
        problem(texts.is_not_null() & values.is_null(), cmap.fields[key], why, texts)
        columns[target] = values

    def dates(texts: pl.Series) -> pl.Series:
        return parse_dates(texts, today)

    parsed("close", CLOSE, dates, pl.Date, "unparseable date")
    parsed("last_activity", LAST, dates, pl.Date, "unparseable date")
    for key, target in (("close", CLOSE), ("last_activity", LAST)):
        # the range every date input keeps to (parse.py): a far date is a bad row, not an overflow
        far = columns[target].is_not_null() & ((columns[target] < dt.date(MIN_YEAR, 1, 1))
                                               | (columns[target] > dt.date(MAX_YEAR, 12, 31)))
        if far.any():
            problem(far, cmap.fields[key], f"a year outside {MIN_YEAR}..{MAX_YEAR}:", _text(frame, cmap.header(key)))
            columns[target] = pl.select(pl.when(far).then(None).otherwise(columns[target])).to_series()

    texts = _text(frame, cmap.header("probability"))
    if texts is None:
        columns[PROB] = _missing(len(frame), pl.Float64)
    else:
        header = cmap.fields["probability"]
        values, numbers = parse_probabilities(texts, header)
        problem(texts.is_not_null() & numbers.is_null(), header, "not a probability", texts)
        problem(values.is_not_null() & ((values < 0) | (values > 1)), header,
                "probability out of range (use 0-1, 0-100 or 35%):", texts)
        columns[PROB] = values

    parsed("amount", AMOUNT, parse_amounts, pl.Float64, "not an amount")
    currency = _text(frame, cmap.header("currency"))
    columns[CURRENCY] = currency if currency is not None else _missing(len(frame), pl.String)

    parsed("manual_grade", MANUAL, parse_grades, pl.String, "not a grade A-D")
    reason = _text(frame, cmap.header("manual_reason"))
    columns[REASON] = reason if reason is not None else _missing(len(frame), pl.String)

    factors = {f.id: f for f in grading.assessment.factors}
    for factor_id, header in list(cmap.factors.items()):
        texts = _text(frame, header)
        assert texts is not None
        numbers = texts.str.strip_chars().cast(pl.Float64, strict=False)
        sample = texts.drop_nulls().head(SAMPLE)
        if factor_id not in cmap.explicit and len(sample) and \
                numbers.drop_nulls().head(SAMPLE).len() < 0.9 * len(sample):
            notes.append(message("grade.note_not_factor", lang, file=origin, column=header, factor=factor_id))
            del cmap.factors[factor_id]
            continue
        allowed = [level.score for level in factors[factor_id].scale]
        on_scale = numbers.is_in([float(a) for a in allowed])
        problem(texts.is_not_null() & ~on_scale.fill_null(False), header,
                f"score not on the scale ({', '.join(map(str, allowed))}):", texts)
        columns[factor_column(factor_id)] = numbers.cast(pl.Int64, strict=False)

    out = frame.with_columns([series.alias(key) for key, series in columns.items()])
    errors = (pl.concat(problems) if problems else
              pl.DataFrame(schema={ROW: rows.dtype, "column": pl.String, "reason": pl.String}))
    errors = errors.sort(ROW, maintain_order=True)
    bad = errors.get_column(ROW).unique()
    total = len(out)
    if len(bad):
        out = out.filter(~pl.col(ROW).is_in(bad.implode()))
    out = grade_columns(out, cmap, grading, today, lang)
    return Scored(out, raw.headers, errors, len(bad), total, notes, set(_clean))


def grade_columns(frame: pl.DataFrame, cmap: ColumnMap, grading: Grading, today: dt.date, lang: Lang) -> pl.DataFrame:
    """Add the grade, score, rule, action and follow-up columns; the rules of coaching.grading."""
    # the lookup coaching.grading built for this playbook: the same limits, bands and cells per row
    table = g.grade_table(grading)
    windows, bands = grading.close_windows, grading.probability_bands
    days = (pl.col(CLOSE) - pl.lit(today)).dt.total_days()
    window = table.window_column(days)
    band = table.band_column(pl.col(PROB))
    cell_key = (window * len(bands) + band).cast(pl.UInt32)
    cells = [(w, b) for w in range(len(windows)) for b in range(len(bands))]
    cell_rank = pl.Series([g.rank(table.cells[w][b]) for w, b in cells], dtype=pl.Int8)
    cell_rules = [g.cell_rule(grading, w, b, lang) for w, b in cells]
    rule_k, rule_s = g.cap_rule(grading, True, lang), g.cap_rule(grading, False, lang)
    manual_rules = {grade: g.manual_rule(grade, lang) for grade in g.GRADES}
    # the result texts come from a few dozen playbook strings: Enum columns hold them as small codes,
    # so sorting and writing a million rows never copies a sentence a million times
    rule_ids = _enum([r.id for r in cell_rules] + [rule_k.id, rule_s.id, "manual"])
    rule_texts = _enum([r.text for r in cell_rules] + [rule_k.text, rule_s.text]
                       + [r.text for r in manual_rules.values()])
    cell_ids = pl.Series([r.id for r in cell_rules], dtype=rule_ids)
    cell_texts = pl.Series([r.text for r in cell_rules], dtype=rule_texts)

    # assessment, over the factors that have a column
    factors = [f for f in grading.assessment.factors if f.id in cmap.factors]
    if factors:
        earned = pl.sum_horizontal([pl.col(factor_column(f.id)).fill_null(0) * f.weight for f in factors])
        possible = pl.sum_horizontal([pl.col(factor_column(f.id)).is_not_null().cast(pl.Float64)
                                      * f.weight * max(lv.score for lv in f.scale) for f in factors])
        knocked = pl.any_horizontal([(pl.col(factor_column(f.id)) < f.knockout_below).fill_null(False)
                                     for f in factors if f.knockout_below is not None] or [pl.lit(False)])
        share = pl.when(possible > 0).then(earned / possible * 100).otherwise(None)
        failed = (possible > 0) & (knocked | (share < grading.assessment.pass_score * 100 - 1e-9))
    else:
        knocked, share, failed = pl.lit(False), pl.lit(None, dtype=pl.Float64), pl.lit(False)

    frame = frame.with_columns(cell_key.alias(CELL), share.round(1).alias(SCORE), failed.alias(FAILED),
                               knocked.alias(KNOCKED))
    cell_of = pl.col(CELL)
    rank = pl.lit(cell_rank).gather(cell_of)
    cap_k, cap_s = g.rank(g.cap_grade(grading, True)), g.rank(g.cap_grade(grading, False))
    cap = pl.when(pl.col(KNOCKED)).then(pl.lit(cap_k, pl.Int8)).otherwise(pl.lit(cap_s, pl.Int8))
    capped = pl.col(FAILED) & (cap > rank)
    computed = pl.when(capped).then(cap).otherwise(rank)
    letters = pl.Series(list(g.GRADES), dtype=pl.Enum(list(g.GRADES)))
    rule = (pl.when(pl.col(MANUAL).is_not_null()).then(pl.lit("manual", rule_ids))
            .when(capped & pl.col(KNOCKED)).then(pl.lit(rule_k.id, rule_ids))
            .when(capped).then(pl.lit(rule_s.id, rule_ids))
            .otherwise(pl.lit(cell_ids).gather(cell_of)))
    rule_text = (pl.when(pl.col(MANUAL).is_not_null())
                 .then(pl.col(MANUAL).replace_strict({k: v.text for k, v in manual_rules.items()}, default=None,
                                                     return_dtype=rule_texts))
                 .when(capped & pl.col(KNOCKED)).then(pl.lit(rule_k.text, rule_texts))
                 .when(capped).then(pl.lit(rule_s.text, rule_texts))
                 .otherwise(pl.lit(cell_texts).gather(cell_of)))
    frame = frame.with_columns(computed.cast(pl.Int8).alias(COMPUTED_RANK), rule.alias(RULE),
                               rule_text.alias(RULE_TEXT))
    final_rank = pl.when(pl.col(MANUAL).is_not_null()).then(
        pl.col(MANUAL).replace_strict({k: g.rank(k) for k in g.GRADES}, default=None, return_dtype=pl.Int8)
    ).otherwise(pl.col(COMPUTED_RANK))
    frame = frame.with_columns(final_rank.alias(FINAL_RANK))
    definitions = [g.definition(grading, grade) for grade in g.GRADES]
    cadence_lut = pl.Series(table.cadence, dtype=pl.Int64)
    cadence = pl.lit(cadence_lut).gather(pl.col(FINAL_RANK))
    frame = frame.with_columns(
        pl.lit(letters).gather(pl.col(COMPUTED_RANK)).alias(COMPUTED),
        pl.lit(letters).gather(pl.col(FINAL_RANK)).alias(FINAL),
        pl.lit(pl.Series([d.action.get(lang) for d in definitions],
                         dtype=_enum([d.action.get(lang) for d in definitions])))
        .gather(pl.col(FINAL_RANK)).alias(ACTION),
        cadence.alias(CADENCE),
    )
    pretexts = grading.follow_up_pretexts
    columns = [next_touch_column(pl.col(LAST), pl.col(CADENCE), today).cast(pl.Date).alias(NEXT)]
    if pretexts:
        index = file_pretext_index(pl.col(NAME).str.len_chars().cast(pl.Int64), today, pl.col(CADENCE),
                                   len(pretexts)).cast(pl.UInt32)
        texts = [p.text.get(lang) for p in pretexts]
        columns.append(pl.lit(pl.Series(texts, dtype=_enum(texts))).gather(index).alias(PRETEXT))
    else:
        columns.append(pl.lit(None, dtype=pl.String).alias(PRETEXT))
    return frame.with_columns(columns).drop(CELL, FAILED, KNOCKED, COMPUTED_RANK)


def _enum(values: list[str]) -> pl.Enum:
    return pl.Enum(list(dict.fromkeys(values)))


def sort_order(frame: pl.DataFrame) -> pl.Series:
    """Best first: grade (manual when set), score (higher first), close date (sooner first),
    probability (higher first), then the files' own order. The four keys are packed into one
    integer (score to 0.1, probability to 0.1%, close date to the day), so it is one stable sort."""
    score = pl.when(pl.col(SCORE).is_null()).then(1001).otherwise(1000 - (pl.col(SCORE) * 10).round(0).cast(pl.Int64))
    epoch = dt.date(2000, 1, 1)
    days = (pl.col(CLOSE) - pl.lit(epoch)).dt.total_days().clip(0, 2**22 - 2)
    close = pl.when(pl.col(CLOSE).is_null()).then(2**22 - 1).otherwise(days)
    prob = pl.when(pl.col(PROB).is_null()).then(1001).otherwise(
        1000 - (pl.col(PROB).clip(0, 1) * 1000).round(0).cast(pl.Int64))
    key = ((pl.col(FINAL_RANK).cast(pl.Int64) * 1002 + score) * 2**22 + close) * 1024 + prob
    return frame.select(pl.arg_sort_by(key, maintain_order=True)).to_series()


def prospect_of_row(row: dict, cmap_factors: list[str]) -> g.Prospect:
    """A scored row as the Prospect the pure grading takes (for --explain, --json and the table)."""
    return g.Prospect(
        name=row[NAME], account=row[ACCOUNT], source=row[FILE], row=row[ROW], amount=row[AMOUNT],
        currency=row[CURRENCY], expected_close=row[CLOSE], probability=row[PROB], last_activity=row[LAST],
        assessment={f: int(row[factor_column(f)]) for f in cmap_factors if row.get(factor_column(f)) is not None},
        manual_grade=row[MANUAL], manual_reason=row[REASON])
