# ecomops: the two commands are `make build` and `make test`.
# Everything else is a step they call, runnable on its own.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV        ?= .venv
BIN         := $(VENV)/bin
PY          := $(BIN)/python
# The Spark run (docs/spark.md) has its own environment: pyspark beside
# great_expectations in one venv is unsafe (docs/spark.md).
SPARK_VENV  ?= .venv-spark
SPARK_BIN   := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed
# The CLV Python models. dbt-spark's session mode runs no Python models, so
# build-spark builds everything else of SPARK_SELECT first, then runs their code
# outside dbt (python -m ecomops.clv.spark_step), tests them, and builds what
# reads them (docs/spark.md, docs/decisions.md). SPARK_CLV=no skips those stages
# (for a SPARK_SELECT without int_customer_clv_inputs, where the step cannot run).
SPARK_CLV_MODELS := int_clv_parameters int_customer_clv_scores int_clv_holdout_predictions
SPARK_CLV_DOWNSTREAM := $(addsuffix +,$(SPARK_CLV_MODELS))
SPARK_CLV ?= yes
# What runs on Spark (docs/spark.md): the seeds and every model, their data
# tests and unit tests with them; the CLV models through the step above.
SPARK_SELECT ?= path:seeds path:models
# Left out of every stage. The CLV models need not be listed: the recipe
# keeps them (and what reads them) out of the first stage itself.
SPARK_EXCLUDE ?=
# The schemas make test-spark compares, table by table.
SPARK_PARITY_SCHEMAS ?= staging intermediate marts
# The tooling runs from the checkout (python -m ecomops); no install step needed.
ECOMOPS     := $(PY) -m ecomops
DBT         := $(BIN)/dbt
STAMP       := $(VENV)/.installed
# pytest processes (pytest-xdist); tests/python/conftest.py keeps each module in one.
PYTEST_WORKERS ?= 2
# Where make test keeps the report of the lint it runs beside the build.
LINT_LOG_DIR ?= $(or $(DBT_TARGET_PATH),target)

export DBT_PROFILES_DIR   := $(CURDIR)/profiles
export ECOMOPS_WAREHOUSE  ?= $(CURDIR)/warehouse.duckdb
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv build test lint dbt-build validate coverage metrics browser dashboard dashboard-serve pytest generate docs benchmark clean spark-venv build-spark test-spark test-incremental test-spark-incremental

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt constraints.txt
	@echo "==> creating $(VENV) with pinned requirements ($(PYTHON_BOOT))"
	@test -n "$(PYTHON_BOOT)" || { echo "Python 3.11 is required: install it and run make again"; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@# dbt loads the project's dbt-duckdb plugin (ecomops.dbt.pii_salt) from the checkout.
	$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'ecomops.pth').write_text('$(CURDIR)\\n')"
	@touch $@

venv: $(STAMP) ## create the virtual environment from the pinned requirements

dbt-build: $(STAMP) ## dbt build straight into $ECOMOPS_WAREHOUSE, no publish step (development only)
	@echo "==> dbt build into $(ECOMOPS_WAREHOUSE)"
	$(DBT) build --full-refresh
	@# dbt docs generate overwrites run_results.json: keep the build's for pytest.
	cp "$${DBT_TARGET_PATH:-target}/run_results.json" "$${DBT_TARGET_PATH:-target}/build_run_results.json"

validate: $(STAMP) ## Great Expectations checkpoint against the built warehouse
	@echo "==> Great Expectations checkpoint"
	$(ECOMOPS) validate --profile sample

coverage: $(STAMP) ## documentation and key-test coverage gates (needs dbt docs generate)
	@echo "==> coverage gates"
	$(DBT) docs generate --quiet
	$(ECOMOPS) coverage

metrics: $(STAMP) ## MetricFlow: parse the semantic layer and validate it against the published warehouse
	@echo "==> mf validate-configs (models/semantic)"
	@# mf reads target/semantic_manifest.json; the bi target opens the warehouse read-only.
	$(DBT) parse --quiet --target-path target
	DBT_TARGET=bi $(BIN)/mf validate-configs

browser: ## Debian's chromium and a CJK font for the dashboard's browser test (apt-get, as root or with sudo)
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then \
		echo "==> chromium: $$(command -v chromium)"; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
			echo "The dashboard test needs Debian's chromium and a CJK font: run 'apt-get install chromium fonts-wqy-zenhei' as root, then make again"; exit 1; fi; \
		echo "==> installing chromium and fonts-wqy-zenhei (apt-get)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null \
			|| { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null; }; \
		echo "==> chromium: $$(command -v chromium)"; \
	fi

dashboard: $(STAMP) ## build the operations dashboard (static HTML, target/dashboard) from the published warehouse
	@test -f "$(ECOMOPS_WAREHOUSE)" || $(MAKE) --no-print-directory build
	$(ECOMOPS) dashboard --warehouse "$(ECOMOPS_WAREHOUSE)" --out target/dashboard

dashboard-serve: dashboard ## build the dashboard and serve it at http://127.0.0.1:8765/ (Ctrl-C stops)
	$(ECOMOPS) dashboard --warehouse "$(ECOMOPS_WAREHOUSE)" --out target/dashboard --serve --port 8765

build: $(STAMP) ## write, audit, publish: dbt build + GX into a candidate, then rename it over the warehouse
	@# A full refresh: the sample or the models may have changed since the
	@# last build (the daily run on an export is incremental: README, Publishing).
	$(ECOMOPS) publish --warehouse "$(ECOMOPS_WAREHOUSE)" --profile sample -- --full-refresh
	@# dbt docs generate overwrites run_results.json: keep the build's for pytest.
	cp "$${DBT_TARGET_PATH:-target}/run_results.json" "$${DBT_TARGET_PATH:-target}/build_run_results.json"
	@echo
	@echo "Warehouse: $(ECOMOPS_WAREHOUSE)"
	@echo "Marts:     schema 'marts' (e.g. select * from marts.fct_orders)"
	@echo "Quarantine: select * from staging.stg_quarantine__rows"

lint: $(STAMP) ## sqlfluff over models, macros, analyses and dbt tests
	@echo "==> sqlfluff lint"
	@# ecomops.lint is sqlfluff's own CLI with each Jinja source compiled once per
	@# process (the macro files, otherwise twice per linted file): same results,
	@# 40% less CPU (ecomops/lint.py). The filter hides multiprocessing's
	@# resource_tracker notice about a semaphore its workers already removed.
	PYTHONWARNINGS="ignore:resource_tracker:UserWarning" $(ECOMOPS).lint lint --processes 2 models macros analyses tests/dbt

pytest: $(STAMP) ## the Python test suite (uses the warehouse make build published)
	@echo "==> pytest"
	ECOMOPS_TEST_WAREHOUSE=$(ECOMOPS_WAREHOUSE) \
	ECOMOPS_TEST_RUN_RESULTS="$${DBT_TARGET_PATH:-$(CURDIR)/target}/build_run_results.json" \
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadscope -m "not incremental and not spark_incremental"

test-incremental: $(STAMP) ## incremental runs (daily exports of the sample, late rows) equal a full refresh, every mart (.ci/run runs it after make test)
	@echo "==> pytest -m incremental (tests/python/test_incremental.py)"
	$(BIN)/pytest -q -m incremental

test-spark-incremental: $(SPARK_STAMP) $(STAMP) ## a Spark increment (delete+insert) equals DuckDB's full refresh (tests/python/test_spark_incremental.py; .ci/run runs it)
	@echo "==> pytest -m spark_incremental (tests/python/test_spark_incremental.py)"
	$(BIN)/pytest -q -m spark_incremental

test: $(STAMP) ## everything CI runs: lint, build (dbt build + tests + GX, published), coverage, MetricFlow, pytest (with the browser test)
	@# The build leaves a core idle much of the time: lint runs beside it and
	@# reports when the build is done; either failing fails make test.
	@mkdir -p "$(LINT_LOG_DIR)"
	@echo "==> sqlfluff lint, beside the build (its report follows the build; log: $(LINT_LOG_DIR)/lint.log)"
	@$(MAKE) --no-print-directory lint > "$(LINT_LOG_DIR)/lint.log" 2>&1 & lint_pid=$$!; \
	build_rc=0; $(MAKE) --no-print-directory build || build_rc=$$?; \
	lint_rc=0; wait $$lint_pid || lint_rc=$$?; \
	cat "$(LINT_LOG_DIR)/lint.log"; \
	if [ $$lint_rc -ne 0 ]; then echo "make test: sqlfluff lint failed (report above; make lint reruns it)"; fi; \
	if [ $$build_rc -ne 0 ]; then echo "make test: make build failed (see its output above the lint report)"; fi; \
	[ $$build_rc -eq 0 ] && [ $$lint_rc -eq 0 ]
	@$(MAKE) --no-print-directory coverage
	@$(MAKE) --no-print-directory metrics
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory pytest

generate: $(STAMP) ## regenerate the committed sample (seeds/raw) from the default seed and scale
	$(ECOMOPS) generate --out seeds/raw

docs: $(STAMP) ## dbt docs as one self-contained HTML file under target/
	$(DBT) docs generate --static

benchmark: $(STAMP) ## time generator + dbt build at scale (SCALE=…; see README)
	$(ECOMOPS) benchmark --scale $(or $(SCALE),10)

clean: ## remove build outputs (keeps the virtual environment)
	rm -rf target target_* logs reports $(ECOMOPS_WAREHOUSE) $(basename $(ECOMOPS_WAREHOUSE)).candidate.duckdb $(ECOMOPS_WAREHOUSE).publish.lock

$(SPARK_STAMP): requirements-spark.txt
	@echo "==> creating $(SPARK_VENV) for dbt-spark (session mode) ($(PYTHON_BOOT))"
	@test -n "$(PYTHON_BOOT)" || { echo "Python 3.11 is required: install it and run make again"; exit 1; }
	@command -v java >/dev/null 2>&1 || { echo "Spark needs Java 17 (java on PATH): install it and run make again"; exit 1; }
	$(PYTHON_BOOT) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	@touch $@

spark-venv: $(SPARK_STAMP) ## create .venv-spark (dbt-spark session mode + pyspark), apart from .venv

# build-spark in stages (the CLV step between two dbt runs); each stage's selection:
SPARK_DBT         = $(SPARK_BIN)/dbt
SPARK_DBT_FLAGS   = --target spark --target-path target_spark --log-path target_spark/logs
SPARK_EXCLUDE_ARG = $(if $(strip $(1)),--exclude $(1))
# What reads the CLV models and is in SPARK_SELECT: each selector of one, intersected (a,b) with each of the other.
SPARK_CLV_SELECTED = $(foreach a,$(SPARK_SELECT),$(foreach b,$(SPARK_CLV_DOWNSTREAM),$(a),$(b)))
# test-spark's DuckDB build: what Spark built (with SPARK_CLV=no, nothing from the CLV models on).
SPARK_DUCKDB_EXCLUDE = $(SPARK_EXCLUDE) $(if $(filter yes,$(SPARK_CLV)),,$(SPARK_CLV_DOWNSTREAM))

build-spark: $(SPARK_STAMP) ## dbt build on a local Spark (target spark) of SPARK_SELECT, the CLV fit run outside dbt (docs/spark.md)
	@echo "==> [1/4] dbt build on Spark (session mode): $(SPARK_SELECT), up to the CLV inputs"
	@# cautious: a test that also reads a model outside the selection (a mart) is left out.
	$(SPARK_DBT) build $(SPARK_DBT_FLAGS) -s $(SPARK_SELECT) \
		--exclude $(SPARK_EXCLUDE) $(SPARK_CLV_DOWNSTREAM) \
		--indirect-selection cautious
ifeq ($(SPARK_CLV),yes)
	@echo "==> [2/4] the CLV fit outside dbt: $(SPARK_CLV_MODELS) (python -m ecomops.clv.spark_step)"
	$(SPARK_BIN)/python -m ecomops.clv.spark_step --manifest target_spark/manifest.json
	@echo "==> [3/4] dbt test of the CLV models' data tests"
	$(SPARK_DBT) test $(SPARK_DBT_FLAGS) -s $(SPARK_CLV_MODELS) $(call SPARK_EXCLUDE_ARG,$(SPARK_EXCLUDE)) \
		--indirect-selection cautious
	@echo "==> [4/4] dbt build of what reads the CLV models (in SPARK_SELECT)"
	@# buildable: a test that also reads a CLV model (an ancestor) runs here.
	$(SPARK_DBT) build $(SPARK_DBT_FLAGS) -s $(SPARK_CLV_SELECTED) \
		--exclude $(SPARK_CLV_MODELS) $(SPARK_EXCLUDE) --indirect-selection buildable
endif

test-spark: build-spark $(STAMP) ## parity: the Spark build's tables against a DuckDB build of the same selection (docs/spark.md)
	@echo "==> the same selection on DuckDB: target_spark/duckdb.duckdb"
	rm -f target_spark/duckdb.duckdb
	ECOMOPS_WAREHOUSE=$(CURDIR)/target_spark/duckdb.duckdb $(DBT) build --quiet --target-path target_spark/duckdb \
		--log-path target_spark/duckdb/logs -s $(SPARK_SELECT) $(call SPARK_EXCLUDE_ARG,$(SPARK_DUCKDB_EXCLUDE)) \
		--indirect-selection cautious
	@echo "==> export the Spark tables and views (schemas $(SPARK_PARITY_SCHEMAS)) to Parquet"
	rm -rf target_spark/parity
	$(SPARK_BIN)/python -m ecomops.parity.export_spark $(addprefix --schema ,$(SPARK_PARITY_SCHEMAS)) --out target_spark/parity
	@echo "==> compare, table by table"
	rc=0; for schema in $(SPARK_PARITY_SCHEMAS); do \
		echo "--- schema $$schema"; \
		$(PY) -m ecomops.parity.compare --warehouse target_spark/duckdb.duckdb \
			--spark-dir target_spark/parity/$$schema --schema $$schema || rc=1; \
	done; exit $$rc
