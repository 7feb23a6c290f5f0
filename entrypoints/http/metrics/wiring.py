"""What serving `/metrics` adds to an app: the route, requests counted with the access log,
audit records counted as they are sealed, the database pool watched."""

from __future__ import annotations

import attrs
import punq
from starlette.routing import Route

from adapters.metrics.audit_taps import listen
from adapters.metrics.pool_use import watch_pool
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import Clock
from entrypoints.http.access_log import LineSink
from entrypoints.http.metrics import audit_counts, series
from entrypoints.http.metrics.requests import CountedAccessLog
from entrypoints.http.metrics.scrape import metrics_route
from entrypoints.http.metrics.workers import leaving
from entrypoints.http.services import Services


@attrs.frozen
class Metered:
    access_log: CountedAccessLog
    route: Route

    def close(self) -> None:
        """At the app's shutdown, after its pool is closed."""
        leaving()


def metered(container: punq.Container, services: Services,
            access_lines: LineSink | None) -> Metered:
    listen(audit_counts.count)  # the process's: counted once however many apps it makes
    factory = services.uow_factory
    if isinstance(factory, SqlUnitOfWorkFactory):
        out = watch_pool(factory.engine, series.DB_IN_USE.inc, series.DB_IN_USE.dec)
        series.DB_IN_USE.inc(out)  # taken before the watch began (the readiness check's)
        # The engine's pool lends its size and as many again (adapters/sql/engine.py).
        series.DB_LIMIT.set(2 * services.settings.db_pool_size)
    route = metrics_route(services.settings.metrics, factory, container.resolve(Clock))
    return Metered(CountedAccessLog(access_lines), route)
