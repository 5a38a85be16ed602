"""`dealcoach grade`: rank prospects A/B/C/D, explain why, say how often to follow up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language

TABLE_ROWS = 50           # rows the table shows without --top; -o FILE writes them all
MAX_BAD_ROWS_SHOWN = 20
PROGRESS_BYTES = 8 * 1024 * 1024
JSON_VERSION = 1


def grade(
    files: Annotated[list[Path] | None, typer.Argument(metavar="FILE", show_default=False,
                                                       help="Prospect files: CSV, TSV, XLSX, JSON or YAML.")] = None,
    deals: Annotated[bool, typer.Option("--deals", help="Grade the stored deals and save the computed grade on each.")] = False,
    top: Annotated[int | None, typer.Option("--top", min=1, help=f"Show the best N (the table shows {TABLE_ROWS} by default).")] = None,
    explain: Annotated[str | None, typer.Option("--explain", metavar="NAME", help="One prospect's full reasoning.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write every row with its grade to FILE.csv or FILE.xlsx.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) if any row is bad.")] = False,
    headers: Annotated[str, typer.Option("--headers", metavar="words|ids",
                                         help="The result columns' headers in -o: words in your language, or ids for scripts.")] = "words",
    map_: Annotated[list[str] | None, typer.Option("--map", metavar="FIELD=COLUMN", help="Which column holds a field (repeat), e.g. --map close=签约时间.")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML/JSON file of FIELD: COLUMN lines.")] = None,
    playbook: Annotated[str | None, typer.Option("--playbook", help="Playbook whose grading rules apply to files (default six-step).")] = None,
    today: Annotated[str | None, typer.Option("--today", metavar="DATE", help="Grade as of this date (YYYY-MM-DD).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", metavar="DEAL=GRADE", help="Set your own grade on a stored deal (DEAL=none clears it).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why you set that grade (with --set).")] = None,
    assess: Annotated[str | None, typer.Option("--assess", metavar="DEAL", help="Record assessment scores on a stored deal.")] = None,
    score: Annotated[list[str] | None, typer.Option("--score", metavar="FACTOR=SCORE", help="An assessment score for --assess (repeat).")] = None,
    info: Annotated[list[str] | None, typer.Option("--info", metavar="KIND=0..3", help="How well a kind of information is known, for --assess (eight-step).")] = None,
    compare: Annotated[list[str] | None, typer.Option("--compare", metavar="'RIVAL: DIM=-2..2 ...'", help="Compare with a competitor, for --assess (eight-step).")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Reads CRM exports (HubSpot, Salesforce) and spreadsheets with Chinese or English headers with no
    mapping file; prints the best first with the rule that fired, the action and the next follow-up.
    With --deals it grades the stored deals and saves the computed grade (your manual grade is kept).

    Example: dealcoach grade hubspot-crm-exports-all-deals.csv --top 20 -o graded.xlsx
    """
    from dealcoach.errors import UsageError

    lang_ = language(lang)
    on = _today(today)
    if set_ or assess:
        deals = True
    if reason is not None and not set_:
        raise UsageError("--reason goes with --set DEAL=GRADE")
    if (score or info or compare) and not assess:
        raise UsageError("--score/--info/--compare go with --assess DEAL")
    if deals and files:
        raise UsageError("give prospect files or --deals, not both")
    if not deals and not files:
        raise UsageError("give prospect files (dealcoach grade FILE...) or --deals")
    if deals:
        for flag, given in (("--playbook", playbook), ("-o", output), ("--map", map_), ("--mapping", mapping)):
            if given:
                raise UsageError(f"{flag} is for files; stored deals are graded with their own playbook")
        _grade_deals(on, lang_, top, explain, json, no_color, set_ or [], reason, assess, score or [], info or [],
                     compare or [])
        return
    assert files is not None
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"-o {output}: write a .csv or .xlsx file")
    if output is not None and any(_same_file(output, path) for path in files):
        raise UsageError(f"-o {output}: that is one of the input files; write the grades to a new file")
    if headers not in ("words", "ids"):
        raise UsageError(f"--headers: use words or ids, not {headers!r}")
    _grade_files(files, on, lang_, top, explain, json, no_color, output, strict, map_ or [], mapping, headers == "ids",
                 playbook or "six-step")


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False


def _today(text: str | None):
    import datetime as dt

    from dealcoach.cli.options import typed_date

    return dt.date.today() if text is None else typed_date(text, "--today")


# --- files -----------------------------------------------------------------------------------


def _grade_files(files, on, lang, top, explain, json, no_color, output, strict, map_options, mapping, id_headers,
                 playbook_id):
    from dealcoach import gradeio
    from dealcoach.coaching.grading import grading_of
    from dealcoach.errors import DealcoachError
    from dealcoach.gradeio.columns import load_mapping_file
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_playbook

    playbook = load_playbook(playbook_id)
    grading = grading_of(playbook)
    explicit = load_mapping_file(mapping, grading) if mapping else {}
    explicit.update(_parse_map_options(map_options, grading))
    with _progress(files, no_color) as progress:
        graded = gradeio.grade_files(files, explicit, grading, on, lang, progress=progress)
    _report_reading(graded, lang)  # after the bar is gone, so the lines are not drawn over
    if strict and graded.bad_rows:
        raise DealcoachError(message("grade.strict_failed", lang, count=graded.bad_rows))
    if output is not None:
        with _progress(files, no_color) as progress:
            labels = None if id_headers else {name: message(f"export.{name}", lang) for name in gradeio.RESULT_COLUMN_NAMES}
            written = gradeio.export(graded, output, progress, labels)
        typer.echo(message("grade.written", lang, count=written, path=str(output)), err=True)

    if explain is not None:
        position = gradeio.find(graded, explain)
        result = gradeio.results(graded, _series([position]), grading, on, lang)[0]
        _show_explain(result, lang, json, no_color)
        return
    if output is not None and top is None and not json:
        # the file has them all: just the counts (and no Rich import, so a big export stays quick)
        counts = graded.grade_counts()
        typer.echo(message("grade.summary", lang, count=graded.count, a=counts["A"], b=counts["B"], c=counts["C"],
                           d=counts["D"]), err=True)
        return
    limit = top if top is not None else (None if json else TABLE_ROWS)
    shown = graded.order if limit is None else graded.order.head(limit)
    if json:
        from dealcoach.cli.options import emit_json_list

        # each prospect is explained and written in turn: a million rows are never held as results
        emit_json_list({
            "version": JSON_VERSION, "today": on.isoformat(), "playbook": playbook.id,
            "sources": [vars(source) for source in graded.sources],
            "count": graded.count, "grades": graded.grade_counts(), "shown": len(shown),
            "prospects": [],
            "bad_rows": graded.bad_rows,
            "problems": [vars(p) for p in graded.problems], "problem_count": graded.problem_count,
        }, "prospects", gradeio.iter_results(graded, shown, grading, on, lang))
        return
    results = gradeio.results(graded, shown, grading, on, lang)
    _show_table(results, lang, no_color, playbook.name.get(lang), on, graded.count, graded.grade_counts())


def _parse_map_options(options: list[str], grading) -> dict[str, str]:
    """`--map FIELD=COLUMN` (COLUMN=FIELD is accepted too when only the right side is a field)."""
    from dealcoach.errors import UsageError
    from dealcoach.gradeio.columns import FIELDS

    known = set(FIELDS) | ({f.id for f in grading.assessment.factors} if grading else set())
    mapping: dict[str, str] = {}
    for option in options:
        if "=" not in option:
            raise UsageError(f"--map {option!r}: use FIELD=COLUMN, e.g. --map close=签约时间")
        left, right = option.split("=", 1)
        if left.strip() in known:
            mapping[left.strip()] = right.strip()
            continue
        left_r, right_r = option.rsplit("=", 1)
        if right_r.strip() in known:
            mapping[right_r.strip()] = left_r.strip()
            continue
        raise UsageError(f"--map {option!r}: {left.strip()!r} is not a field; fields: {', '.join(FIELDS)}"
                         + (" or an assessment factor id" if grading else ""))
    return mapping


def _series(values):
    import polars as pl

    return pl.Series(values, dtype=pl.UInt32)


def _report_reading(graded, lang) -> None:
    from dealcoach.error_text import localize_error
    from dealcoach.i18n import message

    lines = []
    for source in graded.sources:
        if source.kind_name:
            lines.append(message("grade.read_as", lang, file=source.file, kind=source.kind_name, rows=source.rows))
        else:
            encoding = f", {source.encoding.upper()}" if source.encoding not in (None, "utf-8") else ""
            lines.append(message("grade.read_plain", lang, file=source.file, format=source.format.upper() + encoding,
                                 rows=source.rows))
        if source.footer_rows:
            lines.append(message("grade.footer", lang, file=source.file, row=source.rows + 2, count=source.footer_rows))
    lines += graded.notes
    for problem in graded.problems[:MAX_BAD_ROWS_SHOWN]:
        lines.append(message("grade.bad_row", lang, file=problem.file, row=problem.row, column=problem.column,
                             reason=localize_error(problem.reason, lang)))
    if graded.problem_count > MAX_BAD_ROWS_SHOWN:
        lines.append(message("grade.bad_more", lang, count=graded.problem_count - MAX_BAD_ROWS_SHOWN))
    if graded.bad_rows:
        lines.append(message("grade.bad_summary", lang, count=graded.bad_rows, graded=graded.count))
    for line in lines:
        typer.echo(line, err=True)


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _progress(files, no_color: bool):
    """A progress bar on stderr, only on a terminal and only for files big enough to wait for."""
    import sys

    try:
        size = sum(path.stat().st_size for path in files if path.is_file())
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not sys.stderr.isatty():
        return _NoProgress()
    return _RichProgress(_stderr(no_color))


class _RichProgress:
    def __init__(self, console) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                             transient=True)
        self._task = None

    def __enter__(self):
        self._bar.__enter__()
        self._task = self._bar.add_task("", total=1.0)

        def update(step: str, fraction: float) -> None:
            self._bar.update(self._task, description=step, completed=fraction)

        return update

    def __exit__(self, *exc):
        return self._bar.__exit__(*exc)


def _stderr(no_color: bool):
    from dealcoach.render.console import console

    return console(no_color, stderr=True)


def _show_table(results, lang, no_color, playbook_name, on, count, counts) -> None:
    from dealcoach.i18n import message
    from dealcoach.render.console import console
    from dealcoach.render.grade import grade_table

    out = console(no_color)
    title = (message("grade.title", lang, playbook=playbook_name, today=on) if playbook_name
             else message("grade.title_deals", lang, today=on))
    out.print(grade_table(results, lang, title))
    if count > len(results):
        out.print(message("grade.more", lang, count=count - len(results)))
    out.print(message("grade.summary", lang, count=count, a=counts["A"], b=counts["B"], c=counts["C"], d=counts["D"]))


def _show_explain(result, lang, json, no_color) -> None:
    if json:
        emit_json({"version": JSON_VERSION, **result.model_dump(mode="json")})
        return
    from dealcoach.render.console import console
    from dealcoach.render.grade import explain_panel

    console(no_color).print(explain_panel(result, lang))


# --- stored deals ----------------------------------------------------------------------------


def _grade_deals(on, lang, top, explain, json, no_color, set_options, reason, assess, scores, info, compare):
    from dealcoach import settings
    from dealcoach.deals.lookup import find_one
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.grading import GradeInputs, regrade_deals

    inputs = GradeInputs(manual=[_parse_set(option) for option in set_options], reason=reason, assess=assess,
                         scores=_parse_pairs(scores, "--score"), information=_parse_pairs(info, "--info"),
                         comparisons=[_parse_compare(option) for option in compare])
    # --explain only looks: it saves nothing unless it comes with grades or scores to record
    save = explain is None or inputs.any()
    # the table shows the best TABLE_ROWS; --json carries them all; --explain picks from them all
    keep = top if top else (None if json or explain is not None else TABLE_ROWS)
    with open_store() as store, _deal_progress(no_color) as progress:
        regrade = regrade_deals(store, on, lang, settings.current_user(), inputs, save=save, keep=keep,
                                progress=progress)
    for note in regrade.notes:
        typer.echo(note, err=True)
    if regrade.count and regrade.saved:
        typer.echo(message("grade.saved", lang, count=regrade.count, changed=regrade.changed), err=True)
    if explain is not None:
        wanted = explain.strip()
        names = regrade.names()
        by_id = [i for i, (deal_id, _) in enumerate(names) if str(deal_id) == wanted]
        chosen = by_id[0] if len(by_id) == 1 else find_one(
            explain, range(len(names)), lambda i: names[i][1], noun="deal", nouns="deals",
            label=lambda i: f"{names[i][0]}: {names[i][1]}", fix="lookup.fix_id")
        _show_explain(regrade.result(chosen), lang, json, no_color)
        return
    if json:
        from dealcoach.cli.options import emit_json_list

        emit_json_list({"version": JSON_VERSION, "today": on.isoformat(), "playbook": None, "count": regrade.count,
                        "grades": regrade.grades, "shown": len(regrade.kept), "prospects": [],
                        "bad_rows": 0, "problems": [], "problem_count": 0}, "prospects", regrade.results())
        return
    if not regrade.count:
        typer.echo(message("grade.no_deals", lang))
        return
    _show_table(list(regrade.results()), lang, no_color, None, on, regrade.count, regrade.grades)


DEAL_PROGRESS_MIN = 2000  # fewer deals are graded before a bar would be worth drawing


def _deal_progress(no_color: bool):
    """A bar on stderr while many deals are graded and saved, only on a terminal."""
    import sys

    if not sys.stderr.isatty():
        return _NoProgress()
    return _DealBar(_stderr(no_color))


class _DealBar:
    def __init__(self, console) -> None:
        self._console = console
        self._bar = None
        self._task = None

    def __enter__(self):
        def update(done: int, total: int) -> None:
            if total < DEAL_PROGRESS_MIN:
                return
            if self._bar is None:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

                self._bar = Progress(BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=self._console,
                                     transient=True)
                self._bar.__enter__()
                self._task = self._bar.add_task("", total=total)
            self._bar.update(self._task, completed=done)

        return update

    def __exit__(self, *exc):
        if self._bar is not None:
            return self._bar.__exit__(*exc)
        return False


# --- flag syntax -----------------------------------------------------------------------------

CLEAR = {"none", "-", "clear", ""}


def _parse_set(option: str) -> tuple[str, str | None]:
    """`DEAL=B` -> ("DEAL", "B"); `DEAL=none` clears. The deal part may itself contain '='."""
    from dealcoach.errors import UsageError

    if "=" not in option:
        raise UsageError(f"--set {option!r}: use DEAL=GRADE, e.g. --set 宁夏=B (DEAL=none clears it)")
    ref, grade = option.rsplit("=", 1)
    grade = grade.strip().upper().removesuffix("级")
    if grade.lower() in CLEAR:
        return ref.strip(), None
    if grade not in ("A", "B", "C", "D"):
        from dealcoach.error_text import keyed_error

        raise keyed_error(UsageError, "error.grade_value", field="--set", value=option)
    return ref.strip(), grade


def _parse_pairs(options: list[str], flag: str) -> dict[str, int]:
    """`ID=SCORE` options -> {id: score}."""
    import re

    from dealcoach.errors import UsageError

    pairs: dict[str, int] = {}
    for option in options:
        match = re.fullmatch(r"\s*([a-z0-9-]+)\s*=\s*([+-]?\d+)\s*", option)
        if not match:
            raise UsageError(f"{flag} {option!r}: use ID=SCORE, e.g. {flag} funding=2")
        pairs[match.group(1)] = int(match.group(2))
    return pairs


def _parse_compare(option: str) -> tuple[str, dict[str, int]]:
    """`COMPETITOR: need-fit=2 price=1` (or with commas) -> ("COMPETITOR", {...})."""
    import re

    from dealcoach.errors import UsageError

    if ":" not in option and "：" not in option:
        raise UsageError(f"--compare {option!r}: use 'COMPETITOR: dimension=score ...', e.g. "
                         f"--compare 'B公司: need-fit=2 price=1 brand=0'")
    name, _, rest = option.replace("：", ":").partition(":")
    items = [part for part in re.split(r"[\s,，]+", rest) if part]
    if not name.strip() or not items:
        raise UsageError(f"--compare {option!r}: name the competitor and at least one dimension=score")
    return name.strip(), _parse_pairs(items, "--compare")
