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

# bench_thread_ticks PID...: the CPU clock ticks (user + system) of the
# processes' threads in three classes, "MAIN OTHER HOOK": Kea's main thread
# (TID = PID), the hook's threads (named fo-*: fo-net, fo-both, fo-replicate)
# and every other thread (Kea's packet threads and receiver, Kea HA's
# listener and client threads). Threads that ended in between are not counted.
bench_thread_ticks() {
	for _p in "$@"; do
		for _t in /proc/"$_p"/task/*; do
			_s=$(cat "$_t/stat" 2>/dev/null) || continue
			# after the name's ") " the fields are stat's 3rd, 4th, ...: utime and stime are $15, $16 below
			echo "${_t##*/} $_p $(cat "$_t/comm" 2>/dev/null | tr -c 'a-zA-Z0-9_.\n-' _) ${_s##*) }"
		done
	done | awk '{ t = $15 + $16; if ($1 == $2) m += t; else if ($3 ~ /^fo-/) h += t; else o += t }
	    END { printf "%d %d %d\n", m, o, h }'
}

# bench_perf_start OUT PID...: when BENCH_PERF is 1, count the processes'
# context switches and futex calls (perf stat, software event and syscall
# tracepoint: no hardware counter needed) into OUT until bench_perf_stop.
bench_perf_start() {
	BENCH_PERF_PID=
	[ "${BENCH_PERF:-0}" = 1 ] || return 0
	_o=$1; shift
	# counts while its `sleep` runs: bench_perf_stop ends the sleep, not perf
	perf stat -x, -o "$_o" -e context-switches,syscalls:sys_enter_futex \
	    -p "$(echo "$@" | tr ' ' ',')" -- sleep 3600 >/dev/null 2>&1 &
	BENCH_PERF_PID=$!
	sleep 0.2
}

# bench_perf_stop OUT ACKS: BENCH_PERF_LINE, "C context switches and F futex
# calls per DORA" (empty without BENCH_PERF). Not in a $(...) subshell: perf
# is this shell's child, and only this shell can wait for it.
bench_perf_stop() {
	BENCH_PERF_LINE=
	[ -n "${BENCH_PERF_PID:-}" ] || return 0
	pkill -TERM -P "$BENCH_PERF_PID" -x sleep 2>/dev/null
	wait "$BENCH_PERF_PID" 2>/dev/null
	BENCH_PERF_PID=
	BENCH_PERF_LINE=$(awk -F, -v a="$2" '$3 == "context-switches" { c = $1 } $3 ~ /futex/ { f = $1 }
	    END { if (a > 0) printf "%.2f context switches and %.2f futex calls per DORA", c / a, f / a }' "$1")
}
