#!/bin/sh
# run-yanglint.sh - check the YANG module, the documented examples and the
# invalid documents with yanglint (libyang 2.1, 3.x or 6.x).
#
#  1. the module must compile with no error and no warning;
#  2. each docs/examples/*.json is a kea-dhcp4 configuration: the failover
#     hook's "parameters" are extracted with jq, wrapped as
#     {"kea-dhcp-failover:failover": ...} and must validate as config data;
#  3. each tests/yang/bad/NAME.json must be rejected, with a fragment of
#     NAME.expect (one a line: libyang's wording varies) in yanglint's message;
#  4. when kea-dhcp4 is installed, each example passes `kea-dhcp4 -t` with its
#     interfaces replaced by "lo" and @HOOKSDIR@/libdhcp_failover.so replaced
#     by $FAILOVER_HOOK or $FO_HOOK (the built library, when that file exists)
#     or, without one, with the hook's entry removed;
#  5. docs/configuration.md's tree has the module's nodes (yanglint -f tree).
#
# Prints one "ok"/"not ok" line per check, then "N passed, M failed"; exits
# non-zero on any failure. Works from any directory: the tree is $srcdir
# when set (automake), else two levels above this script.
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${srcdir:-}" ] && [ -f "$srcdir/yang/kea-dhcp-failover@2026-11-21.yang" ]; then
	top=$srcdir
else
	top=$here/../..
fi
module=$top/yang/kea-dhcp-failover@2026-11-21.yang
YANGLINT=${YANGLINT:-yanglint}
JQ=${JQ:-jq}
passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-yanglint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	[ -s "$tmp/out" ] && sed 's/^/#   /' "$tmp/out"
}

for tool in "$YANGLINT" "$JQ"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "not ok - $tool is not installed"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# 1. The module: accepted, and nothing printed (warnings included).
if "$YANGLINT" "$module" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]; then
	ok "module $(basename "$module")"
else
	not_ok "module $(basename "$module")"
fi

# 2. The examples' failover parameters are valid configuration data.
for ex in "$top"/docs/examples/*.json; do
	[ -f "$ex" ] || continue
	name=examples/$(basename "$ex")
	data=$tmp/$(basename "$ex")
	if ! "$JQ" -e '{"kea-dhcp-failover:failover":
	    ([.Dhcp4["hooks-libraries"][] | select(.library | test("libdhcp_failover"))
	      | .parameters] | if length == 1 then .[0] else error("want one failover hook") end)}' \
	    "$ex" >"$data" 2>"$tmp/out"; then
		not_ok "$name: failover parameters not found"
		continue
	fi
	if "$YANGLINT" -t config "$module" "$data" >"$tmp/out" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
	fi
done

# 3. The invalid documents are rejected for the expected reason.
for bad in "$top"/tests/yang/bad/*.json; do
	[ -f "$bad" ] || continue
	name=bad/$(basename "$bad")
	expect_file=${bad%.json}.expect
	if [ ! -f "$expect_file" ]; then
		: >"$tmp/out"
		not_ok "$name: no $(basename "$expect_file")"
		continue
	fi
	# One fragment a line: libyang words some errors differently from
	# version to version (2.1, 3.x, 6.x); one of them must be in the message.
	expect=$(grep -v '^$' "$expect_file" | paste -s -d '|')
	if "$YANGLINT" -t config "$module" "$bad" >"$tmp/out" 2>&1; then
		not_ok "$name: accepted"
	elif grep -v '^$' "$expect_file" | grep -F -q -f - "$tmp/out"; then
		ok "$name: $expect"
	else
		not_ok "$name: message lacks \"$expect\""
	fi
done

# 4. The examples are valid kea-dhcp4 configurations.
KEA_DHCP4=${KEA_DHCP4:-kea-dhcp4}
hook_lib=${FAILOVER_HOOK:-}
if [ -z "$hook_lib" ] && [ -n "${FO_HOOK:-}" ] && [ -f "$FO_HOOK" ]; then
	hook_lib=$FO_HOOK
fi
# Kea 2.6.3 and 3.0 load hooks only from their hooks directory or from
# KEA_HOOKS_PATH: the built hook is linked into a directory of our own.
if [ -n "$hook_lib" ]; then
	mkdir -p "$tmp/hooks" && ln -sf "$hook_lib" "$tmp/hooks/libdhcp_failover.so" &&
	    hook_lib=$tmp/hooks/libdhcp_failover.so
	export KEA_HOOKS_PATH="$tmp/hooks"
fi
# 5. docs/configuration.md shows the module's tree: the same nodes as
# `yanglint -f tree` (names only: the layout differs between libyang versions).
nodes() { sed -n 's/^.*+--[rwox-]* \([A-Za-z0-9_:-]*\).*$/\1/p' | sort -u; }
if "$YANGLINT" -f tree "$module" 2>"$tmp/out" | nodes >"$tmp/want" &&
    sed -n '/^```$/,/^```$/p' "$top/docs/configuration.md" |
    sed -n '/^module: kea-dhcp-failover/,/^```$/p' | nodes >"$tmp/have" &&
    [ -s "$tmp/want" ] && diff "$tmp/have" "$tmp/want" >"$tmp/out"; then
	ok "docs/configuration.md's tree has the module's $(wc -l <"$tmp/want") nodes"
else
	not_ok "docs/configuration.md's tree differs from yanglint -f tree (< doc, > module)"
fi

if command -v "$KEA_DHCP4" >/dev/null 2>&1; then
	for ex in "$top"/docs/examples/*.json; do
		[ -f "$ex" ] || continue
		name=examples/$(basename "$ex")
		conf=$tmp/kea-$(basename "$ex")
		if [ -n "$hook_lib" ]; then
			hook="hook $hook_lib"
			filter='.Dhcp4["interfaces-config"].interfaces = ["lo"]
			    | .Dhcp4["hooks-libraries"] |= map(.library |=
			      sub("@HOOKSDIR@/libdhcp_failover.so"; $lib))'
		else
			hook="without the hook"
			filter='.Dhcp4["interfaces-config"].interfaces = ["lo"]
			    | .Dhcp4["hooks-libraries"] |= map(select(.library
			      | test("libdhcp_failover") | not))'
		fi
		if ! "$JQ" --arg lib "$hook_lib" "$filter" "$ex" >"$conf" 2>"$tmp/out"; then
			not_ok "kea-dhcp4 -t $name: jq failed"
		elif "$KEA_DHCP4" -t "$conf" >"$tmp/out" 2>&1; then
			ok "kea-dhcp4 -t $name ($hook)"
		else
			not_ok "kea-dhcp4 -t $name ($hook)"
		fi
	done
else
	echo "ok - kea-dhcp4 -t skipped: $KEA_DHCP4 not installed # SKIP"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
