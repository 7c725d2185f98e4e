#!/usr/bin/env bash
# Runs every benchmark and rewrites its section of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/bootstrap.sh
node tools/bench/probe-cost.mjs --reps 5 --calls 3000000 --write
