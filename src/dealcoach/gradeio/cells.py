"""Reading a whole column of CRM cells at once (polars): dates, amounts, probabilities, grades.

Each parser takes a fast path over the whole column (the format most of a sample parses with) and
retries only the cells that failed with every other format; what still fails goes through the one
parser of typed values (dealcoach/parse.py), once per distinct text. A clean million-row file costs
one pass per column; a cell that nothing reads makes its row bad: reported, not graded.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dealcoach.coaching import grading as g

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y",
                "%d-%m-%Y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%y", "%m/%d/%y")
TIME_SUFFIX = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)$"
SAMPLE = 2000

# Columns whose every cell parsed on the fast path (a strict date format, a plain number): none can
# start with = + - @ or a control character as text, so the export need not scan them for formulas.
# score_table fills it for one table at a time; the parsers take a column out when they had to retry.
_clean: set[str] = set()


def _per_value(texts: pl.Series, read, dtype) -> pl.Series:
    """The cells the column-at-once formats left unread, through the one parser of typed values
    (dealcoach/parse.py: `80万`, `EUR 5,000`, `三成`, `3月15日`...), once per distinct text."""
    from dealcoach.errors import InputError

    values: dict[str, object] = {}
    for text in texts.drop_nulls().unique().to_list():
        try:
            values[text] = read(text)
        except InputError:
            values[text] = None
    return texts.replace_strict(values, default=None, return_dtype=dtype) if values else \
        pl.repeat(None, len(texts), dtype=dtype, eager=True)


# --- dates -----------------------------------------------------------------------------------


def _strip_time(series: pl.Series) -> pl.Series:
    return series.str.replace(TIME_SUFFIX, "")


def _format_counts(sample: pl.Series) -> list[tuple[str, int]]:
    counts = [(fmt, int(sample.str.strptime(pl.Date, fmt, strict=False).is_not_null().sum())) for fmt in DATE_FORMATS]
    return sorted([c for c in counts if c[1]], key=lambda c: -c[1])  # stable: list order breaks ties


def parse_dates(texts: pl.Series, today: dt.date | None = None) -> pl.Series:
    """Dates in the usual formats; the format most of a sample uses goes first (so 1/2/2026 is
    read the way the rest of the column is written); what no format reads goes through the one
    parser (`3月15日`, `2027年3月15日`, `下周二`, relative to `today`)."""
    present = texts.drop_nulls()
    if present.is_empty():
        return pl.repeat(None, len(texts), dtype=pl.Date, eager=True).alias(texts.name)
    sample = present.head(SAMPLE)
    has_time = bool(sample.str.contains(r"\d:\d\d").any())
    sample = _strip_time(sample) if has_time else sample
    ranked = _format_counts(sample)
    primary = ranked[0][0] if ranked else DATE_FORMATS[0]
    body = _strip_time(texts) if has_time else texts
    out = body.str.strptime(pl.Date, primary, strict=False)
    need = texts.is_not_null() & out.is_null()
    if need.any() or has_time:
        _clean.discard(texts.name)
        index = need.arg_true()
        rest = _strip_time(texts.gather(index).str.strip_chars())
        order = [fmt for fmt, _ in ranked[1:]] + [fmt for fmt in DATE_FORMATS if fmt not in dict(ranked)]
        fixed = pl.select(pl.coalesce([rest.str.strptime(pl.Date, fmt, strict=False) for fmt in order])).to_series()
        if fixed.null_count():
            from dealcoach import parse

            typed = _per_value(texts.gather(index), lambda t: parse.parse_date(t, today=today, what=None), pl.Date)
            fixed = pl.select(pl.coalesce([fixed, typed])).to_series()
        out = out.scatter(index, fixed)
    return out


# --- numbers ---------------------------------------------------------------------------------


def parse_amounts(texts: pl.Series) -> pl.Series:
    """Plain numbers column at once; the rest (`80万`, `￥800,000`, `EUR 5,000`, `5.000,00 €`)
    through the one parser of typed values."""
    out = texts.cast(pl.Float64, strict=False)
    need = texts.is_not_null() & out.is_null()
    if need.any() or out.is_infinite().any():
        _clean.discard(texts.name)
    if need.any():
        from dealcoach import parse

        index = need.arg_true()
        out = out.scatter(index, _per_value(texts.gather(index), lambda t: parse.parse_amount(t, None), pl.Float64))
    return out


def parse_probabilities(texts: pl.Series, header: str) -> tuple[pl.Series, pl.Series]:
    """(probability 0..1, the number as read): "35%" is a percentage; plain numbers are 0-100 when
    the header says % or most non-zero values in the column are above 1, else 0-1."""
    numbers = texts.cast(pl.Float64, strict=False)
    need = texts.is_not_null() & numbers.is_null()
    if need.any() or numbers.is_infinite().any():
        _clean.discard(texts.name)
    has_sign = False
    percent_sign = pl.repeat(False, len(texts), eager=True)
    if need.any():
        trimmed = texts.str.strip_chars()
        percent_sign = trimmed.str.ends_with("%").fill_null(False)
        has_sign = bool(percent_sign.any())
        numbers = trimmed.str.strip_chars_end("%").str.strip_chars().cast(pl.Float64, strict=False)
    unread = texts.is_not_null() & numbers.is_null()
    if unread.any():  # 三成, 七成把握, 百分之三十: the one parser, already 0..1
        from dealcoach import parse

        index = unread.arg_true()
        typed = pl.repeat(None, len(texts), dtype=pl.Float64, eager=True).scatter(
            index, _per_value(texts.gather(index), lambda t: parse.parse_probability(t, None), pl.Float64))
        read = typed.is_not_null()
        percent_sign = percent_sign | read  # read as a share: kept out of the column's 0-1 / 0-100 guess
        has_sign = True
        numbers = pl.select(pl.when(read).then(typed * 100).otherwise(numbers)).to_series()
    plain = (numbers.filter(~percent_sign) if has_sign else numbers).drop_nulls()
    nonzero = plain.filter(plain != 0)
    # 0-100 when the header says so or most values are above 1; a stray 1.5 in a 0-1 column stays
    # out of range instead of turning the whole column into percentages
    percent_column = "%" in header or (len(nonzero) > 0 and int((nonzero > 1).sum()) * 2 >= len(nonzero))
    divisor = 100.0 if percent_column else 1.0
    if has_sign:
        values = pl.select(pl.when(percent_sign).then(numbers / 100).otherwise(numbers / divisor)).to_series()
    elif percent_column:
        values = numbers / divisor
    else:
        return numbers, numbers
    return values.round(6), numbers  # 35 / 100 is 0.35, not 0.35000000000000003


def parse_grades(texts: pl.Series) -> pl.Series:
    cleaned = texts.str.to_uppercase().str.replace_all(r"[\s级]|GRADE|CLASS", "")
    return pl.select(pl.when(cleaned.is_in(list(g.GRADES))).then(cleaned).otherwise(None)).to_series()
