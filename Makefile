# Two commands: `make demo` (install + run on the embedded defaults), `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY)
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-dev demo test lint lock

# The runtime only (no test tools, no LLM providers: `pip install journeybot[openai]` adds one).
# Bytecode is compiled at install time: a fresh `journeybot --help` otherwise spends
# seconds compiling the libraries it imports. Our own packages too (the editable install
# leaves them to the first run, or to every run where PYTHONDONTWRITEBYTECODE is set), and
# the glossary's index (knowledge/glossary.py), which a first answer would otherwise build.
install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) -r requirements.lock -e .
	$(PY) -m compileall -q bot knowledge metrics prompts
	$(PY) -c "from knowledge import glossary; glossary.concepts_of('kunde')"
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(UV) -r requirements-dev.lock -e .
	touch $@

demo: install
	$(VENV)/bin/journeybot demo --serve

test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

# Both locks from pyproject.toml; existing pins are kept unless pyproject asks otherwise.
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock
