# make chat  - set up .venv (once) and start the web chat on http://127.0.0.1:7860
# make test  - set up .venv (once), install Chromium if missing, and run every test
# Both are safe to run again; they reinstall only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: chat test setup build bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

chat: $(STAMP)
	$(PY) app.py

build: $(STAMP)
	$(PY) -m qa build

test: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest -q -rs --junitxml=test-output/junit.xml

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) test-output
