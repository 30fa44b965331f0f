# CareSignal — the README's two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CARESIGNAL := $(BIN)/caresignal
MODEL_DIR ?= models/caresignal_evidence
INSTALLED := $(VENV)/.installed

# A recipe that fails leaves no half-built target behind (e.g. an app.css holding a Sass error).
.DELETE_ON_ERROR:

.PHONY: run test test-unit test-cluster test-rules up down status topics model schemas manifests helm promtool lint bench clean \
	assets browser pdf-deps screenshots

run: $(INSTALLED) model assets pdf-deps up ## set up everything, start the stack and all services, load samples, serve the API
	$(CARESIGNAL) run

test: $(INSTALLED) model helm assets browser pdf-deps up ## set up and run the whole test suite (unit, contract, integration)
	$(BIN)/pytest -q

test-unit: $(INSTALLED) helm ## the fast subset: no Kafka or Elasticsearch needed
	$(BIN)/pytest -q tests/unit tests/contract

test-rules: $(INSTALLED) promtool ## the alerting rules through promtool (check and test rules; builds promtool once, a long build)
	$(BIN)/pytest -q tests/rules

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
	services/common/redaction schemas/reference_data -type f -not -name '*.pyc' | sort) \
	$(wildcard services/common/lemmas.py services/classify/statements.py schemas/evidence.py)

$(MODEL_DIR)/meta.json: $(MODEL_SOURCES) | $(INSTALLED)
	$(CARESIGNAL) train --output $(MODEL_DIR)

schemas: $(INSTALLED) ## regenerate schemas/json from the pydantic models
	$(BIN)/python -m schemas.generate

manifests: $(INSTALLED) ## regenerate the Helm chart's data files (topics) from schemas/topics.py
	$(BIN)/python -m deploy.manifests

helm: $(INSTALLED) ## build Helm from the Go module proxy into the engine cache (once; validates the chart)
	$(BIN)/python -m deploy.helm

promtool: $(INSTALLED) ## build promtool from the Go module proxy into the engine cache (once; checks the alerting rules)
	$(BIN)/python -m deploy.promtool

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED) model assets pdf-deps up ## benchmarks: print tables and write JSON under bench-results/
	$(BIN)/python bench/run_all.py

# The web app's front end: npm packages pinned by package-lock.json, compiled and copied into STATIC.
STATIC := services/web/static
NODE_INSTALLED := node_modules/.installed
WEB_ASSETS := services/web/assets

$(NODE_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js 20 (apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

assets: $(STATIC)/app.css ## build the web app's CSS and copy GOV.UK / MOJ Frontend assets

$(STATIC)/app.css: $(NODE_INSTALLED) $(WEB_ASSETS)/app.scss $(WEB_ASSETS)/app.js $(WEB_ASSETS)/js-enabled.js
	rm -rf $(STATIC) && mkdir -p $(STATIC)
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images $(STATIC)/images
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(STATIC)/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets/images/. $(STATIC)/images/
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js $(STATIC)/
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css $(STATIC)/
	cp $(WEB_ASSETS)/app.js $(WEB_ASSETS)/js-enabled.js $(STATIC)/
	node_modules/.bin/sass --pkg-importer=node --load-path=. --style=compressed --no-source-map --quiet-deps \
		$(WEB_ASSETS)/app.scss $(STATIC)/app.css

browser: ## Debian's Chromium for the browser tests (installed with apt-get when missing)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; }

# WeasyPrint (from PyPI) lays out the review pack's PDF with Pango/HarfBuzz from Debian; Liberation Sans is
# Arial's metric twin (GOV.UK's print font); poppler-utils' pdftotext and pdfinfo read the PDF in the tests.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation poppler-utils

pdf-deps: ## Debian's libraries and fonts for PDF rendering (installed with apt-get when missing)
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES); }

screenshots: $(INSTALLED) model assets browser pdf-deps up ## regenerate docs/screenshots (desktop and mobile) from the real stack
	CARESIGNAL_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/integration/browser -k "every_page or review_pack"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache node_modules $(STATIC)
