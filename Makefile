# Every target sets itself up on first use: a virtual environment in .venv with the project
# installed (editable) and its dev tools. The stamp file re-runs the install only when
# pyproject.toml changes, so nothing is done twice.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES ?= sources.example.yaml
PYTEST_ARGS ?=

.PHONY: install run once test test-fast lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## run: the daemon on the bundled example sources (Ctrl-C stops it cleanly)
run: $(STAMP)
	$(BIN)/wirewatch run --sources $(SOURCES)

## once: one pass over every example source, then exit
once: $(STAMP)
	$(BIN)/wirewatch run --once --sources $(SOURCES)

## test: the whole suite (real Redis: $$WIREWATCH_REDIS_URL/$$REDIS_URL, else embedded)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
