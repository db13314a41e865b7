# Partner CRM: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install install-test translations messages bench bench-postgres bench-pair bench-table bench-load clean

# uv (a registry package) installs the dependencies in seconds where pip takes minutes; where
# uv cannot be installed, pip does the same work from the same pins.
UV_VERSION := 0.13.9
pip_install = if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python $(1); \
	else $(BIN)/pip install --quiet $(1); fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) || echo "uv not available: installing with pip"

# Reinstalls only when the dependency lists change.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(call pip_install,-c constraints.txt -e .)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(call pip_install,-c constraints.txt -e ".[test]")
	touch $@

install: $(VENV)/.installed translations instance/secret_key

install-test: $(VENV)/.installed-test translations instance/secret_key

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d crm/translations

# The secret key for this checkout, made once; SECRET_KEY in the environment overrides it.
instance/secret_key: | $(BIN)/python
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

# Plain HTTP on loopback: cookies cannot be marked Secure here (production serves HTTPS).
run: export SECURE_COOKIES ?= 0
run: install
	@$(BIN)/flask db upgrade
	@$(BIN)/flask setup
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C stops)"
	@$(BIN)/waitress-serve --host $(HOST) --port $(PORT) wsgi:app

# The suite is CPU-bound: pytest-xdist runs it on every core (two workers here, at most four),
# each worker with its own temporary folders, SQLite files (or PostgreSQL database:
# TEST_DATABASE_URL's name with the worker's id), live server and Chromium. PYTEST_WORKERS=0 runs
# them in one process.
PYTEST_WORKERS ?= auto

test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

# Extract translatable strings and merge them into the catalogues.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o crm/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache

# Measures every main request on a generated large office (built once into .bench/, or into the
# PostgreSQL database of DATABASE_URL). BENCH_ARGS="--scale 10" for 100,000 partners.
bench: install
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)

# The same on a throwaway PostgreSQL cluster (root and an installed PostgreSQL server, as .ci/run).
bench-postgres: install
	tests/bench/with-postgres $(BIN)/python tests/bench/run.py $(BENCH_ARGS)

# SQLite and PostgreSQL (PAIR_ARGS="--database-url postgresql://..." or DATABASE_URL) in one
# process, each request asked of both in turn, so a busy machine slows both alike.
bench-pair: install
	$(BIN)/python tests/bench/pair.py $(PAIR_ARGS)

# The README's table (both databases, both scales, each request's growth) from runs' JSON files.
bench-table:
	$(BIN)/python tests/bench/run.py --table $(RUNS)

# 20 concurrent clients against the production server setup (waitress threads) on a copy of the bench's office.
bench-load: install
	$(BIN)/python tests/bench/load.py $(LOAD_ARGS)
