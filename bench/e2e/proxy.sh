#!/usr/bin/env bash
# End-to-end benchmark of the proxy path: GET through Silo's embedded default to a local downstream, beside
# the same downstream called directly, in alternating rounds of one run (loopback only, bounded by time).
# Two phases per round: throughput at CONNECTIONS connections, and latency with one connection (no queueing,
# so the difference of the medians is what the gateway adds to one request). Prints medians, the throughput
# ratio and the added latency (target: added p50 <= 300 us), and how fast an open circuit is refused.
# A second front end with Admission:Leases:Enabled=false (one grain call per admission, as before leases) runs
# the same rounds beside it (rows proxied-nl, proxied-nl-1), so leases' effect is measured in the same run.
#
#   bench/e2e/proxy.sh                       # 3 rounds of 10 s each, 32 connections
#   ROUNDS=5 DURATION=15s CONNECTIONS=64 bench/e2e/proxy.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}

ensure_wrk
dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null

begin_run
gateway_with_downstream proxy
down="http://127.0.0.1:$down_port"
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/services" \
  -d "{\"id\":\"hello\",\"endpoints\":[{\"url\":\"$down\"}],\"circuitBreaker\":{\"minimumThroughput\":1000000}}"
curl -fsS -o /dev/null -H "X-Api-Key: $key" "$api/hello/hello/warm"
# A second service whose circuit is held open: measures how fast the gateway refuses (503 + Retry-After)
# without touching a downstream.
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/services" -d "{\"id\":\"tripped\",\"endpoints\":[{\"url\":\"$down\"}]}"
curl -fsS -o /dev/null -X POST -H "$auth" "$api/admin/services/tripped/circuit/isolate"

# The same front end with leases off, on the same downstream, with its own tenant, key and service.
nl_port=$(free_port)
start_gateway "$nl_port" --Admission:Leases:Enabled=false
nl="http://127.0.0.1:$nl_port"
wait_ready "$nl/health/ready"
curl -fsS -o /dev/null -H "$auth" -H "$json" "$nl/admin/tenants" -d '{"id":"bench","name":"bench"}'
nl_key=$(curl -fsS -H "$auth" -H "$json" "$nl/admin/tenants/bench/keys" \
  -d '{"name":"proxy","limits":[{"name":"key","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}' \
  | grep -o '"key":"[^"]*"' | cut -d'"' -f4)
curl -fsS -o /dev/null -H "$auth" -H "$json" "$nl/admin/services" \
  -d "{\"id\":\"hello\",\"endpoints\":[{\"url\":\"$down\"}],\"circuitBreaker\":{\"minimumThroughput\":1000000}}"

# Warm up both (tiered JIT settles in the first seconds under load) before anything is measured.
WARMUP=${WARMUP:-10s}
DURATION=$WARMUP wrk_run warmup "$down/hello/x" bench/e2e/get.lua "" >/dev/null
DURATION=$WARMUP wrk_run warmup "$api/hello/hello/x" bench/e2e/get.lua "$key" >/dev/null
DURATION=$WARMUP wrk_run warmup "$nl/hello/hello/x" bench/e2e/get.lua "$nl_key" >/dev/null

results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  wrk_run direct "$down/hello/x" bench/e2e/get.lua "" | tee -a "$results"
  wrk_run proxied "$api/hello/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run direct-1 "$down/hello/x" bench/e2e/get.lua "" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run proxied-1 "$api/hello/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run open-1 "$api/tripped/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  wrk_run proxied-nl "$nl/hello/hello/x" bench/e2e/get.lua "$nl_key" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run proxied-nl-1 "$nl/hello/hello/x" bench/e2e/get.lua "$nl_key" | tee -a "$results"
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
echo
echo "GET through the gateway vs direct, $CONNECTIONS connections, $THREADS wrk threads, median of $ROUNDS rounds of $DURATION"
printf '%-12s %12s %10s %10s %8s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx"
for name in direct proxied direct-1 proxied-1 open-1 proxied-nl proxied-nl-1; do
  printf '%-12s %12.0f %10.0f %10.0f %8.0f\n' "$name" "$(field "$name" 2)" "$(field "$name" 3)" "$(field "$name" 4)" "$(field "$name" 5)"
done
awk -v p="$(field proxied 2)" -v d="$(field direct 2)" 'BEGIN { printf "throughput ratio proxied/direct: %.2f\n", p / d }'
awk -v p="$(field proxied-1 3)" -v d="$(field direct-1 3)" -v p9="$(field proxied-1 4)" -v d9="$(field direct-1 4)" \
  'BEGIN { printf "added latency, one connection: p50 %+.0f us (target <= 300 us), p99 %+.0f us\n", p - d, p9 - d9 }'
awk -v p="$(field open-1 3)" -v p9="$(field open-1 4)" \
  'BEGIN { printf "open circuit, one connection: 503 answered in p50 %.0f us, p99 %.0f us (target: within 5 ms)\n", p, p9 }'
awk -v p="$(field proxied 3)" -v d="$(field direct 3)" \
  'BEGIN { printf "added latency at %d connections (includes queueing): p50 %+.0f us\n", '"$CONNECTIONS"', p - d }'
awk -v p="$(field proxied-1 3)" -v n="$(field proxied-nl-1 3)" -v d="$(field direct-1 3)" -v pr="$(field proxied 2)" -v nr="$(field proxied-nl 2)" \
  'BEGIN { printf "leases: added p50 (one connection) %+.0f us with leases, %+.0f us without; throughput with/without %.2f\n", p - d, n - d, pr / nr }'
