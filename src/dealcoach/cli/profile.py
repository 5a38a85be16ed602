"""`dealcoach profile set|show`: the rep's own details, used by every call script."""

from __future__ import annotations

from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, emit_json, language

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS


@app.command("set")
def set_profile(
    name: Annotated[str | None, typer.Option("--name", help="Your name as you introduce yourself.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Your company.")] = None,
    offer: Annotated[str | None, typer.Option("--offer", help="What you offer, in a few words.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Your phone number.")] = None,
    lang: LangOption = None,
) -> None:
    """Save your name, company, offer and phone for call scripts ('' clears a field).

    With no flags, asks for each (a terminal is needed). The file is readable by you only.

    Example: dealcoach profile set --name 张伟 --company 华北润滑科技 --offer 工业润滑油和油液监测服务 --phone 138-0000-0000
    """
    from dealcoach.i18n import message
    from dealcoach.profile import load_profile, save_profile, updated_profile

    lang_ = language(lang)
    current = load_profile()
    changes = {key: value for key, value in (("name", name), ("company", company), ("offer", offer),
                                             ("phone", phone)) if value is not None}
    if not changes:
        from dealcoach import prompts

        prompts.require_terminal(message("hint.profile_no_tty", lang_))
        changes = prompts.ask_profile(current, lang_)
    path = save_profile(updated_profile(current, changes))
    typer.echo(message("profile.saved", lang_, path=str(path)))


@app.command("show")
def show(lang: LangOption = None, json: JsonOption = False) -> None:
    """Show your saved profile and where it is kept.

    Example: dealcoach profile show --json
    """
    from dealcoach import settings
    from dealcoach.i18n import message
    from dealcoach.profile import FIELDS, load_profile

    lang_ = language(lang)
    profile = load_profile()
    if json:
        emit_json({**profile.model_dump(), "path": str(settings.profile_path())})
        return
    if profile.is_empty():
        typer.echo(message("profile.empty", lang_))
        return
    colon = ": " if lang_ == "en" else "："
    for field in FIELDS:
        value = getattr(profile, field) or message("profile.unset", lang_)
        typer.echo(f"{message(f'profile.field.{field}', lang_)}{colon}{value}")
    typer.echo(f"{message('profile.file', lang_)}{colon}{settings.profile_path()}")
