# The README's commands. `make run` and `make test` work on a fresh machine with Python ≥ 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export MEETMATCH_ENV ?= development

.PHONY: run test test-fast smoke-wheel install install-test lint bench bench-load security-scan worker clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'

## run: install, migrate the SQLite database in instance/, load the demo event, serve the app and its worker
run: install
	$(BIN)/meetmatch db upgrade
	$(BIN)/meetmatch seed-demo
	@echo ""
	@echo "  meetmatch is starting on http://127.0.0.1:$(PORT)"
	@echo "  Public demo event:  http://127.0.0.1:$(PORT)/e/demo"
	@echo "  Organiser pages:    http://127.0.0.1:$(PORT)/organiser/  (organiser@example.com / demo-organiser)"
	@echo "  Mail goes to files in instance/outbox/ (no SMTP configured)."
	@echo ""
	MEETMATCH_PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) bash -c '\
	  $(BIN)/meetmatch worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/meetmatch run --port $(PORT)'

worker: install
	$(BIN)/meetmatch worker

## test: install what the tests need and run the whole suite (SQLite and PostgreSQL)
test: install-test
	$(BIN)/ruff check meetmatch tests bench wsgi.py
	$(BIN)/pytest $(PYTEST_ARGS)

## test-fast: the edit-test loop: SQLite only, no browser or slow tests, stop at the first failure
test-fast: install-test
	$(BIN)/pytest --db sqlite -m "not browser and not slow" -x -q $(PYTEST_ARGS)

## smoke-wheel: build the wheel, install it in a fresh venv outside the checkout and use it there
smoke-wheel:
	PYTHON=$(PYTHON) bash .ci/smoke-wheel

## translations: extract the text to translate, add it to every messages.po, compile the catalogues
## (then translate the new empty or "fuzzy" entries in meetmatch/translations/*/LC_MESSAGES/messages.po
## and run it again; tests/test_i18n_catalogue.py fails while one is missing)
translations: install
	$(BIN)/pybabel --quiet extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
	  --project meetmatch -o meetmatch/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i meetmatch/translations/messages.pot -d meetmatch/translations
	$(BIN)/pybabel compile --statistics -d meetmatch/translations  # says how many are left to translate

lint: install-test
	$(BIN)/ruff check meetmatch tests bench wsgi.py

bench: install-test
	$(BIN)/python bench/run.py

## bench-load: page views and registrations on gunicorn (4 workers), SQLite and PostgreSQL (needs wrk)
bench-load: install-test
	$(BIN)/python bench/load.py

## security-scan: bandit, pip-audit, and wapiti + sqlmap against a running production-mode instance (slow)
security-scan: install-test
	$(BIN)/pip install --quiet -e '.[security]'
	bash bench/security_scan.sh

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
