#!/usr/bin/env bash
# End-to-end benchmark of POST /v1/check with 1,000 distinct API keys. Each topology of Silo runs in rounds
# that alternate with the baseline, so every ratio compares figures measured side by side:
#   baseline    a small app answering the same route with System.Threading.RateLimiting's
#               PartitionedRateLimiter in-process (not distributed)
#   embedded    Silo's embedded default: front end + one co-hosted silo in one process
#   embedded-quiet  the same with Telemetry:Enabled=false (no metrics collected): what telemetry costs
#   client-1    redis-server, 1 silo process, 1 front end as an Orleans client (one extra hop per call)
#   client-3    redis-server, 3 silo processes, 1 client front end
#   cohosted-3  redis-server, 2 silo processes, 1 front end that co-hosts the third silo (Cluster:CoHostSilo)
#   orleans-floor  bench/OrleansFloor: one co-hosted silo and one grain call per request to a bare token-bucket
#               grain per key (no authentication, tenant, headers or storage) — the most any design that makes
#               a grain call per admission can reach on this machine, for reading the embedded ratio against
# Topologies run one after another (each is stopped before the next starts); loopback only; wrk runs for a
# bounded time. Prints medians and ratios.
#
#   bench/e2e/check.sh                                   # every topology, 3 rounds of 10 s, 64 connections
#   TOPOLOGIES="embedded client-3" ROUNDS=5 bench/e2e/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000}
WARMUP=${WARMUP:-10s}
TOPOLOGIES=${TOPOLOGIES:-orleans-floor embedded client-1 client-3 cohosted-3}

ensure_wrk
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build src/Silo -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null
dotnet build bench/OrleansFloor -c Release -nologo -v quiet >/dev/null

begin_run
base_port=$(free_port)
start_baseline "$base_port"
baseline="http://127.0.0.1:$base_port"

# start_topology NAME: starts it, leaving its front end's URL in $gateway, the pids of its front end and silos
# in $topology_pids and that of its Redis (if any) in $topology_redis.
start_topology() {
  local first port silos=0 cohost=()
  topology_redis=""
  port=$(free_port)
  gateway="http://127.0.0.1:$port"
  case $1 in
    embedded) ;;
    embedded-quiet) ;;
    orleans-floor)
      dotnet bench/OrleansFloor/bin/Release/net10.0/OrleansFloor.dll --urls="$gateway" --SiloPort="$(free_port)" >"$work/floor.log" 2>&1 &
      pids+=($!)
      wait_ready "$gateway/ready"
      topology_pids=("${pids[@]: -1}")
      return ;;
    client-1) silos=1 ;;
    client-3) silos=3 ;;
    cohosted-3) silos=2; cohost=(--Cluster:CoHostSilo=true --Silo:Port="$(free_port)" --Silo:GatewayPort="$(free_port)") ;;
    *) echo "unknown topology $1" >&2; exit 2 ;;
  esac
  first=${#pids[@]}
  if [[ $1 != embedded* ]]; then
    local redis_port
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis-$1.log" 2>&1 &
    pids+=($!)
    topology_redis=$!
    for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break; sleep 0.1; done
    for i in $(seq 1 "$silos"); do
      dotnet src/Silo/bin/Release/net10.0/Silo.dll --Cluster:Redis="127.0.0.1:$redis_port" --Silo:Port="$(free_port)" \
        --Silo:GatewayPort="$(free_port)" --Urls="http://127.0.0.1:$(free_port)" --Logging:LogLevel:Default=Warning \
        >"$work/silo-$1-$i.log" 2>&1 &
      pids+=($!)
    done
    first=$((first + 1)) # Redis is stopped on its own, last
    start_gateway "$port" --Cluster:Redis="127.0.0.1:$redis_port" "${cohost[@]}"
  elif [[ $1 == embedded-quiet ]]; then
    start_gateway "$port" --Telemetry:Enabled=false
  else
    start_gateway "$port"
  fi
  wait_ready "$gateway/health/ready"
  local members=$((silos + ${#cohost[@]} / 3))
  for _ in $(seq 1 300); do [[ $(curl -fsS "$gateway/health/ready" | grep -o '@' | wc -l) -ge $members ]] && break; sleep 0.1; done
  topology_pids=("${pids[@]:$first}")
}

# stop_topology: front end and silos first (they record leaving the cluster in Redis), then Redis.
stop_topology() {
  for pid in "${topology_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${topology_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $topology_redis ]]; then kill "$topology_redis" 2>/dev/null || true; wait "$topology_redis" 2>/dev/null || true; fi
}

results="$work/results.txt"
wait_ready "$baseline/hello/ready"
for topology in $TOPOLOGIES; do
  start_topology "$topology"
  if [[ $topology == orleans-floor ]]; then
    seq 1 "$KEYS" | sed 's/^/floor-key-/' >"$work/keys-$topology.txt" # any string is a key there
  else
    create_keys "$gateway" "$work/keys-$topology.txt"
  fi
  echo "$topology: $(wc -l <"$work/keys-$topology.txt") keys created"
  # Warm up (tiered JIT, activations: the first seconds run far slower) before anything is measured.
  DURATION=$WARMUP wrk_run warmup "$gateway" bench/e2e/keys.lua "$work/keys-$topology.txt" >/dev/null
  DURATION=$WARMUP wrk_run warmup "$baseline" bench/e2e/keys.lua "$work/keys-$topology.txt" >/dev/null
  for _ in $(seq 1 "$ROUNDS"); do
    wrk_run "$topology" "$gateway" bench/e2e/keys.lua "$work/keys-$topology.txt" | tee -a "$results"
    wrk_run "baseline-$topology" "$baseline" bench/e2e/keys.lua "$work/keys-$topology.txt" | tee -a "$results"
  done
  # A saturated CPU must not look like a dead silo: count the processes that did not survive the run.
  lost=0
  for pid in "${topology_pids[@]}"; do kill -0 "$pid" 2>/dev/null || lost=$((lost + 1)); done
  dead=$(cat "$work"/silo-"$topology"-*.log "$work/api-${gateway##*:}.log" 2>/dev/null | grep -c "told I am dead" || true)
  echo "$topology: $lost of ${#topology_pids[@]} processes lost during the run, $dead silo(s) declared dead" | tee -a "$work/survival.txt"
  stop_topology
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
echo
echo "POST /v1/check, $KEYS keys, $CONNECTIONS connections, $THREADS wrk threads, median of $ROUNDS rounds of $DURATION"
printf '%-12s %12s %10s %10s %8s %14s %8s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx" "baseline req/s" "ratio"
for topology in $TOPOLOGIES; do
  rps=$(field "$topology" 2)
  base=$(field "baseline-$topology" 2)
  printf '%-12s %12.0f %10.0f %10.0f %8.0f %14.0f %8.2f\n' "$topology" "$rps" "$(field "$topology" 3)" "$(field "$topology" 4)" \
    "$(field "$topology" 5)" "$base" "$(awk -v s="$rps" -v b="$base" 'BEGIN { print s / b }')"
done
echo "targets (ratio to the baseline): embedded >= 0.8, client-1 >= 0.5, client-3 >= 0.4"
echo "orleans-floor is one bare grain call per request in one process: embedded cannot exceed it"
if [[ " $TOPOLOGIES " == *" embedded "* && " $TOPOLOGIES " == *" embedded-quiet "* ]]; then
  # Each against the baseline rounds run beside it, then the two ratios compared.
  echo "telemetry cost: embedded ratio / embedded-quiet ratio = $(awk -v a="$(field embedded 2)" -v ab="$(field baseline-embedded 2)" \
    -v q="$(field embedded-quiet 2)" -v qb="$(field baseline-embedded-quiet 2)" 'BEGIN { printf "%.2f", (a / ab) / (q / qb) }') (target >= 0.9)"
fi
cat "$work/survival.txt"
