"""`dealcoach map`: the power map (权力地图) of a deal."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language, write_or_echo


class MapFormat(str, Enum):
    terminal = "terminal"
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"
    png = "png"


def power_map(
    deal_ref: Annotated[str | None, typer.Argument(metavar="[DEAL]", help="Deal id or part of its name.")] = None,
    deal_file: Annotated[Path | None, typer.Option("--deal-file", help="Map a deal file; no database needed.")] = None,
    format: Annotated[MapFormat, typer.Option("--format", "-f", help="terminal, mermaid, dot, svg or png.")] = MapFormat.terminal,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE (needed for svg/png).")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Example: dealcoach map 宁夏 --format svg -o map.svg
    """
    from dealcoach.coaching.people import power_map as build
    from dealcoach.errors import UsageError
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_catalog, load_playbook

    lang_ = language(lang)
    if (deal_ref is None) == (deal_file is None):
        raise UsageError("give a DEAL or --deal-file FILE")
    if deal_file is not None:
        from dealcoach.deals.dealfile import load_deal_file

        deal, playbook = load_deal_file(deal_file)
    else:
        from dealcoach.store import open_store

        with open_store() as store:
            deal = store.find(deal_ref)  # type: ignore[arg-type]
        playbook = load_playbook(deal.playbook)
    power = build(deal, playbook, load_catalog(), lang_)
    if json:
        emit_json(power.model_dump(mode="json"))
        return
    if format is MapFormat.terminal:
        from dealcoach.render.console import console
        from dealcoach.render.people import render_map

        render_map(console(no_color), power, lang_)
        return
    from dealcoach.render.powermap import render_picture, to_dot, to_mermaid

    if format is MapFormat.mermaid:
        data: bytes = to_mermaid(power, lang_).encode("utf-8")
    elif format is MapFormat.dot:
        data = to_dot(power, lang_).encode("utf-8")
    else:
        if output is None:
            raise UsageError(f"--format {format.value} writes a picture: give -o FILE.{format.value}")
        from dealcoach.render.powermap import CJK_FONT_PACKAGES, needs_cjk_font

        if format.value == "png" and needs_cjk_font(power):
            typer.echo(message("map.no_cjk_font", lang_, packages=CJK_FONT_PACKAGES), err=True)
        data = render_picture(to_dot(power, lang_), format.value)
    write_or_echo(output, data, message("map.written", lang_, path=str(output)))
