"""`vaani fraud`: train the statistical model, replay labelled files, evaluate engines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from domain.errors import ValidationError
from entrypoints.cli.runtime import JSON_OPTION, emit_json, emit_table, reports_errors, say

if TYPE_CHECKING:
    from rich.progress import Progress

    from adapters.fraud.replay import Row, Scored
    from application.fraud import FraudEngine

app = typer.Typer(help="Fraud engine: training, replay and evaluation.", no_args_is_help=True)
FORMAT = typer.Option("handbook", "--format", help="handbook | sparkov")


def _rows(path: Path, fmt: str) -> list[Row]:
    from adapters.fraud.replay import FORMATS, read_rows

    if fmt not in FORMATS:
        raise ValidationError(f"--format must be one of {', '.join(FORMATS)}")
    try:
        return read_rows(path, fmt)
    except (OSError, ValueError) as error:
        raise ValidationError(str(error)) from None


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _engine(model: Path | None, rules: Path | None) -> FraudEngine:
    from adapters.fraud.composite import CompositeEngine
    from adapters.fraud.config import load_rules
    from adapters.fraud.logistic import LogisticModel
    from adapters.fraud.rules import RulesEngine

    config = load_rules(rules)
    if model is None:
        return RulesEngine(config)
    try:
        return CompositeEngine(config, LogisticModel.load(model))
    except (OSError, ValueError, KeyError) as error:
        raise ValidationError(f"cannot load the model {model}: {error}") from None


@contextmanager
def _progress(total: int, label: str) -> Iterator[Progress]:
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        progress.add_task(label, total=total)
        yield progress


@app.command("train")
@reports_errors
def train_(data: Path = typer.Argument(..., exists=True, dir_okay=False), fmt: str = FORMAT,
           until: str | None = typer.Option(None, "--until", help="train on rows before this date"),
           out: Path = typer.Option(..., "--out"), as_json: bool = JSON_OPTION) -> None:
    """Train the logistic-regression model on a labelled file (labels delayed 7 days)."""
    import numpy as np

    from adapters.fraud.logistic import train
    from adapters.fraud.replay import training_set

    rows = _rows(data, fmt)
    cut = _date(until) or datetime.max.replace(tzinfo=UTC)
    with _progress(len(rows), "replaying for features") as progress:
        x, y = training_set(rows, cut, lambda n: progress.advance(progress.task_ids[0], n))
    if not y or sum(y) == 0:
        raise ValidationError("no fraud in the training rows: nothing to learn from")
    model = train(np.array(x), np.array(y), epochs=600,
                  trained_on=f"{data.name} before {until or 'the end'}")
    model.save(out)
    summary = {"model": str(out), "rows": len(y), "frauds": int(sum(y))}
    emit_json(summary) if as_json else say(f"trained on {len(y)} rows ({sum(y)} frauds): {out}")


def _scored(data: Path, fmt: str, since: str | None, model: Path | None,
            rules: Path | None) -> Iterator[Scored]:
    from adapters.fraud.replay import replay

    rows = _rows(data, fmt)
    engine = _engine(model, rules)
    with _progress(len(rows), f"replaying through {engine.name}") as progress:
        yield from replay(rows, engine, score_from=_date(since),
                          advance=lambda n: progress.advance(progress.task_ids[0], n))


MODEL = typer.Option(None, "--model", help="model.json: use the composite engine")
RULES = typer.Option(None, "--rules", help="a rules TOML file (default: the shipped one)")
SINCE = typer.Option(None, "--from", help="score rows from this date (earlier rows warm up)")


@app.command("replay")
@reports_errors
def replay_(data: Path = typer.Argument(..., exists=True, dir_okay=False), fmt: str = FORMAT,
            scores_out: Path = typer.Option(..., "--scores-out"), since: str | None = SINCE,
            model: Path | None = MODEL, rules: Path | None = RULES) -> None:
    """Stream a labelled file in time order; write TRANSACTION_ID,score,decision per line."""
    written = 0
    with scores_out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["TRANSACTION_ID", "score", "decision"])
        for s in _scored(data, fmt, since, model, rules):
            writer.writerow([s.row.tx_id, s.assessment.score, s.assessment.decision.value])
            written += 1
    say(f"{written} scores written to {scores_out}")


@app.command()
@reports_errors
def evaluate(data: Path = typer.Argument(..., exists=True, dir_okay=False), fmt: str = FORMAT,
             since: str | None = SINCE, model: Path | None = MODEL, rules: Path | None = RULES,
             as_json: bool = JSON_OPTION) -> None:
    """PR-AUC, precision/recall at 0.5 % and 1 % alert budgets, card precision@100 per day,
    decisions, and assessment latency."""
    from adapters.fraud.metrics import report

    result = report(list(_scored(data, fmt, since, model, rules)))
    if as_json:
        emit_json(result)
        return
    rows = [(key, json.dumps(value) if isinstance(value, dict) else value)
            for key, value in result.items()]
    emit_table(f"Fraud evaluation of {data.name}", ["measure", "value"], rows)
