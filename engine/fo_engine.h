/*
 * fo_engine.h - the engine's public API: the only header the hook includes
 * besides fo_types.h.
 *
 * The engine is C11 with no I/O of its own: the host (the Kea shim) gives it
 * a small table of functions (logging now; sending, persisting and the clock
 * come with the packet path and the protocol driver).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ENGINE_H
#define FO_ENGINE_H

#include "fo_types.h"

typedef enum fo_log_level {
	FO_LOG_DEBUG = 0,
	FO_LOG_INFO,
	FO_LOG_WARN,
	FO_LOG_ERROR,
} fo_log_level;

/* What the engine asks of its host. Every member may be NULL. */
typedef struct fo_host {
	void *ctx;
	/* One complete, secret-free line per call. */
	void (*log)(void *ctx, fo_log_level level, const char *msg);
} fo_host;

typedef struct fo_engine fo_engine;

/*
 * Validate the hook's parameters (the JSON text of the "parameters" map of
 * the hooks-libraries entry) against the YANG module kea-dhcp-failover and
 * build the relationships. On failure *out stays NULL and `err` holds
 * "<YANG path>: <reason>". `host` is copied; it may be NULL.
 */
fo_status fo_engine_create(fo_engine **out, const char *params_json, const fo_host *host,
    char *err, size_t errlen);
void fo_engine_destroy(fo_engine *eng);

/*
 * Validate parameters without building an engine (kea-dhcp4 -t): the same
 * checks and the same error text as fo_engine_create().
 */
fo_status fo_engine_check(const char *params_json, char *err, size_t errlen);

size_t fo_engine_relationship_count(const fo_engine *eng);

#endif /* FO_ENGINE_H */
