"""`dealcoach db migrate|backup|restore`: the database itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The database: migrations, and a portable backup to move between SQLite and PostgreSQL.",
                  no_args_is_help=True)


@app.command("migrate")
def migrate() -> None:
    """Apply pending schema migrations (every command also applies them when it opens the store).

    Example: DEALCOACH_DATABASE_URL=postgresql://sales@db.local/dealcoach dealcoach db migrate
    """
    from dealcoach import settings
    from dealcoach.store import open_store

    with open_store() as store:
        applied = store.migrate()
    where = settings.redact_url(settings.database_url())
    typer.echo(f"{where}: " + (f"applied {', '.join(applied)}" if applied else "schema is up to date"))


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the JSON dump.")]) -> None:
    """Write every deal and its history to a portable JSON file (readable by you only).

    Example: dealcoach db backup team-2026-11-25.json
    """
    import json
    import os

    from dealcoach.errors import DealcoachError
    from dealcoach.store import open_store
    from dealcoach.store.backup import dump

    with open_store() as store:
        data = dump(store)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    temporary = file.with_name(file.name + ".tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)  # a crash mid-write never leaves a half backup under the real name
    except OSError as exc:
        raise DealcoachError(f"{file}: cannot write ({exc.strerror})") from None
    typer.echo(f"{file}: {len(data['deals'])} deals, {len(data['history'])} history entries", err=True)


@app.command("restore")
def restore(file: Annotated[Path, typer.Argument(metavar="FILE", help="A file written by `db backup`.")]) -> None:
    """Load a backup into an empty database, keeping ids, versions and history (all or nothing).

    Example: DEALCOACH_DATABASE_URL=postgresql://sales@db.local/dealcoach dealcoach db restore team.json
    """
    import json

    from dealcoach.errors import DealcoachError
    from dealcoach.store import open_store
    from dealcoach.store.backup import restore as load

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DealcoachError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DealcoachError(f"{file}: not a JSON backup ({str(exc).splitlines()[0]})") from None
    with open_store() as store:
        deals, history = load(store, data, str(file))
    typer.echo(f"{file}: restored {deals} deals, {history} history entries", err=True)
