# The two README commands are `make site` and `make test`; both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test check lint bench bench-site-10k setup setup-test browser serve docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || (apt-get update && apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(STAMP)

setup-test: $(TEST_STAMP) browser

# Browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

## Main job: check the knowledge base, index it and build the site into site/.
site: $(STAMP)
	$(BIN)/kb build

## Live preview on http://127.0.0.1:8000 (re-renders when a note or references.bib changes).
serve: $(STAMP)
	$(BIN)/kb serve

check: $(STAMP)
	$(BIN)/kb check

## Style, types and the house rules (ARCHITECTURE.md: import-linter contracts in pyproject.toml).
lint: $(TEST_STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/mypy
	$(BIN)/lint-imports

## Whole test suite: lint, types, and every test (including the headless-Chromium ones).
test: setup-test lint
	$(BIN)/pytest -q

## Benchmark table on synthetic knowledge bases of 1,000 and 10,000 sources.
bench: $(TEST_STAMP)
	PYTHONPATH=scripts $(BIN)/python -m bench.bench --sizes 1000,10000

## The site (MkDocs and Zensical) and the live preview at 1,000 and 10,000 sources, in the field-wide 'reported' shape
## (5 claims and 2 reported claims a note): long (the 10,000-source build takes minutes).
bench-site-10k: $(TEST_STAMP)
	PYTHONPATH=scripts $(BIN)/python -m bench.bench --sizes 1000,10000 --shape reported --areas site,zensical,serve --site-max 10000

## Refresh the generated parts of the documentation: the problem-code table in CONTRIBUTING.md
## and the command reference docs/cli.md.
docs: $(STAMP)
	$(BIN)/python -m litkb.contrib.docs
	$(BIN)/python -m litkb.cli.reference

clean:
	rm -rf site .kb-index $(VENV)
