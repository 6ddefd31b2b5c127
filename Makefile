# Set-up and common tasks. `make help` lists the targets.
#
#   make setup   # .venv (Python >= 3.12, pinned deps from requirements.lock) + Chromium
#   make test    # setup, then pytest (config in pyproject.toml)
#   make test-fast  # the same without slow and validation-arm tests, for development
#   make mutate MODULE=sim/model/decision.py  # mutation testing of one module (docs/testing.md)
#   make app     # serve the interactive app on http://127.0.0.1:8765/
#
# Override the interpreter with `make venv PYTHON=/path/to/python3.12`.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

VENV     := .venv
VPY      := $(VENV)/bin/python
VUV      := $(VENV)/bin/uv
STAMP    := $(VENV)/.installed
LOCKFILE := requirements.lock
# Benchmark-only tools (EMA Workbench, pyinstrument), pinned against the main lock.
BENCH_LOCK  := requirements-bench.lock
BENCH_STAMP := $(VENV)/.installed-bench
# The compiled kernels' on-disk cache (sim/model/compiled), rebuilt when they change.
KERNEL_STAMP   := $(VENV)/.kernels
KERNEL_SOURCES := $(wildcard sim/model/compiled/*.py)
DEMO_DIR    := results/sweeps/demo
# uv version bootstrapped into the venv (kept in step with the lead's venv).
UV_VERSION ?= 0.13.9

# uv must only ever use the interpreter we give it: never download a Python.
export UV_PYTHON_DOWNLOADS := never

# Extra arguments for the run targets, e.g. `make demo DEMO_ARGS="seed=3"`.
DEMO_ARGS   ?=
BENCH_ARGS  ?=
PYTEST_ARGS ?=
# Mutation testing: one module of sim/model (all of them when empty), workers, niceness.
MODULE       ?=
MUTATE_JOBS  ?= 2
MUTATE_NICE  ?= 10
# e.g. `make lock LOCK_ARGS=--upgrade` to move pins forward.
LOCK_ARGS   ?=

# Only lint directories that exist.
LINT_DIRS := $(wildcard sim hydra_plugins tests benchmarks scripts)

.PHONY: help setup venv kernels chromium test test-fast mutate lint demo app bench lock clean

help: ## List targets
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) \
	  | awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

setup: venv kernels chromium ## Create the venv, compile the kernels, make sure Chromium is available

venv: $(STAMP) ## Create .venv with pinned deps (re-runs when pyproject/lock change)

# Bare venv with uv in it (also what `make lock` needs, so no lock is required yet).
$(VUV):
	@if [ -x "$(VPY)" ] && "$(VPY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo ">> reusing existing $(VENV) ($$("$(VPY)" -V))"; \
	else \
	  py="$$(PYTHON='$(PYTHON)' sh scripts/find-python.sh)"; \
	  echo ">> creating $(VENV) with $$py ($$("$$py" -V))"; \
	  "$$py" -m venv --clear "$(VENV)"; \
	fi
	"$(VPY)" -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: every process would otherwise compile its imports from source
# where .pyc files are never written (PYTHONDONTWRITEBYTECODE, read-only installs):
# 2-3x the start-up of a run or a sweep worker (`import mesa` 2.8 s of CPU, 0.9 s).
$(STAMP): pyproject.toml $(LOCKFILE) | $(VUV)
	"$(VUV)" pip install --python "$(VPY)" --compile-bytecode -r $(LOCKFILE)
	"$(VUV)" pip install --python "$(VPY)" --no-deps -e .
	"$(VPY)" -m compileall -q sim hydra_plugins
	@touch "$@"
	@echo ">> $(VENV) is ready ($$("$(VPY)" -V))"

kernels: $(KERNEL_STAMP) ## Compile the numba kernels: just in time (cached) and ahead of time (~1-2 min)

# Compiles the kernels into numba's on-disk cache, then ahead of time into
# sim/model/compiled/_aot*.so (numba.pycc), which a process loads in a millisecond
# without importing numba. Both are named by a hash of the kernels' sources: an edited
# kernel is recompiled, never run stale (sim/model/compiled/__init__.py).
$(KERNEL_STAMP): $(STAMP) $(KERNEL_SOURCES)
	"$(VPY)" -m sim.model.compiled
	@touch "$@"

chromium: ## Install Chromium (for static figure export) if missing
	@for b in chromium chromium-browser google-chrome; do \
	  if command -v "$$b" >/dev/null 2>&1; then exit 0; fi; \
	done; \
	msg="Static figure export (plotly/kaleido) needs Chromium or Google Chrome on PATH."; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "WARNING: $$msg No apt-get here: install Chromium with your package manager." >&2; \
	  exit 0; \
	fi; \
	if [ "$$(id -u)" -eq 0 ]; then \
	  sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo="sudo"; \
	else \
	  echo "WARNING: $$msg Not root and no password-less sudo; run:" >&2; \
	  echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2; \
	  exit 0; \
	fi; \
	echo ">> installing Chromium: $${sudo:+$$sudo }apt-get install -y chromium"; \
	if ! { $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; }; then \
	  echo "WARNING: installing Chromium failed. $$msg" >&2; \
	fi

test: setup ## Run the whole test suite (what CI runs)
	"$(VPY)" -m pytest $(PYTEST_ARGS)

test-fast: setup ## The suite without slow and validation-arm tests (under 2 minutes)
	"$(VPY)" -m pytest -m "not slow and not validation" $(PYTEST_ARGS)

# Not part of `make test`. mutmut ([tool.mutmut] in pyproject.toml) mutates sim/model, and
# the statistics behind the docs' tables (sim/analysis/stats.py, paired.py, claims.py), in a
# copy (mutants/), runs the fast unit tests once to learn which reach which function, then
# against each mutant of MODULE only those tests; results accumulate in mutants/ (delete it
# to start afresh), so modules can be run one at a time. Whole sim/model: about an hour
# per 1,000 mutants on one core.
mutate: venv ## Mutation testing: MODULE=sim/model/decision.py (default all of sim/model)
	@case "$(MODULE)" in \
	  "") names="sim.model.*" ;; \
	  sim/model/*.py|sim/analysis/stats.py|sim/analysis/paired.py|sim/analysis/claims.py) \
	    names="$$(echo '$(MODULE)' | sed 's/\.py$$//; s|/|.|g').*" ;; \
	  *) echo "MODULE must be a file of sim/model or sim/analysis/{stats,paired,claims}.py," \
	       "e.g. sim/model/decision.py" >&2; exit 2 ;; \
	esac; \
	echo ">> mutmut run $$names ($(MUTATE_JOBS) workers, nice $(MUTATE_NICE))"; \
	nice -n $(MUTATE_NICE) "$(VENV)/bin/mutmut" run --max-children $(MUTATE_JOBS) "$$names"
	"$(VPY)" scripts/mutation_score.py $(MODULE)

lint: venv ## ruff check + format check
	"$(VENV)/bin/ruff" check $(LINT_DIRS)
	"$(VENV)/bin/ruff" format --check $(LINT_DIRS)

demo: setup ## Run the demo sweep, then its figures and report (results/sweeps/demo)
	"$(VPY)" -m sim +sweep=demo hydra.sweep.dir=$(DEMO_DIR) resume=true $(DEMO_ARGS)
	"$(VPY)" -m sim.report $(DEMO_DIR)

app: venv ## Serve the interactive app on http://127.0.0.1:8765 (APP_ARGS="--port 9000")
	"$(VPY)" -m sim.app $(APP_ARGS)

$(BENCH_STAMP): $(BENCH_LOCK) $(STAMP)
	"$(VUV)" pip install --python "$(VPY)" --compile-bytecode -r $(LOCKFILE) -r $(BENCH_LOCK)
	@touch "$@"

bench: setup $(BENCH_STAMP) ## Run the benchmarks (BENCH_ARGS="--quick" or "--only 1,3")
	"$(VPY)" benchmarks/run.py $(BENCH_ARGS)

lock: $(VUV) ## Regenerate requirements.lock (and the bench lock) from pyproject.toml
	"$(VUV)" pip compile pyproject.toml --extra dev --extra distributed --extra app --python-version 3.12 \
	  --custom-compile-command "make lock" $(LOCK_ARGS) -o $(LOCKFILE)
	"$(VUV)" pip compile pyproject.toml --extra bench -c $(LOCKFILE) --python-version 3.12 \
	  --custom-compile-command "make lock" --no-emit-package negotiation-sim $(LOCK_ARGS) \
	  -o $(BENCH_LOCK)
	@for f in $(LOCKFILE) $(BENCH_LOCK); do \
	  tmp="$$(mktemp)"; \
	  { echo "# Pinned dependencies (Python 3.12): $$f."; \
	    echo "# Do not edit by hand: regenerate with \`make lock\` after changing pyproject.toml"; \
	    echo "# (\`make lock LOCK_ARGS=--upgrade\` to move all pins to the newest allowed versions)."; \
	    grep -v -e '^# Pinned dependencies' -e '^# Do not edit by hand' -e '^# (`make lock LOCK_ARGS' "$$f"; \
	  } > "$$tmp"; \
	  cat "$$tmp" > "$$f"; rm -f "$$tmp"; \
	done
	@echo ">> wrote $(LOCKFILE) $(BENCH_LOCK)"

clean: ## Remove .venv and caches (keeps results/, outputs/, multirun/)
	rm -rf "$(VENV)" .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
