# fogofwar: `make demo` and `make test` each bootstrap .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
EVAL_MIN := --min places_f1=1.0 --min places_acc161=1.0 --min places_acc25=1.0 --min claims_f1=1.0 --min claims_kind_acc=1.0 --min claims_side_acc=1.0 --min claims_certainty_acc=1.0 --min events_f1=1.0 --min events_actor_side_acc=1.0 --min events_date_acc=1.0

.PHONY: venv sysdeps demo test eval bench loadtest train-attribution clean

$(BIN)/fogofwar: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import fogofwar.nlp as n; n.load_nlp()"
	touch $(BIN)/fogofwar

venv: $(BIN)/fogofwar

# System packages the tests use for real: Chromium (browser tests), PostgreSQL (store and API tests),
# a Java runtime (Spark). Installed with apt-get only when missing.
sysdeps:
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	command -v java >/dev/null 2>&1 || need="$$need default-jre-headless"; \
	if [ -n "$$need" ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "apt-get install:$$need"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$need; \
	fi

demo: venv
	mkdir -p out
	$(BIN)/fogofwar gazetteer build
	$(BIN)/fogofwar analyze examples/ --out-dir out --format md -o out/report.md
	$(BIN)/fogofwar validate out/result.json
	$(BIN)/fogofwar analyze examples/ --format html -o out/report.html
	rm -f out/fogofwar.db
	$(BIN)/fogofwar ingest examples/ --db out/fogofwar.db --no-progress
	@cat out/report.md
	@echo
	@echo "Wrote out/result.json, out/report.md, out/events.geojson, out/events.csv and out/report.html (open it in a browser, offline)."
	@echo "The analyst's map over a database: $(BIN)/fogofwar serve --db out/fogofwar.db, then open http://127.0.0.1:8000/"

test: venv sysdeps
	$(BIN)/fogofwar gazetteer build
	CI=$${CI:-1} $(BIN)/python -m pytest -q
	@if [ -d "$(SHARED)/dev" ]; then \
		$(BIN)/fogofwar eval $(SHARED)/dev $(EVAL_MIN); \
	else \
		echo "skipping 'fogofwar eval': $(SHARED)/dev is absent"; \
	fi

eval: venv
	$(BIN)/fogofwar eval $(SHARED)/dev --per-file

# Retrain the shipped PolNeAR attribution model (about 9 minutes; byte-identical for the same data and seed).
train-attribution: venv
	$(BIN)/fogofwar train-attribution $(SHARED)/bench/attribution/polnear/train -o src/fogofwar/data/models/attribution/polnear-crf.json.gz

bench: venv
	$(BIN)/fogofwar bench --articles 1000
	$(BIN)/fogofwar bench places --dev $(SHARED)/dev --lgl $(SHARED)/bench/geo/lgl.xml

loadtest: venv
	$(BIN)/python -m fogofwar.api.loadtest --seconds 10

clean:
	rm -rf $(VENV) out build *.egg-info
