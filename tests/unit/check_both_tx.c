/*
 * check_both_tx.c - a change on both partners (fo_both_tx.h) as a truth
 * table: every state x every event, then whole exchanges.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_check_run.h"
#include "fo_both_tx.h"

typedef struct row {
	fo_both_tx_state from;
	fo_both_tx_event ev;
	fo_both_tx_state to;
	fo_both_tx_action act;
	fo_both_tx_outcome out;
} row;

#define S FO_BT_SENDING
#define C FO_BT_COMMITTING
#define UU FO_BT_UNDO_UNANSWERED
#define UL FO_BT_UNDO_LOCAL
#define D FO_BT_DONE
#define F FO_BT_FAILED
#define N FO_BT_ACT_NONE
#define FIN FO_BT_ACT_FINISH
#define O0 FO_BT_OUT_NONE

static const row table[] = {
	{ S, FO_BT_EV_OK, C, FO_BT_ACT_COMMIT_LOCAL, O0 },
	{ S, FO_BT_EV_REFUSED, F, FIN, FO_BT_OUT_REFUSED },
	{ S, FO_BT_EV_NO_ANSWER, UU, FO_BT_ACT_SEND_UNDO, O0 },
	{ S, FO_BT_EV_NOT_SENT, F, FIN, FO_BT_OUT_UNREACHABLE },
	{ S, FO_BT_EV_LOCAL_OK, S, N, O0 },
	{ S, FO_BT_EV_LOCAL_FAILED, S, N, O0 },

	{ C, FO_BT_EV_OK, C, N, O0 },
	{ C, FO_BT_EV_REFUSED, C, N, O0 },
	{ C, FO_BT_EV_NO_ANSWER, C, N, O0 },
	{ C, FO_BT_EV_NOT_SENT, C, N, O0 },
	{ C, FO_BT_EV_LOCAL_OK, D, FIN, FO_BT_OUT_DONE },
	{ C, FO_BT_EV_LOCAL_FAILED, UL, FO_BT_ACT_SEND_UNDO, O0 },

	{ UU, FO_BT_EV_OK, F, FIN, FO_BT_OUT_UNREACHABLE_UNDONE },
	{ UU, FO_BT_EV_REFUSED, F, FIN, FO_BT_OUT_UNREACHABLE },
	{ UU, FO_BT_EV_NO_ANSWER, F, FIN, FO_BT_OUT_UNREACHABLE_UNKNOWN },
	{ UU, FO_BT_EV_NOT_SENT, F, FIN, FO_BT_OUT_UNREACHABLE_UNKNOWN },
	{ UU, FO_BT_EV_LOCAL_OK, UU, N, O0 },
	{ UU, FO_BT_EV_LOCAL_FAILED, UU, N, O0 },

	{ UL, FO_BT_EV_OK, F, FIN, FO_BT_OUT_LOCAL_FAILED },
	{ UL, FO_BT_EV_REFUSED, F, FIN, FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE },
	{ UL, FO_BT_EV_NO_ANSWER, F, FIN, FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE },
	{ UL, FO_BT_EV_NOT_SENT, F, FIN, FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE },
	{ UL, FO_BT_EV_LOCAL_OK, UL, N, O0 },
	{ UL, FO_BT_EV_LOCAL_FAILED, UL, N, O0 },

	{ D, FO_BT_EV_OK, D, N, O0 },
	{ D, FO_BT_EV_REFUSED, D, N, O0 },
	{ D, FO_BT_EV_NO_ANSWER, D, N, O0 },
	{ D, FO_BT_EV_NOT_SENT, D, N, O0 },
	{ D, FO_BT_EV_LOCAL_OK, D, N, O0 },
	{ D, FO_BT_EV_LOCAL_FAILED, D, N, O0 },

	{ F, FO_BT_EV_OK, F, N, O0 },
	{ F, FO_BT_EV_REFUSED, F, N, O0 },
	{ F, FO_BT_EV_NO_ANSWER, F, N, O0 },
	{ F, FO_BT_EV_NOT_SENT, F, N, O0 },
	{ F, FO_BT_EV_LOCAL_OK, F, N, O0 },
	{ F, FO_BT_EV_LOCAL_FAILED, F, N, O0 },
};

START_TEST(test_truth_table)
{
	bool seen[FO_BT_STATE_COUNT][FO_BT_EVENT_COUNT] = { { false } };

	ck_assert_uint_eq(sizeof(table) / sizeof(table[0]), FO_BT_STATE_COUNT * FO_BT_EVENT_COUNT);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const row *r = &table[i];
		fo_both_tx tx = { r->from, O0 };
		fo_both_tx_action act = fo_both_tx_step(&tx, r->ev);

		ck_assert_msg(!seen[r->from][r->ev], "row %zu twice", i);
		seen[r->from][r->ev] = true;
		ck_assert_msg(tx.state == r->to && act == r->act && tx.outcome == r->out,
		    "%s + %s: got %s, action %d, outcome %d", fo_both_tx_state_name(r->from),
		    fo_both_tx_event_name(r->ev), fo_both_tx_state_name(tx.state), (int)act,
		    (int)tx.outcome);
		/* finished exactly when the state is final */
		ck_assert_int_eq(act == FIN, tx.state != r->from && (tx.state == D || tx.state == F));
	}
}
END_TEST

/* A whole exchange: the events in order; the outcome at the end. */
static fo_both_tx_outcome
run(const fo_both_tx_event *ev, size_t n, fo_both_tx_state *end)
{
	fo_both_tx tx;
	fo_both_tx_action act = fo_both_tx_start(&tx);

	ck_assert_int_eq(act, FO_BT_ACT_SEND_CHANGE);
	ck_assert_int_eq(tx.state, S);
	for (size_t i = 0; i < n; i++)
		act = fo_both_tx_step(&tx, ev[i]);
	ck_assert_int_eq(act, FIN);
	*end = tx.state;
	return tx.outcome;
}

START_TEST(test_exchanges)
{
	static const fo_both_tx_event ok[] = { FO_BT_EV_OK, FO_BT_EV_LOCAL_OK };
	static const fo_both_tx_event ref[] = { FO_BT_EV_REFUSED };
	static const fo_both_tx_event down[] = { FO_BT_EV_NO_ANSWER, FO_BT_EV_NO_ANSWER };
	static const fo_both_tx_event late[] = { FO_BT_EV_NO_ANSWER, FO_BT_EV_OK };
	static const fo_both_tx_event lost[] = { FO_BT_EV_NO_ANSWER, FO_BT_EV_REFUSED };
	static const fo_both_tx_event closed[] = { FO_BT_EV_NOT_SENT };
	static const fo_both_tx_event local[] = { FO_BT_EV_OK, FO_BT_EV_LOCAL_FAILED, FO_BT_EV_OK };
	static const fo_both_tx_event stuck[] = { FO_BT_EV_OK, FO_BT_EV_LOCAL_FAILED,
		FO_BT_EV_NO_ANSWER };
	fo_both_tx_state end;

	ck_assert_int_eq(run(ok, 2, &end), FO_BT_OUT_DONE);
	ck_assert_int_eq(end, D);
	ck_assert_int_eq(run(ref, 1, &end), FO_BT_OUT_REFUSED);
	ck_assert_int_eq(end, F);
	ck_assert_int_eq(run(down, 2, &end), FO_BT_OUT_UNREACHABLE_UNKNOWN);
	ck_assert_int_eq(run(late, 2, &end), FO_BT_OUT_UNREACHABLE_UNDONE);
	ck_assert_int_eq(run(lost, 2, &end), FO_BT_OUT_UNREACHABLE);
	ck_assert_int_eq(run(closed, 1, &end), FO_BT_OUT_UNREACHABLE);
	ck_assert_int_eq(end, F);
	ck_assert_int_eq(run(local, 3, &end), FO_BT_OUT_LOCAL_FAILED);
	ck_assert_int_eq(run(stuck, 3, &end), FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE);
	ck_assert(fo_both_tx_nothing_changed(FO_BT_OUT_REFUSED));
	ck_assert(fo_both_tx_nothing_changed(FO_BT_OUT_UNREACHABLE_UNDONE));
	ck_assert(fo_both_tx_nothing_changed(FO_BT_OUT_LOCAL_FAILED));
	ck_assert(!fo_both_tx_nothing_changed(FO_BT_OUT_DONE));
	ck_assert(!fo_both_tx_nothing_changed(FO_BT_OUT_UNREACHABLE_UNKNOWN));
	ck_assert(!fo_both_tx_nothing_changed(FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE));
	ck_assert_str_eq(fo_both_tx_state_name(UL), "undoing");
	ck_assert_str_eq(fo_both_tx_event_name(FO_BT_EV_NO_ANSWER), "no-answer");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("both_tx");
	TCase *tc = tcase_create("both_tx");

	tcase_add_test(tc, test_truth_table);
	tcase_add_test(tc, test_exchanges);
	suite_add_tcase(s, tc);
	return fo_check_run(s);
}
