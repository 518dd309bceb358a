# bench_lib.sh - helpers shared by the benchmarks that run real servers
# (bench_dora.sh, bench_pair.sh). Sourced, never run.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

# bench_median: the median of the numbers on stdin (blank- or line-separated).
bench_median() {
	tr ' ' '\n' | grep . | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_range: "MIN..MAX" of the numbers on stdin.
bench_range() {
	tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo ".." hi }'
}

# bench_ratio A B: B / A with three decimals (0 when A is 0).
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0) printf "%.3f\n", b / a; else print "0" }'; }

# bench_lt X Y: true when X < Y (as numbers).
bench_lt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 < y + 0) }'; }

# bench_cpu_ticks PID: user + system CPU time the process has used, in clock ticks.
bench_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# bench_callgrind_ir FILE: the total instruction count of a callgrind output file.
bench_callgrind_ir() {
	_ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
	[ -n "$_ir" ] || _ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
	echo "${_ir:-0}"
}
