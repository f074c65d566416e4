# PLynx: `make up` runs the platform, `make test` runs every test. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The database the tests run on (pytest-django creates and drops test_<name> beside it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
# The tests' own Redis databases (13 and 14), apart from the 0 that `make up` uses.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: up down status test lint check-migrations pytest frontend-test e2e deploy-check frontend-api-types install install-dev clean help

help:
	@echo "make up      install what is needed and run the platform (web, worker, beat, Flower)"
	@echo "make down    stop every process make up started"
	@echo "make status  show the processes make up started"
	@echo "make test    install what is needed and run every test (lint, migrations, pytest, frontend, browser suite)"
	@echo "make lint    ruff check, format check and mypy"
	@echo "make frontend-test       the web app's lint, type check and Vitest suite (part of make test)"
	@echo "make e2e     the browser suite (Playwright, headless Chromium) against the real stack (part of make test)"
	@echo "make deploy-check        validate the compose file and the Kubernetes manifests (part of make test)"
	@echo "make frontend-api-types  regenerate the web app's API types from the server's OpenAPI schema"

# The virtualenv is rebuilt when a requirements file changes.
# The platform itself imports the plynx package (sdk/): operations defined in Python are served
# from it, so it is installed beside the pinned requirements (its own dependencies are among them).
$(BIN)/.runtime-installed: requirements.txt sdk/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python 3.11+ is needed ($(PYTHON) is older)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e ./sdk
	@touch $@

$(BIN)/.dev-installed: requirements-dev.txt $(BIN)/.runtime-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(BIN)/.runtime-installed
install-dev: $(BIN)/.dev-installed

up: install
	@PYTHON=$(BIN)/python compose/local/up.sh

down:
	@PYTHON=$(PYTHON) compose/local/down.sh

status:
	@$(BIN)/supervisorctl -c compose/local/supervisord.conf status

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy plynx_site apps sdk/plynx

check-migrations: install-dev
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py makemigrations --check --dry-run

pytest: install-dev
	@PYTHON=$(BIN)/python compose/local/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

# The web app (frontend/): npm ci installs exactly what package-lock.json pins; the committed API
# types must be those of the server's current schema.
frontend-test: install-dev
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run lint && npm run typecheck && npm test
	@mkdir -p var
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py spectacular --format openapi-json --file var/openapi.json
	cd frontend && npm run api:types -- --check ../var/openapi.json

frontend-api-types: install-dev
	@mkdir -p var
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py spectacular --format openapi-json --file var/openapi.json
	cd frontend && npm run api:types -- ../var/openapi.json

# The browser suite (frontend/e2e/): Debian's Chromium (Playwright downloads none), the built web
# app, and the real platform on free ports with a database and a Redis database of its own
# (tests/e2e_stack.py starts it, seeds it and always stops it). Screenshots land in var/screenshots/.
e2e: install-dev
	@PYTHON=$(BIN)/python compose/local/services.sh
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || bash -c 'source compose/local/lib.sh \
		&& apt_install chromium "the browser suite needs Chromium at /usr/bin/chromium"'
	cd frontend && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } \
		&& npm run build
	$(BIN)/python tests/e2e_stack.py -- npm --prefix frontend run e2e

# The deployment files (compose/docker-compose.yml, compose/k8s/): the Compose Specification's
# schema, `docker-compose config` (Debian's docker-compose package, installed when missing) and
# the Kubernetes schemas (kubernetes-validate, offline). Before pytest, whose tests/deploy need it.
deploy-check: install-dev
	@command -v docker-compose >/dev/null 2>&1 || bash -c 'source compose/local/lib.sh && apt_install docker-compose "make deploy-check runs docker-compose config"'
	$(BIN)/python -m tests.deploy.validate

test: lint check-migrations deploy-check pytest frontend-test e2e

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache frontend/node_modules frontend/dist
