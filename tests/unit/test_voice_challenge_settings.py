"""What the voice challenge's settings accept, and what they refuse at start-up."""

from __future__ import annotations

import pytest

from domain.spoken_challenge import UnheardLanguage
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings

BASE = {"VAANI_JWT_SECRET": "x" * 40}


def test_languages_without_a_recogniser_are_refused_voice_unless_told_otherwise() -> None:
    assert load_settings(BASE).spoken_challenge.unheard is UnheardLanguage.REFUSE
    chosen = load_settings({**BASE, "VAANI_VOICE_UNHEARD_LANGUAGE": "second-factor"})
    assert chosen.spoken_challenge.unheard is UnheardLanguage.SECOND_FACTOR


def test_a_misspelt_choice_stops_the_start() -> None:
    with pytest.raises(ConfigurationError, match="VAANI_VOICE_UNHEARD_LANGUAGE"):
        load_settings({**BASE, "VAANI_VOICE_UNHEARD_LANGUAGE": "skip"})
