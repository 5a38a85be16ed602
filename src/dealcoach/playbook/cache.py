"""The cache of validated playbooks: JSON written after a full validation, read back without one.

Parsing YAML costs ~50 ms per playbook; rebuilding the models from a cached JSON of the validated
file costs a few. The cache holds only what the YAML already said (no code). An entry is used only
if it is a regular file of bounded size, its checksum matches and it was written by this version of
the models for this exact file (path, mtime, size); anything else is ignored and the YAML is parsed
again.

Validation builds every nested validator on first use (~60 ms for a playbook); `construct` rebuilds
the models from already-validated JSON and skips that. Only ever use it on data this program itself
wrote after a full validation, behind a checksum; anything else goes through `model_validate`. How to
convert each field is worked out once per model class.
"""

from __future__ import annotations

import json
import os
import stat
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dealcoach import __version__, settings
from dealcoach.playbook.models import Playbook, RoleCatalog

# The biggest bundled playbook caches to ~200 KB; an entry far bigger than any playbook is not ours.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_NONE = type(None)
Convert = Callable[[Any], Any]


def read(path: Path, stamp: tuple[int, int]) -> Playbook | RoleCatalog | None:
    """The cached models of this playbook file, or None when there is no usable entry."""
    try:
        wrapper = json.loads(_read_regular_file(_entry(path, stamp)))
        body = wrapper["body"]
        if not isinstance(body, str) or wrapper.get("sha256") != _checksum(body):
            return None
        model = {"catalog": RoleCatalog, "playbook": Playbook}[wrapper["kind"]]
        return construct(model, json.loads(body))  # type: ignore[return-value]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(path: Path, stamp: tuple[int, int], loaded: Playbook | RoleCatalog) -> None:
    from dealcoach.errors import DealcoachError
    from dealcoach.files import write_atomic

    body = loaded.model_dump_json(by_alias=True)
    wrapper = json.dumps({"kind": "catalog" if isinstance(loaded, RoleCatalog) else "playbook",
                          "sha256": _checksum(body), "body": body}, ensure_ascii=False)
    try:
        write_atomic(_entry(path, stamp), wrapper, private_parents=True)
    except DealcoachError:
        pass  # a cache that cannot be written only costs speed


# --- what passed the cross-reference checks ---------------------------------------------------
#
# The checks (checks.py) read a playbook and the role catalog, nothing else. Once a playbook file
# passed them against a catalog file, that is recorded here, keyed by both files (path, mtime,
# size), this version, the models and checks.py itself; a later run with the same files skips the
# checks and never imports checks.py (~15-25 ms of every command that loads a playbook). Changing
# either file, the code, or deleting the cache makes the next run check again.


def checked(files: tuple[tuple[Path, tuple[int, int]], ...]) -> bool:
    """Whether these files, exactly as they are, passed the checks before."""
    key = _checked_key(files)
    try:
        return _read_regular_file(_checked_entry(key)) == key.encode()
    except OSError:
        return False


def mark_checked(files: tuple[tuple[Path, tuple[int, int]], ...]) -> None:
    from dealcoach.errors import DealcoachError
    from dealcoach.files import write_atomic

    key = _checked_key(files)
    try:
        write_atomic(_checked_entry(key), key, private_parents=True)
    except DealcoachError:
        pass  # not recorded: the next run checks again


def _checked_key(files: tuple[tuple[Path, tuple[int, int]], ...]) -> str:
    checks = Path(__file__).with_name("checks.py")
    try:
        checks_stamp = checks.stat().st_mtime_ns
    except OSError:
        checks_stamp = 0
    parts = [f"{path.resolve()}|{stamp[0]}|{stamp[1]}" for path, stamp in files]
    return f"checked|{__version__}|{_models_stamp()}|{checks_stamp}|" + "|".join(parts)


def _checked_entry(key: str) -> Path:
    import hashlib

    return settings.cache_dir() / f"checked-{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file no bigger than MAX_ENTRY_BYTES; OSError for anything else.

    Opened without following a symlink and without blocking, so a FIFO or a link to /dev/zero put at
    an entry's name neither hangs the command nor fills memory: it is simply not a cache entry.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            raise OSError(f"{path}: not a regular file of at most {MAX_ENTRY_BYTES} bytes")
        chunks = []
        left = MAX_ENTRY_BYTES + 1
        while left > 0:
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise OSError(f"{path}: grew past {MAX_ENTRY_BYTES} bytes while being read")
        return b"".join(chunks)
    finally:
        os.close(handle)


def _entry(path: Path, stamp: tuple[int, int]) -> Path:
    import hashlib

    key = f"{__version__}|{_models_stamp()}|{path.resolve()}|{stamp[0]}|{stamp[1]}"
    return settings.cache_dir() / f"playbook-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


@lru_cache(maxsize=1)
def _models_stamp() -> int:
    """Changes whenever a schema module changes, so an entry written by other models is never read."""
    from dealcoach.playbook import schema

    return max(module.stat().st_mtime_ns for module in Path(schema.__file__).parent.glob("*.py"))


def _checksum(body: str) -> str:
    import hashlib

    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- rebuilding models from validated data -------------------------------------------------------


def construct(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    values = {}
    for name, key, convert in _plan(model):
        if key in data:
            values[name] = convert(data[key])
        elif name in data:
            values[name] = convert(data[name])
    return model.model_construct(**values)


@lru_cache(maxsize=None)
def _plan(model: type[BaseModel]) -> tuple[tuple[str, str, Convert], ...]:
    return tuple((name, field.alias or name, _converter(field.annotation)) for name, field in model.model_fields.items())


def _same(value: Any) -> Any:
    return value


def _converter(annotation: Any) -> Convert:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not _NONE]
        model = next((a for a in options if isinstance(a, type) and issubclass(a, BaseModel)), None)
        listed = next((a for a in options if typing.get_origin(a) is list), None)
        as_model = _converter(model) if model is not None else None
        as_list = _converter(listed) if listed is not None else None

        def union(value: Any) -> Any:
            if as_model is not None and isinstance(value, dict):
                return as_model(value)
            if as_list is not None and isinstance(value, list):
                return as_list(value)
            return value

        return union
    if origin is list:
        (item,) = typing.get_args(annotation)
        convert_item = _converter(item)
        if convert_item is _same:
            return list
        return lambda value: [convert_item(v) for v in value]
    if origin is dict:
        _, item = typing.get_args(annotation)
        convert_item = _converter(item)
        if convert_item is _same:
            return dict
        return lambda value: {k: convert_item(v) for k, v in value.items()}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: construct(annotation, value) if isinstance(value, dict) else value
    return _same
