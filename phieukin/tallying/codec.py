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


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """Return the field names of the dataclass *cls* (None for any other type)."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


_EXACT_SCALARS = frozenset((int, float, str, bool, type(None)))


def to_json(value: Any) -> Any:
    """Return *value* (an engine result) as JSON-ready lists, dicts and scalars."""
    cls: Any = type(value)  # a class is hashable; the cache's signature does not say so
    if cls in _EXACT_SCALARS:  # most values: answered without any further test
        return value
    names = _field_names(cls)
    if names is not None:
        return {name: to_json(getattr(value, name)) for name in names}
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
    hint: Any = cls  # a class is hashable; the cache's signature does not say so for type[T]
    return typing.cast(T, _decoder(hint)(data))


def _identity(data: Any) -> Any:
    return data


def _none(data: Any) -> None:
    return None


def _float(data: Any) -> float | None:
    return None if data is None else float(data)


@cache
def _decoder(hint: Any) -> typing.Callable[[Any], Any]:
    """Return a function decoding JSON data as *hint*, built once per type.

    A national round's snapshot has hundreds of thousands of nodes; reading the type
    hints once per type instead of once per node makes decoding it several times faster.
    """
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        decode_inner = _decoder(inner)
        return lambda data: None if data is None else decode_inner(data)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            decode_item = _decoder(args[0])
            return lambda data: tuple([decode_item(v) for v in data])
        raise TypeError(f"unsupported tuple type {hint}")
    if origin in (Mapping, dict, typing.Mapping):
        key_type, value_type = get_args(hint)
        decode_key, decode_value = _decoder(key_type), _decoder(value_type)
        return lambda data: {decode_key(k): decode_value(v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(hint))
        build = hint
        return lambda data: build(**{name: decode(data[name]) for name, decode in fields})
    if hint is float:
        return _float
    if hint in _SCALARS:
        return _identity
    if hint is type(None):
        return _none
    raise TypeError(f"unsupported type {hint!r} in a tally snapshot")
