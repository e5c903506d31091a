#!/usr/bin/env bash
# End-to-end benchmark of the response cache's hit path: GET through Silo's embedded default to a service
# whose answers are cached (every request after the first is a hit), beside the same downstream through an
# uncached service and called directly, in alternating rounds of one run (loopback only, bounded by time).
# Two phases per round: throughput at CONNECTIONS connections, and latency with one connection. Prints medians
# and the ratios hit/uncached and hit/direct.
#
#   bench/e2e/cache.sh                       # 3 rounds of 10 s each, 32 connections, 30 s warm-up
#   ROUNDS=5 DURATION=15s bench/e2e/cache.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30s}

ensure_wrk
dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null

begin_run
gateway_with_downstream cache
down="http://127.0.0.1:$down_port"
# The downstream says nothing about freshness: the cached service's defaultTtlSeconds makes its answer fresh.
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/services" \
  -d "{\"id\":\"plain\",\"endpoints\":[{\"url\":\"$down\"}],\"circuitBreaker\":{\"minimumThroughput\":1000000}}"
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/services" \
  -d "{\"id\":\"cached\",\"endpoints\":[{\"url\":\"$down\"}],\"circuitBreaker\":{\"minimumThroughput\":1000000},\"cache\":{\"defaultTtlSeconds\":3600,\"maxTtlSeconds\":3600}}"
status=$(curl -fsS -D - -o /dev/null -H "X-Api-Key: $key" "$api/cached/hello/x" | tr -d '\r' | awk -F': ' 'tolower($1) == "cache-status" { print $2 }')
echo "first request of the cached service: Cache-Status: $status"

DURATION=$WARMUP wrk_run warmup "$down/hello/x" bench/e2e/get.lua "" >/dev/null
DURATION=$WARMUP wrk_run warmup "$api/plain/hello/x" bench/e2e/get.lua "$key" >/dev/null
DURATION=$WARMUP wrk_run warmup "$api/cached/hello/x" bench/e2e/get.lua "$key" >/dev/null

results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  wrk_run direct "$down/hello/x" bench/e2e/get.lua "" | tee -a "$results"
  wrk_run uncached "$api/plain/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  wrk_run hit "$api/cached/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run direct-1 "$down/hello/x" bench/e2e/get.lua "" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run uncached-1 "$api/plain/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
  THREADS=1 CONNECTIONS=1 wrk_run hit-1 "$api/cached/hello/x" bench/e2e/get.lua "$key" | tee -a "$results"
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
echo
echo "GET: cache hits vs the uncached proxy path vs the downstream directly, $CONNECTIONS connections, median of $ROUNDS rounds of $DURATION"
printf '%-12s %12s %10s %10s %8s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx"
for name in direct uncached hit direct-1 uncached-1 hit-1; do
  printf '%-12s %12.0f %10.0f %10.0f %8.0f\n' "$name" "$(field "$name" 2)" "$(field "$name" 3)" "$(field "$name" 4)" "$(field "$name" 5)"
done
awk -v h="$(field hit 2)" -v u="$(field uncached 2)" -v d="$(field direct 2)" \
  'BEGIN { printf "throughput: hit/uncached %.2f, hit/direct %.2f\n", h / u, h / d }'
awk -v h="$(field hit-1 3)" -v u="$(field uncached-1 3)" -v d="$(field direct-1 3)" \
  'BEGIN { printf "p50, one connection: hit %.0f us, uncached %.0f us, direct %.0f us (hit - direct %+.0f us)\n", h, u, d, h - d }'
