/*
 * fo_both_tx.h - a change of a relationship on both partners as a step
 * function (docs/commands.md, "Both partners"): the partner applies the
 * mirrored change first, then this server commits; all or nothing.
 *
 * Internal tier, pure: no I/O, no clock. The driver (api/fo_both.c) sends
 * what a step says on its own thread, and Kea's main thread carries out
 * the local commit (COMMIT_LOCAL) and reports it as an event.
 *
 *   SENDING      --ok--> COMMITTING (commit here)   --refused--> FAILED (REFUSED)
 *                --not sent--> FAILED (UNREACHABLE: no connection, it cannot have arrived)
 *                --no answer--> UNDO_UNANSWERED (send the undo: the change may have arrived)
 *   COMMITTING   --local ok--> DONE   --local failed--> UNDO_LOCAL (send the undo)
 *   UNDO_UNANSWERED --ok--> FAILED (UNREACHABLE_UNDONE: the partner had it, took it back)
 *                   --refused--> FAILED (UNREACHABLE: the change never arrived there)
 *                   --no answer / not sent--> FAILED (UNREACHABLE_UNKNOWN: check the partner)
 *   UNDO_LOCAL   --ok--> FAILED (LOCAL_FAILED)  --refused / no answer / not sent--> FAILED
 *                (LOCAL_FAILED_NOT_UNDONE: the partner keeps the change)
 * Every other (state, event) changes nothing (action NONE).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_BOTH_TX_H
#define FO_BOTH_TX_H

#include "fo_types.h"

#define FO_BOTH_TX_TIMEOUT_MS 10000     /* each request to the partner's agent */

typedef enum fo_both_tx_state {
	FO_BT_SENDING = 0,      /* the change sent to the partner */
	FO_BT_COMMITTING,       /* the partner applied it; this server's commit is due */
	FO_BT_UNDO_UNANSWERED,  /* no answer to the change: its undo sent */
	FO_BT_UNDO_LOCAL,       /* this server's commit failed: the undo sent */
	FO_BT_DONE,
	FO_BT_FAILED,
} fo_both_tx_state;
#define FO_BT_STATE_COUNT 6

typedef enum fo_both_tx_event {
	FO_BT_EV_OK = 0,        /* the partner answered result 0 */
	FO_BT_EV_REFUSED,       /* the partner answered another result */
	FO_BT_EV_NO_ANSWER,     /* sent, but no Kea answer (timeout, HTTP error, ...) */
	FO_BT_EV_NOT_SENT,      /* the request was not written (no connection): not acted on */
	FO_BT_EV_LOCAL_OK,      /* this server committed */
	FO_BT_EV_LOCAL_FAILED,  /* this server's commit failed (or the hook unloads) */
} fo_both_tx_event;
#define FO_BT_EVENT_COUNT 6

typedef enum fo_both_tx_action {
	FO_BT_ACT_NONE = 0,
	FO_BT_ACT_SEND_CHANGE,
	FO_BT_ACT_COMMIT_LOCAL,
	FO_BT_ACT_SEND_UNDO,
	FO_BT_ACT_FINISH,
} fo_both_tx_action;

typedef enum fo_both_tx_outcome {
	FO_BT_OUT_NONE = 0,             /* not finished */
	FO_BT_OUT_DONE,                 /* changed on both */
	FO_BT_OUT_REFUSED,              /* the partner refused: nothing changed */
	FO_BT_OUT_UNREACHABLE,          /* not sent, or no answer and the undo refused:
	                                   nothing changed */
	FO_BT_OUT_UNREACHABLE_UNDONE,   /* no answer; the partner had it and undid it */
	FO_BT_OUT_UNREACHABLE_UNKNOWN,  /* no answer to the change nor to the undo */
	FO_BT_OUT_LOCAL_FAILED,         /* the commit here failed; the partner undid it */
	FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE, /* the commit here failed; the partner keeps it */
} fo_both_tx_outcome;

typedef struct fo_both_tx {
	fo_both_tx_state state;
	fo_both_tx_outcome outcome;
} fo_both_tx;

/* A new exchange: SENDING; the action is SEND_CHANGE. */
fo_both_tx_action fo_both_tx_start(fo_both_tx *tx);
/* One event: the next state in *tx, the action to carry out. */
fo_both_tx_action fo_both_tx_step(fo_both_tx *tx, fo_both_tx_event ev);

const char *fo_both_tx_state_name(fo_both_tx_state s);     /* "sending", ... */
const char *fo_both_tx_event_name(fo_both_tx_event e);
/* Nothing changed on either server (REFUSED, UNREACHABLE, _UNDONE, LOCAL_FAILED). */
bool fo_both_tx_nothing_changed(fo_both_tx_outcome o);

#endif /* FO_BOTH_TX_H */
