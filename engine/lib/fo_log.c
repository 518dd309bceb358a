/*
 * fo_log.c - the engine's log helper and the event table's names and texts.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <string.h>

#include "fo_log.h"

static const struct {
	const char *name;
	fo_log_level level;
	const char *text;
} events[] = {
#define FO_LOG_EVENT(name, severity, text, explanation) \
	{ "FAILOVER_" #name, FO_LOG_##severity, text },
#include "fo_log_events.def"
#undef FO_LOG_EVENT
};

const char *
fo_log_id_name(fo_log_id id)
{
	return (unsigned)id < FO_LOG_ID_COUNT ? events[id].name : NULL;
}

fo_log_level
fo_log_id_level(fo_log_id id)
{
	return (unsigned)id < FO_LOG_ID_COUNT ? events[id].level : FO_LOG_ERROR;
}

const char *
fo_log_id_text(fo_log_id id)
{
	return (unsigned)id < FO_LOG_ID_COUNT ? events[id].text : NULL;
}

void
fo_log_args(const fo_host *h, fo_log_id id, size_t n, const fo_log_arg *args)
{
	char num[FO_LOG_ARGS_MAX][24];
	const char *argv[FO_LOG_ARGS_MAX];

	if (h == NULL || h->log == NULL)
		return;
	if (n > FO_LOG_ARGS_MAX)
		n = FO_LOG_ARGS_MAX;
	for (size_t i = 0; i < n; i++) {
		if (!args[i].num) {
			argv[i] = args[i].s != NULL ? args[i].s : "(null)";
			continue;
		}
		snprintf(num[i], sizeof(num[i]), "%llu", args[i].u);
		argv[i] = num[i];
	}
	h->log(h->ctx, id, argv, n);
}

void
fo_log_format(fo_log_id id, const char *const *args, size_t nargs, char *out, size_t outlen)
{
	const char *t = fo_log_id_text(id);
	size_t o = 0;
	int k;

	if (out == NULL || outlen == 0)
		return;
	if (t == NULL) {
		snprintf(out, outlen, "FAILOVER_? (event %d)", (int)id);
		return;
	}
	k = snprintf(out, outlen, "%s ", fo_log_id_name(id));
	o = k > 0 && (size_t)k < outlen ? (size_t)k : outlen - 1;
	while (*t != '\0' && o + 1 < outlen) {
		unsigned long p = 0;
		const char *e = t + 1;

		while (*t == '%' && *e >= '0' && *e <= '9')
			p = p * 10 + (unsigned long)(*e++ - '0');
		if (p >= 1 && p <= nargs) {
			k = snprintf(out + o, outlen - o, "%s", args[p - 1]);
			o = k > 0 && (size_t)k < outlen - o ? o + (size_t)k : outlen - 1;
			t = e;
			continue;
		}
		out[o++] = *t++;
	}
	out[o] = '\0';
}
