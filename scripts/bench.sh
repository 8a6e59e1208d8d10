#!/usr/bin/env bash
# `npm run bench`: every package's benchmarks, compiled to dist-bench/ and run under plain node.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
