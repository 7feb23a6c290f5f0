"""Configuration from the environment, checked once at start-up (fail fast)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from adapters.sql import normalise_url
from adapters.sql.kept_connections import kept_per_kind
from adapters.system.smtp_notifier import SmtpServer
from application.auth_policy import AuthPolicy
from application.device_possession import DeviceKeyPolicy
from application.fraud import HoldPolicy
from application.webhook_policy import WebhookPolicy
from domain.branch import OwnBank
from domain.customer import PinPolicy
from domain.dispute import DisputePolicy
from domain.interest import InterestPolicy
from domain.kyc import KycLimits
from domain.ledger import Channel
from domain.login_attempts import LockoutPolicy
from domain.reversal import ReversalPolicy
from domain.spoken_challenge import SpokenChallengePolicy
from domain.staff_proposal import ApprovalPolicy
from domain.standing_order import StandingOrderPolicy
from entrypoints.event_settings import event_settings
from entrypoints.identity_settings import identity_settings
from entrypoints.metrics_settings import MetricsAccess, metrics_settings
from entrypoints.money_settings import operation_policies
from entrypoints.setting_values import ConfigurationError, whole_number

DEFAULT_DATABASE_URL = "sqlite:///./var/vaani.db"
PROFILES = ("memory", "sqlite", "postgresql")
DEFAULT_API_CHANNELS = frozenset({Channel.ONLINE, Channel.MOBILE, Channel.UPI})


@attrs.frozen
class Settings:
    profile: str
    database_url: str
    jwt_secret: str = attrs.field(repr=False)
    demo: bool = False
    access_token_minutes: int = 15
    sqlite_synchronous: str = "FULL"
    sqlite_cache_mib: int | None = None  # None: SQLite's own page cache (about 2 MiB a connection)
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    db_pool_size: int = 10
    http_threads: int = 4  # database worker threads per HTTP process
    http_heavy_threads: int = 2  # threads for argon2 and the speaker model, one per core
    auth: AuthPolicy = attrs.Factory(AuthPolicy)
    voice_replay_similarity: float = 0.995
    voice_score: str = "raw"  # snorm | raw: the score space of the voice thresholds
    fraud_rules: str | None = None  # a TOML file; None: the rules shipped with the package
    fraud_engine: str = "rules"  # rules | composite
    fraud_model: str | None = None  # model.json of `vaani fraud train` (composite engine)
    hold_policy: HoldPolicy = attrs.Factory(HoldPolicy)
    reversal_policy: ReversalPolicy = attrs.Factory(ReversalPolicy)
    dispute_policy: DisputePolicy = attrs.Factory(DisputePolicy)
    standing_order_policy: StandingOrderPolicy = attrs.Factory(StandingOrderPolicy)
    kyc_limits: KycLimits = attrs.Factory(KycLimits)
    interest_policy: InterestPolicy = attrs.Factory(InterestPolicy)
    cors_origins: tuple[str, ...] = ()  # browser origins allowed to call the API
    own_bank: OwnBank = attrs.Factory(OwnBank)  # the bank's IFSC code (VAANI_BANK_CODE)
    # The calendar of reminders' rules (days, weekdays, months), whatever offset a moment has.
    bank_zone: tzinfo = attrs.field(factory=lambda: ZoneInfo("Asia/Kolkata"))
    db_wait_seconds: float = 5.0  # a request's wait for a database lock or connection
    # The channels a customer's API client may name on a transfer: the bank's choice, since
    # the channel decides which limits apply. Tellers and the CLI keep theirs.
    api_channels: frozenset[Channel] = DEFAULT_API_CHANNELS
    # Proxies (IPs or CIDRs) whose X-Forwarded-For/-Proto `vaani serve` believes; none: it
    # believes no one, and every client is the address it connects from.
    trusted_proxies: tuple[str, ...] = ()
    hsts_seconds: int = 0  # Strict-Transport-Security max-age when served over TLS; 0: not sent
    device_keys: DeviceKeyPolicy = attrs.Factory(DeviceKeyPolicy)
    # A PostgreSQL streaming replica for the read-only work (docs/replicas.md); None: none.
    replica_url: str | None = None
    # Seals authenticators' secrets (identity_settings.py); None: derived from jwt_secret.
    secrets_key: str | None = attrs.field(default=None, repr=False)
    approval_policy: ApprovalPolicy = attrs.Factory(ApprovalPolicy)  # staff's maker-checker
    smtp: SmtpServer | None = None  # where mail goes out (identity_settings.py); None: the log
    signup_verification: bool = True  # a code confirms a sign-up's email (identity_settings.py)
    # Digits a voice answer must say (identity_settings.py); off: the voice alone decides.
    spoken_challenge: SpokenChallengePolicy = attrs.Factory(SpokenChallengePolicy)
    webhook_policy: WebhookPolicy = attrs.Factory(WebhookPolicy)  # event_settings.py
    metrics: MetricsAccess = attrs.Factory(MetricsAccess)  # who may read /metrics


def _seconds(env: Mapping[str, str], name: str, default: float, low: float,
             high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not low <= value <= high:  # NaN too
        raise ConfigurationError(f"{name} must be between {low:g} and {high:g}, got {raw}")
    return value


def _threads(env: Mapping[str, str], profile: str) -> tuple[int, int, int]:
    """(pool size, database threads, heavy threads). Every HTTP thread may hold a pooled
    connection at once, besides those kept idle between requests (adapters/sql/
    kept_connections.py), and the pool lends `pool_size` plus as many again: more threads would
    wait on the pool and fail its timeout under load, so such a configuration is refused."""
    pool = whole_number(env, "VAANI_DB_POOL_SIZE", 10, 1, 200)
    # SQLite serialises writers and its calls are short: few threads contend less for the
    # GIL. A PostgreSQL round trip leaves the GIL free for another thread meanwhile, but a
    # transfer spends much of its time in Python between its four round trips, so more threads
    # only queue for the GIL and the audit chain's head (docs/benchmarks.md, "Figures once in
    # docstrings").
    threads = whole_number(env, "VAANI_HTTP_THREADS", 2 if profile == "sqlite" else 4, 1, 200)
    # CPU-bound work outside the GIL: more threads than cores only queue inside the OS.
    heavy = whole_number(env, "VAANI_HTTP_HEAVY_THREADS", min(os.cpu_count() or 2, 4), 1, 64)
    # Idle between requests, out of the pool (readers, writers; on SQLite the event loop's).
    kept = 2 * kept_per_kind(pool) + (1 if profile == "sqlite" else 0)
    if profile != "memory" and threads + heavy + kept > 2 * pool:
        raise ConfigurationError(
            f"VAANI_HTTP_THREADS ({threads}) + VAANI_HTTP_HEAVY_THREADS ({heavy}) + the {kept} "
            f"connections kept between requests must not exceed twice VAANI_DB_POOL_SIZE "
            f"({pool}): raise the pool size or lower the threads")
    return pool, threads, heavy


def _profile_of(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgres"):
        return "postgresql"
    raise ConfigurationError(f"VAANI_DATABASE_URL has an unsupported scheme: {url.split(':')[0]!r}")


def load_settings(env: Mapping[str, str] | None = None, *,
                  require_token_secret: bool = True) -> Settings:
    """Read VAANI_* variables. Outside demo mode (VAANI_DEMO=1) VAANI_JWT_SECRET is required
    by everything that issues or checks tokens; operator commands that never do may skip it."""
    env = os.environ if env is None else env
    url = normalise_url(env.get("VAANI_DATABASE_URL") or DEFAULT_DATABASE_URL)
    profile = env.get("VAANI_PROFILE") or _profile_of(url)
    if profile not in PROFILES:
        raise ConfigurationError(f"VAANI_PROFILE must be one of {', '.join(PROFILES)}")
    if profile != "memory" and _profile_of(url) != profile:
        raise ConfigurationError(f"VAANI_PROFILE={profile} does not match VAANI_DATABASE_URL")
    demo = env.get("VAANI_DEMO", "") in ("1", "true", "yes")
    secret = env.get("VAANI_JWT_SECRET", "")
    if not secret:
        if not demo and require_token_secret:
            raise ConfigurationError(
                "VAANI_JWT_SECRET is not set: set it to 32+ random bytes "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), "
                "or set VAANI_DEMO=1 for a throwaway demo")
        secret = secrets.token_urlsafe(48)  # never shared: tokens die with the process
    if len(secret.encode()) < 32:
        raise ConfigurationError("VAANI_JWT_SECRET must be at least 32 bytes long")
    pool, threads, heavy = _threads(env, profile)
    synchronous = env.get("VAANI_SQLITE_SYNCHRONOUS", "FULL").upper()
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        raise ConfigurationError("VAANI_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
    return Settings(
        profile=profile, database_url=url, jwt_secret=secret, demo=demo,
        access_token_minutes=whole_number(env, "VAANI_ACCESS_TOKEN_MINUTES", 15, 1, 60),
        sqlite_synchronous=synchronous,
        sqlite_cache_mib=(whole_number(env, "VAANI_SQLITE_CACHE_MIB", 2, 1, 4096)
                          if env.get("VAANI_SQLITE_CACHE_MIB") else None),
        argon2_memory_kib=whole_number(env, "VAANI_ARGON2_MEMORY_KIB", 19456, 8192, 1 << 21),
        argon2_time_cost=whole_number(env, "VAANI_ARGON2_TIME_COST", 2, 1, 10),
        db_pool_size=pool, http_threads=threads, http_heavy_threads=heavy,
        auth=_auth_policy(env),
        voice_replay_similarity=whole_number(env, "VAANI_VOICE_REPLAY_PERMILLE", 995, 900, 1000) / 1000,
        voice_score=_choice(env, "VAANI_VOICE_SCORE", ("raw", "snorm")),
        fraud_rules=env.get("VAANI_FRAUD_RULES") or None,
        fraud_engine=_choice(env, "VAANI_FRAUD_ENGINE", ("rules", "composite")),
        fraud_model=env.get("VAANI_FRAUD_MODEL") or None,
        cors_origins=_origins(env.get("VAANI_CORS_ORIGINS", "")),
        own_bank=OwnBank(_bank_code(env.get("VAANI_BANK_CODE", "VAAN"))),
        bank_zone=_zone(env.get("VAANI_BANK_TIMEZONE", "Asia/Kolkata")),
        db_wait_seconds=_seconds(env, "VAANI_DB_WAIT_SECONDS", 5.0, 0.1, 60.0),
        api_channels=_channels(env.get("VAANI_API_CHANNELS", "")),
        trusted_proxies=_proxies(env.get("VAANI_TRUSTED_PROXIES", "")),
        hsts_seconds=whole_number(env, "VAANI_HSTS_SECONDS", 0, 0, 2 * 365 * 24 * 3600),
        hold_policy=HoldPolicy(
            challenge_window=timedelta(minutes=whole_number(env, "VAANI_CHALLENGE_MINUTES", 5, 1, 60)),
            review_window=timedelta(hours=whole_number(env, "VAANI_REVIEW_HOURS", 72, 1, 24 * 30))),
        replica_url=_replica_url(env, profile),
        device_keys=DeviceKeyPolicy(
            required=_choice(env, "VAANI_DEVICE_KEYS", ("required", "optional")) == "required",
            nonce_lifetime=timedelta(
                seconds=whole_number(env, "VAANI_DEVICE_NONCE_SECONDS", 120, 10, 600))),
        **operation_policies(env),
        **identity_settings(env),
        **event_settings(env, demo),
        **metrics_settings(env),
    )


def _replica_url(env: Mapping[str, str], profile: str) -> str | None:
    raw = env.get("VAANI_REPLICA_URL", "")
    if not raw:
        return None
    if profile != "postgresql" or not raw.startswith("postgres"):
        raise ConfigurationError("VAANI_REPLICA_URL names a PostgreSQL replica of a PostgreSQL "
                                 "VAANI_DATABASE_URL; SQLite and the memory profile have none")
    return normalise_url(raw)


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in text.split(",") if o.strip())
    for origin in origins:
        if origin == "*" or not origin.startswith(("https://", "http://")):
            raise ConfigurationError(f"VAANI_CORS_ORIGINS: {origin!r} is not an origin like "
                                     "https://app.example.in (no wildcards)")
    return origins


def _channels(text: str) -> frozenset[Channel]:
    names = [n.strip().upper() for n in text.split(",") if n.strip()]
    if not names:
        return DEFAULT_API_CHANNELS
    unknown = [n for n in names if n not in Channel.__members__]
    if unknown:
        raise ConfigurationError(f"VAANI_API_CHANNELS: {', '.join(unknown)} is not a channel "
                                 f"(choose from {', '.join(Channel.__members__)})")
    return frozenset(Channel[n] for n in names)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigurationError(f"VAANI_BANK_TIMEZONE must be an IANA time zone such as "
                                 f"Asia/Kolkata, got {name!r}") from None


def _bank_code(text: str) -> str:
    if not (len(text) == 4 and text.isascii() and text.isalpha() and text.isupper()):
        raise ConfigurationError(f"VAANI_BANK_CODE must be the four capital letters that begin "
                                 f"the bank's IFSC codes, got {text!r}")
    return text


def _proxies(text: str) -> tuple[str, ...]:
    proxies = tuple(p.strip() for p in text.split(",") if p.strip())
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy)
        except ValueError:
            raise ConfigurationError(f"VAANI_TRUSTED_PROXIES: {proxy!r} is not an IP address or "
                                     "a network like 10.0.0.0/8 (no wildcards)") from None
    return proxies


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or choices[0]
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}")
    return value


def _auth_policy(env: Mapping[str, str]) -> AuthPolicy:
    return AuthPolicy(
        lockout=LockoutPolicy(
            max_failures=whole_number(env, "VAANI_LOCKOUT_FAILURES", 5, 1, 10),  # PCI DSS 8.3.4: <= 10
            lock_for=timedelta(minutes=whole_number(env, "VAANI_LOCKOUT_MINUTES", 15, 1, 24 * 60))),
        pin=PinPolicy(
            max_failures=whole_number(env, "VAANI_PIN_MAX_FAILURES", 3, 1, 10),
            block_for=timedelta(hours=whole_number(env, "VAANI_PIN_BLOCK_HOURS", 24, 1, 24 * 7))),
        session_lifetime=timedelta(hours=whole_number(env, "VAANI_SESSION_HOURS", 12, 1, 24 * 30)),
        refresh_idle=timedelta(minutes=whole_number(env, "VAANI_REFRESH_IDLE_MINUTES", 30, 1, 24 * 60)),
        refresh_grace=timedelta(seconds=whole_number(env, "VAANI_REFRESH_GRACE_SECONDS", 5, 0, 5)),
        auth_requests_per_ip=whole_number(env, "VAANI_AUTH_RATE_PER_IP", 30, 1, 100_000),
        logins_per_customer=whole_number(env, "VAANI_LOGIN_RATE_PER_CUSTOMER", 10, 1, 100_000),
    )
