# Helpers shared by the end-to-end load scripts (sourced, not run).

# Installs wrk from Debian's packages when missing (root only).
ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "wrk is missing; install it (apt-get install wrk) or run as root" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_ready URL: polls until the URL answers 200, for at most 60 s.
wait_ready() {
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $1" >&2
  return 1
}

# wrk_run NAME URL SCRIPT ARGS...: runs wrk and prints "NAME rps p50_us p99_us non2xx".
wrk_run() {
  local name=$1 url=$2 script=$3
  shift 3
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url" -- "$@")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_us)
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_us)
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  echo "$name ${rps:-0} ${p50:-0} ${p99:-0} ${non2xx:-0}"
}

# Converts wrk latency ("812.00us", "1.23ms", "2.10s") to microseconds.
to_us() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
         else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
         else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 } }'
}

# median of the numbers on stdin
median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# begin_run: a scratch folder ($work), a fresh admin token ($admin), and a trap that ends every process whose
# pid was added to $pids (and only those) when the script exits.
begin_run() {
  work=$(mktemp -d)
  pids=()
  admin=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  trap end_run EXIT
}

end_run() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# start_gateway PORT [ARGS...]: the front end (Production, admin token $admin, warnings only) on PORT;
# with no Cluster:Redis argument it hosts its embedded silo.
start_gateway() {
  local port=$1
  shift
  ASPNETCORE_ENVIRONMENT=Production Admin__Token=$admin Logging__LogLevel__Default=Warning \
    dotnet src/Api/bin/Release/net10.0/Silo.Api.dll --Urls="http://127.0.0.1:$port" "$@" >"$work/api-$port.log" 2>&1 &
  pids+=($!)
}

# start_baseline PORT: bench/Baseline (the /v1/check baseline, and the proxy benchmark's downstream).
start_baseline() {
  dotnet bench/Baseline/bin/Release/net10.0/Baseline.dll --urls="http://127.0.0.1:$1" >"$work/baseline-$1.log" 2>&1 &
  pids+=($!)
}

# gateway_with_downstream NAME: $api_port, $down_port and $api; the front end (embedded default) and
# bench/Baseline started and ready; tenant "bench" with one key ($key, a limit no benchmark reaches, named NAME).
gateway_with_downstream() {
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
    -d "{\"name\":\"$1\",\"limits\":[{\"name\":\"key\",\"algorithm\":\"token-bucket\",\"limit\":1000000000,\"windowSeconds\":60}]}" \
    | grep -o '"key":"[^"]*"' | cut -d'"' -f4)
}

# create_keys API_URL KEYS_FILE: one tenant (with its own limit, so every check also passes the tenant grain)
# and $KEYS keys, each with a
# limit far above what the run can spend: the benchmark measures the admitted path.
create_keys() { # API_URL KEYS_FILE
  local auth="Authorization: Bearer $admin"
  curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' "$1/admin/tenants" \
    -d '{"id":"bench","name":"bench","limits":[{"name":"tenant","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}'
  seq 1 "$KEYS" | xargs -P 4 -I{} curl -fsS -H "$auth" -H 'Content-Type: application/json' "$1/admin/tenants/bench/keys" \
    -d '{"name":"k{}","limits":[{"name":"key","algorithm":"token-bucket","limit":1000000000,"windowSeconds":60}]}' \
    | grep -o '"key":"[^"]*"' | cut -d'"' -f4 >"$2"
}
