#!/usr/bin/env bash
# End-to-end benchmark of POST /v1/check: Silo's embedded default (front end + one silo in one process)
# with 1,000 distinct API keys, beside a baseline app that answers the same route with
# System.Threading.RateLimiting's PartitionedRateLimiter in-process. Both run in this one script, in
# alternating rounds, against loopback only; wrk runs for a bounded time. Prints medians and the ratio.
#
#   bench/e2e/check.sh                      # 3 rounds of 15 s each, 64 connections
#   ROUNDS=5 DURATION=20s bench/e2e/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000}

ensure_wrk
dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

api_port=$(free_port)
base_port=$(free_port)
admin=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

ASPNETCORE_ENVIRONMENT=Production Admin__Token=$admin Logging__LogLevel__Default=Warning \
  dotnet src/Api/bin/Release/net10.0/Silo.Api.dll --Urls="http://127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
pids+=($!)
dotnet bench/Baseline/bin/Release/net10.0/Baseline.dll --urls="http://127.0.0.1:$base_port" >"$work/baseline.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$api_port/health/ready"

# One tenant (with its own limit, so every check also passes the tenant grain) and $KEYS keys, each with a
# limit far above what the run can spend: the benchmark measures the admitted path.
api="http://127.0.0.1:$api_port"
auth="Authorization: Bearer $admin"
curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' "$api/admin/tenants" \
  -d '{"id":"bench","name":"bench","limits":[{"name":"tenant","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}'
seq 1 "$KEYS" | xargs -P 4 -I{} curl -fsS -H "$auth" -H 'Content-Type: application/json' "$api/admin/tenants/bench/keys" \
  -d '{"name":"k{}","limits":[{"name":"key","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}' \
  | grep -o '"key":"[^"]*"' | cut -d'"' -f4 >"$work/keys.txt"
echo "created $(wc -l <"$work/keys.txt") keys"

wait_ready "http://127.0.0.1:$base_port/v1/check" 2>/dev/null || true
results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  wrk_run silo "$api" bench/e2e/keys.lua "$work/keys.txt" | tee -a "$results"
  wrk_run baseline "http://127.0.0.1:$base_port" bench/e2e/keys.lua "$work/keys.txt" | tee -a "$results"
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
silo_rps=$(field silo 2); base_rps=$(field baseline 2)
echo
echo "POST /v1/check, $KEYS keys, $CONNECTIONS connections, $THREADS wrk threads, median of $ROUNDS rounds of $DURATION"
printf '%-10s %12s %10s %10s %8s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx"
printf '%-10s %12.0f %10.0f %10.0f %8.0f\n' silo "$silo_rps" "$(field silo 3)" "$(field silo 4)" "$(field silo 5)"
printf '%-10s %12.0f %10.0f %10.0f %8.0f\n' baseline "$base_rps" "$(field baseline 3)" "$(field baseline 4)" "$(field baseline 5)"
awk -v s="$silo_rps" -v b="$base_rps" 'BEGIN { printf "throughput ratio silo/baseline: %.2f (target >= 0.70)\n", s / b }'
