# gen_messages.awk - the log event table (engine/include/fo_log_events.def)
# into what Kea's kea-msg-compiler would read and write, and the doc's list.
#
#   awk -v out=mes -f tools/gen_messages.awk fo_log_events.def   Kea's catalogue
#   awk -v out=h   ...                                          MessageID declarations
#   awk -v out=cc  ...                                          definitions + MessageInitializer
#   awk -v out=md  ...                                          docs/logging.md's list
#
# The table's layout (fo_log_events.def says it): an entry starts with
# FO_LOG_EVENT(NAME, SEVERITY, at the start of a line; then one string
# literal a line: the text (ending in ",") and the explanation (the last
# ending in ")"). Anything else (the comment on top) is skipped.
# POSIX awk, no dependency beyond it (Debian's kea-dev has no kea-msg-compiler).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

function literal(line,    s) {
	s = line
	sub(/^[ \t]*"/, "", s)
	sub(/"[ \t]*[,)]?[ \t]*$/, "", s)
	return s
}

function unescape(s,    r, i, c) {
	r = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" && i < length(s)) {
			i++
			c = substr(s, i, 1)
		}
		r = r c
	}
	return r
}

# Words of s in lines of at most 72 columns.
function wrap(s,    n, w, i, line, r) {
	n = split(s, w, / +/)
	line = ""
	r = ""
	for (i = 1; i <= n; i++) {
		if (w[i] == "")
			continue
		if (line != "" && length(line) + 1 + length(w[i]) > 72) {
			r = r line "\n"
			line = w[i]
		} else {
			line = line == "" ? w[i] : line " " w[i]
		}
	}
	return r line "\n"
}

function severity(s) {
	if (s == "DEBUG")
		return "DEBUG (debuglevel 40, DBGLVL_TRACE_BASIC)"
	if (s == "DEBUG_DETAIL")
		return "DEBUG (debuglevel 50, DBGLVL_TRACE_DETAIL)"
	return s
}

# The MessageID of every entry in namespace kea_failover: declared, or defined (def).
function ids(def,    i) {
	print "namespace kea_failover {"
	print ""
	for (i = 1; i <= n; i++)
		print "extern const isc::log::MessageID FAILOVER_" name[i] \
		    (def ? " = \"FAILOVER_" name[i] "\"" : "") ";"
	print ""
	print "} // namespace kea_failover"
}

BEGIN { n = 0; state = 0 }

/^FO_LOG_EVENT\(/ {
	s = $0
	sub(/^FO_LOG_EVENT\([ \t]*/, "", s)
	split(s, f, /[ \t]*,[ \t]*/)
	n++
	name[n] = f[1]
	sev[n] = f[2]
	raw[n] = ""
	expl[n] = ""
	state = 1
	next
}

state == 1 && /^[ \t]*"/ {
	raw[n] = literal($0)
	state = 2
	if ($0 ~ /\)[ \t]*$/)
		state = 0
	next
}

state == 2 && /^[ \t]*"/ {
	expl[n] = expl[n] literal($0)
	if ($0 ~ /\)[ \t]*$/)
		state = 0
	next
}

END {
	src = "engine/include/fo_log_events.def"
	if (out == "mes") {
		print "# failover_messages.mes - the failover hook's log messages, Kea's catalogue format."
		print "# Generated from " src " by tools/gen_messages.awk: do not edit."
		print ""
		print "$NAMESPACE kea_failover"
		for (i = 1; i <= n; i++) {
			print ""
			print "% FAILOVER_" name[i] " " unescape(raw[i])
			printf "%s", wrap(unescape(expl[i]))
		}
	} else if (out == "h") {
		print "// Generated from " src " by tools/gen_messages.awk: do not edit."
		print "#ifndef FAILOVER_MESSAGES_H"
		print "#define FAILOVER_MESSAGES_H"
		print ""
		print "#include <log/message_types.h>"
		print ""
		ids(0)
		print ""
		print "#endif // FAILOVER_MESSAGES_H"
	} else if (out == "cc") {
		print "// Generated from " src " by tools/gen_messages.awk: do not edit."
		print "#include \"kea_compat.h\"  // first: Kea 3.0 wants its config.h before its headers"
		print ""
		print "#include <cstddef>"
		print "#include <log/message_types.h>"
		print "#include <log/message_initializer.h>"
		print ""
		ids(1)
		print ""
		print "namespace {"
		print ""
		print "const char* values[] = {"
		for (i = 1; i <= n; i++)
			print "    \"FAILOVER_" name[i] "\", \"" raw[i] "\","
		print "    NULL"
		print "};"
		print ""
		print "const isc::log::MessageInitializer initializer(values);"
		print ""
		print "} // Anonymous namespace"
	} else if (out == "md") {
		for (i = 1; i <= n; i++) {
			print ""
			print "### FAILOVER_" name[i]
			print ""
			print severity(sev[i]) ": `" unescape(raw[i]) "`"
			print ""
			printf "%s", wrap(unescape(expl[i]))
		}
	} else {
		print "gen_messages.awk: out must be mes, h, cc or md" > "/dev/stderr"
		exit 2
	}
}
