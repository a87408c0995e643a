#!/usr/bin/env bash
# Create the Python 3.10 virtual environment in .venv and install the pinned requirements.
# Idempotent: it reinstalls only when requirements.txt changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
want="$(cat .python-version)"

find_python() {
  local root candidate
  root="${PYENV_ROOT:-$HOME/.pyenv}"
  for candidate in "$root/versions/$want/bin/python" "$(command -v "python${want%.*}" || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    echo "Python $want is missing; installing it with pyenv (a few minutes, once)." >&2
    pyenv install -s "$want" >&2
    echo "$root/versions/$want/bin/python"; return 0
  fi
  echo "Python $want not found. Install it (pyenv install $want) and run again." >&2
  return 1
}

stamp="$VENV/.requirements.sha256"
sum="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  py="$(find_python)"
  echo "Creating $VENV with $("$py" --version)"
  "$py" -m venv "$VENV"
fi
echo "Installing pinned requirements into $VENV (about 2–4 minutes the first time)"
"$VENV/bin/python" -m pip install --quiet --upgrade "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
"$VENV/bin/python" -m pip install --quiet -r requirements.txt
echo "$sum" > "$stamp"
