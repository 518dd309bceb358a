/*
 * fo_repl_tx.h - the sender's side of failover-replicate as a step function
 * (docs/commands.md, "How it works"): apply -> commit -> status ... -> done
 * or failed.
 *
 * Internal tier, pure: no I/O, no clock (now is monotonic milliseconds passed
 * in). The driver (api/fo_replicate_send.c) sends what a step says, turns
 * each answer of the partner's agent into an event with
 * fo_repl_tx_classify() and arms the poll timer it is told to.
 *
 * What each answer means:
 * - to failover-replicate-apply: an id: checked by the partner's config-test,
 *   send commit; no id: nothing to change (done); result != 0: refused
 *   (failed, nothing changed); no answer: unreachable (failed).
 * - to failover-replicate-commit: result 0: config-set is queued, poll status
 *   until FO_REPL_TX_APPLY_WAIT_MS; no answer: the commit may or may not
 *   have arrived, so poll status to learn it; result != 0: refused (failed).
 * - to failover-replicate-status: applied (done), failed (failed), result 3
 *   (the partner has no such replication: the commit never arrived; failed);
 *   pending, no answer (the partner is reloading) or any other answer:
 *   poll again after FO_REPL_TX_POLL_MS until the deadline.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_REPL_TX_H
#define FO_REPL_TX_H

#include "fo_types.h"

#define FO_REPL_TX_POLL_MS 250            /* between two polls of status */
#define FO_REPL_TX_APPLY_WAIT_MS 20000    /* commit accepted -> applied */
#define FO_REPL_TX_STEP_TIMEOUT_MS 10000  /* each apply or commit request */
#define FO_REPL_TX_STATUS_TIMEOUT_MS 3000 /* each status request */

typedef enum fo_repl_tx_state {
	FO_TX_APPLYING = 0,     /* apply sent, its answer awaited */
	FO_TX_COMMITTING,       /* commit sent */
	FO_TX_WAITING,          /* the poll timer runs */
	FO_TX_POLLING,          /* status sent */
	FO_TX_DONE,
	FO_TX_FAILED,
} fo_repl_tx_state;
#define FO_TX_STATE_COUNT 6

typedef enum fo_repl_tx_event {
	FO_TX_EV_OK_ID = 0,     /* result 0 with an id */
	FO_TX_EV_OK,            /* result 0, no id, no state */
	FO_TX_EV_REFUSED,       /* result 1 (or any other but 0 and 3) */
	FO_TX_EV_UNKNOWN,       /* result 3: no such relationship or replication */
	FO_TX_EV_PENDING,       /* result 0, state "pending" */
	FO_TX_EV_APPLIED,       /* result 0, state "applied" */
	FO_TX_EV_PARTNER_FAILED,/* result 0, state "failed" */
	FO_TX_EV_NO_ANSWER,     /* the transport failed: no Kea answer */
	FO_TX_EV_TIMER,         /* the poll timer fired */
} fo_repl_tx_event;
#define FO_TX_EVENT_COUNT 9

typedef enum fo_repl_tx_action {
	FO_TX_ACT_NONE = 0,     /* the event means nothing in this state */
	FO_TX_ACT_SEND_APPLY,
	FO_TX_ACT_SEND_COMMIT,
	FO_TX_ACT_SEND_STATUS,
	FO_TX_ACT_ARM_TIMER,    /* FO_REPL_TX_POLL_MS */
	FO_TX_ACT_FINISH,       /* the state is DONE or FAILED; see outcome */
} fo_repl_tx_action;

typedef enum fo_repl_tx_outcome {
	FO_TX_OUT_NONE = 0,     /* not finished */
	FO_TX_OUT_APPLIED,      /* the partner applied it */
	FO_TX_OUT_NOTHING,      /* nothing to change */
	FO_TX_OUT_REFUSED,      /* apply refused: nothing changed */
	FO_TX_OUT_NOT_APPLIED,  /* commit refused */
	FO_TX_OUT_UNREACHABLE,  /* apply got no answer */
	FO_TX_OUT_PARTNER_FAILED, /* status: failed */
	FO_TX_OUT_NOT_COMMITTED,  /* status: no such replication */
	FO_TX_OUT_NOT_CONFIRMED,  /* no applied within FO_REPL_TX_APPLY_WAIT_MS */
	FO_TX_OUT_BAD_ANSWER,   /* an answer that does not fit the request */
} fo_repl_tx_outcome;

typedef struct fo_repl_tx {
	fo_repl_tx_state state;
	fo_repl_tx_outcome outcome;
	int64_t deadline_ms;    /* of the polls (monotonic), set when the commit is sent */
} fo_repl_tx;

/* A new exchange: state APPLYING; the action is SEND_APPLY. */
fo_repl_tx_action fo_repl_tx_start(fo_repl_tx *tx);

/* One event at now_ms: the next state in *tx, the action to carry out. */
fo_repl_tx_action fo_repl_tx_step(fo_repl_tx *tx, fo_repl_tx_event ev, int64_t now_ms);

/*
 * An answer of the partner's agent as an event: result (Kea's), has_id (an
 * "id" in its arguments), state (arguments.state or NULL).
 */
fo_repl_tx_event fo_repl_tx_classify(int result, bool has_id, const char *state);

const char *fo_repl_tx_state_name(fo_repl_tx_state s);   /* "sending", ... */
const char *fo_repl_tx_event_name(fo_repl_tx_event e);

#endif /* FO_REPL_TX_H */
