"""`dealcoach example list`: the bundled example deals (the cases the seeds tell)."""

from __future__ import annotations

import typer

from dealcoach.cli.options import JsonOption, LangOption, emit_json, language

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS


@app.command("list")
def list_examples(lang: LangOption = None, json: JsonOption = False) -> None:
    """List the example deals; run one with `dealcoach stage --example NAME`.

    Example: dealcoach example list
    """
    from dealcoach.examples import list_examples as examples

    language(lang)
    rows = [{"name": e.name, "deal": e.deal.name, "playbook": e.deal.playbook, "path": str(e.path)} for e in examples()]
    if json:
        emit_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']:<28} {row['playbook']:<11} {row['deal']}")
