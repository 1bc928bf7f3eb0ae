"""``@record``: small frozen value classes without ``dataclasses``' per-class code generation.

``@dataclass(frozen=True)`` writes and compiles the source of ``__init__``, ``__eq__``, ``__hash__``,
``__repr__``, ``__setattr__`` and ``__delattr__`` for every class: about 1 ms each, and a generated SDK
imports dozens of the runtime's value classes (filters, builders, connection markers). ``record`` gives
the same behaviour from shared functions, and type checkers read it as a dataclass
(``dataclass_transform``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any, TypeVar

from typing_extensions import dataclass_transform

__all__ = ["record"]

_R = TypeVar("_R")


@dataclass_transform(frozen_default=True, eq_default=True)
def record(cls: type[_R]) -> type[_R]:
    """A frozen, comparable, hashable value class from the annotated fields: what ``@dataclass(frozen=True)``
    gives these classes, without generating and compiling code for each (an SDK imports them all: about
    1 ms each). A class's own ``__init__`` wins; ``__post_init__`` runs after the fields are set.
    """
    names: list[str] = []
    defaults: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        for name, annotation in klass.__dict__.get("__annotations__", {}).items():
            if str(annotation).startswith("ClassVar") or name.startswith("__"):
                continue
            if name not in names:
                names.append(name)
            if name in klass.__dict__:
                defaults[name] = klass.__dict__[name]
    fields = tuple(names)
    added: dict[str, object] = {"_fields": fields, "__match_args__": fields}
    if "__init__" not in cls.__dict__:
        added["__init__"] = _record_init(cls.__name__, fields, defaults)
    added.update((name, method) for name, method in _RECORD_METHODS.items() if name not in cls.__dict__)
    for name, value in added.items():
        setattr(cls, name, value)
    return cls


def _record_init(owner: str, fields: tuple[str, ...], defaults: dict[str, object]) -> Callable[..., None]:
    def __init__(self: Any, *args: object, **kwargs: object) -> None:
        if len(args) > len(fields):
            raise TypeError(f"{owner}() takes {len(fields)} arguments, got {len(args)}")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{owner}() got multiple values for argument {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in defaults:
                    raise TypeError(f"{owner}() missing required argument: {name!r}")
                values[name] = defaults[name]
            object.__setattr__(self, name, values[name])
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    return __init__


def _record_values(self: Any) -> tuple[object, ...]:
    return tuple(getattr(self, name) for name in self._fields)


def _record_eq(self: Any, other: object) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(_record_values(self) == _record_values(other))


def _record_hash(self: Any) -> int:
    return hash((self.__class__, _record_values(self)))


def _record_repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
    return f"{self.__class__.__qualname__}({shown})"


def _record_frozen(self: Any, name: str, value: object = None) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


_RECORD_METHODS: dict[str, Callable[..., Any]] = {
    "__eq__": _record_eq,
    "__hash__": _record_hash,
    "__repr__": _record_repr,
    "__setattr__": _record_frozen,
    "__delattr__": _record_frozen,
}
