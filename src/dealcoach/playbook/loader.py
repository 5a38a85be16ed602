"""The one loader of playbooks: find, read, validate, cross-check.

Reading goes through the cache of validated playbooks (`cache.py`); the cross-reference checks are
in `checks.py`.

Bundled playbooks ship inside the wheel (hatch force-include -> dealcoach/_bundled/playbooks); a
user's `$DEALCOACH_HOME/playbooks/ID.yaml` overrides the bundled playbook of the same id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from dealcoach import settings
from dealcoach.errors import NotFoundError, PlaybookError
from dealcoach.playbook import cache
from dealcoach.playbook.checks import check_catalog, check_playbook
from dealcoach.playbook.models import Playbook, RoleCatalog

if TYPE_CHECKING:
    from dealcoach.yamlfile import LocatedData

CATALOG_ID = "roles"


def bundled_dir() -> Path:
    """Where the bundled playbooks are: inside the installed package, else the source checkout."""
    packaged = Path(str(resources.files("dealcoach"))) / "_bundled" / "playbooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "playbooks"


@dataclass(frozen=True)
class PlaybookSource:
    id: str
    path: Path
    origin: str  # "bundled" or "user"
    overrides_bundled: bool = False


def sources() -> dict[str, PlaybookSource]:
    """Every playbook file by id: bundled ones, then user ones on top."""
    found: dict[str, PlaybookSource] = {}
    for path in sorted(bundled_dir().glob("*.yaml")):
        found[path.stem] = PlaybookSource(path.stem, path, "bundled")
    user_dir = settings.user_playbook_dir()
    if user_dir.is_dir():
        for path in sorted(user_dir.glob("*.yaml")):
            found[path.stem] = PlaybookSource(path.stem, path, "user", path.stem in found)
    return found


def playbook_ids() -> list[str]:
    return [key for key in sources() if key != CATALOG_ID]


@lru_cache(maxsize=16)
def _load_file(path: Path, stamp: tuple[int, int]) -> Playbook | RoleCatalog:
    cached = cache.read(path, stamp)
    if cached is not None:
        return cached
    loaded = _parse_file(path)
    cache.write(path, stamp, loaded)
    return loaded


def _parse_file(path: Path) -> Playbook | RoleCatalog:
    from dealcoach.yamlfile import validation_messages

    located = _located(path)
    if not isinstance(located.data, dict):
        raise PlaybookError(f"{path}:1:1: a playbook must be a mapping of keys, not {_kind(located.data)}")
    model = RoleCatalog if located.data.get("id") == CATALOG_ID or path.stem == CATALOG_ID else Playbook
    try:
        loaded = model.model_validate(located.data)
    except ValidationError as exc:
        lines = validation_messages(exc, located)
        raise PlaybookError(_summary(path, lines), details=lines) from None
    return loaded


def _located(path: Path) -> LocatedData:
    from dealcoach.yamlfile import parse, read_text  # libyaml: only when a file must be parsed

    return parse(read_text(path, PlaybookError), str(path), PlaybookError)


def _summary(path: Path, lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0]
    return f"{path}: {len(lines)} errors"


def _kind(data: object) -> str:
    return {list: "a list", str: "a string"}.get(type(data), type(data).__name__)


def load_file(path: Path) -> Playbook | RoleCatalog:
    try:
        info = path.stat()
    except OSError:
        return _parse_file(path)  # reports the missing file
    return _load_file(path, (info.st_mtime_ns, info.st_size))


def load_catalog() -> RoleCatalog:
    source = sources().get(CATALOG_ID)
    if source is None:
        raise NotFoundError(f"the role catalog {CATALOG_ID}.yaml is missing from {bundled_dir()}")
    catalog = load_file(source.path)
    if not isinstance(catalog, RoleCatalog):
        raise PlaybookError(f"{source.path}: is not a role catalog")
    problems = check_catalog(catalog)
    if problems:
        raise PlaybookError(_summary(source.path, problems), details=[f"{source.path}: {p}" for p in problems])
    return catalog


def load_playbook(playbook_id: str) -> Playbook:
    """The playbook of this id, validated and cross-checked against the role catalog."""
    source = sources().get(playbook_id)
    if source is None or playbook_id == CATALOG_ID:
        known = ", ".join(playbook_ids()) or "none"
        raise NotFoundError(f"no playbook {playbook_id!r} (known: {known})")
    return _checked_playbook(source.path)


def _checked_playbook(path: Path) -> Playbook:
    playbook = load_file(path)
    if not isinstance(playbook, Playbook):
        raise PlaybookError(f"{path}: is a role catalog, not a playbook")
    problems = check_playbook(playbook, load_catalog())
    if problems:
        located = _located(path)
        lines = [f"{located.where(loc)}: {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems]
        raise PlaybookError(_summary(path, lines), details=lines)
    return playbook


def validate_paths(paths: list[Path]) -> list[tuple[Path, list[str]]]:
    """Validate each file fully; return (path, error lines) for every file, [] when it is valid."""
    results = []
    for path in paths:
        try:
            loaded = load_file(path)
            if isinstance(loaded, RoleCatalog):
                problems = check_catalog(loaded)
                if problems:
                    raise PlaybookError(_summary(path, problems), details=[f"{path}: {p}" for p in problems])
            else:
                _checked_playbook(path)
        except PlaybookError as exc:
            results.append((path, exc.details or [exc.message]))
        else:
            results.append((path, []))
    return results
