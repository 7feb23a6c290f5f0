"""The served application: what `vaani serve` runs, in one process or in each uvicorn worker."""

from __future__ import annotations

import gc
import logging
import sys

import punq
from starlette.applications import Starlette

from application.ports import DigitRecogniser, VoiceEngine
from entrypoints.bootstrap import bootstrap, check_ready_to_serve
from entrypoints.http.access_log import LineSink
from entrypoints.http.app import create_app
from entrypoints.http.batched_log import BatchedStreamHandler
from entrypoints.http.json_log import JsonLines
from entrypoints.http.worker_load import WorkerLoad
from entrypoints.identity_settings import undeliverable_codes
from entrypoints.settings import Settings, load_settings


def ready_app(wired: punq.Container, worker_load: WorkerLoad | None = None) -> Starlette:
    check_ready_to_serve(wired)
    app = create_app(wired, worker_load, _log_in_batches())
    if (warning := undeliverable_codes(wired.resolve(Settings))) is not None:
        logging.getLogger("vaani").warning(warning)
    # Load the speaker model before the first request, not during a customer's login.
    wired.resolve(VoiceEngine).warm_up()
    if wired.resolve(Settings).spoken_challenge.required:
        wired.resolve(DigitRecogniser).warm_up()
    # The model and the libraries leave ~350,000 long-lived objects; a full collection over them
    # took ~0.4 s here, a pause every request in flight would wait out. Freeze them once:
    # collections then look only at what requests allocate.
    gc.collect()
    gc.freeze()
    return app


def _log_in_batches() -> LineSink | None:
    """The process's log on stderr, written in batches (batched_log.py), unless the embedding
    application configured logging already, each line JSON; the structured access log (one
    JSON line per request, instead of uvicorn's plain one) straight into the batch when the
    log is ours."""
    handler = BatchedStreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())  # every other line JSON too (json_log.py)
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    ours = handler in logging.getLogger().handlers
    logging.captureWarnings(ours)  # a library's warning a log line too, not loose text
    # A line per request: skip what JsonLines never prints, as the Logging HOWTO's
    # "Optimization" section lists (the caller's frame, thread and process names).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    return handler.write_line if ours else None


def app_from_environment() -> Starlette:
    """uvicorn's factory when serving with several workers: each builds its own container from
    the VAANI_* environment (engines and pools are per process)."""
    return ready_app(bootstrap(load_settings(require_token_secret=True)),
                     WorkerLoad.from_environment())
