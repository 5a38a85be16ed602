"""Rebuild Pydantic models from data that was validated when it was written (the playbook cache).

Validation builds every nested validator on first use (~60 ms for a playbook); constructing from
already-validated JSON skips that. Only ever use this on data this program itself wrote after a
full validation, behind a checksum (see playbook/loader.py); anything else goes through
`model_validate`. How to convert each field is worked out once per model class.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

_NONE = type(None)
Convert = Callable[[Any], Any]


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
