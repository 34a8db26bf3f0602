PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test crawl demo serve bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

crawl: $(STAMP)
	$(BIN)/cchc-archive crawl

demo: $(STAMP)
	$(BIN)/cchc-archive demo

serve: $(STAMP)
	$(BIN)/cchc-archive serve

# Every benchmark at full size, one table (6 to 8 minutes on 2 cores);
# `make bench BENCH_ARGS=--quick` for small sizes.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info
