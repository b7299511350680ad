# Two commands: `make demo` (install + run on the embedded defaults), `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install demo test lint bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock -e .
	touch $@

demo: install
	$(VENV)/bin/journeybot demo --serve

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lock:
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --python-version 3.11 -o requirements.lock
