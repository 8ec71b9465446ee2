# Two commands: `make run` (set up and start everything) and `make test`
# (the same set-up, then every test). See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Operator settings: an untracked .env overrides the embedded defaults below.
# The API tokens are the exception: one set in the real environment wins over .env.
RASA_API_TOKEN_FROM_ENV := $(RASA_API_TOKEN)
DESK_API_TOKEN_FROM_ENV := $(DESK_API_TOKEN)
-include .env
export
RASA_API_TOKEN := $(or $(RASA_API_TOKEN_FROM_ENV),$(RASA_API_TOKEN))
DESK_API_TOKEN := $(or $(DESK_API_TOKEN_FROM_ENV),$(DESK_API_TOKEN))
unexport RASA_API_TOKEN_FROM_ENV DESK_API_TOKEN_FROM_ENV

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
STAMP       := $(VENV)/.installed-$(shell md5sum requirements.txt 2>/dev/null | cut -c1-12)
MODEL       := models/current.tar.gz
MODEL_DEPS  := config.yml $(shell find domain data components -name '*.yml' -o -name '*.py' 2>/dev/null) \
               bot/language/input_guard.py

export DATABASE_URL        ?= sqlite:///$(CURDIR)/var/app.db
export RASA_PORT           ?= 5005
export ACTIONS_PORT        ?= 5055
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTIONS_PORT)/webhook
export TRACKER_DIALECT     ?= sqlite
export TRACKER_DB          ?= $(CURDIR)/var/tracker.db
export TRACKER_HOST        ?=
export TRACKER_USER        ?=
export TRACKER_PASSWORD    ?=
# The desk (python -m desk): the handoff API and engine; docs/handoff.md.
export DESK_PORT           ?= 8080
export RASA_URL            ?= http://localhost:$(RASA_PORT)
export EVENT_BROKER        ?= sql
export EVENT_BROKER_SQL_URL ?= sqlite:///$(CURDIR)/var/events.db
# Rasa and TensorFlow are chatty; keep the logs to what an operator needs.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
# Rasa stops answering a conversation for good once this many actions ran since its last
# listen (default 10): the line-check turn alone runs nine, a push through /execute one more.
export MAX_NUMBER_OF_PREDICTIONS ?= 20
# The largest HTTP body the Rasa server and the action server (both Sanic) take: Sanic's
# default is 100 MB. 2 MB holds any real message (a channel stores 20,000 characters of it).
export SANIC_REQUEST_MAX_SIZE ?= 2000000

.PHONY: help install secrets db model run shell test pytest test-unit test-db test-e2e validate test-stories \
        nlu-holdout lint typecheck bench clean telegram-webhook browser desk-assets

help:
	@echo "make run    set everything up (venv, database, model) and start the assistant"
	@echo "make test   the same set-up, then the whole test suite"
	@echo "make shell  chat in the terminal with the assistant started by 'make run'"
	@echo "make lint   ruff;  make typecheck   mypy"
	@echo "make test-unit | test-db | test-e2e   one kind of pytest test (markers unit, db, e2e)"

install: $(STAMP)

$(STAMP): requirements.txt
	@python=$$(scripts/find-python.sh) || exit 1; \
	  [ -x $(PY) ] || { echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<25"
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $@

# The API tokens (RASA_API_TOKEN, DESK_API_TOKEN) and the desk's demo password: a missing one is
# generated into .env, so no API is ever open. Everything that starts servers depends on it.
# Make read .env before `secrets` ran: a value generated in this run is read from the file.
DEMO_PASSWORD = $${DESK_DEMO_PASSWORD:-$$(sed -n 's/^DESK_DEMO_PASSWORD=//p' .env 2>/dev/null | tail -1)}
secrets: install
	@$(PY) -m scripts.ensure_secrets --root "$(CURDIR)"

db: secrets install
	@mkdir -p var
	$(PY) -m bot.db.migrate
	DESK_DEMO_PASSWORD="$(DEMO_PASSWORD)" $(PY) -m demo.seed

# Trained only when missing or older than what it is trained from. The model is dated
# when training started, so a file edited while it trained makes it stale.
$(MODEL): $(MODEL_DEPS) | install
	@started=$$(date +%s.%N); \
	$(RASA) train --domain domain --fixed-model-name current --out models --quiet && \
	touch -d "@$$started" $(MODEL)

model: $(MODEL)

# honcho loads .env itself, so a token `secrets` has just generated reaches the processes (make
# read .env before it existed). As .env overrides the environment there, a token set in the real
# environment is handed to honcho again as a second env file: a private temp file, unlinked at
# once and read through /dev/fd/3 (honcho opens its env files twice, so no pipe).
run: secrets db model desk-assets
	@echo ""
	@echo "  The assistant is starting (Ctrl-C stops every process)."
	@echo "  Chat in this machine's terminal:  make shell   (in another terminal)"
	@echo "  Web chat (demo page):  http://localhost:$(RASA_PORT)/webchat/"
	@echo "  REST webhook:  curl -s localhost:$(RASA_PORT)/webhooks/rest/webhook \\"
	@echo "                   -d '{\"sender\": \"demo\", \"message\": \"hola\"}'"
	@echo "  Demo customers to impersonate: docs/demo-data.md"
	@echo "  Agents' desk:  http://localhost:$(DESK_PORT)/   (docs/desk.md)"
	@echo "                   agents gabriela, blanca; supervisor: supervisor"
	@echo "                   password: $(DEMO_PASSWORD)   (DESK_DEMO_PASSWORD in .env)"
	@echo "                   real accounts: .venv/bin/python -m desk.manage create USERNAME --name ..."
	@echo "  Handoff API for agents:  http://localhost:$(DESK_PORT)/api/conversations?status=waiting"
	@echo "                   (Authorization: Bearer \$$DESK_API_TOKEN from .env; docs/handoff.md)"
	@echo ""
	@tokens=$$(mktemp) && env | grep -E '^(RASA|DESK)_API_TOKEN=.' >"$$tokens"; \
	  exec 3<"$$tokens" && rm -f "$$tokens" && \
	  exec $(VENV)/bin/honcho start -f Procfile -e .env,/dev/fd/3

shell: install
	$(PY) -m channels.terminal --url http://localhost:$(RASA_PORT)

test: lint typecheck db model validate pytest test-stories nlu-holdout

validate: install
	$(RASA) data validate --domain domain --fail-on-warnings

# Every pytest test (markers: unit, db, e2e; see tests/support/markers.py).
pytest: secrets db model browser desk-assets
	$(VENV)/bin/pytest

test-unit: install
	$(VENV)/bin/pytest -m unit

test-db: install
	$(VENV)/bin/pytest -m db

test-e2e: secrets db model browser desk-assets
	$(VENV)/bin/pytest -m e2e

test-stories: model
	$(RASA) test core --stories tests/test_stories --model $(MODEL) --out results/core --fail-on-prediction-errors --no-plot

nlu-holdout: model
	$(PY) -m scripts.nlu_holdout --model $(MODEL) --data tests/nlu_holdout.yml --min-macro-f1 0.92 --min-intent-f1 0.90

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy

clean:
	rm -rf var results models/*.tar.gz .rasa

bench: secrets db model
	$(PY) -m bench.technical_conversation
	$(PY) -m bench.channel_latency
	$(PY) -m bench.webchat_latency
	$(PY) -m bench.handoff_latency
	$(PY) -m bench.action_response_check
	$(PY) -m bench.compare
	$(PY) -m bench.load

# Point Telegram at PUBLIC_URL/webhooks/telegram/webhook (ACTION=info or delete also work).
telegram-webhook: install
	$(PY) -m channels.telegram_webhook $(or $(ACTION),set)

# The desk's browser libraries (Chart.js from desk/frontend/package-lock.json), served by the desk
# itself; rebuilt only when the lock changes.
desk-assets:
	@scripts/build_desk_assets.sh

# Debian's chromium, which the web chat's browser test drives with Playwright (never a
# downloaded browser). Installed when missing and we are root; otherwise that test is
# skipped (it fails under REQUIRE_SERVICES=1).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing chromium for the web chat's browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing (sudo apt-get install chromium): the browser test will not run"; fi; }
