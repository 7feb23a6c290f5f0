"""A unit of work's repository attribute, made from its connection on first use: a request
touches two or three of the sixteen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar, overload

from sqlalchemy.engine import Connection

R = TypeVar("R")


class HasConnection(Protocol):
    __dict__: dict[str, Any]

    @property
    def connection(self) -> Connection: ...


class MadeOnFirstUse(Generic[R]):
    """A repository attribute of the unit of work, made from its connection on first use and
    then kept in the instance (a non-data descriptor: the instance's own attribute wins)."""

    def __init__(self, make: Callable[[Connection], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> MadeOnFirstUse[R]: ...

    @overload
    def __get__(self, uow: HasConnection, owner: type) -> R: ...

    def __get__(self, uow: HasConnection | None, owner: type) -> R | MadeOnFirstUse[R]:
        if uow is None:
            return self
        repository = self._make(uow.connection)
        uow.__dict__[self._name] = repository
        return repository
