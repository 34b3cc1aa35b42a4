# mlops-vm: the commands a newcomer needs. `make help` lists them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Molecule and Ansible call each other's tools (ansible-config, ansible-playbook): use the venv's.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export PY_COLORS ?= 0
export ANSIBLE_FORCE_COLOR ?= 0

.PHONY: help docker images venv lock lab lab-destroy lint test test-% clean-vms bench

help: ## List the targets
	@grep -hE '^[a-z%-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/molecule: requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	touch $@

venv: $(BIN)/molecule ## Create .venv with the pinned controller tools

lock: venv ## Re-lock every Python environment with hashes (after changing a pin; MLFLOW_VERSIONS="3.17.2 ...")
	scripts/lock.sh

docker: ## Make sure a Docker engine answers (installs docker.io on Debian/Ubuntu if none)
	scripts/ensure-docker.sh

images: docker ## Build the test VM and stand-in images (cached; rebuilt when inputs change)
	scripts/build-images.sh

lab: venv images ## Bring the whole lab up in a local lab VM and print its URLs and credentials
	$(BIN)/ansible-playbook -i inventory/lab.yml playbooks/lab.yml

lab-destroy: ## Remove the local lab VM and its data (credentials/ stays)
	docker rm -f -v mlops-lab

lint: venv ## ansible-lint (production profile), yamllint, ruff
	scripts/timed.sh ansible-lint $(BIN)/ansible-lint --profile production --offline
	$(BIN)/yamllint --strict .
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint images ## Lint, repository checks, then every Molecule scenario
	scripts/timed.sh pytest $(BIN)/pytest -q
	scripts/timed.sh scenarios scripts/run-scenarios.sh  # molecule test for every scenario, with timings

test-%: venv images ## One Molecule scenario, e.g. make test-operations
	scripts/run-scenarios.sh $*

bench: venv images ## Measure the lab against the course setup; writes benchmarks/RESULTS.md (not in make test)
	benchmarks/bench.sh

clean-vms: ## Remove test VMs and volumes left over from an interrupted run
	scripts/clean-test-vms.sh
