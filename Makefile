# CareSignal — the README's two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CARESIGNAL := $(BIN)/caresignal
MODEL_DIR ?= models/caresignal_evidence
INSTALLED := $(VENV)/.installed

.PHONY: run test test-unit test-cluster up down status topics model schemas manifests helm lint bench clean

run: $(INSTALLED) model up ## set up everything, start the stack and all services, load samples, serve the API
	$(CARESIGNAL) run

test: $(INSTALLED) model helm up ## set up and run the whole test suite (unit, contract, integration)
	$(BIN)/pytest -q

test-unit: $(INSTALLED) helm ## the fast subset: no Kafka or Elasticsearch needed
	$(BIN)/pytest -q tests/unit tests/contract

test-cluster: $(INSTALLED) model ## fault suite on a local 3-broker, 3-node cluster (own ports; stopped after)
	$(CARESIGNAL) stack up --cluster
	$(BIN)/pytest -q tests/cluster; status=$$?; $(CARESIGNAL) stack down --cluster; exit $$status

$(INSTALLED): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

up: $(INSTALLED) ## start Kafka and Elasticsearch (idempotent) and create the topics
	$(CARESIGNAL) stack up
	$(CARESIGNAL) topics create

down: $(INSTALLED)
	$(CARESIGNAL) stack down

status: $(INSTALLED)
	$(CARESIGNAL) stack status

topics: $(INSTALLED)
	$(CARESIGNAL) topics create

model: $(MODEL_DIR)/meta.json ## train the spaCy pipeline from ../shared/data (again when its code or configs change)

# Everything the trained pipeline and its model card are built from: a change retrains, so a stale model
# cannot hide a regression.
MODEL_SOURCES := $(shell find services/classify/pipeline services/classify/training services/classify/evaluation \
	schemas/reference_data -type f -not -name '*.pyc' | sort) $(wildcard services/classify/redaction* \
	services/classify/names.py services/classify/lemmas.py services/classify/statements.py schemas/evidence.py)

$(MODEL_DIR)/meta.json: $(MODEL_SOURCES) | $(INSTALLED)
	$(CARESIGNAL) train --output $(MODEL_DIR)

schemas: $(INSTALLED) ## regenerate schemas/json from the pydantic models
	$(BIN)/python -m schemas.generate

manifests: $(INSTALLED) ## regenerate the Helm chart's data files (topics) from schemas/topics.py
	$(BIN)/python -m deploy.manifests

helm: $(INSTALLED) ## build Helm from the Go module proxy into the engine cache (once; validates the chart)
	$(BIN)/python -m deploy.helm

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED) model up ## benchmarks: print tables and write JSON under bench-results/
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
