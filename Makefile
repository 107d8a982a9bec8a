# The two README commands: `make site` and `make test`. Both create the environment when missing,
# from the locks in requirements/ (hashes checked), never from floating versions.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet
STAMP  := $(VENV)/.installed
LOCK   := requirements/test.lock
UV     := $(VENV)/bin/uv
COMPILE = $(UV) pip compile pyproject.toml requirements/build.in --generate-hashes --universal \
          --python-version 3.11 --no-header --quiet
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test browser bench lock upgrade clean

$(STAMP): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

site: $(STAMP)            ## build the bulletin site from records/ into site/
	$(VENV)/bin/bulletin build --out site

serve: $(STAMP)           ## preview at http://127.0.0.1:8000, rebuilt (incrementally) on every save
	$(VENV)/bin/bulletin serve --port 8000

browser:                  ## Debian's Chromium and CJK fonts for the browser tests
	@bash .ci/ensure-browser

test: $(STAMP) browser    ## the whole test suite, browser tests included
	$(VENV)/bin/python -m pytest -q -n 2

bench: $(STAMP)           ## the benchmark (see README)
	$(PIP) install --require-hashes --no-deps -r requirements/bench.lock
	$(VENV)/bin/python -m benchmarks

$(UV): $(STAMP)
	$(PIP) install uv

lock: $(UV)               ## write the locks from pyproject.toml, keeping the pinned versions where allowed
	$(COMPILE) -o requirements/runtime.lock
	$(COMPILE) --extra test -o requirements/test.lock
	$(COMPILE) --extra test --extra bench -o requirements/bench.lock

upgrade: $(UV)            ## the newest versions pyproject.toml allows, then the whole test suite
	$(COMPILE) --upgrade -o requirements/runtime.lock
	$(COMPILE) --upgrade --extra test -o requirements/test.lock
	$(COMPILE) --upgrade --extra test --extra bench -o requirements/bench.lock
	$(PIP) install --require-hashes --no-deps -r requirements/test.lock
	$(MAKE) test

clean:
	rm -rf $(VENV) site .cache
