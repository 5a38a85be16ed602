"""Rebuild Pydantic models from data that was validated when it was written (the playbook cache).

Validation builds every nested validator on first use (~60 ms for a playbook); constructing from
already-validated JSON skips that. Only ever use this on data this program itself wrote after a
full validation; anything else goes through `model_validate`.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

_NONE = type(None)


def construct(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    values = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            values[name] = _value(field.annotation, data[key])
        elif name in data:
            values[name] = _value(field.annotation, data[name])
    return model.model_construct(**values)


def _value(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _value(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not _NONE]
        models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
        if models and isinstance(value, dict):
            return construct(models[0], value)
        lists = [a for a in options if typing.get_origin(a) is list]
        if lists and isinstance(value, list):
            return _value(lists[0], value)
        return value
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_value(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(annotation)
        return {k: _value(item, v) for k, v in value.items()}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        return construct(annotation, value)
    return value
