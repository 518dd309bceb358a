/*
 * fo_timers.h - the timers of one failover relationship, as data.
 *
 * Public tier. A timer is a deadline on the monotonic clock (fo_mono) and
 * an armed flag, in an array indexed by fo_timer. Nothing here reads a
 * clock or sleeps: the driver reads the clock once per turn, asks
 * fo_timers_next_deadline() how long it may sleep, and turns each timer
 * that fo_timers_pop_expired() hands back into an FO_EV_TIMER event for
 * fo_fsm_step() (fo_fsm.h) or into the connection code's own handling.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_TIMERS_H
#define FO_TIMERS_H

#include "fo_types.h"

/*
 * The timers. The state machine arms and cancels the first three and the
 * last (through FO_ACT_TIMER_ARM/FO_ACT_TIMER_CANCEL actions); the
 * connection code owns connect-retry, receive and send.
 */
typedef enum fo_timer {
	FO_TIMER_STARTUP = 0,      /* time spent in STARTUP (draft-12 9.3.2 step 3; Windows 5 min) */
	FO_TIMER_STATE_SWITCH,     /* safe period: COMM-INT -> PARTNER-DOWN (section 10, StateSwitchInterval) */
	FO_TIMER_RECOVER_WAIT,     /* RECOVER-WAIT -> RECOVER-DONE after MCLT (9.6.2) */
	FO_TIMER_CONNECT_RETRY,    /* reconnect to the partner (8.6; Windows 1 min) */
	FO_TIMER_RECEIVE,          /* tReceive: no message from the partner in time (8.3) */
	FO_TIMER_SEND,             /* tSend: send CONTACT when nothing else was sent (8.3) */
	FO_TIMER_POOL_REBALANCE,   /* NORMAL: POOLREQ (secondary) or rebalance (primary); Windows 5 min */
} fo_timer;
#define FO_TIMER_COUNT 7

/* "startup", "state-switch", "recover-wait", "connect-retry", "receive",
 * "send", "pool-rebalance"; NULL if out of range. */
const char *fo_timer_name(fo_timer t);

typedef struct fo_timer_slot {
	bool armed;
	fo_mono deadline;          /* valid when armed */
} fo_timer_slot;

typedef struct fo_timers {
	fo_timer_slot slot[FO_TIMER_COUNT];
} fo_timers;

/* Every timer disarmed. */
void fo_timers_init(fo_timers *t);

/*
 * Arm (or re-arm) `which` to expire at now + msec. msec 0 expires at once
 * (the next fo_timers_pop_expired() with the same `now` returns it).
 * FO_ERR_INVAL for a NULL `t` or a timer out of range.
 */
fo_status fo_timers_arm(fo_timers *t, fo_timer which, fo_mono now, uint32_t msec);
/* The same, `seconds` from now (no overflow for any uint32_t). */
fo_status fo_timers_arm_s(fo_timers *t, fo_timer which, fo_mono now, uint32_t seconds);

/* Disarm `which`; disarming a disarmed timer is not an error. */
void fo_timers_cancel(fo_timers *t, fo_timer which);

/* Is `which` armed? If so and `deadline` is not NULL, store its deadline. */
bool fo_timers_armed(const fo_timers *t, fo_timer which, fo_mono *deadline);

/*
 * The earliest deadline of all armed timers in *out; false (and *out
 * untouched) when none is armed. A deadline in the past is returned as is:
 * the caller should not sleep at all.
 */
bool fo_timers_next_deadline(const fo_timers *t, fo_mono *out);

/*
 * If some armed timer has deadline <= now, disarm the one with the
 * earliest deadline (the lowest fo_timer on a tie), store it in *which and
 * return true. False when nothing has expired. The driver loops until
 * false, so several timers expiring in one turn come out in deadline order.
 */
bool fo_timers_pop_expired(fo_timers *t, fo_mono now, fo_timer *which);


#endif /* FO_TIMERS_H */
