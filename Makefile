# Two commands set everything up: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCAL := DJANGO_SETTINGS_MODULE=school_improvement.config.settings.local
# One test process per core (pytest-xdist); each gets its own test database.
PYTEST_ARGS ?= -n auto

.PHONY: demo test lint bench bench-national frontend install clean-demo serve

$(STAMP): requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

static_build/.built: package.json package-lock.json frontend/app.scss frontend/app.js
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static_build/govuk
	npx sass --quiet-deps --load-path=node_modules --style=compressed --no-source-map frontend/app.scss static_build/app.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static_build/govuk/
	rm -rf static_build/govuk/assets && mkdir -p static_build/govuk/assets/images
	cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.* static_build/govuk/assets/images/
	cp frontend/app.js static_build/app.js
	touch static_build/.built

frontend: static_build/.built

demo: install frontend
	$(LOCAL) $(PY) manage.py migrate --no-input -v0
	$(LOCAL) $(PY) manage.py load_demo
	@echo "Starting the background job worker and the web server on http://127.0.0.1:8000 (Ctrl-C stops both)"
	@$(LOCAL) $(PY) manage.py run_huey --quiet & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(LOCAL) $(PY) manage.py runserver 127.0.0.1:8000

serve: install frontend
	@$(LOCAL) $(PY) manage.py run_huey --quiet & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(LOCAL) $(PY) manage.py runserver 127.0.0.1:8000

clean-demo:
	rm -f var/demo.sqlite3 var/jobs.sqlite3*

test: install frontend
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check engines
	$(VENV)/bin/mypy engines school_improvement

bench: install frontend
	$(PY) -m bench

bench-national: install frontend
	$(PY) -m bench --national
