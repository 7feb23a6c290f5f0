"""Ports: what the use cases need from the outside world, as typing.Protocol: the unit of work
here, the repositories and other services in the modules it gathers (`__all__` is the face)."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.event_ports import AlertRepository, WebhookRepository, WebhookSender
from application.everyday_repositories import (
    BeneficiaryRepository,
    BranchRepository,
    CardRepository,
    ReminderRepository,
)
from application.identity_repositories import (
    DeviceBindingRepository,
    LoginAttemptRepository,
    PasswordResetRepository,
    RateLimitRepository,
    RefreshTokenRepository,
    SecondFactorRepository,
    SessionRepository,
    SignUpRepository,
    StaffProposalRepository,
    VoiceRepository,
)
from application.money_operation_repositories import (
    DisputeRepository,
    DuplicateAccrualDay,
    DuplicateDispute,
    DuplicateProposal,
    InterestRepository,
    ReversalRepository,
    StandingOrderRepository,
    TillRepository,
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
    DigitRecogniser,
    IdGenerator,
    NotificationFailed,
    Notifier,
    PasswordHasher,
    Recipient,
    Recurrence,
    SecretBox,
    TokenClaims,
    TokenService,
    TotpCodes,
    VoiceEngine,
)

__all__ = [
    "AccountRepository",
    "AlertRepository",
    "AuditRepository",
    "BeneficiaryRepository",
    "BranchRepository",
    "CardRepository",
    "Clock",
    "CustomerRepository",
    "DeviceBindingRepository",
    "DigitRecogniser",
    "DisputeRepository",
    "DuplicateAccrualDay",
    "DuplicateCustomer",
    "DuplicateDispute",
    "DuplicateIdempotencyKey",
    "DuplicateProposal",
    "FraudRepository",
    "IdGenerator",
    "InterestRepository",
    "Later",
    "LedgerRepository",
    "LoginAttemptRepository",
    "NotificationFailed",
    "Notifier",
    "PasswordHasher",
    "PasswordResetRepository",
    "RateLimitRepository",
    "Recipient",
    "Recurrence",
    "RefreshTokenRepository",
    "ReminderRepository",
    "ReversalRepository",
    "SecondFactorRepository",
    "SecretBox",
    "SessionRepository",
    "SignUpRepository",
    "StaffProposalRepository",
    "StandingOrderRepository",
    "TillRepository",
    "TokenClaims",
    "TokenService",
    "TotpCodes",
    "TransferRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "VoiceEngine",
    "VoiceRepository",
    "WebhookRepository",
    "WebhookSender",
]


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
    @property
    def reversals(self) -> ReversalRepository: ...
    @property
    def disputes(self) -> DisputeRepository: ...
    @property
    def standing_orders(self) -> StandingOrderRepository: ...
    @property
    def tills(self) -> TillRepository: ...
    @property
    def interest(self) -> InterestRepository: ...
    @property
    def second_factors(self) -> SecondFactorRepository: ...
    @property
    def password_resets(self) -> PasswordResetRepository: ...
    @property
    def sign_ups(self) -> SignUpRepository: ...
    @property
    def staff_proposals(self) -> StaffProposalRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; `write=True` takes the database's write lock up front. `ping`: the
    database takes a write now (readiness); `close`: give every connection back at shutdown."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...
