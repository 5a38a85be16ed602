"""Options shared by every command, so each one spells them the same way."""

from __future__ import annotations

from typing import Annotated

import typer

LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language: zh, zh-Hant or en (default: DEALCOACH_LANG, else the locale).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colours (also: NO_COLOR=1).")]


def language(flag: str | None):
    from dealcoach.i18n import resolve_language

    return resolve_language(flag)


def emit_json(data: object) -> None:
    """JSON goes to stdout, uncoloured, stable: for scripts."""
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
