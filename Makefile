# The newcomer's two commands: `make run` (demo server) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# `make run` is the throwaway demo: it mints a JWT secret per start (see docs/configuration.md).
DEMO_ENV := VAANI_DEMO=1 VAANI_SIGNUP_VERIFICATION=off

.PHONY: run test bench soak audit lint typecheck install install-test postgres chromium sox bench-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(DEMO_ENV) $(BIN)/vaani db upgrade
	$(DEMO_ENV) $(BIN)/vaani seed demo
	$(DEMO_ENV) $(BIN)/vaani serve --host $(HOST) --port $(PORT)

postgres:
	@bash .ci/ensure-postgres

# The web app's browser tests drive Debian's chromium headless (tests/browser).
chromium:
	@bash .ci/ensure-chromium

# The voice evaluation's telephone channel (GSM) goes through Debian's sox.
sox:
	@bash .ci/ensure-sox

# `make bench`'s load generator and instruction counter (Debian's wrk and valgrind).
bench-tools:
	@bash .ci/ensure-bench-tools

lint: install-test
	$(BIN)/ruff check domain application adapters entrypoints tests

typecheck: install-test
	$(BIN)/mypy

# Known vulnerabilities in the installed dependencies fail the build (.ci/audit-dependencies).
audit: install-test
	$(BIN)/python .ci/audit-dependencies

test: install-test postgres chromium sox lint typecheck audit
	$(BIN)/pytest

# Every benchmark, each against a baseline measured in the same run; results go to
# docs/benchmarks.md, and the README's performance lines are made from them (last line).
# Loopback only, bounded in count and time (~50 minutes on 2 cores, then the history sizes).
# Installs Debian's wrk, valgrind and sox when missing (a section is never left from an older run).
# The history-size benchmark bulk-loads a database per size (ledger entries; 0 is fresh) on
# SQLite and PostgreSQL: with 10,000,000 it takes two to three hours, `make bench
# HISTORY_SIZES=0,1000000` about 15 minutes (docs/development.md).
HISTORY_SIZES ?= 0,1000000,10000000
bench: install-test postgres sox bench-tools
	PYTHONPATH=. $(BIN)/python bench/ledger_limit.py
	PYTHONPATH=. $(BIN)/python bench/instructions.py
	PYTHONPATH=. $(BIN)/python bench/http_load.py
	PYTHONPATH=. $(BIN)/python bench/peer_compare.py
	PYTHONPATH=. $(BIN)/python bench/auth_costs.py
	PYTHONPATH=. VOICE_DEV=../shared/voice/dev $(BIN)/python bench/voice_latency.py
	PYTHONPATH=. VOICE_DEV=../shared/voice/dev $(BIN)/python bench/memory.py
	PYTHONPATH=. $(BIN)/python bench/fraud_latency.py
	PYTHONPATH=. $(BIN)/python bench/dispatch_rate.py
	PYTHONPATH=. $(BIN)/python bench/history_size.py --sizes $(HISTORY_SIZES)
	PYTHONPATH=. $(BIN)/python bench/readme_figures.py

# The reliability suite at length: 10x the storm, 10x the crashes (see tests/reliability/).
SOAK_SCALE ?= 10
soak: install-test postgres
	VAANI_SOAK_SCALE=$(SOAK_SCALE) $(BIN)/pytest tests/reliability -v

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
