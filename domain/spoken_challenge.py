"""A spoken one-time challenge: digits the bank issues with a device nonce and the customer
says aloud. A recording made before the digits existed cannot contain them, however it is
re-encoded, which no similarity threshold against earlier recordings can promise."""

from __future__ import annotations

import attrs

MIN_DIGITS, MAX_DIGITS = 4, 10


@attrs.frozen
class SpokenChallengePolicy:
    """`required`: a voice decision needs the digits issued with the nonce it spends, heard in
    its recording (VAANI_VOICE_CHALLENGE=spoken, the default); when False the voice is decided
    without them, and each decision's audit record says so. `digits`: how many are issued."""

    required: bool = True
    digits: int = attrs.field(default=6)

    @digits.validator
    def _bounded(self, _: object, value: int) -> None:
        if not MIN_DIGITS <= value <= MAX_DIGITS:
            raise ValueError(f"a spoken challenge has {MIN_DIGITS}-{MAX_DIGITS} digits")


def spoken_form(digits: str) -> str:
    """The digits as an app shows them to be read aloud: one at a time, spaced."""
    return " ".join(digits)


def challenge_refusal(expected: str | None, heard: str | None, language: str,
                      languages: frozenset[str]) -> str | None:
    """Why a recording does not answer its challenge (for the audit trail), or None when the
    digits heard are exactly the ones issued. `heard` None: nothing was listened for."""
    if expected is None:
        return "challenge_missing"
    if language not in languages:
        return "no_recogniser_for_language"
    if heard != expected:
        return "wrong_digits"
    return None
