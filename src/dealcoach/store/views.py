"""Read-only views of stored deals: the fields a bulk command reads, typed as the Deal model types
them, validated in Rust alone.

What the store holds was validated when it was written. Reading it back through the Deal model
still calls its Python validators for every value (the forms people type: `80万`, `明天`, `内线`;
control characters in text), about 200 µs a deal: at 100,000 deals most of `followup`'s time.
A view is a model derived from the Deal model, field for field, over only the fields asked for:
the same types and constraints; the validators that read typed input (before, plain, wrap) left
out, and the model validators (checks the stored deal passed when it was written); the field
validators that run after (they normalise: activities in time order, times with an offset) kept;
the properties and plain methods of the model class kept (`Person.met`, `Deal.done_ids()`); other
fields of the document ignored. A view is frozen and `save()` refuses it.

    for deal in store.deal_views({"account": ..., "activities": {"date", "contact"}, "people": {"name", "roles"}}):
        ...
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from functools import lru_cache

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, WrapValidator, create_model,
                      field_validator)

# what a view reads of a model: field name -> all of it (...) or these of its fields (a nested spec)
ViewSpec = Mapping[str, object]
_INPUT_VALIDATORS = (BeforeValidator, PlainValidator, WrapValidator)


class DealView(BaseModel):
    """Base of every view: read-only, other fields of the stored document ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# columns of a deal's row that are no field of the Deal model, which a view may ask for
ROW_TIMES = ("updated_at",)


def deal_view_class(spec: ViewSpec) -> type[DealView]:
    """The view of a Deal with the fields of `spec` (always id, version, owner, name, playbook and
    status: the row's columns), and `updated_at` (when it was last saved) if asked. Made once per spec."""
    from dealcoach.deals.models import Deal

    times = tuple(name for name in ROW_TIMES if name in spec)
    fields = {name: part for name, part in spec.items() if name not in times}
    return _view(Deal, _frozen({**fields, **{name: ... for name in ("id", "version", "owner", "name", "playbook",
                                                                     "status")}}), times)


def _frozen(spec: ViewSpec) -> tuple:
    return tuple(sorted((name, ... if part is ... else _frozen(part if isinstance(part, Mapping) else
                                                                 dict.fromkeys(part, ...)))  # type: ignore[arg-type]
                        for name, part in spec.items()))


@lru_cache(maxsize=None)
def _view(model: type[BaseModel], spec: tuple, times: tuple[str, ...] = ()) -> type[DealView]:
    wanted = dict(spec)
    unknown = sorted(set(wanted) - set(model.model_fields))
    if unknown:
        raise ValueError(f"a view of {model.__name__}: no field {', '.join(unknown)}")
    fields = {}
    for name, info in model.model_fields.items():
        if name not in wanted:
            continue
        nested = wanted[name]
        annotation = _without_input_validators(info.annotation, nested if nested is not ... else None)
        metadata = [m for m in info.metadata if not isinstance(m, _INPUT_VALIDATORS)]
        if metadata:
            annotation = typing.Annotated[(annotation, *metadata)]
        default = Field(default_factory=info.default_factory) if info.default_factory is not None else \
            Field() if info.is_required() else Field(default=info.default)
        fields[name] = (annotation, default)
    fields.update({name: (dt.datetime, Field()) for name in times})
    decorators = model.__pydantic_decorators__
    validators = {}
    for key, decorator in decorators.field_validators.items():
        names = [f for f in decorator.info.fields if f in fields]
        if decorator.info.mode == "after" and names:  # normalising: activities in time order, aware times
            function = getattr(decorator.func, "__func__", decorator.func)  # as the model class binds it
            validators[key] = field_validator(*names, mode="after")(classmethod(function))
    namespace = {key: value for key, value in vars(model).items()
                 if isinstance(value, property) or (isinstance(value, types.FunctionType) and not key.startswith("_")
                                                    and key not in decorators.field_validators
                                                    and key not in decorators.model_validators)}
    view = create_model(f"{model.__name__}View", __base__=DealView, __validators__=validators,  # type: ignore[call-overload]
                        __module__=__name__, **fields)
    for key, value in namespace.items():
        setattr(view, key, value)
    return view


def _without_input_validators(annotation: object, nested: tuple | None) -> object:
    """`annotation` with the models in it replaced by their views and the input validators dropped."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        every = tuple((name, ...) for name in annotation.model_fields)
        return _view(annotation, nested if nested is not None else every)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        kept = [m for m in metadata if not isinstance(m, _INPUT_VALIDATORS)]
        inner = _without_input_validators(base, nested)
        return typing.Annotated[(inner, *kept)] if kept else inner  # type: ignore[return-value]
    if origin is None or origin is typing.Literal:
        return annotation
    args = tuple(_without_input_validators(arg, nested) for arg in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return typing.Union[args]  # type: ignore[return-value]
    return origin[args]  # type: ignore[index]
