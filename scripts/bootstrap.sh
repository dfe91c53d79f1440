#!/usr/bin/env bash
# Idempotent set-up: Debian packages, node/npm, .venv with the package and its dev extras, npm deps.
# Each step is skipped when already done, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STAMP=.venv/.access-installed
. scripts/pythons.sh

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*" >&2; }

# 0. the interpreter: the existing .venv's when it is a supported version, else $PYTHON or the
#    newest of 3.13, 3.12, 3.11 that runs here, else the distribution's python3 (installed below)
PY=""
if [ -x .venv/bin/python ] && python_version .venv/bin/python >/dev/null; then
  PY=.venv/bin/python
else
  for cmd in $(python_candidates); do
    if python_version "$cmd" >/dev/null; then PY=$cmd; break; fi
  done
fi

# 1. Debian packages listed in scripts/apt-packages.txt (first word of each non-comment line)
wanted=$(sed -e 's/#.*//' scripts/apt-packages.txt | awk 'NF {print $1}')
command -v node >/dev/null 2>&1 || wanted="$wanted nodejs"
command -v npm >/dev/null 2>&1 || wanted="$wanted npm"
if [ -z "$PY" ]; then
  wanted="$wanted python3 python3-venv"          # the distribution's own Python 3
elif [ "$PY" != .venv/bin/python ] && ! python_has_venv "$PY" && [ "${PY#/}" = "$PY" ]; then
  wanted="$wanted ${PY##*/}-venv"                # Debian: python3.12 without python3.12-venv
fi
missing=""
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    say "installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  else
    say "missing Debian packages:$missing"
    echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
fi

# 2. virtualenv with the package and its dev extras, reinstalled only when pyproject.toml changed
if [ -z "$PY" ]; then
  PY=python3
  if ! python_version "$PY" >/dev/null; then
    say "no Python 3.11, 3.12 or 3.13 found (python3 is $("$PY" --version 2>&1 || echo missing));"
    say "install one of them and run again, or name one: PYTHON=/path/to/python3.12 make run"
    exit 1
  fi
fi
if [ ! -x .venv/bin/python ] || ! python_version .venv/bin/python >/dev/null; then
  say "creating .venv with $PY (Python $(python_version "$PY"))"
  rm -rf .venv
  "$PY" -m venv .venv
fi
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] || ! .venv/bin/python -c "import access" 2>/dev/null; then
  say "installing the package into .venv (pyproject.toml changed)"
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$want" > "$STAMP"
fi

# 3. npm dependencies (axe-core, DAISY Ace), when the project declares them. --ignore-scripts: no install
#    script downloads a browser (Ace's Puppeteer runs the Debian chromium, PUPPETEER_EXECUTABLE_PATH)
if [ -f package.json ]; then
  lock=package.json
  [ -f package-lock.json ] && lock=package-lock.json
  want=$(cat package.json "$lock" | sha256sum | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.access-installed 2>/dev/null)" != "$want" ]; then
    say "installing npm packages"
    export PUPPETEER_SKIP_DOWNLOAD=1
    if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund --silent
    else npm install --ignore-scripts --no-audit --no-fund --silent; fi
    echo "$want" > node_modules/.access-installed
  fi
fi
# 4. real-world corpus documents that Debian's packages provide (tests/corpus/SOURCES.md), into a cache
#    outside the work tree; only missing ones are fetched (apt-get download, one member per package)
.venv/bin/python bench/corpus.py --install || say "corpus: some Debian documents could not be fetched"
say "ready ($ROOT)"
