/*
 * fo_engine.c - the engine facade: configuration in, relationships held.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_config.h"
#include "fo_engine.h"
#include "fo_relationship.h"

struct fo_engine {
	fo_host host;
	fo_relationship_set rels;
};

static void fo_engine_log(const fo_engine *, fo_log_level, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
fo_engine_log(const fo_engine *eng, fo_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (eng->host.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	eng->host.log(eng->host.ctx, level, line);
}

static void
fo_engine_log_relationship(const fo_engine *eng, const fo_relationship *r)
{
	fo_engine_log(eng, FO_LOG_INFO,
	    "relationship %s: %s %s, partner %s port %u, %zu scope(s), MCLT %us, "
	    "auto state transition %s, authentication %s, dialect %s",
	    r->name, fo_server_type_name(r->server_type), fo_mode_name(r->mode),
	    r->partner_server, (unsigned)r->partner_port, r->n_scopes, (unsigned)r->mclt,
	    r->auto_state_transition ? "on" : "off", r->enable_auth ? "on" : "off",
	    fo_dialect_name(r->dialect));
}

fo_status
fo_engine_create(fo_engine **out, const char *params_json, const fo_host *host,
    char *err, size_t errlen)
{
	fo_engine *eng;
	fo_status st;

	if (out == NULL || params_json == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if ((eng = calloc(1, sizeof(*eng))) == NULL)
		return FO_ERR_NOMEM;
	if (host != NULL)
		eng->host = *host;
	st = fo_config_parse(params_json, &eng->rels, err, errlen);
	if (st != FO_OK) {
		free(eng);
		return st;
	}
	for (size_t i = 0; i < eng->rels.n; i++)
		fo_engine_log_relationship(eng, &eng->rels.rel[i]);
	*out = eng;
	return FO_OK;
}

void
fo_engine_destroy(fo_engine *eng)
{
	if (eng == NULL)
		return;
	fo_relationship_set_clear(&eng->rels);
	free(eng);
}

fo_status
fo_engine_check(const char *params_json, char *err, size_t errlen)
{
	fo_relationship_set rels;
	fo_status st;

	if (params_json == NULL)
		return FO_ERR_INVAL;
	memset(&rels, 0, sizeof(rels));
	st = fo_config_parse(params_json, &rels, err, errlen);
	fo_relationship_set_clear(&rels);
	return st;
}

size_t
fo_engine_relationship_count(const fo_engine *eng)
{
	return eng != NULL ? eng->rels.n : 0;
}
