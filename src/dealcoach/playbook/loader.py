"""The one loader of playbooks: find, read, validate, cross-check.

Reading goes through the cache of validated playbooks (`cache.py`); the cross-reference checks are
in `checks.py`.

Bundled playbooks ship inside the wheel (hatch force-include -> dealcoach/_bundled/playbooks); a
user's `$DEALCOACH_HOME/playbooks/ID.yaml` overrides the bundled playbook of the same id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from dealcoach import settings
from dealcoach.errors import NotFoundError, PlaybookError
from dealcoach.playbook import cache
from dealcoach.playbook.models import Playbook, RoleCatalog

if TYPE_CHECKING:
    from dealcoach.yamlfile import LocatedData

CATALOG_ID = "roles"


def bundled_dir() -> Path:
    """Where the bundled playbooks are: inside the installed package, else the source checkout."""
    # the package's own folder (what importlib.resources.files gives for an installed package,
    # without importing zipfile and the resource readers on every run)
    packaged = Path(__file__).resolve().parents[1] / "_bundled" / "playbooks"
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
        return str(lines[0])
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
    files = _stamped(source.path)
    catalog = load_file(source.path) if files is None else _load_file(*files[0])
    if not isinstance(catalog, RoleCatalog):
        raise PlaybookError(f"{source.path}: is not a role catalog")
    if not _passed_before(files):
        from dealcoach.playbook.checks import check_catalog

        problems = check_catalog(catalog)
        if problems:
            raise PlaybookError(_summary(source.path, problems), details=[f"{source.path}: {p}" for p in problems])
        _record_passed(files)
    return catalog


def load_playbook(playbook_id: str, industry: str | None = None) -> Playbook:
    """The playbook of this id, validated and cross-checked against the role catalog; given a deal's
    industry, as a deal of that industry has it (`variants.for_industry`): read straight from the
    cache when these files passed the checks before and that industry's playbook was made from them
    (the general playbook is then not read at all, ~5 ms of `stage`)."""
    source = sources().get(playbook_id)
    if source is None or playbook_id == CATALOG_ID:
        known = ", ".join(playbook_ids()) or "none"
        raise NotFoundError(f"no playbook {playbook_id!r} (known: {known})")
    if not industry:
        return _checked_playbook(source.path)
    made = _cached_for_industry(source.path, industry)
    if made is not None:
        return made
    from dealcoach.playbook.variants import for_industry

    general = _checked_playbook(source.path)
    cache.write_industries(general)  # the next run reads the industry's playbook alone
    return for_industry(general, industry)


def _cached_for_industry(path: Path, industry: str) -> Playbook | None:
    load_catalog()  # checked as for every playbook
    catalog_source = sources().get(CATALOG_ID)
    both = _stamped(path, catalog_source.path) if catalog_source is not None else None
    if both is None or not _passed_before(both):
        return None
    return cache.read_for_industry(path, both[0][1], industry)


def _checked_playbook(path: Path, always: bool = False) -> Playbook:
    """The playbook of this file, cross-checked (unless these exact files passed before, and not
    `always`: `playbook validate` always checks)."""
    files = _stamped(path)
    playbook = load_file(path) if files is None else _load_file(*files[0])
    if not isinstance(playbook, Playbook):
        raise PlaybookError(f"{path}: is a role catalog, not a playbook")
    catalog = load_catalog()
    catalog_source = sources().get(CATALOG_ID)
    both = _stamped(path, catalog_source.path) if catalog_source is not None else None
    if not always and _passed_before(both):
        return playbook
    from dealcoach.playbook.checks import check_playbook

    problems = check_playbook(playbook, catalog)
    if problems:
        located = _located(path)
        lines = [f"{located.where(loc)}: {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems]
        raise PlaybookError(_summary(path, lines), details=lines)
    _record_passed(both)
    return playbook


# files (path, stamp) that passed the checks: in this process, and across runs in the cache
_PASSED: set[tuple] = set()


def _stamped(*paths: Path) -> tuple[tuple[Path, tuple[int, int]], ...] | None:
    try:
        return tuple((path, (info.st_mtime_ns, info.st_size)) for path in paths for info in [path.stat()])
    except OSError:
        return None


def _passed_before(files) -> bool:
    if files is None:
        return False
    if files in _PASSED:
        return True
    if cache.checked(files):
        _PASSED.add(files)
        return True
    return False


def _record_passed(files) -> None:
    if files is not None:
        _PASSED.add(files)
        cache.mark_checked(files)


def validate_paths(paths: list[Path]) -> list[tuple[Path, list[str]]]:
    """Validate each file fully; return (path, error lines) for every file, [] when it is valid."""
    results = []
    for path in paths:
        try:
            loaded = load_file(path)
            if isinstance(loaded, RoleCatalog):
                from dealcoach.playbook.checks import check_catalog

                problems = check_catalog(loaded)
                if problems:
                    raise PlaybookError(_summary(path, problems), details=[f"{path}: {p}" for p in problems])
            else:
                _checked_playbook(path, always=True)
        except PlaybookError as exc:
            results.append((path, exc.details or [exc.message]))
        else:
            results.append((path, []))
    return results
