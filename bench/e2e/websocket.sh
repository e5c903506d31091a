#!/usr/bin/env bash
# End-to-end benchmark of a WebSocket through the gateway: sequential 64-byte round trips over one connection
# to an echo downstream (bench/Baseline's /ws), through Silo's embedded default and directly, in alternating
# rounds of one run (loopback only, bounded by count). Prints the medians of each round's p50 and p99 and the
# latency the gateway adds to one round trip.
#
#   bench/e2e/websocket.sh                   # 5 rounds of 20,000 round trips
#   ROUNDS=3 COUNT=50000 bench/e2e/websocket.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/lib.sh

ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-20000}

dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null
dotnet build bench/WebSocketRoundTrip -c Release -nologo -v quiet >/dev/null
client=bench/WebSocketRoundTrip/bin/Release/net10.0/WebSocketRoundTrip.dll

begin_run
api_port=$(free_port)
down_port=$(free_port)
start_gateway "$api_port"
start_baseline "$down_port"
api="http://127.0.0.1:$api_port"
wait_ready "$api/health/ready"
wait_ready "http://127.0.0.1:$down_port/hello/x"

auth="Authorization: Bearer $admin"
json='Content-Type: application/json'
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/tenants" -d '{"id":"bench","name":"bench"}'
key=$(curl -fsS -H "$auth" -H "$json" "$api/admin/tenants/bench/keys" \
  -d '{"name":"ws","limits":[{"name":"key","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}' \
  | grep -o '"key":"[^"]*"' | cut -d'"' -f4)
curl -fsS -o /dev/null -H "$auth" -H "$json" "$api/admin/services" \
  -d "{\"id\":\"echo\",\"endpoints\":[{\"url\":\"http://127.0.0.1:$down_port\"}]}"

direct_p50=() direct_p99=() proxied_p50=() proxied_p99=()
for round in $(seq 1 "$ROUNDS"); do
  read -r p50 p99 rate < <(dotnet "$client" "ws://127.0.0.1:$down_port/ws" "$COUNT")
  echo "round $round direct:  p50 ${p50} us  p99 ${p99} us  ${rate} msg/s"
  direct_p50+=("$p50") direct_p99+=("$p99")
  read -r p50 p99 rate < <(dotnet "$client" "ws://127.0.0.1:$api_port/echo/ws" "$COUNT" "$key")
  echo "round $round proxied: p50 ${p50} us  p99 ${p99} us  ${rate} msg/s"
  proxied_p50+=("$p50") proxied_p99+=("$p99")
done

m() { printf '%s\n' "$@" | median; }
dp50=$(m "${direct_p50[@]}"); dp99=$(m "${direct_p99[@]}")
pp50=$(m "${proxied_p50[@]}"); pp99=$(m "${proxied_p99[@]}")
added=$(awk -v a="$pp50" -v b="$dp50" 'BEGIN { print a - b }')
echo "WebSocket round trip, medians of $ROUNDS rounds x $COUNT: direct p50 ${dp50} us p99 ${dp99} us; through the gateway p50 ${pp50} us p99 ${pp99} us; added p50 ${added} us"
