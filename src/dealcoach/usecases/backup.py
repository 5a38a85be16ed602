"""Backing up the whole store to a portable JSON file, and restoring one into an empty store.

What goes into the file and how it is loaded back (ids, versions, history, all or nothing) is
store/backup.py; this is the file around it: written atomically and private, read bounded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dealcoach.errors import DealcoachError
from dealcoach.store import DealStore


@dataclass(frozen=True)
class BackupCounts:
    deals: int
    history: int


def backup_to_file(store: DealStore, path: Path) -> BackupCounts:
    """Every deal and its history to `path` (mode 0600; a crash mid-write never leaves half a backup
    under the real name)."""
    from dealcoach.files import write_atomic
    from dealcoach.store.backup import dump

    data = dump(store)
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
    return BackupCounts(deals=len(data["deals"]), history=len(data["history"]))


def read_backup(path: Path) -> object:
    """The data of a backup file, read bounded (depth, number size, lone surrogates), before any store
    is opened: a missing or broken file is reported as itself."""
    from dealcoach.jsonfile import parse_json

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DealcoachError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DealcoachError(f"{path}: not a JSON backup ({str(exc).splitlines()[0]})") from None
    return parse_json(text, str(path), DealcoachError)


def restore_backup(store: DealStore, data: object, path: Path) -> BackupCounts:
    """Load what `read_backup` read into an empty store, all or nothing."""
    from dealcoach.store.backup import restore

    deals, history = restore(store, data, str(path))
    return BackupCounts(deals=deals, history=history)
