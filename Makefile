# favorbook: `make run` starts the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test soak lint format bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/favorbook $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# The crash test at length: 2,000 SIGKILLs of a writing favorbook (the suite runs 200).
soak: $(STAMP)
	FAVORBOOK_KILLS=$${FAVORBOOK_KILLS:-2000} $(PY) -m pytest -s tests/durability $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check favorbook tests
	$(PY) -m ruff format --check favorbook tests

format: $(STAMP)
	$(PY) -m ruff format favorbook tests
	$(PY) -m ruff check --fix favorbook tests

# The benchmark at 100,000 contacts (issue 6): bench/results.json and a table. The network
# is built once into bench/.data/ and reused while its schema and generator are unchanged.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
