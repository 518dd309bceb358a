#!/bin/sh
# test-chaos.sh - the seeded chaos test of issue 9: two real kea-dhcp4 with
# the failover hook, hundreds or thousands of simulated clients, and a seeded
# plan of partitions, kill -9 and restarts, failover-partner-down; judged from
# the clients' view. No address may be held by two clients at once; no
# acknowledged lease may be lost or shortened in the servers' databases.
#
# Topology: scenario.sh's, with side links (FO_SIDE_LINKS): the clients'
# relay (10.0.0.4, tools/chaos_client.py) reaches s1 at 10.1.1.1 and s2 at
# 10.1.2.2 over links of their own; the servers talk to each other over the
# bridge (10.0.0.1 <-> 10.0.0.2, TCP 647). Faults (tools/chaos_client.py plan,
# random.Random(seed)):
#   cut    sK's bridge port disabled (bridge link set ... state 0; the link
#          keeps its carrier, so a server restarted meanwhile still opens its
#          sockets): the servers cannot talk, both still reach the clients;
#   isolate the same and sK's side link cut (routes removed on both ends):
#          sK reaches neither its partner nor the clients;
#   kill   kill -9 of sK, restarted 1-8 s later with its files (also while
#          cut off, and mid-recovery: as soon as a hook logs a transition into Startup,
#          Recover*, PotentialConflict, ConflictDone or ResolutionInterrupted);
#   partner-down  failover-partner-down to a server once it is in
#          CommunicationInterrupted.
# Servers: LoadBalance 50/50, MCLT 20 s, auto-state-transition on both with
# state-switch-interval 5 s, max-response-delay 6 s, valid-lifetime 90 s (no
# renew/rebind timers: clients use 1/2 and 7/8 of the lease), memfile with
# persistence, multi-threading on or off per server as the plan draws it.
# The pool is CHAOS_CLIENTS * 2.2 + 20 addresses, so that each server's own
# share has room for every client (with auto-state-transition on both sides,
# a server that runs out of its own takes its partner's: a documented hazard,
# measured with CHAOS_POOL, which sets the pool's size).
#
# Judged (chaos_client.py judge) from the clients' record of every answer:
#   - DUPLICATE: two clients whose told leases (ack time + lease time, ended
#     early by their RELEASE or a NAK) overlap on one address by > 1 s;
#   - LOST: at the end, after healing and syncing, a client's unexpired told
#     lease missing, of another client or shorter in the database
#     (lease4-get-all) of the server that acked it, or of its partner;
#   - figures: NAKs to renewals of a still-valid lease, the longest window with
#     no answer to anyone while a client was waiting (and after heals),
#     rejected binding updates (failover-get counters sampled every second:
#     total and maximum per second), time to Normal after each block; the
#     longest such window after a partition heals (heal-bridge, heal-side, the
#     final heal; both servers running, up to the next kill -9);
#   - the servers' own view at the end, in sync: tools/check_duplicates.py
#     over both servers' leases and bindings; the same leases and bindings on
#     both (snapshots after every block are kept for FO_KEEP, not judged).
# One summary line "chaos: seed=... duplicates=... lost=..." then the
# ok/not ok lines and "N passed, M failed"; exit 1 on any duplicate or loss.
#
# Environment: CHAOS_SEED (1 on even days of the year, 3 on odd), CHAOS_CLIENTS (300), CHAOS_BUDGET (seconds of
# faults the plan aims at, 100), CHAOS_TAIL (calm seconds at the end, 15),
# CHAOS_DEADLINE (the watchdog, 295 s), CHAOS_FINAL_NORMAL (seconds the healed
# pair gets to reach Normal at the end, 60; half of it to sync), CHAOS_MT
# ("M1,M2" forces multi-threading), CHAOS_POOL (the pool's size in addresses:
# a tight pool, where a server in PartnerDown runs out of its own free
# addresses), CHAOS_KINDS (the block kinds the plan draws from, e.g. "cut";
# default isolate,isolate,cut,cut,kill,kill), FO_KEEP=DIR keeps the logs and
# records.
# `make check` and `make check-chaos` run this short form; `make chaos SEEDS="1 2 3"
# CLIENTS=3000` the long one per seed (CHAOS_BUDGET 360, deadline 900 s).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
FO_SIDE_LINKS=1
FO_TEST=chaos
. "$(dirname "$0")/scenario.sh"

# The default seed alternates by the day of the year (UTC): seed 1 (the plan
# draws multi-threading off on both servers) on even days, seed 3 (on, on) on
# odd days; `make check` runs it so. The seed is in the summary line.
_doy=$(date -u +%j | sed 's/^0*//')
SEED=${CHAOS_SEED:-$(( ${_doy:-0} % 2 == 0 ? 1 : 3 ))}
CLIENTS=${CHAOS_CLIENTS:-300}
BUDGET=${CHAOS_BUDGET:-100}
TAIL=${CHAOS_TAIL:-15}
DEADLINE=${CHAOS_DEADLINE:-295}
# The end (heal, Normal, the tail, sync, judge) has RESERVE seconds; the plan
# runs until LIMIT (blocks start while 45 s are left; sleeps and waits are
# cut to what is left).
FINAL_NORMAL=${CHAOS_FINAL_NORMAL:-60}
RESERVE=$((FINAL_NORMAL + FINAL_NORMAL / 2 + TAIL + 40))
CHAOS="$srcdir/tools/chaos_client.py"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat bridge
fo_deadline "$DEADLINE"
T_START=$(date +%s)
LIMIT=$((T_START + DEADLINE - RESERVE))
left() { _l=$((LIMIT - $(date +%s))); [ $_l -gt 0 ] || _l=0; echo $_l; }
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
# FO_KEEP: the files are kept whatever ends the test (the watchdog too).
chaos_exit() {
	[ -z "${FO_KEEP:-}" ] || { mkdir -p "$FO_KEEP" && cp -a "$FO_TMP"/. "$FO_KEEP"/ 2>/dev/null; }
	fo_cleanup
}
trap chaos_exit EXIT
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

now() { date +%s.%N | cut -c1-14; }
elapsed() { echo $(($(date +%s) - T_START)); }
flog() { echo "$(now) $*" >>"$FO_TMP/faults.log"; echo "# [$(elapsed) s] $*"; }

# ---- the plan
"$PYTHON" "$CHAOS" plan --seed "$SEED" --clients "$CLIENTS" --budget "$BUDGET" \
    ${CHAOS_MT:+--mt "$CHAOS_MT"} ${CHAOS_POOL:+--pool-size "$CHAOS_POOL"} \
    ${CHAOS_KINDS:+--kinds "$CHAOS_KINDS"} >"$FO_TMP/plan" || { fo_not_ok "the plan"; fo_summary; exit 1; }
set -- $(sed -n 's/^mt //p' "$FO_TMP/plan"); MT1=$1 MT2=$2
POOL=$(sed -n 's/^pool //p' "$FO_TMP/plan")
echo "# seed $SEED: $CLIENTS clients, pool $POOL, multi-threading s1 $MT1 s2 $MT2," \
    "$(grep -c '^block' "$FO_TMP/plan") blocks of faults"

MRD=6       # max-response-delay
REL='{"max-client-lead-time": 20, "auto-state-transition": true, "state-switch-interval": 5,
      "max-response-delay": '$MRD'}'
D4=$(jq -cn --arg pool "$POOL" '{"valid-lifetime": 90, "renew-timer": null, "rebind-timer": null,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": $pool}]}]}')
fo_pair_config s1 "$FO_TMP/s1.json" "$REL" "$D4"
fo_pair_config s2 "$FO_TMP/s2.json" "$REL" "$D4"

mt_of() { [ "$1" = s1 ] && echo "$MT1" || echo "$MT2"; }
start() { fo_kea_start "$1" "$FO_TMP/$1.json" "$(mt_of "$1")"; }

# ---- faults
cut_bridge() { bridge -n "$FO_NS_BR" link set dev "p-$1" state 0; }
heal_bridge() { bridge -n "$FO_NS_BR" link set dev "p-$1" state 3; }
_k() { echo "${1#s}"; }
cut_side() {
	k=$(_k "$1"); eval "ns=\$FO_NS_S$k"
	ip -n "$FO_NS_CL" route del "10.1.$k.0/24" dev "fo-x$k" 2>/dev/null
	ip -n "$ns" route del "$FO_RELAY1/32" dev "fo-x$k" 2>/dev/null
	return 0
}
heal_side() {
	k=$(_k "$1"); eval "ns=\$FO_NS_S$k"
	ip -n "$FO_NS_CL" route replace "10.1.$k.0/24" dev "fo-x$k" src "10.1.$k.3"
	ip -n "$ns" route replace "$FO_RELAY1/32" dev "fo-x$k"
}
heal_all() {
	for s in s1 s2; do heal_bridge "$s"; heal_side "$s"; done
}
state_of() { fo_fget "$1" '{"name": "rel1"}' | jq -r '.relationships[0].state | "\(.state) \(."partner-state")"' 2>/dev/null; }

# Recovery-state transitions both hooks logged so far (every start's log).
RECOVERY_RE='relationship rel1: state [A-Za-z]+ -> (Startup|Recover|RecoverWait|RecoverDone|PotentialConflict|ConflictDone|ResolutionInterrupted)'
recovery_count() { cat "$FO_TMP"/s1/kea.*.log "$FO_TMP"/s2/kea.*.log 2>/dev/null | grep -c -E "$RECOVERY_RE"; }
MARK=0
mark() { MARK=$(recovery_count); }
# wait_recovery SECONDS: until a hook logged a transition into a recovery
# state since the last heal or start (mark), polled every 0.1 s; prints it.
wait_recovery() {
	_end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$_end" ]; do
		if [ "$(recovery_count)" -gt "$MARK" ]; then
			cat "$FO_TMP"/s1/kea.*.log "$FO_TMP"/s2/kea.*.log 2>/dev/null | grep -o -E "$RECOVERY_RE" | tail -1 |
			    sed 's/relationship rel1: state //'
			return 0
		fi
		sleep 0.1
	done
	echo "none within $1 s"
	return 1
}

STALLS=0
NORMAL_TIMES=""
# wait_normal SECONDS [CAP]: both Normal/Normal within SECONDS (cut to CAP:
# then not reaching it is not counted as a stall).
wait_normal() {
	_wn0=$(date +%s)
	_wn=$(min "$1" "${2:-$1}")
	if fo_wait_state s1 rel1 Normal "$_wn" Normal >/dev/null && fo_wait_state s2 rel1 Normal 10 Normal >/dev/null; then
		NORMAL_TIMES="$NORMAL_TIMES $(($(date +%s) - _wn0))"
		flog "normal after $(($(date +%s) - _wn0)) s"
		return 0
	fi
	if [ "$_wn" -lt "$1" ]; then
		flog "not Normal/Normal after $_wn s (cut short: no time left): s1 '$(state_of s1)' s2 '$(state_of s2)'"
		return 1
	fi
	STALLS=$((STALLS + 1))
	flog "stall: not Normal/Normal after $1 s: s1 '$(state_of s1)' s2 '$(state_of s2)'"
	return 1
}

partner_down() {
	_end=$(($(date +%s) + 15))
	while [ "$(date +%s)" -lt "$_end" ]; do
		st=$(state_of "$1")
		case "$st" in
		CommunicationInterrupted*)
			a=$(fo_kea_cmd "$1" '{"command": "failover-partner-down", "arguments": {"name": "rel1"}}')
			flog "partner-down-sent $1 $(echo "$a" | jq -c '{result, text}' 2>/dev/null)"
			return 0 ;;
		PartnerDown*) flog "partner-down-skipped $1 already PartnerDown"; return 0 ;;
		esac
		sleep 0.2
	done
	flog "partner-down-skipped $1 state '$st'"
}

# ---- counters: failover-get of both servers every second
sampler() {
	while [ ! -f "$FO_TMP/stop-sampler" ]; do
		for s in s1 s2; do
			t=$(now)
			fo_fget "$s" '{"name": "rel1"}' | jq -c --arg s "$s" --argjson t "$t" '.relationships[0].state
			    | {t: $t, s: $s, st: .state, ps: ."partner-state", conn: .connected,
			       rej: .counters."binding-updates-rejected", ref: .counters."binding-updates-refused",
			       pend: ."pending-updates", unacked: ."unacked-updates"}' >>"$FO_TMP/counters.json" 2>/dev/null
		done
		sleep 1
	done
}

# ---- start: both servers, Normal
fo_pair_reset
start s1 && start s2 || { fo_not_ok "seed $SEED: both servers start"; fo_summary; exit 1; }
wait_normal 90 || { fo_not_ok "seed $SEED: both servers reach Normal"; fo_summary; exit 1; }
fo_wait_synced 30 >/dev/null
echo "# [$(elapsed) s] both Normal"

sampler &
SAMPLER_PID=$!
FO_PIDS="$FO_PIDS $SAMPLER_PID"

# ---- the clients
ARRIVAL=$((BUDGET * 6 / 10))
timeout $((DEADLINE + 5)) ip netns exec "$FO_NS_CL" "$PYTHON" "$CHAOS" run --seed "$SEED" \
    --clients "$CLIENTS" --server1 "$FO_DHCP_s1" --server2 "$FO_DHCP_s2" --relay-ip "$FO_RELAY1" \
    --events "$FO_TMP/events.json" --stop-file "$FO_TMP/stop-clients" --arrival "$ARRIVAL" \
    --max-time "$DEADLINE" 2>"$FO_TMP/client.err" &
CLIENT_PID=$!
FO_PIDS="$FO_PIDS $CLIENT_PID"
sleep 5     # the first clients arrive before the first fault (not needed for correctness)

# ---- run the plan; a block starts only while there is time left for it
BLOCK=0 SKIP=0
while read -r act x y z <&3; do
	case "$act" in
	mt|pool) continue ;;
	block)
		if [ "$(left)" -lt 45 ]; then SKIP=1; flog "skipped block $x ($y $z): no time left"; continue; fi
		SKIP=0
		[ "$BLOCK" = 0 ] || fo_snapshot "b$BLOCK"
		BLOCK=$x
		flog "block $x $y $z" ;;
	*) [ "$SKIP" = 1 ] && continue
		case "$act" in
		cut-bridge) cut_bridge "$x"; flog "$act $x" ;;
		heal-bridge) mark; heal_bridge "$x"; flog "$act $x" ;;
		cut-side) cut_side "$x"; flog "$act $x" ;;
		heal-side) mark; heal_side "$x"; flog "$act $x" ;;
		kill)
			if fo_kea_running "$x"; then fo_kea_kill9 "$x"; flog "kill $x"; fi ;;
		start)
			if ! fo_kea_running "$x"; then
				mark
				if start "$x"; then flog "start $x"; else flog "start-failed $x"; fi
			fi ;;
		partner-down) partner_down "$x" ;;
		wait-recovery) w=$(wait_recovery "$(min "$x" "$(left)")"); flog "recovery-seen $w" ;;
		wait-normal) wait_normal "$x" "$(left)" ;;
		sleep) sleep "$(min "$x" "$(left)")" ;;
		esac ;;
	esac
done 3<"$FO_TMP/plan"
fo_snapshot "b$BLOCK"

# ---- the end: everything healed and running, Normal, a calm tail
heal_all
for s in s1 s2; do fo_kea_running "$s" || { start "$s" && flog "start $s"; }; done
flog "healed"
wait_normal "$FINAL_NORMAL"
sleep "$TAIL"
touch "$FO_TMP/stop-clients"
_i=0
while kill -0 "$CLIENT_PID" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
wait "$CLIENT_PID" 2>/dev/null
sed 's/^/# /' "$FO_TMP/client.err"
fo_check "seed $SEED: the clients ran to the end" grep -q '"ev": *"end"' "$FO_TMP/events.json"
synced=0; fo_wait_synced $((FINAL_NORMAL / 2)) >/dev/null && synced=1
T_CHECK=$(now)
fo_kea_cmd s1 '{"command": "lease4-get-all"}' >"$FO_TMP/final.s1.leases.json"
fo_kea_cmd s2 '{"command": "lease4-get-all"}' >"$FO_TMP/final.s2.leases.json"
fo_snapshot final
touch "$FO_TMP/stop-sampler"
wait "$SAMPLER_PID" 2>/dev/null
echo "# [$(elapsed) s] judging; states s1 '$(state_of s1)' s2 '$(state_of s2)'; synced $synced"
echo "# s1: $(fo_states s1)"
echo "# s2: $(fo_states s2)"

# ---- the verdict
"$PYTHON" "$CHAOS" judge --seed "$SEED" --clients "$CLIENTS" --mt "$MT1,$MT2" \
    --server1 "$FO_DHCP_s1" --server2 "$FO_DHCP_s2" \
    --events "$FO_TMP/events.json" --faults "$FO_TMP/faults.log" --counters "$FO_TMP/counters.json" \
    --leases1 "$FO_TMP/final.s1.leases.json" --leases2 "$FO_TMP/final.s2.leases.json" \
    --t-check "$T_CHECK" --json "$FO_TMP/verdict.json" >"$FO_TMP/verdict.txt" 2>"$FO_TMP/judge.err"
if ! [ -s "$FO_TMP/verdict.json" ]; then
	sed 's/^/# /' "$FO_TMP/judge.err"
	fo_not_ok "seed $SEED: the judge gave a verdict"
	fo_summary; exit 1
fi
sed -n '1p' "$FO_TMP/verdict.txt" | sed "s/\$/ stalls=$STALLS normal-after=[${NORMAL_TIMES# }] seconds=$(elapsed)/"
sed -n '2,$p' "$FO_TMP/verdict.txt" | sed 's/^/# /'

# the server log lines about each duplicate address (first 5 addresses)
for addr in $(jq -r '."duplicate-addresses"[:5][]' "$FO_TMP/verdict.json"); do
	echo "# log lines naming $addr:"
	for s in s1 s2; do
		for l in $(ls "$FO_TMP/$s"/kea.*.log 2>/dev/null); do
			grep -h -F -w "$addr" "$l" | grep -v -E 'DHCP4_(PACKET_RECEIVED|QUERY_DATA|BUFFER_RECEIVED|RESPONSE_DATA|PACKET_SEND)' >"$FO_TMP/addr.log"
			_rj=$(grep -c 'FAILOVER_UPDATE_REJECTED' "$FO_TMP/addr.log")
			[ "$_rj" = 0 ] || echo "#   $s $(basename "$l"): $_rj lines 'the partner rejected the update of $addr'"
			grep -v 'FAILOVER_UPDATE_REJECTED' "$FO_TMP/addr.log" | cut -c1-260 | tail -8 | sed "s|^|#   $s $(basename "$l"): |"
		done
	done
done

v() { jq -r "$1" "$FO_TMP/verdict.json"; }
no_dup() { [ "$(v .duplicates)" = 0 ]; }
no_lost() { [ "$(v .lost)" = 0 ]; }
no_lost_partner() { [ "$(v '."lost-on-partner"')" = 0 ]; }
fo_check "seed $SEED: clients were served ($(v .acks) acks to $(v '."clients-served"') of $CLIENTS clients)" \
    [ "$(v '."clients-served"')" -gt $((CLIENTS / 2)) ]
fo_check "seed $SEED: no address held by two clients at once, from the clients' view ($(v .duplicates) duplicate addresses)" no_dup
fo_check "seed $SEED: no acked lease lost or shortened on the server that acked it ($(v .lost) of $(v '."checked-leases"'))" no_lost
fo_check "seed $SEED: no acked lease lost or shortened on its partner ($(v '."lost-on-partner"'))" no_lost_partner
# The pair serves again promptly once a partition heals: no window longer
# than max-response-delay + 2 s in which clients waited and none was answered.
heal_prompt() { awk -v x="$(v '."longest-no-answer-after-partition-heal"')" -v m=$((MRD + 2)) 'BEGIN { exit !(x <= m) }'; }
fo_check "seed $SEED: after a partition heals, no-one unanswered for more than max-response-delay + 2 s ($(v '."longest-no-answer-after-partition-heal"') s, $(v '."partition-heals"') heals)" heal_prompt
# The servers' own view, at the end (in sync): no address of two clients in
# both servers' leases and bindings; both have the same leases and bindings.
# (The snapshots taken at each block are kept for a post-mortem, not judged:
# a lease released since an earlier snapshot would look held by two.)
final_no_dups() {
	set -- $(for f in "$FO_TMP"/snap/final.*.leases.json; do [ -s "$f" ] && echo "--leases=$(basename "$f" .leases.json)=$f"; done) \
	    $(for f in "$FO_TMP"/snap/final.*.bindings.json; do [ -s "$f" ] && echo "--bindings=$(basename "$f" .bindings.json)=$f"; done)
	_out=$("$PYTHON" "$srcdir/tools/check_duplicates.py" "$@" 2>&1)
	_rc=$?
	printf '%s\n' "$_out" | head -8 | sed 's/^/#   /'
	return $_rc
}
fo_check "seed $SEED: at the end no address held by two clients in the servers' leases and bindings" final_no_dups
fo_check "seed $SEED: at the end both servers have the same leases" fo_same_leases
# Both hooks list the same bindings (address, state, client). Each server's Kea
# reclaims expired leases on its own timer (every 10 s), and an expired
# binding then goes back to its owner's free addresses through the partners'
# updates: an address whose lease ended in the last 30 s (by either hook) may
# be in that transition, and is left out; any other difference counts.
chaos_bindings_table() {
	fo_fget_all "$1" | jq -c '[.relationships[0].state.scope[]?.binding[]?
	    | {(.address): {b: "\(."binding-state") \(."client-hw-address" // "-")",
	                    e: (if ((.expiry // "") | length) > 0 then (.expiry | fromdateiso8601) else 0 end)}}]
	    | add // {}'
}
chaos_same_bindings() {
	chaos_bindings_table s1 >"$FO_TMP/b1.json"
	chaos_bindings_table s2 >"$FO_TMP/b2.json"
	_r=$(jq -n -c --slurpfile a "$FO_TMP/b1.json" --slurpfile b "$FO_TMP/b2.json" '
	    (now | floor) as $now | $a[0] as $x | $b[0] as $y
	    | [($x + $y) | keys[] | select($x[.].b != $y[.].b)] as $d
	    | [$d[] | select(([$x[.].e // 0, $y[.].e // 0] | max) as $e | $e > $now - 30 and $e <= $now)] as $moving
	    | {s1: ($x | length), s2: ($y | length), "ended-in-the-last-30-s": ($moving | length),
	       differ: [$d[] | select(. as $k | $moving | index($k) | not) | {address: ., s1: $x[.].b, s2: $y[.].b}]}
	    | .ok = ((.differ | length) == 0 and .s1 > 0) | .differ |= .[:6]')
	echo "#   $_r"
	[ "$(echo "$_r" | jq .ok)" = true ]
}
fo_check "seed $SEED: at the end both hooks have the same bindings (but those whose lease ended in the last 30 s)" chaos_same_bindings
fo_check "seed $SEED: back to Normal/Normal after every block within 90 s ($STALLS stalls)" [ "$STALLS" = 0 ]
fo_check "seed $SEED: both servers in sync at the end" [ "$synced" = 1 ]

fo_kea_stop s1; fo_kea_stop s2
fo_summary
