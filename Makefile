# Scrutiny. Every target works on a fresh machine: it makes .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
AXE    := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: site test check serve pdf bench clean constraints system-deps system-deps-test

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test,search]'
	touch $(STAMP)

# Re-pin to the newest releases pyproject.toml allows (in a scratch venv), then `make test`.
constraints:
	rm -rf .venv-pins && $(PYTHON) -m venv .venv-pins
	.venv-pins/bin/python -m pip install -q -e '.[test,search]'
	{ sed -n '/^#/p' constraints.txt; .venv-pins/bin/python -m pip freeze --exclude-editable | grep -v '^#'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-pins

system-deps:
	tools/system-deps pdf

system-deps-test:
	tools/system-deps test

site: $(STAMP) system-deps      ## build the site and every public PDF into output/site/
	$(BIN)/scrutiny build

test: $(STAMP) system-deps-test $(AXE) ## the whole suite: unit, integration, PDF, real browser
	$(PY) -m pytest -q

# axe-core for the browser tests, pinned in tests/browser/package-lock.json (npm ci: exactly the lock).
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

check: $(STAMP)                 ## validate content/ and print every problem
	$(BIN)/scrutiny check

serve: $(STAMP) system-deps     ## build, serve on http://127.0.0.1:8000, rebuild on change
	$(BIN)/scrutiny serve --port 8000

pdf: $(STAMP) system-deps       ## the PDFs only
	$(BIN)/scrutiny build --pdf-only

bench: $(STAMP) system-deps     ## benchmark harness (see bench/README.md)
	$(PY) -m bench.run

clean:                          ## remove build products and caches (never content/)
	rm -rf output .cache .pytest_cache .hypothesis
