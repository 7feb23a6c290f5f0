"""The composition root: the only place that chooses adapters, one container per profile."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import attrs
import punq

from adapters.fraud.composite import CompositeEngine
from adapters.fraud.config import RulesFileError, load_rules
from adapters.fraud.logistic import LogisticModel
from adapters.fraud.rules import RulesEngine
from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory
from adapters.security import Argon2Hasher, Ed25519AuditKeys, JwtTokenService, SignatureKeyVerifier
from adapters.sql import SqlUnitOfWorkFactory, create_sql_engine, current_revision, head_revision
from adapters.sql import upgrade as upgrade_schema
from adapters.sql.postgres.last_writes import LastWrites
from adapters.sql.postgres.replica import Replica
from adapters.sql.postgres.replica_reads import ReplicaReads
from adapters.system import SystemClock, TimeOrderedIds
from adapters.system.notifiers import LogNotifier
from adapters.system.recurrence import BoundedRecurrence
from adapters.system.secret_box import AesGcmBox, derived_key
from adapters.system.smtp_notifier import SmtpNotifier
from adapters.system.standard_webhooks import HttpWebhookSender
from adapters.system.totp_codes import PyotpCodes
from adapters.voice.calibration import calibrated_policy, voice_scorer
from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from adapters.voice.spoken_digits import PocketSphinxDigits
from application.audit_keys import AuditKeys
from application.auth_policy import AuthPolicy
from application.device_possession import DeviceKeyPolicy, DeviceKeyVerifier
from application.fraud import FraudEngine, HoldPolicy
from application.ports import (
    Clock,
    DigitRecogniser,
    IdGenerator,
    Notifier,
    PasswordHasher,
    Recurrence,
    SecretBox,
    TokenService,
    TotpCodes,
    UnitOfWorkFactory,
    VoiceEngine,
    WebhookSender,
)
from application.use_cases import EnsureCashAccounts
from application.voice_policy import VoicePolicy
from application.voice_scoring import ScoreKind, VoiceScorer
from application.webhook_policy import WebhookPolicy
from domain.branch import OwnBank
from domain.dispute import DisputePolicy
from domain.interest import InterestPolicy
from domain.kyc import KycLimits
from domain.reversal import ReversalPolicy
from domain.spoken_challenge import SpokenChallengePolicy
from domain.staff_proposal import ApprovalPolicy
from domain.standing_order import StandingOrderPolicy
from domain.till import BusinessCalendar
from entrypoints import caller
from entrypoints.http.dispatch import Dispatcher
from entrypoints.http.dispatch.sqlite_loop import SqliteLoopDispatcher
from entrypoints.http.dispatch.threads import ThreadDispatcher
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import Settings
from entrypoints.wired_use_cases import REPORTS, USE_CASES

# A replica that does not answer within this is passed over for the primary (postgres/replica.py).
REPLICA_WAIT_SECONDS = 2.0
# The table of callers' last writes that `vaani serve --workers N` shares with its workers.
LAST_WRITES_FILE = "VAANI_LAST_WRITES_FILE"


def _fraud_engine(settings: Settings) -> FraudEngine:
    """The rules engine from its TOML file, checked now: a bad file stops start-up."""
    try:
        rules = load_rules(Path(settings.fraud_rules) if settings.fraud_rules else None)
    except RulesFileError as error:
        raise ConfigurationError(str(error)) from None
    if settings.fraud_engine == "rules":
        return RulesEngine(rules)
    if settings.fraud_model is None:
        raise ConfigurationError("VAANI_FRAUD_ENGINE=composite needs VAANI_FRAUD_MODEL "
                                 "(a model.json from `vaani fraud train`)")
    try:
        return CompositeEngine(rules, LogisticModel.load(Path(settings.fraud_model)))
    except (OSError, ValueError, KeyError) as error:
        raise ConfigurationError(f"VAANI_FRAUD_MODEL: {error}") from None


def audit_keys() -> AuditKeys:
    """The checkpoint keys on their own: `vaani audit keygen` needs no database."""
    return Ed25519AuditKeys()


def unit_of_work_factory(settings: Settings) -> UnitOfWorkFactory:
    if settings.profile == "memory":
        return MemoryUnitOfWorkFactory(MemoryStore())
    engine = create_sql_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous,
                               sqlite_cache_mib=settings.sqlite_cache_mib,
                               pool_size=settings.db_pool_size, wait=settings.db_wait_seconds)
    return SqlUnitOfWorkFactory(engine, wait=settings.db_wait_seconds)


def reports_factory(settings: Settings, factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """Where the REPORTS read: with VAANI_REPLICA_URL, the replica (the primary for a caller
    whose last write it has not replayed yet); otherwise wherever everything else does."""
    if settings.replica_url is None or not isinstance(factory, SqlUnitOfWorkFactory):
        return factory
    engine = create_sql_engine(settings.replica_url, pool_size=settings.db_pool_size,
                               wait=min(settings.db_wait_seconds, REPLICA_WAIT_SECONDS))
    shared = os.environ.get(LAST_WRITES_FILE)
    return ReplicaReads(factory, Replica(engine), caller.current, LastWrites(shared=shared))


def dispatcher(factory: UnitOfWorkFactory) -> Dispatcher:
    """Where HTTP requests' blocking work runs (entrypoints/http/dispatch): on an SQLite file,
    short work on the event loop itself; elsewhere on worker threads."""
    if not isinstance(factory, SqlUnitOfWorkFactory):
        return ThreadDispatcher()
    threads = ThreadDispatcher(factory.request_reads)
    return SqliteLoopDispatcher(factory.in_place, threads) if factory.in_place else threads


def bootstrap(settings: Settings, *, clock: Clock | None = None, ids: IdGenerator | None = None,
              uow_factory: UnitOfWorkFactory | None = None,
              voice_engine: VoiceEngine | None = None,
              digit_recogniser: DigitRecogniser | None = None) -> punq.Container:
    """Wire every port and use case once; per request only resolve the singletons."""
    container = punq.Container()
    container.register(Settings, instance=settings)
    container.register(AuthPolicy, instance=settings.auth)
    container.register(OwnBank, instance=settings.own_bank)
    clock = clock or SystemClock()
    container.register(Clock, instance=clock)
    container.register(IdGenerator, instance=ids or TimeOrderedIds())
    factory = uow_factory or unit_of_work_factory(settings)
    container.register(UnitOfWorkFactory, instance=factory)
    container.register(Dispatcher, instance=dispatcher(factory))
    container.register(PasswordHasher, instance=Argon2Hasher(
        memory_kib=settings.argon2_memory_kib, time_cost=settings.argon2_time_cost))
    container.register(TokenService, instance=JwtTokenService(
        settings.jwt_secret, clock, timedelta(minutes=settings.access_token_minutes)))
    # One engine and one recogniser per process: each model loads lazily, once. Tests may pass
    # a small engine, and share one of each between their banks.
    container.register(VoiceEngine, instance=voice_engine or ResemblyzerVoiceEngine())
    container.register(DigitRecogniser, instance=digit_recogniser or PocketSphinxDigits())
    container.register(SpokenChallengePolicy, instance=settings.spoken_challenge)
    container.register(Recurrence, instance=BoundedRecurrence(zone=settings.bank_zone))
    container.register(AuditKeys, instance=audit_keys())
    logged = LogNotifier(reveal_secrets=settings.demo)  # a reset code in the log: demo only
    container.register(Notifier, instance=SmtpNotifier(settings.smtp, logged) if settings.smtp else logged)
    container.register(TotpCodes, instance=PyotpCodes())
    container.register(SecretBox, instance=AesGcmBox(derived_key(
        settings.secrets_key or settings.jwt_secret)))
    container.register(FraudEngine, instance=_fraud_engine(settings))
    container.register(HoldPolicy, instance=settings.hold_policy)
    container.register(ReversalPolicy, instance=settings.reversal_policy)
    container.register(DisputePolicy, instance=settings.dispute_policy)
    container.register(StandingOrderPolicy, instance=settings.standing_order_policy)
    container.register(BusinessCalendar, instance=BusinessCalendar(settings.bank_zone))
    container.register(KycLimits, instance=settings.kyc_limits)
    container.register(InterestPolicy, instance=settings.interest_policy)
    container.register(ApprovalPolicy, instance=settings.approval_policy)
    container.register(WebhookPolicy, instance=settings.webhook_policy)
    container.register(WebhookSender, instance=HttpWebhookSender(
        private_networks=settings.webhook_policy.private_networks,
        allow_http=settings.webhook_policy.allow_http))
    container.register(DeviceKeyPolicy, instance=settings.device_keys)
    container.register(DeviceKeyVerifier, instance=SignatureKeyVerifier())  # WebAuthn: later
    voice_policy = attrs.evolve(calibrated_policy(ScoreKind(settings.voice_score)),
                                replay_similarity=settings.voice_replay_similarity)
    container.register(VoicePolicy, instance=voice_policy)
    container.register(VoiceScorer, instance=voice_scorer(voice_policy))
    reports = reports_factory(settings, factory)
    if reports is not factory:
        container.register(ReplicaReads, instance=reports)
    for use_case in USE_CASES:
        if use_case in REPORTS and reports is not factory:
            container.register(use_case, scope=punq.Scope.singleton, uow_factory=reports)
        else:
            container.register(use_case, scope=punq.Scope.singleton)
    if settings.profile == "memory":
        # Nothing persists, so the schema step of `db upgrade` is this one: the bank's own accounts.
        container.resolve(EnsureCashAccounts).execute()
    return container


def prepare_database(container: punq.Container) -> str | None:
    """Migrate the schema to head (SQL profiles) and create the bank's internal accounts."""
    factory = container.resolve(UnitOfWorkFactory)
    revision = upgrade_schema(factory.engine) if isinstance(factory, SqlUnitOfWorkFactory) else None
    container.resolve(EnsureCashAccounts).execute()
    return revision


def check_ready_to_serve(container: punq.Container) -> None:
    """Fail fast before serving: the database must answer and be at the current schema."""
    factory = container.resolve(UnitOfWorkFactory)
    if not factory.ping():
        raise ConfigurationError("the database does not answer; check VAANI_DATABASE_URL")
    if isinstance(factory, SqlUnitOfWorkFactory):
        current, head = current_revision(factory.engine), head_revision()
        if current != head:
            raise ConfigurationError(f"the database schema is at {current or 'nothing'}, the code "
                                     f"needs {head}: run `vaani db upgrade` first")
