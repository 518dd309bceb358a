#!/bin/sh
# test-live-config.sh - config-get and config-write show the relationships
# as they run (docs/commands.md, "The live set of relationships and
# relationships.json").
#
# One kea-dhcp4 (s1) with rel1 (enable-auth, a shared secret) over 10.0.0.0
# and two more subnets; the partner is absent. failover-add of rel2 (with a
# secret of its own): config-get shows rel1 and rel2 with no secret;
# failover-set changes it there; config-reload keeps the change. config-write
# writes both secrets; kea-dhcp4 stopped and started from the written file
# (nothing removed): failover-get is what it was (every setting of both
# relationships) and the relationships file, redundant now, is gone. The
# same after failover-remove. kill -9 after a change and a start from the
# same file: the change is back (from the relationships file). A start from
# an edited configuration: the configuration wins, the file is kept aside.
# The secrets are in no answer and no log. With multi-threading off and on
# (FO_MT_LIST).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 200
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

SECRET1="fo-live-one-$$-Kp4x"
SECRET2="fo-live-two-$$-Wd7q"
FO_SECRETS="$SECRET1 $SECRET2"
OUT="$FO_TMP/all-output.txt"
: >"$OUT"

# c COMMAND ARGS_JSON: over the unix socket; every answer kept for the secret check.
c() {
	fo_kea_cmd s1 "$(jq -cn --arg c "$1" --argjson a "$2" '{"command": $c, "service": ["dhcp4"], "arguments": $a}')" |
	    tee -a "$OUT"
}
# The hook's parameters in a config-get answer or a configuration file.
PARAMS='(.arguments // .) | .Dhcp4["hooks-libraries"][] | select(.library | test("libdhcp_failover")) | .parameters'
# rels FILE: the relationships of a failover-get answer without their state.
rels() { jq -S '[.arguments.relationships[] | del(.state)]' "$1"; }
# shown_is FILE GET: config-get FILE shows the relationships of failover-get GET, no secret.
shown_is() {
	jq -S "[$PARAMS | .relationships[]]" "$1" >"$1.rels" && rels "$2" >"$2.rels" &&
	    cmp -s "$1.rels" "$2.rels" || { diff "$1.rels" "$2.rels" | head -8 | sed 's/^/#   /'; return 1; }
}
no_secret_member() { ! jq -e "[$PARAMS | .relationships[] | has(\"shared-secret\")] | any" "$1" >/dev/null; }
same_rels() { cmp -s "$1.rels" "$2.rels" || { diff "$1.rels" "$2.rels" | head -8 | sed 's/^/#   /'; return 1; }; }

REL2=$(jq -cn --arg s "$SECRET2" '{"name": "rel2", "partner-server": "10.0.0.2", "local-address": "10.0.0.1",
       "local-port": 6471, "partner-port": 6471, "server-type": "secondary", "mode": "hot-standby",
       "server-role": "standby", "reserve-percent": 15, "scope-id": ["10.1.0.0"],
       "max-client-lead-time": 900, "enable-auth": true, "shared-secret": $s}')

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_kea_wipe s1
	d="$FO_TMP/ans-$mt"; mkdir -p "$d"
	LIVE="$FO_TMP/s1/state/relationships.json"
	fo_config s1 "$d/original.json" "$(jq -cn --arg s "$SECRET1" '{"enable-auth": true, "shared-secret": $s}')" \
	    '{"subnet4": [
	    {"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]},
	    {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.99"}]},
	    {"id": 3, "subnet": "10.2.0.0/16", "pools": [{"pool": "10.2.1.0 - 10.2.1.49"}]}]}'
	if ! fo_kea_start s1 "$d/original.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi

	# failover-add: config-get shows it, without the secrets.
	c failover-add "$REL2" >"$d/add.json"
	fo_check "$tag: failover-add rel2 (enable-auth, a secret): result 0" fo_result_is "$d/add.json" 0
	c failover-get '{}' >"$d/get-1.json"
	c config-get '{}' >"$d/cg-1.json"
	fo_check "$tag: config-get after failover-add: the hook's parameters are rel1 and rel2 as failover-get shows them" \
	    shown_is "$d/cg-1.json" "$d/get-1.json"
	fo_check "$tag: ... with no shared-secret member" no_secret_member "$d/cg-1.json"
	fo_check "$tag: ... rel2 has the given mode, role, reserve, MCLT and auth" \
	    fo_jqe "$PARAMS | .relationships[1] | .name == \"rel2\" and .mode == \"hot-standby\" and
	        .[\"server-role\"] == \"standby\" and .[\"reserve-percent\"] == 15 and
	        .[\"max-client-lead-time\"] == 900 and .[\"enable-auth\"] == true" "$d/cg-1.json"

	# failover-set: config-get follows.
	c failover-set '{"name": "rel2", "max-client-lead-time": 1200, "mode": "load-balance", "load-balance-percent": 30}' >"$d/set.json"
	fo_check "$tag: failover-set rel2 MCLT 1200, load-balance 30 %: result 0" fo_result_is "$d/set.json" 0
	c failover-get '{}' >"$d/get-2.json"
	c config-get '{}' >"$d/cg-2.json"
	fo_check "$tag: config-get after failover-set shows the change" \
	    fo_jqe "$PARAMS | .relationships[1] | .[\"max-client-lead-time\"] == 1200 and .mode == \"load-balance\" and
	        .[\"load-balance-percent\"] == 30 and (has(\"server-role\") | not)" "$d/cg-2.json"
	fo_check "$tag: ... and equals failover-get" shown_is "$d/cg-2.json" "$d/get-2.json"

	# config-reload (the original file, for which the relationships file was made): the change stays.
	c config-reload '{}' >"$d/reload.json"
	fo_check "$tag: config-reload: result 0" fo_result_is "$d/reload.json" 0
	c failover-get '{}' >"$d/get-3.json"
	rels "$d/get-2.json" >"$d/get-2.json.rels"; rels "$d/get-3.json" >"$d/get-3.json.rels"
	fo_check "$tag: after config-reload failover-get is unchanged (rel1, rel2 with MCLT 1200)" \
	    same_rels "$d/get-2.json" "$d/get-3.json"
	c config-get '{}' >"$d/cg-3.json"
	fo_check "$tag: ... and config-get still shows it" shown_is "$d/cg-3.json" "$d/get-3.json"

	# config-write; stop; start from the written file, nothing removed.
	c config-write "$(jq -cn --arg f "$FO_TMP/s1/kea-dhcp4.json" '{"filename": $f}')" >"$d/write.json"
	fo_check "$tag: config-write: result 0" fo_result_is "$d/write.json" 0
	cp "$FO_TMP/s1/kea-dhcp4.json" "$d/written.json"
	fo_check "$tag: the written configuration has both relationships with both secrets (a restart needs them)" \
	    fo_jqe --arg a "$SECRET1" --arg b "$SECRET2" "[$PARAMS | .relationships[] | .[\"shared-secret\"]] == [\$a, \$b]" "$d/written.json"
	fo_kea_stop s1
	fo_check "$tag: the relationships file is still there after the stop" test -f "$LIVE"
	if fo_kea_start s1 "$d/written.json" "$mt"; then
		c failover-get '{}' >"$d/get-4.json"
		rels "$d/get-4.json" >"$d/get-4.json.rels"
		fo_check "$tag: started from the written file: failover-get identical (every setting of rel1 and rel2)" \
		    same_rels "$d/get-3.json" "$d/get-4.json"
		fo_check "$tag: ... the relationships file, redundant, is removed (logged)" \
		    sh -c "[ ! -e '$LIVE' ] && grep -q FAILOVER_RELFILE_MATCHES_PARAMETERS '$FO_LOG_s1'"
		c config-get '{}' >"$d/cg-4.json"
		fo_check "$tag: ... config-get shows the same" shown_is "$d/cg-4.json" "$d/get-4.json"
	else
		fo_not_ok "$tag: kea-dhcp4 starts from the written configuration"
	fi

	# failover-remove; config-write; restart from it.
	c failover-remove '{"name": "rel2"}' >"$d/rm.json"
	fo_check "$tag: failover-remove rel2: result 0" fo_result_is "$d/rm.json" 0
	c config-get '{}' >"$d/cg-5.json"
	fo_check "$tag: config-get after failover-remove: rel1 only" \
	    fo_jqe "[$PARAMS | .relationships[].name] == [\"rel1\"]" "$d/cg-5.json"
	c failover-get '{}' >"$d/get-5.json"
	rels "$d/get-5.json" >"$d/get-5.json.rels"
	c config-write "$(jq -cn --arg f "$FO_TMP/s1/kea-dhcp4.json" '{"filename": $f}')" >"$d/write-2.json"
	cp "$FO_TMP/s1/kea-dhcp4.json" "$d/written-2.json"
	fo_kea_stop s1
	if fo_kea_start s1 "$d/written-2.json" "$mt"; then
		c failover-get '{}' >"$d/get-6.json"
		rels "$d/get-6.json" >"$d/get-6.json.rels"
		fo_check "$tag: started from the file written after the removal: failover-get identical (rel1 only)" \
		    same_rels "$d/get-5.json" "$d/get-6.json"
	else
		fo_not_ok "$tag: kea-dhcp4 starts from the configuration written after the removal"
	fi

	# A change, kill -9, a start from the same file: the change is back.
	c failover-set '{"name": "rel1", "max-client-lead-time": 700}' >"$d/set-2.json"
	c failover-get '{}' >"$d/get-7.json"
	rels "$d/get-7.json" >"$d/get-7.json.rels"
	fo_kea_kill9 s1
	if fo_kea_start s1 "$d/written-2.json" "$mt"; then
		c failover-get '{}' >"$d/get-8.json"
		rels "$d/get-8.json" >"$d/get-8.json.rels"
		fo_check "$tag: kill -9 after failover-set, start from the same file: failover-get as before the kill" \
		    same_rels "$d/get-7.json" "$d/get-8.json"
		fo_check "$tag: ... with the change (rel1's MCLT 700)" \
		    fo_jqe '.arguments.relationships[0]["max-client-lead-time"] == 700' "$d/get-8.json"
		fo_check "$tag: ... logged: the relationships file replaces the parameters" \
		    fo_wait_log "$FO_LOG_s1" "FAILOVER_RELFILE_REPLACES_PARAMETERS" 1
		c config-get '{}' >"$d/cg-8.json"
		fo_check "$tag: ... config-get shows MCLT 700" shown_is "$d/cg-8.json" "$d/get-8.json"
	else
		fo_not_ok "$tag: kea-dhcp4 starts after kill -9"
	fi

	# The configuration edited since: it wins, the file is kept aside.
	fo_kea_stop s1
	jq "($PARAMS | .relationships[0][\"max-client-lead-time\"]) = 800" "$d/written-2.json" >"$d/edited.json"
	if fo_kea_start s1 "$d/edited.json" "$mt"; then
		c failover-get '{}' >"$d/get-9.json"
		fo_check "$tag: started from an edited configuration (MCLT 800): the configuration wins" \
		    fo_jqe '.arguments.relationships[0]["max-client-lead-time"] == 800' "$d/get-9.json"
		fo_check "$tag: ... the relationships file is kept aside as relationships.json.superseded (logged)" \
		    sh -c "[ ! -e '$LIVE' ] && [ -f '$LIVE.superseded' ] && grep -q FAILOVER_RELFILE_SUPERSEDED '$FO_LOG_s1'"
		fo_kea_stop s1
	else
		fo_not_ok "$tag: kea-dhcp4 starts from the edited configuration"
	fi
	rm -f "$LIVE.superseded"

	fo_check "$tag: the shared secrets are in no answer" fo_no_secret "$OUT" "$d"/get-*.json "$d"/cg-*.json
	fo_check "$tag: the shared secrets are in no log" fo_no_secret "$FO_TMP"/s1/kea.*.log
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

fo_summary
