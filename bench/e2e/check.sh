#!/usr/bin/env bash
# End-to-end benchmark of POST /v1/check with 1,000 distinct API keys, three ways in one run:
#   silo      Silo's embedded default (front end + one silo in one process)
#   baseline  a small app answering the same route with System.Threading.RateLimiting's
#             PartitionedRateLimiter in-process (not distributed)
#   cluster   Silo as a cluster on loopback: redis-server, 3 silo processes, 1 front end (CLUSTER=0 skips it)
# They run in alternating rounds against loopback only; wrk runs for a bounded time. Prints medians and ratios.
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
CLUSTER=${CLUSTER:-1}

ensure_wrk
dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null
[[ $CLUSTER == 1 ]] && dotnet build src/Silo -c Release -nologo -v quiet >/dev/null

begin_run
api_port=$(free_port)
base_port=$(free_port)
start_gateway "$api_port"
start_baseline "$base_port"
wait_ready "http://127.0.0.1:$api_port/health/ready"

# One tenant (with its own limit, so every check also passes the tenant grain) and $KEYS keys, each with a
# limit far above what the run can spend: the benchmark measures the admitted path.
create_keys() { # API_URL KEYS_FILE
  local auth="Authorization: Bearer $admin"
  curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' "$1/admin/tenants" \
    -d '{"id":"bench","name":"bench","limits":[{"name":"tenant","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}'
  seq 1 "$KEYS" | xargs -P 4 -I{} curl -fsS -H "$auth" -H 'Content-Type: application/json' "$1/admin/tenants/bench/keys" \
    -d '{"name":"k{}","limits":[{"name":"key","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}' \
    | grep -o '"key":"[^"]*"' | cut -d'"' -f4 >"$2"
  echo "created $(wc -l <"$2") keys at $1"
}
api="http://127.0.0.1:$api_port"
create_keys "$api" "$work/keys.txt"

if [[ $CLUSTER == 1 ]]; then
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break; sleep 0.1; done
  for i in 1 2 3; do
    dotnet src/Silo/bin/Release/net10.0/Silo.dll --Cluster:Redis="127.0.0.1:$redis_port" --Silo:Port="$(free_port)" \
      --Urls="http://127.0.0.1:$(free_port)" --Logging:LogLevel:Default=Warning >"$work/silo-$i.log" 2>&1 &
    pids+=($!)
  done
  cluster_port=$(free_port)
  start_gateway "$cluster_port" --Cluster:Redis="127.0.0.1:$redis_port"
  cluster="http://127.0.0.1:$cluster_port"
  wait_ready "$cluster/health/ready"
  # Ready means at least one silo; wait for all three.
  for _ in $(seq 1 300); do [[ $(curl -fsS "$cluster/health/ready" | grep -o '@' | wc -l) -ge 3 ]] && break; sleep 0.1; done
  create_keys "$cluster" "$work/cluster-keys.txt"
fi

wait_ready "http://127.0.0.1:$base_port/v1/check" 2>/dev/null || true
# Warm up (tiered JIT settles in the first seconds under load) before anything is measured.
WARMUP=${WARMUP:-10s}
DURATION=$WARMUP wrk_run warmup "$api" bench/e2e/keys.lua "$work/keys.txt" >/dev/null
DURATION=$WARMUP wrk_run warmup "http://127.0.0.1:$base_port" bench/e2e/keys.lua "$work/keys.txt" >/dev/null
if [[ $CLUSTER == 1 ]]; then
  DURATION=$WARMUP wrk_run warmup "$cluster" bench/e2e/keys.lua "$work/cluster-keys.txt" >/dev/null
fi

results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  wrk_run silo "$api" bench/e2e/keys.lua "$work/keys.txt" | tee -a "$results"
  wrk_run baseline "http://127.0.0.1:$base_port" bench/e2e/keys.lua "$work/keys.txt" | tee -a "$results"
  if [[ $CLUSTER == 1 ]]; then
    wrk_run cluster "$cluster" bench/e2e/keys.lua "$work/cluster-keys.txt" | tee -a "$results"
  fi
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
silo_rps=$(field silo 2); base_rps=$(field baseline 2)
echo
echo "POST /v1/check, $KEYS keys, $CONNECTIONS connections, $THREADS wrk threads, median of $ROUNDS rounds of $DURATION"
printf '%-10s %12s %10s %10s %8s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx"
printf '%-10s %12.0f %10.0f %10.0f %8.0f\n' silo "$silo_rps" "$(field silo 3)" "$(field silo 4)" "$(field silo 5)"
printf '%-10s %12.0f %10.0f %10.0f %8.0f\n' baseline "$base_rps" "$(field baseline 3)" "$(field baseline 4)" "$(field baseline 5)"
if [[ $CLUSTER == 1 ]]; then
  cluster_rps=$(field cluster 2)
  printf '%-10s %12.0f %10.0f %10.0f %8.0f\n' cluster "$cluster_rps" "$(field cluster 3)" "$(field cluster 4)" "$(field cluster 5)"
fi
awk -v s="$silo_rps" -v b="$base_rps" 'BEGIN { printf "throughput ratio silo/baseline: %.2f (target >= 0.70)\n", s / b }'
if [[ $CLUSTER == 1 ]]; then
  awk -v c="$cluster_rps" -v s="$silo_rps" 'BEGIN { printf "throughput ratio cluster (3 silos + 1 front end, one machine)/single process: %.2f\n", c / s }'
fi
