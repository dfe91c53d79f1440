# Two commands: `make run` (the service on its embedded defaults) and `make test` (the whole suite).
# `bin/access …` runs the CLI of this checkout from anywhere (the same as .venv/bin/access).
.PHONY: run test bootstrap lint bench key notice pythons

VENV := .venv/bin

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@echo "access: open http://127.0.0.1:8000 and sign in with the key that make key prints  (API docs: /docs)"
	@echo "create an API key in another terminal:  make key   (or: bin/access keys create --tenant my-school)"
	$(VENV)/access serve

test: bootstrap
	$(VENV)/ruff check .
	$(VENV)/pytest

lint: bootstrap
	$(VENV)/ruff check .
	$(VENV)/lint-imports

key: bootstrap
	@$(VENV)/access keys create --tenant $${TENANT:-local}

# NOTICE lists every dependency's licence from the installed packages (tests/test_licence.py checks it)
notice: bootstrap
	$(VENV)/python scripts/notice.py > NOTICE

# install and collect the suite on every Python 3.11–3.13 found here (.venv-3.X)
pythons: bootstrap
	bash scripts/check-pythons.sh

bench: bootstrap
	$(VENV)/python bench/api_throughput.py
