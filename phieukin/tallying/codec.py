"""Turn the tally engine's result dataclasses into JSON and back, exactly.

Pure: used to store tally snapshots. Only the shapes the engine's results use are
supported — frozen dataclasses of ``int``, ``float``, ``str``, ``bool``, ``None``,
``tuple[X, ...]``, ``X | None`` and ``Mapping[str, int]``; anything else raises
``TypeError`` so an engine change cannot be stored half-understood.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

T = TypeVar("T")
_SCALARS = (int, float, str, bool)


def to_json(value: Any) -> Any:
    """Return *value* (an engine result) as JSON-ready lists, dicts and scalars."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a tally snapshot")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild an instance of the dataclass *cls* from :func:`to_json`'s output."""
    return typing.cast(T, _build(cls, data))


def _build(hint: Any, data: Any) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return _build(inner, data)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        raise TypeError(f"unsupported tuple type {hint}")
    if origin in (Mapping, dict, typing.Mapping):
        key_type, value_type = get_args(hint)
        return {_build(key_type, k): _build(value_type, v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(
            **{f.name: _build(hints[f.name], data[f.name]) for f in dataclasses.fields(hint)}
        )
    if hint is float:
        return None if data is None else float(data)
    if hint in _SCALARS:
        return data
    if hint is type(None):
        return None
    raise TypeError(f"unsupported type {hint!r} in a tally snapshot")
