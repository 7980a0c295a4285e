# The two commands of the quick start: `make site` and `make test`.
# Each makes its own virtual environment in .venv and installs exactly the
# versions locked in requirements/ (with their hashes); `make lock` refreshes them.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCKS := requirements
# The builder for `make site`: mkdocs (Material), or zensical (`playbook pages` then Zensical).
BUILDER ?= mkdocs
SITE_LOCK := $(if $(filter zensical,$(BUILDER)),zensical,site)

.PHONY: site test check serve validate pages lock test-latest clean

# Install one lock into a new .venv. test.txt holds site.txt and zensical.txt at the
# same versions, so installing it marks those as installed too.
define install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "playbook needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCKS)/$(1).txt
	@# setuptools boxes a note about editable installs into every install; it is not ours to act on.
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet \
		--disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(foreach lock,$(2),$(VENV)/.installed-$(lock))
endef

$(VENV)/.installed-site: $(LOCKS)/site.txt pyproject.toml
	$(call install,site,site)
$(VENV)/.installed-zensical: $(LOCKS)/zensical.txt pyproject.toml
	$(call install,zensical,site zensical)
$(VENV)/.installed-test: $(LOCKS)/test.txt pyproject.toml
	$(call install,test,site zensical test)

site: $(VENV)/.installed-$(SITE_LOCK)  ## build the sample playbook into site/
	$(BIN)/playbook build --builder $(BUILDER)

test: $(VENV)/.installed-test  ## lint, type-check and run the tests
	$(MAKE) --no-print-directory check

check:  # the checks of `make test`, on whatever .venv holds
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: $(VENV)/.installed-site  ## serve the site with live reload on http://127.0.0.1:8000/
	$(BIN)/playbook serve

validate: $(VENV)/.installed-site  ## check the content only
	$(BIN)/playbook validate

pages: $(VENV)/.installed-site  ## write the generated pages and the finder index to build/docs (for other builders)
	$(BIN)/playbook pages --out build/docs

# Refresh the locks to the newest releases that pyproject.toml allows, for every
# platform and Python 3.11+ (uv's universal resolution; pip installs the result).
UV := .cache/lock-tool/bin/uv
COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--upgrade --custom-compile-command 'make lock' pyproject.toml $(LOCKS)/tools.in
lock:  ## refresh requirements/*.txt (then run make test and commit them)
	$(PYTHON) -m venv .cache/lock-tool
	.cache/lock-tool/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.9,<1'
	$(COMPILE) --extra test --extra zensical -o $(LOCKS)/test.txt
	$(COMPILE) -c $(LOCKS)/test.txt -o $(LOCKS)/site.txt
	$(COMPILE) -c $(LOCKS)/test.txt --extra zensical -o $(LOCKS)/zensical.txt

# The weekly early warning: the same checks on the newest releases, unlocked.
test-latest:
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --upgrade -e '.[test,zensical]'
	$(BIN)/python -m pip list
	$(MAKE) --no-print-directory check PYTEST_ARGS='--deselect tests/test_lock.py::test_the_environment_is_the_lock'

clean:
	rm -rf $(VENV) site build .pytest_cache
