#!/usr/bin/env bash
# What telemetry costs the data plane: two embedded front ends side by side, one with everything on (metrics
# collected for /metrics, spans made and sampled: Telemetry:Tracing=true) and one with Telemetry:Enabled=false,
# measured in alternating rounds of POST /v1/check with 1,000 keys (loopback only, bounded by time), so drift of
# this shared machine falls on both alike. Prints the medians and the ratio on/off (target >= 0.9).
#
#   bench/e2e/telemetry.sh                  # 6 rounds of 10 s each, 64 connections
#   ROUNDS=10 bench/e2e/telemetry.sh
#   ON_ARGS="" bench/e2e/telemetry.sh       # metrics only (no spans) against off
#   ON_ARGS="--Telemetry:Tracing=true --OTEL_TRACES_SAMPLER=parentbased_traceidratio --OTEL_TRACES_SAMPLER_ARG=0.1" bench/e2e/telemetry.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-6}
KEYS=${KEYS:-1000}
WARMUP=${WARMUP:-10s}

ensure_wrk
dotnet build src/Api -c Release -nologo -v quiet >/dev/null

begin_run
on_port=$(free_port)
off_port=$(free_port)
ON_ARGS=${ON_ARGS---Telemetry:Tracing=true}
# shellcheck disable=SC2086 # ON_ARGS is a list of arguments
start_gateway "$on_port" $ON_ARGS
start_gateway "$off_port" --Telemetry:Enabled=false
on="http://127.0.0.1:$on_port"
off="http://127.0.0.1:$off_port"
wait_ready "$on/health/ready"
wait_ready "$off/health/ready"
create_keys "$on" "$work/keys-on.txt"
create_keys "$off" "$work/keys-off.txt"
DURATION=$WARMUP wrk_run warmup "$on" bench/e2e/keys.lua "$work/keys-on.txt" >/dev/null
DURATION=$WARMUP wrk_run warmup "$off" bench/e2e/keys.lua "$work/keys-off.txt" >/dev/null
# What is compared really differs: after traffic the one serves the gateway's metrics, the other no /metrics.
curl -fsS "$on/metrics" | grep -q silo_gateway_admissions || { echo "telemetry.sh: the 'on' front end exports no gateway metrics" >&2; exit 1; }
if curl -fsS -o /dev/null "$off/metrics"; then echo "telemetry.sh: the 'off' front end still serves /metrics" >&2; exit 1; fi
results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which goes first, so neither always runs on the warmer machine.
  if ((round % 2)); then order="on off"; else order="off on"; fi
  for which in $order; do
    url=$on; [[ $which == off ]] && url=$off
    wrk_run "$which" "$url" bench/e2e/keys.lua "$work/keys-$which.txt" | tee -a "$results"
  done
done

field() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results" | median; }
on_rps=$(field on 2)
off_rps=$(field off 2)
echo
echo "POST /v1/check, $KEYS keys, $CONNECTIONS connections, median of $ROUNDS alternating rounds of $DURATION"
echo "telemetry on (${ON_ARGS:-metrics only}): $on_rps req/s; off: $off_rps req/s; ratio on/off $(awk -v a="$on_rps" -v b="$off_rps" 'BEGIN { printf "%.2f", a / b }')"
