#!/bin/sh
# test-pair-partition.sh - a network partition between two real kea-dhcp4
# failover partners, and its healing; multi-threading off (FO_MT_LIST=1 or
# "0 1" for on).
#
# s1 primary (auto-state-transition, state-switch-interval 5 s), s2
# secondary (no automatic transition), LoadBalance 50, MCLT 30 s,
# max-response-delay 6 s, valid-lifetime 7200 s, a 20-address pool: s1
# owns 10 free addresses, s2 the other 10 (the split tools/dhcp_probe.py
# computes). The relay reaches each server over a side link (scenario.sh,
# FO_SIDE_LINKS), so both halves of the partition stay reachable by clients.
# The test seam (failover-test-set-state) is not used: every state comes
# from the protocol.
#   1. both reach Normal; 4 clients DORA through the relay (both servers)
#      and renew once the partner acknowledged (7200 s leases);
#   2. s2's bridge port goes down: both servers go to
#      CommunicationInterrupted within max-response-delay (+2 s);
#   3. s2 (CommunicationInterrupted) serves 3 new clients from its own free
#      addresses only;
#   4. s1 goes to PartnerDown about state-switch-interval (5 s) after
#      entering CommunicationInterrupted; before MCLT has passed it serves
#      new clients only from its own free addresses, and a client that
#      would need one of s2's addresses gets nothing;
#   5. MCLT (30 s) after entering PartnerDown, that client gets one of s2's
#      addresses from s1;
#   6. the link comes back: both return to Normal through the draft's
#      states (s1: PartnerDown -> PotentialConflict -> ConflictDone ->
#      Normal; s2: CommunicationInterrupted -> PotentialConflict -> Normal),
#      logged; afterwards both have the same leases;
#   7. across the whole run no address is held by two different clients
#      (tools/check_duplicates.py over snapshots of both servers' leases and
#      bindings taken at every step, and the probe's records).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
FO_SIDE_LINKS=1
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

POOL=10.0.1.0-10.0.1.19
D4='{"valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 5400,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.19"}]}]}'
fo_probe_local split --pool "$POOL" --secondary-percent 50 >"$FO_TMP/split.json"
jq -c .primary "$FO_TMP/split.json" >"$FO_TMP/own1.json"
jq -c .secondary "$FO_TMP/split.json" >"$FO_TMP/own2.json"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# state_of NAME: "State Partner-state"
state_of() { fo_fget "$1" '{"name": "rel1"}' | jq -r '.relationships[0].state | "\(.state) \(."partner-state")"'; }
free_mine() { fo_fget "$1" '{"name": "rel1"}' | jq -r '.relationships[0].state.addresses."free-mine"'; }
# within A B: A <= B (milliseconds), with a "#" line
within() { echo "#   $3: $(($1 / 1000)).$(printf %03d $(($1 % 1000))) s (bound $(($2 / 1000)) s)"; [ "$1" -le "$2" ]; }
# acked_count FILE N: exactly N clients acked
acked_count() {
	r=$(jq -s -c '{clients: length, acked: map(select(.acked != null)) | length,
	    addresses: map(select(.acked != null) | .acked)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq --argjson n "$2" '.acked == $n')" = true ]
}
# none_beyond FILE OWN OWNLIST: with OWN free addresses for more clients than
# that, exactly the clients beyond OWN got nothing, and no client was offered
# or acked an address outside OWNLIST. Which clients are left without depends
# on the order the server answers concurrent clients in (on a busy machine an
# early client may time out and a later one take its address): count them,
# do not assume they are the last ones.
none_beyond() {
	r=$(jq -s -c --argjson n "$2" --slurpfile own "$3" '
	    ($own[0] | map({(.): true}) | add) as $o
	    | {clients: length, own: $n, without: map(select(.acked == null)) | length,
	       foreign_offered: map(select(.offered != null and ($o[.offered] | not)) | .offered),
	       foreign_acked: map(select(.acked != null and ($o[.acked] | not)) | .acked)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.clients > .own and .without == .clients - .own
	    and (.foreign_offered | length) == 0 and (.foreign_acked | length) == 0')" = true ]
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" '{"auto-state-transition": true, "state-switch-interval": 5}' "$D4"
	fo_pair_config s2 "$FO_TMP/s2.json" '{}' "$D4"
	if ! fo_pair_start "$mt" "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then fo_not_ok "$tag: both servers start"; return; fi
	fo_check "$tag: both reach Normal" fo_pair_normal

	# 1. Normal: 4 clients through the relay, renewed once acknowledged.
	fo_probe_pair dora --count 4 --seed "n-$mt" --primary-percent 50 --nak-restart 2 \
	    >"$FO_TMP/p-normal.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	fo_wait_synced 15 >/dev/null
	fo_probe_pair renew --from "$FO_TMP/p-normal.json" --seed "n-$mt" >"$FO_TMP/p-renew.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: Normal: 4 clients get leases and renew them for 7200 s" fo_lease_times "$FO_TMP/p-renew.json" 7200
	fo_check "$tag: Normal: both servers have the 4 leases" fo_wait_same_leases 10
	fo_snapshot 1-normal

	# 2. The partition.
	t_cut=$(now_ms)
	fo_link_down s2
	echo "# $(date -u +%T) s2's bridge port is down"
	fo_wait_state s1 rel1 CommunicationInterrupted 20 >"$FO_TMP/w1" || fo_wait_state s1 rel1 PartnerDown 1 >>"$FO_TMP/w1"
	t_ci1=$(now_ms); cat "$FO_TMP/w1"
	fo_wait_state s2 rel1 CommunicationInterrupted 20
	t_ci2=$(now_ms)
	fo_check "$tag: s1 goes to CommunicationInterrupted within max-response-delay" within $((t_ci1 - t_cut)) 8000 "s1 CommunicationInterrupted after"
	fo_check "$tag: s2 goes to CommunicationInterrupted within max-response-delay" within $((t_ci2 - t_cut)) 8000 "s2 CommunicationInterrupted after"

	# 3. s2 serves new clients from its own free addresses.
	fo_probe_to s2 dora --count 3 --seed "p2-$mt" --nak-restart 2 >"$FO_TMP/p-s2.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	s2own() { fo_all_acked "$1" && fo_acked_in "$1" "$FO_TMP/own2.json"; }
	fo_check "$tag: s2 (CommunicationInterrupted) serves 3 new clients from its own free addresses" \
	    s2own "$FO_TMP/p-s2.json"
	fo_snapshot 2-s2-alone s2

	# 4. s1: PartnerDown after state-switch-interval; before MCLT only its own addresses.
	fo_wait_state s1 rel1 PartnerDown 15
	t_pd=$(now_ms)
	fo_check "$tag: s1 goes to PartnerDown state-switch-interval (5 s) after CommunicationInterrupted" \
	    within $((t_pd - t_ci1)) 8000 "s1 PartnerDown after CommunicationInterrupted"
	[ $((t_pd - t_ci1)) -ge 3000 ] || fo_not_ok "$tag: s1 did not wait state-switch-interval ($((t_pd - t_ci1)) ms)"
	echo "#   s2 stays: $(state_of s2)"
	own=$(free_mine s1)
	echo "#   s1 owns $own free addresses"
	fo_probe_to s1 dora --count $((own + 2)) --seed "p1-$mt" --nak-restart 2 --timeout 0.7 \
	    >"$FO_TMP/p-s1.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	s1own() { acked_count "$1" "$own" && fo_acked_in "$1" "$FO_TMP/own1.json"; }
	fo_check "$tag: s1 (PartnerDown, before MCLT) gives exactly its $own own free addresses" s1own "$FO_TMP/p-s1.json"
	fo_check "$tag: s1 (PartnerDown, before MCLT) gives nothing to the 2 clients that need s2's addresses" \
	    none_beyond "$FO_TMP/p-s1.json" "$own" "$FO_TMP/own1.json"
	[ $(($(now_ms) - t_pd)) -lt 30000 ] || fo_not_ok "$tag: the check before MCLT came too late"
	fo_snapshot 3-pd-before-mclt s1

	# 5. MCLT after PartnerDown: s1 may take s2's free addresses, for the
	# clients left without in 4 (by their index: not always the last two).
	while [ $(($(now_ms) - t_pd)) -lt 31500 ]; do sleep 0.5; done
	: >"$FO_TMP/p-s1-mclt.json"
	for i in $(jq -r 'select(.acked == null) | .index' "$FO_TMP/p-s1.json"); do
		fo_probe_to s1 dora --count 1 --start-index "$i" --seed "p1-$mt" --nak-restart 2 \
		    >>"$FO_TMP/p-s1-mclt.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	done
	echo "#   left without before MCLT: $(jq -s -c 'map(.index)' "$FO_TMP/p-s1-mclt.json")"
	s1takes() { [ "$(jq -s length "$1")" = 2 ] && fo_all_acked "$1" && fo_acked_in "$1" "$FO_TMP/own2.json"; }
	fo_check "$tag: s1 (PartnerDown, MCLT passed) gives those 2 clients addresses s2 owned" \
	    s1takes "$FO_TMP/p-s1-mclt.json"
	fo_snapshot 4-pd-after-mclt s1

	# 6. Heal.
	t_heal=$(now_ms)
	fo_link_up s2
	echo "# $(date -u +%T) s2's bridge port is up"
	# The primary reconnects with a back-off (1 s doubling to 60 s) while the
	# link is down: up to a minute may pass before it tries again.
	both_normal2() { fo_wait_state s1 rel1 Normal 75 Normal && fo_wait_state s2 rel1 Normal 20 Normal; }
	fo_check "$tag: after healing both return to Normal (<= 75 s: reconnect back-off up to 60 s)" both_normal2
	echo "#   back to Normal after $(( ($(now_ms) - t_heal) / 1000 )) s"
	seq1=$(fo_states s1); seq2=$(fo_states s2)
	echo "#   s1: $seq1"
	echo "#   s2: $seq2"
	via_conflict() {
		echo "$1" | grep -q "PartnerDown PotentialConflict.* ConflictDone Normal$" &&
		    echo "$2" | grep -q "CommunicationInterrupted PotentialConflict.* Normal$"
	}
	fo_check "$tag: the way back: s1 PartnerDown > PotentialConflict > ConflictDone > Normal, s2 CommunicationInterrupted > PotentialConflict > Normal" \
	    via_conflict "$seq1" "$seq2"
	fo_wait_synced 15 >/dev/null
	fo_check "$tag: after healing both servers have the same (unexpired) leases" fo_wait_same_leases 15
	fo_check "$tag: after healing both hooks have the same bindings (address, state, client)" fo_same_bindings
	fo_snapshot 5-healed
	fo_probe_pair dora --count 2 --seed "h-$mt" --secs 10 --nak-restart 2 >"$FO_TMP/p-healed.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: after healing new clients get leases" fo_all_acked "$FO_TMP/p-healed.json"
	fo_wait_synced 15 >/dev/null
	fo_snapshot 6-end

	# 7. No duplicate, ever.
	fo_check "$tag: across the run no address was held by two different clients" \
	    fo_no_duplicates "$FO_TMP"/p-*.json
	fo_kea_stop s1; fo_kea_stop s2
}

for mt in ${FO_MT_LIST:-0}; do
	run "$mt"
done

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"   # keep logs for a post-mortem
fo_summary
