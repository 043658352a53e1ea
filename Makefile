# Two commands matter: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all lint bench clean ocr-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check "torch==2.13.0"
	$(BIN)/pip install -q --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

# OCR of scanned plans: Tesseract with its Vietnamese model. Installed when missing and
# we are root (apt-get); otherwise one line says how. Never fails the build: without
# it only scanned PDFs are refused, with the same install line.
ocr-deps:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-vie >/dev/null) \
		|| echo "planbot: could not install OCR; scanned PDFs need: apt-get install tesseract-ocr tesseract-ocr-vie"; \
	else echo "planbot: scanned PDFs need OCR: sudo apt-get install tesseract-ocr tesseract-ocr-vie"; fi

run: $(STAMP) ocr-deps
	$(BIN)/planbot run

# Two workers, one per core here; each test file stays on one worker (--dist loadfile), so a
# module's fixtures (a data dir ingested on the real model, a CLI run) are built once.
TEST_WORKERS ?= 2

test: $(STAMP) ocr-deps
	$(BIN)/python -m pytest -q -m "not slow" -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-all: $(STAMP) ocr-deps
	$(BIN)/python -m pytest -q

bench: $(STAMP) ocr-deps
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/ocr.py

clean:
	rm -rf $(VENV) build *.egg-info
