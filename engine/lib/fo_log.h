/*
 * fo_log.h - the engine's one log helper: an event of fo_log_events.def and
 * its arguments, through the host's log callback (fo_host.log).
 *
 *     fo_log(host, FO_EVT_STATE_CHANGED, FO_S(name), FO_S(from), FO_S(to), FO_S(why));
 *
 * One argument per placeholder of the event's text, in order (%1 first);
 * tests/log/test-log-catalogue.sh checks the count at every call. Strings
 * are passed as they are (NULL logs as "(null)"), numbers are formatted in
 * decimal. A host without a log callback costs nothing but the call.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_LOG_H
#define FO_LOG_H

#include "fo_host.h"

/* The most placeholders an event has: Kea's formatter would take %1 for the start of %10. */
#define FO_LOG_ARGS_MAX 9

typedef struct fo_log_arg {
	const char *s;                  /* a string */
	unsigned long long u;           /* or a number */
	bool num;
} fo_log_arg;

#define FO_S(x) ((fo_log_arg){ .s = (x) })
#define FO_U(x) ((fo_log_arg){ .u = (unsigned long long)(x), .num = true })

/* Log event id with n arguments (the fo_log() macro counts them). */
void fo_log_args(const fo_host *h, fo_log_id id, size_t n, const fo_log_arg *args);

#define fo_log(h, id, ...) fo_log_args((h), (id), \
    sizeof((fo_log_arg[]){ __VA_ARGS__ }) / sizeof(fo_log_arg), (fo_log_arg[]){ __VA_ARGS__ })

/* "FAILOVER_<NAME>", its severity and its text with the placeholders (NULL: no such id). */
const char *fo_log_id_name(fo_log_id id);
fo_log_level fo_log_id_level(fo_log_id id);
const char *fo_log_id_text(fo_log_id id);

/*
 * "FAILOVER_<NAME> text" with %1.. replaced by args, into out (truncated to
 * outlen): what Kea would log after its severity. For tests and tools.
 */
void fo_log_format(fo_log_id id, const char *const *args, size_t nargs, char *out,
    size_t outlen);

#endif /* FO_LOG_H */
