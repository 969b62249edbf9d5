# Two commands for a new machine: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-embedded test-services bench schema clean web web-check official-specs lint

# The import page (web/): Node.js 20+ builds it; the API runs without it.
NPM ?= npm
WEB_DEPS := web/node_modules/.installed
WEB_BUILT := web/dist/index.html
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/graphiql.html web/vite.config.ts \
	web/tsconfig.json web/package.json web/package-lock.json
NODE_OK = node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null
NODE_HOW = Node.js 20 or newer builds the import page: https://nodejs.org/en/download (or your package manager, e.g. apt-get install nodejs npm on Debian 13)

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required (set PYTHON=...)") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The services' own published material that tests/connectors/official checks against, from packages
# the npm registry serves (pinned; fetched once into .venv/official by `npm pack`, no dependencies):
# Shopify's Admin GraphQL schema per API version ships in @shopify/dev-mcp, and Pipedrive's client
# generated from its OpenAPI (with its request and model declarations) is `pipedrive`.
OFFICIAL_DIR := $(VENV)/official
SHOPIFY_SCHEMAS := @shopify/dev-mcp@1.16.0
PIPEDRIVE_CLIENT := pipedrive@33.7.0
OFFICIAL := $(OFFICIAL_DIR)/.installed-dev-mcp-1.16.0-pipedrive-33.7.0-v1-v2

$(OFFICIAL): | $(BIN)/python
	rm -rf $(OFFICIAL_DIR) && mkdir -p $(OFFICIAL_DIR)/shopify $(OFFICIAL_DIR)/pipedrive
	cd $(OFFICIAL_DIR) && $(NPM) pack --silent $(SHOPIFY_SCHEMAS) $(PIPEDRIVE_CLIENT) > /dev/null
	tar -xzf $(OFFICIAL_DIR)/shopify-dev-mcp-*.tgz -C $(OFFICIAL_DIR)/shopify --strip-components=3 \
		--wildcards 'package/dist/data/admin_*.json.gz' package/dist/data/supported-versions-schema.json
	tar -xzf $(OFFICIAL_DIR)/pipedrive-*.tgz -C $(OFFICIAL_DIR)/pipedrive --strip-components=2 \
		--wildcards 'package/dist/versions/v[12]/api/*.d.ts' 'package/dist/versions/v[12]/models/*.d.ts'
	rm -f $(OFFICIAL_DIR)/*.tgz
	touch $@

## The published specifications the connectors are checked against (part of `make test`).
official-specs: $(OFFICIAL)

# npm ci when node_modules is missing or older than the lock file.
$(WEB_DEPS): web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	touch $@

# A build when any source of the page (or the schema it is typed from) changed.
$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES) schema.graphql
	cd web && $(NPM) run build
	touch $@

## The import page and GraphiQL, built into web/dist (served by the app).
web: $(WEB_BUILT)

## The page's own checks: types, lint, generated types equal to what schema.graphql gives, Vitest.
web-check: $(WEB_BUILT)
	cd web && $(NPM) run typecheck && $(NPM) run lint && $(NPM) run codegen:check && $(NPM) test

## Migrate, seed the demo account and sample feed, build the page when its sources changed, then
## run the API (the page, GraphiQL) and a worker. Without Node.js 20+ it serves the API alone.
run: $(STAMP)
	@if $(NODE_OK); then $(MAKE) --no-print-directory web; \
	else echo "!! The import page is not built: $(NODE_HOW). The API runs without it."; fi
	$(BIN)/autoimport run

## Lint (ruff, no formatting) and strict types (mypy on app/ and workers/): a new finding fails `make test`.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## The whole suite: on SQLite + embedded Redis, then on PostgreSQL + Redis when
## AUTOIMPORT_TEST_DATABASE_URL and AUTOIMPORT_TEST_REDIS_URL are set.
test: $(STAMP) $(OFFICIAL)
	@$(NODE_OK) || { echo "make test needs $(NODE_HOW)"; exit 1; }
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory web-check
	AUTOIMPORT_TEST_BACKEND=embedded $(BIN)/pytest
	@if [ -n "$$AUTOIMPORT_TEST_DATABASE_URL" ] && [ -n "$$AUTOIMPORT_TEST_REDIS_URL" ]; then \
		echo "== again on PostgreSQL and Redis =="; \
		AUTOIMPORT_TEST_BACKEND=services $(BIN)/pytest; \
	fi

# The `bench` extra (dlt, the peer bench/peer.py measures against), kept out of `make test`'s install.
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/autoimport export-schema

clean:
	rm -rf $(VENV) var .pytest_cache web/node_modules web/dist
