# Everything a newcomer needs: `make demo` to see it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Local services for the service-backed suite (override on the command line).
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/saylau
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/15
# Share of stations whose protocols `make demo` enters: the whole night takes longer than a
# newcomer should wait on the embedded setup; the demo prints the command that finishes it.
DEMO_REPORTING ?= 25
# Runs `manage.py $(1)` and prints how long it took (each step of `make demo`).
timed = @echo "==> manage.py $(1)"; start=$$(date +%s%N); $(BIN)/python manage.py $(1) && \
	echo "    $(firstword $(1)): $$(( ($$(date +%s%N) - start) / 1000000000 )) s"

.PHONY: install demo test test-services test-e2e test-fuzz lint format bench archive clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml verifier/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet -e ./verifier
	touch $@

demo: STARTED := $(shell date +%s)
demo: install
	mkdir -p var
	@echo "==> the transparency log's signing key, made for the demo only: var/transparency.key"
	$(BIN)/python manage.py transparency_key --out var/transparency.key --keep
	$(call timed,migrate --no-input)
	$(call timed,load_reference kz2023)
	$(call timed,create_demo_users)
	$(call timed,simulate_election_night --reporting $(DEMO_REPORTING))
	$(call timed,load_observers --visits --demo-logins)
	$(call timed,load_complaints kz2023)
	$(call timed,load_copies kz2023)
	$(call timed,verify_results)
	@echo ""
	@echo "Ready in $$(( $$(date +%s) - $(STARTED) )) s. The night is $(DEMO_REPORTING) % counted; to count the"
	@echo "rest (10 minutes of one core: 36,000 protocols entered twice; 19 minutes measured on a"
	@echo "busy 2-core machine), in another terminal while the site runs:"
	@echo "  $(BIN)/python manage.py simulate_election_night"
	@echo "or, to see what the forensic pages show when something is wrong, with 30 % of the"
	@echo "Turkistan region's remaining stations stuffed:"
	@echo "  $(BIN)/python manage.py simulate_election_night --stuff 30"
	@echo ""
	@echo "Saylau is starting at http://127.0.0.1:8000/"
	@echo "  results:  http://127.0.0.1:8000/results/  (down to every station; open data)"
	@echo "  forensics: http://127.0.0.1:8000/results/kz2023/contests/mazhilis-list/integrity/"
	@echo "  stations: http://127.0.0.1:8000/  (find a station and its ballots)"
	@echo "  the log:  http://127.0.0.1:8000/log/  (checkpoints signed with var/transparency.key)"
	@echo "  turnout:  http://127.0.0.1:8000/turnout/"
	@echo "  the day:  http://127.0.0.1:8000/admin/elections/stationreport/dashboard/"
	@echo "  admin:    http://127.0.0.1:8000/admin/  (logins above)"
	@echo "  observe:  http://127.0.0.1:8000/observe/  (logins observer, coordinator)"
	@echo "  API docs: http://127.0.0.1:8000/api/docs/"
	@echo "  health:   http://127.0.0.1:8000/health/"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The same suite plus the tests marked `services`, on Postgres and Redis, with a real worker.
test-services: install
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(BIN)/pytest -m "not e2e"

# Browser tests: Playwright drives Debian's chromium (apt-get install chromium); screenshots
# are kept in var/e2e/.
test-e2e: install
	$(BIN)/pytest -m e2e

# The API fuzzed from its own OpenAPI schema, in process: no 500s, answers match the schema.
test-fuzz: install
	$(BIN)/pytest -m fuzz

# The whole election record as one archive, checked offline as soon as it is written.
ARCHIVE ?= var/archive/saylau-$(shell date -u +%Y%m%dT%H%M%SZ).zip
archive: install
	$(BIN)/python manage.py export_archive $(ARCHIVE)
	$(BIN)/python manage.py verify_results --archive $(ARCHIVE)

# Each bench checks what it computed before it prints a figure (non-zero exit otherwise), and
# prints the same work done the plainest way (a COPY, one GROUP BY, a static file) beside it.
bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.aggregation
	$(BIN)/python -m bench.freshness
	$(BIN)/python -m bench.public_reads
	$(BIN)/python -m bench.protocol_entry
	$(BIN)/python -m bench.ingest_under_reads
	$(BIN)/python -m bench.verifier

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache *.egg-info
