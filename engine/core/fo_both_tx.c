/*
 * fo_both_tx.c - a change on both partners as a step function (fo_both_tx.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_both_tx.h"

fo_both_tx_action
fo_both_tx_start(fo_both_tx *tx)
{
	tx->state = FO_BT_SENDING;
	tx->outcome = FO_BT_OUT_NONE;
	return FO_BT_ACT_SEND_CHANGE;
}

static fo_both_tx_action
finish(fo_both_tx *tx, fo_both_tx_state s, fo_both_tx_outcome o)
{
	tx->state = s;
	tx->outcome = o;
	return FO_BT_ACT_FINISH;
}

/* The answer to the undo, in UNDO_UNANSWERED or UNDO_LOCAL. */
static fo_both_tx_action
undo_answered(fo_both_tx *tx, fo_both_tx_event ev)
{
	bool local = tx->state == FO_BT_UNDO_LOCAL;

	switch (ev) {
	case FO_BT_EV_OK:
		return finish(tx, FO_BT_FAILED, local ? FO_BT_OUT_LOCAL_FAILED :
		    FO_BT_OUT_UNREACHABLE_UNDONE);
	case FO_BT_EV_REFUSED:
		return finish(tx, FO_BT_FAILED, local ? FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE :
		    FO_BT_OUT_UNREACHABLE);
	case FO_BT_EV_NO_ANSWER:
	case FO_BT_EV_NOT_SENT:
		return finish(tx, FO_BT_FAILED, local ? FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE :
		    FO_BT_OUT_UNREACHABLE_UNKNOWN);
	case FO_BT_EV_LOCAL_OK:
	case FO_BT_EV_LOCAL_FAILED:
		break;
	}
	return FO_BT_ACT_NONE;
}

fo_both_tx_action
fo_both_tx_step(fo_both_tx *tx, fo_both_tx_event ev)
{
	switch (tx->state) {
	case FO_BT_SENDING:
		if (ev == FO_BT_EV_OK) {
			tx->state = FO_BT_COMMITTING;
			return FO_BT_ACT_COMMIT_LOCAL;
		}
		if (ev == FO_BT_EV_REFUSED)
			return finish(tx, FO_BT_FAILED, FO_BT_OUT_REFUSED);
		if (ev == FO_BT_EV_NOT_SENT)
			return finish(tx, FO_BT_FAILED, FO_BT_OUT_UNREACHABLE);
		if (ev == FO_BT_EV_NO_ANSWER) {
			tx->state = FO_BT_UNDO_UNANSWERED;
			return FO_BT_ACT_SEND_UNDO;
		}
		break;
	case FO_BT_COMMITTING:
		if (ev == FO_BT_EV_LOCAL_OK)
			return finish(tx, FO_BT_DONE, FO_BT_OUT_DONE);
		if (ev == FO_BT_EV_LOCAL_FAILED) {
			tx->state = FO_BT_UNDO_LOCAL;
			return FO_BT_ACT_SEND_UNDO;
		}
		break;
	case FO_BT_UNDO_UNANSWERED:
	case FO_BT_UNDO_LOCAL:
		return undo_answered(tx, ev);
	case FO_BT_DONE:
	case FO_BT_FAILED:
		break;
	}
	return FO_BT_ACT_NONE;
}

const char *
fo_both_tx_state_name(fo_both_tx_state s)
{
	switch (s) {
	case FO_BT_SENDING: return "sending";
	case FO_BT_COMMITTING: return "committing";
	case FO_BT_UNDO_UNANSWERED:
	case FO_BT_UNDO_LOCAL: return "undoing";
	case FO_BT_DONE: return "done";
	case FO_BT_FAILED: return "failed";
	}
	return "?";
}

const char *
fo_both_tx_event_name(fo_both_tx_event e)
{
	switch (e) {
	case FO_BT_EV_OK: return "ok";
	case FO_BT_EV_REFUSED: return "refused";
	case FO_BT_EV_NO_ANSWER: return "no-answer";
	case FO_BT_EV_NOT_SENT: return "not-sent";
	case FO_BT_EV_LOCAL_OK: return "local-ok";
	case FO_BT_EV_LOCAL_FAILED: return "local-failed";
	}
	return "?";
}

bool
fo_both_tx_nothing_changed(fo_both_tx_outcome o)
{
	switch (o) {
	case FO_BT_OUT_REFUSED:
	case FO_BT_OUT_UNREACHABLE:
	case FO_BT_OUT_UNREACHABLE_UNDONE:
	case FO_BT_OUT_LOCAL_FAILED:
		return true;
	case FO_BT_OUT_NONE:
	case FO_BT_OUT_DONE:
	case FO_BT_OUT_UNREACHABLE_UNKNOWN:
	case FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE:
		return false;
	}
	return false;
}
