# Partner CRM: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install install-test translations messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalls only when the dependency lists change.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d crm/translations

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

run: install instance/secret_key
	@SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask db upgrade
	@SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask setup
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C stops)"
	@SECRET_KEY=$$(cat instance/secret_key) $(BIN)/waitress-serve --host $(HOST) --port $(PORT) wsgi:app

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract translatable strings and merge them into the catalogues.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o crm/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache

# Measures every main request on a generated large office (built once into .bench/).
bench: install
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)
