"""A/B pairs of the benchmark routes: the same bench script run from the code before a change
(A) and after it (B), alternately, and their ratios set side by side (issue #31: every ratio
within 10 % of before, or better).

Contract:
- Each side is a clean clone of the repository (`--repo`, this script's own by default) checked out
  detached at the commit its revision names, made by this script under `--workdir`
  (/tmp/vaani-ab by default) and reused on a later call when its HEAD is that commit.
- For each selected route, runs go A, B, A, B ... for `--pairs` pairs, one at a time, never two
  at once: `python bench/<route>.py [--quick]` with the tree as working directory and
  PYTHONPATH, and the shared virtualenv's interpreter (`--python`). Loopback only, as the
  scripts are; each run is bounded by a timeout (interrupted, then killed, past it).
- Each run is given $BENCH_SECTIONS, a file beside its clone, emptied before the run: the script
  writes its section there (bench/report.py; a quick run writes nowhere else). Scripts older than
  that setting write into the clone's docs/benchmarks.md, also emptied before each run, and
  the section is read from there when the file has none. The ratios are read from that
  section's markdown tables (what old and new scripts alike write). Nothing outside the clones
  is written but those files, the scripts' own temporary files and `--out` when given. The
  peer's virtualenv (bench/peer/.venv) is built once and linked into the other clone.
- A route whose tool is missing (valgrind, wrk, PostgreSQL's server binaries) is skipped and
  said so; a run that fails or writes no section is reported, and its route gets no verdict.
- Printed: the load average before each run (with `--max-load`, a bounded wait for it to fall
  first) and its duration, then one markdown table: route, workload row, A and B figures (the
  medians compared when pairs > 1), B against A in %, and the verdict (within 10 % or better /
  worse by more than 10 %). Exit status 1 when a row is worse by more than 10 % or a selected
  route or row gave no comparison, else 0.

Run: .venv/bin/python bench/ab_pairs.py --a <rev> --b <rev>
         [--routes ledger,instructions,http,peer] [--pairs 2] [--quick]"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the repository this script belongs to

LIMIT = 10.0  # per cent: a B figure may be this much worse than A's


@dataclass(frozen=True)
class Route:
    script: str
    heading: str  # the start of the `## ` heading the script writes
    keys: int  # leading columns that name a workload row
    metrics: tuple[tuple[str, bool], ...]  # (column, higher is better)
    quick: bool  # the script has a `--quick` configuration
    tools: tuple[str, ...]
    timeout: tuple[int, int]  # seconds a run may take: (quick, full)


ROUTES = {
    "ledger": Route("bench/ledger_limit.py", "Ledger limit", 1, (("ratio", True),), True, (),
                    (1200, 2700)),
    "instructions": Route("bench/instructions.py", "Instructions per transfer", 1,
                          (("ratio", True), ("TransferMoney use case", False)), False,
                          ("valgrind", "callgrind_control"), (1800, 1800)),
    "http": Route("bench/http_load.py", "HTTP", 3, (("ratio", True),), True, ("wrk",),
                  (1500, 3600)),
    "peer": Route("bench/peer_compare.py", "Peer", 1, (("Vaani / peer", True),), True, ("wrk",),
                  (1500, 3600)),
}


@dataclass
class Outcome:
    figures: dict[str, list[float]] = field(default_factory=dict)  # "row · column" -> runs
    problem: str = ""


def git(*args: str, cwd: Path) -> str:
    command = [shutil.which("git") or "/usr/bin/git", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True,  # noqa: S603
                          timeout=300).stdout.strip()


def clone(repo: Path, revision: str, side: str, workdir: Path) -> tuple[Path, str]:
    """A clean clone at `revision`'s commit: (its path, the commit)."""
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}", cwd=repo)
    tree = workdir / f"{side}-{commit[:12]}"
    if tree.exists():
        if git("rev-parse", "HEAD", cwd=tree) != commit:
            raise SystemExit(f"{tree} exists at another commit: remove it")
        git("checkout", "--quiet", "--", ".", cwd=tree)  # undo what an earlier run rewrote
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        git("clone", "--quiet", "--no-checkout", str(repo), str(tree), cwd=workdir)
        git("checkout", "--quiet", "--detach", commit, cwd=tree)
    return tree, commit


def missing_tools(route: Route) -> list[str]:
    missing = [tool for tool in route.tools if shutil.which(tool) is None]
    if not (shutil.which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))):
        missing.append("PostgreSQL server binaries (pg_ctl; `make postgres` installs them)")
    return missing


def share_peer_venv(tree: Path, others: list[Path], repo: Path) -> None:
    """bench/peer_compare.py builds the peer's virtualenv in its tree on first use; point each
    clone at one already built instead (the repository's, or another clone's)."""
    target = tree / "bench" / "peer" / ".venv"
    if target.exists() or target.is_symlink():
        return
    for candidate in (repo, *others):
        built = candidate / "bench" / "peer" / ".venv"
        if (built / "bin" / "python").exists():
            target.symlink_to(built.resolve(), target_is_directory=True)
            return


def settle(max_load: float | None, max_wait: int) -> str:
    """Wait, bounded, for a quieter machine; says how long it waited."""
    began = time.monotonic()
    while max_load is not None and os.getloadavg()[0] >= max_load \
            and time.monotonic() - began < max_wait:
        time.sleep(10)
    waited = time.monotonic() - began
    return f"; waited {waited:.0f} s for load < {max_load}" if waited >= 1 else ""


def run_once(route: Route, tree: Path, python: str, quick: bool, timeout: int) -> tuple[str, str]:
    """Run the route's script in `tree`: (the section it wrote or "", the output's tail)."""
    docs = tree / "docs" / "benchmarks.md"
    docs.write_text("")
    sections = tree.parent / f"{tree.name}.sections.md"
    sections.unlink(missing_ok=True)
    command = [python, route.script, *(["--quick"] if quick and route.quick else [])]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAANI_")}
    env["PYTHONPATH"] = str(tree)
    env["BENCH_SECTIONS"] = str(sections)
    process = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.PIPE,  # noqa: S603
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)  # lets the script stop its PostgreSQL cluster
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        output += f"\n[timed out after {timeout} s]"
    tail = "\n".join(output.strip().splitlines()[-12:])
    if process.returncode != 0:
        return "", f"exit {process.returncode}: {tail}"
    for written in (sections, docs):  # older scripts know no $BENCH_SECTIONS
        text = written.read_text() if written.exists() else ""
        found = re.search(rf"(?ms)^## {re.escape(route.heading)}.*?(?=^## |\Z)", text)
        if found:
            return found.group(0), tail
    return "", tail


def parse(section: str, route: Route) -> dict[str, float]:
    """Every metric cell of every table in the section that has the metric's column."""
    figures: dict[str, float] = {}
    for block in re.findall(r"(?m)((?:^\|.*\|\n?)+)", section):
        rows = [[c.strip() for c in line.strip().strip("|").split("|")]
                for line in block.strip().splitlines()]
        header, body = rows[0], [r for r in rows[2:] if len(r) == len(rows[0])]
        for column, _ in route.metrics:
            if column not in header:
                continue
            at = header.index(column)
            for row in body:
                name = " · ".join(row[:route.keys])
                label = name if column == route.metrics[0][0] else f"{name} · {column}"
                figures[label] = float(row[at].replace(",", ""))
    return figures


def compare(label: str, a: list[float], b: list[float], higher_better: bool) -> list[str]:
    ma, mb = statistics.median(a), statistics.median(b)
    change = (mb / ma - 1) * 100 if ma else float("nan")
    worse = -change if higher_better else change
    verdict = "within 10 % or better" if worse <= LIMIT else "**worse by more than 10 %**"
    shown = ("{:,.0f}" if max(a + b) >= 100 else "{:.2f}").format
    return [label, ", ".join(map(shown, a)), ", ".join(map(shown, b)), f"{change:+.1f} %",
            verdict]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", required=True, help="revision before the change")
    parser.add_argument("--b", required=True, help="revision after the change")
    parser.add_argument("--routes", default=",".join(ROUTES))
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="each script's smaller configuration, where it has one")
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "vaani-ab")
    parser.add_argument("--timeout", type=int, help="seconds per run (default: per route)")
    parser.add_argument("--max-load", type=float,
                        help="before each run, wait (at most --max-wait s) for the 1-minute load "
                             "average to fall below this")
    parser.add_argument("--max-wait", type=int, default=600)
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    args = parser.parse_args()
    names = [n.strip() for n in args.routes.split(",") if n.strip()]
    if unknown := [n for n in names if n not in ROUTES]:
        raise SystemExit(f"unknown routes {unknown}; known: {', '.join(ROUTES)}")
    if args.pairs < 1:
        raise SystemExit("--pairs must be at least 1")
    trees = {side: clone(args.repo.resolve(), rev, side, args.workdir)
             for side, rev in (("A", args.a), ("B", args.b))}
    lines = [f"# A/B pairs: A = {args.a} ({trees['A'][1][:12]}), "
             f"B = {args.b} ({trees['B'][1][:12]})", "",
             f"{args.pairs} pair(s) per route, runs in the order A, B, A, B ..., one at a time; "
             f"{os.cpu_count()} cores; interpreter {args.python}.", ""]
    outcomes: dict[str, dict[str, Outcome]] = {}
    for name in names:
        route = ROUTES[name]
        mode = ("quick (`--quick`)" if route.quick else "full (the script has no quick mode)") \
            if args.quick else "full"
        if missing := missing_tools(route):
            lines.append(f"- {name}: skipped, missing {', '.join(missing)}")
            print(lines[-1], flush=True)
            outcomes[name] = {"A": Outcome(problem=lines[-1][2:]), "B": Outcome()}
            continue
        lines.append(f"- {name}: `{route.script}`, configuration {mode}")
        print(lines[-1], flush=True)
        outcomes[name] = {"A": Outcome(), "B": Outcome()}
        timeout = args.timeout or route.timeout[0 if args.quick else 1]
        for pair in range(1, args.pairs + 1):
            for side in ("A", "B"):
                if any(o.problem for o in outcomes[name].values()):
                    break  # a failed run: the route's comparison is lost, spare the machine
                tree = trees[side][0]
                if name == "peer":
                    share_peer_venv(tree, [t for t, _ in trees.values() if t != tree], args.repo)
                waited = settle(args.max_load, args.max_wait)
                load = os.getloadavg()
                began = time.monotonic()
                section, tail = run_once(route, tree, args.python, args.quick, timeout)
                took = time.monotonic() - began
                found = parse(section, route) if section else {}
                outcome = outcomes[name][side]
                status = f"{len(found)} figures" if found else "no figures"
                if not found and not outcome.problem:
                    outcome.problem = f"{side} pair {pair}: {tail.splitlines()[-1] if tail else ''}"
                    print(tail, flush=True)
                for label, value in found.items():
                    outcome.figures.setdefault(label, []).append(value)
                lines.append(f"  - pair {pair} {side}: load average before {load[0]:.2f} "
                             f"(5 min {load[1]:.2f}{waited}), {took:.0f} s, {status}")
                print(lines[-1], flush=True)
    lines += ["", "| route | workload row | A | B | B against A | verdict |",
              "|---|---|---|---|---|---|"]
    worse = 0
    for name, sides in outcomes.items():
        route = ROUTES[name]
        if sides["A"].problem or sides["B"].problem:
            worse += 1
            problem = sides["A"].problem or sides["B"].problem
            lines.append(f"| {name} | (no comparison: {problem.replace('|', '/')}) | | | | |")
            continue
        for label, a in sides["A"].figures.items():
            b = sides["B"].figures.get(label)
            if b is None:
                worse += 1
                lines.append(f"| {name} | {label} | {', '.join(map(str, a))} | (row absent in B) "
                             "| | no comparison |")
                continue
            column = next((c for c, _ in route.metrics if label.endswith(f" · {c}")), "")
            higher = dict(route.metrics).get(column, True)
            row = compare(label + ("" if higher else " (lower is better)"), a, b, higher)
            worse += "worse" in row[-1]
            lines.append(f"| {name} | " + " | ".join(row) + " |")
        for label in sides["B"].figures.keys() - sides["A"].figures.keys():
            worse += 1
            lines.append(f"| {name} | {label} | (row absent in A) | "
                         f"{', '.join(map(str, sides['B'].figures[label]))} | | no comparison |")
    lines += ["", f"Rows worse by more than {LIMIT:.0f} % or without comparison: {worse}. "
              "Ratios as the scripts round them (two decimals)"
              + ("; with pairs > 1 the medians are compared." if args.pairs > 1 else ".")]
    report = "\n".join(lines)
    print("\n" + report)
    if args.out:
        args.out.write_text(report + "\n")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
