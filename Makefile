# Assure: `make run` to start the platform, `make test` to run the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STATIC_BUILD := build/static
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install assets run serve worker test test-unit test-system test-faults test-postgres lint format bench soak check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC_BUILD)/.built: node_modules/.installed assure/core/static_src/assure.scss
	mkdir -p $(STATIC_BUILD)/nhsuk $(STATIC_BUILD)/htmx
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
		assure/core/static_src/assure.scss $(STATIC_BUILD)/assure.css
	cp -R $(NHSUK)/assets/images $(STATIC_BUILD)/nhsuk/
	cp $(NHSUK)/nhsuk-frontend.min.js $(STATIC_BUILD)/nhsuk/
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC_BUILD)/htmx/
	touch $@

install: $(VENV)/.installed $(STATIC_BUILD)/.built ## Python and npm dependencies, and the built front-end assets

assets: $(STATIC_BUILD)/.built

run: install ## Migrate, load the framework and demo region, start a worker and serve on http://127.0.0.1:8000
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@trap 'kill 0' EXIT; \
	$(PY) manage.py db_worker --interval 2 >var/worker.log 2>&1 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production settings on SQLite over plain HTTP: gunicorn (deploy/gunicorn.conf.py) and the worker. A secret
# key is made once in var/secret-key. Use `make run` for development.
SERVE_ENV = DJANGO_SETTINGS_MODULE=assure.config.settings.production DEBUG=false \
	SECRET_KEY="$$(cat var/secret-key)" ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SITE_URL="http://$(HOST):$(PORT)" HOST=$(HOST) PORT=$(PORT)

serve: install ## The production configuration locally: gunicorn + worker on SQLite, http://127.0.0.1:8000
	mkdir -p var
	test -s var/secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret-key
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	@trap 'kill 0' EXIT; \
	$(SERVE_ENV) $(PY) manage.py db_worker --interval 2 >var/worker.log 2>&1 & \
	$(SERVE_ENV) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

worker: install
	$(PY) manage.py db_worker

test: install ## The whole suite on SQLite (unit, integration); browser tests run in test-system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint assure --lint
	DJANGO_SETTINGS_MODULE=assure.config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=assure.config.settings.test $(PY) manage.py check --fail-level WARNING
	$(BIN)/pytest -n 2 -q

test-unit: install
	$(BIN)/pytest -n 2 -q

test-system: install ## Browser tests (Playwright + Debian's Chromium + axe-core)
	$(BIN)/pytest -q -m system tests/system -n 2

test-faults: install ## Crash gunicorn and the worker mid-work, restart, check nothing is half-written
	$(BIN)/pytest -q -m faults tests/faults -p no:xdist

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint assure --lint

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Load-test the national dataset with the production settings (see README: National dataset and benchmarks)
	$(PY) -m bench.run

soak: install ## Ten minutes of mixed traffic at concurrency 16; fails on any error or growing memory (see README)
	$(PY) -m bench.soak

clean:
	rm -rf $(VENV) node_modules build staticfiles
