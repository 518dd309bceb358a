#!/bin/sh
# test-utf8.sh - text in any language, end to end (docs/configuration.md,
# "Text in any language").
#
# A pair (s1 primary, s2 secondary) whose relationship is named
# "Zürich-Süd", with Greek server names and a shared secret in Cyrillic,
# Chinese and an emoji, authentication on: both reach Normal (the name
# travels in CONNECT, the secret's UTF-8 bytes key the HMAC). Then on both
# partners, failover-add adds relationships named in Greek, Cyrillic,
# Chinese, with an emoji (a character beyond U+FFFF) and with 63 x "é"
# (126 bytes, the most); each reaches Normal, is listed with its name,
# addressed by failover-get, -set, -partner-down (refused in Normal: it was
# found) and -remove; the relationships file holds the names as UTF-8 and
# a restart of s1 reads them back. Text that is not UTF-8 is refused
# naming its leaf, by failover-add and by `kea-dhcp4 -t`.
#
# Kea's JSON writer sends every byte >= 0x7f of a string as \u00XX (one
# escape per byte, not per character): the answers are read with
# python (utf8_answer) that turns those escapes back into bytes.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 280
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

ZURICH="Zürich-Süd"
SECRET="секрет 東京 😀 $$"
FO_SECRETS="секрет"
E63=$(printf 'é%.0s' $(seq 63))
# name local-port scope: the relationships added at run time.
ADDED="Αθήνα:6471:10.1.0.0 Москва:6472:10.2.0.0 東京:6473:10.3.0.0 🚀-launch:6474:10.4.0.0 $E63:6475:10.5.0.0"
OUT="$FO_TMP/all-output.txt"
: >"$OUT"

D4='{"subnet4": [
  {"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.99"}]},
  {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.9"}]},
  {"id": 3, "subnet": "10.2.0.0/16", "pools": [{"pool": "10.2.1.0 - 10.2.1.9"}]},
  {"id": 4, "subnet": "10.3.0.0/16", "pools": [{"pool": "10.3.1.0 - 10.3.1.9"}]},
  {"id": 5, "subnet": "10.4.0.0/16", "pools": [{"pool": "10.4.1.0 - 10.4.1.9"}]},
  {"id": 6, "subnet": "10.5.0.0/16", "pools": [{"pool": "10.5.1.0 - 10.5.1.9"}]}]}'

# utf8_answer: Kea's answer on stdin with its \u00XX byte escapes made
# bytes again, as UTF-8 JSON on stdout (fails on text that is not UTF-8).
utf8_answer() {
	"$PYTHON" -c '
import json, sys
def fix(v):
    if isinstance(v, str):
        return v.encode("latin-1").decode("utf-8")
    if isinstance(v, list):
        return [fix(x) for x in v]
    if isinstance(v, dict):
        return {fix(k): fix(x) for k, x in v.items()}
    return v
print(json.dumps(fix(json.load(sys.stdin)), ensure_ascii=False))'
}
# c SERVER COMMAND ARGS_JSON: the answer, UTF-8, kept for the secret check.
c() {
	fo_kea_cmd "$1" "$(jq -cn --arg c "$2" --argjson a "$3" '{"command": $c, "service": ["dhcp4"], "arguments": $a}')" |
	    tee -a "$OUT" | utf8_answer
}
names_are() {
	_got=$(jq -r '[.arguments.relationships[].name] | join(" ")' "$1" 2>/dev/null)
	[ "$_got" = "$2" ] || { echo "#   names: '$_got', want '$2'"; return 1; }
}
name_is() { fo_jqe --arg n "$2" '.result == 0 and .arguments.relationships[0].name == $n' "$1" ||
	{ echo "#   $(head -c 300 "$1")"; return 1; }; }
label() { if [ "$1" = "$E63" ]; then echo "63 x é"; else echo "$1"; fi; }
wait_normal() { fo_wait_state s1 "$1" Normal "$2" Normal && fo_wait_state s2 "$1" Normal 20 Normal; }

rel_of() {      # rel_of SERVER NAME PORT SCOPE: a relationship's JSON for failover-add
	_t=primary _p=$FO_IP_s2 _l=$FO_IP_s1
	[ "$1" = s2 ] && { _t=secondary; _p=$FO_IP_s1; _l=$FO_IP_s2; }
	jq -cn --arg n "$2" --argjson port "$3" --arg s "$4" --arg t "$_t" --arg p "$_p" --arg l "$_l" \
	    --arg k "$SECRET" '{"name": $n, "server-type": $t, "partner-server": $p, "local-address": $l,
	      "local-port": $port, "partner-port": $port, "scope-id": [$s], "max-client-lead-time": 30,
	      "max-response-delay": 6, "server-name": ("Ἀθηνᾶ " + $t), "enable-auth": true, "shared-secret": $k}'
}

d="$FO_TMP/ans"; mkdir -p "$d"
for s in s1 s2; do
	g=Αθήνα-1; [ $s = s2 ] && g=Αθήνα-2
	fo_pair_config $s "$FO_TMP/$s.json" "$(jq -cn --arg n "$ZURICH" --arg g "$g" --arg k "$SECRET" \
	    '{"name": $n, "server-name": $g, "enable-auth": true, "shared-secret": $k}')" "$D4"
done
if ! fo_pair_start 0 "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then
	fo_not_ok "both servers start"; fo_summary; exit 1
fi

fo_check "'$ZURICH' with a secret in Cyrillic, Chinese and an emoji, HMAC on: both reach Normal" \
    wait_normal "$ZURICH" 60
c s1 failover-get '{}' >"$d/get.json"
fo_check "failover-get lists the configured name as its UTF-8 ('$ZURICH')" names_are "$d/get.json" "$ZURICH"
fo_check "... with the server name in Greek (Αθήνα-1) and auth on" \
    fo_jqe '.arguments.relationships[0] | .["server-name"] == "Αθήνα-1" and .["enable-auth"] == true' "$d/get.json"
c s2 failover-get "$(jq -cn --arg n "$ZURICH" '{"name": $n}')" >"$d/get-s2.json"
fo_check "s2: failover-get {name: '$ZURICH'} finds it" name_is "$d/get-s2.json" "$ZURICH"

# failover-add on both partners, one relationship per script.
for e in $ADDED; do
	n=${e%%:*} rest=${e#*:}; port=${rest%%:*} scope=${rest#*:}
	for s in s1 s2; do
		c $s failover-add "$(rel_of $s "$n" "$port" "$scope")" >"$d/add.$s.$port.json"
		fo_check "$s: failover-add '$(label "$n")': result 0, the answer shows the name" \
		    name_is "$d/add.$s.$port.json" "$n"
	done
done
for e in $ADDED; do
	n=${e%%:*}
	fo_check "'$(label "$n")': both partners reach Normal (its name in CONNECT)" wait_normal "$n" 40
done
c s1 failover-get '{}' >"$d/get-all.json"
ALL="$ZURICH"; for e in $ADDED; do ALL="$ALL ${e%%:*}"; done
fo_check "failover-get lists all six names in order" names_are "$d/get-all.json" "$ALL"
fo_check "relationships.json holds the names as UTF-8" \
    grep -q -F -e "\"name\":\"Москва\"" "$FO_TMP/s1/state/relationships.json"

# partner-down first: every relationship is in Normal now (failover-set
# re-establishes the connections).
for e in $ADDED; do
	n=${e%%:*}
	c s1 failover-partner-down "$(jq -cn --arg n "$n" '{"name": $n}')" >"$d/pd.json"
	fo_check "failover-partner-down '$(label "$n")' in Normal: found (result 1, 'is in Normal'), not unknown" \
	    fo_jqe '.result == 1 and (.text | contains("is in Normal"))' "$d/pd.json"
done
for e in $ADDED; do
	n=${e%%:*}
	for s in s1 s2; do
		c $s failover-set "$(jq -cn --arg n "$n" '{"name": $n, "max-unacked-updates": 20}')" >"$d/set.json"
		fo_check "$s: failover-set '$(label "$n")': result 0" \
		    fo_jqe '.result == 0 and .arguments.relationships[0]["max-unacked-updates"] == 20' "$d/set.json"
	done
done

# A restart of s1 reads the names back from the relationships file.
fo_kea_stop s1
fo_kea_start s1 "$FO_TMP/s1.json" 0 || fo_not_ok "s1 restarts"
c s1 failover-get '{}' >"$d/get-restart.json"
fo_check "after a restart of s1: the same six names" names_are "$d/get-restart.json" "$ALL"
fo_check "after the restart: '$ZURICH' reaches Normal again" wait_normal "$ZURICH" 60
fo_check "after the restart: '🚀-launch' reaches Normal again" wait_normal "🚀-launch" 40

for s in s1 s2; do
	c $s failover-remove "$(jq -cn --arg n "🚀-launch" '{"name": $n}')" >"$d/rm.json"
	fo_check "$s: failover-remove '🚀-launch': result 0" fo_result_is "$d/rm.json" 0
	c $s failover-remove "$(jq -cn --arg n "$E63" '{"name": $n}')" >"$d/rm.json"
	fo_check "$s: failover-remove the 63 x 'é' name: result 0" fo_result_is "$d/rm.json" 0
done
c s1 failover-get "$(jq -cn '{"name": "🚀-launch"}')" >"$d/get-gone.json"
fo_check "failover-get '🚀-launch' after the remove: result 3" fo_result_is "$d/get-gone.json" 3

# Not UTF-8: Kea passes the bytes on; the hook names the leaf.
printf '{"command": "failover-add", "arguments": {"name": "s\377", "server-type": "primary",
  "partner-server": "10.0.0.2", "local-port": 6479, "scope-id": ["10.4.0.0"]}}' >"$d/bad-cmd"
fo_kea_cmd s1 "$(cat "$d/bad-cmd")" >"$d/bad.json"
fo_check "failover-add with a name that is not UTF-8: result 1, '/name: not valid UTF-8'" \
    fo_says "$d/bad.json" 1 "/name: not valid UTF-8 (byte 2)"
jq '.Dhcp4["hooks-libraries"][1].parameters.relationships[0]["server-name"] = "@BAD@"
    | .Dhcp4["interfaces-config"].interfaces = ["lo"]' "$FO_TMP/s1.json" |
    sed 's/@BAD@/kea-\xc3(/' >"$FO_TMP/bad-t.json"
fo_env_t() { env KEA_PIDFILE_DIR="$FO_TMP/s1/run" KEA_LOCKFILE_DIR="$FO_TMP/s1/run" $(fo_kea_dirs "$FO_TMP/s1") "$KEA_DHCP4" -t "$1"; }
t_accepts() { fo_env_t "$1" >"$FO_TMP/t-good.out" 2>&1 || { sed 's/^/#   /' "$FO_TMP/t-good.out" | grep -E 'ERROR|FATAL' | head -3; return 1; }; }
fo_env_t "$FO_TMP/bad-t.json" >"$FO_TMP/t.out" 2>&1
fo_check "kea-dhcp4 -t refuses a server-name that is not UTF-8, naming the leaf" \
    grep -q -F "relationships[name='$ZURICH']/server-name: not valid UTF-8 (byte 5)" "$FO_TMP/t.out"
jq '.Dhcp4["interfaces-config"].interfaces = ["lo"]' "$FO_TMP/s1.json" >"$FO_TMP/good-t.json"
fo_check "kea-dhcp4 -t accepts the UTF-8 configuration" t_accepts "$FO_TMP/good-t.json"

fo_check "the shared secret is in no answer" fo_no_secret "$d"/*.json
fo_kea_stop s1
fo_kea_stop s2
fo_check "the shared secret is in no log" fo_no_secret "$FO_TMP"/s1/kea.*.log "$FO_TMP"/s2/kea.*.log
fo_summary
