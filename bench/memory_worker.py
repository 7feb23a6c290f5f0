"""A served worker built the way `vaani serve` builds one (the same container, `ready_app`,
uvicorn), with a choice of speaker engine, for bench/memory.py to warm over HTTP and measure:
`serve` (the bank's), `reference` (the one before) or `numpy` (bench/numpy_voice.py). With
forks > 0 the engine is loaded and warmed once in this process, which then forks that many workers
sharing its pages copy-on-write on one listening socket (the "preload" pattern); with 0 it serves
in-process.
Run: PYTHONPATH=. python -m bench.memory_worker ENGINE PORT FORKS [weights.npz], VAANI_* set."""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
import warnings
from pathlib import Path
from typing import Any

import uvicorn

from bench.memory_stages import engine_named
from entrypoints.bootstrap import bootstrap
from entrypoints.http.serving import ready_app
from entrypoints.settings import Settings, load_settings


def _serve(settings: Settings, engine: Any, sock: socket.socket | None, port: int) -> None:
    app = ready_app(bootstrap(settings, voice_engine=engine))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[sock] if sock else None)


def main() -> None:
    warnings.simplefilter("ignore")
    voice, port, forks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    weights = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    settings = load_settings(require_token_secret=True)  # one token key for every fork
    engine = engine_named(voice, weights)
    if forks == 0:
        _serve(settings, engine, None, port)
        return
    engine.warm_up()
    gc.collect()
    gc.freeze()  # the loaded objects stay out of the children's collections (and their pages)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(256)
    children = []
    for _ in range(forks):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _serve(settings, engine, sock, port)
            os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: object) -> None:
        for child in children:
            os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    for child in children:
        os.waitpid(child, 0)


if __name__ == "__main__":
    main()
