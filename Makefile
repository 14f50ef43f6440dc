# Every target bootstraps .venv from pyproject.toml (pinned by constraints.txt) first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test fuzz lint bench bench-all lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## serve on http://127.0.0.1:5000 with the demo household
	$(BIN)/homeledger run --demo

# Test processes for `make test` (pytest-xdist): one per core by default; TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= auto

test: $(STAMP)  ## the whole suite (PostgreSQL half when HOMELEDGER_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# `make fuzz`: the API fuzz test (tests/api/test_fuzz.py) with FUZZ_EXAMPLES cases per
# operation and kind of input (valid, invalid) instead of 3, on PostgreSQL when
# HOMELEDGER_TEST_DATABASE_URL is set (SQLite otherwise), a new sample each run
# (FUZZ_SEED=<the seed printed> repeats one; drawn once per run).
# Prints the cases sent; fails on any finding, or if fewer than FUZZ_MIN_CASES were sent.
FUZZ_EXAMPLES  ?= 15
FUZZ_MIN_CASES ?= 2000
FUZZ_SEED      ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
FUZZ_SEED      := $(FUZZ_SEED)
FUZZ_DATABASE  := $(if $(HOMELEDGER_TEST_DATABASE_URL),postgresql,sqlite)

fuzz: $(STAMP)  ## fuzz every API operation: at least FUZZ_MIN_CASES requests
	@echo "fuzz: $(FUZZ_DATABASE), $(FUZZ_EXAMPLES) cases per operation and kind, seed $(FUZZ_SEED)"
	@rm -f $(VENV)/fuzz-cases
	@HOMELEDGER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) HOMELEDGER_FUZZ_SEED=$(FUZZ_SEED) \
	HOMELEDGER_FUZZ_REPORT=$(VENV)/fuzz-cases $(BIN)/python -m pytest -p no:cacheprovider \
		-n $(TEST_WORKERS) -q tests/api/test_fuzz.py -k "answers_as_documented and $(FUZZ_DATABASE)"; \
	status=$$?; \
	cat $(VENV)/fuzz-cases 2>/dev/null; \
	cases=$$(awk '{n += $$1} END {print n + 0}' $(VENV)/fuzz-cases 2>/dev/null || echo 0); \
	echo "fuzz: $$cases cases sent (seed $(FUZZ_SEED))"; \
	rm -f $(VENV)/fuzz-cases; \
	if [ $$status -ne 0 ]; then exit $$status; fi; \
	if [ $$cases -lt $(FUZZ_MIN_CASES) ]; then echo "fuzz: fewer than $(FUZZ_MIN_CASES) cases"; exit 1; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	$(BIN)/bandit -c pyproject.toml -r src -ll -q

# `make bench`: the app end to end through gunicorn over a large instance (six households
# of 100,000 transactions on PostgreSQL at 127.0.0.1:5432, then the same on SQLite): a table
# on stdout, every figure in bench/out/latest.json; exits 0 (it reports, it does not judge).
# BENCH_ROWS=12000 BENCH_REQUESTS=10 make bench is a quick try (see bench/end_to_end.py).
bench: $(STAMP)  ## p50/p95 and SQL statements of every page and endpoint, import, start-up, wrk
	$(BIN)/python bench/end_to_end.py

# `make bench-all`: the above, then the older benchmarks of one area each (in-process;
# PostgreSQL too when HOMELEDGER_TEST_DATABASE_URL is set).
bench-all: bench
	$(BIN)/python bench/overview.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/summaries.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/legacy.py
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/payoff.py
	$(BIN)/python bench/data.py
	$(BIN)/python bench/onboarding.py
	$(BIN)/python bench/sharing.py
	$(BIN)/python bench/row_security.py
	$(BIN)/python bench/confinement.py
	$(BIN)/python bench/startup.py

lock: $(STAMP)  ## refresh constraints.txt after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
