# Two commands: `make run` (the service on its embedded defaults) and `make test` (the whole suite).
.PHONY: run test bootstrap lint bench key

VENV := .venv/bin

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@echo "access: http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/docs)"
	@echo "create an API key in another terminal:  $(VENV)/access keys create --tenant my-school"
	$(VENV)/access serve

test: bootstrap
	$(VENV)/ruff check .
	$(VENV)/pytest

lint: bootstrap
	$(VENV)/ruff check .
	$(VENV)/lint-imports

key: bootstrap
	@$(VENV)/access keys create --tenant $${TENANT:-local}

bench: bootstrap
	$(VENV)/python bench/api_throughput.py
