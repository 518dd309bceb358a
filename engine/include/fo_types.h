/*
 * fo_types.h - types shared by every engine module.
 *
 * Public tier: the hook and every engine module include this header.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_TYPES_H
#define FO_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One status enum for the whole engine API. */
typedef enum fo_status {
	FO_OK = 0,
	FO_ERR_NOMEM,      /* allocation failed */
	FO_ERR_INVAL,      /* bad argument (programmer or caller error) */
	FO_ERR_NOTFOUND,   /* no such relationship, scope, address */
	FO_ERR_EXISTS,     /* already present */
	FO_ERR_RANGE,      /* value out of range, table full */
	FO_ERR_CONFIG,     /* configuration rejected (message says where) */
	FO_ERR_IO,         /* persistence or socket failure */
	FO_ERR_PROTO,      /* peer violated the protocol */
	FO_ERR_STATE,      /* not allowed in the current state */
} fo_status;

const char *fo_status_name(fo_status st);

/*
 * Two time types that cannot be mixed up (style: dhcpleased's monotime_t).
 * fo_wall: seconds since 1970, the clock of the protocol's 32-bit times
 *          (CLTT, start time of state, lease and potential expirations).
 * fo_mono: monotonic milliseconds, for timers only.
 * No engine function reads a clock: the driver passes `now` down.
 */
typedef struct fo_wall { int64_t sec; } fo_wall;
typedef struct fo_mono { int64_t msec; } fo_mono;

static inline fo_wall fo_wall_at(int64_t sec) { fo_wall w = { sec }; return w; }
static inline fo_mono fo_mono_at(int64_t msec) { fo_mono m = { msec }; return m; }

/* An IPv4 address in host byte order. 0 means "none". */
typedef uint32_t fo_ip4;

/* Dotted-quad text of an address into buf (16 bytes suffice). */
void fo_ip4_str(fo_ip4 a, char *buf, size_t len);

/* printf into an error buffer; err may be NULL or errlen 0. */
void fo_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Relationship states: the 13 values of DhcpServerv4Failover.State (seed)
 * plus draft-12's PAUSED and SHUTDOWN. The numeric values are Microsoft's
 * management codes (reference/failover-protocol.md section 5); wire codes
 * are mapped by fo_state_to_wire()/fo_state_from_wire().
 */
typedef enum fo_state {
	FO_STATE_NOSTATE = 0,
	FO_STATE_INIT = 1,
	FO_STATE_STARTUP = 2,
	FO_STATE_NORMAL = 3,
	FO_STATE_COMM_INTERRUPTED = 4,
	FO_STATE_PARTNER_DOWN = 5,
	FO_STATE_POTENTIAL_CONFLICT = 6,
	FO_STATE_CONFLICT_DONE = 7,
	FO_STATE_RESOLUTION_INTERRUPTED = 8,
	FO_STATE_RECOVER = 9,
	FO_STATE_RECOVER_WAIT = 10,
	FO_STATE_RECOVER_DONE = 11,
	FO_STATE_PAUSED = 12,
	FO_STATE_SHUTDOWN = 13,
} fo_state;
#define FO_STATE_COUNT 14

/* The seed's spelling: "Normal", "CommunicationInterrupted", ... NULL if out of range. */
const char *fo_state_name(fo_state s);
/* Parse the seed's spelling; false if unknown. */
bool fo_state_parse(const char *name, fo_state *out);
/* draft-12 wire code (section 5 table); RECOVER-WAIT is 254 as ISC sends it. 0 for states without one. */
uint8_t fo_state_to_wire(fo_state s);
/* Wire code to state; false for a code the draft does not define. */
bool fo_state_from_wire(uint8_t code, fo_state *out);

/* Binding states, draft-12 section 4 wire codes. */
typedef enum fo_bstate {
	FO_BS_FREE = 1,      /* free, owned by the primary */
	FO_BS_ACTIVE = 2,
	FO_BS_EXPIRED = 3,
	FO_BS_RELEASED = 4,
	FO_BS_ABANDONED = 5,
	FO_BS_RESET = 6,
	FO_BS_BACKUP = 7,    /* free, owned by the secondary */
} fo_bstate;
#define FO_BS_MAX 7

/* Lengths of a relationship's text settings, in bytes (the YANG module's limits). */
#define FO_NAME_MAX 126              /* Windows: names up to 126 characters */
#define FO_HOST_MAX 253              /* DNS host name */
#define FO_SECRET_MAX 255
#define FO_CONTROL_URL_MAX 1023      /* partner-control-url */
#define FO_CONTROL_USER_MAX 255      /* partner-control-user */
#define FO_CONTROL_PASSWORD_MAX 255  /* partner-control-password */
#define FO_CONTROL_FILE_MAX 1023     /* partner-control-trust-anchor, -cert-file, -key-file */

/* "FREE", "ACTIVE", ... NULL if out of range. */
const char *fo_bstate_name(fo_bstate s);

/* Relationship mode, role and server type (seed: Mode, ServerRole, ServerType). */
typedef enum fo_mode { FO_MODE_LOAD_BALANCE = 0, FO_MODE_HOT_STANDBY = 1 } fo_mode;
typedef enum fo_role { FO_ROLE_ACTIVE = 0, FO_ROLE_STANDBY = 1 } fo_role;
typedef enum fo_server_type { FO_PRIMARY = 0, FO_SECONDARY = 1 } fo_server_type;

/* Protocol dialect spoken to the partner. */
typedef enum fo_dialect {
	FO_DIALECT_DRAFT = 0,  /* draft-12 as another instance of this hook speaks it */
	FO_DIALECT_ISC = 1,    /* ISC dhcpd 4.4 */
	FO_DIALECT_MS = 2,     /* Microsoft [MS-DHCPF] */
} fo_dialect;

const char *fo_mode_name(fo_mode m);          /* "load-balance" | "hot-standby" */
const char *fo_role_name(fo_role r);          /* "active" | "standby" */
const char *fo_server_type_name(fo_server_type t); /* "primary" | "secondary" */
const char *fo_dialect_name(fo_dialect d);    /* "draft" | "isc" | "microsoft" */

#endif /* FO_TYPES_H */
