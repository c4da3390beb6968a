"""A restricted, tagged JSON codec for the stream state.

The state is saved as JSON (orjson), never pickle: a state file is data, and loading it must not
be able to run code. Objects are rebuilt only for the classes registered here (by name, from an
allowlist), sets, tuples, datetimes, defaultdicts and dicts with non-string keys are tagged.
Attributes registered as ``skip`` (derived caches) are not saved; ``restore`` rebuilds them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from lambdawatch.errors import StateError


@dataclass(frozen=True)
class _Kind:
    cls: type
    skip: tuple[str, ...]
    restore: Callable[[Any], None] | None


_CLASSES: dict[str, _Kind] = {}
_FACTORIES: dict[str, Callable[[], Any]] = {"dict": dict, "list": list, "set": set}


def register(
    cls: type, *, skip: tuple[str, ...] = (), restore: Callable[[Any], None] | None = None
) -> None:
    """Allow ``cls`` in a snapshot: its instances are saved by attribute, but ``skip``."""
    _CLASSES[cls.__qualname__] = _Kind(cls, skip, restore)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _attrs(obj: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(obj)) if is_dataclass(obj) else ()
        _FIELDS[cls] = names
    values = {n: getattr(obj, n) for n in names} if names else dict(vars(obj))
    return {k: v for k, v in values.items() if k not in skip}


_PLAIN = (str, int, float, bool, type(None))


def _encode_dict(value: dict[Any, Any]) -> Any:
    out: dict[str, Any] = {}
    for k, v in value.items():
        if type(k) is not str or k[:1] == "$":
            return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
        out[k] = v if type(v) in _PLAIN else encode(v)
    return out


def _encode_object(value: Any) -> Any:
    name = type(value).__qualname__
    kind = _CLASSES.get(name)
    if kind is None or kind.cls is not type(value):
        raise StateError(f"cannot save an object of type {name} in the stream state")
    return {"$o": name, "$a": {k: encode(v) for k, v in _attrs(value, kind.skip).items()}}


def _encode_set(value: Any) -> Any:
    items = [encode(v) for v in value]
    items.sort(key=lambda v: orjson.dumps(v, option=orjson.OPT_SORT_KEYS))
    return {"$s": items}


def _encode_defaultdict(value: Any) -> Any:
    factory = getattr(value.default_factory, "__name__", "")
    if factory not in _FACTORIES:
        raise StateError(f"cannot save a defaultdict of {factory or '?'}")
    return {"$dd": factory, "$i": [[encode(k), encode(v)] for k, v in value.items()]}


_ENCODERS: dict[type, Any] = {
    list: lambda v: [x if type(x) in _PLAIN else encode(x) for x in v],
    tuple: lambda v: {"$t": [encode(x) for x in v]},
    set: _encode_set,
    frozenset: _encode_set,
    datetime: lambda v: {"$d": v.timestamp()},
    defaultdict: _encode_defaultdict,
    dict: _encode_dict,
}


def encode(value: Any) -> Any:
    """The JSON form of ``value`` (a type dispatch: the state holds a million small values)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    encoder = _ENCODERS.get(kind)
    if encoder is not None:
        return encoder(value)
    return _encode_object(value)


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(decode(v) for v in value["$t"])
    if "$s" in value:
        return {decode(v) for v in value["$s"]}
    if "$d" in value:
        return datetime.fromtimestamp(value["$d"], UTC)
    if "$dd" in value:
        factory = _FACTORIES.get(value["$dd"])
        if factory is None:
            raise StateError(f"unknown defaultdict factory {value['$dd']!r} in the state")
        out: defaultdict[Any, Any] = defaultdict(factory)
        for k, v in value["$i"]:
            out[decode(k)] = decode(v)
        return out
    if "$m" in value:
        return {decode(k): decode(v) for k, v in value["$m"]}
    if "$o" in value:
        kind = _CLASSES.get(value["$o"])
        if kind is None:
            raise StateError(f"unknown object type {value['$o']!r} in the state")
        cls: Any = kind.cls
        obj = cls.__new__(cls)
        for k, v in value["$a"].items():
            object.__setattr__(obj, k, decode(v))
        if kind.restore is not None:
            kind.restore(obj)
        return obj
    return {k: decode(v) for k, v in value.items()}


def dumps(value: Any) -> bytes:
    return orjson.dumps(encode(value))


def loads(data: bytes) -> Any:
    try:
        return decode(orjson.loads(data))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise StateError(f"the saved stream state is damaged ({exc})") from None
