"""A spoken one-time challenge: digits the bank issues with a device nonce and the customer
says aloud. A recording made before the digits existed cannot contain them, however it is
re-encoded, which no similarity threshold against earlier recordings can promise."""

from __future__ import annotations

import enum

import attrs

from domain.voice import VoiceChannel

MIN_DIGITS, MAX_DIGITS = 4, 10


class UnheardLanguage(enum.Enum):
    """What a voice answer needs when the customer's preferred language has no recogniser:
    the digits cannot be heard, so the voice alone is never enough (never a silent skip)."""

    REFUSE = "refuse"  # voice is not offered; the PIN, an authenticator code or the password
    SECOND_FACTOR = "second-factor"  # the voice counts only beside an authenticator code


@attrs.frozen
class SpokenChallengePolicy:
    """`required`: a voice decision needs the digits issued with the nonce it spends, heard in
    its recording (VAANI_VOICE_CHALLENGE=spoken, the default); when False the voice is decided
    without them, and each decision's audit record says so. `digits`: how many are issued.
    `unheard`: what stands in for the digits in a language no recogniser hears."""

    required: bool = True
    digits: int = attrs.field(default=6)
    unheard: UnheardLanguage = UnheardLanguage.REFUSE

    @digits.validator
    def _bounded(self, _: object, value: int) -> None:
        if not MIN_DIGITS <= value <= MAX_DIGITS:
            raise ValueError(f"a spoken challenge has {MIN_DIGITS}-{MAX_DIGITS} digits")


def spoken_form(digits: str) -> str:
    """The digits as an app shows them to be read aloud: one at a time, spaced."""
    return " ".join(digits)


def unheard_by(language: str, languages: frozenset[str], channel: VoiceChannel,
               channels: frozenset[VoiceChannel]) -> str | None:
    """What keeps a recogniser from hearing an answer's digits: "language" (the customer's
    preferred language has none), "channel" (none hears audio of the answer's channel), or
    None when one can."""
    if language not in languages:
        return "language"
    if channel not in channels:
        return "channel"
    return None


def challenge_refusal(expected: str | None, heard: str | None, unheard_because: str | None,
                      unheard: UnheardLanguage, second_factor: bool) -> str | None:
    """Why a recording does not answer its challenge (for the audit trail), or None when the
    digits heard are exactly the ones issued, or when the customer's language has no
    recogniser (`unheard_because`, from `unheard_by`) and an authenticator code checked in the
    same request stands in for them (`second_factor`). `heard` None: nothing was listened for.
    A channel no recogniser hears is always refused: the recording, not the customer, names
    its channel, so a code standing in there would let any old recording resampled to 8 kHz
    pass for a fresh answer (a language, by contrast, changes only with the password)."""
    if expected is None:
        return "challenge_missing"
    if unheard_because == "channel":
        return "no_recogniser_for_channel"
    if unheard_because is not None:
        if unheard is UnheardLanguage.REFUSE:
            return f"no_recogniser_for_{unheard_because}"
        return None if second_factor else "second_factor_required"
    if heard != expected:
        return "wrong_digits"
    return None


UNCOUNTED = frozenset({"no_recogniser_for_language", "no_recogniser_for_channel",
                       "second_factor_required"})
"""Refusals that are no failed voice attempt: nobody could have passed them as asked."""
