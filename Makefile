# Two commands for a new machine: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-embedded test-services bench schema clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required (set PYTHON=...)") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Migrate, seed the demo account and sample feed, then run the API (GraphiQL) and a worker.
run: $(STAMP)
	$(BIN)/autoimport run

## The whole suite: on SQLite + embedded Redis, then on PostgreSQL + Redis when
## AUTOIMPORT_TEST_DATABASE_URL and AUTOIMPORT_TEST_REDIS_URL are set.
test: $(STAMP)
	AUTOIMPORT_TEST_BACKEND=embedded $(BIN)/pytest
	@if [ -n "$$AUTOIMPORT_TEST_DATABASE_URL" ] && [ -n "$$AUTOIMPORT_TEST_REDIS_URL" ]; then \
		echo "== again on PostgreSQL and Redis =="; \
		AUTOIMPORT_TEST_BACKEND=services $(BIN)/pytest; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/autoimport export-schema

clean:
	rm -rf $(VENV) var .pytest_cache
