#!/usr/bin/env bash
# The test command (README, CI): installs what the tests need on a fresh Debian machine, builds the
# solution once in Release, runs every test project, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# System packages the test tiers use. Installed only when missing; needs root (CI runs as root).
packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v promtool >/dev/null 2>&1 || packages+=(prometheus) # promtool: the metrics test checks /metrics with Prometheus' own parser
[[ -x /usr/bin/chromium ]] || packages+=(chromium)            # the console tests drive it with Playwright (never Playwright's own browser download)
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client) # kubectl: tests/Silo.Deploy.Tests renders deploy/k8s with kubectl kustomize
if ((${#packages[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "scripts/test.sh: missing ${packages[*]}; run as root or install them" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

dotnet build Silo.sln -c Release -warnaserror -nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || status=1
done

# Prometheus alerting rules: valid, and their unit tests (deploy/prometheus/alerts.test.yml) pass.
if ! (promtool check rules deploy/prometheus/alerts.yml && promtool test rules deploy/prometheus/alerts.test.yml); then
  echo "scripts/test.sh: the alerting rules failed promtool" >&2
  status=1
fi

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [[ $passed -eq 0 ]]; then
  echo "scripts/test.sh: no test ran" >&2
  exit 1
fi
exit $status
