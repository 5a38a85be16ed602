"""The cache of validated playbooks: the models written after a full validation, read back without one.

Parsing YAML costs ~50 ms per playbook; reading the validated models back costs a few. An entry is
used only if it is a regular file of bounded size, its checksum matches and it was written by this
version of the models for this exact file (path, mtime, size); anything else is ignored and the YAML
is parsed again.

An entry is the models pickled, because unpickling is the fastest way back to them (~4 ms for the
biggest playbook; JSON and `construct` ~10 ms): validation builds every nested validator on first use
(~60 ms), and neither path validates again. The cache holds only what the YAML already said, no code:
the reader takes no global but the playbook models themselves (`_PlaybookModels.find_class`), so an
entry can at worst make models out of field values, as `construct` does from JSON. Nothing but this
module's `write` makes an entry, behind a checksum, in the private cache folder.

A playbook as a deal's industry has it (`variants.py`) is kept beside its general playbook's entry
(`read_variant`/`write_variant`): making it costs ~25 ms (dump, apply, rebuild).

`construct` rebuilds models from data this program validated (variants, from the dumped general
playbook); anything else goes through `model_validate`. How to convert each field is worked out once
per model class.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import stat
import sys
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dealcoach import __version__, settings
from dealcoach.playbook.models import IndustryWords, Playbook, RoleCatalog

# The biggest bundled playbook caches to ~400 KB; an entry far bigger than any playbook is not ours.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_NONE = type(None)
_FORMAT = b"dealcoach playbook cache 2\n"
Convert = Callable[[Any], Any]


def read(path: Path, stamp: tuple[int, int]) -> Playbook | RoleCatalog | None:
    """The cached models of this playbook file, or None when there is no usable entry."""
    loaded = _read_entry(_entry(path, stamp))
    if not isinstance(loaded, (Playbook, RoleCatalog)):
        return None
    _remember_origin(loaded, path, stamp)
    return loaded


def write(path: Path, stamp: tuple[int, int], loaded: Playbook | RoleCatalog) -> None:
    _remember_origin(loaded, path, stamp)
    _write_entry(_entry(path, stamp), loaded)


# --- a playbook as an industry has it ------------------------------------------------------------
#
# A variant's entry is keyed by its general playbook's file (path, mtime, size) and the variant's
# id; the schema modules (which apply a variant: schema/industries.py) are part of every key.

# id of a loaded playbook -> (that playbook, kept so its id is never reused while here; its file, stamp)
_ORIGINS: dict[int, tuple[BaseModel, Path, tuple[int, int]]] = {}


def _remember_origin(loaded: BaseModel, path: Path, stamp: tuple[int, int]) -> None:
    if len(_ORIGINS) > 64:  # playbook files edited over and over in one long run (tests)
        _ORIGINS.clear()
    _ORIGINS[id(loaded)] = (loaded, path, stamp)


def read_variant(general: Playbook, variant_id: str) -> Playbook | None:
    """The cached playbook made from `general` (as loaded from its file) with this variant applied."""
    entry = _variant_entry(general, variant_id)
    loaded = _read_entry(entry) if entry is not None else None
    return loaded if isinstance(loaded, Playbook) else None


def write_variant(general: Playbook, variant_id: str, made: Playbook) -> None:
    entry = _variant_entry(general, variant_id)
    if entry is None:  # a playbook not loaded from a file (a test's) is not cached
        return
    _write_entry(entry, made)


def write_industries(general: Playbook) -> None:
    """Which variant a deal's industry picks (the words of each, in order), kept beside the general
    playbook's entry so `read_for_industry` reads the industry's playbook without the general one."""
    origin = _ORIGINS.get(id(general))
    if origin is None or origin[0] is not general:
        return
    entry = _entry(origin[1], origin[2], "industries")
    if not entry.exists():
        _write_entry(entry, [(variant.id, IndustryWords.model_construct(match=list(variant.match)))
                             for variant in general.industries])


def read_for_industry(path: Path, stamp: tuple[int, int], industry: str) -> Playbook | None:
    """The cached playbook of this file as a deal of `industry` has it, without reading the general
    playbook: None when no variant matches (the general playbook is the deal's) or nothing is cached."""
    index = _read_entry(_entry(path, stamp, "industries"))
    if not isinstance(index, list):
        return None
    variant_id = next((variant_id for variant_id, words in index if words.matches(industry)), None)
    made = _read_entry(_entry(path, stamp, f"industry={variant_id}")) if variant_id is not None else None
    return made if isinstance(made, Playbook) else None


def _variant_entry(general: Playbook, variant_id: str) -> Path | None:
    origin = _ORIGINS.get(id(general))
    if origin is None or origin[0] is not general:
        return None
    return _entry(origin[1], origin[2], f"industry={variant_id}")


# --- entries -------------------------------------------------------------------------------------


def _read_entry(entry: Path) -> Any:
    try:
        content = _read_regular_file(entry)
        header, checksum, body = content[:len(_FORMAT)], content[len(_FORMAT):len(_FORMAT) + 64], content[len(_FORMAT) + 64:]
        if header != _FORMAT or checksum != _checksum(body).encode():
            return None
        return _PlaybookModels(io.BytesIO(body)).load()
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, IndexError, pickle.UnpicklingError):
        return None


def _write_entry(entry: Path, loaded: Any) -> None:
    from dealcoach.errors import DealcoachError
    from dealcoach.files import write_atomic

    buffer = io.BytesIO()
    _FieldsOnly(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(loaded)
    body = buffer.getvalue()
    try:
        write_atomic(entry, _FORMAT + _checksum(body).encode() + body, private_parents=True)
    except DealcoachError:
        pass  # a cache that cannot be written only costs speed


class _PlaybookModels(pickle.Unpickler):
    """Unpickles the playbook models and plain values, and nothing else: no function, no other class."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("dealcoach.playbook.schema."):
            found = getattr(sys.modules.get(module), name, None)  # only the schema already imported
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a playbook model")


class _FieldsOnly(pickle.Pickler):
    """Pickles a model's fields only: what a `cached_property` computed from them is left out."""

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, BaseModel):
            return NotImplemented
        fields = type(obj).model_fields
        state = {"__dict__": {name: value for name, value in obj.__dict__.items() if name in fields},
                 "__pydantic_extra__": obj.__pydantic_extra__,
                 "__pydantic_fields_set__": obj.__pydantic_fields_set__,
                 "__pydantic_private__": None}
        return copyreg.__newobj__, (type(obj),), state  # written as NEWOBJ: no global but the class


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


def _entry(path: Path, stamp: tuple[int, int], part: str = "") -> Path:
    import hashlib

    from pydantic.version import VERSION as pydantic_version

    # pickled models are read back by the same dealcoach, Pydantic and Python that wrote them
    key = (f"{__version__}|{pydantic_version}|{sys.version_info[:2]}|{_models_stamp()}|{path.resolve()}|"
           f"{stamp[0]}|{stamp[1]}|{part}")
    return settings.cache_dir() / f"playbook-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


@lru_cache(maxsize=1)
def _models_stamp() -> int:
    """Changes whenever a schema module changes, so an entry written by other models is never read."""
    from dealcoach.playbook import schema

    return max(module.stat().st_mtime_ns for module in Path(schema.__file__).parent.glob("*.py"))


def _checksum(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()


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
