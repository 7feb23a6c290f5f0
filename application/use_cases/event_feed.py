"""The event feeds: a customer's own events, and every event for the bank's staff, each a page at
a time after a position, so a client catches up without webhooks (domain/events.py)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from domain.errors import ValidationError
from domain.events import EVENT_TYPES, DomainEvent, actions_of, announce

MAX_PAGE = 100
# Records an announced action wrote but whose outcome says it did not happen (a refused
# dispute refund) are read and skipped: a page reads at most this many batches, then answers
# what it has and where it stopped, so one call's work stays bounded.
MAX_BATCHES = 5


@attrs.frozen
class EventPage:
    """`items` oldest first; `position`: the sequence to continue after, now or later (None:
    nothing was ever read); `more`: whether events past the page exist already."""

    items: list[DomainEvent]
    position: int | None
    more: bool


class ReadEvents:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def mine(self, customer_id: UUID, *, after: int | None, limit: int = 20,
             types: Collection[str] | None = None) -> EventPage:
        """The customer's own events: those the bank recorded about them."""
        return self._page(_checked(limit), after, _known(types), customer_id)

    def everyone(self, *, after: int | None, limit: int = 20,
                 types: Collection[str] | None = None) -> EventPage:
        """Every customer's events (staff), of `types` when given."""
        return self._page(_checked(limit), after, _known(types), None)

    def _page(self, limit: int, after: int | None, types: frozenset[str] | None,
              customer_id: UUID | None) -> EventPage:
        actions = actions_of(types)
        found: list[DomainEvent] = []
        position = after
        with self._uow_factory() as uow:  # one snapshot for every batch
            for _ in range(MAX_BATCHES):
                wanted = limit - len(found)
                records = uow.audit.announced(actions, after=position, limit=wanted,
                                              customer_id=customer_id)
                for record in records:
                    event = announce(record)
                    if event is not None:
                        found.append(event)
                    position = record.sequence
                if len(records) < wanted:  # the feed's end, for now
                    return EventPage(found, position, more=False)
                if len(found) == limit:
                    return EventPage(found, position, more=True)
        return EventPage(found, position, more=True)  # stopped reading: there is more


def _known(types: Collection[str] | None) -> frozenset[str] | None:
    if not types:
        return None
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(f"unknown event type {unknown[0]!r}", field="type")
    return frozenset(types)


def _checked(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    return limit
