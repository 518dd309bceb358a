/*
 * check_replicate_tx.c - the sender's exchange of failover-replicate
 * (fo_repl_tx.h) as a truth table: every state x every event, then the
 * deadline, the classification of answers and whole exchanges.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_check_run.h"
#include "fo_repl_tx.h"

#define NOW 5000
#define DEADLINE 9000           /* of WAITING and POLLING in the table */

typedef struct row {
	fo_repl_tx_state from;
	fo_repl_tx_event ev;
	fo_repl_tx_state to;
	fo_repl_tx_action act;
	fo_repl_tx_outcome out;
} row;

#define A FO_TX_APPLYING
#define C FO_TX_COMMITTING
#define W FO_TX_WAITING
#define P FO_TX_POLLING
#define D FO_TX_DONE
#define F FO_TX_FAILED

static const row table[] = {
	/* apply sent */
	{ A, FO_TX_EV_OK_ID, C, FO_TX_ACT_SEND_COMMIT, FO_TX_OUT_NONE },
	{ A, FO_TX_EV_OK, D, FO_TX_ACT_FINISH, FO_TX_OUT_NOTHING },
	{ A, FO_TX_EV_REFUSED, F, FO_TX_ACT_FINISH, FO_TX_OUT_REFUSED },
	{ A, FO_TX_EV_UNKNOWN, F, FO_TX_ACT_FINISH, FO_TX_OUT_REFUSED },
	{ A, FO_TX_EV_PENDING, F, FO_TX_ACT_FINISH, FO_TX_OUT_BAD_ANSWER },
	{ A, FO_TX_EV_APPLIED, F, FO_TX_ACT_FINISH, FO_TX_OUT_BAD_ANSWER },
	{ A, FO_TX_EV_PARTNER_FAILED, F, FO_TX_ACT_FINISH, FO_TX_OUT_BAD_ANSWER },
	{ A, FO_TX_EV_NO_ANSWER, F, FO_TX_ACT_FINISH, FO_TX_OUT_UNREACHABLE },
	{ A, FO_TX_EV_TIMER, A, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	/* commit sent */
	{ C, FO_TX_EV_OK_ID, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ C, FO_TX_EV_OK, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ C, FO_TX_EV_REFUSED, F, FO_TX_ACT_FINISH, FO_TX_OUT_NOT_APPLIED },
	{ C, FO_TX_EV_UNKNOWN, F, FO_TX_ACT_FINISH, FO_TX_OUT_NOT_APPLIED },
	{ C, FO_TX_EV_PENDING, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ C, FO_TX_EV_APPLIED, D, FO_TX_ACT_FINISH, FO_TX_OUT_APPLIED },
	{ C, FO_TX_EV_PARTNER_FAILED, F, FO_TX_ACT_FINISH, FO_TX_OUT_PARTNER_FAILED },
	{ C, FO_TX_EV_NO_ANSWER, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ C, FO_TX_EV_TIMER, C, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	/* the poll timer runs: only the timer means something */
	{ W, FO_TX_EV_OK_ID, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_OK, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_REFUSED, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_UNKNOWN, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_PENDING, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_APPLIED, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_PARTNER_FAILED, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_NO_ANSWER, W, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
	{ W, FO_TX_EV_TIMER, P, FO_TX_ACT_SEND_STATUS, FO_TX_OUT_NONE },
	/* status sent */
	{ P, FO_TX_EV_OK_ID, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ P, FO_TX_EV_OK, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ P, FO_TX_EV_REFUSED, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ P, FO_TX_EV_UNKNOWN, F, FO_TX_ACT_FINISH, FO_TX_OUT_NOT_COMMITTED },
	{ P, FO_TX_EV_PENDING, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ P, FO_TX_EV_APPLIED, D, FO_TX_ACT_FINISH, FO_TX_OUT_APPLIED },
	{ P, FO_TX_EV_PARTNER_FAILED, F, FO_TX_ACT_FINISH, FO_TX_OUT_PARTNER_FAILED },
	{ P, FO_TX_EV_NO_ANSWER, W, FO_TX_ACT_ARM_TIMER, FO_TX_OUT_NONE },
	{ P, FO_TX_EV_TIMER, P, FO_TX_ACT_NONE, FO_TX_OUT_NONE },
};

/* DONE and FAILED: every event is ignored. */
static const fo_repl_tx_state final_states[] = { D, F };

START_TEST(every_state_and_event)
{
	bool seen[FO_TX_STATE_COUNT][FO_TX_EVENT_COUNT];

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const row *r = &table[i];
		fo_repl_tx tx = { .state = r->from, .deadline_ms = DEADLINE };
		fo_repl_tx_action act = fo_repl_tx_step(&tx, r->ev, NOW);

		ck_assert_msg(act == r->act && tx.state == r->to && tx.outcome == r->out,
		    "%s + %s: got %s action %d outcome %d", fo_repl_tx_state_name(r->from),
		    fo_repl_tx_event_name(r->ev), fo_repl_tx_state_name(tx.state), act, tx.outcome);
		seen[r->from][r->ev] = true;
	}
	for (size_t s = 0; s < 2; s++) {
		for (int e = 0; e < FO_TX_EVENT_COUNT; e++) {
			fo_repl_tx tx = { .state = final_states[s], .outcome = FO_TX_OUT_APPLIED };

			ck_assert_int_eq(fo_repl_tx_step(&tx, (fo_repl_tx_event)e, NOW), FO_TX_ACT_NONE);
			ck_assert_int_eq(tx.state, final_states[s]);
			ck_assert_int_eq(tx.outcome, FO_TX_OUT_APPLIED);
			seen[final_states[s]][e] = true;
		}
	}
	for (int s = 0; s < FO_TX_STATE_COUNT; s++)
		for (int e = 0; e < FO_TX_EVENT_COUNT; e++)
			ck_assert_msg(seen[s][e], "state %d event %d not in the table", s, e);
}
END_TEST

/* The commit's answer sets the deadline; past it, a poll fails instead of waiting. */
START_TEST(deadline)
{
	fo_repl_tx tx = { .state = FO_TX_COMMITTING };

	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_OK_ID, NOW), FO_TX_ACT_ARM_TIMER);
	ck_assert_int_eq(tx.deadline_ms, NOW + FO_REPL_TX_APPLY_WAIT_MS);
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_TIMER, tx.deadline_ms - 1),
	    FO_TX_ACT_SEND_STATUS);
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_PENDING, tx.deadline_ms),
	    FO_TX_ACT_FINISH);
	ck_assert_int_eq(tx.state, FO_TX_FAILED);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_NOT_CONFIRMED);

	tx = (fo_repl_tx){ .state = FO_TX_WAITING, .deadline_ms = DEADLINE };
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_TIMER, DEADLINE), FO_TX_ACT_FINISH);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_NOT_CONFIRMED);
	tx = (fo_repl_tx){ .state = FO_TX_POLLING, .deadline_ms = DEADLINE };
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_NO_ANSWER, DEADLINE + 1), FO_TX_ACT_FINISH);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_NOT_CONFIRMED);
	/* An answer that ends it wins over the deadline. */
	tx = (fo_repl_tx){ .state = FO_TX_POLLING, .deadline_ms = DEADLINE };
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_APPLIED, DEADLINE + 1), FO_TX_ACT_FINISH);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_APPLIED);
}
END_TEST

START_TEST(classify_answers)
{
	ck_assert_int_eq(fo_repl_tx_classify(0, true, NULL), FO_TX_EV_OK_ID);
	ck_assert_int_eq(fo_repl_tx_classify(0, false, NULL), FO_TX_EV_OK);
	ck_assert_int_eq(fo_repl_tx_classify(1, true, NULL), FO_TX_EV_REFUSED);
	ck_assert_int_eq(fo_repl_tx_classify(2, false, NULL), FO_TX_EV_REFUSED);
	ck_assert_int_eq(fo_repl_tx_classify(-1, false, "applied"), FO_TX_EV_REFUSED);
	ck_assert_int_eq(fo_repl_tx_classify(3, false, NULL), FO_TX_EV_UNKNOWN);
	ck_assert_int_eq(fo_repl_tx_classify(0, true, "pending"), FO_TX_EV_PENDING);
	ck_assert_int_eq(fo_repl_tx_classify(0, true, "applied"), FO_TX_EV_APPLIED);
	ck_assert_int_eq(fo_repl_tx_classify(0, true, "failed"), FO_TX_EV_PARTNER_FAILED);
	ck_assert_int_eq(fo_repl_tx_classify(0, true, "other"), FO_TX_EV_OK_ID);
	ck_assert_str_eq(fo_repl_tx_event_name((fo_repl_tx_event)99), "?");
}
END_TEST

/* apply (id) -> commit -> poll, pending twice, the partner reloading once -> applied. */
START_TEST(whole_exchange)
{
	fo_repl_tx tx;
	int64_t t = 0;
	static const fo_repl_tx_event polls[] = { FO_TX_EV_PENDING, FO_TX_EV_NO_ANSWER,
		FO_TX_EV_PENDING, FO_TX_EV_APPLIED };

	ck_assert_int_eq(fo_repl_tx_start(&tx), FO_TX_ACT_SEND_APPLY);
	ck_assert_str_eq(fo_repl_tx_state_name(tx.state), "sending");
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_OK_ID, t += 10), FO_TX_ACT_SEND_COMMIT);
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_OK_ID, t += 10), FO_TX_ACT_ARM_TIMER);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_TIMER, t += FO_REPL_TX_POLL_MS),
		    FO_TX_ACT_SEND_STATUS);
		ck_assert_int_eq(fo_repl_tx_step(&tx, polls[i], t += 5),
		    i < 3 ? FO_TX_ACT_ARM_TIMER : FO_TX_ACT_FINISH);
	}
	ck_assert_int_eq(tx.state, FO_TX_DONE);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_APPLIED);
	ck_assert_str_eq(fo_repl_tx_state_name(tx.state), "done");

	/* Nothing to change: one request. */
	fo_repl_tx_start(&tx);
	ck_assert_int_eq(fo_repl_tx_step(&tx, FO_TX_EV_OK, 1), FO_TX_ACT_FINISH);
	ck_assert_int_eq(tx.outcome, FO_TX_OUT_NOTHING);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replicate_tx");
	TCase *tc = tcase_create("sender");

	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, deadline);
	tcase_add_test(tc, classify_answers);
	tcase_add_test(tc, whole_exchange);
	suite_add_tcase(s, tc);
	return fo_check_run(s);
}
