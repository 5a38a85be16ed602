"""Every file dealcoach writes goes through here: atomic, private, never through a planted symlink.

A file is written to a temporary file created exclusively (O_EXCL | O_NOFOLLOW, a random name) in
the target's own folder, mode 0600 whatever the umask, flushed to disk, then renamed over the
target. A crash mid-write leaves the old file (or none), never half a file; a `FILE.tmp` symlink
planted next to the target is never opened; the rename replaces a symlink at the target instead of
writing through it. Deal exports, backups, call scripts, calendars and grade files carry notes and
phone numbers: nobody else on the machine may read them.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dealcoach.errors import DealcoachError

PRIVATE_FILE = 0o600
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def write_atomic(path: Path | str, data: bytes | str, *, private_parents: bool = False) -> Path:
    """Write `data` (str: UTF-8) to `path` atomically, readable by its owner only.

    `private_parents`: create missing folders 0700 (dealcoach's own files under DEALCOACH_HOME);
    a user's `-o FILE` goes into a folder that must exist. Raises one DealcoachError naming the file."""
    with atomic_writer(path, private_parents=private_parents) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


@contextmanager
def atomic_writer(path: Path | str, *, private_parents: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write into; it replaces `path` only if the block finishes without error.

    For writers that want a file object (zipfile, or bytes made piece by piece): the bytes go to the
    private temporary file, and nothing is left behind when the block fails."""
    with atomic_path(path, private_parents=private_parents) as temporary:
        with open(os.open(temporary, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)), "wb") as out:
            yield out


@contextmanager
def atomic_path(path: Path | str, *, private_parents: bool = False) -> Iterator[Path]:
    """A temporary path (already created, empty, 0600) that replaces `path` if the block succeeds.

    For writers that insist on a file name and write faster with one (polars' CSV writer)."""
    target = Path(path)
    if private_parents:
        from dealcoach.settings import private_dir

        private_dir(target.parent)
    temporary, descriptor = _create_temporary(target)
    os.close(descriptor)
    try:
        yield temporary
        descriptor = os.open(temporary, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise
    _sync_folder(target.parent)


def _create_temporary(target: Path) -> tuple[Path, int]:
    folder = target.parent
    for _ in range(100):
        temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            descriptor = os.open(temporary, _FLAGS, PRIVATE_FILE)
        except FileExistsError:
            continue  # someone's file (or symlink) of that name: never touch it, pick another
        except OSError as exc:
            raise cannot_write(target, exc) from None
        os.fchmod(descriptor, PRIVATE_FILE)  # exactly 0600, whatever the umask
        return temporary, descriptor
    raise DealcoachError(f"{target}: cannot write (no free temporary name in {folder})")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut after the command ends keeps the new file)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the data itself is already on disk
    finally:
        os.close(descriptor)


def cannot_write(path: Path, exc: OSError) -> DealcoachError:
    """The one message for a failed write; a full disk says what to do about it."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DealcoachError(f"{path}: the disk is full: free some space and run the command again; "
                              "nothing was written")
    return DealcoachError(f"{path}: cannot write ({exc.strerror or exc})")
