# The series' commands. `make` alone lists them.
# Every target that runs code builds .venv first if it is missing or out of date.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Google Colab's versions' venv (make colab, below)
COLAB  := build/colab-venv
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# What `ruff format` keeps formatted (`make format`, checked by `make lint`): all the code;
# the notebooks keep their own layout.
FORMATTED := helpers tests bench tools

# Determinism: one BLAS thread so reductions give the same last bits on every run;
# a non-interactive matplotlib backend for everything that is not a notebook.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0

.PHONY: help lab test unit notebooks browser execute lint bench clean binder-check

# `make help` lists every rule line that ends with a `## description` comment.
help:  ## list the targets
	@grep -hE '^[a-zA-Z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | \
	    sed -E 's/^([a-zA-Z0-9_-]+):.*## (.*)/\1\t\2/' | \
	    awk -F'\t' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# nbgrader (a test tool here) would add instructor menus to every learner's JupyterLab:
	@# keep them off in this venv (docs/instructors.md says how to turn them on).
	-@$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	-@for e in formgrader validate_assignment assignment_list course_list; do \
	    $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e >/dev/null 2>&1; done
	@# No "would you like news?" pop-up over the lesson.
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}' \
	    > $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

lab: $(STAMP)  ## build .venv if needed and open JupyterLab on the series
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) \
	    --LabApp.default_url=/lab/tree/notebooks/00_index.ipynb

# One pytest run: the unit tests under tests/ and nbval (strict) on every notebook, with the
# browser tests (the classic Notebook's with Colab's versions: COLAB_VENV). Alongside it
# (tools/alongside.sh: in the background, reported at the end; measured on a quiet 2-core machine:
# 11:54 in all, of which the main pytest 11:42): strict nbval again under the other CPUs this machine can
# present (tools/portability.py), and Colab's versions' own tests and strict nbval (colab-stack).
# The sanitize file lists what is genuinely volatile, with reasons.
# PARALLEL: pytest-xdist runs the test files on the machine's cores (at most 4), one file per
# worker at a time (--dist loadfile): a notebook's cells share one kernel, a file its fixtures.
PARALLEL := -n auto --maxprocesses 4 --dist loadfile
# The book's moving widget panels are drawn (some 4 CPU-minutes) and checked by
# `make book-check` (in .ci/run), not here: here the site is built without frames.
FRAME_TESTS := tests/test_book_frames.py tests/browser/test_book_frames_browser.py
NO_FRAMES := $(foreach f,$(FRAME_TESTS),--ignore=$(f))
NBVAL := --nbval --nbval-current-env --nbval-cell-timeout=300 \
    --nbval-sanitize-with tests/nbval_sanitize.cfg
test: $(STAMP) $(COLAB)/.installed  ## every test: unit, strict nbval, browser, Colab's versions, other CPUs
	@tools/alongside.sh \
	    portability '$(BIN)/python -m tools.portability' \
	    colab-stack '$(MAKE) --no-print-directory colab-stack' \
	    -- env COLAB_VENV=$(COLAB) $(BIN)/python -m pytest $(PARALLEL) tests notebooks $(NO_FRAMES) $(NBVAL)

.PHONY: portability
portability: $(STAMP)  ## strict nbval with numpy/OpenBLAS kernels of other CPUs (part of test)
	$(BIN)/python -m tools.portability

# The lowest versions requirements.txt and pyproject.toml admit, in a venv of their own:
# every floor we state is a floor we test (tools/floors.py writes the constraints).
FLOORS := build/floors-venv
$(FLOORS)/.installed: requirements.txt pyproject.toml tools/floors.py
	rm -rf $(FLOORS)
	$(PYTHON) -m venv $(FLOORS)
	$(FLOORS)/bin/python -m pip install --quiet --upgrade pip
	$(FLOORS)/bin/python -m tools.floors test > build/floors.txt
	@echo "floors:"; sed 's/^/  /' build/floors.txt
	$(FLOORS)/bin/python -m pip install --quiet -c build/floors.txt -r requirements.txt -e ".[test]"
	@touch $@

.PHONY: floors
# The axe audit of the book's pages (axe-core's own version is the same in both venvs; some
# 1-4 minutes) runs in `make test` only: here test_book.py checks the site the floors build.
# In JupyterLab 4.2 with ipywidgets 8.1, every kind of control is driven in lessons 01 and 04
# (sliders, dropdowns, buttons, a toggle, two panels) and in the playground's own test; the
# other lessons' panels (the same kinds of control, driven by the same code) in `make test`.
WIDGETS := tests/browser/test_widgets_browser.py
FLOORS_SKIP := --deselect tests/browser/test_book_browser.py::test_every_lesson_page_passes_axe_and_its_figures_say_what_they_show \
    $(foreach nb,02_computational_graphs 02b_build_your_own_engine 03_backpropagation 05_training_deep_networks, \
        --deselect "$(WIDGETS)::test_every_widget_works_in_the_browser[$(nb).ipynb]") \
    --deselect $(WIDGETS)::test_the_training_widget_shows_its_run_to_the_end
floors: $(FLOORS)/.installed  ## unit tests and strict nbval with the lowest versions we admit
	$(FLOORS)/bin/python -m pytest $(PARALLEL) tests notebooks $(NO_FRAMES) $(FLOORS_SKIP) $(NBVAL)

# Google Colab's runtime (tests/colab-constraints.txt: ipywidgets 7, IPython 7, matplotlib 3.10,
# the classic Notebook 6.5) in a venv of its own, helpers installed alone (--no-deps) as the
# notebooks' install cell does on Colab: strict nbval on every notebook and the unit tests of
# the widgets and figures, with Colab's versions. A new Colab is a change of the constraints.
COLAB_TESTS := tests/test_training.py tests/test_playground.py \
    $(wildcard tests/test_figures_*.py)
$(COLAB)/.installed: tests/colab-constraints.txt pyproject.toml
	rm -rf $(COLAB)
	$(PYTHON) -m venv $(COLAB)
	$(COLAB)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB)/bin/python -m pip install --quiet -c tests/colab-constraints.txt \
	    ipywidgets widgetsnbextension ipykernel ipython notebook matplotlib numpy \
	    "pytest>=8" "nbval>=0.11"
	$(COLAB)/bin/python -m pip install --quiet --no-deps -e .
	@touch $@

# What `make test` runs with Colab's versions in the background: pip check, the widget and
# figure tests, live()'s own tests, and strict nbval on every notebook (some 2-3 minutes).
.PHONY: colab-stack
colab-stack: $(COLAB)/.installed  ## Colab's versions: widget/figure tests and strict nbval (part of test)
	$(COLAB)/bin/python -m pip check
	MPLBACKEND=Agg $(COLAB)/bin/python -m pytest -p no:warnings $(COLAB_TESTS)
	@# live()'s own tests need no browser (--noconftest: not the browser tests' banner)
	MPLBACKEND=Agg $(COLAB)/bin/python -m pytest -p no:warnings --noconftest \
	    tests/browser/test_live_png.py
	$(COLAB)/bin/python -m pytest notebooks $(NBVAL)

# Every panel in the classic Notebook 6.5 of that venv, driven from .venv's Playwright, and the
# notebooks' install cell against Colab's pins (part of `make test`'s pytest run; alone here).
COLAB_FRONT := tests/browser/test_classic_notebook.py tests/test_colab.py
.PHONY: colab-browser
colab-browser: $(COLAB)/.installed $(STAMP)  ## every panel in the classic Notebook 6.5 with Colab's versions
	COLAB_VENV=$(COLAB) $(BIN)/python -m pytest $(COLAB_FRONT)

# All of Colab's checks alone (they are part of `make test`).
.PHONY: colab
colab: colab-stack colab-browser  ## widget/figure tests, strict nbval, classic Notebook: Colab's versions

unit: $(STAMP)  ## the unit tests only (no notebooks, no browser)
	$(BIN)/python -m pytest $(PARALLEL) tests --ignore=tests/browser $(NO_FRAMES)

notebooks: $(STAMP)  ## strict nbval on every notebook
	$(BIN)/python -m pytest $(PARALLEL) notebooks $(NBVAL)

# tools/execute.py: nbclient, reading the kernel's replies in short polls (a widget cell once
# stalled nbconvert until its timeout: jupyter/nbclient#312), and no timing metadata.
execute: $(STAMP)  ## re-run every notebook top to bottom in a fresh kernel, in place
	$(BIN)/python -m tools.execute $(NOTEBOOKS)

lint: $(STAMP)  ## ruff check on the tree and the notebooks, ruff format --check on the code
	$(BIN)/ruff check helpers tests bench tools notebooks
	$(BIN)/ruff format --check $(FORMATTED)

bench: $(STAMP)  ## side-by-side benchmarks (installs the optional bench extra)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@for b in $(sort $(wildcard bench/bench_*.py)); do \
	    echo "== $$b"; $(BIN)/python $$b || exit 1; done

binder-check:  ## what Binder does: a fresh venv from requirements.txt runs every notebook
	rm -rf build/binder-venv
	$(PYTHON) -m venv build/binder-venv
	build/binder-venv/bin/python -m pip install --quiet -r requirements.txt
	@for nb in $(NOTEBOOKS); do \
	    echo "executing $$nb with requirements.txt only"; \
	    build/binder-venv/bin/jupyter nbconvert --to notebook --execute --stdout \
	        --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=120 \
	        "$$nb" > /dev/null || exit 1; \
	done

# The series as a book: a static site and one PDF, from the notebooks' stored outputs, offline
# (tools/build_book.py; Sphinx + MyST-NB, xelatex for the PDF). The site: build/book/html.
.PHONY: book
book: $(STAMP)  ## build the series as a static site and a PDF (build/book), nothing executed
	$(BIN)/python -m tools.build_book

# What .ci/run adds to `make test`: the whole book, then the checks of its PDF, and of its
# widget panels moving over their frames (tests/test_book_frames.py and its browser test).
.PHONY: book-check
book-check: book  ## build the book; check its PDF and its moving panels (frames) in Chromium
	BOOK_PDF=$(firstword $(wildcard build/book/*.pdf)) $(BIN)/python -m pytest tests/test_book_pdf.py
	BOOK_SITE=build/book/html $(BIN)/python -m pytest $(FRAME_TESTS) tests/test_book.py

# -- A JupyterHub for a class on this machine (issue 17; docs/instructors.md) -------------
# Its own environment, what every student's server and kernel run: requirements.txt (what
# Binder installs) plus the `hub` extra (JupyterHub, the idle culler, nbgrader); the proxy
# from npm, under build/hub/node. Settings are environment variables read by
# hub/jupyterhub_config.py: HUB_IP, HUB_PORT, HUB_AUTH, HUB_PASSWORD, HUB_ADMIN_PASSWORD, ...
# The students' accounts run this environment's Python: it must be one every account can read
# (the system's; a pyenv Python under /root is not).
HUB_PYTHON ?= /usr/bin/python3
HUB_DIR   := build/hub
HUB_VENV  := $(HUB_DIR)/venv
HUB_STAMP := $(HUB_VENV)/.installed
CHP       := $(HUB_DIR)/node/node_modules/.bin/configurable-http-proxy

$(HUB_STAMP): requirements.txt pyproject.toml
	@test -x $(HUB_VENV)/bin/python || $(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet -r requirements.txt -e ".[hub]"
	@mkdir -p $(HUB_VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}' \
	    > $(HUB_VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(HUB_STAMP)

$(CHP):
	npm install --silent --no-audit --no-fund --prefix $(HUB_DIR)/node configurable-http-proxy@^5

.PHONY: hub
hub: $(HUB_STAMP) $(CHP)  ## a JupyterHub for a class on this machine (run as root; docs/instructors.md)
	cd $(HUB_DIR) && $(CURDIR)/$(HUB_VENV)/bin/jupyterhub -f $(CURDIR)/hub/jupyterhub_config.py

.PHONY: test-hub
test-hub: $(HUB_STAMP) $(CHP)  ## start a hub with dummy students on localhost and test it (as root)
	HUB_TESTS=required $(HUB_VENV)/bin/python -m pytest tests/hub -p no:cacheprovider

.PHONY: bench-hub
bench-hub: $(HUB_STAMP) $(CHP)  ## capacity: how many students this machine holds (as root, ~15 min)
	$(HUB_VENV)/bin/python bench/bench_hub.py

clean:  ## remove .venv and caches
	rm -rf $(VENV) build .pytest_cache .hypothesis .ruff_cache *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +

.PHONY: browser
browser: $(STAMP)  ## the browser tests of every widget (Debian chromium, headless)
	$(BIN)/python -m pytest tests/browser

.PHONY: answers
answers: $(STAMP)  ## rebuild notebooks/answers.ipynb from the lessons' exercises and execute it
	$(BIN)/python -m tools.build_answers

.PHONY: index
index: $(STAMP)  ## rebuild the index of terms in notebooks/00_index.ipynb
	$(BIN)/python -m tools.build_index

.PHONY: format
format: $(STAMP)  ## ruff format the code that `make lint` checks
	$(BIN)/ruff format $(FORMATTED)
