"""`--json` output: `json.dumps(data, ensure_ascii=False, indent=2, default=str)`, byte for byte, fast.

With `indent`, Python's json module encodes in pure Python (its C encoder only runs without
indentation): 40% of `followup --json`'s time at 10,000 deals. Here every container whose items are
all scalars (most of a command's output: a follow-up, a row's risk, a rate) goes through the C
encoder at once, its item separator carrying the newline and indentation; only containers holding
containers are walked in Python. A test compares the two on generated data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar, overload

if TYPE_CHECKING:
    from pydantic import BaseModel

Model = TypeVar("Model", bound="BaseModel")

_INDENT = "  "
_CONTAINERS = (dict, list, tuple)
_encode_key = json.encoder.encode_basestring  # type: ignore[attr-defined]


def indented_json(data: object) -> str:
    return "".join(indented_json_chunks(data))


def indented_json_chunks(data: object) -> Iterator[str]:
    """The same text in pieces, for writing a big output without building it whole."""
    yield from _chunks(data, 0)


def _chunks(data: object, level: int) -> Iterator[str]:
    if not isinstance(data, _CONTAINERS):
        yield json.dumps(data, ensure_ascii=False, default=str)
        return
    if not data:
        yield "{}" if isinstance(data, dict) else "[]"
        return
    inner = "\n" + _INDENT * (level + 1)
    close = "\n" + _INDENT * level + ("}" if isinstance(data, dict) else "]")
    values = data.values() if isinstance(data, dict) else data
    if isinstance(data, dict) and not all(type(key) is str for key in data):
        # json's own conversions of number, bool and None keys: rare; let json do this one
        text = json.dumps(data, ensure_ascii=False, indent=len(_INDENT), default=str)
        yield text.replace("\n", "\n" + _INDENT * level)
        return
    if not any(isinstance(value, _CONTAINERS) for value in values):
        flat = json.dumps(data, ensure_ascii=False, default=str, separators=("," + inner, ": "))
        yield flat[0] + inner + flat[1:-1] + close
        return
    if isinstance(data, dict):
        yield "{"
        separator = inner
        for key, value in data.items():
            yield separator + _encode_key(key) + ": "
            yield from _chunks(value, level + 1)
            separator = "," + inner
    else:
        yield "["
        separator = inner
        for value in data:
            yield separator
            yield from _chunks(value, level + 1)
            separator = "," + inner
    yield close


class KeptRows(Sequence[Model], Generic[Model]):
    """Many results of one Pydantic model, in order, each kept compact (`_rows`) and made into its
    model only when read (`_made`): a bulk command keeps 100,000 of them, a table reads 50. Subclasses
    say how a row is kept and made."""

    _rows: list

    def _made(self, kept: object) -> Model:  # pragma: no cover - abstract
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Model: ...

    @overload
    def __getitem__(self, index: slice) -> list[Model]: ...

    def __getitem__(self, index: int | slice) -> Model | list[Model]:
        if isinstance(index, slice):
            return [self._made(kept) for kept in self._rows[index]]
        return self._made(self._rows[index])

    def __iter__(self) -> Iterator[Model]:
        return map(self._made, self._rows)


class EncodedRows(KeptRows[Model]):
    """Rows kept as their JSON (`model_dump_json(indent=2)`): a model of twenty-odd fields holds about
    5 KB in memory, its JSON about 1 KB, so 100,000 rows of a bulk command stay near 100 MB. A row
    read is decoded back into its model (the rows a table shows); `json_rows()` gives the kept text,
    which is what `--json` writes of an item when the model holds no float under 1e-4 (see
    `cli/options.py` `_tiny_float`)."""

    def __init__(self, model: type[Model], rows: Iterable[bytes] = ()) -> None:
        self.model = model
        self._rows = list(rows)

    def _made(self, kept: object) -> Model:
        return self.model.model_validate_json(kept)  # type: ignore[arg-type]

    @staticmethod
    def encoded(item: BaseModel) -> bytes:
        return item.model_dump_json(indent=2).encode()

    def append(self, item: Model) -> None:
        self._rows.append(self.encoded(item))

    def __setitem__(self, index: int, item: Model) -> None:
        self._rows[index] = self.encoded(item)

    def json_rows(self) -> Iterator[bytes]:
        return iter(self._rows)
