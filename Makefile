# Veiligheidsindex — every command a user or CI needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RAW ?= data/raw
MARTS ?= data/marts
PORT ?= 8501
# Only this machine by default; a server deployment sets ADDRESS=0.0.0.0 behind sign-in (docs/deployment.md).
ADDRESS ?= 127.0.0.1
METHOD ?= v2
export DAGSTER_HOME := $(abspath data/dagster_home)

.PHONY: bench-national help setup browser run pipeline demo-data dashboard dagster test bench clean

help:  ## Show the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/veiligheidsindex: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "FOUT: $(PYTHON) niet gevonden (Python 3.11 is nodig)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/veiligheidsindex  ## Install everything in .venv (idempotent)
	@mkdir -p $(DAGSTER_HOME)

browser:  ## Install Debian's chromium for the browser test (root, apt)
	@test -x /usr/bin/chromium || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "WAARSCHUWING: chromium kon niet worden geïnstalleerd; de browsertest wordt overgeslagen."; }

demo-data: setup  ## Generate the demo data into data/raw when it is empty
	@if [ -z "$$(find $(RAW) -name '*.csv' 2>/dev/null | head -1)" ]; then \
		$(BIN)/veiligheidsindex demo-data --out $(RAW); \
	else echo "$(RAW) bevat al bestanden: geen demodata gegenereerd."; fi

pipeline: setup  ## Run the whole pipeline on data/raw -> data/marts (METHOD=v1 for method v1)
	$(BIN)/veiligheidsindex run --raw $(RAW) --marts $(MARTS) --method $(METHOD)

dashboard: setup  ## Start the dashboard on http://localhost:$(PORT)
	VI_MARTS_DIR=$(abspath $(MARTS)) $(BIN)/python -m dashboard.serve run dashboard/app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--server.headless true --client.toolbarMode minimal --browser.gatherUsageStats false

run: demo-data pipeline dashboard  ## Main job: set-up, demo data if needed, pipeline, dashboard

dagster: setup  ## Open the Dagster UI with everything loaded (http://localhost:3000)
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	VI_RAW_DIR=$(abspath $(RAW)) VI_MARTS_DIR=$(abspath $(MARTS)) VI_METHOD=$(METHOD) $(BIN)/dagster dev -m pipeline.definitions

test: setup browser  ## Run all tests
	$(BIN)/python -m pytest -q

bench: setup browser  ## Pipeline (v2 vs v1): time and peak memory per stage; interval coverage (simulation); dashboard render times; first chart in a real browser against a bare Streamlit app
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/coverage.py
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_browser.py

bench-national: setup  ## National-size input (K = 190 gemeenten, ~5 GB; built once): wall time, peak memory, floor, scaling curve
	$(BIN)/python bench/bench_national.py --k 190 --curve 1,10,50

clean:  ## Remove generated data and the venv
	rm -rf $(VENV) data/marts/*.parquet data/marts/publicaties data/marts/publicatie.json data/warehouse data/dagster_home bench/out
