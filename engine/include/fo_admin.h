/*
 * fo_admin.h - the run-time administration of relationships: the engine
 * side of failover-add, failover-set, failover-remove, failover-scope-add,
 * failover-scope-remove and failover-partner-down (docs/commands.md).
 *
 * Public tier (the shim includes it). Every function validates, applies
 * all or nothing, persists and answers with one sentence in `msg`: on
 * success what was done, on failure why ("<YANG path>: <reason>" for a
 * rejected value, so that the text names the field).
 *
 * Status -> Kea result: FO_OK 0; FO_ERR_NOTFOUND 3 (no such relationship);
 * every other status 1 (FO_ERR_CONFIG rejected input, FO_ERR_EXISTS a name
 * already in use, FO_ERR_STATE refused in the current state, FO_ERR_IO the
 * change could not be saved: nothing changed).
 *
 * The live set of relationships: the hook's parameters at load, REPLACED by
 * <state-directory>/relationships.json when that file exists. Each change
 * here validates the new set as a whole against the YANG module (the same
 * code as at load: fo_config_parse), writes that file atomically (mode
 * 0600: it holds the shared secrets), then stops the failover protocol,
 * saves every relationship's state with the clean-stop mark, rebuilds the
 * relationships over the Kea subnets of the last fo_engine_attach() and
 * starts the protocol again: every failover connection of this server is
 * re-established (the partner learns a changed MCLT or hash bucket
 * assignment from the new CONNECT), the states resume as they were. If the
 * rebuild fails, the previous set is rebuilt and written back.
 *
 * Thread safety: call from Kea's main thread with no packet in flight (the
 * shim holds Kea's multi-threading critical section), like fo_engine_attach.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ADMIN_H
#define FO_ADMIN_H

#include "fo_engine.h"

/* One member of a JSON object: its name and its value as JSON text. */
typedef struct fo_kv {
	const char *key;
	const char *json;       /* e.g. "\"r1\"", "3600", "true", "[\"10.0.0.0\"]", "null" */
} fo_kv;

/*
 * The live set as the hook's parameters, the JSON text Kea's configuration
 * should show (state-directory when configured, every relationship with
 * every leaf's effective value, the shared secrets and control passwords
 * included: hide them where the text is shown). malloc'd (the caller zeroes
 * and frees it); NULL when out of memory. The administration functions
 * below hand the same text to fo_host.relationships_changed after each
 * change.
 */
char *fo_engine_parameters_json(const fo_engine *eng);

/*
 * failover-add: `entry` is one entry of the module's relationships list
 * (name, partner-server, server-type, scope-id, ...; shared-secret allowed).
 * FO_ERR_EXISTS when the name is taken.
 */
fo_status fo_engine_admin_add(fo_engine *eng, const fo_kv *entry, size_t n, fo_wall now,
    char *msg, size_t msglen);

/*
 * failover-set: change the leaves `changes` of relationship `name`; a value
 * "null" returns a leaf to its default. name and scope-id cannot be changed
 * here. Changing mode drops the other mode's leaves (server-role,
 * reserve-percent / load-balance-percent, load-balance-max-seconds) unless
 * given; enable-auth false drops the shared secret; auto-state-transition
 * false drops state-switch-interval.
 */
fo_status fo_engine_admin_set(fo_engine *eng, const char *name, const fo_kv *changes, size_t n,
    fo_wall now, char *msg, size_t msglen);

/* failover-remove, the operator's on this server only (fo_engine_admin
 * without force: refused while the partner may serve the scopes). The
 * relationship's state directory is kept, renamed
 * <dir>.removed-<unix time>, so that a later relationship of the same name
 * starts afresh. */
fo_status fo_engine_admin_remove(fo_engine *eng, const char *name, fo_wall now,
    char *msg, size_t msglen);

/*
 * failover-scope-add / failover-scope-remove: scope-ids (network addresses
 * of Kea subnets) into or out of relationship `name`. Adding a scope that
 * is already there, or removing one that is not: FO_ERR_CONFIG. A removed
 * scope's journal is renamed scope-<a.b.c.d>.jnl.removed-<unix time>. A
 * removal is the operator's on this server only (fo_engine_admin without
 * force).
 */
fo_status fo_engine_admin_scopes(fo_engine *eng, const char *name, const fo_ip4 *scopes,
    size_t n, bool add, fo_wall now, char *msg, size_t msglen);

/*
 * failover-partner-down: the operator says the partner is down
 * (FO_EV_OPERATOR_PARTNER_DOWN, persisted before it is published).
 * Accepted in CommunicationInterrupted and ResolutionInterrupted; refused
 * (FO_ERR_STATE) in Normal (the partner is talking to us) and in every
 * state fo_fsm_operator_partner_down_ok() refuses, with its reason.
 */
fo_status fo_engine_admin_partner_down(fo_engine *eng, const char *name, fo_wall now,
    char *msg, size_t msglen);

/* One change (fo_both.h makes it on both partners). */
typedef enum fo_admin_op {
	FO_ADMIN_ADD = 0,
	FO_ADMIN_SET,
	FO_ADMIN_REMOVE,
	FO_ADMIN_SCOPE_ADD,
	FO_ADMIN_SCOPE_REMOVE,
} fo_admin_op;

/* One change, as the fo_engine_admin_* functions take it. */
typedef struct fo_admin_req {
	fo_admin_op op;
	const char *name;               /* SET, REMOVE, SCOPE_*: the relationship */
	const fo_kv *kv;                /* ADD: the entry; SET: the changes */
	size_t n;
	const fo_ip4 *scopes;           /* SCOPE_* */
	size_t n_scopes;
	const fo_kv *partner;           /* ADD on both partners: the partner's own leaves */
	size_t n_partner;               /* (server-name, partner-control-*), sent as they are */
	/*
	 * ADD: the partner's undo of a failover-remove: the state the removal set
	 * aside (<name>.removed-<time>, the newest of the last
	 * FO_ADMIN_RESTORE_WINDOW seconds) is taken back instead of starting afresh.
	 */
	bool restore_state;
} fo_admin_req;

#define FO_ADMIN_RESTORE_WINDOW 120     /* seconds */

const char *fo_admin_op_command(fo_admin_op op);   /* "failover-add", ... */

/*
 * The operator's change req on this server only (a local-only command
 * without time or digest), as fo_engine_admin_add & co. (with restore_state).
 *
 * A removal (REMOVE, SCOPE_REMOVE) takes scopes out of failover here only:
 * this server then serves them without failover, from the whole pool, while
 * a partner that still has them keeps giving its own free addresses: two
 * servers would give one address to two clients. So it is refused,
 * FO_ERR_STATE, nothing changed, the text saying why and what to do (remove
 * on both partners; failover-partner-down and the MCLT; or force), unless
 * - the partner cannot be serving them: this server's state of the
 *   relationship is PARTNER-DOWN since at least the MCLT (fo_admin.c,
 *   local_removal_safe, says why only that state), or
 * - force is true: the operator knows the partner is gone for good or
 *   removes them there too; FAILOVER_LOCAL_REMOVAL_FORCED (WARN) is logged
 *   when the removal was made only because of it.
 * The input is checked first (unknown relationship: FO_ERR_NOTFOUND; a
 * scope not in it: FO_ERR_CONFIG). force with another op: FO_ERR_CONFIG.
 */
fo_status fo_engine_admin(fo_engine *eng, const fo_admin_req *req, bool force, fo_wall now,
    char *msg, size_t msglen);

/*
 * The partner's side of a change on both partners (a local-only request
 * carrying time or digest, checked by fo_engine_both_check): as
 * fo_engine_admin, but failover-remove and failover-scope-remove RETIRE the
 * scopes here instead of leaving them served without failover (Windows
 * deletes them from the partner server): the retirement is saved before
 * the change (fo_retired.h), this server then answers none of their
 * clients (Kea's statistic failover-retired.queries-dropped counts them)
 * until a relationship takes them again or they are no Kea subnet.
 */
fo_status fo_engine_admin_partner(fo_engine *eng, const fo_admin_req *req, fo_wall now,
    char *msg, size_t msglen);

/*
 * failover-retired-get's arguments: {"scopes": [{"scope-id", "relationship",
 * "retired-at"}], "file", "damaged", "damaged-reason" (when damaged)};
 * malloc'd, NULL when out of memory.
 */
char *fo_engine_retired_get_json(fo_engine *eng);

#endif /* FO_ADMIN_H */
