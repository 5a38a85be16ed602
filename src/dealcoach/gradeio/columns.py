"""Which column holds which field: the alias table (headers.yaml), `--map`, a mapping file.

No polars here: this is plain data and string matching, tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dealcoach.errors import DealcoachError
from dealcoach.playbook.models import Grading

FIELDS = ("id", "name", "account", "owner", "amount", "currency", "close", "probability", "stage",
          "last_activity", "manual_grade", "manual_reason")
_SPACES = re.compile(r"\s+")


def normalize(header: str) -> str:
    """The key headers are matched on: NFKC, BOM removed, trimmed, case-folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "")
    return _SPACES.sub(" ", text.strip().casefold())


@dataclass(frozen=True)
class ExportKind:
    id: str
    name: str
    headers: tuple[str, ...]


@dataclass(frozen=True)
class AliasTable:
    fields: dict[str, tuple[str, ...]]
    kinds: tuple[ExportKind, ...]


@lru_cache(maxsize=1)
def alias_table() -> AliasTable:
    from dealcoach.yamlfile import parse, read_text  # the one YAML reader (CSafeLoader, bounded)

    path = Path(__file__).with_name("headers.yaml")
    data = parse(read_text(path, DealcoachError), str(path), DealcoachError).data
    fields = {name: tuple(str(h) for h in headers) for name, headers in data["fields"].items()}
    unknown = set(fields) - set(FIELDS)
    if unknown:  # pragma: no cover - a packaging mistake, caught by the tests
        raise DealcoachError(f"{path}: unknown fields {sorted(unknown)}")
    kinds = tuple(ExportKind(k["id"], k["name"], tuple(k["headers"])) for k in data.get("kinds", []))
    return AliasTable(fields, kinds)


@dataclass
class ColumnMap:
    """field -> the file's header for it; factor id -> header; where each came from."""

    fields: dict[str, str] = field(default_factory=dict)
    factors: dict[str, str] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    kind: ExportKind | None = None

    def header(self, name: str) -> str | None:
        return self.fields.get(name)


def load_mapping_file(path: Path, grading: Grading | None) -> dict[str, str]:
    """A YAML or JSON mapping file: `FIELD: COLUMN` lines (optionally under `columns:`)."""
    from dealcoach.yamlfile import parse, read_text

    located = parse(read_text(path, DealcoachError), str(path), DealcoachError)
    data = located.data
    if isinstance(data, dict) and set(data) == {"columns"}:
        data = data["columns"]
    if not isinstance(data, dict):
        raise DealcoachError(f"{path}:1:1: a mapping file is FIELD: COLUMN lines, e.g. `close: 签约时间`")
    known = set(FIELDS) | ({f.id for f in grading.assessment.factors} if grading else set())
    mapping = {}
    for key, value in data.items():
        if str(key) not in known:
            raise DealcoachError(f"{located.where((key,))}: {key!r} is not a field; fields: {', '.join(FIELDS)}")
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise DealcoachError(f"{located.where((key,))}: {key}: the column header must be text")
        mapping[str(key)] = str(value).strip()
    return mapping


def resolve(headers: list[str], explicit: dict[str, str], grading: Grading | None, origin: str) -> ColumnMap:
    """Match the file's headers to fields: explicit mappings first, then the alias table, then factors."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalize(header), header)
    table = alias_table()
    result = ColumnMap()
    taken: set[str] = set()
    factor_ids = [f.id for f in grading.assessment.factors] if grading else []
    for name, wanted in explicit.items():
        header = by_key.get(normalize(wanted))
        if header is None:
            shown = ", ".join(headers[:30]) + (" ..." if len(headers) > 30 else "")
            raise DealcoachError(f"{origin}: no column {wanted!r} for --map {name}={wanted} (columns: {shown})")
        (result.factors if name in factor_ids else result.fields)[name] = header
        result.explicit.add(name)
        taken.add(header)
    for name, aliases in table.fields.items():
        if name in result.fields:
            continue
        for alias in aliases:
            header = by_key.get(normalize(alias))
            if header is not None and header not in taken:
                result.fields[name] = header
                taken.add(header)
                break
    if grading:
        for factor in grading.assessment.factors:
            if factor.id in result.factors:
                continue
            for alias in (factor.id, factor.name.zh, factor.name.en):
                header = by_key.get(normalize(alias))
                if header is not None and header not in taken:
                    result.factors[factor.id] = header
                    taken.add(header)
                    break
    keys = set(by_key)
    result.kind = next((k for k in table.kinds if all(normalize(h) in keys for h in k.headers)), None)
    if "name" not in result.fields and "account" not in result.fields:
        expected = ", ".join([*table.fields["name"][:3], *table.fields["account"][:4], "客户名称"])
        raise DealcoachError(f"{origin}: no name column (expected one of {expected}, ...); "
                             f"map one with --map name=COLUMN")
    return result
