"""`dealcoach report`: a deal brief or the pipeline review as one page to hand over or show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import LangOption


def report(
    deal_ref: Annotated[str | None, typer.Argument(metavar="[DEAL]", help="Deal id or part of its name.")] = None,
    pipeline: Annotated[bool, typer.Option("--pipeline", help="The pipeline review of every open deal instead of one deal.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout for HTML).")] = None,
    format_: Annotated[str, typer.Option("--format", help="html, or pdf (printed by a headless Chromium).")] = "html",
    owner: Annotated[str | None, typer.Option("--owner", help="With --pipeline: only this rep's deals.")] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE|7d", help="With --pipeline: also what changed since then.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="As of this date (YYYY-MM-DD).")] = None,
    lang: LangOption = None,
) -> None:
    """One self-contained page (no network needed to open it; prints on A4; reads on a phone): a
    deal brief with both processes, warnings, ranked actions, the power map, the people, the
    competition and the timeline; or with --pipeline the review with its charts.

    Example: dealcoach report --pipeline -o review.html
    """
    import datetime as dt

    from dealcoach.cli.followup import _date
    from dealcoach.cli.options import language, write_or_echo
    from dealcoach.errors import UsageError
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    if format_ not in ("html", "pdf"):
        raise UsageError(f"--format: {format_!r} is not a format; use html or pdf")
    if pipeline == (deal_ref is not None):
        raise UsageError(message("report.which", lang_))
    if format_ == "pdf" and output is None:
        raise UsageError("--format pdf needs -o FILE.pdf")
    day = _date(today, "--today") or dt.date.today()
    from dealcoach.render import html as pages

    with open_store() as store:
        if pipeline:
            from dealcoach.cli.filters import make_filters, parse_since
            from dealcoach.usecases.pipeline import pipeline_review

            start = parse_since(since, day) if since is not None else None
            review = pipeline_review(store, lang_, day, make_filters(owner=owner), since=start)
            page = pages.pipeline_html(review, lang_)
        else:
            from dealcoach.coaching.brief import deal_brief
            from dealcoach.playbook.loader import load_catalog, load_playbook

            deal = store.find(deal_ref)  # type: ignore[arg-type]
            page = pages.brief_html(deal_brief(deal, load_playbook(deal.playbook), load_catalog(), day, lang_), lang_)
    if format_ == "pdf":
        pages.html_to_pdf(page, output)  # type: ignore[arg-type]
        typer.echo(message("report.written", lang_, path=str(output)), err=True)
        return
    write_or_echo(output, page, message("report.written", lang_, path=str(output)))
