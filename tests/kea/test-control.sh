#!/bin/sh
# test-control.sh - failover-get and status-get over the unix control socket,
# through kea-ctrl-agent (HTTP) and kea-shell, with multi-threading off and on.
#
# Two relationships: rel1 (scope 10.0.0.0) has enable-auth with a shared
# secret, rel2 (scope 10.1.0.0, 70 % on the primary) has none; the secret must
# appear in no command output and in no log (kea-dhcp4, kea-ctrl-agent).
#   - list-commands contains failover-get;
#   - failover-get: all / {"name"} / {"scope-id"} answer result 0 with the
#     relationship; an unknown name or scope answers result 3; a bad argument
#     answers result 1 with a text that names the field;
#   - failover-get with bindings answers a page (bindings-page: from, limit,
#     count, next); bad from/limit answer result 1 naming the field;
#   - the answers validate against the YANG module:
#     {"kea-dhcp-failover:failover": .arguments} with `yanglint -t data`;
#   - status-get has a "failover" section;
#   - Kea's statistics failover.<rel>.<leaf> (statistic-get) carry the same
#     address counts as failover-get, and the counters exist;
#   - the same through kea-ctrl-agent (a one-element list) and kea-shell;
#   - on Kea >= 2.7, the same through kea-dhcp4's own http control socket.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat curl yanglint kea-ctrl-agent kea-shell
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

SECRET="fo-secret-$$-Qx7vZk2Lw9"
FO_SECRETS=$SECRET
PORT=8004
OUT="$FO_TMP/all-output.txt"
: >"$OUT"

# cmd JSON: over the socket; every answer is kept for the secret check.
cmd() { fo_kea_cmd s1 "$1" | tee -a "$OUT"; }
fget() { cmd "$(jq -cn --argjson a "$1" '{"command": "failover-get", "service": ["dhcp4"], "arguments": $a}')"; }

# rels FILE NAMES: result 0 and exactly the relationships NAMES (space
# separated, in order), each with a state.
rels() {
	fo_result_is "$1" 0 &&
	    [ "$(jq -r '[.arguments.relationships[].name] | join(" ")' "$1")" = "$2" ] &&
	    jq -e '.arguments.relationships | all(.state.state != null)' "$1" >/dev/null
}
# stats_match DIR: for rel1 and rel2, Kea's statistic-get of each address
# count equals failover-get's (no traffic: the counts are still), and the
# counter statistics exist.
stats_match() {
	fget '{}' >"$1/fg-stats.json"
	for r in rel1 rel2; do
		for leaf in total free-mine free-partner active connections; do
			v=$(fo_stat s1 "failover.$r.$leaf")
			n=$(cmd "$(jq -cn --arg s "failover.$r.$leaf" '{"command": "statistic-get", "arguments": {"name": $s}}')" |
			    jq --arg s "failover.$r.$leaf" '.arguments[$s] | length')
			[ "$n" -ge 1 ] || { echo "#   failover.$r.$leaf: no such statistic"; return 1; }
			[ "$leaf" = connections ] && continue
			want=$(jq -r --arg r "$r" --arg l "$leaf" \
			    '.arguments.relationships[] | select(.name == $r) | .state.addresses[$l]' "$1/fg-stats.json")
			[ "$v" = "$want" ] || { echo "#   failover.$r.$leaf = $v, failover-get says $want"; return 1; }
		done
	done
	for r in rel1 rel2; do echo "#   $r: total $(fo_stat s1 failover.$r.total), free-mine $(fo_stat s1 failover.$r.free-mine), free-partner $(fo_stat s1 failover.$r.free-partner)"; done
}
stats_wait() {
	_i=0
	until stats_match "$1" >"$1/stats.out"; do
		_i=$((_i + 1)); [ $_i -lt 6 ] || { cat "$1/stats.out"; return 1; }
		sleep 0.5
	done
	cat "$1/stats.out"
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/ctl1.json" "$(jq -cn --arg s "$SECRET" '{"enable-auth": true, "shared-secret": $s}')"
	# A second relationship without authentication, over its own subnet.
	jq '.Dhcp4["hooks-libraries"][1].parameters.relationships += [
	      (.Dhcp4["hooks-libraries"][1].parameters.relationships[0]
	       | del(.["enable-auth"], .["shared-secret"]) | .name = "rel2" | .["scope-id"] = ["10.1.0.0"]
	       | .["load-balance-percent"] = 70)]
	    | .Dhcp4.subnet4 += [{"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.99"}]}]' \
	    "$FO_TMP/ctl1.json" >"$FO_TMP/ctl.json"
	if ! fo_kea_start s1 "$FO_TMP/ctl.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi
	d="$FO_TMP/ans-$mt"; mkdir -p "$d"

	cmd '{"command": "list-commands"}' >"$d/list.json"
	fo_check "$tag: list-commands contains failover-get" fo_jqe '.arguments | index("failover-get") != null' "$d/list.json"

	fget '{}' >"$d/all.json"
	fo_check "$tag: failover-get (all): result 0, relationships rel1 and rel2, each with a state" rels "$d/all.json" "rel1 rel2"
	fo_check "$tag: failover-get (all) validates against the YANG module (yanglint -t data)" fo_yang_ok "$d/all.json"
	fget '{"name": "rel1"}' >"$d/name.json"
	fo_check "$tag: failover-get {name: rel1}: rel1 only" rels "$d/name.json" rel1
	fo_check "$tag: failover-get {name: rel1} (enable-auth, secret withheld) validates against the YANG module" fo_yang_ok "$d/name.json"
	fget '{"name": "rel2"}' >"$d/name2.json"
	fo_check "$tag: failover-get {name: rel2}: rel2 only" rels "$d/name2.json" rel2
	fo_check "$tag: failover-get {name: rel2} (no auth) validates against the YANG module" fo_yang_ok "$d/name2.json"
	fget '{"scope-id": "10.0.0.0"}' >"$d/scope.json"
	fo_check "$tag: failover-get {scope-id: 10.0.0.0}: rel1 only" rels "$d/scope.json" rel1
	fget '{"scope-id": "10.1.0.0"}' >"$d/scope2.json"
	fo_check "$tag: failover-get {scope-id: 10.1.0.0}: rel2 only" rels "$d/scope2.json" rel2
	fget '{"name": "rel1", "bindings": true}' >"$d/bind.json"
	fo_check "$tag: failover-get {bindings: true}: result 0, scope 10.0.0.0 listed" \
	    fo_jqe '.result == 0 and ([.arguments.relationships[0].state.scope[]?["scope-id"]] | index("10.0.0.0") != null)' "$d/bind.json"
	fo_check "$tag: failover-get {bindings: true}: the first page, bindings-page {from start, limit 1000, count = the bindings listed}, valid YANG data" \
	    fo_jqe '.arguments["bindings-page"] as $p | $p.from == "start" and $p.limit == 1000
	        and $p.count == ([.arguments.relationships[].state.scope[]?.binding[]?] | length)
	        and (($p.next == null) == ($p.count < 1000))' "$d/bind.json"
	fo_check "$tag: failover-get {bindings: true} answer validates against the YANG module" fo_yang_ok "$d/bind.json"
	fget '{"bindings": true, "from": "10.0.0.5", "limit": 2}' >"$d/page.json"
	fo_check "$tag: failover-get {bindings: true, from: 10.0.0.5, limit: 2}: result 0, the page says so, the text too" \
	    fo_jqe '.result == 0 and .arguments["bindings-page"].from == "10.0.0.5" and .arguments["bindings-page"].limit == 2
	        and (.arguments["bindings-page"].count <= 2) and (.text | test("binding\\(s\\) after 10.0.0.5"))' "$d/page.json"
	fo_check "$tag: failover-get without bindings has no bindings-page" fo_jqe '.arguments["bindings-page"] == null' "$d/all.json"
	for bad in '{"bindings": true, "limit": 0}:limit' '{"bindings": true, "limit": 1001}:limit' \
	    '{"bindings": true, "limit": "5"}:limit' '{"bindings": true, "from": "10.0.0.300"}:from' \
	    '{"from": "start"}:bindings' '{"bindings": false, "limit": 5}:bindings' \
	    '{"name": ""}:name' '{"scope-id": ""}:scope-id' '{"scope-id": "0.0.0.0"}:scope-id'; do
		fget "${bad%:*}" >"$d/bad-page.json"
		fo_check "$tag: failover-get ${bad%:*}: result 1, the text names '${bad##*:}'" fo_says "$d/bad-page.json" 1 "${bad##*:}"
	done
	fget '{"name": "no-such-relationship"}' >"$d/unknown.json"
	fo_check "$tag: failover-get unknown name: result 3" fo_result_is "$d/unknown.json" 3
	fget '{"scope-id": "10.9.0.0"}' >"$d/unknown-scope.json"
	fo_check "$tag: failover-get unknown scope-id: result 3" fo_result_is "$d/unknown-scope.json" 3
	fget '{"name": 5}' >"$d/bad-name.json"
	fo_check "$tag: failover-get {name: 5}: result 1, the text names 'name'" fo_says "$d/bad-name.json" 1 name
	fget '{"scope-id": "10.0.0.300"}' >"$d/bad-scope.json"
	fo_check "$tag: failover-get {scope-id: 10.0.0.300}: result 1, the text names 'scope-id'" fo_says "$d/bad-scope.json" 1 scope-id
	fget '{"bindings": "yes"}' >"$d/bad-bindings.json"
	fo_check "$tag: failover-get {bindings: \"yes\"}: result 1, the text names 'bindings'" fo_says "$d/bad-bindings.json" 1 bindings

	cmd '{"command": "status-get"}' >"$d/status.json"
	fo_check "$tag: status-get has a failover section" fo_jqe '.result == 0 and (.arguments.failover != null)' "$d/status.json"
	fo_kea_cmd s1 '{"command": "config-get"}' >"$d/config-get.json"   # Kea's own: kept apart

	# Kea statistics failover.<rel>.<leaf>, set every second: the same
	# address counts as failover-get, a counter, for both relationships.
	fo_check "$tag: statistic-get failover.relN.{total,free-mine,free-partner,active} equal failover-get's counts, and failover.relN.connections exists (<= 3 s)" \
	    stats_wait "$d"

	# Through kea-ctrl-agent and kea-shell.
	if fo_agent_start s1 "$PORT"; then
		fo_ok "$tag: kea-ctrl-agent starts (127.0.0.1:$PORT in the server namespace)"
		fo_agent_cmd s1 '{"command": "failover-get", "service": ["dhcp4"]}' | tee -a "$OUT" >"$d/agent.json"
		fo_check "$tag: agent: failover-get answers a one-element list with rel1 and rel2" \
		    fo_jqe 'type == "array" and length == 1 and .[0].result == 0 and ([.[0].arguments.relationships[].name] == ["rel1", "rel2"])' "$d/agent.json"
		agent_same() {
			jq -S '.[0].arguments.relationships | map(del(.state))' "$d/agent.json" >"$d/a1"
			jq -S '.arguments.relationships | map(del(.state))' "$d/all.json" >"$d/a2"
			[ "$(cat "$d/a1")" != null ] && cmp -s "$d/a1" "$d/a2"
		}
		fo_check "$tag: agent: the same relationships' configuration as over the socket" agent_same
		fo_agent_cmd s1 '{"command": "failover-get", "service": ["dhcp4"], "arguments": {"name": "nope"}}' |
		    tee -a "$OUT" >"$d/agent-unknown.json"
		fo_check "$tag: agent: unknown name: result 3" fo_jqe '.[0].result == 3' "$d/agent-unknown.json"
		fo_agent_cmd s1 '{"command": "status-get", "service": ["dhcp4"]}' | tee -a "$OUT" >"$d/agent-status.json"
		fo_check "$tag: agent: status-get has a failover section" fo_jqe '.[0].arguments.failover != null' "$d/agent-status.json"
		fo_kea_shell s1 failover-get 2>&1 | tee -a "$OUT" >"$d/shell.json"
		fo_check "$tag: kea-shell failover-get: result 0 with rel1 and rel2" \
		    fo_jqe '.[0].result == 0 and ([.[0].arguments.relationships[].name] == ["rel1", "rel2"])' "$d/shell.json"
		fo_agent_stop s1
	else
		fo_not_ok "$tag: kea-ctrl-agent starts"; sed 's/^/#   /' "$FO_TMP/s1/agent.log" | tail -5
	fi
	fo_kea_stop s1

	fo_check "$tag: the shared secret is in no failover-get/status-get/agent/kea-shell output" \
	    fo_no_secret "$OUT" "$d"/[!c]*.json
	fo_check "$tag: the shared secret is in no log (kea-dhcp4, kea-ctrl-agent)" \
	    fo_no_secret "$FO_TMP"/s1/kea.*.log "$FO_TMP/s1/agent.log"
	fo_check "$tag: the shared secret is not in Kea's own config-get output either" \
	    fo_no_secret "$d/config-get.json"
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

# Kea >= 2.7: kea-dhcp4 serves the control API over HTTP itself (kea-ctrl-agent
# is deprecated from 3.0 on); the hook's commands answer through it as through the
# unix socket and the agent. Its answer is a one-element list, as the agent's.
http_socket() {
	HTTP_PORT=8014
	d="$FO_TMP/ans-http"; mkdir -p "$d"
	fo_kea_wipe s1
	fo_config_http s1 "$FO_TMP/ctl.json" "$FO_TMP/ctl-http.json" 127.0.0.1 "$HTTP_PORT"
	if ! fo_kea_start s1 "$FO_TMP/ctl-http.json" 0; then fo_not_ok "http: kea-dhcp4 starts with an http control socket"; return; fi
	post() { fo_http_cmd s1 "$1" | tee -a "$OUT"; }
	one() { jq '(if type == "array" then .[0] else . end)' "$1"; }
	post '{"command": "list-commands"}' >"$d/list.raw"; one "$d/list.raw" >"$d/list.json"
	fo_check "http: list-commands over kea-dhcp4's own http socket contains failover-get" \
	    fo_jqe '.result == 0 and (.arguments | index("failover-get") != null)' "$d/list.json"
	post '{"command": "failover-get"}' >"$d/all.raw"; one "$d/all.raw" >"$d/all.json"
	fo_check "http: failover-get: result 0, relationships rel1 and rel2, each with a state" rels "$d/all.json" "rel1 rel2"
	fo_check "http: failover-get validates against the YANG module" fo_yang_ok "$d/all.json"
	post '{"command": "failover-get", "arguments": {"name": "nope"}}' >"$d/unknown.raw"
	fo_check "http: failover-get unknown name: result 3" fo_jqe '(if type == "array" then .[0] else . end).result == 3' "$d/unknown.raw"
	post '{"command": "failover-get", "arguments": {"name": 5}}' >"$d/bad.raw"; one "$d/bad.raw" >"$d/bad.json"
	fo_check "http: failover-get {name: 5}: result 1, the text names 'name'" fo_says "$d/bad.json" 1 name
	post '{"command": "status-get"}' >"$d/status.raw"
	fo_check "http: status-get has a failover section" \
	    fo_jqe '(if type == "array" then .[0] else . end) | .result == 0 and .arguments.failover != null' "$d/status.raw"
	fo_kea_stop s1
	fo_check "http: the shared secret is in no answer over the http socket" fo_no_secret "$OUT" "$d"/*.json
}
if fo_kea_http; then
	http_socket
else
	echo "# kea-dhcp4 $("$KEA_DHCP4" -v 2>/dev/null): no http control socket of its own before Kea 2.7 (kea-ctrl-agent above)"
fi

fo_summary
