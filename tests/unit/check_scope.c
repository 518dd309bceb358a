/*
 * check_scope.c - one scope at run time (fo_scope.h), the code the engine
 * runs: the split of the free addresses when a scope is new, the moves of
 * free addresses between the partners (fo_scope_rebalance on the primary,
 * fo_scope_giveback on the secondary: journaled, queued for the partner,
 * never a reserved address nor one on offer, the secondary's tolerance),
 * the split kept across a reopen of the journal, and a damaged journal
 * that keeps the scope from opening (the engine's closed scope).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_hash.h"
#include "fo_scope.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)((a) << 24 | (b) << 16 | (c) << 8 | (d)))
#define FIRST IP(10, 0, 0, 10)
#define LAST IP(10, 0, 0, 30)           /* 21 addresses, one of them reserved */
#define RESERVED IP(10, 0, 0, 20)
#define T0 1700000000

static const fo_pool_range pool = { FIRST, LAST };
static const fo_ip4 reserved[] = { RESERVED };
static const fo_subnet subnet = { .subnet_id = 7, .prefix = IP(10, 0, 0, 0), .plen = 24,
    .pools = &pool, .n_pools = 1, .reserved = reserved, .n_reserved = 1 };
static char dir[64], path[128], err[1024];
static fo_counters ctr;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_scope.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/scope-10.0.0.0.jnl", dir);
	memset(&ctr, 0, sizeof(ctr));
}

static void
teardown(void)
{
	rm_tree(dir);
}

/* What the scope asked the host to write into Kea's database (the last one). */
static fo_lease_change kea;
static int kea_writes;

static void
lease_changed(void *ctx, const fo_lease_change *c)
{
	(void)ctx;
	kea = *c;
	kea_writes++;
}

static const fo_host host = { .lease_changed = lease_changed };

static fo_scope *
scope(unsigned secondary_percent, bool want_created)
{
	fo_scope_config cfg = { .scope_id = IP(10, 0, 0, 0), .subnet = &subnet,
	    .journal_path = path, .secondary_percent = secondary_percent, .rel_name = "r1",
	    .counters = &ctr, .host = &host };
	fo_scope *s = NULL;
	bool created = !want_created;

	ck_assert_msg(fo_scope_open(&s, &cfg, fo_wall_at(T0), &created, err, sizeof(err)) == FO_OK,
	    "%s", err);
	ck_assert(created == want_created);
	return s;
}

static void
counts(fo_scope *s, uint32_t free, uint32_t backup, uint32_t pending)
{
	fo_scope_counts c;

	fo_scope_counts_get(s, &c);
	ck_assert_uint_eq(c.total, 21);
	ck_assert_msg(c.by_state[FO_BS_FREE] == free && c.by_state[FO_BS_BACKUP] == backup &&
	    c.pending == pending, "FREE %u BACKUP %u pending %u; want %u %u %u",
	    c.by_state[FO_BS_FREE], c.by_state[FO_BS_BACKUP], c.pending, free, backup, pending);
}

/* Every queued update is `state`, none is the reserved address; how many. */
static size_t
queued_as(fo_scope *s, fo_bstate state)
{
	fo_scope_update u[32];
	size_t n = fo_scope_take_updates(s, u, 32);

	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(u[i].b.state, state);
		ck_assert_uint_ne(u[i].addr, RESERVED);
	}
	return n;
}

/*
 * A new scope's free addresses are split (fo_own_split: round(21 x 50 %) =
 * 11 to the secondary, the reserved address counted like the others).
 */
START_TEST(new_scope_is_split)
{
	fo_scope *s = scope(50, true);

	counts(s, 10, 11, 0);
	fo_scope_close(s);
	s = scope(50, false);                   /* from the journal: the same split */
	counts(s, 10, 11, 0);
	fo_scope_close(s);
}
END_TEST

/* The primary hands FREE addresses to the secondary: journaled, queued as BACKUP. */
START_TEST(rebalance_moves_free_to_backup)
{
	fo_scope *s = scope(0, true);
	fo_binding_info b;

	counts(s, 21, 0, 0);
	ck_assert_uint_eq(fo_scope_rebalance(s, 50, 4, fo_wall_at(T0 + 1)), 4);   /* at most max */
	counts(s, 17, 4, 4);
	ck_assert_uint_eq(fo_scope_rebalance(s, 50, 100, fo_wall_at(T0 + 2)), 7);
	counts(s, 10, 11, 11);
	ck_assert_uint_eq(queued_as(s, FO_BS_BACKUP), 11);
	ck_assert_uint_eq(fo_scope_rebalance(s, 50, 100, fo_wall_at(T0 + 3)), 0);  /* balanced */
	ck_assert_int_eq(fo_scope_get(s, RESERVED, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_FREE);
	/* Never the other way: a smaller share takes nothing back from the secondary. */
	ck_assert_uint_eq(fo_scope_rebalance(s, 10, 100, fo_wall_at(T0 + 4)), 0);
	fo_scope_close(s);
	s = scope(0, false);                    /* the moves were journaled */
	counts(s, 10, 11, 11);
	fo_scope_close(s);
}
END_TEST

/* An address on offer to a client stays where it is. */
START_TEST(rebalance_skips_an_offer)
{
	static const uint8_t mac[6] = { 0x52, 0, 0, 0, 0, 1 };
	fo_scope *s = scope(0, true);
	fo_hba hba;
	fo_serve_view v = { .state = FO_STATE_NORMAL, .type = FO_PRIMARY,
	    .mode = FO_MODE_LOAD_BALANCE, .hba = &hba, .mclt = 3600 };
	fo_lease l = { .subnet_id = 7, .addr = FIRST, .valid_lft = 3600, .cltt = fo_wall_at(T0),
	    .fake = true, .client = { .chaddr = mac, .hlen = 6, .htype = 1 } };
	fo_binding_info b;

	ck_assert_int_eq(fo_hba_from_percent(&hba, 100), FO_OK);
	ck_assert_int_eq(fo_scope_select(s, &v, &l, fo_wall_at(T0)), FO_V_PASS);
	ck_assert_uint_eq(l.addr, FIRST);
	ck_assert_uint_eq(fo_scope_rebalance(s, 100, 100, fo_wall_at(T0 + 1)), 19);
	ck_assert_int_eq(fo_scope_get(s, FIRST, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_FREE);
	/* Once the hold is over it moves too. */
	ck_assert_uint_eq(fo_scope_rebalance(s, 100, 100, fo_wall_at(T0 + FO_OFFER_HOLD + 1)), 1);
	counts(s, 1, 20, 20);
	fo_scope_close(s);
}
END_TEST

/* The secondary gives back BACKUP addresses past a tenth of its share (plus one). */
START_TEST(giveback_past_the_tolerance)
{
	fo_scope *s = scope(80, true);          /* round(21 x 80 %) = 17 BACKUP */

	counts(s, 4, 17, 0);
	/* 70 %: a share of 15, 2 too many, within 15 / 10 + 1: nothing moves. */
	ck_assert_uint_eq(fo_scope_giveback(s, 70, 100, fo_wall_at(T0 + 1)), 0);
	/* 50 %: a share of 11, 6 too many: 6 go back as FREE, queued. */
	ck_assert_uint_eq(fo_scope_giveback(s, 50, 100, fo_wall_at(T0 + 2)), 6);
	counts(s, 10, 11, 6);
	ck_assert_uint_eq(queued_as(s, FO_BS_FREE), 6);
	ck_assert_uint_eq(fo_scope_giveback(s, 50, 100, fo_wall_at(T0 + 3)), 0);
	/* max bounds one call. */
	ck_assert_uint_eq(fo_scope_giveback(s, 0, 3, fo_wall_at(T0 + 4)), 3);
	counts(s, 13, 8, 9);
	fo_scope_close(s);
}
END_TEST

/*
 * A journal damaged in its middle does not open (the engine then keeps the
 * scope closed: it answers no client); a torn tail is cut and the scope opens.
 */
/* An operator's lease (lease4-add) for `hw` at `a`, asking for 3600 s. */
static fo_verdict
admin(fo_scope *s, const fo_serve_view *v, fo_ip4 a, uint8_t hw, int64_t now, char *why)
{
	static uint8_t chaddr[6] = { 2, 0, 0, 0, 0, 0 };
	fo_lease l = { .subnet_id = 7, .addr = a, .valid_lft = 3600 };

	chaddr[5] = hw;
	l.client.chaddr = chaddr;
	l.client.hlen = 6;
	l.client.htype = 1;
	return fo_scope_admin(s, v, &l, why, 256, fo_wall_at(now));
}

/*
 * lease4-add on the primary: its own free address is taken with the MCLT's
 * time, queued for the partner, and given the time asked for when the
 * partner acknowledges it; the partner's address, another client's lease
 * and a closed state are refused, and Kea's record is put back each time.
 */
START_TEST(admin_lease_rules)
{
	fo_hba hba;
	fo_serve_view v = { .state = FO_STATE_NORMAL, .type = FO_PRIMARY, .mode = FO_MODE_LOAD_BALANCE,
	    .hba = &hba, .mclt = 30 };
	fo_scope *s = scope(50, true);
	fo_ip4 mine = 0, theirs = 0;
	fo_binding_info b;
	char why[256];

	ck_assert_int_eq(fo_hba_from_percent(&hba, 50), FO_OK);
	for (fo_ip4 a = FIRST; a <= LAST; a++) {
		ck_assert_int_eq(fo_scope_get(s, a, &b), FO_OK);
		if (b.state == FO_BS_FREE && mine == 0 && a != RESERVED)
			mine = a;
		if (b.state == FO_BS_BACKUP && theirs == 0 && a != RESERVED)
			theirs = a;
	}
	ck_assert(mine != 0 && theirs != 0);
	/* The partner's address: refused, Kea's record removed (the binding is BACKUP). */
	kea_writes = 0;
	ck_assert_int_eq(admin(s, &v, theirs, 1, T0 + 10, why), FO_V_REFUSE);
	ck_assert_msg(strstr(why, "add the lease on the server that owns it") != NULL, "%s", why);
	ck_assert_int_eq(kea_writes, 1);
	ck_assert_int_eq(kea.state, FO_BS_BACKUP);
	/* Its own: 30 s now, queued for the partner. */
	ck_assert_int_eq(admin(s, &v, mine, 1, T0 + 10, why), FO_V_CHANGED);
	ck_assert_msg(strstr(why, "30 s for now (MCLT rule), 3600 s once") != NULL, "%s", why);
	ck_assert_int_eq(fo_scope_get(s, mine, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_ACTIVE);
	ck_assert_uint_eq(b.expiry, T0 + 10 + 30);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);
	ck_assert_int_eq(kea.state, FO_BS_ACTIVE);
	ck_assert_int_eq(kea.expiry.sec, T0 + 10 + 30);
	/* Another client: refused, Kea's record back to the holder. */
	ck_assert_int_eq(admin(s, &v, mine, 2, T0 + 11, why), FO_V_REFUSE);
	ck_assert_msg(strstr(why, "another client's lease holds it") != NULL, "%s", why);
	ck_assert_int_eq(kea.client.hw[5], 1);
	/* An ack not covering 3600 s changes nothing; one that does extends it. */
	ck_assert(fo_scope_acked(s, mine, FO_BS_ACTIVE, T0 + 100, FO_BS_FREE, fo_wall_at(T0 + 12)));
	ck_assert_int_eq(fo_scope_get(s, mine, &b), FO_OK);
	ck_assert_uint_eq(b.expiry, T0 + 10 + 30);
	kea_writes = 0;
	ck_assert(fo_scope_acked(s, mine, FO_BS_ACTIVE, b.pexp_sent, FO_BS_FREE, fo_wall_at(T0 + 12)));
	ck_assert_int_eq(fo_scope_get(s, mine, &b), FO_OK);
	ck_assert_uint_eq(b.expiry, T0 + 10 + 3600);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);      /* the partner learns the new end */
	ck_assert_int_eq(kea_writes, 1);
	ck_assert_int_eq(kea.expiry.sec, T0 + 10 + 3600);
	/* Once only. */
	ck_assert(fo_scope_acked(s, mine, FO_BS_ACTIVE, b.pexp_sent, FO_BS_FREE, fo_wall_at(T0 + 13)));
	ck_assert_int_eq(fo_scope_get(s, mine, &b), FO_OK);
	ck_assert_uint_eq(b.expiry, T0 + 10 + 3600);
	/* The same client again: taken. A state that gives no lease: refused. */
	ck_assert_int_ne(admin(s, &v, mine, 1, T0 + 20, why), FO_V_REFUSE);
	v.state = FO_STATE_RECOVER;
	ck_assert_int_eq(admin(s, &v, mine == FIRST ? FIRST + 1 : FIRST, 3, T0 + 21, why),
	    FO_V_REFUSE);
	/* Outside the pools: Kea's business. */
	ck_assert_int_eq(admin(s, &v, IP(10, 0, 0, 200), 4, T0 + 22, why), FO_V_PASS);
	fo_scope_close(s);
}
END_TEST

/* The restart check: which of Kea's leases the binding table contradicts. */
START_TEST(kea_lease_contradicted)
{
	fo_hba hba;
	fo_serve_view v = { .state = FO_STATE_NORMAL, .type = FO_PRIMARY, .mode = FO_MODE_LOAD_BALANCE,
	    .hba = &hba, .mclt = 30 };
	fo_scope *s = scope(0, true);           /* every address the primary's */
	uint8_t hw1[6] = { 2, 0, 0, 0, 0, 1 }, hw2[6] = { 2, 0, 0, 0, 0, 2 };
	fo_lease l = { .subnet_id = 7, .addr = FIRST, .valid_lft = 3600, .cltt = { T0 } };
	char why[256];

	ck_assert_int_eq(fo_hba_from_percent(&hba, 50), FO_OK);
	l.client.chaddr = hw1;
	l.client.hlen = 6;
	l.client.htype = 1;
	ck_assert(fo_scope_contradicts(s, &l, fo_wall_at(T0 + 1)));             /* free here */
	ck_assert_int_ne(admin(s, &v, FIRST, 1, T0, why), FO_V_REFUSE);
	ck_assert(!fo_scope_contradicts(s, &l, fo_wall_at(T0 + 1)));            /* its own */
	l.client.chaddr = hw2;
	ck_assert(fo_scope_contradicts(s, &l, fo_wall_at(T0 + 1)));             /* another's */
	ck_assert(!fo_scope_contradicts(s, &l, fo_wall_at(T0 + 3600)));         /* ended */
	l.addr = IP(10, 0, 0, 200);
	ck_assert(!fo_scope_contradicts(s, &l, fo_wall_at(T0 + 1)));            /* not a pool's */
	fo_scope_close(s);
}
END_TEST

START_TEST(damaged_journal_does_not_open)
{
	fo_scope_config cfg = { .scope_id = IP(10, 0, 0, 0), .subnet = &subnet,
	    .journal_path = path, .secondary_percent = 0, .rel_name = "r1", .counters = &ctr };
	fo_scope *s = scope(0, true);
	struct stat sb;
	FILE *f;

	ck_assert_uint_eq(fo_scope_rebalance(s, 50, 100, fo_wall_at(T0 + 1)), 11);
	fo_scope_close(s);
	/* A torn tail: the last record cut short (that one move is lost). */
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(truncate(path, sb.st_size - 3), 0);
	s = scope(0, false);
	counts(s, 11, 10, 10);
	fo_scope_close(s);
	/* Damage: a byte changed in the middle of the records. */
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r+b"));
	ck_assert_int_eq(fseek(f, sb.st_size / 2, SEEK_SET), 0);
	fputc(0x5a ^ fgetc(f), f);
	fclose(f);
	s = NULL;
	ck_assert_int_eq(fo_scope_open(&s, &cfg, fo_wall_at(T0 + 2), NULL, err, sizeof(err)),
	    FO_ERR_IO);
	ck_assert_ptr_null(s);
	ck_assert_msg(err[0] != '\0', "no reason given");
}
END_TEST

static Suite *
scope_suite(void)
{
	Suite *s = suite_create("scope");
	TCase *tc = tcase_create("ownership");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, new_scope_is_split);
	tcase_add_test(tc, rebalance_moves_free_to_backup);
	tcase_add_test(tc, rebalance_skips_an_offer);
	tcase_add_test(tc, giveback_past_the_tolerance);
	tcase_add_test(tc, damaged_journal_does_not_open);
	tcase_add_test(tc, admin_lease_rules);
	tcase_add_test(tc, kea_lease_contradicted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scope_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
