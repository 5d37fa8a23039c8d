# Everything a fresh machine needs is built from pyproject.toml into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv browser lint typecheck test demo schemas bench occupations-data clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The review page's end-to-end tests drive a real Chromium: Debian's package, installed when
# missing (Playwright's own browser download cannot reach its servers from these machines).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -q && apt-get install -y -q chromium; } >/dev/null

test: lint typecheck browser
	$(BIN)/pytest

schemas: $(STAMP)
	$(BIN)/python -m jobzone.schemas

demo: $(STAMP)
	$(BIN)/jobzone demo
	$(BIN)/jobzone check
	$(BIN)/jobzone render mlops-engineer

# The packaged occupations dataset, from the raw public files (RAW_DATA: their folder).
RAW_DATA ?= ../shared/data
occupations-data: $(STAMP)
	$(BIN)/python -m jobzone.occupations.build $(RAW_DATA)

bench: $(STAMP)
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/draft_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/occupations_bench.py
	$(BIN)/python bench/web_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
