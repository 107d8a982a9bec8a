# The two README commands: `make site` and `make test`. Both create the environment when missing.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test browser bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

site: $(STAMP)            ## build the bulletin site from records/ into site/
	$(VENV)/bin/bulletin build --out site

serve: $(STAMP)           ## preview at http://127.0.0.1:8000, rebuilt (incrementally) on every save
	$(VENV)/bin/bulletin serve --port 8000

browser:                  ## Debian's Chromium and CJK fonts for the browser tests
	@bash .ci/ensure-browser

test: $(STAMP) browser    ## the whole test suite, browser tests included
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)           ## the benchmark (see README)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(VENV)/bin/python -m benchmarks

clean:
	rm -rf $(VENV) site .cache
