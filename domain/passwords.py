"""Passwords prepared as RFC 8265's OpaqueString profile asks, so the same password typed on two
keyboards or systems is the same password, and invisible characters cannot hide in one."""

from __future__ import annotations

import unicodedata

MIN_LENGTH = 8
MAX_LENGTH = 128  # ASVS asks that at least 64 be accepted
# Typed longer than this, a password cannot prepare to MAX_LENGTH characters, and is refused
# before preparing: NFKC can make a long string many times longer.
MAX_TYPED_LENGTH = 4 * MAX_LENGTH

# Controls, invisible format characters (bidi overrides, zero-width spaces and joiners),
# surrogates, private-use and unassigned code points, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def prepare_password(password: str) -> str:
    """Every space character becomes U+0020 and the result is NFKC-normalised (a full-width
    letter, a composed or decomposed accent: one password). Used both when a password is set
    and when it is checked."""
    spaced = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in password)
    return unicodedata.normalize("NFKC", spaced)


def unusable_password_reason(prepared: str) -> str | None:
    """Why a prepared password cannot be set, or None: one that is only spaces, or that carries
    a character nobody can see or type reliably."""
    if not prepared.strip():
        return "password must not be only spaces"
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in prepared):
        return "password must not contain control or invisible formatting characters"
    return None
