#!/bin/sh
# test-config-check.sh - the real kea-dhcp4 checks the hook's parameters.
#
# 1. `kea-dhcp4 -t` accepts every example configuration in docs/examples/.
# 2. `kea-dhcp4 -t` refuses every configuration in tests/kea/bad/ and prints
#    the YANG path and reason listed in its .expect file, nothing from
#    libyang on stderr.
# 3. A real kea-dhcp4 in a network namespace starts with a good configuration
#    (the hook logs FAILOVER_LOADED) and refuses to start with a bad one.
# 4. The loggers of docs/logging.md: the hook's messages go to a file of
#    their own, debug level 40 included (the partner is absent: the second
#    failed connection is FAILOVER_CONNECTION_CLOSED_AGAIN at DEBUG).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/lib.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_kea_env

check_good() {
	fo_instantiate "$1" "$FO_TMP/good.json"
	"$KEA_DHCP4" -t "$FO_TMP/good.json" >"$FO_TMP/out" 2>"$FO_TMP/err"
	rc=$?
	[ $rc -eq 0 ] && ! grep -q FAILOVER_LOAD_FAILED "$FO_TMP/out" && [ ! -s "$FO_TMP/err" ] && return 0
	echo "# rc=$rc"; sed 's/^/# /' "$FO_TMP/out" "$FO_TMP/err" | grep -E 'ERROR|FATAL|libyang' | head -5
	return 1
}

check_bad() {
	fo_instantiate "$1" "$FO_TMP/bad.json"
	"$KEA_DHCP4" -t "$FO_TMP/bad.json" >"$FO_TMP/out" 2>"$FO_TMP/err"
	rc=$?
	if [ $rc -eq 0 ]; then echo "# accepted"; return 1; fi
	# Kea prints its own one-line summary on stderr; libyang must print nothing.
	if grep -q -i libyang "$FO_TMP/err"; then echo "# libyang on stderr:"; sed 's/^/# /' "$FO_TMP/err" | head -3; return 1; fi
	line=$(grep FAILOVER_LOAD_FAILED "$FO_TMP/out")
	[ -n "$line" ] || { echo "# no FAILOVER_LOAD_FAILED line"; return 1; }
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		case $line in
		*"$want"*) ;;
		*) echo "# missing: $want"; echo "# got: $line"; return 1 ;;
		esac
	done <"${1%.json}.expect"
	return 0
}

for f in "$srcdir"/docs/examples/*.json; do
	fo_check "kea-dhcp4 -t accepts $(basename "$f")" check_good "$f"
done
for f in "$srcdir"/tests/kea/bad/*.json; do
	fo_check "kea-dhcp4 -t refuses $(basename "$f") with path and reason" check_bad "$f"
done

# --- A real server: starts with a good configuration, refuses a bad one ------
fo_skip_unless_root "the start test"
ns=fo-cfg-$$
fo_netns_veth "$ns" fo-s1 10.0.0.1/24

# start_kea CONFIG LOG: kea-dhcp4 in the namespace, in the background.
start_kea() {
	jq --arg lf "$FO_TMP/leases4.csv" --arg sock "$FO_TMP/kea4.sock" '
	    .Dhcp4["lease-database"] = {"type": "memfile", "persist": true, "name": $lf}
	    | .Dhcp4["control-socket"] = {"socket-type": "unix", "socket-name": $sock}' \
	    "$1" >"$1.ns"
	env $(fo_kea_dirs "$FO_TMP") ip netns exec "$ns" "$KEA_DHCP4" -c "$1.ns" >"$2" 2>&1 &
	KEA_PID=$!
	FO_PIDS="$FO_PIDS $KEA_PID"
}

fo_instantiate "$srcdir/docs/examples/load-balance-primary.json" "$FO_TMP/start.json" fo-s1
start_kea "$FO_TMP/start.json" "$FO_TMP/start.log"
fo_check "kea-dhcp4 starts with the hook and logs FAILOVER_LOADED" \
    fo_wait_log "$FO_TMP/start.log" 'FAILOVER_LOADED.*1 relationship' 15
fo_check "kea-dhcp4 with the hook reaches DHCP4_STARTED" \
    fo_wait_log "$FO_TMP/start.log" 'DHCP4_STARTED' 15
kill "$KEA_PID" 2>/dev/null
wait "$KEA_PID" 2>/dev/null

bad=$(ls "$srcdir"/tests/kea/bad/*.json | head -1)
fo_instantiate "$bad" "$FO_TMP/startbad.json" fo-s1
start_kea "$FO_TMP/startbad.json" "$FO_TMP/startbad.log"
refused() {
	i=0
	while kill -0 "$KEA_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$KEA_PID" 2>/dev/null; then echo "# still running"; return 1; fi
	wait "$KEA_PID"; rc=$?
	[ $rc -ne 0 ] && grep -q 'FAILOVER_LOAD_FAILED.*/kea-dhcp-failover:failover' "$FO_TMP/startbad.log" &&
	    grep -q DHCP4_INIT_FAIL "$FO_TMP/startbad.log"
}
fo_check "kea-dhcp4 refuses to start with $(basename "$bad")" refused

# --- The loggers of docs/logging.md, outputs into FO_TMP ---------------------------
sed -n '/^## Configuring the logger/,/^## /p' "$srcdir/docs/logging.md" |
    sed -n '/^```json/,/^```/p' | sed '1d;$d' |
    sed -e "s|/var/log/kea/kea-dhcp4.log|$FO_TMP/main.log|" -e "s|/var/log/kea/kea-failover.log|$FO_TMP/failover.log|" |
    { printf '{'; cat; printf '}'; } >"$FO_TMP/loggers.json"
fo_check "docs/logging.md's loggers example is JSON with a kea-dhcp4.failover-hooks logger" \
    jq -e '.loggers | map(.name) | index("kea-dhcp4.failover-hooks") != null' "$FO_TMP/loggers.json"
jq --slurpfile l "$FO_TMP/loggers.json" '.Dhcp4.loggers = $l[0].loggers' "$FO_TMP/start.json" >"$FO_TMP/logging.json"
start_kea "$FO_TMP/logging.json" "$FO_TMP/logging.out"
fo_check "the hook's own file: FAILOVER_RELATIONSHIP_CONFIGURED at INFO" \
    fo_wait_log "$FO_TMP/failover.log" 'INFO +\[kea-dhcp4\.failover-hooks/.*FAILOVER_RELATIONSHIP_CONFIGURED relationship' 15
fo_check "the hook's own file: a repeated connection failure at DEBUG (debuglevel 40)" \
    fo_wait_log "$FO_TMP/failover.log" 'DEBUG.*\[kea-dhcp4\.failover-hooks/.*FAILOVER_CONNECTION_CLOSED_AGAIN relationship' 30
fo_check "kea-dhcp4's own file: DHCP4_STARTED, no debug line" \
    sh -c "grep -q DHCP4_STARTED '$FO_TMP/main.log' && ! grep -q DEBUG '$FO_TMP/main.log'"
kill "$KEA_PID" 2>/dev/null
wait "$KEA_PID" 2>/dev/null

fo_summary
