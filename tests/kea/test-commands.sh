#!/bin/sh
# test-commands.sh - the commands that change relationships at run time
# (docs/commands.md): failover-add, failover-set, failover-remove,
# failover-scope-add, failover-scope-remove, failover-partner-down.
#
# One kea-dhcp4 (s1) with rel1 over 10.0.0.0 and two more subnets, 10.1.0.0
# and 10.2.0.0, in no relationship; the partner is absent (states are set
# with the test seam where a test needs one). For each command: success,
# bad input (result 1, the text names the field), unknown relationship
# (result 3). A relationship added at run time is in failover-get (whose
# answer validates against the YANG module), in relationships.json (mode
# 0600) and in config-get, survives a restart of kea-dhcp4; a removed one is
# gone after a restart.
# A local-only failover-scope-remove without force is refused (the partner
# may serve the scope), force must be a boolean and comes only with
# local-only (and not with failover-scope-add).
# failover-partner-down: refused in Normal, accepted in
# CommunicationInterrupted (-> PartnerDown). status-get lists the
# relationships. Some of the commands through kea-ctrl-agent and kea-shell.
# The shared secret given to failover-set is in no answer and no log. With
# multi-threading off and on (FO_MT_LIST), over the unix socket; on Kea >= 2.7
# once more (MT on), every command over kea-dhcp4's own HTTP control socket
# (the answer a one-element list), the checks on the effects over the unix
# socket (failover-test-set-state) and through restarts as in the other passes.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat curl yanglint kea-ctrl-agent kea-shell
HTTP_PASS=0; fo_kea_http && HTTP_PASS=1
fo_deadline $((170 + 90 * HTTP_PASS))   # Kea >= 2.7: one more pass, over the http socket
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

MODULE="$srcdir/yang/kea-dhcp-failover@2026-11-21.yang"
SECRET="fo-cmd-secret-$$-Zq8Lm"
FO_SECRETS=$SECRET
PORT=8005
HTTP_PORT=8015
OUT="$FO_TMP/all-output.txt"
: >"$OUT"

# c COMMAND ARGS_JSON: over the pass's transport (FO_VIA: the unix socket, or
# kea-dhcp4's own http socket); every answer kept for the secret check.
c() {
	fo_cmd s1 "$(jq -cn --arg c "$1" --argjson a "$2" '{"command": $c, "service": ["dhcp4"], "arguments": $a}')" |
	    tee -a "$OUT"
}
# bad FILE RESULT WORDS: result RESULT and the text contains WORDS.
names_are() {
	fo_result_is "$1" 0 && [ "$(jq -r '[.arguments.relationships[].name] | join(" ")' "$1")" = "$2" ] ||
	    { echo "#   names: $(jq -r '[.arguments.relationships[]?.name] | join(" ")' "$1" 2>/dev/null)"; return 1; }
}
# answer_with FILE FILTER: result 0 and FILTER holds on the arguments (the
# answer is shown when not).
answer_with() { fo_result_is "$1" 0 && fo_jqe "$_fo_answer | .arguments | $2" "$1"; }
# logged LOG PATTERN: LOG has PATTERN (within 10 s); the hook's lines of it are shown when not.
logged() {
	fo_wait_log "$1" "$2" 10 && return 0
	echo "#   not in $1; the hook's lines there:"
	grep -E 'FAILOVER_|HOOKS_LIBRARY' "$1" | head -12 | cut -c1-300 | sed 's/^/#     /'
	return 1
}
# agent_answer_with FILE FILTER: answer_with, for an answer through
# kea-ctrl-agent; when not, also how long it took and the ends of the logs.
agent_answer_with() {
	answer_with "$@" && return 0
	echo "#   answered after $(($(date +%s) - t0)) s; agent.log, then kea-dhcp4's commands and hook lines:"
	tail -4 "$FO_TMP/s1/agent.log" | cut -c1-250 | sed 's/^/#     /'
	grep -E 'COMMAND_|FAILOVER_' "$FO_LOG_s1" | tail -8 | cut -c1-250 | sed 's/^/#     /'
	return 1
}
file_mode_600() { [ "$(stat -c %a "$1" 2>/dev/null)" = 600 ]; }
state_is() { fo_jqe --arg s "$3" '.arguments.relationships[] | select(.name == "'"$2"'") | .state.state == $s' "$1"; }

# Each relationship listens on its own local-address:local-port.
REL2='{"name": "rel2", "partner-server": "10.0.0.2", "local-address": "10.0.0.1",
       "local-port": 6471, "partner-port": 6471,
       "server-type": "primary", "mode": "hot-standby", "server-role": "active",
       "reserve-percent": 10, "scope-id": ["10.1.0.0"], "max-client-lead-time": 900}'

# run MT VIA: every command with multi-threading MT, over VIA (sock, http).
run() {
	mt=$1 FO_VIA=$2 tag="$(fo_mt_name "$1")"
	fo_kea_wipe s1
	CFG="$FO_TMP/cmd.json"
	fo_config s1 "$CFG" '{}' '{"subnet4": [
	    {"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]},
	    {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.99"}]},
	    {"id": 3, "subnet": "10.2.0.0/16", "pools": [{"pool": "10.2.1.0 - 10.2.1.49"}]}]}'
	if [ "$FO_VIA" = http ]; then
		tag="http, $tag"
		fo_config_http s1 "$CFG" "$FO_TMP/cmd-http.json" 127.0.0.1 "$HTTP_PORT"
		CFG="$FO_TMP/cmd-http.json"
	fi
	if ! fo_kea_start s1 "$CFG" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi
	d="$FO_TMP/ans-$mt-$FO_VIA"; mkdir -p "$d"
	LIVE="$FO_TMP/s1/state/relationships.json"

	c list-commands '{}' >"$d/list.json"
	fo_check "$tag: list-commands has failover-add/-set/-remove/-scope-add/-scope-remove/-partner-down/-retired-get" \
	    fo_jqe '.arguments as $a | ["failover-get", "failover-add", "failover-set", "failover-remove",
	        "failover-scope-add", "failover-scope-remove", "failover-partner-down", "failover-retired-get"] | all(. as $c | $a | index($c) != null)' "$d/list.json"

	# failover-add
	c failover-add "$REL2" >"$d/add.json"
	fo_check "$tag: failover-add rel2 (hot-standby, scope 10.1.0.0): result 0" fo_result_is "$d/add.json" 0
	c failover-get '{}' >"$d/get-added.json"
	fo_check "$tag: failover-get after add: rel1 rel2" names_are "$d/get-added.json" "rel1 rel2"
	fo_check "$tag: failover-get after add validates against the YANG module" fo_yang_ok "$d/get-added.json"
	fo_check "$tag: rel2 has the given mode, reserve-percent and MCLT" \
	    fo_jqe '.arguments.relationships[1] | .mode == "hot-standby" and .["reserve-percent"] == 10 and .["max-client-lead-time"] == 900' "$d/get-added.json"
	fo_check "$tag: rel2's scope 10.1.0.0 has a binding table (100 pool addresses)" \
	    fo_jqe '.arguments.relationships[1].state.scope[0].total == 100' "$d/get-added.json"
	fo_check "$tag: $LIVE written with mode 0600" file_mode_600 "$LIVE"
	c status-get '{}' >"$d/status.json"
	fo_check "$tag: status-get: result 0, its failover section lists rel1 and rel2" \
	    answer_with "$d/status.json" '[.failover[].name] == ["rel1", "rel2"]'
	c failover-add "$REL2" >"$d/add-dup.json"
	fo_check "$tag: failover-add rel2 again: result 1, names 'name'" fo_says "$d/add-dup.json" 1 "name"
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "scope-id": ["10.2.0.0"]}' >"$d/add-missing.json"
	fo_check "$tag: failover-add without server-type: result 1, names server-type" fo_says "$d/add-missing.json" 1 server-type
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "server-type": "primary",
	    "scope-id": ["10.2.0.0"], "max-client-lead-time": 0}' >"$d/add-mclt.json"
	fo_check "$tag: failover-add with max-client-lead-time 0: result 1, names it" fo_says "$d/add-mclt.json" 1 max-client-lead-time
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "server-type": "primary",
	    "scope-id": ["10.0.0.0"]}' >"$d/add-taken.json"
	fo_check "$tag: failover-add with rel1's scope: result 1, YANG's scope-in-two-relationships message" \
	    fo_says "$d/add-taken.json" 1 "already part of another relationship"
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "server-type": "primary",
	    "scope-id": ["10.9.0.0"]}' >"$d/add-nosubnet.json"
	fo_check "$tag: failover-add with a scope that is no Kea subnet: result 1, names scope-id" \
	    fo_says "$d/add-nosubnet.json" 1 "scope-id[.='10.9.0.0']: no Kea subnet4"
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "server-type": "primary",
	    "scope-id": ["10.2.0.0"], "mclt": 5}' >"$d/add-unknown.json"
	fo_check "$tag: failover-add with an unknown leaf: result 1, names it" fo_says "$d/add-unknown.json" 1 mclt
	c failover-get '{}' >"$d/get-after-bad.json"
	fo_check "$tag: refused adds changed nothing (rel1 rel2)" names_are "$d/get-after-bad.json" "rel1 rel2"
	# 10.0.0.77 is no address of s1: valid configuration, but bind(2) fails
	# when the protocol restarts, so the whole change is rolled back.
	c failover-add '{"name": "rel3", "partner-server": "10.0.0.2", "local-address": "10.0.0.77",
	    "server-type": "primary", "scope-id": ["10.2.0.0"]}' >"$d/add-port.json"
	fo_check "$tag: failover-add on an address s1 does not have: result 1, all or nothing (the protocol cannot listen)" \
	    fo_says "$d/add-port.json" 1 "cannot listen on 10.0.0.77 port 647"
	c failover-get '{}' >"$d/get-after-port.json"
	fo_check "$tag: ... and rel1 rel2 are back, rel1 still listening" names_are "$d/get-after-port.json" "rel1 rel2"

	# failover-set
	c failover-set '{"name": "rel2", "max-client-lead-time": 1200, "reserve-percent": 20}' >"$d/set.json"
	fo_check "$tag: failover-set rel2 MCLT 1200, reserve 20: result 0, answer shows them" \
	    fo_jqe '.result == 0 and (.arguments.relationships[0] | .["max-client-lead-time"] == 1200 and .["reserve-percent"] == 20)' "$d/set.json"
	c failover-set "$(jq -cn --arg s "$SECRET" '{"name": "rel2", "enable-auth": true, "shared-secret": $s}')" >"$d/set-auth.json"
	fo_check "$tag: failover-set rel2 enable-auth true with a secret: result 0, enable-auth shown, no secret" \
	    fo_jqe '.result == 0 and .arguments.relationships[0]["enable-auth"] == true and (.arguments.relationships[0]["shared-secret"] == null)' "$d/set-auth.json"
	c failover-set '{"name": "rel2", "auto-state-transition": true}' >"$d/set-ast.json"
	fo_check "$tag: failover-set auto-state-transition without state-switch-interval: result 1, YANG's message" \
	    fo_says "$d/set-ast.json" 1 "requires state-switch-interval"
	c failover-set '{"name": "rel2", "auto-state-transition": true, "state-switch-interval": 300}' >"$d/set-ast2.json"
	fo_check "$tag: failover-set auto-state-transition with state-switch-interval 300: result 0" fo_result_is "$d/set-ast2.json" 0
	c failover-set '{"name": "rel2", "mode": "bogus"}' >"$d/set-bad.json"
	fo_check "$tag: failover-set mode bogus: result 1, names mode" fo_says "$d/set-bad.json" 1 mode
	c failover-set '{"name": "rel2", "scope-id": ["10.2.0.0"]}' >"$d/set-scope.json"
	fo_check "$tag: failover-set scope-id: result 1, names scope-id" fo_says "$d/set-scope.json" 1 scope-id
	c failover-set '{"name": "nope", "max-client-lead-time": 60}' >"$d/set-unknown.json"
	fo_check "$tag: failover-set unknown relationship: result 3" fo_result_is "$d/set-unknown.json" 3
	c failover-set '{"max-client-lead-time": 60}' >"$d/set-noname.json"
	fo_check "$tag: failover-set without name: result 1, names 'name'" fo_says "$d/set-noname.json" 1 name

	# failover-scope-add / -remove (their inputs are the module's rpcs)
	rpc_ok() {
		printf '{"kea-dhcp-failover:%s": %s}' "$1" "$2" >"$d/rpc.json"
		yanglint -t rpc "$MODULE" "$d/rpc.json" >"$FO_TMP/yl.out" 2>&1 || { sed 's/^/#   /' "$FO_TMP/yl.out" | head -3; return 1; }
	}
	rpc_bad() { ! rpc_ok "$@" >/dev/null; }
	fo_check "$tag: failover-scope-add's input validates as the module's rpc (yanglint -t rpc)" \
	    rpc_ok failover-scope-add '{"name": "rel2", "scope-id": ["10.2.0.0"]}'
	fo_check "$tag: ... and a bad scope-id does not" rpc_bad failover-scope-add '{"name": "rel2", "scope-id": ["10.0.0.300"]}'
	c failover-scope-add '{"name": "rel2", "scope-id": "10.2.0.0"}' >"$d/sadd.json"
	fo_check "$tag: failover-scope-add rel2 10.2.0.0: result 0" fo_result_is "$d/sadd.json" 0
	c failover-get '{"scope-id": "10.2.0.0"}' >"$d/get-scope.json"
	fo_check "$tag: failover-get {scope-id: 10.2.0.0}: rel2, with 50 pool addresses in that scope" \
	    fo_jqe '.result == 0 and .arguments.relationships[0].name == "rel2" and
	        ([.arguments.relationships[0].state.scope[] | select(.["scope-id"] == "10.2.0.0") | .total] == [50])' "$d/get-scope.json"
	c failover-scope-add '{"name": "rel2", "scope-id": ["10.0.0.0"]}' >"$d/sadd-taken.json"
	fo_check "$tag: failover-scope-add rel1's scope to rel2: result 1, YANG's message" \
	    fo_says "$d/sadd-taken.json" 1 "already part of another relationship"
	c failover-scope-add '{"name": "rel2", "scope-id": "10.0.0.300"}' >"$d/sadd-bad.json"
	fo_check "$tag: failover-scope-add 10.0.0.300: result 1, names scope-id" fo_says "$d/sadd-bad.json" 1 scope-id
	c failover-scope-add '{"name": "nope", "scope-id": "10.2.0.0"}' >"$d/sadd-unknown.json"
	fo_check "$tag: failover-scope-add unknown relationship: result 3" fo_result_is "$d/sadd-unknown.json" 3
	# local-only: the operator's removal on this server only, refused while the
	# partner may serve the scope (rel2 never reached one); force is its own argument.
	c failover-scope-remove '{"name": "rel2", "scope-id": "10.2.0.0", "local-only": true}' >"$d/srm-lo.json"
	fo_check "$tag: failover-scope-remove local-only without force: result 1, refused, nothing changed" \
	    fo_says "$d/srm-lo.json" 1 "refused, nothing changed: relationship 'rel2' is in"
	c failover-get '{"name": "rel2"}' >"$d/get-srm-lo.json"
	fo_check "$tag: ... rel2 keeps 10.1.0.0 and 10.2.0.0" \
	    answer_with "$d/get-srm-lo.json" '(.relationships[0]["scope-id"] | sort) == ["10.1.0.0", "10.2.0.0"]'
	c failover-scope-remove '{"name": "rel2", "scope-id": "10.2.0.0", "local-only": true, "force": "yes"}' >"$d/srm-force-bad.json"
	fo_check "$tag: failover-scope-remove force \"yes\": result 1, force: must be a boolean" \
	    fo_says "$d/srm-force-bad.json" 1 "force: must be a boolean"
	c failover-scope-remove '{"name": "rel2", "scope-id": "10.2.0.0", "force": true}' >"$d/srm-force-both.json"
	fo_check "$tag: failover-scope-remove force without local-only: result 1, says where force belongs" \
	    fo_says "$d/srm-force-both.json" 1 "force: only in the operator's local-only removal"
	c failover-scope-add '{"name": "rel2", "scope-id": "10.2.0.0", "local-only": true, "force": true}' >"$d/sadd-force.json"
	fo_check "$tag: failover-scope-add with force (an unknown argument there): result 1, names it" \
	    fo_says "$d/sadd-force.json" 1 force
	c failover-scope-remove '{"name": "rel2", "scope-id": "10.2.0.0"}' >"$d/srm.json"
	fo_check "$tag: failover-scope-remove rel2 10.2.0.0: result 0, rel2 keeps 10.1.0.0" \
	    fo_jqe '.result == 0 and .arguments.relationships[0]["scope-id"] == ["10.1.0.0"]' "$d/srm.json"
	c failover-scope-remove '{"name": "rel2", "scope-id": "10.2.0.0"}' >"$d/srm-again.json"
	fo_check "$tag: failover-scope-remove of a scope not in it: result 1, names scope-id" fo_says "$d/srm-again.json" 1 scope-id
	c failover-scope-remove '{"name": "nope", "scope-id": "10.1.0.0"}' >"$d/srm-unknown.json"
	fo_check "$tag: failover-scope-remove unknown relationship: result 3" fo_result_is "$d/srm-unknown.json" 3

	# Restart: the live set comes back from relationships.json.
	c config-get '{}' >"$d/config-get.json"
	fo_check "$tag: config-get shows the relationships as they run (rel1 rel2; test-live-config.sh has more)" \
	    fo_jqe '[.arguments.Dhcp4["hooks-libraries"][] | .parameters.relationships? // empty | .[].name] == ["rel1", "rel2"]' "$d/config-get.json"
	fo_kea_stop s1
	if fo_kea_start s1 "$CFG" "$mt"; then
		c failover-get '{}' >"$d/get-restart.json"
		fo_check "$tag: after a restart: rel1 rel2 (from relationships.json)" names_are "$d/get-restart.json" "rel1 rel2"
		fo_check "$tag: after a restart: rel2 kept MCLT 1200, auth on, state-switch-interval 300" \
		    fo_jqe '.arguments.relationships[1] | .["max-client-lead-time"] == 1200 and .["enable-auth"] == true and .["state-switch-interval"] == 300' "$d/get-restart.json"
		fo_check "$tag: kea-dhcp4 logged that relationships.json replaces the parameters" \
		    logged "$FO_LOG_s1" "FAILOVER_RELFILE_REPLACES_PARAMETERS .*relationships.json .run-time changes. replace"
	else
		fo_not_ok "$tag: kea-dhcp4 restarts with relationships.json"
	fi

	# failover-partner-down
	fo_set_state s1 rel1 Normal Normal
	c failover-partner-down '{"name": "rel1"}' >"$d/pd-normal.json"
	fo_check "$tag: failover-partner-down in Normal: result 1, says Normal" fo_says "$d/pd-normal.json" 1 Normal
	c failover-partner-down '{"name": "nope"}' >"$d/pd-unknown.json"
	fo_check "$tag: failover-partner-down unknown relationship: result 3" fo_result_is "$d/pd-unknown.json" 3
	c failover-partner-down '{"name": 7}' >"$d/pd-bad.json"
	fo_check "$tag: failover-partner-down {name: 7}: result 1, names 'name'" fo_says "$d/pd-bad.json" 1 name
	fo_set_state s1 rel1 CommunicationInterrupted NoState
	c failover-partner-down '{"name": "rel1"}' >"$d/pd.json"
	fo_check "$tag: failover-partner-down in CommunicationInterrupted: result 0, now PartnerDown" \
	    fo_jqe '.result == 0 and .arguments.relationships[0].state.state == "PartnerDown"' "$d/pd.json"
	c failover-partner-down '{"name": "rel1"}' >"$d/pd-again.json"
	fo_check "$tag: failover-partner-down in PartnerDown: result 1 with the reason" fo_says "$d/pd-again.json" 1 "already in PartnerDown"

	# Through kea-ctrl-agent and kea-shell (the passes over the unix socket).
	if [ "$FO_VIA" = http ]; then
		:
	elif fo_agent_start s1 "$PORT"; then
		t0=$(date +%s)
		fo_agent_cmd s1 '{"command": "failover-set", "service": ["dhcp4"], "arguments": {"name": "rel2", "max-response-delay": 30}}' |
		    tee -a "$OUT" >"$d/agent-set.json"
		fo_check "$tag: agent: failover-set rel2 max-response-delay 30: result 0" \
		    agent_answer_with "$d/agent-set.json" '.relationships[0]["max-response-delay"] == 30'
		fo_agent_cmd s1 '{"command": "failover-remove", "service": ["dhcp4"], "arguments": {"name": "nope"}}' |
		    tee -a "$OUT" >"$d/agent-rm-unknown.json"
		fo_check "$tag: agent: failover-remove unknown: result 3" fo_jqe '.[0].result == 3' "$d/agent-rm-unknown.json"
		eval "_ns=\$FO_NS_s1"
		# kea-shell reads the members of "arguments" from stdin (it adds the braces).
		echo '"name": "rel2", "scope-id": "10.2.0.0"' | timeout 20 ip netns exec "$_ns" \
		    "${KEA_SHELL:-kea-shell}" --host 127.0.0.1 --port "$PORT" --service dhcp4 failover-scope-add 2>&1 |
		    tee -a "$OUT" >"$d/shell-sadd.json"
		shell_ok() { fo_jqe '.[0].result == 0' "$1" || { echo "#   $(head -c 300 "$1")"; return 1; }; }
		fo_check "$tag: kea-shell failover-scope-add rel2 10.2.0.0: result 0" shell_ok "$d/shell-sadd.json"
		fo_agent_stop s1
	else
		fo_not_ok "$tag: kea-ctrl-agent starts"
	fi

	# failover-remove
	c failover-remove '{"name": "rel2"}' >"$d/rm.json"
	fo_check "$tag: failover-remove rel2: result 0" fo_result_is "$d/rm.json" 0
	c failover-get '{}' >"$d/get-rm.json"
	fo_check "$tag: failover-get after remove: rel1 only" names_are "$d/get-rm.json" rel1
	c failover-remove '{"name": "rel2"}' >"$d/rm-again.json"
	fo_check "$tag: failover-remove rel2 again: result 3" fo_result_is "$d/rm-again.json" 3
	c failover-remove '{"name": 5}' >"$d/rm-bad.json"
	fo_check "$tag: failover-remove {name: 5}: result 1, names 'name'" fo_says "$d/rm-bad.json" 1 name
	c failover-remove '{"name": "rel1", "bogus": true}' >"$d/rm-extra.json"
	fo_check "$tag: failover-remove with an unknown argument: result 1, names it" fo_says "$d/rm-extra.json" 1 bogus
	c failover-remove '{"name": "rel1", "force": true}' >"$d/rm-force.json"
	fo_check "$tag: failover-remove force without local-only: result 1, says where force belongs" \
	    fo_says "$d/rm-force.json" 1 "force: only in the operator's local-only removal"
	fo_check "$tag: the removed relationship's state directory is kept aside (rel2.removed-*)" \
	    sh -c "ls -d '$FO_TMP/s1/state'/rel2.removed-* >/dev/null 2>&1"
	fo_kea_stop s1
	if fo_kea_start s1 "$CFG" "$mt"; then
		c failover-get '{}' >"$d/get-restart2.json"
		fo_check "$tag: after a restart: rel1 only (the removal persisted)" names_are "$d/get-restart2.json" rel1
		fo_kea_stop s1
	else
		fo_not_ok "$tag: kea-dhcp4 restarts after the removal"
	fi

	fo_check "$tag: the shared secret is in no answer" fo_no_secret "$OUT" "$d"/*.json
	fo_check "$tag: the shared secret is in no log" fo_no_secret "$FO_TMP"/s1/kea.*.log "$FO_TMP/s1/agent.log"
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt" sock
done
if [ "$HTTP_PASS" = 1 ]; then
	run 1 http
else
	echo "# kea-dhcp4 $("$KEA_DHCP4" -v 2>/dev/null): no http control socket of its own before Kea 2.7 (kea-ctrl-agent above)"
fi

fo_summary
