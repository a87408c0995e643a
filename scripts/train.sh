#!/usr/bin/env bash
# Train models/xiaoshuidi.tar.gz when it is missing or its inputs (config, domain, data, the project's
# NLU components and the lexicon they read with) changed since it was trained. A fingerprint of the inputs is kept beside the model.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
MODEL="models/xiaoshuidi.tar.gz"
FINGERPRINT="models/xiaoshuidi.inputs.sha256"

inputs_hash() {
  # mot/lexicon.py, mot/emotion.py, mot/labelled.py: the classifiers' preprocessing, data loading and fingerprints use them
  find config.yml domain.yml data mot/nlu mot/lexicon.py mot/emotion.py mot/labelled.py -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' -o -name '*.json' \) \
    -not -path '*/__pycache__/*' -not -path 'data/demo_city/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
if [ -f "$MODEL" ] && [ -f "$FINGERPRINT" ] && [ "$(cat "$FINGERPRINT")" = "$want" ] && [ "${FORCE_TRAIN:-0}" != 1 ]; then
  echo "Model is up to date: $MODEL"
  exit 0
fi
echo "Training the model (config, domain or data changed); this takes a few minutes on 2 cores."
mkdir -p models
start=$(date +%s)
.venv/bin/rasa train --config config.yml --domain domain.yml --data data \
  --out models --fixed-model-name xiaoshuidi --quiet
echo "$want" > "$FINGERPRINT"
echo "Trained $MODEL in $(( $(date +%s) - start )) s"
