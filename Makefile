# Every target installs what it needs first, so each works on a fresh machine.
PYTHON ?= python3

.PHONY: setup demo test lint docs provider-index

setup:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[test]"

## The main job: both detectors on the bundled reference stack and its faulty twin.
demo: setup
	$(PYTHON) scripts/demo.py

## The whole test suite, including the real Pulumi engine end to end.
test: setup
	bash scripts/test

## ruff, mypy ([tool.mypy]: which files, how strict), then vulture (dead code; settings and
## whitelist: pyproject.toml [tool.vulture]).
lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	$(PYTHON) -m vulture

docs: setup
	$(PYTHON) -m policypack.docs

## Regenerate the shipped provider index from provider wheels (downloads them with pip; see the script).
provider-index: setup
	$(PYTHON) scripts/generate_provider_index.py
