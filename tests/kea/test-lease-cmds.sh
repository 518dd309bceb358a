#!/bin/sh
# test-lease-cmds.sh - an operator's lease4-add, lease4-update and lease4-del
# (Kea's lease_cmds library, which writes the lease database without any
# lease callout) reach the binding table and the partner, under the rules of
# lease4_select. A pair in Normal (load balance 50), pool of 40 addresses:
#
# 1. lease4-add on s1 for each of the 40: accepted exactly for the addresses
#    s1 owns (as many as its free-mine before), refused (result 1, the reason)
#    for the partner's (its free-partner); the refused ones leave Kea's
#    database again; the accepted ones reach s2's lease database with the
#    same hardware address; their time is the MCLT rule's (30 s, said in the
#    answer) until s2 acknowledges the binding, then the 3600 s asked for, in
#    both servers' lease databases.
# 2. The refused ones, added on s2 (their owner): all accepted; both servers
#    then hold the same 40 leases.
# 3. lease4-update of a leased address to another client: refused, Kea's
#    record is put back to the holder.
# 4. lease4-del on s1: the lease leaves s2's database too.
# 5. Nothing is held by two clients (both servers' tables and Kea's).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 200
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

D4='{"valid-lifetime": 3600, "subnet4": [{"id": 1, "subnet": "10.0.0.0/16",
  "pools": [{"pool": "10.0.1.0 - 10.0.1.39"}]}]}'

hw() { printf '02:00:00:00:%02x:%02x' "$1" "$2"; }

# add NAME ADDR HW CMD: the answer of lease4-add (or CMD) on one line.
add() {
	fo_kea_cmd "$1" "$(jq -cn --arg a "$2" --arg h "$3" --arg c "${4:-lease4-add}" \
	    '{"command": $c, "arguments": {"ip-address": $a, "hw-address": $h, "subnet-id": 1, "valid-lft": 3600}}')" | jq -c .
}

lease_hw() {
	fo_kea_cmd "$1" "$(jq -cn --arg a "$2" '{"command": "lease4-get", "arguments": {"ip-address": $a}}')" |
	    jq -r 'if .result == 0 then .arguments."hw-address" else "none" end'
}

# wait_hw NAME ADDR HW SECONDS: Kea's lease of ADDR on NAME has HW ("none": no lease).
wait_hw() {
	_end=$(($(date +%s) + $4))
	while [ "$(lease_hw "$1" "$2")" != "$3" ]; do
		[ "$(date +%s)" -lt "$_end" ] || { echo "#   $1 $2: $(lease_hw "$1" "$2"), want $3"; return 1; }
		sleep 0.3
	done
}

counts() { fo_fget "$1" '{"name": "rel1"}' | jq -c '.relationships[0].state.addresses'; }

# every_refused_gone FILE: none of the refused addresses has a lease on s1.
every_refused_gone() {
	for a in $(cat "$1"); do wait_hw s1 "$a" none 10 || return 1; done
}

# every_valid_lft NAME FILE N: Kea's record of each address in FILE lasts N s.
every_valid_lft() {
	_bad=0
	for a in $(cat "$2"); do
		v=$(fo_kea_cmd "$1" "$(jq -cn --arg a "$a" '{"command": "lease4-get", "arguments": {"ip-address": $a}}')" |
		    jq -r '.arguments."valid-lft" // "none"')
		[ "$v" = "$3" ] || { echo "#   $1 $a: valid-lft $v"; _bad=$((_bad + 1)); }
	done
	[ $_bad = 0 ]
}
wait_valid_lft() {
	_end=$(($(date +%s) + $4))
	until every_valid_lft "$@" >"$FO_TMP/vl.out"; do
		[ "$(date +%s)" -lt "$_end" ] || { head -5 "$FO_TMP/vl.out"; return 1; }
		sleep 0.5
	done
}

fo_pair_reset
fo_pair_config s1 "$FO_TMP/s1.json" '{"load-balance-percent": 50}' "$D4"
fo_pair_config s2 "$FO_TMP/s2.json" '{"load-balance-percent": 50}' "$D4"
if ! fo_pair_start 0 "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then fo_not_ok "both servers start"; fo_summary; exit 1; fi
both_normal() { fo_wait_state s1 rel1 Normal 60 Normal && fo_wait_state s2 rel1 Normal 20 Normal; }
fo_check "both reach Normal (<= 60 s)" both_normal
fo_check "the pool is split and acknowledged (<= 15 s)" fo_wait_synced 15
c1=$(counts s1)
echo "#   s1 before: $c1"
mine=$(echo "$c1" | jq '."free-mine"') theirs=$(echo "$c1" | jq '."free-partner"')

# 1. lease4-add on s1 for every address.
: >"$FO_TMP/accepted" ; : >"$FO_TMP/refused"; : >"$FO_TMP/answers"
for i in $(seq 0 39); do
	a=10.0.1.$i
	r=$(add s1 "$a" "$(hw 1 "$i")")
	echo "$a $r" >>"$FO_TMP/answers"
	case $(echo "$r" | jq -r .result) in
	0) echo "$a" >>"$FO_TMP/accepted" ;;
	1) echo "$a" >>"$FO_TMP/refused" ;;
	esac
done
n_acc=$(wc -l <"$FO_TMP/accepted") n_ref=$(wc -l <"$FO_TMP/refused")
head -2 "$FO_TMP/answers" | sed 's/^/#   /'
grep -m1 refused "$FO_TMP/answers" | sed 's/^/#   /'
fo_check "lease4-add on s1: accepted for its $mine own free addresses ($n_acc), refused for the partner's $theirs ($n_ref)" \
    [ "$n_acc" = "$mine" -a "$n_ref" = "$theirs" -a $((n_acc + n_ref)) = 40 -a "$n_acc" -gt 0 -a "$n_ref" -gt 0 ]
fo_check "every refusal says why (the server that owns it)" \
    [ "$(grep -c 'refused by the failover hook: .*add the lease on the server that owns it' "$FO_TMP/answers")" = "$n_ref" ]
fo_check "every accepted answer says: 30 s (MCLT) for now, 3600 s once the partner acknowledges" \
    [ "$(grep -c 'lease time 30 s for now (MCLT rule), 3600 s once the partner acknowledges' "$FO_TMP/answers")" = "$n_acc" ]
fo_check "the refused leases leave s1's lease database (<= 10 s)" every_refused_gone "$FO_TMP/refused"
fo_check "s1's Kea records of the accepted leases last the 3600 s asked for, once acknowledged (<= 15 s)" \
    wait_valid_lft s1 "$FO_TMP/accepted" 3600 15
fo_check "so do s2's (<= 15 s)" wait_valid_lft s2 "$FO_TMP/accepted" 3600 15
fo_check "the accepted leases reach s2's lease database, same hardware address (<= 15 s)" fo_wait_same_leases 15

# 2. The refused ones on their owner.
bad=0
for a in $(cat "$FO_TMP/refused"); do
	i=${a##*.}
	[ "$(add s2 "$a" "$(hw 1 "$i")" | jq .result)" = 0 ] || bad=$((bad + 1))
done
fo_check "the $n_ref refused on s1 are accepted on s2, their owner" [ $bad = 0 ]
all40() { fo_wait_same_leases 15 && [ "$(fo_leases s1 | jq -s 'map(select(.state == 0)) | length')" = 40 ]; }
fo_check "both servers hold the same 40 leases (<= 15 s)" all40

# 3. lease4-update to another client: refused, put back.
a=$(head -1 "$FO_TMP/accepted"); i=${a##*.}
r=$(add s1 "$a" "$(hw 9 "$i")" lease4-update)
echo "#   $r"
answer_is() { printf '%s' "$1" | jq -e "$2" >/dev/null; }
fo_check "lease4-update of $a to another client: refused (another client's lease holds it)" \
    answer_is "$r" '.result == 1 and (.text | test("another client.s lease holds it"))'
fo_check "s1's Kea record of $a is the holder's again (<= 10 s)" wait_hw s1 "$a" "$(hw 1 "$i")" 10
fo_check "s2 still has the holder's lease of $a" wait_hw s2 "$a" "$(hw 1 "$i")" 5

# 4. lease4-del on s1.
a=$(sed -n 2p "$FO_TMP/accepted")
r=$(fo_kea_cmd s1 "$(jq -cn --arg a "$a" '{"command": "lease4-del", "arguments": {"ip-address": $a}}')" | jq -c .)
echo "#   $r"
fo_check "lease4-del of $a on s1: done" answer_is "$r" '.result == 0'
fo_check "the lease of $a leaves s2's database too (<= 15 s)" wait_hw s2 "$a" none 15
released() {
	s=$(fo_fget_all s2 | jq -r --arg a "$a" '[.relationships[0].state.scope[]?.binding[]? | select(.address == $a) | ."binding-state"] | first // "none"')
	echo "#   s2's binding of $a: $s (none: free, not listed)"
	[ "$s" = released ] || [ "$s" = none ]
}
fo_check "s2's binding of $a is no longer active (released or free again)" released

# 5.
fo_snapshot lease-cmds
fo_check "no address held by two clients (both servers, hooks and Kea)" fo_no_duplicates
fo_kea_stop s1; fo_kea_stop s2
[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"
fo_summary
