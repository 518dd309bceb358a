#!/bin/sh
# run.sh BUILD_DIR - the engine's micro-benchmarks (make bench).
# Each program measures its own baseline in the same run, alternating A and B,
# and prints medians; budgets are in docs/performance.md.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -eu
build=${1:-.}
for b in bench_rules bench_binding bench_store bench_bndupd bench_get; do
	echo "== $b"
	"$build/bench/$b"
done
