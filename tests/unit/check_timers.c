/*
 * check_timers.c - timers as data: arm, cancel, next deadline, expiry order,
 * and carrying out the timer actions of a state machine step.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_fsm.h"
#include "fo_timers.h"

static const char *const names[FO_TIMER_COUNT] = {
	[FO_TIMER_STARTUP] = "startup",
	[FO_TIMER_STATE_SWITCH] = "state-switch",
	[FO_TIMER_RECOVER_WAIT] = "recover-wait",
	[FO_TIMER_CONNECT_RETRY] = "connect-retry",
	[FO_TIMER_RECEIVE] = "receive",
	[FO_TIMER_SEND] = "send",
	[FO_TIMER_POOL_REBALANCE] = "pool-rebalance",
};

START_TEST(timer_names)
{
	for (int i = 0; i < FO_TIMER_COUNT; i++)
		ck_assert_str_eq(fo_timer_name((fo_timer)i), names[i]);
	ck_assert_ptr_null(fo_timer_name((fo_timer)FO_TIMER_COUNT));
	ck_assert_ptr_null(fo_timer_name((fo_timer)-1));
}
END_TEST

START_TEST(init_nothing_armed)
{
	fo_timers t;
	fo_mono d = fo_mono_at(42);
	fo_timer w;

	memset(&t, 0xff, sizeof(t));
	fo_timers_init(&t);
	for (int i = 0; i < FO_TIMER_COUNT; i++)
		ck_assert(!fo_timers_armed(&t, (fo_timer)i, NULL));
	ck_assert(!fo_timers_next_deadline(&t, &d));
	ck_assert_int_eq(d.msec, 42);
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(INT64_MAX), &w));
}
END_TEST

START_TEST(arm_and_expire)
{
	fo_timers t;
	fo_mono d;
	fo_timer w;

	fo_timers_init(&t);
	ck_assert_int_eq(fo_timers_arm(&t, FO_TIMER_RECEIVE, fo_mono_at(1000),
	    180000), FO_OK);
	ck_assert(fo_timers_armed(&t, FO_TIMER_RECEIVE, &d));
	ck_assert_int_eq(d.msec, 181000);
	ck_assert(fo_timers_next_deadline(&t, &d));
	ck_assert_int_eq(d.msec, 181000);

	/* One millisecond early: nothing; at the deadline: expired, disarmed. */
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(180999), &w));
	ck_assert(fo_timers_armed(&t, FO_TIMER_RECEIVE, NULL));
	ck_assert(fo_timers_pop_expired(&t, fo_mono_at(181000), &w));
	ck_assert_int_eq(w, FO_TIMER_RECEIVE);
	ck_assert(!fo_timers_armed(&t, FO_TIMER_RECEIVE, NULL));
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(181000), &w));
	ck_assert(!fo_timers_next_deadline(&t, &d));

	/* Zero: expires at once. */
	fo_timers_arm(&t, FO_TIMER_RECOVER_WAIT, fo_mono_at(5000), 0);
	ck_assert(fo_timers_pop_expired(&t, fo_mono_at(5000), &w));
	ck_assert_int_eq(w, FO_TIMER_RECOVER_WAIT);
}
END_TEST

START_TEST(earliest_first)
{
	fo_timers t;
	fo_mono now = fo_mono_at(0), d;
	fo_timer w;

	fo_timers_init(&t);
	fo_timers_arm(&t, FO_TIMER_POOL_REBALANCE, now, 300000);
	fo_timers_arm(&t, FO_TIMER_SEND, now, 60000);
	fo_timers_arm(&t, FO_TIMER_CONNECT_RETRY, now, 60000);
	fo_timers_arm(&t, FO_TIMER_RECEIVE, now, 180000);
	fo_timers_arm(&t, FO_TIMER_STARTUP, now, 300000);
	ck_assert(fo_timers_next_deadline(&t, &d));
	ck_assert_int_eq(d.msec, 60000);

	/* Everything expired: deadline order, lowest timer first on a tie. */
	static const fo_timer order[] = { FO_TIMER_CONNECT_RETRY, FO_TIMER_SEND,
	    FO_TIMER_RECEIVE, FO_TIMER_STARTUP, FO_TIMER_POOL_REBALANCE };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ck_assert(fo_timers_pop_expired(&t, fo_mono_at(10000000), &w));
		ck_assert_msg(w == order[i], "pop %zu: %s", i, fo_timer_name(w));
	}
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(10000000), &w));

	/* Only those due come out. */
	fo_timers_arm(&t, FO_TIMER_SEND, now, 60000);
	fo_timers_arm(&t, FO_TIMER_RECEIVE, now, 180000);
	ck_assert(fo_timers_pop_expired(&t, fo_mono_at(100000), &w));
	ck_assert_int_eq(w, FO_TIMER_SEND);
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(100000), &w));
	ck_assert(fo_timers_next_deadline(&t, &d));
	ck_assert_int_eq(d.msec, 180000);
}
END_TEST

START_TEST(rearm_and_cancel)
{
	fo_timers t;
	fo_mono d;
	fo_timer w;

	fo_timers_init(&t);
	fo_timers_arm(&t, FO_TIMER_SEND, fo_mono_at(0), 60000);
	/* Re-arming moves the deadline, later or earlier. */
	fo_timers_arm(&t, FO_TIMER_SEND, fo_mono_at(50000), 60000);
	ck_assert(fo_timers_armed(&t, FO_TIMER_SEND, &d));
	ck_assert_int_eq(d.msec, 110000);
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(60000), &w));
	fo_timers_arm(&t, FO_TIMER_SEND, fo_mono_at(50000), 1);
	ck_assert(fo_timers_pop_expired(&t, fo_mono_at(50001), &w));

	fo_timers_arm(&t, FO_TIMER_STATE_SWITCH, fo_mono_at(0), 1000);
	fo_timers_cancel(&t, FO_TIMER_STATE_SWITCH);
	fo_timers_cancel(&t, FO_TIMER_STATE_SWITCH);
	ck_assert(!fo_timers_armed(&t, FO_TIMER_STATE_SWITCH, NULL));
	ck_assert(!fo_timers_pop_expired(&t, fo_mono_at(5000), &w));
	ck_assert(!fo_timers_next_deadline(&t, &d));

	/* Longest interval: no wrap. */
	fo_timers_arm(&t, FO_TIMER_SEND, fo_mono_at(INT64_C(1) << 40), UINT32_MAX);
	ck_assert(fo_timers_armed(&t, FO_TIMER_SEND, &d));
	ck_assert_int_eq(d.msec, (INT64_C(1) << 40) + UINT32_MAX);
}
END_TEST

START_TEST(bad_arguments)
{
	fo_timers t;
	fo_mono d;
	fo_timer w;
	fo_step st = { .n = 0 };

	fo_timers_init(&t);
	ck_assert_int_eq(fo_timers_arm(NULL, FO_TIMER_SEND, fo_mono_at(0), 1),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_timers_arm(&t, (fo_timer)FO_TIMER_COUNT,
	    fo_mono_at(0), 1), FO_ERR_INVAL);
	ck_assert_int_eq(fo_timers_arm(&t, (fo_timer)-1, fo_mono_at(0), 1),
	    FO_ERR_INVAL);
	fo_timers_cancel(NULL, FO_TIMER_SEND);
	fo_timers_cancel(&t, (fo_timer)FO_TIMER_COUNT);
	fo_timers_init(NULL);
	ck_assert(!fo_timers_armed(NULL, FO_TIMER_SEND, &d));
	ck_assert(!fo_timers_armed(&t, (fo_timer)FO_TIMER_COUNT, &d));
	ck_assert(!fo_timers_next_deadline(NULL, &d));
	ck_assert(!fo_timers_pop_expired(NULL, fo_mono_at(0), &w));
	ck_assert_int_eq(fo_fsm_apply_timers(NULL, &st, fo_mono_at(0)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_fsm_apply_timers(&t, NULL, fo_mono_at(0)), FO_ERR_INVAL);
	st.n = FO_STEP_MAX_ACTIONS + 1;
	ck_assert_int_eq(fo_fsm_apply_timers(&t, &st, fo_mono_at(0)), FO_ERR_INVAL);
}
END_TEST

/* The timer actions of real steps of the state machine. */
START_TEST(apply_fsm_steps)
{
	fo_timers t;
	fo_fsm_ctx c;
	fo_fsm_input in = { .event = FO_EV_START, .now = fo_wall_at(1000) };
	fo_step st;
	fo_mono d, now = fo_mono_at(7000);
	fo_timer w;

	fo_timers_init(&t);
	fo_fsm_ctx_init(&c, NULL);
	c.saved_state = FO_STATE_NORMAL;
	c.auto_state_transition = true;
	c.state_switch_interval = 60 * 86400;   /* 60 days: past 2^32 ms */
	fo_fsm_step(&c, &in, &st);
	ck_assert_int_eq(fo_fsm_apply_timers(&t, &st, now), FO_OK);
	ck_assert(fo_timers_armed(&t, FO_TIMER_STARTUP, &d));
	ck_assert_int_eq(d.msec, 7000 + FO_STARTUP_SECONDS * 1000);
	fo_fsm_commit(&c, &in, &st);

	/* The startup timer fires: COMM-INT, state-switch armed, startup gone. */
	ck_assert(fo_timers_pop_expired(&t, d, &w));
	ck_assert_int_eq(w, FO_TIMER_STARTUP);
	in.event = FO_EV_TIMER;
	in.timer = w;
	fo_timers_arm(&t, FO_TIMER_STARTUP, d, 1);   /* a stale re-arm */
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == FO_STATE_COMM_INTERRUPTED);
	ck_assert_int_eq(fo_fsm_apply_timers(&t, &st, d), FO_OK);
	ck_assert(!fo_timers_armed(&t, FO_TIMER_STARTUP, NULL));
	ck_assert(fo_timers_armed(&t, FO_TIMER_STATE_SWITCH, &d));
	ck_assert_int_eq(d.msec, 7000 + FO_STARTUP_SECONDS * 1000 +
	    INT64_C(60) * 86400 * 1000);
}
END_TEST

START_TEST(apply_ignores_other_actions)
{
	fo_timers t;
	fo_step st = { .n = 0 };

	fo_timers_init(&t);
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_PERSIST_STATE };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_ARM,
	    .timer = FO_TIMER_SEND, .seconds = 2 };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_ARM,
	    .timer = (fo_timer)FO_TIMER_COUNT, .seconds = 2 };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_SEND_STATE,
	    .timer = FO_TIMER_RECEIVE };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_CANCEL,
	    .timer = (fo_timer)99 };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_ARM,
	    .timer = FO_TIMER_RECEIVE, .seconds = 3 };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_CANCEL,
	    .timer = FO_TIMER_RECEIVE };
	st.act[st.n++] = (fo_action){ .kind = FO_ACT_TIMER_ARM,
	    .timer = FO_TIMER_CONNECT_RETRY, .seconds = 60 };
	/* A bad timer is reported; the rest is still carried out, in order. */
	ck_assert_int_eq(fo_fsm_apply_timers(&t, &st, fo_mono_at(0)), FO_ERR_INVAL);
	ck_assert(fo_timers_armed(&t, FO_TIMER_SEND, NULL));
	ck_assert(!fo_timers_armed(&t, FO_TIMER_RECEIVE, NULL));
	for (int i = 0; i < FO_TIMER_COUNT; i++)
		ck_assert(fo_timers_armed(&t, (fo_timer)i, NULL) ==
		    (i == FO_TIMER_SEND || i == FO_TIMER_CONNECT_RETRY));
}
END_TEST

static Suite *
timers_suite(void)
{
	Suite *s = suite_create("timers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, timer_names);
	tcase_add_test(tc, init_nothing_armed);
	tcase_add_test(tc, arm_and_expire);
	tcase_add_test(tc, earliest_first);
	tcase_add_test(tc, rearm_and_cancel);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, apply_fsm_steps);
	tcase_add_test(tc, apply_ignores_other_actions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(timers_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
