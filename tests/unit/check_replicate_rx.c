/*
 * check_replicate_rx.c - failover-replicate's receiving side (fo_repl_rx.h)
 * as a truth table: every state x every event, before and after a prepared
 * replication's expiry; then the table: admit, prepare, commit, abort,
 * done, status, the lock, unload; and the facade (fo_replicate.h) over it.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "fo_check_run.h"
#include "fo_repl_rx.h"
#include "fo_replicate.h"

#define NOW 1000
#define EXPIRES (NOW + 100)     /* of a PREPARED one in the table */

typedef struct row {
	fo_repl_rx_state from;
	fo_repl_rx_event ev;
	int64_t now;
	fo_repl_rx_state to;
	bool took;
} row;

#define I FO_RX_IDLE
#define P FO_RX_PREPARED
#define A FO_RX_APPLYING
#define OK FO_RX_APPLIED
#define F FO_RX_FAILED
#define X FO_RX_EXPIRED
#define AB FO_RX_ABORTED

static const row table[] = {
	{ I, FO_RX_EV_PREPARE, NOW, P, true },
	{ I, FO_RX_EV_COMMIT, NOW, I, false },
	{ I, FO_RX_EV_ABORT, NOW, I, false },
	{ I, FO_RX_EV_APPLIED, NOW, I, false },
	{ I, FO_RX_EV_FAILED, NOW, I, false },
	{ I, FO_RX_EV_UNLOAD, NOW, I, false },
	{ P, FO_RX_EV_PREPARE, NOW, P, false },
	{ P, FO_RX_EV_COMMIT, NOW, A, true },
	{ P, FO_RX_EV_COMMIT, EXPIRES, X, false },      /* too late: expires, refused */
	{ P, FO_RX_EV_ABORT, NOW, AB, true },
	{ P, FO_RX_EV_ABORT, EXPIRES, X, false },       /* too late: it expired first */
	{ P, FO_RX_EV_APPLIED, NOW, P, false },
	{ P, FO_RX_EV_FAILED, NOW, P, false },
	{ P, FO_RX_EV_UNLOAD, NOW, X, true },
	{ A, FO_RX_EV_PREPARE, NOW, A, false },
	{ A, FO_RX_EV_COMMIT, NOW, A, false },
	{ A, FO_RX_EV_ABORT, NOW, A, false },
	{ A, FO_RX_EV_APPLIED, EXPIRES * 9, OK, true }, /* applying never expires */
	{ A, FO_RX_EV_FAILED, NOW, F, true },
	{ A, FO_RX_EV_UNLOAD, NOW, A, false },          /* kept: the reload is its own */
};

/* APPLIED, FAILED, EXPIRED, ABORTED: final, every event is ignored. */
static const fo_repl_rx_state finals[] = { OK, F, X, AB };

START_TEST(every_state_and_event)
{
	bool seen[FO_RX_STATE_COUNT][FO_RX_EVENT_COUNT];

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const row *r = &table[i];
		fo_repl_rx t = { .state = r->from, .expires_ms = EXPIRES };
		bool took = fo_repl_rx_step(&t, r->ev, r->now);

		ck_assert_msg(took == r->took && t.state == r->to, "row %zu: %s + event %d: %s %d",
		    i, fo_repl_rx_state_name(r->from), r->ev, fo_repl_rx_state_name(t.state), took);
		if (r->from == I && took)
			ck_assert_int_eq(t.expires_ms, NOW + FO_REPL_RX_LIFETIME_MS);
		seen[r->from][r->ev] = true;
	}
	for (size_t s = 0; s < sizeof(finals) / sizeof(finals[0]); s++) {
		for (int e = 0; e < FO_RX_EVENT_COUNT; e++) {
			fo_repl_rx t = { .state = finals[s], .expires_ms = EXPIRES };

			ck_assert(!fo_repl_rx_step(&t, (fo_repl_rx_event)e, NOW));
			ck_assert_int_eq(t.state, finals[s]);
			seen[finals[s]][e] = true;
		}
	}
	for (int s = 0; s < FO_RX_STATE_COUNT; s++) {
		ck_assert_str_ne(fo_repl_rx_state_name((fo_repl_rx_state)s), "?");
		for (int e = 0; e < FO_RX_EVENT_COUNT; e++)
			ck_assert_msg(seen[s][e], "state %d event %d not in the table", s, e);
	}
	ck_assert_str_eq(fo_repl_rx_state_name(FO_RX_APPLYING), "pending");
}
END_TEST

START_TEST(prepare_commit_done)
{
	static fo_repl_rx_table tb;
	char err[512] = "", why[512] = "";
	const fo_repl_rx *t;

	memset(&tb, 0, sizeof(tb));
	ck_assert(!fo_repl_rx_busy(&tb, "rel1", 0, why, sizeof(why)));
	ck_assert_int_eq(fo_repl_rx_admit(&tb, "rel1", false, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_admit(&tb, "rel1", true, err, sizeof(err)), FO_ERR_STATE);
	ck_assert_str_eq(err, "this server is sending a replication of relationship 'rel1' to "
	    "its partner: replications in opposite directions must not cross");
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "a", 0, err, sizeof(err)), FO_OK);
	/* The lock, for rel1 only, until it expires. */
	ck_assert(fo_repl_rx_busy(&tb, "rel1", 1, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "prepared here (a, checked"));
	ck_assert(!fo_repl_rx_busy(&tb, "rel2", 1, why, sizeof(why)));
	ck_assert(!fo_repl_rx_busy(&tb, "rel1", FO_REPL_RX_LIFETIME_MS, why, sizeof(why)));
	/* Prepared, not committed: not in the status. */
	ck_assert_ptr_null(fo_repl_rx_find(&tb, "a"));
	/* A newer one replaces it: "a" cannot be committed. */
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "b", 10, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "a", 20, NULL, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	ck_assert_str_eq(err, "id: no replication a of relationship 'rel1' is prepared here (it "
	    "expires 30 s after failover-replicate-apply, and a newer one replaces it)");
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel2", "b", 20, NULL, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "b", 20, NULL, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "b", 21, NULL, err, sizeof(err)),
	    FO_ERR_NOTFOUND);                               /* committed already */
	t = fo_repl_rx_find(&tb, "b");
	ck_assert_int_eq(t->state, FO_RX_APPLYING);
	ck_assert_str_eq(t->text, "config-set is queued");
	ck_assert_str_eq(t->rel, "rel1");
	/* Applying: every relationship is locked, no admit, no prepare. */
	ck_assert(fo_repl_rx_busy(&tb, "rel2", 30, why, sizeof(why)));
	ck_assert_str_eq(why, "a replication from the partner is being applied here (b); try "
	    "again when it is done");
	ck_assert_int_eq(fo_repl_rx_admit(&tb, "rel2", false, err, sizeof(err)), FO_ERR_STATE);
	ck_assert_str_eq(err, why);
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel2", "c", 30, err, sizeof(err)), FO_ERR_STATE);
	fo_repl_rx_unload(&tb);                             /* the reload of config-set */
	ck_assert_int_eq(t->state, FO_RX_APPLYING);
	fo_repl_rx_done(&tb, "b", true, "Configuration successful.");
	ck_assert_int_eq(t->state, FO_RX_APPLIED);
	ck_assert_str_eq(t->text, "Configuration successful.");
	fo_repl_rx_done(&tb, "b", false, "again");          /* final: ignored */
	ck_assert_str_eq(t->text, "Configuration successful.");
	ck_assert(!fo_repl_rx_busy(&tb, "rel2", 40, why, sizeof(why)));
	ck_assert_ptr_null(fo_repl_rx_find(&tb, "nope"));
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "", 0, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", NULL, 0, err, sizeof(err)), FO_ERR_INVAL);
}
END_TEST

START_TEST(abort_expiry_unload_and_kept)
{
	static fo_repl_rx_table tb;
	char err[512] = "", id[16];

	memset(&tb, 0, sizeof(tb));
	/* Aborted: err is the blocker, the id is no longer prepared, nothing kept. */
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "x", 0, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "x", 1, "the configuration changed", err,
	    sizeof(err)), FO_ERR_STATE);
	ck_assert_str_eq(err, "the configuration changed");
	ck_assert_int_eq(tb.prepared.state, FO_RX_ABORTED);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "x", 2, NULL, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	ck_assert_ptr_null(fo_repl_rx_find(&tb, "x"));
	/* Expired: a commit, or an abort, at the lifetime is refused as not prepared. */
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "e", 0, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "e", FO_REPL_RX_LIFETIME_MS, "blocked",
	    err, sizeof(err)), FO_ERR_NOTFOUND);
	ck_assert_int_eq(tb.prepared.state, FO_RX_EXPIRED);
	ck_assert_str_eq(tb.prepared.text, "not committed within 30 s");
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "e2", 0, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "e2", FO_REPL_RX_LIFETIME_MS - 1, NULL,
	    err, sizeof(err)), FO_OK);
	fo_repl_rx_done(&tb, "e2", false, "config-set refused");
	ck_assert_int_eq(fo_repl_rx_find(&tb, "e2")->state, FO_RX_FAILED);
	ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", "u", 0, err, sizeof(err)), FO_OK);
	fo_repl_rx_unload(&tb);
	ck_assert_str_eq(tb.prepared.text, "the hook was unloaded before the commit");
	ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", "u", 1, NULL, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	/* The last FO_REPL_RX_KEPT committed ones are kept. */
	for (int i = 0; i < FO_REPL_RX_KEPT; i++) {
		snprintf(id, sizeof(id), "k%d", i);
		ck_assert_int_eq(fo_repl_rx_prepare(&tb, "rel1", id, 0, err, sizeof(err)), FO_OK);
		ck_assert_int_eq(fo_repl_rx_commit(&tb, "rel1", id, 0, NULL, err, sizeof(err)),
		    FO_OK);
		fo_repl_rx_done(&tb, id, true, "ok");
		/* e2 goes with the 16th commit after it (aborted and expired take no slot). */
		ck_assert(fo_repl_rx_find(&tb, "e2") == NULL || i < FO_REPL_RX_KEPT - 1);
		ck_assert(fo_repl_rx_find(&tb, "e2") != NULL || i == FO_REPL_RX_KEPT - 1);
	}
	ck_assert_ptr_null(fo_repl_rx_find(&tb, "e2"));
	ck_assert_ptr_nonnull(fo_repl_rx_find(&tb, "k0"));
	ck_assert_int_eq(fo_repl_rx_find(&tb, "k15")->state, FO_RX_APPLIED);
}
END_TEST

/* The facade: the same table, the sender's lock, the status, monotonic time. */
START_TEST(facade)
{
	static fo_repl_rx_table tb;
	fo_repl_receiver *rx = &tb;
	const char *rel = NULL, *state = NULL, *text = NULL;
	char err[512] = "";

	memset(&tb, 0, sizeof(tb));
	ck_assert_ptr_nonnull(fo_repl_receiver_kept());
	ck_assert_ptr_eq(fo_repl_receiver_kept(), fo_repl_receiver_kept());
	ck_assert_int_eq(fo_repl_receiver_admit(rx, NULL, "rel1", err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_receiver_prepare(rx, "rel1", "f", fo_mono_at(5), err,
	    sizeof(err)), FO_OK);
	ck_assert(fo_repl_receiver_busy(rx, "rel1", fo_mono_at(6), err, sizeof(err)));
	ck_assert(!fo_repl_receiver_busy(rx, "rel1", fo_mono_at(5 + FO_REPL_RX_LIFETIME_MS), err,
	    sizeof(err)));
	ck_assert_int_eq(fo_repl_receiver_status(rx, "f", &rel, &state, &text), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_repl_receiver_commit(rx, "rel1", "f", fo_mono_at(7), NULL, err,
	    sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_repl_receiver_status(rx, "f", &rel, &state, &text), FO_OK);
	ck_assert_str_eq(rel, "rel1");
	ck_assert_str_eq(state, "pending");
	ck_assert_str_eq(text, "config-set is queued");
	fo_repl_receiver_done(rx, "f", false, "Kea said no");
	ck_assert_int_eq(fo_repl_receiver_status(rx, "f", &rel, &state, &text), FO_OK);
	ck_assert_str_eq(state, "failed");
	ck_assert_str_eq(text, "Kea said no");
	ck_assert_int_eq(fo_repl_receiver_prepare(rx, "rel1", "g", fo_mono_at(8), err,
	    sizeof(err)), FO_OK);
	fo_repl_receiver_unload(rx);
	ck_assert_int_eq(fo_repl_receiver_commit(rx, "rel1", "g", fo_mono_at(9), NULL, err,
	    sizeof(err)), FO_ERR_NOTFOUND);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replicate_rx");
	TCase *tc = tcase_create("receiver");

	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, prepare_commit_done);
	tcase_add_test(tc, abort_expiry_unload_and_kept);
	tcase_add_test(tc, facade);
	suite_add_tcase(s, tc);
	return fo_check_run(s);
}
