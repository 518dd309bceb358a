#!/bin/sh
# test-crash-restart.sh - bindings and state survive kill -9 and config-reload,
# with multi-threading off and on.
#
# s1: primary, load-balance 50, MCLT 600, a /16 pool, memfile with
# persist true, state Normal set with the test seam. perfdhcp runs DORAs at
# 500/s; after 5 s kea-dhcp4 is killed with SIGKILL in the middle of the
# load, then restarted with the same configuration and state directory:
#   - the relationship is still in Normal;
#   - failover-get {"bindings": true}, every page: the set of active bindings == Kea's
#     leases (lease4-get-all from libdhcp_lease_cmds), address by address,
#     with the same client hardware addresses;
#   - Kea's leases == the memfile CSV read independently (last line per
#     address wins, state 0, expire > now): the harness's own cross-check.
# Then Kea's lease file is removed and kea-dhcp4 killed and started again:
# the restart replay gives Kea back every active binding (same addresses and
# hardware addresses, within 20 s). And the other way: leases in Kea's file
# that the bindings contradict (free addresses, another client's address)
# are rewritten from the bindings at the restart.
# `config-reload` (in Normal before the crash, and after the restart): the
# state, the binding counts and the active bindings are identical before
# and after. A restarted server may report Startup (draft-12 9.3.2: it
# returns to its saved state after the startup time); the state then
# survives when the saved state in the state directory is still Normal.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat perfdhcp
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

D4='{"subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.255.254"}]}]}'

# bindings FILE: the active bindings of failover-get {"bindings": true} (every page) as
# sorted JSON lines {address, hw}.
bindings() {
	fo_fget_all s1 '{"name": "rel1"}' |
	    jq -c '.relationships[0].state.scope[]?.binding[]? | select((.["binding-state"] // .state) == "active")
	           | {address, hw: ((.["hw-address"] // .["hardware-address"] // .chaddr
	                             // .["client-hw-address"] // "") | ascii_downcase)}' |
	    sort >"$1"
}
leases() { fo_leases s1 | jq -c '{address, hw: (.hw // "" | ascii_downcase)}' | sort >"$1"; }
addrs() { jq -r .address "$1" | sort; }

# same_set A B WHAT: the two files of JSON lines name the same addresses.
same_set() {
	na=$(wc -l <"$1") nb=$(wc -l <"$2")
	onlya=$(addrs "$1" | comm -23 - "$(addrs "$2" >"$FO_TMP/b.addr"; echo "$FO_TMP/b.addr")" | head -5 | tr '\n' ' ')
	onlyb=$(addrs "$2" | comm -13 "$(addrs "$1" >"$FO_TMP/a.addr"; echo "$FO_TMP/a.addr")" - | head -5 | tr '\n' ' ')
	echo "#   $3: $na vs $nb; only in the first: ${onlya:-none}; only in the second: ${onlyb:-none}"
	[ "$na" -gt 0 ] && [ -z "$onlya" ] && [ -z "$onlyb" ]
}
same_hw() {
	d=$(diff "$1" "$2" | grep -c '^[<>]')
	echo "#   records differing in address or hardware address: $d"
	[ "$(wc -l <"$1")" -gt 0 ] && [ "$d" -eq 0 ]
}
active_count() {
	fo_fget s1 '{"name": "rel1"}' | jq -r '.relationships[0].state.addresses.active // empty'
}

# saved_state: the state line of the relationship's state file.
saved_state() {
	grep -rh '^state ' "$FO_TMP/s1/state" 2>/dev/null | head -1 | cut -d' ' -f2
}

# reload_keeps TAG SEED: config-reload changes neither the state nor a
# binding; a server in Normal keeps answering clients.
reload_keeps() {
	st1=$(fo_rel_state s1 rel1)
	n1=$(active_count)
	bindings "$FO_TMP/bind1.json"
	r=$(fo_kea_result s1 '{"command": "config-reload"}')
	fo_check "$1: config-reload succeeds (result $r)" [ "$r" = 0 ]
	n2=$(active_count)
	bindings "$FO_TMP/bind2.json"
	st2=$(fo_rel_state s1 rel1)
	same_count() { [ -n "$n1" ] && [ "$n1" = "$n2" ] && [ "$n1" -gt 0 ]; }
	fo_check "$1: config-reload: addresses.active identical before/after ($n1 / $n2)" same_count
	fo_check "$1: config-reload: the same active bindings before/after" \
	    same_hw "$FO_TMP/bind1.json" "$FO_TMP/bind2.json"
	same_state() { [ -n "$st1" ] && [ "$st1" = "$st2" ]; }
	fo_check "$1: config-reload: the state is unchanged ($st1 / $st2)" same_state
	[ "$st1" = Normal ] || return 0
	fo_probe dora --nak-restart 2 --count 5 --seed "reload-$2" --secs 10 >"$FO_TMP/rl.json" 2>/dev/null
	fo_check "$1: after config-reload clients still get leases" fo_all_acked "$FO_TMP/rl.json"
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/cr.json" '{"load-balance-percent": 50, "max-client-lead-time": 600}' "$D4"
	if ! fo_kea_start s1 "$FO_TMP/cr.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi
	fo_check "$tag: state Normal (test seam)" fo_set_state s1 rel1 Normal Normal

	# config-reload in Normal, with leases.
	fo_perfdhcp -r 500 -p 2 -R 100000 >"$FO_TMP/perf0.out" 2>&1
	reload_keeps "$tag, Normal" "n$mt"

	# kill -9 in the middle of the load.
	fo_perfdhcp_bg "$FO_TMP/perf.out" -r 500 -p 10 -R 100000
	perf=$FO_PERF_PID
	sleep 3
	fo_kea_kill9 s1
	echo "#   kea-dhcp4 killed with SIGKILL during the load; $(grep -c . "$FO_TMP/s1/leases4.csv" 2>/dev/null) lines in the lease file"
	kill -TERM "$perf" 2>/dev/null
	wait "$perf" 2>/dev/null
	_fo_forget_pid "$perf"

	if ! fo_kea_start s1 "$FO_TMP/cr.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 restarts after kill -9"; return; fi
	fo_ok "$tag: kea-dhcp4 restarts after kill -9 with the same state directory"
	st=$(fo_rel_state s1 rel1)
	sv=$(saved_state)
	# A restarted server is in Normal, or (draft-12 9.3.2) in Startup for the
	# startup time with its saved state Normal to return to.
	survived() { [ "$st" = Normal ] || { [ "$st" = Startup ] && [ "$sv" = Normal ]; }; }
	fo_check "$tag: the state survives the crash (state '$st', saved state '$sv')" survived

	leases "$FO_TMP/leases.json"
	bindings "$FO_TMP/bind.json"
	fo_csv_leases "$FO_TMP/s1"/leases4.csv* | jq -c '{address, hw: (.hw | ascii_downcase)}' | sort >"$FO_TMP/csv.json"
	fo_check "$tag: Kea's leases after the restart == the memfile CSV (harness cross-check)" \
	    same_set "$FO_TMP/leases.json" "$FO_TMP/csv.json" "lease4-get-all vs CSV"
	fo_check "$tag: failover-get active bindings == Kea's leases (same addresses)" \
	    same_set "$FO_TMP/bind.json" "$FO_TMP/leases.json" "bindings vs leases"
	fo_check "$tag: failover-get active bindings == Kea's leases (same hardware addresses)" \
	    same_hw "$FO_TMP/bind.json" "$FO_TMP/leases.json"
	reload_keeps "$tag, after the restart" "r$mt"

	# Kea's lease file lost with the crash: the restart replay (pulled from
	# the binding tables a batch at a time on the apply timer) writes every
	# active binding back into Kea's lease database.
	bindings "$FO_TMP/bind-before.json"
	fo_kea_kill9 s1
	rm -f "$FO_TMP/s1"/leases4.csv*
	if ! fo_kea_start s1 "$FO_TMP/cr.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 restarts without its lease file"; return; fi
	replayed() {
		_end=$(($(date +%s) + 20))
		until leases "$FO_TMP/leases-r.json" && same_hw "$FO_TMP/bind-before.json" "$FO_TMP/leases-r.json" >"$FO_TMP/r.out"; do
			[ "$(date +%s)" -lt "$_end" ] || { cat "$FO_TMP/r.out"; return 1; }
			sleep 0.5
		done
		cat "$FO_TMP/r.out"
	}
	fo_check "$tag: lease file removed before the restart: the replay gives Kea back every active binding ($(wc -l <"$FO_TMP/bind-before.json") leases, same hardware addresses, within 20 s)" replayed

	# The other way: Kea's lease file holds what the bindings do not (a crash
	# between a binding's change and Kea's copy of it): 3 live leases of
	# addresses whose binding is free, and one active lease under another
	# client's hardware address. The restart rewrites them from the bindings:
	# the 3 leave Kea, the 4th is its holder's again.
	bindings "$FO_TMP/bind-before.json"
	fo_kea_kill9 s1
	csv="$FO_TMP/s1/leases4.csv"
	line=$(grep -E '^10\.0\.[0-9]+\.[0-9]+,' "$csv" | tail -1)
	held=$(head -1 "$FO_TMP/bind-before.json" | jq -r .address)
	n=0
	for a in 10.0.254.201 10.0.254.202 10.0.254.203 10.0.254.204 10.0.254.205 10.0.254.206; do
		grep -q "\"$a\"" "$FO_TMP/bind-before.json" && continue
		echo "$line" | awk -F, -v OFS=, -v a="$a" '{$1 = a; $2 = "0a:0b:0c:0d:0e:0f"; print}' >>"$csv"
		n=$((n + 1)); [ $n = 3 ] && break
	done
	echo "$line" | awk -F, -v OFS=, -v a="$held" '{$1 = a; $2 = "0a:0b:0c:0d:0e:0e"; print}' >>"$csv"
	if ! fo_kea_start s1 "$FO_TMP/cr.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 restarts with stale leases in its file"; return; fi
	fo_check "$tag: Kea's lease file had 3 leases of free addresses and 1 of another client: after the restart Kea's leases are the bindings again (within 20 s)" replayed
	# The 4th (an active binding) is rewritten by the replay; the restart
	# check counts the others: at least those 3 (the crash during the load
	# may have left more).
	reconciled() {
		_l=$(grep -h FAILOVER_KEA_LEASES_RECONCILED "$FO_LOG_s1" | tail -1)
		echo "#   ${_l:-no FAILOVER_KEA_LEASES_RECONCILED}" | cut -c1-200
		_n=$(echo "$_l" | sed -n 's/.*FAILOVER_KEA_LEASES_RECONCILED \([0-9]*\) of.*/\1/p')
		[ -n "$_n" ] && [ "$_n" -ge 3 ]
	}
	fo_check "$tag: FAILOVER_KEA_LEASES_RECONCILED says at least those 3 were rewritten" reconciled
	fo_kea_stop s1
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

fo_summary
