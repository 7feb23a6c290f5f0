"""`vaani voice`: operator actions on customers' voice biometrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from domain.device import TrustLevel
from domain.staff_proposal import StaffAction
from domain.voice import VoiceChannel
from entrypoints.cli.approvals import PROPOSER, REASON, take_or_propose
from entrypoints.cli.runtime import (
    JSON_OPTION,
    emit_json,
    emit_table,
    fail,
    reports_errors,
    say,
)

if TYPE_CHECKING:
    from adapters.voice.evaluation import Trials

app = typer.Typer(help="Voice biometrics.", no_args_is_help=True)


@app.command()
@reports_errors
def restore(customer_number: str = typer.Argument(...), operator: str | None = PROPOSER,
            reason: str | None = REASON, as_json: bool = JSON_OPTION) -> None:
    """Give back voice use disabled after too many failed verifications (proposed for
    approval under VAANI_APPROVALS)."""
    take_or_propose(StaffAction.RESTORE_VOICE, customer_number, {}, operator, reason, as_json,
                    f"voice restored for customer {customer_number}")


def _measure(directory: Path, telephone: bool, min_speech: float) -> tuple[Trials, dict[str, int]]:
    from rich.progress import Progress

    from adapters.voice.evaluation import embed_all, speakers, trials
    from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine

    files = speakers(directory)
    if len(files) < 2:
        fail(f"{directory} needs at least two sub-folders (one per speaker) of 4+ recordings", 2)
    total = sum(len(paths) for paths in files.values())
    engine = ResemblyzerVoiceEngine(min_speech_seconds=min_speech)
    label = "telephone" if telephone else "wideband"
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"embedding {label} audio", total=total)
        embedded = embed_all(engine, files, telephone, min_speech,
                             lambda n: progress.advance(task, n))
    if len(embedded.by_speaker) < 2:
        fail(f"{directory}: fewer than two speakers have 4+ usable recordings "
             f"(left out: {_told(embedded.skipped)})", 2)
    return trials(embedded.by_speaker), embedded.skipped


def _told(skipped: dict[str, int]) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in skipped.items()) or "none"


@app.command()
@reports_errors
def evaluate(directory: Path = typer.Argument(..., exists=True, file_okay=False),
             min_speech: float = typer.Option(2.0, "--min-speech"),
             as_json: bool = JSON_OPTION) -> None:
    """EER, and FAR/FRR at the configured thresholds, wideband and through an 8 kHz codec."""
    from adapters.voice.calibration import calibrated_policy
    from adapters.voice.evaluation import codec_name

    policy = calibrated_policy()
    report: dict[str, object] = {"telephone_codec": codec_name(), "channels": {}}
    rows = []
    for channel in VoiceChannel:
        measured, skipped = _measure(directory, channel is VoiceChannel.TELEPHONE, min_speech)
        eer, eer_threshold = measured.eer()
        entry: dict[str, object] = {"genuine_trials": len(measured.genuine),
                                    "impostor_trials": len(measured.impostor),
                                    "eer": round(eer, 4), "eer_threshold": round(eer_threshold, 4),
                                    "skipped": skipped}
        if not as_json and skipped:
            say(f"{channel.value}: left out {_told(skipped)}")
        for trust in (TrustLevel.TRUSTED, TrustLevel.SUSPICIOUS):
            threshold = policy.threshold(trust, channel)
            far, frr = measured.rates(threshold)
            entry[trust.value] = {"threshold": threshold, "far": round(far, 6), "frr": round(frr, 4)}
            rows.append((channel.value, trust.value, f"{threshold:.4f}", f"{far:.3%}", f"{frr:.2%}",
                         f"{eer:.2%}", len(measured.genuine), len(measured.impostor)))
        report["channels"][channel.value] = entry  # type: ignore[index]
    if as_json:
        emit_json(report)
        return
    emit_table(f"Voice evaluation of {directory} (telephone: {codec_name()})",
               ["channel", "device", "threshold", "FAR", "FRR", "EER", "genuine", "impostor"], rows)


@app.command()
@reports_errors
def calibrate(directory: Path = typer.Argument(..., exists=True, file_okay=False),
              target_far: float = typer.Option(0.001, "--target-far", min=1e-6, max=0.5),
              min_speech: float = typer.Option(2.0, "--min-speech"),
              as_json: bool = JSON_OPTION) -> None:
    """Propose the thresholds that hold the measured false-accept rate at the target."""
    from adapters.voice.evaluation import codec_name

    proposal: dict[str, object] = {"target_far": target_far, "telephone_codec": codec_name()}
    for channel in VoiceChannel:
        measured, skipped = _measure(directory, channel is VoiceChannel.TELEPHONE, min_speech)
        threshold = measured.threshold_for(target_far)
        far, frr = measured.rates(threshold)
        proposal[channel.value] = {"threshold": threshold, "far": round(far, 6),
                                   "frr": round(frr, 4), "impostor_trials": len(measured.impostor),
                                   "skipped": skipped}
        if not as_json:
            say(f"{channel.value}: threshold {threshold:.4f} (FAR {far:.3%}, FRR {frr:.2%}, "
                f"{len(measured.impostor)} impostor trials)")
    if as_json:
        emit_json(proposal)
    else:
        say("To ship them, run bench/calibrate_voice.py, which writes adapters/voice/calibration.json.")
