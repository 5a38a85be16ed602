"""`dealcoach path`."""

from __future__ import annotations

from dealcoach.cli.options import JsonOption, LangOption, emit_json, language


def path(lang: LangOption = None, json: JsonOption = False) -> None:
    """Example: DEALCOACH_HOME=/tmp/dc dealcoach path
    """
    import typer

    from dealcoach import settings
    from dealcoach.i18n import message

    lang_ = language(lang)
    where = settings.paths()
    data = {"home": str(where.home), "database": where.database_url, "playbooks": str(where.user_playbooks),
            "profile": str(where.profile)}
    if json:
        emit_json(data)
        return
    for key, value in data.items():
        label = message({"home": "path.home", "database": "path.database", "playbooks": "path.playbooks",
                         "profile": "path.profile"}[key], lang_)
        typer.echo(f"{label}: {value}")
