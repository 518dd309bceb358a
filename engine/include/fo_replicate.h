/*
 * fo_replicate.h - the engine side of failover-replicate (docs/commands.md):
 * the check of a received request and the request to the partner's
 * kea-ctrl-agent, signed as fo_signed.h says under EnableAuth.
 *
 * Public tier (the shim includes it). The Kea configuration itself (which
 * subnets, classes and option definitions, how the partner merges them) is
 * Kea data and stays in the shim (hook/failover_replicate_config.cc).
 *
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_REPLICATE_H
#define FO_REPLICATE_H

#include "fo_engine.h"
#include "fo_signed.h"

/* ---- With the engine's relationships -------------------------------------- */

/* Where a relationship's partner is controlled (never the password). */
typedef struct fo_replicate_target {
	char url[FO_CONTROL_URL_MAX + 1];      /* "" when partner-control-url is not set */
	char user[FO_CONTROL_USER_MAX + 1];    /* "" when not set */
	bool enable_auth;
} fo_replicate_target;

/* FO_ERR_NOTFOUND (err says so) when there is no relationship `name`. */
fo_status fo_engine_replicate_target(fo_engine *eng, const char *name,
    fo_replicate_target *out, char *err, size_t errlen);

/*
 * A request received for relationship `name` (the partner's side): with
 * enable-auth, fo_signed_verify with the relationship's secret and
 * FO_SIGNED_MAX_SKEW; without, FO_OK. FO_ERR_NOTFOUND when there is no
 * relationship `name`.
 */
fo_status fo_engine_replicate_check(fo_engine *eng, const char *name, const char *command,
    const char *args_json, fo_wall now, char *err, size_t errlen);

/*
 * Send `command` with `args_json` (fo_signed_request: signed when the
 * relationship has enable-auth) to the partner's kea-ctrl-agent at
 * partner-control-url, with partner-control-user/-password, within
 * timeout_ms (<= 0: fo_http's default). On FO_OK *answer (malloc'd) is the
 * agent's answer body (HTTP status 200). FO_ERR_NOTFOUND: no relationship
 * `name`; FO_ERR_CONFIG: "partner-control-url: not set ..." or a bad URL;
 * FO_ERR_IO / FO_ERR_PROTO: the exchange failed or the status was not 200
 * (err says why, with the URL; 401 names the leaves of the credentials).
 * Blocks the calling thread (at most timeout_ms).
 */
fo_status fo_engine_replicate_send(fo_engine *eng, const char *name, const char *command,
    const char *args_json, fo_wall now, int timeout_ms, char **answer, char *err,
    size_t errlen);

/* ---- The sending side, off the caller's thread ----------------------------- */

/*
 * failover-replicate's exchanges with the partners run on a thread of their
 * own (fo_replicate_send.c, driving the step function core/fo_repl_tx.h),
 * never on Kea's main thread: the command answers at once with an id, and
 * failover-replicate-status {id} tells the outcome. One replication runs at
 * a time; the last FO_REPL_SEND_KEPT are kept for their status.
 */
#define FO_REPL_SEND_KEPT 16

typedef struct fo_repl_sender fo_repl_sender;

/* The thread logs each outcome through host->log (copied; NULL: no log). FO_ERR_NOMEM, FO_ERR_IO. */
fo_status fo_repl_sender_create(fo_repl_sender **out, const fo_host *host);
/* A running exchange stops after its current request (at most its timeout); joins. */
void fo_repl_sender_destroy(fo_repl_sender *s);

/* One relationship's part of a replication. */
typedef struct fo_repl_group {
	const char *relationship;
	const fo_ip4 *scopes;           /* the scopes sent, for the status */
	size_t n_scopes;
	const char *apply_args;         /* failover-replicate-apply's arguments (a JSON
	                                   object, without "time" and "digest") */
} fo_repl_group;

/*
 * Start a replication of the groups, one after another: each group's
 * partner (URL, credentials, secret) is copied from eng now. *id: its
 * handle (1, 2, ...). FO_ERR_NOTFOUND / FO_ERR_CONFIG (err: no relationship,
 * "partner-control-url: not set ..."), FO_ERR_STATE (err says which
 * replication runs), FO_ERR_INVAL, FO_ERR_NOMEM.
 */
fo_status fo_engine_replicate_start(fo_engine *eng, fo_repl_sender *s, const fo_repl_group *g,
    size_t n, uint64_t *id, char *err, size_t errlen);

/*
 * The status of replication `id` as a command's answer: *result 0 (running,
 * or every group done) or 1 (a group failed), *text and *args_json
 * (malloc'd): {"id", "status": "sending" | "committing" | "waiting" | "done" |
 * "failed", "replications": [{"relationship", "scope-id", "applied",
 * "changes", "id", "error"}]}. FO_ERR_NOTFOUND: no such id (kept).
 */
fo_status fo_repl_sender_status(fo_repl_sender *s, uint64_t id, int *result, char **text,
    char **args_json);

/* A replication to `relationship` is running here (not done, not failed); s NULL: false. */
bool fo_repl_sender_busy(fo_repl_sender *s, const char *relationship);

/* ---- The receiving side (failover-replicate-apply, -commit, -status) -------- */

/*
 * The partner's replications received here, driven by the state machine
 * core/fo_repl_rx.h: one prepared (checked with config-test, not committed,
 * expiring 30 s after the check) at a time, and the last FO_REPL_RECV_KEPT
 * committed ones for failover-replicate-status. It is plain data of the
 * library, not of an engine: zero at the library's first load and kept
 * across Kea's reloads of it (config-set unloads and loads the hook while a
 * replication is being applied; hook/failover_replicate_apply.cc pins the
 * library so that its memory stays). Kea's main thread only: no lock. The
 * Kea configuration prepared (the candidate) stays in the shim.
 */
#define FO_REPL_RECV_KEPT 16

typedef struct fo_repl_rx_table fo_repl_receiver;

/* The library's receiver (static storage). */
fo_repl_receiver *fo_repl_receiver_kept(void);

/*
 * failover-replicate-apply arrived for `relationship` (authenticated, not
 * yet checked): FO_OK, or FO_ERR_STATE (err says why) while a replication
 * from the partner is being applied here or while `s` (NULL: none) sends
 * one of the same relationship (replications in opposite directions must
 * not cross).
 */
fo_status fo_repl_receiver_admit(const fo_repl_receiver *rx, fo_repl_sender *s,
    const char *relationship, char *err, size_t errlen);

/*
 * It passed its checks and config-test: `id` (the shim's, unique, at most 63
 * characters) is prepared and replaces the prepared one. FO_ERR_STATE while
 * one is being applied; FO_ERR_INVAL.
 */
fo_status fo_repl_receiver_prepare(fo_repl_receiver *rx, const char *relationship,
    const char *id, fo_mono now, char *err, size_t errlen);

/*
 * failover-replicate-commit of `id`: FO_ERR_NOTFOUND (err names the id) when
 * it is not prepared (unknown, expired, replaced, committed already);
 * FO_ERR_STATE, err = blocker, when blocker is not NULL (why the shim cannot
 * post config-set: the prepared one is dropped); FO_OK: it is pending, kept,
 * and the shim posts config-set, then calls fo_repl_receiver_done.
 */
fo_status fo_repl_receiver_commit(fo_repl_receiver *rx, const char *relationship,
    const char *id, fo_mono now, const char *blocker, char *err, size_t errlen);

/* config-set answered for `id`: applied (ok) or failed, with Kea's text. */
void fo_repl_receiver_done(fo_repl_receiver *rx, const char *id, bool ok, const char *text);

/*
 * failover-replicate-status of a committed `id`: its relationship, state
 * ("pending", "applied", "failed") and text, valid until the next call
 * that changes rx. FO_ERR_NOTFOUND when it is not kept.
 */
fo_status fo_repl_receiver_status(const fo_repl_receiver *rx, const char *id,
    const char **relationship, const char **state, const char **text);

/*
 * The lock seen from this server's sender (failover-replicate): a
 * replication from the partner is being applied here, or one of
 * `relationship` is prepared and not expired; why says which.
 */
bool fo_repl_receiver_busy(const fo_repl_receiver *rx, const char *relationship, fo_mono now,
    char *why, size_t whylen);

/* The hook is unloaded: the prepared replication is forgotten. */
void fo_repl_receiver_unload(fo_repl_receiver *rx);

#endif /* FO_REPLICATE_H */
