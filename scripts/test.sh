#!/usr/bin/env bash
# Run every test: set up, train if needed, then pytest (unit, integration, NLU evaluation,
# `rasa data validate` and the Rasa test stories all run inside pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
bash scripts/bootstrap.sh
bash scripts/train.sh
exec .venv/bin/python -m pytest "$@"
