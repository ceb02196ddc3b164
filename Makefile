# fogofwar: `make demo` and `make test` each bootstrap .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
EVAL_MIN := --min places_f1=1.0 --min places_acc161=1.0 --min places_acc25=1.0 --min claims_f1=1.0 --min claims_kind_acc=1.0 --min claims_side_acc=1.0 --min claims_certainty_acc=1.0 --min events_f1=1.0 --min events_actor_side_acc=1.0 --min events_date_acc=1.0

.PHONY: venv demo test eval clean

$(BIN)/fogofwar: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import fogofwar.nlp as n; n.load_nlp()"
	touch $(BIN)/fogofwar

venv: $(BIN)/fogofwar

demo: venv
	mkdir -p out
	$(BIN)/fogofwar gazetteer build
	$(BIN)/fogofwar analyze examples/ --out-dir out --format md -o out/report.md
	$(BIN)/fogofwar validate out/result.json
	@cat out/report.md
	@echo
	@echo "Wrote out/result.json, out/report.md, out/events.geojson, out/events.csv"

test: venv
	$(BIN)/fogofwar gazetteer build
	$(BIN)/python -m pytest -q
	@if [ -d "$(SHARED)/dev" ]; then \
		$(BIN)/fogofwar eval $(SHARED)/dev $(EVAL_MIN); \
	else \
		echo "skipping 'fogofwar eval': $(SHARED)/dev is absent"; \
	fi

eval: venv
	$(BIN)/fogofwar eval $(SHARED)/dev --per-file

clean:
	rm -rf $(VENV) out build *.egg-info
