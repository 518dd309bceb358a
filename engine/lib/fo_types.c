/*
 * fo_types.c - name tables for the engine's shared enums.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fo_types.h"

const char *
fo_status_name(fo_status st)
{
	switch (st) {
	case FO_OK: return "ok";
	case FO_ERR_NOMEM: return "out of memory";
	case FO_ERR_INVAL: return "invalid argument";
	case FO_ERR_NOTFOUND: return "not found";
	case FO_ERR_EXISTS: return "already exists";
	case FO_ERR_RANGE: return "out of range";
	case FO_ERR_CONFIG: return "configuration rejected";
	case FO_ERR_IO: return "input/output error";
	case FO_ERR_PROTO: return "protocol error";
	case FO_ERR_STATE: return "not allowed in this state";
	}
	return "unknown status";
}

/* Indexed by fo_state; wire codes from draft-12 section 9 (RECOVER-WAIT: ISC's 254). */
static const struct {
	const char *name;
	uint8_t wire;
} state_tab[FO_STATE_COUNT] = {
	[FO_STATE_NOSTATE] = { "NoState", 0 },
	[FO_STATE_INIT] = { "Init", 0 },
	[FO_STATE_STARTUP] = { "Startup", 1 },
	[FO_STATE_NORMAL] = { "Normal", 2 },
	[FO_STATE_COMM_INTERRUPTED] = { "CommunicationInterrupted", 3 },
	[FO_STATE_PARTNER_DOWN] = { "PartnerDown", 4 },
	[FO_STATE_POTENTIAL_CONFLICT] = { "PotentialConflict", 5 },
	[FO_STATE_CONFLICT_DONE] = { "ConflictDone", 11 },
	[FO_STATE_RESOLUTION_INTERRUPTED] = { "ResolutionInterrupted", 10 },
	[FO_STATE_RECOVER] = { "Recover", 6 },
	[FO_STATE_RECOVER_WAIT] = { "RecoverWait", 254 },
	[FO_STATE_RECOVER_DONE] = { "RecoverDone", 9 },
	[FO_STATE_PAUSED] = { "Paused", 7 },
	[FO_STATE_SHUTDOWN] = { "Shutdown", 8 },
};

const char *
fo_state_name(fo_state s)
{
	if ((unsigned)s >= FO_STATE_COUNT)
		return NULL;
	return state_tab[s].name;
}

bool
fo_state_parse(const char *name, fo_state *out)
{
	for (unsigned i = 0; i < FO_STATE_COUNT; i++) {
		if (name != NULL && strcmp(name, state_tab[i].name) == 0) {
			*out = (fo_state)i;
			return true;
		}
	}
	return false;
}

uint8_t
fo_state_to_wire(fo_state s)
{
	if ((unsigned)s >= FO_STATE_COUNT)
		return 0;
	return state_tab[s].wire;
}

bool
fo_state_from_wire(uint8_t code, fo_state *out)
{
	if (code == 0)
		return false;
	for (unsigned i = 0; i < FO_STATE_COUNT; i++) {
		if (state_tab[i].wire == code) {
			*out = (fo_state)i;
			return true;
		}
	}
	return false;
}

const char *
fo_bstate_name(fo_bstate s)
{
	switch (s) {
	case FO_BS_FREE: return "FREE";
	case FO_BS_ACTIVE: return "ACTIVE";
	case FO_BS_EXPIRED: return "EXPIRED";
	case FO_BS_RELEASED: return "RELEASED";
	case FO_BS_ABANDONED: return "ABANDONED";
	case FO_BS_RESET: return "RESET";
	case FO_BS_BACKUP: return "BACKUP";
	}
	return NULL;
}

const char *
fo_mode_name(fo_mode m)
{
	switch (m) {
	case FO_MODE_LOAD_BALANCE: return "load-balance";
	case FO_MODE_HOT_STANDBY: return "hot-standby";
	}
	return NULL;
}

const char *
fo_role_name(fo_role r)
{
	switch (r) {
	case FO_ROLE_ACTIVE: return "active";
	case FO_ROLE_STANDBY: return "standby";
	}
	return NULL;
}

const char *
fo_server_type_name(fo_server_type t)
{
	switch (t) {
	case FO_PRIMARY: return "primary";
	case FO_SECONDARY: return "secondary";
	}
	return NULL;
}

const char *
fo_dialect_name(fo_dialect d)
{
	switch (d) {
	case FO_DIALECT_DRAFT: return "draft";
	case FO_DIALECT_ISC: return "isc";
	case FO_DIALECT_MS: return "microsoft";
	}
	return NULL;
}

void
fo_ip4_str(fo_ip4 a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16 & 0xff),
	    (unsigned)(a >> 8 & 0xff), (unsigned)(a & 0xff));
}

void
fo_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
