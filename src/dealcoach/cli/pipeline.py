"""`dealcoach pipeline`: the manager's weekly review of every deal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language

OwnerOpt = Annotated[str | None, typer.Option("--owner", help="Only this rep's deals.")]
StageOpt = Annotated[str | None, typer.Option("--stage", help="Only deals at this sales stage (its id, e.g. entry).")]
GradeOpt = Annotated[list[str] | None, typer.Option("--grade", help="Only these grades: A, B, C, D, - (ungraded); repeat or A,B.")]
StatusOpt = Annotated[str, typer.Option("--status", help="open, won, lost or all.")]
AtRiskOpt = Annotated[bool, typer.Option("--at-risk", help="Only deals at risk (a high warning, or the customer ahead of us).")]
StaleOpt = Annotated[int | None, typer.Option("--stale", metavar="DAYS", help="Only deals not touched for DAYS days or more (never contacted included).")]
SortOpt = Annotated[str, typer.Option("--sort", help="risk, amount, close, stale, grade, owner or name.")]
TodayOpt = Annotated[str | None, typer.Option("--today", help="Review as of this date (YYYY-MM-DD).")]


def pipeline(
    owner: OwnerOpt = None, stage: StageOpt = None, grade: GradeOpt = None, status: StatusOpt = "open",
    at_risk: AtRiskOpt = False, stale: StaleOpt = None, sort: SortOpt = "risk",
    since: Annotated[str | None, typer.Option("--since", metavar="DATE|7d",
                                              help="Also show what changed since then, from the history.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the rows to a .csv or .xlsx file.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show this many deals (--json and -o carry all).")] = 50,
    show_all: Annotated[bool, typer.Option("--all", help="Show every deal.")] = False,
    today: TodayOpt = None, lang: LangOption = None, json: JsonOption = False, no_color: NoColorOption = False,
) -> None:
    """Every open deal on one line, riskiest first: stage against the customer's step, the top
    warning, last touch and next follow-up, the next action; totals by stage and grade, a 30/90-day
    forecast, a table per rep, and with --since what changed.

    Example: dealcoach pipeline --since 7d --owner amy
    """
    import datetime as dt

    from dealcoach.cli.followup import _date
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.cli.filters import make_filters, parse_since
    from dealcoach.usecases.pipeline import pipeline_review, stage_ids

    lang_ = language(lang)
    day = _date(today, "--today") or dt.date.today()
    filters = make_filters(owner, stage, grade, status, at_risk, stale, sort,
                           stage_ids=stage_ids() if stage is not None else None)
    start = parse_since(since, day) if since is not None else None
    with open_store() as store:
        review = pipeline_review(store, lang_, day, filters, since=start)
    if output is not None:
        from dealcoach.gradeio.write import write_records
        from dealcoach.render.pipeline import EXPORT_COLUMNS, export_records

        count = write_records(export_records(review, lang_), EXPORT_COLUMNS, output, sheet="pipeline")
        typer.echo(message("pipeline.written", lang_, count=count, path=str(output)), err=True)
    if json:
        # the rows written as they are encoded: 100,000 lines are never one text or one dict tree
        from dealcoach.cli.options import emit_json_list

        rest = review.model_dump(mode="json", exclude={"rows"})
        emit_json_list({name: rest.get(name, []) for name in type(review).model_fields}, "rows",
                       review.rows.json_rows())
        return
    if output is not None:
        return
    from dealcoach.render.console import console
    from dealcoach.render.pipeline import render_review

    render_review(console(no_color), review, lang_, None if show_all else limit)
