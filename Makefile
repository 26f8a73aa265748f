# Two commands do all the set-up: `make run` and `make test` (`make lint` checks style and the layers).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The installer: uv (pinned) installs the same pinned requirements as pip: 1.5 s here (pip took 54 s, compiling all).
UV := uv==0.9.17
# The install is redone when a requirement or the installer's pin changes.
STAMP := $(VENV)/.installed-$(shell (echo $(UV); cat requirements.txt requirements-dev.txt) | cksum | cut -d' ' -f1)
PORT ?= 8000
ARGS ?=

.PHONY: install run test lint bench clean package deploy chromium mutate

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(UV)
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# Bytecode is compiled on first import into the venv's own cache, whatever PYTHONDONTWRITEBYTECODE says, and never
# beside the sources: compiling all of it at install took 9.5 s (most of the 540 MB is never imported), and without
# a cache every process (each test stack among them) compiled what it imported again.
BYTECODE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

run: $(STAMP)
	$(BYTECODE) $(PY) -m devstack --port $(PORT) $(ARGS)

# Two steps: the suites, the packaged template's checks among them (recording every AWS operation the code
# performs), then the two checks that compare the package with that record (marked after_suites), on the package
# the first step built.
OPERATIONS := out/aws-operations.json
PACKAGED := out/test-package
# The suites on every core (pytest-xdist); tests/conftest.py merges the workers' records of operations.
# loadscope: a module's tests run on one worker, in order (the stack and browser suites share a module's
# stack and build on each other's work), the longest modules first (tests/conftest.py: LONGEST_FIRST), not the
# ones with most tests. `make test PARALLEL=` runs them in one process.
PARALLEL ?= -n auto --dist loadscope --no-loadscope-reorder
TEST_ENV := $(BYTECODE) ONMYWAY_OPERATIONS_FILE=$(OPERATIONS) ONMYWAY_PACKAGE_DIR=$(PACKAGED)
test: $(STAMP) chromium
	rm -rf $(OPERATIONS) $(PACKAGED)
	$(TEST_ENV) $(PY) -m pytest -q $(PARALLEL) -m "not after_suites" $(PYTEST_ARGS)
	$(TEST_ENV) $(PY) -m pytest -q tests/package -m after_suites

# ruff (pyflakes, bugbear, imports, pyupgrade) and import-linter's layer contracts, both set in pyproject.toml.
# Both always run, so one report shows every finding; either failing fails the target.
lint: $(STAMP)
	@status=0; \
	  $(VENV)/bin/ruff check --output-format concise . || status=1; \
	  $(VENV)/bin/lint-imports --no-logo || status=1; \
	  exit $$status

# The browser tests drive Debian's Chromium (never a downloaded one). Installed here when missing and
# root; otherwise said, and the browser tests fail with the same words.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is not installed: run \`apt-get install -y chromium\` as root; the browser tests fail without it"; fi; }

# Mutation testing of the rules that matter most (the modules: [tool.mutmut] in pyproject.toml), against the
# fast unit and service suites; slow, so never part of `make test`. Prints each module's score and every
# surviving mutant, and fails below 90% (docs/mutation-testing.md). Each run starts from a fresh copy.
MUTATE_CHILDREN ?= 2
mutate: $(STAMP)
	rm -rf mutants && mkdir -p out
	$(VENV)/bin/mutmut run --max-children $(MUTATE_CHILDREN) >out/mutmut.log 2>&1 || \
	  { tr '\r' '\n' <out/mutmut.log | tail -40; exit 1; }
	$(PY) tools/mutation_score.py

bench: $(STAMP)
	for b in bench/*.py; do echo "== $$b"; $(BYTECODE) $(PY) $$b || exit 1; done
	echo "== bench/capacity"; $(BYTECODE) $(PY) -m bench.capacity  # a package: `python -m bench.capacity`

clean:
	rm -rf $(VENV) .pytest_cache out mutants .ruff_cache .import_linter_cache .grimp_cache

package: $(STAMP)
	rm -rf out && AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(VENV)/bin/chalice package --stage dev \
	    --merge-template infra/template.yaml out
	$(PY) infra/package.py out/deployment.zip out/sam.yaml
	$(VENV)/bin/cfn-lint out/sam.yaml

# Deploy to the AWS account of the current credentials (documented; never run by tests or CI).
STAGE ?= dev
ARTIFACT_BUCKET ?=
deploy: package
	test -n "$(ARTIFACT_BUCKET)" || (echo "set ARTIFACT_BUCKET=<an S3 bucket for the code>" && exit 1)
	aws cloudformation package --template-file out/sam.yaml --s3-bucket $(ARTIFACT_BUCKET) \
	    --output-template-file out/packaged.yaml
	aws cloudformation deploy --template-file out/packaged.yaml --stack-name onmyway-$(STAGE) \
	    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND
