/*
 * check_update.c - crossing binding updates (fo_update.c, draft-12 7.1.3).
 *
 * After a partition both partners send their bindings at once. For every
 * pair of bindings the two could hold for one address, this plays the
 * exchange the way fo_scope.c does it (a receiver decides with
 * fo_update_decide_crossing, knowing whether its own update is pending, and
 * merges with fo_update_merge; a receiver that rejects an update as
 * outdated or conflicting sends its own binding back; an acknowledged
 * EXPIRED or RELEASED returns the address to the sender's free pool, which
 * it announces), and checks that the two tables end up agreeing.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_update.h"

#define NOW 1000

static fo_binding_info
mk(fo_bstate s, uint8_t who, uint32_t cltt, uint32_t expiry)
{
	fo_binding_info b;

	memset(&b, 0, sizeof(b));
	b.state = s;
	b.cltt = cltt;
	b.expiry = expiry;
	if (who != 0) {
		b.client.htype = 1;
		b.client.hlen = 6;
		b.client.hw[5] = who;
	}
	return b;
}

static bool live(const fo_binding_info *b);

/* One partner: its binding of the address and its update to the other. */
typedef struct side {
	fo_binding_info b;
	fo_server_type me;
	bool has_out;           /* an update is queued, to go in the next round */
	bool pending;           /* queued or sent, not yet acknowledged */
	fo_binding_info out;
	fo_bstate sent;         /* the state of the update in flight */
	unsigned verdict;       /* the partner's answer to it, once given */
	bool refused;           /* the partner refused this binding: not re-sent unchanged */
} side;

static void
queue(side *s)
{
	s->has_out = true;
	s->pending = true;
	s->out = s->b;
}

static bool
free_state(fo_bstate st)
{
	return st == FO_BS_FREE || st == FO_BS_BACKUP;
}

/* rx receives the partner's update `in` (fo_scope_receive). */
static unsigned
receive(side *rx, const fo_binding_info *in)
{
	unsigned why = fo_update_decide(&rx->b, in, rx->me, fo_wall_at(NOW));
	fo_binding_info nw;

	if (why != FO_UPD_ACCEPT) {
		/* 7.2.1: tell the partner what we have, unless it refused that already. */
		if ((why == FO_UPD_REJ_FATAL_CONFLICT || why == FO_UPD_REJ_OUTDATED) && !rx->refused)
			queue(rx);
		return why;
	}
	/* The primary decides who owns a free address; the secondary only gives
	 * back one of its own once the primary's BACKUP was acknowledged. */
	if (rx->me == FO_PRIMARY && free_state(in->state) && free_state(rx->b.state) &&
	    !(in->state == FO_BS_FREE && rx->b.state == FO_BS_BACKUP && !rx->pending)) {
		if (in->state != rx->b.state)
			queue(rx);
		return why;
	}
	why = fo_update_decide_crossing(&rx->b, in, rx->me, rx->pending, fo_wall_at(NOW));
	if (why != FO_UPD_ACCEPT) {
		if (!rx->refused)
			queue(rx);
		return why;
	}
	fo_update_merge(&rx->b, in, fo_wall_at(NOW), &nw);
	rx->refused = false;
	rx->pending = rx->has_out;      /* merge clears the flag; a queued entry stays */
	if (fo_update_merge_keeps_later(&rx->b, in)) {
		rx->b = nw;
		queue(rx);              /* ours ends later: the partner learns it */
		return why;
	}
	rx->b = nw;
	return why;
}

/* tx learns the answer to its update (fo_scope_acked, fo_scope_rejected). */
static void
answered(side *tx, unsigned why)
{
	if (tx->has_out)
		return;                 /* changed again since: still owed */
	tx->pending = false;
	if (why != FO_UPD_ACCEPT)
		tx->refused = true;
	if (why == FO_UPD_ACCEPT && tx->b.state == tx->sent &&
	    fo_update_frees_on_ack(tx->sent)) {
		tx->b = mk(tx->me == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP, 0, tx->b.cltt, 0);
		queue(tx);
	}
}

static bool
agree(const fo_binding_info *a, const fo_binding_info *b)
{
	bool afree = a->state == FO_BS_FREE || a->state == FO_BS_BACKUP;
	bool bfree = b->state == FO_BS_FREE || b->state == FO_BS_BACKUP;

	if (afree || bfree)
		return afree && bfree;
	return a->state == b->state && fo_client_same(&a->client, &b->client);
}

/*
 * Both send at once (the crossing), then the exchange runs to quiet. Each
 * round, the updates sent in it are received before their answers come
 * back: over a connection, what a partner sent before it read ours arrives
 * before its answer to ours.
 */
static fo_binding_info last_agreed;      /* s1's binding after converges() */

static bool
converges(fo_binding_info b1, fo_binding_info b2, int *rounds)
{
	side s1 = { .b = b1, .me = FO_PRIMARY }, s2 = { .b = b2, .me = FO_SECONDARY };

	queue(&s1);
	queue(&s2);
	for (*rounds = 0; (s1.has_out || s2.has_out) && *rounds < 10; (*rounds)++) {
		bool o1 = s1.has_out, o2 = s2.has_out;
		fo_binding_info m1 = s1.out, m2 = s2.out;

		s1.has_out = s2.has_out = false;
		s1.sent = m1.state;
		s2.sent = m2.state;
		if (o1)
			s1.verdict = receive(&s2, &m1);
		if (o2)
			s2.verdict = receive(&s1, &m2);
		if (o1)
			answered(&s1, s1.verdict);
		if (o2)
			answered(&s2, s2.verdict);
	}
	last_agreed = s1.b;
	return !s1.has_out && !s2.has_out && agree(&s1.b, &s2.b) &&
	    (!live(&s1.b) || s1.b.expiry == s2.b.expiry);
}

/*
 * The case seen in test-pair-partition: s2 gave the address to client 1
 * during the partition, s1 gave it to client 2 later (after MCLT, in
 * PartnerDown); by the heal both leases have expired (but are still ACTIVE
 * in the tables). s1's binding is the newer one and must win on both.
 */
START_TEST(crossing_after_partition)
{
	fo_binding_info s1 = mk(FO_BS_ACTIVE, 2, 600, 900);
	fo_binding_info s2 = mk(FO_BS_EXPIRED, 1, 300, 800);
	fo_binding_info in2 = s2, in1 = s1;
	int rounds;

	/* The rule itself: older news about another client is outdated even
	 * though our lease has expired; newer news is accepted. */
	ck_assert_uint_eq(fo_update_decide(&s1, &in2, FO_PRIMARY, fo_wall_at(NOW)),
	    FO_UPD_REJ_OUTDATED);
	ck_assert_uint_eq(fo_update_decide(&s2, &in1, FO_SECONDARY, fo_wall_at(NOW)),
	    FO_UPD_ACCEPT);
	ck_assert(converges(s1, s2, &rounds));
	s2.state = FO_BS_ACTIVE;        /* not yet expired by s2's own sweep */
	ck_assert(converges(s1, s2, &rounds));
	ck_assert(converges(s2, s1, &rounds));
}
END_TEST

/* The same client's expiry is still accepted on time(2), whatever its CLTT. */
START_TEST(same_client_expiry)
{
	fo_binding_info cur = mk(FO_BS_ACTIVE, 1, 600, 900), in = mk(FO_BS_EXPIRED, 1, 300, 800);

	ck_assert_uint_eq(fo_update_decide(&cur, &in, FO_PRIMARY, fo_wall_at(NOW)), FO_UPD_ACCEPT);
	cur.expiry = 2000;              /* not expired here: outdated */
	ck_assert_uint_eq(fo_update_decide(&cur, &in, FO_PRIMARY, fo_wall_at(NOW)),
	    FO_UPD_REJ_OUTDATED);
	/* No CLTT in the update: time(2) alone, as before. */
	cur.expiry = 900;
	in = mk(FO_BS_FREE, 0, 0, 0);
	ck_assert_uint_eq(fo_update_decide(&cur, &in, FO_PRIMARY, fo_wall_at(NOW)), FO_UPD_ACCEPT);
	in.cltt = 300;                  /* a FREE older than our binding: outdated */
	ck_assert_uint_eq(fo_update_decide(&cur, &in, FO_PRIMARY, fo_wall_at(NOW)),
	    FO_UPD_REJ_OUTDATED);
	in.cltt = 700;                  /* newer: accepted */
	ck_assert_uint_eq(fo_update_decide(&cur, &in, FO_PRIMARY, fo_wall_at(NOW)), FO_UPD_ACCEPT);
}
END_TEST

static bool
live(const fo_binding_info *b)
{
	return b->state == FO_BS_ACTIVE && b->expiry > NOW;
}

/*
 * Two bindings that operation can produce for one address: while a lease
 * is live on one side, the other side cannot have given the address to
 * another client since (MCLT prevents it; that would be the conflict of
 * rule (5), not a crossing). Stale news is possible: an EXPIRED before the
 * lease's end (Kea reclaiming the shorter lease it had before a crash), and
 * one transaction (client and CLTT) with two lease ends (an offer's or a
 * renewal's record beside the lease Kea acked).
 */
static bool
possible(const fo_binding_info *a, const fo_binding_info *b)
{
	const fo_binding_info *x[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		const fo_binding_info *me = x[i], *other = x[1 - i];

		if (live(me) && other->client.hlen > 0 &&
		    !fo_client_same(&me->client, &other->client) && other->cltt > me->cltt)
			return false;
		if (live(me) && live(other) && !fo_client_same(&me->client, &other->client))
			return false;
	}
	return true;
}

/*
 * What a client was told must survive the exchange: a live ACTIVE lease on
 * either side ends, after agreement, no earlier than it did, unless the
 * other side knows a later transaction of that client (a release, or the
 * end of a later lease).
 */
static bool
keeps_told(const fo_binding_info *a, const fo_binding_info *b, const fo_binding_info *fin)
{
	const fo_binding_info *x[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		const fo_binding_info *me = x[i], *other = x[1 - i];

		if (!live(me))
			continue;
		if (fo_client_same(&me->client, &other->client) && other->state != FO_BS_ACTIVE &&
		    (other->cltt > me->cltt ||
		    (other->cltt == me->cltt && other->state == FO_BS_RELEASED)))
			continue;
		if (fin->state != FO_BS_ACTIVE || !fo_client_same(&fin->client, &me->client) ||
		    fin->expiry < me->expiry)
			return false;
	}
	return true;
}

/*
 * Every possible pair from a set of bindings two partners can hold for one
 * address (ACTIVE or ending, for client 1 or 2, older or newer, expired or
 * not; free), both orders: the exchange ends, and the tables agree.
 */
START_TEST(crossing_converges_everywhere)
{
	static const fo_bstate st[] = { FO_BS_ACTIVE, FO_BS_EXPIRED, FO_BS_RELEASED };
	static const uint32_t cltts[] = { 300, 600 };
	static const uint32_t exps[] = { 900, 5000 };
	fo_binding_info set[96];
	size_t n = 0, bad = 0, tried = 0;
	int rounds;

	set[n++] = mk(FO_BS_FREE, 0, 0, 0);
	set[n++] = mk(FO_BS_BACKUP, 0, 0, 0);
	for (size_t a = 0; a < 3; a++)
		for (uint8_t who = 1; who <= 2; who++)
			for (size_t c = 0; c < 2; c++)
				for (size_t e = 0; e < 2; e++)
					set[n++] = mk(st[a], who, cltts[c] + who, exps[e] + cltts[c] - 300);
	/* Stale news: the same transaction with another lease end (shorter, longer). */
	for (uint8_t who = 1; who <= 2; who++)
		for (size_t a = 0; a < 2; a++)
			for (size_t e = 0; e < 2; e++)
				set[n++] = mk(st[a], who, 600 + who, exps[e] + 360);
	ck_assert_uint_le(n, sizeof(set) / sizeof(set[0]));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			if (!possible(&set[i], &set[j]))
				continue;
			tried++;
			if (!converges(set[i], set[j], &rounds) ||
			    !keeps_told(&set[i], &set[j], &last_agreed)) {
				bad++;
				fprintf(stderr, "# no agreement, or a told lease cut: s1 %s/%u cltt %u exp %u, "
				    "s2 %s/%u cltt %u exp %u (%d rounds)\n",
				    fo_bstate_name(set[i].state), set[i].client.hw[5], set[i].cltt,
				    set[i].expiry, fo_bstate_name(set[j].state), set[j].client.hw[5],
				    set[j].cltt, set[j].expiry, rounds);
			}
		}
	ck_assert_uint_gt(tried, 200);
	ck_assert_msg(bad == 0, "%zu of %zu pairs end with the partners disagreeing", bad, tried);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("update");
	TCase *t = tcase_create("crossing");
	SRunner *sr;
	int failed;

	tcase_add_test(t, crossing_after_partition);
	tcase_add_test(t, same_client_expiry);
	tcase_add_test(t, crossing_converges_everywhere);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
