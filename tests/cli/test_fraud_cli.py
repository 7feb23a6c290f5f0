"""`vaani fraud train|replay|evaluate` on a small handbook-format file made here: 30 customers
paying 40 terminals for 40 days; two terminals are compromised for a while (their payments are
fraud), and large amounts are fraud, as in the handbook's scenarios."""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from entrypoints.cli.app import app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def handbook_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("fraud") / "tx.csv"
    start = datetime(2018, 7, 1)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["TRANSACTION_ID", "TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID",
                         "TX_AMOUNT", "TX_FRAUD", "TX_FRAUD_SCENARIO"])
        tx = 0
        for day in range(40):
            for customer in range(30):
                for _ in range(rng.randint(1, 4)):
                    tx += 1
                    when = start + timedelta(days=day, seconds=rng.randint(0, 86399))
                    terminal = rng.randint(0, 39)
                    amount = round(rng.uniform(5, 120), 2)
                    fraud = int(amount > 110 or (terminal in (3, 17) and 10 <= day < 30))
                    if rng.random() < 0.01:
                        amount, fraud = round(rng.uniform(230, 900), 2), 1
                    writer.writerow([tx, when.isoformat(sep=" "), customer, terminal, amount,
                                     fraud, 1 if fraud else 0])
    return path


def test_train_then_evaluate_and_replay(handbook_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model.json"
    trained = runner.invoke(app, ["fraud", "train", str(handbook_file), "--format", "handbook",
                                  "--until", "2018-08-03", "--out", str(model), "--json"])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["frauds"] > 0 and model.exists()
    evaluated = runner.invoke(app, ["fraud", "evaluate", str(handbook_file), "--format", "handbook",
                                    "--from", "2018-08-03", "--model", str(model), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    assert report["transactions"] > 0 and report["pr_auc"] > 0.3
    assert set(report["decisions"]) <= {"allow", "challenge", "review", "block"}
    assert report["latency_ms"]["p99"] > 0
    scores = tmp_path / "scores.csv"
    replayed = runner.invoke(app, ["fraud", "replay", str(handbook_file), "--format", "handbook",
                                   "--scores-out", str(scores)])
    assert replayed.exit_code == 0, replayed.output
    lines = scores.read_text().splitlines()
    with handbook_file.open() as source:
        rows = sum(1 for _ in source) - 1
    assert lines[0] == "TRANSACTION_ID,score,decision" and len(lines) == rows + 1
    tx_id, score, decision = lines[1].split(",")
    assert tx_id.isdigit() and 0 <= float(score) <= 100 and decision in {"allow", "challenge",
                                                                          "review", "block"}


def test_bad_inputs_are_one_line_errors(handbook_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    wrong = runner.invoke(app, ["fraud", "evaluate", str(handbook_file), "--format", "sparkov"])
    assert wrong.exit_code == 2 and "not a sparkov row" in wrong.stderr
    unknown = runner.invoke(app, ["fraud", "evaluate", str(handbook_file), "--format", "csv"])
    assert unknown.exit_code == 2 and "--format" in unknown.stderr
    junk = tmp_path / "junk.json"
    junk.write_text("{}")
    broken = runner.invoke(app, ["fraud", "evaluate", str(handbook_file), "--model", str(junk)])
    assert broken.exit_code == 2 and "cannot load the model" in broken.stderr
