# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres test-deploy translations lint format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# .po → .mo for a checkout (the wheel build compiles its own); only stale catalogues.
translations: $(STAMP)
	$(BIN)/python -m samizdat.core.translations

# The demo movement's name in the header (a real site sets these in its environment).
demo: export SAMIZDAT_SITE_NAME_RU ?= Движение «Ашық Дала»
demo: export SAMIZDAT_SITE_NAME_KK ?= «Ашық Дала» қозғалысы
demo: export SAMIZDAT_SITE_NAME_EN ?= Open Steppe Movement
demo: translations
	$(BIN)/samizdat demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: translations
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# Runs the same suite on PostgreSQL. Skips with a message when no server answers,
# unless SAMIZDAT_REQUIRE_POSTGRES=1 (set by .ci/run), where it fails instead.
test-postgres: translations
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$SAMIZDAT_REQUIRE_POSTGRES" = "1" ]; then \
		echo "FAIL: PostgreSQL is required but not reachable at $(PG_URL)"; exit 1; \
	else \
		echo "SKIPPED PostgreSQL run: no server reachable at $(PG_URL) (set PG_URL to point at one)"; \
	fi

# The documented deployment end to end (root, Debian nginx, PostgreSQL, Redis): builds the
# wheel, installs it, serves it behind nginx and checks it over HTTP (tests/deploy/).
DEPLOY_DB ?= samizdat_deploy
test-deploy: $(STAMP)
	SAMIZDAT_DEPLOY_TEST=1 SAMIZDAT_DEPLOY_DATABASE=$(DEPLOY_DB) \
		$(BIN)/pytest -s -q tests/deploy $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data
