/*
 * fo_timers.c - timers as data: deadlines on the monotonic clock.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_fsm.h"
#include "fo_timers.h"

const char *
fo_timer_name(fo_timer t)
{
	switch (t) {
	case FO_TIMER_STARTUP: return "startup";
	case FO_TIMER_STATE_SWITCH: return "state-switch";
	case FO_TIMER_RECOVER_WAIT: return "recover-wait";
	case FO_TIMER_CONNECT_RETRY: return "connect-retry";
	case FO_TIMER_RECEIVE: return "receive";
	case FO_TIMER_SEND: return "send";
	case FO_TIMER_POOL_REBALANCE: return "pool-rebalance";
	}
	return NULL;
}

void
fo_timers_init(fo_timers *t)
{
	if (t == NULL)
		return;
	for (unsigned i = 0; i < FO_TIMER_COUNT; i++) {
		t->slot[i].armed = false;
		t->slot[i].deadline = fo_mono_at(0);
	}
}

static fo_status
arm_ms(fo_timers *t, fo_timer which, fo_mono now, int64_t msec)
{
	if (t == NULL || (unsigned)which >= FO_TIMER_COUNT)
		return FO_ERR_INVAL;
	t->slot[which].armed = true;
	t->slot[which].deadline = fo_mono_at(now.msec + msec);
	return FO_OK;
}

fo_status
fo_timers_arm(fo_timers *t, fo_timer which, fo_mono now, uint32_t msec)
{
	return arm_ms(t, which, now, (int64_t)msec);
}

void
fo_timers_cancel(fo_timers *t, fo_timer which)
{
	if (t == NULL || (unsigned)which >= FO_TIMER_COUNT)
		return;
	t->slot[which].armed = false;
}

bool
fo_timers_armed(const fo_timers *t, fo_timer which, fo_mono *deadline)
{
	if (t == NULL || (unsigned)which >= FO_TIMER_COUNT ||
	    !t->slot[which].armed)
		return false;
	if (deadline != NULL)
		*deadline = t->slot[which].deadline;
	return true;
}

/* Index of the armed timer with the earliest deadline, or -1. */
static int
earliest(const fo_timers *t)
{
	int best = -1;

	for (int i = 0; i < FO_TIMER_COUNT; i++) {
		if (!t->slot[i].armed)
			continue;
		if (best < 0 ||
		    t->slot[i].deadline.msec < t->slot[best].deadline.msec)
			best = i;
	}
	return best;
}

bool
fo_timers_next_deadline(const fo_timers *t, fo_mono *out)
{
	int i;

	if (t == NULL || (i = earliest(t)) < 0)
		return false;
	if (out != NULL)
		*out = t->slot[i].deadline;
	return true;
}

bool
fo_timers_pop_expired(fo_timers *t, fo_mono now, fo_timer *which)
{
	int i;

	if (t == NULL || (i = earliest(t)) < 0 ||
	    t->slot[i].deadline.msec > now.msec)
		return false;
	t->slot[i].armed = false;
	if (which != NULL)
		*which = (fo_timer)i;
	return true;
}

fo_status
fo_timers_apply(fo_timers *t, const struct fo_step *st, fo_mono now)
{
	fo_status rc = FO_OK;

	if (t == NULL || st == NULL || st->n > FO_STEP_MAX_ACTIONS)
		return FO_ERR_INVAL;
	for (size_t i = 0; i < st->n; i++) {
		const fo_action *a = &st->act[i];

		switch (a->kind) {
		case FO_ACT_TIMER_ARM:
			if (arm_ms(t, a->timer, now,
			    (int64_t)a->seconds * 1000) != FO_OK)
				rc = FO_ERR_INVAL;
			break;
		case FO_ACT_TIMER_CANCEL:
			if ((unsigned)a->timer >= FO_TIMER_COUNT)
				rc = FO_ERR_INVAL;
			else
				fo_timers_cancel(t, a->timer);
			break;
		case FO_ACT_PERSIST_STATE:
		case FO_ACT_SEND_STATE:
		case FO_ACT_SERVE_CHANGE:
		case FO_ACT_SEND_UPDREQ:
		case FO_ACT_SEND_UPDREQALL:
		case FO_ACT_RESEND_UNACKED:
		case FO_ACT_SEND_POOLREQ:
		case FO_ACT_REBALANCE_POOL:
			break;
		}
	}
	return rc;
}
