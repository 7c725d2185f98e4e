#!/usr/bin/env bash
# Runs every benchmark and rewrites its section of BENCHMARKS.md (about 45 minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/bootstrap.sh
bash tools/bench/peers-setup.sh >/dev/null
node tools/bench/probe-cost.mjs --reps 7 --calls 1000000 --write
node tools/bench/agent-footprint.mjs --seconds 60 --procs 1000,10000 --write
node tools/bench/ingest-load.mjs --agents 1,8,32,64,128 --seconds 8 --syscalls 60 --engines sqlite,pg,pg2 --write
node tools/bench/ingest-load.mjs --open --agents 250,500,1000,1500,2000 --seconds 10 --syscalls 60 --engines sqlite,pg,pg2 --write
node tools/bench/query-latency.mjs --hosts 20 --hours 1,25 --reps 15 --engines sqlite,pg --expire --write
node tools/bench/query-latency.mjs --hosts 20 --hours 1 --reps 10 --processes 20 --run-minutes 10 --engines sqlite,pg --write
node tools/bench/query-latency.mjs --hosts 20 --hours 1 --reps 10 --cgroups 20 --run-minutes 10 --engines sqlite,pg --write
node tools/bench/metrics-scrape.mjs --hosts 1000 --agents 32 --seconds 30 --every 15,1 --scrapes 10 --write
node tools/bench/metrics-scrape.mjs --hosts 1000 --agents 32 --seconds 30 --every 15,1 --scrapes 10 --db postgres --agent-scrapes 0 --write
node tools/bench/summary-cost.mjs --calls 1000000 --reps 5 --write
