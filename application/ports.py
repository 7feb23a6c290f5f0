"""Ports: what the use cases need from the outside world, as typing.Protocol: the unit of work
here, the repositories and other services in the modules it gathers (`__all__` is the face)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol, Self

from application.everyday_repositories import (
    BeneficiaryRepository,
    BranchRepository,
    CardRepository,
    ReminderRepository,
)
from application.identity_repositories import (
    DeviceBindingRepository,
    LoginAttemptRepository,
    RateLimitRepository,
    RefreshTokenRepository,
    SessionRepository,
    VoiceRepository,
)
from application.repositories import (
    AccountRepository,
    AuditRepository,
    CustomerRepository,
    DuplicateCustomer,
    DuplicateIdempotencyKey,
    FraudRepository,
    Later,
    LedgerRepository,
    TransferRepository,
)
from application.service_ports import (
    Clock,
    IdGenerator,
    LivenessCheck,
    Notifier,
    PasswordHasher,
    Recurrence,
    TokenClaims,
    TokenService,
    VoiceEngine,
)

__all__ = [
    "AccountRepository",
    "AuditRepository",
    "BeneficiaryRepository",
    "BranchRepository",
    "CardRepository",
    "Clock",
    "CustomerRepository",
    "DeviceBindingRepository",
    "DuplicateCustomer",
    "DuplicateIdempotencyKey",
    "FraudRepository",
    "IdGenerator",
    "Later",
    "LedgerRepository",
    "LivenessCheck",
    "LoginAttemptRepository",
    "Notifier",
    "PasswordHasher",
    "RateLimitRepository",
    "ReadWouldWait",
    "Recurrence",
    "RefreshTokenRepository",
    "ReminderRepository",
    "SessionRepository",
    "TokenClaims",
    "TokenService",
    "TransferRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "VoiceEngine",
    "VoiceRepository",
    "WriteWouldWait",
    "WriterTurnTaken",
    "WritesInPlace",
]

class ReadWouldWait(Exception):
    """Raised inside `UnitOfWorkFactory.loop_reads` when a read would have to wait for a lock:
    nothing was read; run the reads again where waiting is allowed (`request_reads` on a
    worker thread)."""


class WriteWouldWait(Exception):
    """Raised inside `UnitOfWorkFactory.loop_writes` when a write would have to wait (another
    writer has the database): nothing was written; run the request again where waiting is
    allowed (a worker thread)."""


class WriterTurnTaken(WriteWouldWait):
    """A `WriteWouldWait` because another process is writing: rather than write on a worker
    thread, wait there for the writer turn (`UnitOfWorkFactory.wait_for_writer_turn`), which
    is then kept for the next `loop_writes` block, and run the block again."""


class WritesInPlace(Protocol):
    """A `UnitOfWorkFactory.loop_writes` block."""

    def __enter__(self) -> None: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    @property
    def pending(self) -> bool:
        """After the block: it wrote, or read what other blocks wrote, in the transaction
        `commit_loop_writes` commits; its outcome stands only once that has committed."""
        ...


class UnitOfWork(Protocol):
    """One atomic transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""

    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def transfers(self) -> TransferRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...
    @property
    def login_attempts(self) -> LoginAttemptRepository: ...
    @property
    def rate_limits(self) -> RateLimitRepository: ...
    @property
    def devices(self) -> DeviceBindingRepository: ...
    @property
    def voice(self) -> VoiceRepository: ...
    @property
    def fraud(self) -> FraudRepository: ...
    @property
    def beneficiaries(self) -> BeneficiaryRepository: ...
    @property
    def cards(self) -> CardRepository: ...
    @property
    def reminders(self) -> ReminderRepository: ...
    @property
    def branches(self) -> BranchRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; `write=True` takes the database's write lock up front."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
    def request_reads(self) -> AbstractContextManager[None]:
        """A request's reads (its session check and its answer): within it, the calling
        thread's read-only units of work share one connection. Each read is one statement
        and they need no snapshot in common, so a server database may run them without a
        transaction around them. Units of work that write still open their own."""
        ...
    def loop_reads(self) -> AbstractContextManager[None] | None:
        """`request_reads` for a thread that must never wait long (a server's event loop), or
        None where every read is a round trip to a database server (read on a worker thread
        then). An embedded database reads its pages in place, in less time than the hop to a
        worker thread takes; a read that would wait for a lock raises `ReadWouldWait`."""
        ...
    def loop_writes(self) -> WritesInPlace | None:
        """A block in which the calling thread (a server's event loop) runs its write
        transactions in place if the database's write lock is free right now: the first one
        that would wait raises `WriteWouldWait`, having written nothing; later ones wait for
        nobody. The blocks' transactions commit together, at `commit_loop_writes`: until then
        the lock is kept, and no outcome of a block that is `pending` may be told to anyone.
        None where writes must go to a worker thread (a database server: round trips; a
        store of tests and demos), or should for a while (another process writes too)."""
        ...
    def commit_loop_writes(self) -> int:
        """Commit what the `loop_writes` blocks committed since the last call, in one
        transaction, and give the write lock back: the number of units of work it held (0:
        nothing was open). Raises if it did not commit: then none of them did."""
        ...
    def writers_take_turns(self) -> bool:
        """True where a write unit of work opened now would hold a lock every other writer
        waits for until it commits (SQLite's one writer, the memory store's), while a read
        unit of work opened before it holds nothing: a writer then reads what needs no lock
        first, outside its turn, and others write meanwhile. False where writers lock only the
        rows they change and reads travel with the write's own statements (PostgreSQL), and
        inside a `loop_writes` block (its transaction already holds the lock)."""
        ...
    def wait_for_writer_turn(self) -> bool:
        """On a worker thread, after `WriterTurnTaken`: wait for the writer turn and keep it
        for the next `loop_writes` block that writes (its transaction then takes it). False
        where there is no turn to wait for."""
        ...
    def give_back_writer_turn(self) -> None:
        """Give back the turn `wait_for_writer_turn` kept if no block took it (the request
        went away, or was refused before it wrote); nothing otherwise."""
        ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...
