#!/usr/bin/env bash
# Starts a whole Orleans cluster on this machine, on loopback only: redis-server, $SILOS silo processes and
# one front end (an Orleans client of the silos). Prints how to call it; Ctrl+C (or the end of the shell) stops everything it started.
#
#   scripts/cluster.sh                  # 3 silos, front end on http://127.0.0.1:8080
#   SILOS=5 API_PORT=9000 scripts/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SILOS=${SILOS:-3}
REDIS_PORT=${REDIS_PORT:-6390}
API_PORT=${API_PORT:-8080}
SILO_PORT=${SILO_PORT:-11111}
SILO_HTTP_PORT=${SILO_HTTP_PORT:-8091}
ADMIN_TOKEN=${ADMIN_TOKEN:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}

if ! command -v redis-server >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

dotnet build src/Silo -c Release -nologo -v quiet >/dev/null
dotnet build src/Api -c Release -nologo -v quiet >/dev/null

logs=$(mktemp -d)
pids=()
# Front end and silos first (each records in Redis that it left the cluster), Redis (the first pid) last.
stop() {
  for pid in "${pids[@]:1}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:1}"; do wait "$pid" 2>/dev/null || true; done
  [[ ${#pids[@]} -gt 0 ]] && kill "${pids[0]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# The append-only file keeps the membership table and grain state across a Redis restart (README: Cluster mode).
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --dir "$logs" >"$logs/redis.log" 2>&1 &
pids+=($!)
redis=127.0.0.1:$REDIS_PORT
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

for i in $(seq 0 $((SILOS - 1))); do
  dotnet src/Silo/bin/Release/net10.0/Silo.dll --Cluster:Redis="$redis" --Silo:Port=$((SILO_PORT + i)) \
    --Urls="http://127.0.0.1:$((SILO_HTTP_PORT + i))" >"$logs/silo-$i.log" 2>&1 &
  pids+=($!)
done

ASPNETCORE_ENVIRONMENT=Production Admin__Token=$ADMIN_TOKEN \
  dotnet src/Api/bin/Release/net10.0/Silo.Api.dll --Cluster:Redis="$redis" --Urls="http://127.0.0.1:$API_PORT" >"$logs/api.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 300); do curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/health/ready" 2>/dev/null && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$API_PORT/health/ready" || { echo "front end not ready; logs in $logs" >&2; exit 1; }
echo
cat <<EOT

Cluster up: redis $redis, $SILOS silos (silo ports $SILO_PORT..$((SILO_PORT + SILOS - 1)), gateway ports
$((SILO_PORT + 18889))..$((SILO_PORT + 18889 + SILOS - 1)), status at
http://127.0.0.1:$SILO_HTTP_PORT/silo/status and following), front end http://127.0.0.1:$API_PORT. Logs: $logs

  export SILO=http://127.0.0.1:$API_PORT SILO_ADMIN=$ADMIN_TOKEN
  curl -X POST -H "Authorization: Bearer \$SILO_ADMIN" -H 'Content-Type: application/json' \$SILO/admin/tenants -d '{"id":"acme","name":"Acme"}'
  curl -X POST -H "Authorization: Bearer \$SILO_ADMIN" -H 'Content-Type: application/json' \$SILO/admin/tenants/acme/keys -d '{"limits":[{"name":"per-minute","algorithm":"token-bucket","limit":10,"windowSeconds":60}]}'

Ctrl+C stops the cluster.
EOT
wait
