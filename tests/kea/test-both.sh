#!/bin/sh
# test-both.sh - failover-add, -set, -remove, -scope-add and -scope-remove on
# both partners (Add-/Set-/Remove-DhcpServerv4Failover, docs/commands.md
# "Both partners"): two kea-dhcp4 with the hook, s2 with a kea-ctrl-agent on
# 10.0.0.2:8000 (basic authentication), s1 with one on 10.0.0.1:8000; subnets
# 10.0.0.0, 10.1.0.0 and 10.2.0.0 on both; rel1 (10.0.0.0) without
# partner-control-url.
#
# On s1, without local-only: add rel2 (primary, load-balance 60, 10.1.0.0,
# s2's agent as partner-control-url): answers at once with an id;
# failover-change-status {id} -> done; failover-get on each shows the mirrored
# relationship (s2: secondary, 40, addresses and ports swapped, no
# partner-control-*) and both reach Normal in rel2. set (load-balance 70,
# MCLT 900) -> s2 30 and 900; scope-add / scope-remove 10.2.0.0 -> both.
# Refused by s2 (a rel3 of its own exists there): result 1 naming s2's
# reason, no rel3 on s1; s2's rel3 removed local-only: refused without
# force (the partner may serve), made with it (FAILOVER_LOCAL_REMOVAL_FORCED).
# s2's agent stopped: failover-set -> failed, unreachable, nothing changed
# on s1 nor s2. s1 cannot commit after s2 did
# (rel4's local-port is s1's agent's port): s2 undoes it, neither has rel4.
# local-only: only s1 changes. rel1 has no partner-control-url: s1 only,
# at once, the answer says so. perfdhcp runs against s1 while a change
# waits on a partner that never answers: s1 serves as many clients as
# without a change, none 1 s late. enable-auth (rel2 has it): partner's
# requests made by hand and sent straight to s2 without digest, with a wrong
# one, one for another command or a 120 s old time are refused naming digest
# or time and change nothing; the same signed with rel2's secret is taken;
# s2 with another secret refuses s1's failover-set (failed, changed false);
# a new secret set on both is signed with the old one, then only the new one
# is taken. remove -> gone from both; the partner's undo of it (an add with
# restore-state) takes s2's state directory back. The agent's password and
# the secrets are in no answer and no log.
# Kea >= 2.7: each kea-dhcp4 also has its own HTTP control socket (s1
# 10.0.0.1:8010; s2 10.0.0.2:8010 with basic authentication, which refuses a
# command without it); with both agents stopped, rel5 (as rel2, each side's
# partner-control-url the other's HTTP socket) is added, set from s2,
# scope-added and -removed and removed, every command and
# failover-change-status sent to the servers' HTTP sockets: each done, the
# effect checked on both over the unix sockets.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat curl kea-ctrl-agent perfdhcp openssl
HTTP_PASS=0; fo_kea_http && HTTP_PASS=1
fo_deadline $((240 + 60 * HTTP_PASS))   # Kea >= 2.7: the commands once more over the http sockets
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

SECRET="fo-both-secret-$$-Qw3"
PW="fo-both-agent-pw-$$-Zt8"
FO_SECRETS="$SECRET $PW"
FO_AGENT_USER=fo-admin
FO_AGENT_PW=$PW
OUT="$FO_TMP/all-output.txt"
: >"$OUT"
d="$FO_TMP"

FO_CMD_LOG=$OUT
# c NAME COMMAND ARGS: over FO_VIA (fo_run); change: fo_change.
c() { fo_run "$@"; }
change() { fo_change "$@"; }
# rel NAME REL: the relationship's configuration on NAME (failover-get), or "null".
rel() { fo_fget "$1" "{\"name\": \"$2\"}" | jq -c '.relationships[0] // null | if . then del(.state) else . end'; }
rel_is() {
	_r=$(rel "$1" "$2")
	printf '%s' "$_r" | jq -e "$3" >/dev/null 2>&1 || { echo "#   $1 $2: $(printf '%s' "$_r" | head -c 500)"; return 1; }
}
absent() { [ "$(rel "$1" "$2")" = "" ] || [ "$(rel "$1" "$2")" = null ] || { echo "#   $1 has $2"; return 1; }; }
# jqe EXPR FILE: jq -e on an answer, showing the answer when it does not hold.
jqe() { jq -e "$1" "$2" >/dev/null 2>&1 || { echo "#   $(head -c 600 "$2")"; return 1; }; }
started_ok() {
	jqe '.result == 0 and (.arguments.id | type) == "number" and .arguments.status == "sending"' "$d/last-start.json" ||
	    { echo "#   $(head -c 400 "$d/last-start.json")"; return 1; }
}

# s1_rel NAME LOCAL_PORT PARTNER_PORT: a primary relationship of s1 over
# 10.2.0.0 with s2's agent as partner-control-url.
s1_rel() {
	jq -cn --arg n "$1" --argjson lp "$2" --argjson pp "$3" --arg pw "$PW" --arg u "$FO_AGENT_USER" '{
	    "name": $n, "partner-server": "10.0.0.2", "local-address": "10.0.0.1", "local-port": $lp,
	    "partner-port": $pp, "server-type": "primary", "scope-id": ["10.2.0.0"],
	    "partner-control-url": "http://10.0.0.2:8000/", "partner-control-user": $u,
	    "partner-control-password": $pw}'
}

SUBNETS='[{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]},
          {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.99"}]},
          {"id": 3, "subnet": "10.2.0.0/16", "pools": [{"pool": "10.2.1.0 - 10.2.1.99"}]}]'
D4=$(jq -cn --argjson s "$SUBNETS" '{"subnet4": $s}')
fo_pair_config s1 "$d/s1.json" '{}' "$D4"
fo_pair_config s2 "$d/s2.json" '{}' "$D4"
if [ "$HTTP_PASS" = 1 ]; then
	fo_config_http s1 "$d/s1.json" "$d/s1-http.json" 10.0.0.1 8010 && mv "$d/s1-http.json" "$d/s1.json"
	fo_config_http s2 "$d/s2.json" "$d/s2-http.json" 10.0.0.2 8010 "$FO_AGENT_USER" "$PW" && mv "$d/s2-http.json" "$d/s2.json"
fi
fo_check "s1 and s2 start" fo_pair_start 0 "$d/s1.json" "$d/s2.json"
fo_check "s2's kea-ctrl-agent on 10.0.0.2:8000 (basic authentication)" fo_agent_up s2 1
fo_check "s1's kea-ctrl-agent on 10.0.0.1:8000" fo_agent_up s1 0
fo_wait_state s1 rel1 Normal 60 Normal >/dev/null

REL2=$(jq -cn --arg pw "$PW" --arg u "$FO_AGENT_USER" --arg sec "$SECRET" '{"name": "rel2",
    "partner-server": "10.0.0.2", "local-address": "10.0.0.1", "local-port": 6471,
    "partner-port": 6472, "server-type": "primary", "mode": "load-balance",
    "load-balance-percent": 60, "scope-id": ["10.1.0.0"], "max-client-lead-time": 30,
    "max-response-delay": 6, "enable-auth": true, "shared-secret": $sec,
    "server-name": "kea-s1", "partner-control-url": "http://10.0.0.2:8000/",
    "partner-control-user": $u, "partner-control-password": $pw,
    "partner-side": {"server-name": "kea-s2", "partner-control-url": "http://10.0.0.1:8000/"}}')

# ---- add, set, scopes on both ----
change s1 failover-add "$REL2" >"$d/add.json"
fo_check "failover-add rel2 on s1: answers at once with an id, status sending" started_ok
fo_check "failover-change-status {id}: result 0, done, changed" \
    jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true and
        .arguments.command == "failover-add" and .arguments.relationship == "rel2"' "$d/add.json"
fo_check "s1 has rel2 as given (primary, 60, partner 10.0.0.2:6472, its partner-control-url)" \
    rel_is s1 rel2 '."server-type" == "primary" and ."load-balance-percent" == 60 and
        ."partner-server" == "10.0.0.2" and ."partner-port" == 6472 and ."local-port" == 6471 and
        ."partner-control-url" == "http://10.0.0.2:8000/"'
fo_check "s2 has rel2 mirrored (secondary, 40, partner 10.0.0.1:6471, listening on 10.0.0.2:6472)" \
    rel_is s2 rel2 '."server-type" == "secondary" and ."load-balance-percent" == 40 and
        ."partner-server" == "10.0.0.1" and ."partner-port" == 6471 and
        ."local-address" == "10.0.0.2" and ."local-port" == 6472 and
        ."scope-id" == ["10.1.0.0"] and ."max-client-lead-time" == 30 and ."enable-auth" == true'
fo_check "s2's rel2 has its own leaves from partner-side (kea-s2, s1's agent), none of s1's" \
    rel_is s2 rel2 '."server-name" == "kea-s2" and ."partner-control-url" == "http://10.0.0.1:8000/"
        and (has("partner-control-user") | not)'
fo_check "s1 reaches Normal in rel2 with s2 (the mirrored relationships fit)" fo_wait_state s1 rel2 Normal 60 Normal
fo_check "s1 logged the change on both" fo_wait_log "$FO_LOG_s1" "FAILOVER_BOTH_CHANGED" 5

change s1 failover-set '{"name": "rel2", "load-balance-percent": 70, "max-client-lead-time": 40}' >"$d/set.json"
fo_check "failover-set rel2 (load-balance 70, MCLT 40) on s1: done" jqe '.result == 0 and .arguments.status == "done"' "$d/set.json"
fo_check "... s1: 70 and 40" rel_is s1 rel2 '."load-balance-percent" == 70 and ."max-client-lead-time" == 40'
fo_check "... s2: 30 and 40" rel_is s2 rel2 '."load-balance-percent" == 30 and ."max-client-lead-time" == 40'

change s2 failover-set '{"name": "rel2", "max-response-delay": 8}' >"$d/set-from-s2.json"
fo_check "failover-set rel2 on s2 (through s1's agent, from partner-side): done" \
    jqe '.result == 0 and .arguments.status == "done"' "$d/set-from-s2.json"
fo_check "... s1" rel_is s1 rel2 '."max-response-delay" == 8'
fo_check "... s2" rel_is s2 rel2 '."max-response-delay" == 8'
c s1 failover-add '{"name": "rel9", "partner-side": 5}' >"$d/side-bad.json"
fo_check "partner-side: 5: result 1 naming partner-side" fo_says "$d/side-bad.json" 1 "partner-side: must be a map"

# scopes_both TAG REL: failover-scope-add of 10.2.0.0 to REL (over 10.1.0.0) on
# s1, then failover-scope-remove of it: each done, on both servers.
scopes_both() {
	change s1 failover-scope-add "{\"name\": \"$2\", \"scope-id\": \"10.2.0.0\"}" >"$d/sadd-$2.json"
	fo_check "${1}failover-scope-add $2 10.2.0.0 on s1: done" jqe '.result == 0 and .arguments.status == "done"' "$d/sadd-$2.json"
	fo_check "... s1's $2 has 10.1.0.0 and 10.2.0.0" rel_is s1 "$2" '."scope-id" == ["10.1.0.0", "10.2.0.0"]'
	fo_check "... s2's too" rel_is s2 "$2" '."scope-id" == ["10.1.0.0", "10.2.0.0"]'
	change s1 failover-scope-remove "{\"name\": \"$2\", \"scope-id\": [\"10.2.0.0\"]}" >"$d/srem-$2.json"
	fo_check "${1}failover-scope-remove $2 10.2.0.0 on s1: done" jqe '.result == 0 and .arguments.status == "done"' "$d/srem-$2.json"
	fo_check "... s1's $2 back to 10.1.0.0 only" rel_is s1 "$2" '."scope-id" == ["10.1.0.0"]'
	fo_check "... s2's too" rel_is s2 "$2" '."scope-id" == ["10.1.0.0"]'
}
scopes_both "" rel2

# ---- DHCP is served while a change runs (issue 13 section 3) ----
# A partner whose control channel takes the request and never answers holds
# the exchange for its two timeouts (the change, then its undo: 2 x 10 s).
# Had the exchange run on Kea's main thread, s1 would answer no client for
# that long. perfdhcp (12 s, 50 DISCOVERs a second) runs once without a
# change (the baseline, on this machine now) and once from 2 s before the
# change: s1 must answer as many clients (>= 80 % of the baseline) and none
# more than 1 s late (the hang lasts 20 s); both delays are printed.
change s1 failover-set '{"name": "rel2", "max-client-lead-time": 30}' >"$d/set-30.json"
fo_check "failover-set rel2 MCLT 30 on s1: done" jqe '.result == 0 and .arguments.status == "done"' "$d/set-30.json"
fo_wait_state s1 rel2 Normal 60 Normal >/dev/null
fo_perfdhcp_bg "$d/perf-base.txt" -r 50 -p 12 -R 500
wait "$FO_PERF_PID" 2>/dev/null
ip netns exec "$FO_NS_s2" python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.2", 8001)); s.listen(8); time.sleep(90)' &
HANG=$!
FO_PIDS="$FO_PIDS $HANG"
c s1 failover-set '{"name": "rel2", "partner-control-url": "http://10.0.0.2:8001/", "local-only": true}' >/dev/null
fo_perfdhcp_bg "$d/perf.txt" -r 50 -p 12 -R 500
PERF=$FO_PERF_PID
sleep 2
change s1 failover-set '{"name": "rel2", "max-client-lead-time": 35}' >"$d/set-hang.json"
wait "$PERF" 2>/dev/null
fo_stop_pid "$HANG" KILL 5
c s1 failover-set '{"name": "rel2", "partner-control-url": "http://10.0.0.2:8000/", "local-only": true}' >/dev/null
fo_check "failover-set to a partner that never answers: failed after both timeouts, changed unknown (null)" \
    jqe '.result == 1 and .arguments.status == "failed" and .arguments.changed == null and
        (.text | test("nothing changed here, but whether the partner made the change is unknown"))' "$d/set-hang.json"
fo_check "... s1's MCLT is still 30" rel_is s1 rel2 '."max-client-lead-time" == 30'
fo_check "... s2's too (the request never reached its Kea)" rel_is s2 rel2 '."max-client-lead-time" == 30'
served_meanwhile() {
	set -- $(fo_perf_stats "$d/perf-base.txt") $(fo_perf_stats "$d/perf.txt")
	echo "#   perfdhcp, 12 s: $1 answers, longest delay $2 ms without a change;" \
	    "$3 answers, longest delay $4 ms during the change"
	[ "$1" -gt 0 ] && [ "$3" -ge $(($1 * 8 / 10)) ] &&
	    awk -v m="$4" 'BEGIN { exit !(m < 1000) }'
}
fo_check "s1 served DHCP while the exchange hung (>= 80 % of the baseline's answers, none 1 s late)" \
    served_meanwhile

# ---- refused by the partner: nothing changes ----
REL3=$(jq -cn '{"name": "rel3", "partner-server": "10.0.0.1", "local-address": "10.0.0.2",
    "local-port": 6473, "partner-port": 6474, "server-type": "secondary", "scope-id": ["10.2.0.0"],
    "local-only": true}')
c s2 failover-add "$REL3" >"$d/rel3-s2.json"
fo_check "local-only failover-add rel3 on s2: result 0, made at once" jqe '.result == 0 and (.arguments.relationships[0].name == "rel3")' "$d/rel3-s2.json"
fo_check "... s1 has no rel3 (local-only)" absent s1 rel3
change s1 failover-add "$(s1_rel rel3 6474 6473)" >"$d/refused.json"
fo_check "failover-add rel3 on s1 while s2 has one: result 1, failed, names s2's reason" \
    fo_says "$d/refused.json" 1 "exists already"
fo_check "... the partner refused it, nothing changed (changed false)" \
    jqe '.arguments.status == "failed" and .arguments.changed == false' "$d/refused.json"
fo_check "... s1 has no rel3" absent s1 rel3
# rel3 is s2's alone (s1 never had it): an operator's local-only removal
# is refused while the partner may serve the scope, and made with force.
c s2 failover-remove '{"name": "rel3", "local-only": true}' >"$d/rel3-rm.json"
fo_check "local-only failover-remove rel3 on s2 without force: result 1, refused, nothing changed" \
    fo_says "$d/rel3-rm.json" 1 "refused, nothing changed: relationship 'rel3' is in"
fo_check "... s2 still has rel3" rel_is s2 rel3 '.name == "rel3"'
c s2 failover-remove '{"name": "rel3", "local-only": true, "force": true}' >"$d/rel3-rm-force.json"
fo_check "... with \"force\": true: result 0" fo_result_is "$d/rel3-rm-force.json" 0
fo_check "... s2 has no rel3" absent s2 rel3
fo_check "... s2 logged FAILOVER_LOCAL_REMOVAL_FORCED" \
    fo_wait_log "$FO_LOG_s2" "FAILOVER_LOCAL_REMOVAL_FORCED relationship rel3: scope.s. 10.2.0.0 removed locally with force" 5

# ---- partner unreachable: nothing changes ----
fo_agent_stop s2
change s1 failover-set '{"name": "rel2", "max-client-lead-time": 50}' >"$d/down.json"
fo_check "s2's agent down: failover-set rel2 on s1: result 1, failed, unreachable" \
    jqe '.result == 1 and .arguments.status == "failed" and .arguments.changed == false' "$d/down.json"
fo_check "... the text says unreachable" fo_says "$d/down.json" 1 "unreachable"
fo_check "... s1's MCLT is still 30" rel_is s1 rel2 '."max-client-lead-time" == 30'
fo_check "... s2's too" rel_is s2 rel2 '."max-client-lead-time" == 30'
fo_check "s2's agent back" fo_agent_up s2 1

# ---- s1 cannot commit after s2 did: s2 undoes it ----
change s1 failover-add "$(s1_rel rel4 8000 6475)" >"$d/local-fail.json"
fo_check "failover-add rel4 listening on s1's agent port: result 1, failed, changed false" \
    jqe '.result == 1 and .arguments.status == "failed" and .arguments.changed == false' "$d/local-fail.json"
fo_check "... the text says the partner undid it" fo_says "$d/local-fail.json" 1 "the partner undid it"
fo_check "... s1 has no rel4" absent s1 rel4
fo_check "... s2 has no rel4 (undone)" absent s2 rel4

# ---- local-only, and a relationship without partner-control-url ----
c s1 failover-set '{"name": "rel2", "max-client-lead-time": 60, "local-only": true}' >"$d/lo.json"
fo_check "local-only failover-set on s1: result 0 at once, shows the relationship" \
    jqe '.result == 0 and .arguments.relationships[0]."max-client-lead-time" == 60' "$d/lo.json"
fo_check "... s2 unchanged (30)" rel_is s2 rel2 '."max-client-lead-time" == 30'
c s1 failover-set '{"name": "rel2", "max-client-lead-time": 30, "local-only": true}' >/dev/null
c s1 failover-set '{"name": "rel2", "local-only": 1}' >"$d/lo-bad.json"
fo_check "local-only: 1: result 1 naming local-only" fo_says "$d/lo-bad.json" 1 "local-only: must be a boolean"
c s1 failover-set '{"name": "rel1", "max-client-lead-time": 45}' >"$d/nourl.json"
fo_check "failover-set rel1 (no partner-control-url): result 0 at once, says this server only" \
    fo_says "$d/nourl.json" 0 "this server only"
fo_check "... s1's rel1 MCLT 45" rel_is s1 rel1 '."max-client-lead-time" == 45'
fo_check "... s2's rel1 MCLT 30" rel_is s2 rel1 '."max-client-lead-time" == 30'

# ---- enable-auth: the partner's requests are signed (docs/commands.md) ----
# sign ARGS COMMAND SECRET: ARGS with the digest fo_signed.h describes (jq -cS
# is the canonical form of these ASCII arguments).
sign() {
	_cn=$(printf '%s' "$1" | jq -cS 'del(.digest)')
	_dg=$(printf 'kea-failover-replicate\n%s\n%s' "$2" "$_cn" |
	    openssl dgst -sha256 -hmac "$3" -r | cut -d' ' -f1)
	printf '%s' "$1" | jq -c --arg d "$_dg" '. + {"digest": $d}'
}
# forged ARGS: rel2's local-only MCLT change, as the partner sends it, with time $T.
forged() { jq -cn --argjson t "$T" --argjson m "$1" '{"name": "rel2", "max-client-lead-time": $m, "local-only": true, "time": $t}'; }
T=$(date +%s)
c s2 failover-set "$(forged 45)" >"$d/auth-nodigest.json"
fo_check "enable-auth: a partner's request to s2 without digest: result 1 naming digest" \
    fo_says "$d/auth-nodigest.json" 1 "digest: missing"
c s2 failover-set "$(forged 45 | jq -c '. + {"digest": "0000000000000000000000000000000000000000000000000000000000000000"}')" >"$d/auth-wrong.json"
fo_check "... with a wrong digest: result 1, digest: wrong" fo_says "$d/auth-wrong.json" 1 "digest: wrong"
c s2 failover-set "$(sign "$(forged 45)" failover-set other-secret)" >"$d/auth-other.json"
fo_check "... signed with another secret: result 1, digest: wrong" fo_says "$d/auth-other.json" 1 "digest: wrong"
c s2 failover-remove "$(sign "$(forged 45 | jq -c 'del(."max-client-lead-time")')" failover-set "$SECRET")" >"$d/auth-cmd.json"
fo_check "... signed as a failover-set, sent as failover-remove: result 1, digest: wrong" \
    fo_says "$d/auth-cmd.json" 1 "digest: wrong"
T=$(($(date +%s) - 120))
c s2 failover-set "$(sign "$(forged 45)" failover-set "$SECRET")" >"$d/auth-old.json"
fo_check "... signed, but 120 s old: result 1 naming time" fo_says "$d/auth-old.json" 1 "time: 12"
fo_check "... none changed s2 (MCLT 30, rel2 there)" rel_is s2 rel2 '."max-client-lead-time" == 30'
fo_check "... nor s1" rel_is s1 rel2 '."max-client-lead-time" == 30'
fo_check "... s2 logged the refusals" fo_wait_log "$FO_LOG_s2" "FAILOVER_BOTH_PARTNER_REFUSED" 5
T=$(date +%s)
c s2 failover-set "$(sign "$(forged 35)" failover-set "$SECRET")" >"$d/auth-good.json"
fo_check "... the same request signed with rel2's secret now: result 0 (these refusals were the checks')" \
    fo_jqe '.result == 0 and .arguments.relationships[0]."max-client-lead-time" == 35' "$d/auth-good.json"
c s2 failover-set "$(sign "$(forged 30)" failover-set "$SECRET")" >/dev/null
c s2 failover-set '{"name": "rel2", "shared-secret": "not-the-same-secret", "local-only": true}' >"$d/auth-s2sec.json"
fo_check "s2's rel2 given another secret (local-only, the operator's: no time, no digest)" \
    fo_result_is "$d/auth-s2sec.json" 0
change s1 failover-set '{"name": "rel2", "max-client-lead-time": 50}' >"$d/auth-differ.json"
fo_check "failover-set rel2 on s1 while the secrets differ: failed, changed false, s2's reason: digest" \
    fo_jqe '.result == 1 and .arguments.status == "failed" and .arguments.changed == false and
        (.text | contains("the partner refused it")) and (.arguments.partner | startswith("digest: wrong"))' "$d/auth-differ.json"
fo_check "... s1's MCLT is still 30" rel_is s1 rel2 '."max-client-lead-time" == 30'
fo_check "... s2's too" rel_is s2 rel2 '."max-client-lead-time" == 30'
c s2 failover-set "$(jq -cn --arg s "$SECRET" '{"name": "rel2", "shared-secret": $s, "local-only": true}')" >/dev/null
change s1 failover-set '{"name": "rel2", "max-client-lead-time": 40}' >"$d/auth-same.json"
fo_check "the secrets the same again: failover-set rel2 on s1 (signed): done on both" \
    fo_jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true' "$d/auth-same.json"
fo_check "... s1 40" rel_is s1 rel2 '."max-client-lead-time" == 40'
fo_check "... s2 40" rel_is s2 rel2 '."max-client-lead-time" == 40'
NEWSEC="fo-both-new-secret-$$-Vb5"
FO_SECRETS="$FO_SECRETS $NEWSEC"
change s1 failover-set "$(jq -cn --arg s "$NEWSEC" '{"name": "rel2", "shared-secret": $s}')" >"$d/auth-rekey.json"
fo_check "failover-set rel2's shared-secret on s1 (signed with the old one): done on both" \
    fo_jqe '.result == 0 and .arguments.status == "done"' "$d/auth-rekey.json"
T=$(date +%s)
c s2 failover-set "$(sign "$(forged 45)" failover-set "$SECRET")" >"$d/auth-oldkey.json"
fo_check "... s2 now refuses a request signed with the old secret" fo_says "$d/auth-oldkey.json" 1 "digest: wrong"
c s2 failover-set "$(sign "$(forged 40)" failover-set "$NEWSEC")" >"$d/auth-newkey.json"
fo_check "... and takes one signed with the new one" fo_result_is "$d/auth-newkey.json" 0
rel s2 rel2 >"$d/s2-rel2.json"      # for the undo of the remove, below

# ---- remove on both ----
change s1 failover-remove '{"name": "rel2"}' >"$d/rm.json"
fo_check "failover-remove rel2 on s1: done" jqe '.result == 0 and .arguments.status == "done"' "$d/rm.json"
fo_check "... gone from s1" absent s1 rel2
fo_check "... gone from s2" absent s2 rel2

# ---- the undo of a remove takes the partner's state back ----
aside() { ls -d "$FO_TMP/s2/state/rel2.removed-"* >/dev/null 2>&1; }
fo_check "s2 set rel2's state aside (rel2.removed-<time>)" aside
T=$(date +%s)
UNDO=$(jq -c --argjson t "$T" --arg s "$NEWSEC" '. + {"shared-secret": $s, "local-only": true,
    "restore-state": true, "time": $t}' "$d/s2-rel2.json")
c s2 failover-add "$(sign "$UNDO" failover-add "$NEWSEC")" >"$d/undo-rm.json"
fo_check "the partner's undo of that remove (failover-add with restore-state, signed) on s2: result 0" \
    fo_result_is "$d/undo-rm.json" 0
restored() { [ -d "$FO_TMP/s2/state/rel2" ] && ! aside; }
fo_check "... rel2's state is back in s2's state directory, none left aside" restored
fo_check "... s2 logged FAILOVER_STATE_RESTORED" fo_wait_log "$FO_LOG_s2" "FAILOVER_STATE_RESTORED" 5
c s2 failover-remove '{"name": "rel2", "local-only": true, "force": true}' >"$d/undo-rm-force.json"
fo_check "... s2's rel2 (s1 has none) removed again, local-only with force: result 0" \
    fo_result_is "$d/undo-rm-force.json" 0
c s1 failover-add '{"name": "rel9", "restore-state": true, "local-only": true}' >"$d/restore-bad.json"
fo_check "restore-state without a partner's time: result 1 naming restore-state" \
    fo_says "$d/restore-bad.json" 1 "restore-state: only in the partner's undo"
c s1 failover-change-status '{"id": 999}' >"$d/st-unknown.json"
fo_check "failover-change-status of an unknown id: result 3" fo_result_is "$d/st-unknown.json" 3
c s1 failover-change-status '{"id": "x"}' >"$d/st-bad.json"
fo_check "failover-change-status {id: \"x\"}: result 1 naming id" fo_says "$d/st-bad.json" 1 "id:"

# ---- Kea >= 2.7: the same through kea-dhcp4's own HTTP control sockets ----
http_both() {
	fo_agent_stop s1
	fo_agent_stop s2
	FO_VIA=http
	REL5=$(echo "$REL2" | jq -c '.name = "rel5" | ."local-port" = 6481 | ."partner-port" = 6482
	    | ."partner-control-url" = "http://10.0.0.2:8010/" | ."partner-side"."partner-control-url" = "http://10.0.0.1:8010/"')
	_fo_post "$FO_NS_s2" http://10.0.0.2:8010/ '{"command": "failover-get"}' >"$d/h-noauth.json"
	fo_check "http: s2's http socket refuses a command without its credentials (401)" \
	    jqe '(if type == "array" then .[0] else . end).result == 401' "$d/h-noauth.json"
	change s1 failover-add "$REL5" >"$d/h-add.json"
	fo_check "http: failover-add rel5 to s1's http socket (partner-control-url s2's): answers at once with an id" started_ok
	fo_check "http: failover-change-status {id} over s1's http socket: result 0, done, changed" \
	    jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true and
	        .arguments.relationship == "rel5"' "$d/h-add.json"
	fo_check "http: s1 has rel5 as given" rel_is s1 rel5 '."server-type" == "primary" and ."load-balance-percent" == 60
	    and ."partner-control-url" == "http://10.0.0.2:8010/"'
	fo_check "http: s2 has rel5 mirrored, its partner-control-url s1's http socket" \
	    rel_is s2 rel5 '."server-type" == "secondary" and ."load-balance-percent" == 40 and
	        ."local-port" == 6482 and ."partner-control-url" == "http://10.0.0.1:8010/"'
	fo_check "http: s1 reaches Normal in rel5 with s2" fo_wait_state s1 rel5 Normal 60 Normal
	change s2 failover-set '{"name": "rel5", "max-client-lead-time": 45}' >"$d/h-set.json"
	fo_check "http: failover-set rel5 MCLT 45 to s2's http socket (with credentials; s2 sends it to s1's): done" \
	    jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true' "$d/h-set.json"
	fo_check "... s1 45" rel_is s1 rel5 '."max-client-lead-time" == 45'
	fo_check "... s2 45" rel_is s2 rel5 '."max-client-lead-time" == 45'
	scopes_both "http: " rel5
	c s1 failover-get '{"name": "rel5"}' >"$d/h-get.json"
	fo_check "http: failover-get {name: rel5} on s1: rel5 in Normal" \
	    jqe '.result == 0 and .arguments.relationships[0].name == "rel5" and .arguments.relationships[0].state.state == "Normal"' "$d/h-get.json"
	c s2 status-get '{}' >"$d/h-status.json"
	fo_check "http: status-get on s2: its failover section has rel1 and rel5" \
	    jqe '.result == 0 and ([.arguments.failover[].name] == ["rel1", "rel5"])' "$d/h-status.json"
	change s1 failover-remove '{"name": "rel5"}' >"$d/h-rm.json"
	fo_check "http: failover-remove rel5 on s1: done" jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true' "$d/h-rm.json"
	fo_check "... gone from s1" absent s1 rel5
	fo_check "... gone from s2" absent s2 rel5
	FO_VIA=sock
}
[ "$HTTP_PASS" = 0 ] || http_both

fo_check "the secret and the agent's password are in no answer and no log" \
    fo_no_secret "$OUT" "$FO_LOG_s1" "$FO_LOG_s2" "$FO_TMP"/*/agent.log
fo_summary
