#!/usr/bin/env bash
# End-to-end benchmark of POST /v1/check. Each topology of Silo runs two shapes of load, each in rounds that
# alternate with the baseline, so every ratio compares figures measured side by side:
#   keys        1,000 distinct API keys of one tenant (the tenant has a limit too, so every admission passes it)
#   hot         all load on one key of that tenant, with a limit above the run's demand
# and after each shape prints the front end's grain calls per admitted request, from its /metrics
# (silo.gateway.admission.grain_calls over silo.gateway.admissions{result=admitted}): at steady state (from
# STEADY_AFTER seconds into each measured round to its end) and over the whole rounds (with each round's ramp).
# Topologies:
#   baseline    a small app answering the same route with System.Threading.RateLimiting's
#               PartitionedRateLimiter in-process (not distributed)
#   embedded    Silo's embedded default: front end + one co-hosted silo in one process
#   embedded-quiet  the same with Telemetry:Enabled=false (no metrics collected): what telemetry costs
#   client-1    redis-server, 1 silo process, 1 front end as an Orleans client (one extra hop per call)
#   client-3    redis-server, 3 silo processes, 1 client front end
#   cohosted-3  redis-server, 2 silo processes, 1 front end that co-hosts the third silo (Cluster:CoHostSilo)
#   NAME-noleases  any of the above with Admission:Leases:Enabled=false: one grain call per admission, as before
#               leases, for a before/after in the same run
#   orleans-floor  bench/OrleansFloor: one co-hosted silo and one grain call per request to a bare token-bucket
#               grain per key (no authentication, tenant, headers or storage) — the most any design that makes
#               a grain call per admission can reach on this machine, for reading the embedded ratio against
# Topologies run one after another (each is stopped before the next starts); loopback only; wrk runs for a
# bounded time. Prints medians and ratios.
#
#   bench/e2e/check.sh                                   # every topology, 3 rounds of 10 s, 64 connections
#   TOPOLOGIES="embedded-noleases embedded" SHAPES=hot ROUNDS=5 bench/e2e/check.sh
#   LEASE_ARGS="--Admission:Leases:MinimumRate=5" TOPOLOGIES=embedded bench/e2e/check.sh   # lease settings to try
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-1000}
WARMUP=${WARMUP:-10s}
STEADY_AFTER=${STEADY_AFTER:-2} # seconds into each round before the steady-state grain calls are counted
TOPOLOGIES=${TOPOLOGIES:-orleans-floor embedded-noleases embedded client-1-noleases client-1 client-3-noleases client-3 cohosted-3}
SHAPES=${SHAPES:-keys hot}

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
  local first port silos=0 cohost=() leases=()
  topology_redis=""
  port=$(free_port)
  gateway="http://127.0.0.1:$port"
  if [[ $1 == *-noleases ]]; then
    leases=(--Admission:Leases:Enabled=false)
    set -- "${1%-noleases}"
  else
    read -r -a leases <<<"${LEASE_ARGS:-}"
  fi
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
    start_gateway "$port" --Cluster:Redis="127.0.0.1:$redis_port" "${cohost[@]}" "${leases[@]}"
  elif [[ $1 == embedded-quiet ]]; then
    start_gateway "$port" --Telemetry:Enabled=false "${leases[@]}"
  else
    start_gateway "$port" "${leases[@]}"
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
calls="$work/calls.txt"

# admission_counts URL: "GRAIN_CALLS ADMITTED" as the front end's /metrics counts them (0 0 without them).
admission_counts() {
  { curl -fsS "$1/metrics" 2>/dev/null || true; } | awk '
    /^silo_gateway_admission_grain_calls_total/ { c += $NF }
    /^silo_gateway_admissions_total/ && /result="admitted"/ { a += $NF }
    END { printf "%d %d", c, a }'
}
wait_ready "$baseline/hello/ready"
for topology in $TOPOLOGIES; do
  start_topology "$topology"
  if [[ $topology == orleans-floor ]]; then
    seq 1 "$KEYS" | sed 's/^/floor-key-/' >"$work/keys-$topology.txt" # any string is a key there
  else
    create_keys "$gateway" "$work/keys-$topology.txt"
  fi
  echo "$topology: $(wc -l <"$work/keys-$topology.txt") keys created"
  head -1 "$work/keys-$topology.txt" >"$work/hot-$topology.txt"
  for shape in $SHAPES; do
    keyfile="$work/keys-$topology.txt"
    [[ $shape == hot ]] && keyfile="$work/hot-$topology.txt"
    # Warm up (tiered JIT, activations: the first seconds run far slower) before anything is measured.
    DURATION=$WARMUP wrk_run warmup "$gateway" bench/e2e/keys.lua "$keyfile" >/dev/null
    DURATION=$WARMUP wrk_run warmup "$baseline" bench/e2e/keys.lua "$keyfile" >/dev/null
    before=$(admission_counts "$gateway")
    steady="0 0"
    for _ in $(seq 1 "$ROUNDS"); do
      # Steady state: the counts from $STEADY_AFTER into the round to its end. Between rounds the gateway is idle
      # while the baseline runs, so every key starts a round unleased and is admitted per request until its rate
      # is seen again: the whole-round figure includes that ramp.
      wrk_run "$topology/$shape" "$gateway" bench/e2e/keys.lua "$keyfile" >"$work/round.txt" &
      wrk_pid=$!
      sleep "$STEADY_AFTER"
      mid=$(admission_counts "$gateway")
      wait "$wrk_pid"
      end=$(admission_counts "$gateway")
      tee -a "$results" <"$work/round.txt"
      steady=$(echo "$steady $mid $end" | awk '{ printf "%d %d", $1 + $5 - $3, $2 + $6 - $4 }')
      wrk_run "baseline-$topology/$shape" "$baseline" bench/e2e/keys.lua "$keyfile" | tee -a "$results"
    done
    after=$(admission_counts "$gateway")
    echo "$topology/$shape $before $after $steady" | awk '{ c = $4 - $2; a = $5 - $3; printf "%s %d %d %.4f %.4f\n", $1, c, a, ($7 > 0 ? $6 / $7 : 0), (a > 0 ? c / a : 0) }' | tee -a "$calls"
  done
  # A saturated CPU must not look like a dead silo: count the processes that did not survive the run.
  lost=0
  for pid in "${topology_pids[@]}"; do kill -0 "$pid" 2>/dev/null || lost=$((lost + 1)); done
  # And how close it came: probes a silo missed (Orleans' "Did not get response for probe", direct or
  # indirect), votes to evict one, and silos told they were dead.
  logs=$(cat "$work"/silo-"$topology"-*.log "$work/api-${gateway##*:}.log" 2>/dev/null || true)
  missed=$(grep -c -e "Did not get response for probe" -e "Indirect probe .* failed" <<<"$logs" || true)
  votes=$(grep -c "Voting to evict" <<<"$logs" || true)
  dead=$(grep -c "told I am dead" <<<"$logs" || true)
  echo "$topology: $lost of ${#topology_pids[@]} processes lost during the run, $missed probe(s) missed, $votes vote(s) to evict, $dead silo(s) declared dead" | tee -a "$work/survival.txt"
  stop_topology
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
echo
echo "POST /v1/check, $KEYS keys (shape keys) or one of them (shape hot), $CONNECTIONS connections, $THREADS wrk threads, median of $ROUNDS rounds of $DURATION"
printf '%-24s %12s %10s %10s %8s %14s %8s %12s %12s\n' "" "requests/s" "p50 (us)" "p99 (us)" "non-2xx" "baseline req/s" "ratio" "calls/admit" "incl. ramp"
for shape in $SHAPES; do
  for topology in $TOPOLOGIES; do
    row="$topology/$shape"
    rps=$(field "$row" 2)
    base=$(field "baseline-$row" 2)
    per=$(awk -v n="$row" '$1 == n { print $4 }' "$calls")
    ramp=$(awk -v n="$row" '$1 == n { print $5 }' "$calls")
    printf '%-24s %12.0f %10.0f %10.0f %8.0f %14.0f %8.2f %12s %12s\n' "$row" "$rps" "$(field "$row" 3)" "$(field "$row" 4)" \
      "$(field "$row" 5)" "$base" "$(awk -v s="$rps" -v b="$base" 'BEGIN { print s / b }')" "${per:--}" "${ramp:--}"
  done
done
echo "targets (ratio to the baseline, leases on): embedded >= 0.9, client-1 >= 0.8, client-3 >= 0.7, in both shapes;"
echo "grain calls per admitted request at steady state <= 0.01. orleans-floor (one bare grain call per request in one process) is the"
echo "ceiling of any design that makes a grain call per admission: the -noleases rows are that design"
if [[ " $TOPOLOGIES " == *" embedded "* && " $TOPOLOGIES " == *" embedded-quiet "* ]]; then
  # Each against the baseline rounds run beside it, then the two ratios compared.
  shape=${SHAPES%% *}
  echo "telemetry cost ($shape): embedded ratio / embedded-quiet ratio = $(awk -v a="$(field "embedded/$shape" 2)" -v ab="$(field "baseline-embedded/$shape" 2)" \
    -v q="$(field "embedded-quiet/$shape" 2)" -v qb="$(field "baseline-embedded-quiet/$shape" 2)" 'BEGIN { printf "%.2f", (a / ab) / (q / qb) }') (target >= 0.9)"
fi
cat "$work/survival.txt"
