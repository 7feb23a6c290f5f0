"""The `/metrics` endpoint: the process's series (or, with several workers, all workers'
summed) and the bank's figures read from the database as it is scraped."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.metrics.database_figures import DatabaseFigures, read_figures
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import Clock
from domain.money import MINOR_DIGITS
from entrypoints.http.metrics.workers import directory, forget_dead_workers
from entrypoints.http.offload import offload
from entrypoints.http.responses import error_response
from entrypoints.metrics_settings import MetricsAccess

log = logging.getLogger(__name__)


class DatabaseCollector:
    """Gauges read at scrape time: money held by transfers awaiting a challenge or a review,
    the webhook outbox, consumers' lag. The same whichever worker answers; none on the memory
    profile, which has no database to read."""

    def __init__(self, read: Callable[[], DatabaseFigures] | None, clock: Clock) -> None:
        self._read = read
        self._clock = clock  # the bank's: events are stamped by it

    def collect(self) -> Iterator[Metric]:
        if self._read is None:
            return
        up = GaugeMetricFamily("vaani_database_figures_read",
                               "1 if this scrape read the bank's figures from the database")
        try:
            figures = self._read()
        except Exception as error:  # a scrape still shows the processes' series
            log.warning("metrics: the database's figures could not be read: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _figures(figures, self._clock.now())


def _figures(figures: DatabaseFigures, now: datetime) -> Iterable[Metric]:
    money = GaugeMetricFamily("vaani_money_held", "Money held by transfers awaiting a "
                              "challenge or a review, in currency units", labels=["status", "currency"])
    count = GaugeMetricFamily("vaani_held_transfers", "Transfers holding money, awaiting a "
                              "challenge or a review", labels=["status", "currency"])
    for held in figures.held:
        labels = [held.status, held.currency]
        money.add_metric(labels, held.minor / 10 ** MINOR_DIGITS.get(held.currency, 2))
        count.add_metric(labels, held.transfers)
    deliveries = GaugeMetricFamily("vaani_webhook_deliveries", "Webhook deliveries owed "
                                   "(pending) or given up (dead)", labels=["status"])
    for status, n in sorted(figures.deliveries.items()):
        deliveries.add_metric([status], n)
    oldest = GaugeMetricFamily("vaani_webhook_oldest_pending_seconds", "Age of the oldest "
                               "event a webhook delivery still owes; 0 when none is owed")
    age = 0.0
    if figures.oldest_pending_event is not None:
        age = max(0.0, (now - figures.oldest_pending_event).total_seconds())
    oldest.add_metric([], age)
    behind = GaugeMetricFamily("vaani_outbox_behind_records", "Audit records a consumer of "
                               "the event feed has not read yet", labels=["consumer"])
    for consumer, n in sorted(figures.behind.items()):
        behind.add_metric([consumer], n)
    return [money, count, deliveries, oldest, behind]


class _ThisProcess:
    """The process's own registry (one worker): its series, process and GC figures."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def exposition(database: DatabaseCollector) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if (path := directory()) is not None:
        forget_dead_workers(path)
        multiprocess.MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(database)
    return generate_latest(registry)


def metrics_route(access: MetricsAccess, factory: object, clock: Clock) -> Route:
    """`/metrics`, for the scraper VAANI_METRICS names; left out of /openapi.json on purpose:
    an operator's endpoint, present only by configuration, in Prometheus's text format."""
    read = None
    if isinstance(factory, SqlUnitOfWorkFactory):
        sql = factory

        def read() -> DatabaseFigures:
            with sql() as uow:
                return read_figures(uow.connection)

    database = DatabaseCollector(read, clock)
    expected = access.token.encode()

    async def metrics(request: Request) -> Response:
        """The process's series and the bank's figures, in Prometheus's text format."""
        if access.mode == "token":
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode("latin-1"),
                                                                      expected):
                return error_response(request, 401, "unauthorized",
                                      "send the metrics token: Authorization: Bearer <token>",
                                      headers={"WWW-Authenticate": "Bearer"})
        return Response(await offload(exposition, database), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", metrics, methods=["GET"], include_in_schema=False)
