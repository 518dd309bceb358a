#!/bin/sh
# test-storage.sh - storage that fails closed per scope (issue 10).
#
# s1 (primary, load-balance 50, MCLT 30) has one relationship rel1 with two
# scopes: A = 10.0.0.0/16 (subnet 1, clients relayed by 10.0.0.4) and
# B = 10.1.0.0/16 (subnet 2, clients relayed by 10.1.0.4). For each row of
# the issue's table the state directory of a server that ran (bindings in
# both scopes, state Normal) is damaged, kea-dhcp4 started again and its
# state set to Normal with the test seam, then:
#   - the damaged scope answers no client (DORA through its relay: nothing);
#   - the other scope answers every client;
#   - the log has FAILOVER_SCOPE_CLOSED naming the scope, the reason and
#     what to do; failover-get shows the scope closed (and is valid YANG
#     state data); the drops are counted (queries-dropped-scope-closed).
# Rows: a byte flipped mid-journal, 4 KiB zeroed, random garbage, the
# journal not writable (chattr +i), the relationship's state directory
# read-only (chattr +i: the state cannot be saved, both scopes close), a
# scope-id without a Kea subnet4 (only that scope closes).
# Lost bindings without the partner: a zero-length, header-only or missing
# journal of A while the saved state is Normal and Kea holds A's leases:
# FAILOVER_BINDINGS_LOST at ERROR, no fresh pool split, A's bindings
# rebuilt from Kea's leases (== lease4-get-all), saved state Recover, A
# answers no client. The pair (the partner present) is at the end.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat chattr
# Immutable files (chattr +i) would stop lib.sh's cleanup: unset them first.
trap 'chattr -R -i "$FO_TMP" 2>/dev/null; fo_cleanup' EXIT
fo_deadline 420
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }
RELAY_B=10.1.0.4
ip -n "$FO_NS_CL" addr add "$RELAY_B/16" dev fo-cl || { fo_not_ok "relay address B"; fo_summary; exit 1; }
ip -n "$FO_NS_S1" route add 10.1.0.0/16 dev fo-s1 || { fo_not_ok "route to B"; fo_summary; exit 1; }
ip -n "$FO_NS_S2" route add 10.1.0.0/16 dev fo-s2

D4='{"subnet4": [
  {"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]},
  {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.199"}]}]}'
REL='{"scope-id": ["10.0.0.0", "10.1.0.0"], "max-client-lead-time": 30}'
STATE="$FO_TMP/s1/state/rel1"
JA="$STATE/scope-10.0.0.0.jnl"
JB="$STATE/scope-10.1.0.0.jnl"

# dora SCOPE(A|B) SEED COUNT OUT: DHCP clients through the scope's relay.
dora() {
	_relay=$FO_RELAY1; [ "$1" = B ] && _relay=$RELAY_B
	fo_probe dora --relay-ip "$_relay" --count "$3" --seed "$2" --secs 10 --timeout 1 \
	    --retries 1 >"$4" 2>/dev/null
}
fo_none_acked() {
	r=$(jq -s -c '{clients: length, acked: map(select(.acked != null)) | length}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.clients > 0 and .acked == 0')" = true ]
}
logged() { grep -F -- "$2" "$1" | grep -q -F -- "$3"; }

# ran TAG [REL]: a server that ran: both scopes have bindings, state Normal, killed.
ran() {
	chattr -R -i "$FO_TMP/s1" 2>/dev/null
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/st.json" "${2:-$REL}" "$D4"
	fo_kea_start s1 "$FO_TMP/st.json" || { fo_not_ok "$1: kea-dhcp4 starts"; return 1; }
	fo_set_state s1 rel1 Normal CommunicationInterrupted || { fo_not_ok "$1: Normal"; return 1; }
	dora A "ran-$1" 10 "$FO_TMP/ranA.json"
	dora B "ran-$1" 10 "$FO_TMP/ranB.json"
	fo_check "$1: before the damage both scopes answer" \
	    sh -c "jq -e -s 'map(select(.acked)) | length == 10' '$FO_TMP/ranA.json' >/dev/null &&
	           jq -e -s 'map(select(.acked)) | length == 10' '$FO_TMP/ranB.json' >/dev/null"
	fo_kea_kill9 s1
}

# restart TAG: start again after the damage, Normal through the seam.
restart() {
	fo_config s1 "$FO_TMP/st.json" "${2:-$REL}" "$D4"
	fo_kea_start s1 "$FO_TMP/st.json" || { fo_not_ok "$1: kea-dhcp4 starts after the damage"; return 1; }
	# With a read-only state directory the state cannot be set (nor saved): that is the row.
	fo_set_state s1 rel1 Normal CommunicationInterrupted >/dev/null || true
}

# closed_row TAG CLOSED OPEN WORDS: CLOSED (A, B or "A B") answer no client,
# OPEN (A, B or "") every client; the log and failover-get say why.
closed_row() {
	for s in $2; do
		dora "$s" "after-$1-$s" 6 "$FO_TMP/c.json"
		fo_check "$1: scope $s answers no client" fo_none_acked "$FO_TMP/c.json"
	done
	for s in $3; do
		dora "$s" "after-$1-$s" 6 "$FO_TMP/o.json"
		fo_check "$1: scope $s answers every client" fo_all_acked "$FO_TMP/o.json"
	done
	grep -F FAILOVER_SCOPE_CLOSED "$FO_LOG_s1" | head -2 | sed 's/^.*FAILOVER_SCOPE_CLOSED/#   FAILOVER_SCOPE_CLOSED/'
	for s in $2; do
		sid=10.0.0.0; [ "$s" = B ] && sid=10.1.0.0
		fo_check "$1: FAILOVER_SCOPE_CLOSED names scope $sid and says '$4'" \
		    logged "$FO_LOG_s1" "FAILOVER_SCOPE_CLOSED" "scope $sid"
		fo_check "$1: ... and what to do ('$4')" logged "$FO_LOG_s1" "FAILOVER_SCOPE_CLOSED" "$4"
		fo_fget s1 '{"name": "rel1"}' >"$FO_TMP/get.json"
		fo_check "$1: failover-get shows scope $sid closed with the reason" fo_jqe --arg s "$sid" \
		    '[.relationships[0].state.scope[] | select(.["scope-id"] == $s)][0]
		     | .closed == true and (.["closed-reason"] | length > 20)' "$FO_TMP/get.json"
	done
	fo_kea_cmd s1 '{"command": "failover-get", "arguments": {"name": "rel1"}}' >"$FO_TMP/ans.json"
	fo_check "$1: failover-get is valid YANG state data" fo_yang_ok "$FO_TMP/ans.json"
	n=$(fo_kea_cmd s1 '{"command": "failover-get", "arguments": {"name": "rel1"}}' |
	    jq -r '.arguments.relationships[0].state.counters["queries-dropped-scope-closed"] // 0')
	fo_check "$1: the drops are counted (queries-dropped-scope-closed $n)" [ "${n:-0}" -ge 6 ]
	fo_check "$1: no scope of the relationship served unguarded (no 7200 s lease)" \
	    sh -c "! jq -e -s 'map(select(.lease_time == 7200)) | length > 0' '$FO_TMP/o.json' >/dev/null 2>&1"
	fo_kea_stop s1
}

# flip FILE OFFSET: one byte changed.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(( (b ^ 90) & 255 )))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
size() { wc -c <"$1"; }

# ---- The rows (FO_STORAGE_ROWS=pair: only the pair at the end) ----
ran_row() { [ "${FO_STORAGE_ROWS:-all}" = all ] && ran "$@"; }
if ran_row flip; then
	flip "$JA" $(( $(size "$JA") / 2 ))
	restart flip && closed_row "byte flipped mid-journal" A B "move the damaged journal aside"
fi

if ran_row zero; then
	dd if=/dev/zero of="$JA" bs=1 seek=1024 count=4096 conv=notrunc 2>/dev/null
	echo "#   journal A: $(size "$JA") bytes, 4096 zeroed from 1024"
	restart zero && closed_row "4 KiB zeroed" A B "move the damaged journal aside"
fi

if ran_row garbage; then
	head -c 2000 /dev/urandom | dd of="$JA" bs=1 seek=$(( $(size "$JA") / 3 )) conv=notrunc 2>/dev/null
	restart garbage && closed_row "random garbage" A B "move the damaged journal aside"
fi

if ran_row readonly-journal; then
	chattr +i "$JA"
	restart readonly-journal &&
	    closed_row "journal not writable" A B "readable and writable by kea-dhcp4"
	chattr -i "$JA"
fi

if ran_row readonly-dir; then
	chattr +i "$STATE"
	restart readonly-dir &&
	    closed_row "state directory read-only" "A B" "" "writable by kea-dhcp4"
	chattr -i "$STATE"
fi

# records FILE: the start offset of every record of a journal, one a line
# (a 16-byte header; a record: 2-byte little-endian body length, body, CRC-32).
records() {
	"$PYTHON" -c '
import sys
d = open(sys.argv[1], "rb").read()
o = 16
while o + 2 <= len(d):
    n = d[o] | d[o + 1] << 8
    if o + 2 + n + 4 > len(d):
        break
    print(o)
    o += 2 + n + 4
' "$1"
}

# recovered_row TAG WORDS: both scopes serve; one ERROR line names the drop (WORDS).
recovered_row() {
	for s in A B; do
		dora "$s" "after-$1-$s" 6 "$FO_TMP/o.json"
		fo_check "$1: scope $s answers every client" fo_all_acked "$FO_TMP/o.json"
	done
	grep -F "$JA" "$FO_LOG_s1" | grep -F "dropped" | head -2 | sed 's/^.*ERROR/#   ERROR/' | cut -c1-240
	fo_check "$1: an ERROR line says what was dropped ('$2')" \
	    sh -c "grep -F ' ERROR ' '$FO_LOG_s1' | grep -F '$JA' | grep -q -F '$2'"
	fo_kea_stop s1
}

if ran_row torn; then
	truncate -s $(( $(size "$JA") - 3 )) "$JA"
	restart torn && recovered_row "last record torn" "1 record(s) (" &&
	    fo_check "last record torn: FAILOVER_SCOPE_JOURNAL_TORN says a torn tail was cut off" \
	        sh -c "grep -F FAILOVER_SCOPE_JOURNAL_TORN '$FO_LOG_s1' | grep -F '$JA' | grep -q -F 'a torn tail cut off'"
fi

if ran_row length; then
	# The second-to-last record's length made to run past the end of the file.
	at=$(records "$JA" | tail -2 | head -1)
	printf '\377\177' | dd of="$JA" bs=1 seek="$at" conv=notrunc 2>/dev/null
	echo "#   journal A: the length at offset $at set to 32767"
	restart length && closed_row "a record's length runs past the end" A B \
	    "move the damaged journal aside" &&
	    fo_check "a record's length runs past the end: FAILOVER_SCOPE_JOURNAL_DAMAGED, not a torn tail" \
	        sh -c "grep -F FAILOVER_SCOPE_JOURNAL_DAMAGED '$FO_LOG_s1' | grep -F '$JA' | grep -F 'offset $at' | grep -F 'dropped' | grep -q -v -F 'torn'"
fi

REL3='{"scope-id": ["10.0.0.0", "10.1.0.0", "10.9.0.0"], "max-client-lead-time": 30}'
if ran_row no-subnet; then
	restart no-subnet "$REL3" && {
		dora A after-nosub 6 "$FO_TMP/a.json"
		dora B after-nosub 6 "$FO_TMP/b.json"
		fo_check "no subnet: scope A answers every client" fo_all_acked "$FO_TMP/a.json"
		fo_check "no subnet: scope B answers every client" fo_all_acked "$FO_TMP/b.json"
		fo_check "no subnet: FAILOVER_SCOPE_CLOSED names 10.9.0.0 and its YANG path" \
		    logged "$FO_LOG_s1" FAILOVER_SCOPE_CLOSED "scope-id[.='10.9.0.0']: no Kea subnet4"
		fo_kea_cmd s1 '{"command": "failover-get", "arguments": {"name": "rel1"}}' >"$FO_TMP/ans.json"
		fo_check "no subnet: failover-get shows 10.9.0.0 closed" fo_jqe \
		    '[.arguments.relationships[0].state.scope[] | select(.["scope-id"] == "10.9.0.0")][0].closed' \
		    "$FO_TMP/ans.json"
		fo_kea_stop s1
	}
fi

# ---- Lost bindings, the partner absent: zero-length, header-only, missing journal ----
# scope_active NAME SCOPE: failover-get's active binding addresses of one scope, sorted.
scope_active() {
	fo_fget "$1" '{"name": "rel1", "bindings": true}' | jq -r --arg s "$2" '.relationships[0].state.scope[]
	    | select(.["scope-id"] == $s) | .binding[]? | select(.["binding-state"] == "active") | .address' | sort
}
# scope_bindings S SCOPE: the scope's leased bindings (not free), one line each.
scope_bindings() {
	fo_fget "$1" '{"name": "rel1", "bindings": true}' | jq -r --arg s "$2" '.relationships[0].state.scope[]
	    | select(.["scope-id"] == $s) | .binding[]?
	    | select(.["binding-state"] != "free" and .["binding-state"] != "backup")
	    | [.address, .["binding-state"], .["client-hw-address"] // ""] | join(" ")' | sort
}
kea_active() { fo_leases "$1" | jq -r --arg p "$2" 'select(.address | startswith($p)) | .address' | sort; }
saved() { sed -n 's/^state //p' "$STATE/state"; }
same_addrs() {
	na=$(grep -c . "$1") nb=$(grep -c . "$2")
	echo "#   $3: $na vs $nb, differing: $(diff "$1" "$2" | grep -c '^[<>]')"
	[ "$na" -gt 0 ] && cmp -s "$1" "$2"
}

lost_row() {
	fo_config s1 "$FO_TMP/st.json" "$REL" "$D4"
	fo_kea_start s1 "$FO_TMP/st.json" || { fo_not_ok "$1: kea-dhcp4 starts"; return 1; }
	grep -F FAILOVER_BINDINGS_LOST "$FO_LOG_s1" | head -1 | sed 's/^.*FAILOVER_BINDINGS_LOST/#   FAILOVER_BINDINGS_LOST/'
	fo_check "$1: ERROR FAILOVER_BINDINGS_LOST names scope 10.0.0.0 ($2)" \
	    sh -c "grep -F FAILOVER_BINDINGS_LOST '$FO_LOG_s1' | grep -F ' ERROR ' | grep -F 'scope 10.0.0.0' | grep -q -F '$2'"
	fo_check "$1: the pool of 10.0.0.0 is not split afresh (no 'bindings new')" \
	    sh -c "! grep -F 'scope 10.0.0.0' '$FO_LOG_s1' | grep -q -F 'bindings new'"
	scope_active s1 10.0.0.0 >"$FO_TMP/la.txt"
	kea_active s1 10.0. >"$FO_TMP/ka.txt"
	fo_check "$1: scope A's bindings rebuilt from Kea's leases" \
	    same_addrs "$FO_TMP/la.txt" "$FO_TMP/ka.txt" "bindings vs Kea's leases of subnet 1"
	sv=$(saved)
	fo_check "$1: the saved state is Recover ('$sv')" [ "$sv" = Recover ]
	st=$(fo_rel_state s1 rel1)
	fo_check "$1: the relationship starts towards Recover ('$st'), not Normal" \
	    sh -c "[ '$st' = Startup ] || [ '$st' = Recover ]"
	dora A "lost-$1" 4 "$FO_TMP/c.json"
	fo_check "$1: without the partner scope A answers no client" fo_none_acked "$FO_TMP/c.json"
	fo_kea_stop s1
}
if ran_row zero-length; then : >"$JA"; lost_row "zero-length journal" "holds no binding"; fi
if ran_row header-only; then truncate -s 16 "$JA"; lost_row "header-only journal" "holds no binding"; fi
if ran_row missing; then rm -f "$JA"; lost_row "missing journal" "is missing"; fi

# ---- Lost bindings, the partner present: every binding recovered from it ----
pair() {
	fo_kea_wipe s1; fo_kea_wipe s2
	fo_pair_config s1 "$FO_TMP/p1.json" "$REL" "$D4"
	fo_pair_config s2 "$FO_TMP/p2.json" "$REL" "$D4"
	fo_pair_start 0 "$FO_TMP/p1.json" "$FO_TMP/p2.json" || { fo_not_ok "pair starts"; return; }
	fo_wait_state s1 rel1 Normal 90 Normal || { fo_not_ok "pair: Normal"; return; }
	dora A pair 12 "$FO_TMP/pa.json"
	dora B pair 12 "$FO_TMP/pb.json"
	fo_wait_synced 30
	# Renewed once the partner acknowledged them: full leases, which outlast
	# the recovery (first leases are MCLT long).
	fo_probe renew --from "$FO_TMP/pa.json" --timeout 2 >"$FO_TMP/pr.json" 2>/dev/null
	fo_wait_synced 30
	scope_active s2 10.0.0.0 >"$FO_TMP/s2a.txt"
	fo_check "pair: s2 holds the bindings of scope A ($(grep -c . "$FO_TMP/s2a.txt"))" \
	    [ "$(grep -c . "$FO_TMP/s2a.txt")" -ge 12 ]
	fo_kea_kill9 s1
	# Scope A's journal zero-length, and Kea's leases of s1 gone too: only
	# the partner has the bindings.
	[ -n "${FO_STORAGE_DEBUG:-}" ] && { ls -la "$STATE"; cat "$STATE/state"; } | sed 's/^/#DBG /'
	: >"$JA"
	rm -f "$FO_TMP/s1"/leases4.csv*
	fo_kea_start s1 "$FO_TMP/p1.json" || { fo_not_ok "pair: s1 restarts"; return; }
	fo_ok "pair: s1 restarted with scope A's journal emptied and Kea's leases removed"
	fo_check "pair: FAILOVER_BINDINGS_LOST at ERROR" \
	    sh -c "grep -F FAILOVER_BINDINGS_LOST '$FO_LOG_s1' | grep -q -F 'scope 10.0.0.0'"
	# Recover is brief and RecoverWait lasts MCLT: ask while s1 is in either.
	i=0
	while [ $i -lt 300 ]; do
		case $(fo_rel_state s1 rel1) in Recover|RecoverWait) break ;; esac
		sleep 0.1; i=$((i + 1))
	done
	echo "#   s1: $(fo_rel_state s1 rel1) when the clients ask"
	dora A pair-during 4 "$FO_TMP/pd.json"
	jq -c '{acked, server_id, lease_time}' "$FO_TMP/pd.json" | sed 's/^/#   /'
	fo_check "pair: while recovering, s1 answers no client of scope A" fo_none_acked "$FO_TMP/pd.json"
	fo_check "pair: s1 reaches Normal after Recover and MCLT" fo_wait_state s1 rel1 Normal 120 Normal
	fo_check "pair: s1 went through Recover, RecoverWait, RecoverDone" \
	    sh -c "grep -q 'Recover -> RecoverWait' '$FO_LOG_s1' && grep -q 'RecoverWait -> RecoverDone' '$FO_LOG_s1'"
	[ -n "${FO_STORAGE_DEBUG:-}" ] && fo_fget s1 '{"name": "rel1"}' | jq -c '.relationships[0].state.counters' | sed 's/^/#DBG /'
	[ -n "${FO_STORAGE_DEBUG:-}" ] && grep -E "state .* ->|scope 10.0.0.0|UPD|resumed" "$FO_LOG_s1" "$FO_LOG_s2" | cut -c1-260 | sed 's/^/#DBG /'
	# Every binding the partner has of scope A (its 12 clients, whatever their
	# leases' state by now: first leases are MCLT long and may have ended during
	# RecoverWait), s1 has the same: address, state and client.
	fo_wait_synced 30
	# Each server moves an ended lease on its own tick: compare until both
	# lists agree (at most 20 s), not one snapshot of each.
	recovered() {
		_end=$(($(date +%s) + 20))
		while :; do
			scope_bindings s1 10.0.0.0 >"$FO_TMP/s1b.txt"
			scope_bindings s2 10.0.0.0 >"$FO_TMP/s2b.txt"
			same_addrs "$FO_TMP/s1b.txt" "$FO_TMP/s2b.txt" "s1 vs s2, scope A" >"$FO_TMP/rec.out" && break
			[ "$(date +%s)" -lt "$_end" ] || { cat "$FO_TMP/rec.out"; diff "$FO_TMP/s1b.txt" "$FO_TMP/s2b.txt" | grep '^[<>]' | head -6 | sed 's/^/#   /'; return 1; }
			sleep 0.5
		done
		cat "$FO_TMP/rec.out"
	}
	recovered >/dev/null 2>&1 || true     # converge first; judged below
	long=$(jq -s 'map(select(.lease_time != null and .lease_time > 60)) | length' "$FO_TMP/pr.json")
	fo_check "pair: s2 knows the $long clients renewed for a full lease ($(grep -c . "$FO_TMP/s2b.txt") bindings)" \
	    sh -c "[ $long -ge 1 ] && [ $(grep -c . "$FO_TMP/s2b.txt") -ge $long ]"
	fo_check "pair: every binding of scope A recovered from the partner (address, state, client; <= 20 s)" \
	    recovered
	fo_kea_stop s1; fo_kea_stop s2
}
# FO_STORAGE_DEBUG=1 prints the state files, the counters and the state changes.
pair

fo_summary
