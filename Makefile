# The README's quick start: `make demo` and `make test`, each from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test bench lint clean

$(VENV)/.installed-runtime:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime
	$(PIP) install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed-runtime
	$(PY) -m ember.demo

test: $(VENV)/.installed-dev
	$(PY) -m pytest -n 2 tests

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(PIP) install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
