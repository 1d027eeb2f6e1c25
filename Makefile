# The two commands of the README: `make map` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: map test setup bench clean

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

map: $(STAMP)
	$(BIN)/geomap map seeds --out output

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	for b in bench_gazetteer bench_geoparse bench_extract bench_map bench_hostile bench_scale; do \
	  $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) output/*
