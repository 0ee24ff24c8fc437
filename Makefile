# Quầy một cửa — developer commands. `make run` and `make test` do all the set-up themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= $(CURDIR)/.demo-data
PO := resources/translations/vi/LC_MESSAGES/counter_app.po
MO := $(PO:.po=.mo)

.PHONY: setup run test lint bench translations clean screenshot wheel

setup: $(STAMP) $(MO)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --statistics -d resources/translations -D counter_app

translations: $(MO)

ROLE ?= counter

run: setup
	test -f $(DATA_DIR)/counter.sqlite3 || $(BIN)/counter init --demo --data-dir $(DATA_DIR)
	@$(BIN)/python -m counter_app.ui.desktop_libs
	$(BIN)/counter-app --data-dir $(DATA_DIR) --role $(ROLE)

screenshot: setup
	test -f $(DATA_DIR)/counter.sqlite3 || $(BIN)/counter init --demo --data-dir $(DATA_DIR)
	QT_QPA_PLATFORM=offscreen $(BIN)/counter-app --data-dir $(DATA_DIR) --screenshot docs-counter.png

lint: setup
	$(BIN)/lint-imports
	$(BIN)/ruff check counter_app tests benchmarks migrations
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2 --dist loadgroup -q

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

# dist/counter_app-*.whl with resources/ and migrations/ inside the package (and the compiled .mo)
wheel: setup $(MO)
	rm -rf build
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation --wheel-dir dist .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO) resources/translations/en/LC_MESSAGES/*.mo
