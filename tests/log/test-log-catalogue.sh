#!/bin/sh
# test-log-catalogue.sh - the log event table (engine/include/fo_log_events.def),
# docs/logging.md and every log call agree (tools/check_log_catalogue.py), and
# the doc's list is what tools/gen_messages.awk writes from the table today.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
python3 "$srcdir/tools/check_log_catalogue.py" "$srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
${AWK:-awk} -v out=md -f "$srcdir/tools/gen_messages.awk" "$srcdir/engine/include/fo_log_events.def" >"$tmp/want" || exit 1
sed '1,/^<!-- Generated from engine\/include\/fo_log_events.def/d' "$srcdir/docs/logging.md" >"$tmp/have"
if ! cmp -s "$tmp/want" "$tmp/have"; then
	echo "docs/logging.md's list differs from the table (make logging-doc rewrites it):"
	diff -u "$tmp/have" "$tmp/want" | head -40
	exit 1
fi
echo "docs/logging.md: $(grep -c '^### FAILOVER_' "$tmp/have") messages, as the table"
