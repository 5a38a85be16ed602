"""`dealcoach db migrate|backup|restore`: the database itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import LangOption, language
from dealcoach.i18n import message

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS


@app.command("migrate")
def migrate(lang: LangOption = None) -> None:
    """Apply pending schema migrations (every command also applies them when it opens the store).

    Example: DEALCOACH_DATABASE_URL=postgresql://sales@db.local/dealcoach dealcoach db migrate
    """
    from dealcoach import settings
    from dealcoach.store import open_store

    with open_store() as store:
        applied = store.migrate()
    where = settings.redact_url(settings.database_url())
    lang_ = language(lang)
    if applied:
        typer.echo(message("db.migrated", lang_, where=where, names=", ".join(applied)))
    else:
        typer.echo(message("db.up_to_date", lang_, where=where))


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the JSON dump.")],
           lang: LangOption = None) -> None:
    """Write every deal and its history to a portable JSON file (readable by you only).

    Example: dealcoach db backup team-2026-11-25.json
    """
    from dealcoach.store import open_store
    from dealcoach.usecases.backup import backup_to_file

    with open_store() as store:
        counts = backup_to_file(store, file)
    typer.echo(message("db.backed_up", language(lang), file=str(file), deals=counts.deals, history=counts.history),
               err=True)


@app.command("restore")
def restore(file: Annotated[Path, typer.Argument(metavar="FILE", help="A file written by `db backup`.")],
            lang: LangOption = None) -> None:
    """Load a backup into an empty database, keeping ids, versions and history (all or nothing).

    Example: DEALCOACH_DATABASE_URL=postgresql://sales@db.local/dealcoach dealcoach db restore team.json
    """
    from dealcoach.store import open_store
    from dealcoach.usecases.backup import read_backup, restore_backup

    data = read_backup(file)
    with open_store() as store:
        counts = restore_backup(store, data, file)
    typer.echo(message("db.restored", language(lang), file=str(file), deals=counts.deals, history=counts.history),
               err=True)
