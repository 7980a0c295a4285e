# The two commands of the quick start: `make site` and `make test`.
# Each makes its own virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve validate pages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "playbook needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

site: $(STAMP)  ## build the sample playbook into site/
	$(BIN)/playbook build

test: $(STAMP)  ## lint, type-check and run the tests
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

serve: $(STAMP)  ## serve the site with live reload on http://127.0.0.1:8000/
	$(BIN)/playbook serve

validate: $(STAMP)  ## check the content only
	$(BIN)/playbook validate

pages: $(STAMP)  ## write the generated pages and the finder index to build/docs (for other builders)
	$(BIN)/playbook pages --out build/docs

clean:
	rm -rf $(VENV) site build .pytest_cache
