"""Repositories of identity: sessions, refresh tokens, attempt counters, devices, voices,
second factors, password resets, sign-ups and staff proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.repositories import Later
from domain.device import DeviceBinding
from domain.device_key import DeviceNonce
from domain.login_attempts import LoginAttempts
from domain.password_reset import PasswordReset
from domain.session import RefreshToken, Session
from domain.sign_up import PendingSignUp
from domain.staff_proposal import ProposalStatus, StaffProposal
from domain.totp import LoginTicket, TotpFactor
from domain.voice import Embedding, VoiceAttempts, Voiceprint, VoiceSample


class SessionRepository(Protocol):
    """Sessions; `lock` holds the row for the rest of the transaction (refresh rotation)."""

    def add(self, session: Session) -> None: ...
    def update(self, session: Session) -> None: ...
    def get(self, session_id: UUID) -> Session | None: ...
    def lock(self, session_id: UUID) -> Session | None: ...
    def of_customer(self, customer_id: UUID) -> list[Session]: ...


class RefreshTokenRepository(Protocol):
    """Refresh tokens, found by the SHA-256 of the opaque token."""

    def add(self, token: RefreshToken) -> None: ...
    def update(self, token: RefreshToken) -> None: ...
    def get(self, token_hash: str) -> RefreshToken | None: ...


class LoginAttemptRepository(Protocol):
    """Consecutive failures per customer number (known or not)."""

    def get(self, customer_number: str) -> LoginAttempts | None: ...
    def save(self, attempts: LoginAttempts) -> None: ...


class RateLimitRepository(Protocol):
    """Fixed-window counters shared by every worker process: count one hit, return the hits
    of the key's current window (started at `window_start`)."""

    def hit(self, key: str, window_start: datetime) -> int: ...


class DeviceBindingRepository(Protocol):
    """A customer's devices, one binding per (customer, identifier)."""

    def add(self, binding: DeviceBinding) -> None: ...
    def update(self, binding: DeviceBinding) -> None: ...
    # lock: the binding is held until the transaction ends, for a change of its trust (a login
    # from a device must not write back the trust a revocation took away meanwhile).
    def get(self, binding_id: UUID, *, lock: bool = False) -> DeviceBinding | None: ...
    def by_identifier(self, customer_id: UUID, identifier: str, *,
                      lock: bool = False) -> DeviceBinding | None: ...
    def ask_by_identifier(self, customer_id: UUID, identifier: str
                          ) -> Later[DeviceBinding | None]:
        """`by_identifier` without a lock, asked now and answered when called (`Later`)."""
    def of_customer(self, customer_id: UUID) -> list[DeviceBinding]: ...
    def add_nonce(self, nonce: DeviceNonce) -> None: ...
    def take_nonce(self, nonce_hash: str) -> DeviceNonce | None:
        """Delete and return the nonce: of parallel takers exactly one gets it."""
    def drop_expired_nonces(self, now: datetime) -> None: ...


class VoiceRepository(Protocol):
    """Voiceprints, attempt counters, and the samples a customer has presented (replay defence):
    only hashes and embeddings, never audio."""

    def voiceprint(self, customer_id: UUID) -> Voiceprint | None: ...
    def save_voiceprint(self, voiceprint: Voiceprint) -> None: ...
    def attempts(self, customer_id: UUID) -> VoiceAttempts | None: ...
    def save_attempts(self, attempts: VoiceAttempts) -> None: ...
    def seen(self, customer_id: UUID, sha256: str) -> bool: ...
    def accepted_embeddings(self, customer_id: UUID, limit: int) -> list[Embedding]: ...
    def remember(self, customer_id: UUID, sample: VoiceSample, accepted: bool,
                 when: datetime) -> None: ...
    def forget(self, customer_id: UUID) -> None:
        """Delete the customer's voiceprint, attempt count and every sample's embedding and
        hash (erasure: biometric data is kept no longer than it serves them)."""


class SecondFactorRepository(Protocol):
    """Authenticators (one per customer), their recovery codes (SHA-256 only) and login
    tickets (SHA-256 only). The `spend_*` methods are conditional writes: of parallel callers
    spending the same thing exactly one is told True; `enrol_factor` and `confirm_factor` are
    too, so neither undoes the other's write made meanwhile."""

    def factor(self, customer_id: UUID) -> TotpFactor | None: ...
    def enrol_factor(self, factor: TotpFactor) -> bool:
        """Store the pending `factor` as the customer's authenticator, replacing a pending
        one: False, changing nothing, when the stored one is on. One conditional write (not a
        read and a write), so an enrolment racing a confirmation either replaces the secret
        before it is turned on (the confirmation is then refused) or is refused itself."""
    def confirm_factor(self, customer_id: UUID, secret_sealed: str, now: datetime) -> bool:
        """Turn on the pending authenticator sealed as `secret_sealed`: False, changing
        nothing, when the stored one is another (replaced), already on, or gone."""
    def drop_factor(self, customer_id: UUID) -> None:
        """Remove the authenticator and its recovery codes."""
    def spend_step(self, customer_id: UUID, step: int) -> bool:
        """Record a code of `step` as used: False when one of that step or a later one was."""
    def replace_recovery_codes(self, customer_id: UUID, code_hashes: list[str]) -> None: ...
    def spend_recovery_code(self, customer_id: UUID, code_hash: str, now: datetime) -> bool: ...
    def recovery_codes_left(self, customer_id: UUID) -> int: ...
    def add_ticket(self, ticket: LoginTicket) -> None: ...
    def ticket(self, ticket_hash: str) -> LoginTicket | None: ...
    def spend_ticket(self, ticket_hash: str, now: datetime) -> bool: ...
    def drop_tickets_before(self, moment: datetime) -> None:
        """Forget the tickets that expired before `moment` (spent or not)."""


class PasswordResetRepository(Protocol):
    """Password reset tokens (SHA-256 only). `spend` is a conditional write: of parallel
    callers spending the same token exactly one is told True."""

    def add(self, reset: PasswordReset) -> None: ...
    def get(self, token_hash: str) -> PasswordReset | None: ...
    def spend(self, token_hash: str, now: datetime) -> bool:
        """Mark the token used if it is unused and unexpired at `now`."""
    def drop_of_customer(self, customer_id: UUID) -> None:
        """Forget every token of the customer (a newer request, a new password)."""
    def drop_before(self, moment: datetime) -> None:
        """Forget the tokens that expired before `moment` (spent or not)."""


class SignUpRepository(Protocol):
    """Sign-ups waiting for their code, by customer number. `reserve_attempt` and `take` are
    conditional writes: parallel callers cannot compare more codes than allowed, and of
    parallel takers exactly one is told True."""

    def add(self, sign_up: PendingSignUp) -> None: ...
    def get(self, customer_number: str) -> PendingSignUp | None: ...
    def reserve_attempt(self, customer_number: str, now: datetime,
                        max_attempts: int) -> PendingSignUp | None:
        """Count one attempt at the code if the sign-up is unexpired and has attempts left,
        and answer it as counted; None (nothing counted) otherwise."""
    def take(self, customer_number: str) -> bool:
        """Remove the sign-up: True for the one caller that removed it."""
    def drop_before(self, moment: datetime) -> None:
        """Forget the sign-ups that expired before `moment`."""


class StaffProposalRepository(Protocol):
    """Maker-checker proposals of sensitive staff actions."""

    def add(self, proposal: StaffProposal) -> None: ...
    def get(self, proposal_id: UUID) -> StaffProposal | None: ...
    def settle(self, proposal: StaffProposal) -> bool:
        """Store its decision if it still waits: of two deciders at once one is told True."""
    def record(self, proposal: StaffProposal) -> None:
        """Store what became of a decided proposal (an approved action that failed)."""
    def newest(self, limit: int, status: ProposalStatus | None, now: datetime
               ) -> list[StaffProposal]:
        """Newest first; with a status, only those of that status as of `now` (a waiting
        proposal past its expiry is `expired`)."""
