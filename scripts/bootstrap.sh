#!/usr/bin/env bash
# Idempotent set-up: Debian packages, node/npm, .venv with the package and its dev extras, npm deps.
# Each step is skipped when already done, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3.11}
STAMP=.venv/.access-installed

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*" >&2; }

# 1. Debian packages listed in scripts/apt-packages.txt (first word of each non-comment line)
wanted=$(sed -e 's/#.*//' scripts/apt-packages.txt | awk 'NF {print $1}')
command -v node >/dev/null 2>&1 || wanted="$wanted nodejs"
command -v npm >/dev/null 2>&1 || wanted="$wanted npm"
command -v "$PY" >/dev/null 2>&1 || wanted="$wanted python3.11 python3.11-venv"
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
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $PY"
  "$PY" -m venv .venv
fi
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] || ! .venv/bin/python -c "import access" 2>/dev/null; then
  say "installing the package into .venv (pyproject.toml changed)"
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$want" > "$STAMP"
fi

# 3. npm dependencies (axe-core), when the project declares them
if [ -f package.json ]; then
  lock=package.json
  [ -f package-lock.json ] && lock=package-lock.json
  want=$(cat package.json "$lock" | sha256sum | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.access-installed 2>/dev/null)" != "$want" ]; then
    say "installing npm packages"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
    echo "$want" > node_modules/.access-installed
  fi
fi
# 4. real-world corpus documents that Debian's packages provide (tests/corpus/SOURCES.md), into a cache
#    outside the work tree; only missing ones are fetched (apt-get download, one member per package)
.venv/bin/python bench/corpus.py --install || say "corpus: some Debian documents could not be fetched"
say "ready ($ROOT)"
