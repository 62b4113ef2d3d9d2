# Each target creates .venv and installs the project first, so a fresh clone needs
# nothing but python3 (3.11+) and make.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install serve test bench clean messages

# The query page's editor (docs/sparql.md), pinned by package-lock.json and served by
# ctlib itself from static/vendor/ (package data, not in git): npm runs again only when
# the lock changes.
NPM_STAMP := node_modules/.ci-stamp
VENDOR    := src/ctlib/web/static/vendor
VENDORED  := $(VENDOR)/yasqe.min.js $(VENDOR)/yasqe.min.css

install: $(STAMP) $(VENDORED)

$(NPM_STAMP): package-lock.json
	npm ci --silent --no-audit --no-fund --ignore-scripts
	touch $@

$(VENDOR)/%: $(NPM_STAMP)
	mkdir -p $(VENDOR)
	cp node_modules/@zazuko/yasqe/build/$* $@

$(STAMP): pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

serve: install
	$(BIN)/ctlib ingest --quiet data
	$(BIN)/ctlib serve --host 0.0.0.0 --port 8080

# A second store, on a part of the suite (all of it takes Virtuoso ~16 min; skipped
# where virtuoso-t is not installed). docs/stores.md says what fails on it and why.
VIRTUOSO_TESTS := tests/test_cli.py tests/test_web.py tests/test_sparql_endpoint.py tests/test_oai.py

test: install
	$(BIN)/pytest -q
	CTLIB_TEST_STORE=oxigraph $(BIN)/pytest -q -m e2e
	CTLIB_TEST_STORE=virtuoso $(BIN)/pytest -q -m e2e $(VIRTUOSO_TESTS)

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python bench/ingest.py 10000 100000
	$(BIN)/python bench/deref.py --records 100000 --rounds 3
	$(BIN)/python bench/sparql.py --records 100000 --runs 5 --json bench/out/sparql-100000.json

clean:
	rm -rf var bench/out

# The interface's words: extracted from the templates and views into the template
# catalogue, merged into each language's (docs/translating.md).
TRANSLATIONS := src/ctlib/web/translations
messages: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords N_ --no-location \
		--sort-output --omit-header --output-file $(TRANSLATIONS)/messages.pot .
	for language in en es fr; do \
		$(BIN)/pybabel update --input-file $(TRANSLATIONS)/messages.pot \
			--output-dir $(TRANSLATIONS) --locale $$language --no-fuzzy-matching \
			--omit-header --ignore-obsolete || exit 1; \
	done
