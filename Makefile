# make chat  - set up .venv (once) and start the web chat on http://127.0.0.1:7860
#              (another port: make chat PORT=7861)
# make test  - set up .venv (once), install Chromium if missing, and run every test
# Both are safe to run again; they reinstall only when pyproject.toml changes. When the
# abstention model reads the answerability judge, both train it first (once per machine,
# python -m qa train-judge); the shipped model does not read one, and that step returns at once.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 7860

.PHONY: chat test setup judge build bench clean

$(STAMP): pyproject.toml
	@# A venv whose creation failed (e.g. no python3-venv) is removed, so a re-run starts clean.
	$(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } || \
	  { rm -rf $(VENV); echo "Could not create .venv - on Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

judge: $(STAMP)
	$(PY) -m qa train-judge

chat: judge
	$(PY) app.py --port $(PORT)

build: $(STAMP)
	$(PY) -m qa build

test: judge
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest -q -rs -p no:cacheprovider --junitxml=test-output/junit.xml

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) test-output
