#!/usr/bin/env bash
# Every benchmark in one go: training time, the NLU report and turn latency. Figures go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p bench/out
scratch="$(mktemp -d)"
start=$(date +%s)
.venv/bin/rasa train --config config.yml --domain domain.yml --data data --out "$scratch" --quiet >/dev/null
echo "{\"training_seconds\": $(( $(date +%s) - start )), \"cores\": $(nproc)}" | tee bench/out/training.json
rm -rf "$scratch"
.venv/bin/python bench/nlu_report.py
.venv/bin/python bench/latency.py
if [ -f bench/address_extraction.py ]; then .venv/bin/python bench/address_extraction.py; fi
.venv/bin/python bench/mot_tagger.py
.venv/bin/python bench/engine_overhead.py --conversations 60
