/*
 * fo_repl_tx.c - the sender's exchange of failover-replicate (fo_repl_tx.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_repl_tx.h"

static fo_repl_tx_action
finish(fo_repl_tx *tx, bool ok, fo_repl_tx_outcome why)
{
	tx->state = ok ? FO_TX_DONE : FO_TX_FAILED;
	tx->outcome = why;
	return FO_TX_ACT_FINISH;
}

/* Poll again after FO_REPL_TX_POLL_MS, or fail once the deadline passed. */
static fo_repl_tx_action
poll_again(fo_repl_tx *tx, int64_t now_ms)
{
	if (now_ms >= tx->deadline_ms)
		return finish(tx, false, FO_TX_OUT_NOT_CONFIRMED);
	tx->state = FO_TX_WAITING;
	return FO_TX_ACT_ARM_TIMER;
}

fo_repl_tx_action
fo_repl_tx_start(fo_repl_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->state = FO_TX_APPLYING;
	return FO_TX_ACT_SEND_APPLY;
}

static fo_repl_tx_action
on_apply_answer(fo_repl_tx *tx, fo_repl_tx_event ev)
{
	switch (ev) {
	case FO_TX_EV_OK_ID:
		tx->state = FO_TX_COMMITTING;
		return FO_TX_ACT_SEND_COMMIT;
	case FO_TX_EV_OK:
		return finish(tx, true, FO_TX_OUT_NOTHING);
	case FO_TX_EV_REFUSED:
	case FO_TX_EV_UNKNOWN:
		return finish(tx, false, FO_TX_OUT_REFUSED);
	case FO_TX_EV_NO_ANSWER:
		return finish(tx, false, FO_TX_OUT_UNREACHABLE);
	case FO_TX_EV_PENDING:
	case FO_TX_EV_APPLIED:
	case FO_TX_EV_PARTNER_FAILED:
		return finish(tx, false, FO_TX_OUT_BAD_ANSWER);
	case FO_TX_EV_TIMER:
		break;
	}
	return FO_TX_ACT_NONE;
}

static fo_repl_tx_action
on_commit_answer(fo_repl_tx *tx, fo_repl_tx_event ev, int64_t now_ms)
{
	switch (ev) {
	case FO_TX_EV_OK_ID:
	case FO_TX_EV_OK:
	case FO_TX_EV_PENDING:
	case FO_TX_EV_NO_ANSWER:        /* did it arrive? status tells */
		tx->deadline_ms = now_ms + FO_REPL_TX_APPLY_WAIT_MS;
		return poll_again(tx, now_ms);
	case FO_TX_EV_APPLIED:
		return finish(tx, true, FO_TX_OUT_APPLIED);
	case FO_TX_EV_PARTNER_FAILED:
		return finish(tx, false, FO_TX_OUT_PARTNER_FAILED);
	case FO_TX_EV_REFUSED:
	case FO_TX_EV_UNKNOWN:
		return finish(tx, false, FO_TX_OUT_NOT_APPLIED);
	case FO_TX_EV_TIMER:
		break;
	}
	return FO_TX_ACT_NONE;
}

static fo_repl_tx_action
on_status_answer(fo_repl_tx *tx, fo_repl_tx_event ev, int64_t now_ms)
{
	switch (ev) {
	case FO_TX_EV_APPLIED:
		return finish(tx, true, FO_TX_OUT_APPLIED);
	case FO_TX_EV_PARTNER_FAILED:
		return finish(tx, false, FO_TX_OUT_PARTNER_FAILED);
	case FO_TX_EV_UNKNOWN:
		return finish(tx, false, FO_TX_OUT_NOT_COMMITTED);
	case FO_TX_EV_PENDING:
	case FO_TX_EV_NO_ANSWER:        /* the partner is reloading */
	case FO_TX_EV_REFUSED:
	case FO_TX_EV_OK_ID:
	case FO_TX_EV_OK:
		return poll_again(tx, now_ms);
	case FO_TX_EV_TIMER:
		break;
	}
	return FO_TX_ACT_NONE;
}

fo_repl_tx_action
fo_repl_tx_step(fo_repl_tx *tx, fo_repl_tx_event ev, int64_t now_ms)
{
	switch (tx->state) {
	case FO_TX_APPLYING:
		return on_apply_answer(tx, ev);
	case FO_TX_COMMITTING:
		return on_commit_answer(tx, ev, now_ms);
	case FO_TX_POLLING:
		return on_status_answer(tx, ev, now_ms);
	case FO_TX_WAITING:
		if (ev != FO_TX_EV_TIMER)
			return FO_TX_ACT_NONE;
		if (now_ms >= tx->deadline_ms)
			return finish(tx, false, FO_TX_OUT_NOT_CONFIRMED);
		tx->state = FO_TX_POLLING;
		return FO_TX_ACT_SEND_STATUS;
	case FO_TX_DONE:
	case FO_TX_FAILED:
		break;
	}
	return FO_TX_ACT_NONE;
}

fo_repl_tx_event
fo_repl_tx_classify(int result, bool has_id, const char *state)
{
	if (result == 3)
		return FO_TX_EV_UNKNOWN;
	if (result != 0)
		return FO_TX_EV_REFUSED;
	if (state != NULL && strcmp(state, "applied") == 0)
		return FO_TX_EV_APPLIED;
	if (state != NULL && strcmp(state, "failed") == 0)
		return FO_TX_EV_PARTNER_FAILED;
	if (state != NULL && strcmp(state, "pending") == 0)
		return FO_TX_EV_PENDING;
	return has_id ? FO_TX_EV_OK_ID : FO_TX_EV_OK;
}

const char *
fo_repl_tx_state_name(fo_repl_tx_state s)
{
	switch (s) {
	case FO_TX_APPLYING:
		return "sending";
	case FO_TX_COMMITTING:
		return "committing";
	case FO_TX_WAITING:
	case FO_TX_POLLING:
		return "waiting";
	case FO_TX_DONE:
		return "done";
	case FO_TX_FAILED:
		return "failed";
	}
	return "?";
}

const char *
fo_repl_tx_event_name(fo_repl_tx_event e)
{
	static const char *const names[FO_TX_EVENT_COUNT] = {
		"ok-id", "ok", "refused", "unknown", "pending", "applied", "partner-failed",
		"no-answer", "timer",
	};

	return (unsigned)e < FO_TX_EVENT_COUNT ? names[e] : "?";
}
