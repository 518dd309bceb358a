/*
 * fo_timers.c - timers as data: deadlines on the monotonic clock.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
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

fo_status
fo_timers_arm_s(fo_timers *t, fo_timer which, fo_mono now, uint32_t seconds)
{
	return arm_ms(t, which, now, (int64_t)seconds * 1000);
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
