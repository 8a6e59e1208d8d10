#!/usr/bin/env bash
# `npm run bench`: every package's benchmarks, compiled to dist-bench/ and run under plain node.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
# core: planning 1,000 datasets × 1,000 snapshots (target <= 1 s), 1 × 10k, 100 × 1k
npx tsc -p packages/core/tsconfig.bench.json && node --expose-gc packages/core/dist-bench/bench/plan.bench.js
# runner: one daemon cycle over loopback HTTP for 10 / 100 / 1,000 datasets × 200 snapshots (time, round trips, calls)
npx tsc -p packages/runner/tsconfig.bench.json && node --expose-gc packages/runner/dist-bench/bench/daemon-cycle.bench.js
# runner: simulate one virtual year of 10-minute cycles for one dataset (direct model path), 30 days via JSON-RPC
node --expose-gc packages/runner/dist-bench/bench/simulate.bench.js
# runner: one simulated day at the default config, 10 and 100 datasets × 200 snapshots: the daemon sleeping until work is due vs a cycle every minute (API calls per day)
node --expose-gc packages/runner/dist-bench/bench/day-cost.bench.js
