#!/usr/bin/env bash
# Start 小水滴: set up, prepare the database, train if needed, then run the action server and the
# Rasa server until Ctrl-C. The Rasa server also serves the web chat page (mot/channels/webchat.py).
# Conversations are kept in the SQLite file var/xiaoshuidi.db (or XSD_DATABASE_URL), so they survive
# a restart.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"

bash scripts/bootstrap.sh
bash scripts/train.sh
.venv/bin/python -m mot.storage.seed
mkdir -p var/log
# endpoints.yml names the action server on port 5055; another ACTIONS_PORT needs its own copy.
ENDPOINTS=endpoints.yml
if [ "$ACTIONS_PORT" != 5055 ]; then
  ENDPOINTS=var/endpoints.yml
  sed "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$ACTIONS_PORT/webhook#" endpoints.yml > "$ENDPOINTS"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping 小水滴…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" >var/log/actions.log 2>&1 &
pids+=($!)
.venv/bin/rasa run --enable-api --port "$RASA_PORT" --model models/xiaoshuidi.tar.gz \
  --endpoints "$ENDPOINTS" --credentials credentials.yml >var/log/rasa.log 2>&1 &
pids+=($!)

.venv/bin/python -m mot.tools.wait_healthy \
  "http://127.0.0.1:$ACTIONS_PORT/health" "http://127.0.0.1:$RASA_PORT/status" --timeout 300 \
  || { echo "A server did not start; see var/log/actions.log and var/log/rasa.log"; exit 1; }

cat <<MSG

小水滴 is running.
  Web chat (open in a browser):  http://127.0.0.1:$RASA_PORT/chat/
  Chat in this terminal (another window):  make chat
  REST:  curl -s -XPOST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook \\
           -H 'Content-Type: application/json' -d '{"sender":"demo","message":"我家停水了"}'
  Logs:  var/log/rasa.log, var/log/actions.log
Press Ctrl-C to stop both servers.
MSG
wait -n "${pids[@]}"
echo "A server exited; see var/log/. Stopping the other."
