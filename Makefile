# favorbook: `make run` starts the app, `make test` runs the whole suite.
# `make run DATA=~/territory-north` opens another data folder; `make run ARGS='--data-dir D'`
# passes any of favorbook's options (`ARGS='--data-dir D demo'` runs a command instead).
# `make dist` builds the one-folder bundle dist/favorbook/, `make dist-test` builds it and
# runs its smoke test, `make install-desktop` puts favorbook into the desktop's menus.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DIST_STAMP := $(VENV)/.dist-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BUNDLE := dist/favorbook/favorbook

.PHONY: run test soak lint format bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/favorbook $(if $(DATA),--data-dir "$(DATA)") $(ARGS)

# The suite runs on one worker process per core (pytest-xdist): 6.7-7.3 min instead of 12 on
# 2 cores. `make test JOBS=0` runs it in this process alone (easier to debug).
JOBS ?= auto
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

# The crash test at length: 2,000 SIGKILLs of a writing favorbook (the suite runs 200);
# then sync of 1,000 cards through Radicale and Xandikos between two data folders; then
# 200 `favorbook sync` runs SIGKILLed at random points, each finished by the next, 100
# against Radicale and 100 against Xandikos (the suite runs 6, against Radicale); then
# 2,000 syncs between devices through a folder SIGKILLed at random points (the suite 200).
soak: $(STAMP)
	FAVORBOOK_KILLS=$${FAVORBOOK_KILLS:-2000} $(PY) -m pytest -s tests/durability $(PYTEST_ARGS)
	FAVORBOOK_SOAK=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m soak tests/sync $(PYTEST_ARGS)
	FAVORBOOK_SYNC_KILLS=$${FAVORBOOK_SYNC_KILLS:-100} FAVORBOOK_SYNC_KILL_SERVERS=radicale,xandikos \
		QT_QPA_PLATFORM=offscreen \
		$(PY) -m pytest tests/sync/test_resume.py $(PYTEST_ARGS)
	FAVORBOOK_VAULT_KILLS=$${FAVORBOOK_VAULT_KILLS:-2000} QT_QPA_PLATFORM=offscreen \
		$(PY) -m pytest tests/vault/test_kill_many.py $(PYTEST_ARGS)

# Beside ruff: no function of cyclomatic complexity above 25 or longer than 120 lines
# (tests/code_limits.py over radon's figures; radon's grade E alone would allow 30).
lint: $(STAMP)
	$(PY) -m ruff check favorbook tests
	$(PY) -m ruff format --check favorbook tests
	$(PY) tests/code_limits.py favorbook

format: $(STAMP)
	$(PY) -m ruff format favorbook tests
	$(PY) -m ruff check --fix favorbook tests

.PHONY: dist dist-test install-desktop uninstall-desktop

# The build tools (PyInstaller) and what the bundle should carry beyond the base
# dependencies (SQLCipher, so the bundle can encrypt): the `dist` extra.
$(DIST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dist]'
	rm -f $(VENV)/.dist-installed-*
	touch $(DIST_STAMP)

# The one-folder bundle: dist/favorbook/favorbook. PyInstaller writes only into build/ and dist/.
dist: $(DIST_STAMP)
	PYTHONDONTWRITEBYTECODE=1 $(PY) -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller build.spec
	@echo "Built $(BUNDLE) (favorbook $$(cat dist/favorbook/VERSION)), $$(du -sh dist/favorbook | cut -f1)."

# The bundle as it ships: its own smoke test, offscreen, away from the source tree and
# the venv (from /, with a bare environment), so it can only use what it carries.
dist-test: dist
	cd / && env -i HOME="$$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
		"$(CURDIR)/$(BUNDLE)" --smoke-test

# The desktop file and icons into ~/.local/share (or $$XDG_DATA_HOME), starting the bundle
# when it was built, else the venv's favorbook.
install-desktop: $(STAMP)
	$(PY) resources/install_desktop.py "$(CURDIR)/$(BUNDLE)" "$(abspath $(VENV))/bin/favorbook"

uninstall-desktop: $(STAMP)
	$(PY) resources/install_desktop.py --uninstall

# The benchmark at 100,000 contacts (issue 6): bench/results.json and a table. The network
# is built once into bench/.data/ and reused while its schema and generator are unchanged.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
