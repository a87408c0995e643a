#!/usr/bin/env bash
# Create the Python 3.10 virtual environment in .venv and install the pinned requirements; build the
# web chat page (web/dist) with npm; install Debian's Chromium and CJK/emoji fonts for the browser test.
# Idempotent: each part reinstalls only when its inputs changed since its last successful run.
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

setup_venv() {
  local stamp sum py
  stamp="$VENV/.requirements.sha256"
  sum="$(sha256sum requirements.txt | cut -d' ' -f1)"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
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
}

# Debian packages: Chromium for the web widget's browser test (Playwright drives /usr/bin/chromium and
# never downloads a browser), and fonts so Chinese and the 💧 emoji render in it.
setup_debian_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Not Debian: install ${missing[*]} yourself; only the browser test needs them." >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} with apt-get (once)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The web chat page: npm ci when package-lock.json changed, npm run build when web/ sources did.
setup_web() {
  local lock_sum build_sum
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: install Node.js 18 or later (e.g. apt-get install nodejs npm) and run again." >&2
    return 1
  fi
  lock_sum="$(sha256sum web/package-lock.json | cut -d' ' -f1)"
  if [ ! -d web/node_modules ] || [ "$(cat web/node_modules/.package-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
    echo "Installing the web page's pinned npm packages (npm ci)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > web/node_modules/.package-lock.sha256
  fi
  build_sum="$(cat web/package-lock.json web/build.mjs web/src/* | sha256sum | cut -d' ' -f1)"
  if [ ! -f web/dist/index.html ] || [ "$(cat web/dist/.build.sha256 2>/dev/null)" != "$build_sum" ]; then
    (cd web && npm run build --silent)
    echo "$build_sum" > web/dist/.build.sha256
  fi
}

setup_venv
setup_debian_packages
setup_web
