# Every target bootstraps .venv from pyproject.toml (pinned by constraints.txt) first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench lock clean

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	$(BIN)/bandit -c pyproject.toml -r src -ll -q

bench: $(STAMP)
	$(BIN)/python bench/overview.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/legacy.py
	$(BIN)/python bench/payoff.py
	$(BIN)/python bench/data.py
	$(BIN)/python bench/onboarding.py
	$(BIN)/python bench/sharing.py

lock: $(STAMP)  ## refresh constraints.txt after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
