# patok — the two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck unit bench bench-web clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## the browser the end-to-end tests drive (Debian's package; Playwright's own download does not work here)
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

## run: set up, load the demo cohort (seed 001) into the embedded SQLite database (var/), print its
## board, then serve: the web app and JSON API (http://127.0.0.1:8000), a local Prefect server
## (var/prefect) with the flows on their schedules, and e-mail kept as files in var/mail
run: setup
	$(BIN)/patok demo
	$(BIN)/patok serve

## test: set up, then lint, type-check and run the whole suite (SQLite and PostgreSQL)
test: setup $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/mypy
	PATOK_REQUIRE_POSTGRES=1 $(BIN)/pytest -n 2 -q

bench: setup
	$(BIN)/python bench/engine_throughput.py

## bench-web: the API's submit and approve under load from a separate process; the board page
bench-web: setup
	$(BIN)/python bench/web_load.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
