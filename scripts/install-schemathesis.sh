#!/usr/bin/env bash
# Installs Schemathesis (the OpenAPI fuzzer the contract test runs, `st`) from PyPI into .venv/bin, pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .venv ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check schemathesis==4.32.5
.venv/bin/st --version
