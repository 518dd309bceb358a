/*
 * check_fsm.c - the failover state machine (draft-12 section 9) as truth
 * tables, written out from the draft, plus action lists and scenarios in
 * which two state machines talk to each other.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_fsm.h"
#include "fo_timers.h"

/* Short names, so that the tables read as tables. */
#define NS FO_STATE_NOSTATE
#define IN FO_STATE_INIT
#define SU FO_STATE_STARTUP
#define NO FO_STATE_NORMAL
#define CI FO_STATE_COMM_INTERRUPTED
#define PD FO_STATE_PARTNER_DOWN
#define PC FO_STATE_POTENTIAL_CONFLICT
#define CD FO_STATE_CONFLICT_DONE
#define RI FO_STATE_RESOLUTION_INTERRUPTED
#define RC FO_STATE_RECOVER
#define RW FO_STATE_RECOVER_WAIT
#define RD FO_STATE_RECOVER_DONE
#define PA FO_STATE_PAUSED
#define SD FO_STATE_SHUTDOWN

#define NOW 2000000        /* "now" of every single step */
#define LAST_DOWN 1000000  /* this server's last recorded operation */
#define EARLY 900000       /* a partner start-time-of-state before LAST_DOWN */
#define LATE 1500000       /* ... after it */
#define MCLT 3600

static const char *
sn(fo_state s)
{
	const char *n = fo_state_name(s);

	return n != NULL ? n : "?";
}

/*
 * A server in state `s`. STARTUP, PAUSED and SHUTDOWN have NORMAL as the
 * state saved before them; the others have themselves saved.
 */
static fo_fsm_ctx
ctx_in(fo_state s, fo_server_type type)
{
	fo_fsm_ctx c;

	fo_fsm_ctx_init(&c, NULL);
	c.state = s;
	c.state_since = fo_wall_at(NOW - 500);
	c.saved_state = (s == SU || s == PA || s == SD) ? NO : s;
	c.saved_since = fo_wall_at(NOW - 700);
	c.type = type;
	c.mclt = MCLT;
	c.last_down = fo_wall_at(LAST_DOWN);
	return c;
}

static fo_fsm_input
ev(fo_event e)
{
	fo_fsm_input in = { .event = e, .now = fo_wall_at(NOW) };

	return in;
}

static fo_fsm_input
ev_peer(fo_event e, fo_state p, int64_t since)
{
	fo_fsm_input in = ev(e);

	in.partner_state = p;
	in.partner_since = fo_wall_at(since);
	return in;
}

static fo_fsm_input
ev_timer(fo_timer t)
{
	fo_fsm_input in = ev(FO_EV_TIMER);

	in.timer = t;
	return in;
}

/* Index of the first action of kind `k` (and timer `t` for timer actions), or -1. */
static int
find(const fo_step *st, fo_action_kind k, fo_timer t)
{
	for (size_t i = 0; i < st->n; i++) {
		if (st->act[i].kind != k)
			continue;
		if ((k == FO_ACT_TIMER_ARM || k == FO_ACT_TIMER_CANCEL) &&
		    st->act[i].timer != t)
			continue;
		return (int)i;
	}
	return -1;
}

static int
count(const fo_step *st, fo_action_kind k)
{
	int n = 0;

	for (size_t i = 0; i < st->n; i++)
		n += st->act[i].kind == k;
	return n;
}

#define HAS(st, k) (find((st), (k), FO_TIMER_STARTUP) >= 0)

/*
 * THE TRUTH TABLE: next state when the partner's STATE arrives, with
 * communications becoming OK or already OK (draft-12 9.2-9.14, reference
 * section 5). Rows: this server; columns: the partner, in fo_state order.
 * STARTUP row: saved state NORMAL (previous state COMM-INT), the partner's
 * PARTNER-DOWN began before our last operation.
 */
static const fo_state ok_table[FO_STATE_COUNT][FO_STATE_COUNT] = {
	/*          NS  IN  SU  NO  CI  PD  PC  CD  RI  RC  RW  RD  PA  SD */
	[NS] = {    NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS },
	[IN] = {    IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN },
	[SU] = {    CI, CI, CI, NO, NO, PC, PC, PC, PC, CI, CI, NO, CI, PD },
	[NO] = {    CI, CI, CI, NO, NO, PC, PC, PC, PC, PD, CI, NO, CI, PD },
	[CI] = {    CI, CI, CI, NO, NO, PC, PC, PC, PC, CI, CI, NO, CI, PD },
	[PD] = {    PD, PD, PD, PC, PC, PC, PC, PC, PC, PD, PD, NO, PD, PD },
	[PC] = {    RI, RI, RI, PC, PC, PC, PC, PC, PC, PC, PC, PC, RI, PD },
	[CD] = {    CD, CD, CD, NO, CD, CD, CD, CD, CD, CD, CD, CD, CD, PD },
	[RI] = {    RI, RI, RI, PC, PC, PC, PC, PC, PC, PC, PC, PC, RI, PD },
	[RC] = {    RC, RC, RC, RC, RC, RC, PC, PC, PC, RC, RC, RC, RC, RC },
	[RW] = {    RW, RW, RW, RW, RW, RW, RW, RW, RW, RW, RW, RW, RW, RW },
	[RD] = {    RD, RD, RD, NO, RD, RD, PC, PC, PC, RD, RD, NO, RD, RD },
	[PA] = {    PA, PA, PA, PA, PA, PA, PA, PA, PA, PA, PA, PA, PA, PA },
	[SD] = {    SD, SD, SD, SD, SD, SD, SD, SD, SD, SD, SD, SD, SD, SD },
};

/* Communications failed, for every state (9.3.2 step 2 and 9.4-9.14). */
static const fo_state failed_table[FO_STATE_COUNT] = {
	[NS] = NS, [IN] = IN, [SU] = SU, [NO] = CI, [CI] = CI, [PD] = PD,
	[PC] = RI, [CD] = CD, [RI] = RI, [RC] = RC, [RW] = RW, [RD] = RD,
	[PA] = PA, [SD] = SD,
};

static void
check_ok_cell(fo_state me, fo_state peer, fo_event e, fo_server_type type,
    bool flag)
{
	fo_fsm_ctx c = ctx_in(me, type);
	fo_fsm_input in = ev_peer(e, peer, EARLY);
	fo_state want = ok_table[me][peer];
	fo_step st;

	if (flag) {
		/* The STARTUP flag counts as a partner in STARTUP (9.3.1). */
		in.partner_state = NO;
		in.partner_startup = true;
		want = ok_table[me][SU];
	}
	c.comm_ok = e == FO_EV_PARTNER_STATE;
	c.partner_known = c.comm_ok;
	c.partner_state = c.comm_ok ? NO : NS;
	fo_fsm_step(&c, &in, &st);
	ck_assert_msg(st.next == want,
	    "%s, %s, partner %s%s: got %s, want %s", sn(me),
	    fo_event_name(e), sn(peer), flag ? " (STARTUP flag)" : "",
	    sn(st.next), sn(want));
	ck_assert(st.changed == (want != me));
	ck_assert(!st.refused);
}

START_TEST(truth_table_partner_state)
{
	fo_state me = (fo_state)(_i / FO_STATE_COUNT);
	fo_state peer = (fo_state)(_i % FO_STATE_COUNT);

	for (int t = FO_PRIMARY; t <= FO_SECONDARY; t++) {
		check_ok_cell(me, peer, FO_EV_COMM_OK, (fo_server_type)t, false);
		check_ok_cell(me, peer, FO_EV_PARTNER_STATE, (fo_server_type)t,
		    false);
		check_ok_cell(me, peer, FO_EV_COMM_OK, (fo_server_type)t, true);
	}
}
END_TEST

START_TEST(truth_table_comm_failed)
{
	fo_state me = (fo_state)_i;

	for (int t = FO_PRIMARY; t <= FO_SECONDARY; t++) {
		fo_fsm_ctx c = ctx_in(me, (fo_server_type)t);
		fo_fsm_input in = ev(FO_EV_COMM_FAILED);
		fo_step st;

		c.comm_ok = true;
		c.partner_known = true;
		c.partner_state = NO;
		fo_fsm_step(&c, &in, &st);
		ck_assert_msg(st.next == failed_table[me],
		    "%s, comm failed: got %s, want %s", sn(me), sn(st.next),
		    sn(failed_table[me]));
		/* Communications are down: nothing is announced. */
		ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), 0);
	}
}
END_TEST

/*
 * STARTUP (9.3.2), per saved state: the state taken when the startup timer
 * expires, with the partner NORMAL, and with the partner in PARTNER-DOWN
 * since before / after our last operation.
 */
static const struct {
	fo_state saved;
	fo_state on_timer;
	fo_state partner_normal;
	fo_state pd_early;
	fo_state pd_late;
} startup_rows[] = {
	{ NS, RC, RC, RC, RC },   /* never ran: RECOVER, whatever the partner */
	{ IN, RC, RC, RC, RC },
	{ SU, RC, RC, PC, RC },
	{ NO, CI, NO, PC, RC },
	{ CI, CI, NO, PC, RC },
	{ PD, PD, PC, PC, RC },
	{ PC, RI, PC, PC, RC },
	{ CD, CD, NO, PC, RC },
	{ RI, RI, PC, PC, RC },
	{ RC, RC, RC, PC, RC },
	{ RW, RW, RW, PC, RC },
	{ RD, RD, NO, PC, RC },
	{ PA, CI, NO, PC, RC },
	{ SD, CI, NO, PC, RC },
};

static fo_state
startup_next(fo_state saved, fo_fsm_input in)
{
	fo_fsm_ctx c = ctx_in(SU, FO_PRIMARY);
	fo_step st;

	c.saved_state = saved;
	fo_fsm_step(&c, &in, &st);
	ck_assert_int_eq(count(&st, FO_ACT_PERSIST_STATE), 1);
	ck_assert_int_ge(find(&st, FO_ACT_TIMER_CANCEL, FO_TIMER_STARTUP), 0);
	return st.next;
}

START_TEST(startup_rules)
{
	fo_state saved = startup_rows[_i].saved;
	fo_state got;

	ck_assert_int_eq(sizeof(startup_rows) / sizeof(startup_rows[0]),
	    FO_STATE_COUNT);
	ck_assert(fo_fsm_previous_state(saved) == startup_rows[_i].on_timer);
	got = startup_next(saved, ev_timer(FO_TIMER_STARTUP));
	ck_assert_msg(got == startup_rows[_i].on_timer, "saved %s, timer: %s",
	    sn(saved), sn(got));
	got = startup_next(saved, ev_peer(FO_EV_COMM_OK, NO, EARLY));
	ck_assert_msg(got == startup_rows[_i].partner_normal,
	    "saved %s, partner NORMAL: %s", sn(saved), sn(got));
	got = startup_next(saved, ev_peer(FO_EV_COMM_OK, PD, EARLY));
	ck_assert_msg(got == startup_rows[_i].pd_early,
	    "saved %s, partner PD early: %s", sn(saved), sn(got));
	got = startup_next(saved, ev_peer(FO_EV_COMM_OK, PD, LATE));
	ck_assert_msg(got == startup_rows[_i].pd_late,
	    "saved %s, partner PD late: %s", sn(saved), sn(got));
	/* A partner start time equal to our last operation is not "later". */
	if (!(saved == NS || saved == IN))
		ck_assert(startup_next(saved,
		    ev_peer(FO_EV_COMM_OK, PD, LAST_DOWN)) == PC);
}
END_TEST

START_TEST(startup_enter_and_leave)
{
	fo_fsm_ctx c;
	fo_fsm_input in = ev(FO_EV_START);
	fo_step st;
	int i;

	fo_fsm_ctx_init(&c, NULL);
	c.saved_state = PD;
	c.saved_since = fo_wall_at(12345);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == SU && st.changed);
	/* The saved state is kept as the restart state. */
	ck_assert_int_eq(st.act[0].kind, FO_ACT_PERSIST_STATE);
	ck_assert(st.act[0].state == PD);
	ck_assert_int_eq(st.act[0].since.sec, 12345);
	i = find(&st, FO_ACT_TIMER_ARM, FO_TIMER_STARTUP);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(st.act[i].seconds, FO_STARTUP_SECONDS);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), 0);
	fo_fsm_commit(&c, &in, &st);
	ck_assert(c.state == SU && c.saved_state == PD);
	ck_assert(!c.local_state_lost);

	/* Announce in STARTUP: the previous state with the STARTUP flag. */
	{
		fo_state a;
		bool f;

		fo_fsm_announce(&c, &a, &f);
		ck_assert(a == PD && f);
	}

	/* Back to the saved PARTNER-DOWN keeps its start time (9.4.2 MCLT). */
	in = ev_timer(FO_TIMER_STARTUP);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == PD);
	ck_assert(st.act[0].kind == FO_ACT_PERSIST_STATE && st.act[0].state == PD);
	ck_assert_int_eq(st.act[0].since.sec, 12345);
	fo_fsm_commit(&c, &in, &st);
	ck_assert(c.state == PD);
	ck_assert_int_eq(c.state_since.sec, 12345);

	/* Saved NORMAL: restarting into NORMAL is a new NORMAL, with a new time. */
	{
		fo_fsm_ctx n = ctx_in(SU, FO_PRIMARY);

		n.saved_state = NO;
		n.saved_since = fo_wall_at(12345);
		in = ev_peer(FO_EV_COMM_OK, NO, EARLY);
		fo_fsm_step(&n, &in, &st);
		ck_assert(st.next == NO);
		ck_assert_int_eq(st.act[0].since.sec, NOW);
		ck_assert(st.act[1].kind == FO_ACT_SEND_STATE);
		ck_assert_int_eq(st.act[1].since.sec, NOW);
		fo_fsm_commit(&n, &in, &st);
		ck_assert_int_eq(n.state_since.sec, NOW);
	}

	/* START is ignored once started. */
	in = ev(FO_EV_START);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == PD && !st.changed && st.n == 0);
}
END_TEST

START_TEST(startup_never_ran_updreqall)
{
	fo_fsm_ctx c;
	fo_fsm_input in = ev(FO_EV_START);
	fo_step st;

	fo_fsm_ctx_init(&c, NULL);
	c.state = NS;
	fo_fsm_step(&c, &in, &st);
	fo_fsm_commit(&c, &in, &st);
	ck_assert(c.state == SU && c.local_state_lost);

	/* Partner still starting: RECOVER, no request yet. */
	in = ev_peer(FO_EV_COMM_OK, RC, 0);
	in.partner_startup = true;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC);
	ck_assert(!HAS(&st, FO_ACT_SEND_UPDREQ) && !HAS(&st, FO_ACT_SEND_UPDREQALL));
	ck_assert(HAS(&st, FO_ACT_SEND_STATE));
	fo_fsm_commit(&c, &in, &st);

	/* The partner leaves STARTUP: now UPDREQALL (9.5.2). */
	in = ev_peer(FO_EV_PARTNER_STATE, RC, 0);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC && !st.changed);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQALL), 1);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 0);
	fo_fsm_commit(&c, &in, &st);

	/* A further partner state change does not repeat it. */
	in = ev_peer(FO_EV_PARTNER_STATE, RW, 0);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC && st.n == 0);

	/* UPDDONE: RECOVER-WAIT; never ran (last_down 0): no wait. */
	c.last_down = fo_wall_at(0);
	in = ev(FO_EV_UPDDONE);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RW);
	ck_assert_uint_eq(st.act[find(&st, FO_ACT_TIMER_ARM,
	    FO_TIMER_RECOVER_WAIT)].seconds, 0);
	fo_fsm_commit(&c, &in, &st);
	ck_assert(!c.local_state_lost);
}
END_TEST

START_TEST(recover_updreq_kinds)
{
	fo_fsm_ctx c = ctx_in(RC, FO_SECONDARY);
	fo_fsm_input in = ev_peer(FO_EV_COMM_OK, PD, EARLY);
	fo_step st;

	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC && !st.changed);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 1);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQALL), 0);

	c.local_state_lost = true;
	fo_fsm_step(&c, &in, &st);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 0);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQALL), 1);

	/* No request to a partner that is leaving service. */
	in = ev_peer(FO_EV_COMM_OK, SD, EARLY);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC && st.n == 0);
	in = ev_peer(FO_EV_COMM_OK, PA, EARLY);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == RC && st.n == 0);
}
END_TEST

START_TEST(auto_state_transition_on)
{
	fo_fsm_ctx c = ctx_in(NO, FO_PRIMARY);
	fo_fsm_input in = ev(FO_EV_COMM_FAILED);
	fo_step st;
	int i;

	c.comm_ok = true;
	c.auto_state_transition = true;
	c.state_switch_interval = 3600;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == CI);
	i = find(&st, FO_ACT_TIMER_ARM, FO_TIMER_STATE_SWITCH);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(st.act[i].seconds, 3600);
	ck_assert_int_ge(find(&st, FO_ACT_TIMER_CANCEL, FO_TIMER_POOL_REBALANCE), 0);
	fo_fsm_commit(&c, &in, &st);

	/* Expiry: PARTNER-DOWN, timer no longer needed. */
	in = ev_timer(FO_TIMER_STATE_SWITCH);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == PD);
	ck_assert_int_ge(find(&st, FO_ACT_TIMER_CANCEL, FO_TIMER_STATE_SWITCH), 0);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), 0);

	/* Leaving COMM-INT another way cancels it. */
	in = ev_peer(FO_EV_COMM_OK, CI, EARLY);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == NO);
	ck_assert_int_ge(find(&st, FO_ACT_TIMER_CANCEL, FO_TIMER_STATE_SWITCH), 0);

	/* Other timers do nothing in COMM-INT. */
	for (int t = 0; t < FO_TIMER_COUNT; t++) {
		if (t == FO_TIMER_STATE_SWITCH)
			continue;
		in = ev_timer((fo_timer)t);
		fo_fsm_step(&c, &in, &st);
		ck_assert(st.next == CI && st.n == 0);
	}
}
END_TEST

START_TEST(auto_state_transition_off)
{
	fo_fsm_ctx c = ctx_in(NO, FO_PRIMARY);
	fo_fsm_input in = ev(FO_EV_COMM_FAILED);
	fo_step st;

	c.comm_ok = true;
	c.auto_state_transition = false;
	c.state_switch_interval = 3600;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == CI);
	ck_assert_int_lt(find(&st, FO_ACT_TIMER_ARM, FO_TIMER_STATE_SWITCH), 0);

	/* On without an interval: no timer either. */
	c.auto_state_transition = true;
	c.state_switch_interval = 0;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == CI);
	ck_assert_int_lt(find(&st, FO_ACT_TIMER_ARM, FO_TIMER_STATE_SWITCH), 0);

	/* A stale expiry with the feature off changes nothing. */
	c = ctx_in(CI, FO_PRIMARY);
	c.auto_state_transition = false;
	in = ev_timer(FO_TIMER_STATE_SWITCH);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == CI && st.n == 0);
	/* The state-switch timer means nothing outside COMM-INT. */
	for (int s = 0; s < FO_STATE_COUNT; s++) {
		if (s == CI)
			continue;
		c = ctx_in((fo_state)s, FO_PRIMARY);
		c.auto_state_transition = true;
		c.state_switch_interval = 10;
		fo_fsm_step(&c, &in, &st);
		ck_assert_msg(st.next == (fo_state)s, "%s", sn((fo_state)s));
	}
}
END_TEST

/* Operator partner-down: accepted only where draft-12 has the transition. */
static const bool operator_ok[FO_STATE_COUNT] = {
	[NO] = true, [CI] = true, [RI] = true,
};

START_TEST(operator_partner_down)
{
	fo_state s = (fo_state)_i;
	fo_fsm_ctx c = ctx_in(s, FO_PRIMARY);
	fo_fsm_input in = ev(FO_EV_OPERATOR_PARTNER_DOWN);
	const char *why = NULL;
	fo_step st;

	c.comm_ok = (s == NO);
	fo_fsm_step(&c, &in, &st);
	ck_assert(fo_fsm_operator_partner_down_ok(s, &why) == operator_ok[s]);
	if (operator_ok[s]) {
		ck_assert_msg(st.next == PD && st.changed && !st.refused, "%s",
		    sn(s));
		ck_assert(st.reason == NULL);
		ck_assert_int_eq(st.act[0].kind, FO_ACT_PERSIST_STATE);
		ck_assert(st.act[0].state == PD);
		ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), c.comm_ok);
	} else {
		ck_assert_msg(st.next == s && !st.changed && st.refused, "%s",
		    sn(s));
		ck_assert(st.reason != NULL && strlen(st.reason) > 10);
		ck_assert_str_eq(st.reason, why);
		ck_assert_uint_eq(st.n, 0);
	}
}
END_TEST

START_TEST(recover_wait_duration)
{
	fo_fsm_ctx c = ctx_in(RC, FO_PRIMARY);
	static const struct {
		int64_t elapsed;
		uint32_t wait;
	} rows[] = {
		{ -100, MCLT },     /* last_down in the future: full MCLT */
		{ 0, MCLT },
		{ 1, MCLT - 1 },
		{ MCLT - 1, 1 },
		{ MCLT, 0 },
		{ MCLT + 1, 0 },    /* elapsed > MCLT: no wait */
		{ 10 * MCLT, 0 },
		{ NOW, 0 },         /* last_down 0: never ran */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fo_fsm_input in = ev(FO_EV_UPDDONE);
		fo_step st;
		int k;

		c.last_down = fo_wall_at(NOW - rows[i].elapsed);
		ck_assert_uint_eq(fo_fsm_recover_wait_seconds(&c,
		    fo_wall_at(NOW)), rows[i].wait);
		fo_fsm_step(&c, &in, &st);
		ck_assert(st.next == RW);
		k = find(&st, FO_ACT_TIMER_ARM, FO_TIMER_RECOVER_WAIT);
		ck_assert_int_ge(k, 0);
		ck_assert_uint_eq(st.act[k].seconds, rows[i].wait);
	}
	c.mclt = 0;
	ck_assert_uint_eq(fo_fsm_recover_wait_seconds(&c, fo_wall_at(NOW)), 0);
}
END_TEST

/* RECOVER-WAIT timer: RECOVER-DONE, or further by the partner's known state. */
START_TEST(recover_wait_expiry)
{
	static const struct {
		bool comm_ok;
		fo_state peer;
		fo_state want;
	} rows[] = {
		{ false, NO, RD }, { true, PD, RD }, { true, CI, RD },
		{ true, NO, NO }, { true, RD, NO }, { true, PC, PC },
		{ true, RC, RD }, { true, SU, RD },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fo_fsm_ctx c = ctx_in(RW, FO_SECONDARY);
		fo_fsm_input in = ev_timer(FO_TIMER_RECOVER_WAIT);
		fo_step st;

		c.comm_ok = rows[i].comm_ok;
		c.partner_known = rows[i].comm_ok;
		c.partner_state = rows[i].peer;
		fo_fsm_step(&c, &in, &st);
		ck_assert_msg(st.next == rows[i].want, "row %zu: %s", i,
		    sn(st.next));
		ck_assert_int_ge(find(&st, FO_ACT_TIMER_CANCEL,
		    FO_TIMER_RECOVER_WAIT), 0);
		ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), rows[i].comm_ok);
	}
}
END_TEST

/* POTENTIAL-CONFLICT, primary and secondary (9.10). */
START_TEST(potential_conflict_roles)
{
	fo_fsm_ctx p = ctx_in(CI, FO_PRIMARY);
	fo_fsm_ctx s = ctx_in(CI, FO_SECONDARY);
	fo_fsm_input in = ev_peer(FO_EV_COMM_OK, PD, EARLY);
	fo_step st;

	/* Entry: the primary asks, the secondary waits. */
	fo_fsm_step(&p, &in, &st);
	ck_assert(st.next == PC);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 1);
	fo_fsm_step(&s, &in, &st);
	ck_assert(st.next == PC);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 0);

	/* UPDDONE: primary -> CONFLICT-DONE, secondary -> NORMAL. */
	p = ctx_in(PC, FO_PRIMARY);
	s = ctx_in(PC, FO_SECONDARY);
	p.comm_ok = s.comm_ok = true;
	in = ev(FO_EV_UPDDONE);
	fo_fsm_step(&p, &in, &st);
	ck_assert(st.next == CD);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 0);
	fo_fsm_step(&s, &in, &st);
	ck_assert(st.next == NO);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 1);
	ck_assert_int_lt(find(&st, FO_ACT_RESEND_UNACKED, 0),
	    find(&st, FO_ACT_SEND_POOLREQ, 0));

	/* The secondary sends UPDREQ when the primary announces CONFLICT-DONE. */
	s.partner_known = true;
	s.partner_state = PC;
	in = ev_peer(FO_EV_PARTNER_STATE, CD, NOW);
	fo_fsm_step(&s, &in, &st);
	ck_assert(st.next == PC && !st.changed);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 1);
	/* ... once. */
	s.partner_state = CD;
	fo_fsm_step(&s, &in, &st);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 0);
	/* The primary does not repeat its request on a partner state. */
	p.partner_known = true;
	p.partner_state = RI;
	in = ev_peer(FO_EV_PARTNER_STATE, PC, NOW);
	fo_fsm_step(&p, &in, &st);
	ck_assert(st.next == PC && st.n == 0);
	/* A secondary entering with the primary already CONFLICT-DONE asks. */
	s = ctx_in(RI, FO_SECONDARY);
	in = ev_peer(FO_EV_COMM_OK, CD, NOW);
	fo_fsm_step(&s, &in, &st);
	ck_assert(st.next == PC);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_UPDREQ), 1);

	/* The primary in CONFLICT-DONE follows the secondary into NORMAL. */
	p = ctx_in(CD, FO_PRIMARY);
	p.comm_ok = true;
	in = ev_peer(FO_EV_PARTNER_STATE, NO, NOW);
	fo_fsm_step(&p, &in, &st);
	ck_assert(st.next == NO);
	ck_assert_int_eq(count(&st, FO_ACT_RESEND_UNACKED), 1);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 0);

	/* UPDDONE means nothing outside RECOVER and POTENTIAL-CONFLICT. */
	for (int x = 0; x < FO_STATE_COUNT; x++) {
		if (x == PC || x == RC)
			continue;
		p = ctx_in((fo_state)x, FO_PRIMARY);
		in = ev(FO_EV_UPDDONE);
		fo_fsm_step(&p, &in, &st);
		ck_assert(st.next == (fo_state)x && st.n == 0);
	}
}
END_TEST

START_TEST(normal_entry_and_pool_timer)
{
	fo_fsm_ctx c = ctx_in(CI, FO_SECONDARY);
	fo_fsm_input in = ev_peer(FO_EV_COMM_OK, NO, EARLY);
	fo_step st;
	int i;

	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == NO);
	ck_assert_int_eq(count(&st, FO_ACT_RESEND_UNACKED), 1);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 1);
	i = find(&st, FO_ACT_TIMER_ARM, FO_TIMER_POOL_REBALANCE);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(st.act[i].seconds, FO_POOL_REBALANCE_SECONDS);

	c = ctx_in(NO, FO_SECONDARY);
	c.comm_ok = true;
	in = ev_timer(FO_TIMER_POOL_REBALANCE);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == NO && !st.changed);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 1);
	ck_assert_int_eq(count(&st, FO_ACT_REBALANCE_POOL), 0);
	ck_assert_int_ge(find(&st, FO_ACT_TIMER_ARM, FO_TIMER_POOL_REBALANCE), 0);
	c.type = FO_PRIMARY;
	fo_fsm_step(&c, &in, &st);
	ck_assert_int_eq(count(&st, FO_ACT_SEND_POOLREQ), 0);
	ck_assert_int_eq(count(&st, FO_ACT_REBALANCE_POOL), 1);
	ck_assert_int_eq(count(&st, FO_ACT_PERSIST_STATE), 0);
}
END_TEST

START_TEST(shutdown_and_pause)
{
	fo_fsm_ctx c = ctx_in(NO, FO_PRIMARY);
	fo_fsm_input in = ev(FO_EV_SHUTDOWN);
	fo_step st;

	c.comm_ok = true;
	c.state_since = fo_wall_at(777);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == SD);
	/* 9.14.1: record the state before SHUTDOWN, announce SHUTDOWN. */
	ck_assert(st.act[0].kind == FO_ACT_PERSIST_STATE && st.act[0].state == NO);
	ck_assert_int_eq(st.act[0].since.sec, 777);
	ck_assert(st.act[1].kind == FO_ACT_SEND_STATE && st.act[1].state == SD);
	for (int t = 0; t < FO_TIMER_COUNT; t++) {
		bool fsm_timer = t == FO_TIMER_STARTUP ||
		    t == FO_TIMER_STATE_SWITCH || t == FO_TIMER_RECOVER_WAIT ||
		    t == FO_TIMER_POOL_REBALANCE;
		ck_assert((find(&st, FO_ACT_TIMER_CANCEL, (fo_timer)t) >= 0) ==
		    fsm_timer);
	}
	fo_fsm_commit(&c, &in, &st);
	ck_assert(c.state == SD && c.saved_state == NO);

	/* 9.14.2: the partner takes over: restart in RECOVER. */
	in = ev_peer(FO_EV_PARTNER_STATE, PD, NOW);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == SD && !st.changed);
	ck_assert_uint_eq(st.n, 1);
	ck_assert(st.act[0].kind == FO_ACT_PERSIST_STATE && st.act[0].state == RC);
	fo_fsm_commit(&c, &in, &st);
	ck_assert(c.saved_state == RC);
	fo_fsm_step(&c, &in, &st);
	ck_assert_uint_eq(st.n, 0);

	/* Nothing leaves SHUTDOWN or PAUSED but a restart. */
	for (int e = 0; e < FO_EVENT_COUNT; e++) {
		fo_fsm_ctx d = ctx_in(SD, FO_PRIMARY);
		fo_fsm_ctx p = ctx_in(PA, FO_PRIMARY);

		in = ev_peer((fo_event)e, NO, NOW);
		fo_fsm_step(&d, &in, &st);
		ck_assert(st.next == SD);
		fo_fsm_step(&p, &in, &st);
		ck_assert(st.next == (e == FO_EV_SHUTDOWN ? SD : PA));
	}

	/* PAUSE from STARTUP keeps the saved state as the restart state. */
	c = ctx_in(SU, FO_PRIMARY);
	c.saved_state = CD;
	in = ev(FO_EV_PAUSE);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == PA);
	ck_assert(st.act[0].state == CD);

	/* Not started: nothing to shut down. */
	c = ctx_in(IN, FO_PRIMARY);
	in = ev(FO_EV_SHUTDOWN);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == IN && st.n == 0);
}
END_TEST

/*
 * Persist before announce, for every step the machine can take: every state,
 * event, partner state (and STARTUP flag), timer, role, and setting.
 */
START_TEST(persist_before_send_everywhere)
{
	unsigned transitions = 0;

	for (int s = 0; s < FO_STATE_COUNT; s++)
	for (int e = 0; e < FO_EVENT_COUNT; e++)
	for (int p = 0; p <= FO_STATE_COUNT; p++)
	for (int t = 0; t < FO_TIMER_COUNT; t++)
	for (int bits = 0; bits < 16; bits++) {
		fo_fsm_ctx c = ctx_in((fo_state)s,
		    (bits & 1) ? FO_SECONDARY : FO_PRIMARY);
		fo_fsm_input in = ev_peer((fo_event)e,
		    p == FO_STATE_COUNT ? NO : (fo_state)p,
		    (bits & 8) ? LATE : EARLY);
		bool comm_after;
		fo_step st;
		int per, snd;

		in.partner_startup = p == FO_STATE_COUNT;
		in.timer = (fo_timer)t;
		c.comm_ok = (bits & 2) != 0;
		c.partner_known = c.comm_ok;
		c.partner_state = PD;
		c.auto_state_transition = (bits & 4) != 0;
		c.state_switch_interval = 60;
		c.local_state_lost = (bits & 8) != 0;
		fo_fsm_step(&c, &in, &st);
		ck_assert_uint_lt(st.n, FO_STEP_MAX_ACTIONS);
		ck_assert(st.changed == (st.next != c.state));
		ck_assert(!st.refused || e == FO_EV_OPERATOR_PARTNER_DOWN);
		comm_after = e == FO_EV_COMM_OK || e == FO_EV_PARTNER_STATE ||
		    (e != FO_EV_COMM_FAILED && c.comm_ok);
		per = find(&st, FO_ACT_PERSIST_STATE, 0);
		snd = find(&st, FO_ACT_SEND_STATE, 0);
		if (!st.changed) {
			ck_assert_int_eq(snd, -1);
			continue;
		}
		transitions++;
		ck_assert_msg(per == 0, "%s --%s--> %s: persist at %d",
		    sn((fo_state)s), fo_event_name((fo_event)e), sn(st.next), per);
		ck_assert_int_eq(count(&st, FO_ACT_PERSIST_STATE), 1);
		ck_assert_int_eq(count(&st, FO_ACT_SEND_STATE), comm_after);
		if (comm_after)
			ck_assert_int_gt(snd, per);
		ck_assert_int_eq(count(&st, FO_ACT_SERVE_CHANGE), 1);
		for (size_t i = 0; i < st.n; i++) {
			fo_timer tt = st.act[i].timer;

			if (st.act[i].kind != FO_ACT_TIMER_ARM)
				continue;
			ck_assert(tt == FO_TIMER_STARTUP ||
			    tt == FO_TIMER_STATE_SWITCH ||
			    tt == FO_TIMER_RECOVER_WAIT ||
			    tt == FO_TIMER_POOL_REBALANCE);
		}
	}
	ck_assert_uint_gt(transitions, 1000);
}
END_TEST

/* --- Two state machines talking ---------------------------------------- */

struct node {
	fo_fsm_ctx c;
	fo_timers t;
};

struct msg {
	int to;
	fo_fsm_input in;
};

struct net {
	struct node n[2];
	struct msg q[256];
	size_t head, tail;
	int64_t now;           /* seconds; monotonic = now * 1000 */
	bool up;
	unsigned steps;
};

static void
post(struct net *w, int to, fo_fsm_input in)
{
	ck_assert_uint_lt(w->tail, 256);
	in.now = fo_wall_at(w->now);
	w->q[w->tail++] = (struct msg){ to, in };
}

static void
run_step(struct net *w, int who, const fo_fsm_input *in)
{
	struct node *me = &w->n[who];
	fo_step st;

	fo_fsm_step(&me->c, in, &st);
	w->steps++;
	for (size_t i = 0; i < st.n; i++) {
		const fo_action *a = &st.act[i];
		fo_fsm_input m = { 0 };

		switch (a->kind) {
		case FO_ACT_SEND_STATE:
			ck_assert(w->up);
			m.event = FO_EV_PARTNER_STATE;
			m.partner_state = a->state;
			m.partner_since = a->since;
			m.partner_startup = a->startup;
			post(w, 1 - who, m);
			break;
		case FO_ACT_SEND_UPDREQ:
		case FO_ACT_SEND_UPDREQALL:
			/* The partner sends its bindings, then UPDDONE. */
			m.event = FO_EV_UPDDONE;
			post(w, who, m);
			break;
		case FO_ACT_PERSIST_STATE:
		case FO_ACT_SERVE_CHANGE:
		case FO_ACT_TIMER_ARM:
		case FO_ACT_TIMER_CANCEL:
		case FO_ACT_RESEND_UNACKED:
		case FO_ACT_SEND_POOLREQ:
		case FO_ACT_REBALANCE_POOL:
			break;
		}
	}
	fo_fsm_commit(&me->c, in, &st);
	ck_assert(fo_fsm_apply_timers(&me->t, &st, fo_mono_at(w->now * 1000)) == FO_OK);
}

/* Deliver everything, firing expired timers, until quiet. */
static void
settle(struct net *w)
{
	for (;;) {
		fo_timer t;
		bool fired = false;

		while (w->head < w->tail) {
			struct msg m = w->q[w->head++];

			if (m.in.event == FO_EV_PARTNER_STATE && !w->up)
				continue;
			run_step(w, m.to, &m.in);
			ck_assert_uint_lt(w->steps, 1000);
		}
		w->head = w->tail = 0;
		for (int i = 0; i < 2; i++) {
			while (fo_timers_pop_expired(&w->n[i].t,
			    fo_mono_at(w->now * 1000), &t)) {
				fo_fsm_input in = { .event = FO_EV_TIMER, .timer = t };

				post(w, i, in);
				fired = true;
			}
		}
		if (!fired)
			return;
	}
}

static void
advance(struct net *w, int64_t seconds)
{
	w->now += seconds;
	settle(w);
}

static void
net_init(struct net *w, fo_state s0, fo_state s1)
{
	memset(w, 0, sizeof(*w));
	w->now = NOW;
	for (int i = 0; i < 2; i++) {
		fo_fsm_ctx_init(&w->n[i].c, NULL);
		w->n[i].c.type = i == 0 ? FO_PRIMARY : FO_SECONDARY;
		w->n[i].c.mclt = MCLT;
		w->n[i].c.state = i == 0 ? s0 : s1;
		w->n[i].c.saved_state = w->n[i].c.state;
		w->n[i].c.state_since = fo_wall_at(NOW - 10);
		w->n[i].c.saved_since = fo_wall_at(NOW - 10);
		w->n[i].c.last_down = fo_wall_at(NOW - 10);
		fo_timers_init(&w->n[i].t);
	}
}

static void
comm_up(struct net *w)
{
	fo_fsm_input in[2] = { { .event = FO_EV_COMM_OK },
	    { .event = FO_EV_COMM_OK } };

	w->up = true;
	for (int i = 0; i < 2; i++) {
		const fo_fsm_ctx *o = &w->n[1 - i].c;

		fo_fsm_announce(o, &in[i].partner_state, &in[i].partner_startup);
		in[i].partner_since = o->state_since;
	}
	post(w, 0, in[0]);
	post(w, 1, in[1]);
	settle(w);
}

static void
comm_down(struct net *w)
{
	fo_fsm_input in = { .event = FO_EV_COMM_FAILED };

	w->up = false;
	post(w, 0, in);
	post(w, 1, in);
	settle(w);
}

static void
start(struct net *w, int i)
{
	fo_fsm_input in = { .event = FO_EV_START };

	w->n[i].c.state = IN;
	post(w, i, in);
	settle(w);
	ck_assert(w->n[i].c.state == SU);
}

#define BOTH(w, a, b) do {						\
	ck_assert_msg((w)->n[0].c.state == (a) && (w)->n[1].c.state == (b), \
	    "primary %s, secondary %s", sn((w)->n[0].c.state),		\
	    sn((w)->n[1].c.state));					\
} while (0)

START_TEST(scenario_comm_int_and_back)
{
	struct net w;

	net_init(&w, NO, NO);
	w.up = true;
	for (int i = 0; i < 2; i++) {
		w.n[i].c.comm_ok = true;
		w.n[i].c.partner_known = true;
		w.n[i].c.partner_state = NO;
		w.n[i].c.auto_state_transition = true;
		w.n[i].c.state_switch_interval = 600;
	}
	comm_down(&w);
	BOTH(&w, CI, CI);
	advance(&w, 599);
	BOTH(&w, CI, CI);
	comm_up(&w);
	BOTH(&w, NO, NO);
	ck_assert(!fo_timers_armed(&w.n[0].t, FO_TIMER_STATE_SWITCH, NULL));

	/* Safe period expires on both: both PARTNER-DOWN, then conflict resolution. */
	comm_down(&w);
	advance(&w, 600);
	BOTH(&w, PD, PD);
	comm_up(&w);
	BOTH(&w, NO, NO);
}
END_TEST

START_TEST(scenario_recover_from_partner_down)
{
	struct net w;

	/* The secondary went down; the operator put the primary in PARTNER-DOWN. */
	net_init(&w, CI, NO);
	post(&w, 0, (fo_fsm_input){ .event = FO_EV_OPERATOR_PARTNER_DOWN });
	settle(&w);
	BOTH(&w, PD, NO);
	w.n[1].c.last_down = fo_wall_at(NOW - 2 * MCLT);
	advance(&w, 100);
	start(&w, 1);
	comm_up(&w);
	/* RECOVER, UPDREQ, RECOVER-WAIT (MCLT already over), RECOVER-DONE, NORMAL. */
	BOTH(&w, NO, NO);
}
END_TEST

START_TEST(scenario_recover_waits_mclt)
{
	struct net w;

	net_init(&w, PD, NO);
	w.n[0].c.state_since = fo_wall_at(NOW - 5);
	w.n[1].c.last_down = fo_wall_at(NOW - 100);
	start(&w, 1);
	comm_up(&w);
	BOTH(&w, PD, RW);
	advance(&w, MCLT - 101);
	BOTH(&w, PD, RW);
	advance(&w, 1);
	BOTH(&w, NO, NO);
}
END_TEST

START_TEST(scenario_potential_conflict)
{
	struct net w;

	/* Partitioned, both in PARTNER-DOWN: contact leads to a conflict resolution. */
	net_init(&w, PD, PD);
	comm_up(&w);
	BOTH(&w, NO, NO);

	/* The same with the secondary coming back from RESOLUTION-INTERRUPTED. */
	net_init(&w, CD, RI);
	comm_up(&w);
	BOTH(&w, NO, NO);
}
END_TEST

START_TEST(scenario_new_pair)
{
	struct net w;

	/* Neither ever ran: both start in RECOVER and exchange UPDREQALL. */
	net_init(&w, NS, NS);
	for (int i = 0; i < 2; i++)
		w.n[i].c.last_down = fo_wall_at(0);
	start(&w, 0);
	start(&w, 1);
	comm_up(&w);
	BOTH(&w, NO, NO);
}
END_TEST

START_TEST(scenario_partner_shutdown_and_pause)
{
	struct net w;

	net_init(&w, CI, CI);
	comm_up(&w);
	BOTH(&w, NO, NO);
	post(&w, 1, (fo_fsm_input){ .event = FO_EV_PAUSE });
	settle(&w);
	BOTH(&w, CI, PA);

	net_init(&w, CI, CI);
	comm_up(&w);
	post(&w, 1, (fo_fsm_input){ .event = FO_EV_SHUTDOWN });
	settle(&w);
	BOTH(&w, PD, SD);
	/* The secondary restarts in RECOVER (9.14.2). */
	ck_assert(w.n[1].c.saved_state == RC);
}
END_TEST

START_TEST(names)
{
	for (int e = 0; e < FO_EVENT_COUNT; e++) {
		ck_assert_ptr_nonnull(fo_event_name((fo_event)e));
		for (int f = 0; f < e; f++)
			ck_assert_str_ne(fo_event_name((fo_event)e),
			    fo_event_name((fo_event)f));
	}
	for (int a = 0; a < FO_ACTION_KIND_COUNT; a++) {
		ck_assert_ptr_nonnull(fo_action_name((fo_action_kind)a));
		for (int f = 0; f < a; f++)
			ck_assert_str_ne(fo_action_name((fo_action_kind)a),
			    fo_action_name((fo_action_kind)f));
	}
	ck_assert_ptr_null(fo_event_name((fo_event)FO_EVENT_COUNT));
	ck_assert_ptr_null(fo_action_name((fo_action_kind)FO_ACTION_KIND_COUNT));
	ck_assert_str_eq(fo_event_name(FO_EV_OPERATOR_PARTNER_DOWN),
	    "operator-partner-down");
	ck_assert_str_eq(fo_action_name(FO_ACT_PERSIST_STATE), "persist-state");
}
END_TEST

START_TEST(bad_arguments)
{
	fo_fsm_ctx c = ctx_in(NO, FO_PRIMARY);
	fo_fsm_input in = ev(FO_EV_COMM_FAILED);
	fo_step st;

	fo_fsm_step(NULL, &in, &st);
	ck_assert(st.next == NS && st.n == 0 && !st.changed);
	fo_fsm_step(&c, NULL, &st);
	ck_assert(st.next == NO && st.n == 0);
	fo_fsm_step(&c, &in, NULL);
	in.event = (fo_event)FO_EVENT_COUNT;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == NO && st.n == 0);
	c.state = (fo_state)FO_STATE_COUNT;
	in.event = FO_EV_COMM_FAILED;
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == NS && st.n == 0);
	/* A partner state out of range counts as a partner still starting. */
	c = ctx_in(CI, FO_PRIMARY);
	in = ev_peer(FO_EV_COMM_OK, (fo_state)200, NOW);
	fo_fsm_step(&c, &in, &st);
	ck_assert(st.next == CI);
	fo_fsm_commit(NULL, &in, &st);
	fo_fsm_commit(&c, NULL, &st);
	fo_fsm_commit(&c, &in, NULL);
	fo_fsm_ctx_init(NULL, NULL);
}
END_TEST

START_TEST(ctx_init_from_relationship)
{
	fo_relationship r;
	fo_fsm_ctx c;

	memset(&r, 0, sizeof(r));
	r.server_type = FO_SECONDARY;
	r.mclt = 1800;
	r.auto_state_transition = true;
	r.state_switch_interval = 7200;
	fo_fsm_ctx_init(&c, &r);
	ck_assert(c.state == IN && c.saved_state == NS);
	ck_assert(c.type == FO_SECONDARY);
	ck_assert_uint_eq(c.mclt, 1800);
	ck_assert(c.auto_state_transition);
	ck_assert_uint_eq(c.state_switch_interval, 7200);
	ck_assert(!c.comm_ok && !c.partner_known);
}
END_TEST

static Suite *
fsm_suite(void)
{
	Suite *s = suite_create("fsm");
	TCase *tc = tcase_create("tables");

	tcase_add_loop_test(tc, truth_table_partner_state, 0,
	    FO_STATE_COUNT * FO_STATE_COUNT);
	tcase_add_loop_test(tc, truth_table_comm_failed, 0, FO_STATE_COUNT);
	tcase_add_loop_test(tc, startup_rules, 0, FO_STATE_COUNT);
	tcase_add_loop_test(tc, operator_partner_down, 0, FO_STATE_COUNT);
	suite_add_tcase(s, tc);

	tc = tcase_create("actions");
	tcase_add_test(tc, startup_enter_and_leave);
	tcase_add_test(tc, startup_never_ran_updreqall);
	tcase_add_test(tc, recover_updreq_kinds);
	tcase_add_test(tc, auto_state_transition_on);
	tcase_add_test(tc, auto_state_transition_off);
	tcase_add_test(tc, recover_wait_duration);
	tcase_add_test(tc, recover_wait_expiry);
	tcase_add_test(tc, potential_conflict_roles);
	tcase_add_test(tc, normal_entry_and_pool_timer);
	tcase_add_test(tc, shutdown_and_pause);
	tcase_add_test(tc, persist_before_send_everywhere);
	tcase_add_test(tc, names);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, ctx_init_from_relationship);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("scenarios");
	tcase_add_test(tc, scenario_comm_int_and_back);
	tcase_add_test(tc, scenario_recover_from_partner_down);
	tcase_add_test(tc, scenario_recover_waits_mclt);
	tcase_add_test(tc, scenario_potential_conflict);
	tcase_add_test(tc, scenario_new_pair);
	tcase_add_test(tc, scenario_partner_shutdown_and_pause);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fsm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
