"""The settings of identity and staff (docs/configuration.md), read from VAANI_*."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from adapters.system.smtp_notifier import SmtpServer
from domain.spoken_challenge import (
    MAX_DIGITS,
    MIN_DIGITS,
    SpokenChallengePolicy,
    UnheardLanguage,
)
from domain.staff_proposal import DEFAULT_APPROVALS, ApprovalPolicy, StaffAction
from entrypoints.setting_values import ConfigurationError, whole_number

if TYPE_CHECKING:  # settings.py reads this module's values: no import at run time
    from entrypoints.settings import Settings

# What VAANI_APPROVALS may name: each staff action, and a KYC change by its tier.
_NAMEABLE = {a.value for a in StaffAction if a is not StaffAction.SET_KYC} | {
    f"{StaffAction.SET_KYC.value}_{tier}" for tier in ("pending", "min", "full", "rejected")}


def identity_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The Settings fields of two-step login and of staff's maker-checker.

    VAANI_SECRETS_KEY seals authenticators' secrets (32+ bytes, kept apart from the database);
    unset, a key derived from VAANI_JWT_SECRET does, and rotating that secret then turns every
    authenticator's codes wrong. VAANI_APPROVALS names the staff actions a second member of
    staff must approve (`none` for none); VAANI_APPROVAL_HOURS how long a proposal waits."""
    key = env.get("VAANI_SECRETS_KEY", "")
    if key and len(key.encode()) < 32:
        raise ConfigurationError("VAANI_SECRETS_KEY must be at least 32 bytes long")
    return {"secrets_key": key or None, "approval_policy": ApprovalPolicy(
        needed=_approvals(env.get("VAANI_APPROVALS")),
        lifetime=timedelta(hours=whole_number(env, "VAANI_APPROVAL_HOURS", 24, 1, 24 * 30))),
        "smtp": _smtp(env), "signup_verification": _signup_verification(env),
        "spoken_challenge": _spoken_challenge(env)}


def _spoken_challenge(env: Mapping[str, str]) -> SpokenChallengePolicy:
    """VAANI_VOICE_CHALLENGE: `spoken` (a voice answer must say the digits issued with its
    device nonce) or `off` (the voice alone decides: it can be replayed, so only where another
    control stands in; every decision's audit record says `challenge: off`).
    VAANI_VOICE_CHALLENGE_DIGITS: how many digits (4-10, default 6).
    VAANI_VOICE_UNHEARD_LANGUAGE: for customers whose preferred language has no recogniser,
    `refuse` (voice is refused, naming the PIN, authenticator or password instead) or
    `second-factor` (the voice counts beside a code from their authenticator). An answer over
    a telephone line, whose digits no recogniser hears, is refused in either mode."""
    value = env.get("VAANI_VOICE_CHALLENGE") or "spoken"
    if value not in ("spoken", "off"):
        raise ConfigurationError("VAANI_VOICE_CHALLENGE must be spoken or off")
    unheard = env.get("VAANI_VOICE_UNHEARD_LANGUAGE") or UnheardLanguage.REFUSE.value
    if unheard not in {u.value for u in UnheardLanguage}:
        raise ConfigurationError("VAANI_VOICE_UNHEARD_LANGUAGE must be refuse or second-factor")
    return SpokenChallengePolicy(value == "spoken", whole_number(
        env, "VAANI_VOICE_CHALLENGE_DIGITS", 6, MIN_DIGITS, MAX_DIGITS), UnheardLanguage(unheard))


def undeliverable_codes(settings: Settings) -> str | None:
    """Why no sign-up could be finished, if none could: verification is required and its codes
    have no way out (no mail server, and outside a demo the log writes them redacted). Served,
    this is a warning, not a refusal: the bank still serves everything else."""
    if settings.signup_verification and settings.smtp is None and not settings.demo:
        return ("VAANI_SIGNUP_VERIFICATION=required, but no mail server (VAANI_SMTP_HOST) "
                "takes sign-up codes to customers: no one can finish signing up; set "
                "VAANI_SMTP_HOST, or VAANI_SIGNUP_VERIFICATION=off")
    return None


def _signup_verification(env: Mapping[str, str]) -> bool:
    """VAANI_SIGNUP_VERIFICATION: `required` (a code mailed to the email confirms a sign-up
    before its first login, and sign-up answers alike whether or not a contact is taken) or
    `off` (today's one-step sign-up, `409 customer_exists`: demos and test harnesses)."""
    value = env.get("VAANI_SIGNUP_VERIFICATION") or "required"
    if value not in ("required", "off"):
        raise ConfigurationError("VAANI_SIGNUP_VERIFICATION must be required or off")
    return value == "required"


def _smtp(env: Mapping[str, str]) -> SmtpServer | None:
    """The mail server that reset codes and security notices go out through; none without
    VAANI_SMTP_HOST (the log then stands in, and writes no reset code outside a demo)."""
    host = env.get("VAANI_SMTP_HOST", "").strip()
    if not host:
        return None
    sender = env.get("VAANI_SMTP_FROM", "").strip()
    if "@" not in sender or any(c in sender for c in "\r\n"):
        raise ConfigurationError("VAANI_SMTP_HOST needs VAANI_SMTP_FROM, the address mail comes "
                                 "from (e.g. no-reply@bank.example.in)")
    user = env.get("VAANI_SMTP_USER") or None
    password = env.get("VAANI_SMTP_PASSWORD") or None
    if (user is None) != (password is None):
        raise ConfigurationError("VAANI_SMTP_USER and VAANI_SMTP_PASSWORD go together")
    starttls = env.get("VAANI_SMTP_STARTTLS", "").lower()
    if starttls not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigurationError("VAANI_SMTP_STARTTLS must be 1 or 0")
    return SmtpServer(host=host, port=whole_number(env, "VAANI_SMTP_PORT", 587, 1, 65535),
                      sender=sender, user=user, password=password,
                      starttls=starttls in ("1", "true", "yes"))


def _approvals(text: str | None) -> frozenset[str]:
    if text is None or not text.strip():
        return DEFAULT_APPROVALS
    if text.strip() == "none":
        return frozenset()
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(names - _NAMEABLE)
    if unknown:
        raise ConfigurationError(f"VAANI_APPROVALS: unknown action(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(sorted(_NAMEABLE))}, or none")
    return names
