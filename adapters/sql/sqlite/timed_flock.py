"""An exclusive `flock` that a caller stops waiting for after a while.

`flock` has no timeout, and a signal cannot interrupt it in a thread other than Python's main
one. So when the lock is taken, a thread of this module waits for it in the kernel (woken the
moment the holder lets go, as a caller waiting itself would be) and hands it over; a caller
that gives up leaves it waiting, and the lock it then gets goes straight back, unless another
caller has come to wait for it meanwhile. A free lock is taken at once, with no thread."""

from __future__ import annotations

import fcntl
import threading


class TimedFlock:
    """Callers take turns (the writer turn's thread lock): one at a time calls `lock`."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._state = threading.Lock()  # held only for moments, never while waiting
        self._asked = threading.Event()  # wakes the waiting thread
        self._got = threading.Event()  # the thread got the lock, or failed to
        self._pending = False  # the thread waits for the lock
        self._wanted = False  # a caller waits for the thread
        self._error: OSError | None = None
        self._thread: threading.Thread | None = None

    @property
    def waiting(self) -> bool:
        """The thread waits for the lock (for a caller that gave up, if none waits now)."""
        return self._pending

    def try_lock(self) -> bool:
        """Take the lock if it is free right now."""
        with self._state:
            # While the thread waits, the lock it may get any moment is not ours to take.
            return not self._pending and self._try()

    def lock(self, timeout: float) -> bool:
        """Take the lock, waiting `timeout` seconds at most; False if it was not had."""
        with self._state:
            if not self._pending:
                if self._try():
                    return True
                self._pending = True
                self._got.clear()
                self._start()
                self._asked.set()
            self._wanted = True
        self._got.wait(timeout)
        with self._state:
            self._wanted = False
            if not self._got.is_set():
                return False  # the thread keeps waiting, for the next caller or to let go
            self._got.clear()
            error, self._error = self._error, None
        if error is not None:
            raise error
        return True

    def unlock(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _try(self) -> bool:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._wait, name="vaani-writer-turn",
                                            daemon=True)
            self._thread.start()

    def _wait(self) -> None:
        while True:
            self._asked.wait()
            self._asked.clear()
            error = None
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)  # waits without the GIL
            except OSError as failed:
                error = failed
            with self._state:
                self._pending = False
                if self._wanted:
                    self._error = error
                    self._got.set()
                elif error is None:
                    self.unlock()  # the caller gave up: the next writer's turn
