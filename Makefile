# One command to run the bot, one to test it; both build the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run try test test-fast lint check format bench clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsbot run

# The bot in a terminal chat: no token, a temporary database. TRY_ARGS=--offline: sample feeds
# served on this machine, no network needed.
try: $(STAMP)
	$(BIN)/newsbot try $(TRY_ARGS)

test: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The inner loop: everything but the slow tier (the whole application, processes, kill -9,
# load), in under a minute.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Interface texts: English msgids from the code into the template, then into every language's
# catalogue (new msgids arrive untranslated, never guessed from similar ones). docs/translations.md
LOCALES := bot/locales
messages: $(STAMP)
	$(BIN)/pybabel extract --no-default-keywords -k _ -k gettext -k ngettext:1,2 -k N_ \
		--add-comments=Translators: --sort-by-file --project=newsbot --width=100 \
		-o $(LOCALES)/newsbot.pot bot jobs sending web monitor news
	$(BIN)/pybabel update --no-fuzzy-matching --domain=newsbot --width=100 \
		-i $(LOCALES)/newsbot.pot -d $(LOCALES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
