"""`dealcoach playbook list|show|validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS


@app.command("list")
def list_playbooks(lang: LangOption = None, json: JsonOption = False, no_color: NoColorOption = False) -> None:
    """List the playbooks: id, name, steps, source, where each was loaded from.

    Example: dealcoach playbook list --json
    """
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import CATALOG_ID, load_playbook, sources
    from dealcoach.typeset import colon

    lang_ = language(lang)
    rows = []
    for source in sources().values():
        if source.id == CATALOG_ID:
            continue
        playbook = load_playbook(source.id)
        label = message("bundled", lang_) if source.origin == "bundled" else (
            message("overrides_bundled", lang_) if source.overrides_bundled else message("user", lang_))
        rows.append({"id": playbook.id, "name": playbook.name.get(lang_), "steps": len(playbook.customer_steps),
                     "source": playbook.source, "origin": source.origin, "overrides_bundled": source.overrides_bundled,
                     "path": str(source.path), "loaded_from_label": colon(label, lang_) + str(source.path)})
    if json:
        emit_json([{k: v for k, v in row.items() if k != "loaded_from_label"} for row in rows])
        return
    from dealcoach.render.console import console
    from dealcoach.render.playbook import playbook_list_table

    console(no_color).print(playbook_list_table(rows, lang_))


@app.command("show")
def show(
    playbook_id: Annotated[str, typer.Argument(metavar="ID", help="Playbook id, e.g. six-step.")],
    stage: Annotated[str | None, typer.Option("--stage", help="Show one sales stage in full.")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Show how the customer's purchase steps map to our sales stages; one stage in full with --stage.

    Example: dealcoach playbook show six-step --stage entry
    """
    from dealcoach.errors import NotFoundError
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_catalog, load_playbook

    lang_ = language(lang)
    playbook = load_playbook(playbook_id)
    if stage is not None and stage not in {s.id for s in playbook.stages}:
        from dealcoach.error_text import keyed_error

        raise keyed_error(NotFoundError, "error.no_stage", playbook=playbook.id, value=stage,
                          choices=[(s.id, (s.name.zh,)) for s in playbook.stages])
    if json:
        data = playbook.model_dump(mode="json", by_alias=True)
        emit_json(next(s for s in data["stages"] if s["id"] == stage) if stage else data)
        return
    from dealcoach.render.console import console
    from dealcoach.render.playbook import mapping_table, stage_panel

    out = console(no_color)
    if stage:
        out.print(stage_panel(playbook, playbook.stage(stage), load_catalog(), lang_))
        return
    out.print(mapping_table(playbook, lang_))
    if any(s.confidence == "inferred" for s in playbook.stages + playbook.customer_steps):  # type: ignore[operator]
        out.print(message("inferred_note", lang_), style="magenta")


@app.command("validate")
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Playbook files (default: the bundled ones).")] = None,
    lang: LangOption = None,
) -> None:
    """Validate playbook files: every error with its file, line and field; exit 1 if any is invalid.

    Example: dealcoach playbook validate ~/my-team.yaml
    """
    from dealcoach.errors import PlaybookError
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import bundled_dir, validate_paths

    lang_ = language(lang)
    targets = paths or sorted(bundled_dir().glob("*.yaml"))
    failures = []
    for path, errors in validate_paths(list(targets)):
        if errors:
            failures.extend(errors)
        else:
            typer.echo(message("valid", lang_, path=str(path)))
    if failures:
        raise PlaybookError(failures[0] if len(failures) == 1 else f"{len(failures)} errors", details=failures)
