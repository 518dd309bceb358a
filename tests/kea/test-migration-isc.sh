#!/bin/sh
# test-migration-isc.sh - the rolling migration of docs/migration-isc.md,
# walked with real servers: an ISC dhcpd 4.4 failover pair is replaced, one
# server at a time, by kea-dhcp4 with the hook, configured by tools/dhcpd-to-kea
# from each dhcpd's own dhcpd.conf (tests/migration/dhcpd-primary.conf and
# dhcpd-secondary.conf: failover peer "dhcp-pair", MCLT 600 s, split 128, a
# 200-address pool in 10.0.0.0/16); then the Kea pair switches from ISC's
# dialect to the draft's with failover-set.
#   step 1  ISC primary (s1, 10.0.0.1) + ISC secondary (s2, 10.0.0.2), both
#           normal; 50 clients DORA through a relay that forwards to both;
#   step 2  the ISC secondary stopped, kea-dhcp4 started in its place (dialect
#           isc): Kea and dhcpd normal, Kea holds every client's lease, every
#           client renews with the server of its server identifier; 20 new
#           clients DORA with the mixed pair (and are kept from then on);
#   step 3  the ISC primary replaced the same way: the Kea pair normal (both
#           dialect isc), every client renews again;
#   step 4  failover-set dialect draft on the secondary, then the primary: both
#           back to Normal with dialect draft, every client renews again.
# At every step every client is acknowledged with the address it was first given,
# and no address is held by two clients (tools/check_duplicates.py over every
# probe run, each Kea lease4-get-all and each dhcpd lease file taken on the way).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"
. "$(dirname "$0")/isc.sh"
ISC_PEER=dhcp-pair
REL=dhcp-pair
M="$srcdir/tests/migration"
N=${MIGRATION_CLIENTS:-50}

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
isc_skip_unless_installed
fo_need jq socat
fo_deadline 330
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

# kea_config NAME CONF [ARGS...]: the kea-dhcp4 configuration tools/dhcpd-to-kea
# writes from CONF for server NAME (the guide's command, with this test's paths).
kea_config() {
	_n=$1 _c=$2; shift 2
	mkdir -p "$FO_TMP/$_n/state"
	"$PYTHON" "$srcdir/tools/dhcpd-to-kea" "$_c" --interface "fo-$_n" \
	    --hook "$FO_HOOK" --lease-cmds "$FO_LEASE_CMDS" --state-directory "$FO_TMP/$_n/state" \
	    --lease-file "$FO_TMP/$_n/leases4.csv" --control-socket "$FO_TMP/$_n/kea4.sock" \
	    -o "$FO_TMP/kea-$_n.json" "$@" 2>"$FO_TMP/d2k-$_n.err" ||
	    { sed 's/^/#   /' "$FO_TMP/d2k-$_n.err"; return 1; }
	sed 's/^/#   /' "$FO_TMP/d2k-$_n.err"
}

# kept FILE: every client of FILE ($COUNT of them) acknowledged with the
# address it was first given (base.json).
kept() {
	r=$(jq -s -c --slurpfile b "$FO_TMP/base.json" '
	    {clients: length, acked: map(select(.acked != null)) | length,
	     by: (map(.server_id) | group_by(.) | map({(.[0] // "none"): length}) | add),
	     moved: map(select(.acked != $b[0][.chaddr]) | {chaddr, was: $b[0][.chaddr], now: .acked, nak})}
	    | .moved_count = (.moved | length) | .moved |= .[:4]' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq --argjson n "$COUNT" '.clients == $n and .acked == $n and .moved_count == 0')" = true ]
}

# kea_has_all NAME: NAME's lease4-get-all has every client's step-1 address
# with its hardware address (within 20 s: updates may be in flight).
kea_has_all() {
	_end=$(($(date +%s) + 20))
	while :; do
		fo_leases "$1" | jq -s -c 'map(select(.state == 0) | {(.address): .hw}) | add // {}' >"$FO_TMP/kl.json"
		r=$(jq -c -n --slurpfile k "$FO_TMP/kl.json" --slurpfile b "$FO_TMP/base.json" '
		    [$b[0] | to_entries[] | select($k[0][.value] != .key) | .value] as $m
		    | {leases: ($k[0] | length), missing: ($m | length), first: $m[:4]}')
		[ "$(echo "$r" | jq '.missing == 0')" = true ] && break
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.5
	done
	echo "#   $1: $r"
	[ "$(echo "$r" | jq '.missing == 0')" = true ]
}

# isc_snapshot TAG NAME: dhcpd NAME's leases, for the duplicate check.
isc_snapshot() {
	mkdir -p "$FO_TMP/snap"
	isc_leases_kea "$2" >"$FO_TMP/snap/$1.isc-$2.leases.json"
}

renew() { fo_probe_pair renew --from "$1" --seed mig --timeout 1.5 --retries 2 >"$2" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"; }

# reconnected NAME SECONDS: NAME's failover-set answer (set-NAME.json) says the
# connection was re-established; NAME is connected and Normal, in a state
# entered no earlier than that answer's (the change of dialect reconnects).
reconnected() {
	_since=$(jq -r '.arguments.relationships[0].state["state-since"]' "$FO_TMP/set-$1.json")
	_end=$(($(date +%s) + $2))
	while :; do
		_r=$(fo_fget "$1" "{\"name\": \"$REL\"}" | jq -c --arg t "$_since" '.relationships[0].state
		    | {state, "partner-state", connected, "state-since"}
		    | .ok = (.state == "Normal" and ."partner-state" == "Normal" and .connected and ."state-since" >= $t)')
		[ "$(echo "$_r" | jq .ok)" = true ] && { echo "#   $1: $_r"; return 0; }
		[ "$(date +%s)" -lt "$_end" ] || { echo "#   $1: $_r (the set answered at $_since)"; return 1; }
		sleep 0.25
	done
}

dialect_of() {
	fo_fget "$1" "{\"name\": \"$REL\"}" | jq -r '.relationships[0].dialect'
}

# --- Step 1: the ISC pair --------------------------------------------------------
fo_check "step 1: dhcpd primary starts (dhcpd-primary.conf)" isc_run s1 "$M/dhcpd-primary.conf"
fo_check "step 1: dhcpd secondary starts (dhcpd-secondary.conf)" isc_run s2 "$M/dhcpd-secondary.conf"
fo_check "step 1: dhcpd primary normal" isc_wait_state s1 normal 90
fo_check "step 1: dhcpd secondary normal" isc_wait_state s2 normal 15
fo_probe_pair dora --count "$N" --seed mig --timeout 1.5 --nak-restart 2 >"$FO_TMP/p1.json" 2>"$FO_TMP/err"
sed 's/^/#   /' "$FO_TMP/err"
jq -s -c 'map({(.chaddr): .acked}) | add' "$FO_TMP/p1.json" >"$FO_TMP/base.json"
COUNT=$N
fo_check "step 1: $N clients acknowledged by the ISC pair" fo_all_acked "$FO_TMP/p1.json"
fo_check "step 1: both dhcpd answered clients (load balancing)" \
    fo_jqe -s 'map(.server_id) | unique == ["10.0.0.1", "10.0.0.2"]' "$FO_TMP/p1.json"
sleep 2
isc_snapshot 1 s1; isc_snapshot 1 s2

# --- Step 2: kea-dhcp4 replaces the ISC secondary ------------------------------------
from=$(isc_lines s1)
isc_stop s2
fo_check "step 2: dhcpd-to-kea converts dhcpd-secondary.conf (--mclt 600: ISC's mclt is on the primary)" \
    kea_config s2 "$M/dhcpd-secondary.conf" --mclt 600
fo_check "step 2: kea-dhcp4 starts in the secondary's place" fo_kea_start s2 "$FO_TMP/kea-s2.json"
fo_check "step 2: Kea secondary Normal (dialect $(dialect_of s2))" fo_wait_state s2 "$REL" Normal 120 Normal
fo_check "step 2: dhcpd primary normal with Kea" isc_wait_state s1 normal 20 "$from"
fo_check "step 2: Kea holds every client's lease (sent by dhcpd)" kea_has_all s2
renew "$FO_TMP/p1.json" "$FO_TMP/p2.json"
fo_check "step 2: every client renews with its server and keeps its address" kept "$FO_TMP/p2.json"
fo_check "step 2: Kea answered its clients' renewals" fo_jqe -s 'map(select(.server_id == "10.0.0.2")) | length > 0' "$FO_TMP/p2.json"
fo_probe_pair dora --count 20 --start-index "$N" --seed mig --timeout 1.5 --nak-restart 2 \
    >"$FO_TMP/p2new.json" 2>"$FO_TMP/err"
sed 's/^/#   /' "$FO_TMP/err"
fo_check "step 2: 20 new clients acknowledged by the mixed pair (dhcpd and Kea)" fo_all_acked "$FO_TMP/p2new.json"
fo_check "step 2: both answered new clients" \
    fo_jqe -s 'map(.server_id) | unique == ["10.0.0.1", "10.0.0.2"]' "$FO_TMP/p2new.json"
jq -s -c 'map({(.chaddr): .acked}) | add' "$FO_TMP/p1.json" "$FO_TMP/p2new.json" >"$FO_TMP/base.json"
cat "$FO_TMP/p2.json" "$FO_TMP/p2new.json" >"$FO_TMP/p2all.json"
COUNT=$((N + 20))
sleep 2
isc_snapshot 2 s1; fo_snapshot 2 s2

# --- Step 3: kea-dhcp4 replaces the ISC primary ---------------------------------------
isc_stop s1
fo_check "step 3: dhcpd-to-kea converts dhcpd-primary.conf" kea_config s1 "$M/dhcpd-primary.conf"
fo_check "step 3: kea-dhcp4 starts in the primary's place" fo_kea_start s1 "$FO_TMP/kea-s1.json"
fo_check "step 3: Kea primary Normal (dialect $(dialect_of s1))" fo_wait_state s1 "$REL" Normal 120 Normal
fo_check "step 3: Kea secondary Normal" fo_wait_state s2 "$REL" Normal 30 Normal
fo_check "step 3: the Kea primary holds every client's lease (sent by the Kea secondary)" kea_has_all s1
renew "$FO_TMP/p2all.json" "$FO_TMP/p3.json"
fo_check "step 3: every client renews and keeps its address" kept "$FO_TMP/p3.json"
fo_snapshot 3

# --- Step 4: the Kea pair switches to the draft's dialect ---------------------------------
for s in s2 s1; do
	fo_kea_cmd "$s" "{\"command\": \"failover-set\", \"service\": [\"dhcp4\"],
	    \"arguments\": {\"name\": \"$REL\", \"dialect\": \"draft\"}}" >"$FO_TMP/set-$s.json"
	fo_check "step 4: failover-set dialect draft on $s" fo_says "$FO_TMP/set-$s.json" 0 "re-established"
done
fo_check "step 4: Kea primary reconnected, Normal again" reconnected s1 120
fo_check "step 4: Kea secondary reconnected, Normal again" reconnected s2 30
fo_check "step 4: both speak dialect draft" test "$(dialect_of s1) $(dialect_of s2)" = "draft draft"
renew "$FO_TMP/p3.json" "$FO_TMP/p4.json"
fo_check "step 4: every client renews and keeps its address" kept "$FO_TMP/p4.json"
fo_check "step 4: both Kea servers list the same leases" fo_wait_same_leases 15
fo_snapshot 4
echo "#   s1: $(fo_states s1 "$REL")"
echo "#   s2: $(fo_states s2 "$REL")"
fo_check "no address was held by two clients (every probe run, lease table and lease file)" \
    fo_no_duplicates "$FO_TMP/p1.json" "$FO_TMP/p2.json" "$FO_TMP/p2new.json" "$FO_TMP/p3.json" "$FO_TMP/p4.json"

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"   # keep logs for a post-mortem
fo_summary
