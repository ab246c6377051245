#!/usr/bin/env bash
# Runs the benchmarks and summarizes them with benchstat.
#
#   ./run.sh                     run everything, 6 times, into /tmp/bench.txt
#   ./run.sh old.txt             the same, then compare old.txt with the new run
#   BENCH='Local$' COUNT=10 OUT=new.txt ./run.sh
set -euo pipefail
cd "$(dirname "$0")"

bench=${BENCH:-.}
count=${COUNT:-6}
out=${OUT:-/tmp/bench.txt}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da

go test -run '^$' -bench "$bench" -benchmem -count "$count" | tee "$out"

benchstat() {
	if command -v benchstat >/dev/null 2>&1; then
		command benchstat "$@"
	else
		go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$@"
	fi
}

if [ $# -gt 0 ]; then
	benchstat old="$1" new="$out"
else
	benchstat "$out"
fi
