# Sourced by scripts/bootstrap.sh and scripts/check-pythons.sh: which Python interpreters can run
# access (3.11, 3.12 or 3.13, with venv and ensurepip). A command that exists but does not run
# (a pyenv shim for a version pyenv has not selected) is skipped, not trusted.
SUPPORTED_PYTHONS="3.13 3.12 3.11"

# python_version CMD -> "3.12" when CMD runs and is a supported version, else nothing (status 1)
python_version() {
  local v
  v=$("$1" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null) || return 1
  case " $SUPPORTED_PYTHONS " in *" $v "*) echo "$v" ;; *) return 1 ;; esac
}

# python_has_venv CMD: venv and ensurepip importable (Debian ships them apart, in python3.X-venv)
python_has_venv() {
  "$1" -c 'import ensurepip, venv' >/dev/null 2>&1
}

# python_candidates: commands to try, best first: $PYTHON, then the newest supported version on
# PATH, then plain python3
python_candidates() {
  [ -n "${PYTHON:-}" ] && echo "$PYTHON"
  local v
  for v in $SUPPORTED_PYTHONS; do echo "python$v"; done
  echo python3
}

# every_python: one interpreter per supported version found on PATH or installed by pyenv
every_python() {
  local seen="" cmd v
  for cmd in $(python_candidates) \
      $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[123]*/bin/python3 2>/dev/null); do
    v=$(python_version "$cmd") || continue
    case " $seen " in *" $v "*) continue ;; esac
    seen="$seen $v"
    echo "$v $cmd"
  done
}
