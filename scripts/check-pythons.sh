#!/usr/bin/env bash
# Python 3.11, 3.12 and 3.13 are supported: for every one of them found here (on PATH, or installed
# by pyenv), install the package with its dev extras into its own .venv-3.X (kept, reinstalled only
# when pyproject.toml changed), import every module and collect the whole test suite. The main
# .venv runs the suite itself (make test). Prints one line per version; fails if one fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pythons.sh

say() { printf 'check-pythons: %s\n' "$*" >&2; }
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
found=$(every_python)
status=0
for version in $SUPPORTED_PYTHONS; do
  cmd=$(printf '%s\n' "$found" | awk -v v="$version" '$1 == v {print $2}')
  if [ -z "$cmd" ]; then
    echo "python $version: not installed here, skipped"
    continue
  fi
  venv=".venv-$version"
  log="$venv.log"
  if [ "$(python_version .venv/bin/python 2>/dev/null)" = "$version" ]; then
    venv=.venv                  # the main environment (bootstrap keeps it installed) is this version
  elif [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.access-installed" 2>/dev/null)" != "$want" ]; then
    say "python $version ($cmd): installing into $venv"
    rm -rf "$venv"
    if ! { "$cmd" -m venv "$venv" && "$venv/bin/python" -m pip install -q -e ".[dev]"; } >"$log" 2>&1; then
      echo "python $version: install FAILED (see $log)"; status=1; continue
    fi
    echo "$want" > "$venv/.access-installed"
  fi
  if ! "$venv/bin/python" -c 'import pkgutil, importlib
for pkg in ("access", "api", "workers", "auditors", "converters", "rules"):
    importlib.import_module(pkg)
    for m in pkgutil.walk_packages(importlib.import_module(pkg).__path__, pkg + "."):
        if "migrations.versions" not in m.name and not m.name.endswith((".env", "migrations.env")):
            importlib.import_module(m.name)' >"$log" 2>&1; then
    echo "python $version: import FAILED (see $log)"; status=1; continue
  fi
  if ! out=$("$venv/bin/python" -m pytest --collect-only -q -p no:cacheprovider 2>&1); then
    printf '%s\n' "$out" > "$log"
    echo "python $version: collect FAILED (see $log)"; status=1; continue
  fi
  count=$(printf '%s\n' "$out" | tail -n 1 | grep -o '^[0-9]*')
  echo "python $version ($("$venv/bin/python" --version 2>&1), $venv): every module imports; the suite's ${count:-?} tests collect"
done
exit $status
