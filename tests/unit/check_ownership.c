/*
 * check_ownership.c - unit tests of split-pool ownership (engine/core/fo_ownership.c).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_ownership.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))

static fo_bt *
mktable(const fo_pool_range *r, size_t n)
{
	fo_bt *bt = NULL;

	ck_assert_int_eq(fo_bt_create(&bt, r, n, NULL), FO_OK);
	return bt;
}

static fo_bt *
mkpool(fo_ip4 first, size_t n)
{
	fo_pool_range r = { first, first + (fo_ip4)n - 1 };

	return mktable(&r, 1);
}

/* The states of every address, in address order, as a string of digits. */
static char *
states(const fo_bt *bt)
{
	char *s = malloc(fo_bt_size(bt) + 1);
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	size_t k = 0;

	ck_assert_ptr_nonnull(s);
	while (fo_bt_iter_next(bt, &it, NULL, &b))
		s[k++] = (char)('0' + fo_binding_state(b));
	s[k] = '\0';
	return s;
}

/* Share with exact rational arithmetic, halves up: the rule's known answer. */
static uint64_t
rounded(uint64_t n, unsigned p)
{
	uint64_t q = n * p / 100, rem = n * p % 100;

	return q + (rem >= 50);
}

START_TEST(test_rule)
{
	/* Known answers, written out by hand. */
	const struct { unsigned p; const char *first20; } kv[] = {
		{ 0, "00000000000000000000" },
		{ 50, "10101010101010101010" },
		{ 30, "01001000100100100010" },
		{ 5, "00000000010000000000" },
		{ 25, "01000100010001000100" },
		{ 100, "11111111111111111111" },
	};

	for (size_t k = 0; k < sizeof(kv) / sizeof(kv[0]); k++)
		for (uint64_t i = 0; i < 20; i++)
			ck_assert_int_eq(fo_own_is_secondary(i, kv[k].p), kv[k].first20[i] == '1');
	ck_assert(fo_own_is_secondary(29, 5));
	ck_assert(fo_own_is_secondary(49, 5));
	ck_assert(!fo_own_is_secondary(30, 5));
	ck_assert_uint_eq(fo_own_share(255, 50), 128);
	ck_assert_uint_eq(fo_own_share(3, 50), 2);
	ck_assert_uint_eq(fo_own_share(1, 50), 1);
	ck_assert_uint_eq(fo_own_share(1, 49), 0);
	ck_assert_uint_eq(fo_own_share(1000, 5), 50);
	ck_assert_uint_eq(fo_own_share(9, 5), 0);
	ck_assert_uint_eq(fo_own_share(10, 5), 1);
	ck_assert_uint_eq(fo_own_share(0, 100), 0);
	/* The rule's running count is the rounded share, for every prefix. */
	for (unsigned p = 0; p <= 100; p++) {
		uint64_t c = 0;

		for (uint64_t n = 1; n <= 1000; n++) {
			c += fo_own_is_secondary(n - 1, p);
			ck_assert_uint_eq(c, rounded(n, p));
			ck_assert_uint_eq(fo_own_share(n, p), rounded(n, p));
		}
	}
}
END_TEST

START_TEST(test_split_counts)
{
	const size_t sizes[] = { 1, 2, 3, 7, 10, 99, 255, 256, 1000, 65536 };
	const unsigned pcts[] = { 0, 1, 5, 30, 33, 50, 70, 99, 100 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (size_t j = 0; j < sizeof(pcts) / sizeof(pcts[0]); j++) {
			fo_bt *bt = mkpool(IP(10, 0, 0, 1), sizes[i]);
			size_t want = (size_t)rounded(sizes[i], pcts[j]);

			ck_assert_int_eq(fo_own_split(bt, pcts[j], fo_wall_at(7)), FO_OK);
			ck_assert_uint_eq(fo_bt_count(bt, FO_BS_BACKUP), want);
			ck_assert_uint_eq(fo_bt_count(bt, FO_BS_FREE), sizes[i] - want);
			ck_assert_int_eq(fo_own_imbalance(bt, pcts[j]), 0);
			fo_bt_destroy(bt);
		}
	}
}
END_TEST

START_TEST(test_split_patterns)
{
	fo_bt *bt;
	char *s;

	/* 50/50 alternates, starting with the secondary. */
	bt = mkpool(IP(10, 0, 0, 1), 8);
	ck_assert_int_eq(fo_own_split(bt, 50, fo_wall_at(1000)), FO_OK);
	ck_assert_str_eq(s = states(bt), "71717171");
	free(s);
	/* Only changed addresses get the new stos. */
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 1))->stos, 1000);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 2))->stos, 0);
	/* Owners' lists are in address order. */
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_BACKUP), IP(10, 0, 0, 1));
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 2));
	fo_bt_destroy(bt);

	/* Secondary 30 %: 3 of every 10, evenly spread. */
	bt = mkpool(IP(10, 0, 0, 1), 10);
	ck_assert_int_eq(fo_own_split(bt, 30, fo_wall_at(1)), FO_OK);
	ck_assert_str_eq(s = states(bt), "1711711171");
	free(s);
	fo_bt_destroy(bt);

	/* Odd sizes. */
	bt = mkpool(IP(10, 0, 0, 1), 3);
	ck_assert_int_eq(fo_own_split(bt, 50, fo_wall_at(1)), FO_OK);
	ck_assert_str_eq(s = states(bt), "717");
	free(s);
	fo_bt_destroy(bt);
	bt = mkpool(IP(10, 0, 0, 1), 1);
	ck_assert_int_eq(fo_own_split(bt, 50, fo_wall_at(1)), FO_OK);
	ck_assert_str_eq(s = states(bt), "7");
	free(s);
	ck_assert_int_eq(fo_own_split(bt, 40, fo_wall_at(1)), FO_OK);
	ck_assert_str_eq(s = states(bt), "1");
	free(s);
	fo_bt_destroy(bt);
	bt = mkpool(IP(10, 0, 0, 1), 2);
	ck_assert_int_eq(fo_own_split(bt, 50, fo_wall_at(1)), FO_OK);
	ck_assert_str_eq(s = states(bt), "71");
	free(s);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_split_spread)
{
	/* HotStandby 5 % reserve over 255 addresses: 13, one in every 20. */
	fo_bt *bt = mkpool(IP(192, 168, 0, 1), 255);
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	fo_ip4 a, prev = 0;
	size_t k = 0;

	ck_assert_int_eq(fo_own_split(bt, 5, fo_wall_at(1)), FO_OK);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_BACKUP), 13);
	while (fo_bt_iter_next(bt, &it, &a, &b)) {
		if (fo_binding_state(b) != FO_BS_BACKUP)
			continue;
		ck_assert_uint_eq(a, IP(192, 168, 0, 1) + 9 + 20 * k);
		ck_assert(prev == 0 || a - prev == 20);
		prev = a;
		k++;
	}
	ck_assert_uint_eq(k, 13);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_split_multi_pool_order)
{
	/* The same ranges given in another order yield the same split. */
	fo_pool_range r1[] = {
		{ IP(10, 0, 0, 10), IP(10, 0, 0, 40) },
		{ IP(10, 0, 2, 0), IP(10, 0, 2, 254) },
		{ IP(10, 0, 1, 1), IP(10, 0, 1, 1) },
	};
	fo_pool_range r2[] = { r1[2], r1[1], r1[0] };
	const unsigned pcts[] = { 0, 5, 30, 50, 67, 100 };

	for (size_t j = 0; j < sizeof(pcts) / sizeof(pcts[0]); j++) {
		fo_bt *a = mktable(r1, 3), *b = mktable(r2, 3);
		char *sa, *sb;

		ck_assert_int_eq(fo_own_split(a, pcts[j], fo_wall_at(1)), FO_OK);
		ck_assert_int_eq(fo_own_split(b, pcts[j], fo_wall_at(2)), FO_OK);
		ck_assert_str_eq(sa = states(a), sb = states(b));
		ck_assert_uint_eq(fo_bt_count(a, FO_BS_BACKUP), rounded(31 + 255 + 1, pcts[j]));
		free(sa);
		free(sb);
		fo_bt_destroy(a);
		fo_bt_destroy(b);
	}
}
END_TEST

START_TEST(test_split_history)
{
	/*
	 * A table with history (different list order, leases, an earlier
	 * split) splits its free addresses like a fresh table holding the
	 * same leases: only the set of free addresses counts.
	 */
	fo_bt *a = mkpool(IP(10, 0, 0, 1), 200), *b = mkpool(IP(10, 0, 0, 1), 200);
	const fo_ip4 leased[] = { 3, 4, 5, 17, 100, 101, 150, 199 };
	char *sa, *sb;

	ck_assert_int_eq(fo_own_split(a, 50, fo_wall_at(1)), FO_OK);
	for (fo_ip4 i = 1; i <= 200; i += 3) {
		ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 0) + i, FO_BS_ACTIVE, fo_wall_at(2)), FO_OK);
		ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 0) + i, FO_BS_EXPIRED, fo_wall_at(3)), FO_OK);
		ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 0) + i, FO_BS_BACKUP, fo_wall_at(4)), FO_OK);
	}
	for (size_t k = 0; k < sizeof(leased) / sizeof(leased[0]); k++) {
		ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 0) + leased[k], FO_BS_ACTIVE, fo_wall_at(5)), FO_OK);
		ck_assert_int_eq(fo_bt_set_state(b, IP(10, 0, 0, 0) + leased[k],
		    k % 2 ? FO_BS_ACTIVE : FO_BS_ABANDONED, fo_wall_at(5)), FO_OK);
	}
	ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 3), FO_BS_ABANDONED, fo_wall_at(6)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 100), FO_BS_ABANDONED, fo_wall_at(6)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(a, IP(10, 0, 0, 5), FO_BS_ABANDONED, fo_wall_at(6)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(b, IP(10, 0, 0, 150), FO_BS_ABANDONED, fo_wall_at(6)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(b, IP(10, 0, 0, 150), FO_BS_ACTIVE, fo_wall_at(6)), FO_OK);
	ck_assert_int_eq(fo_own_split(a, 30, fo_wall_at(9)), FO_OK);
	ck_assert_int_eq(fo_own_split(b, 30, fo_wall_at(9)), FO_OK);
	ck_assert_str_eq(sa = states(a), sb = states(b));
	/* Non-free addresses untouched; free share exact. */
	ck_assert_uint_eq(fo_bt_count(a, FO_BS_ACTIVE), 5);
	ck_assert_uint_eq(fo_bt_count(a, FO_BS_ABANDONED), 3);
	ck_assert_uint_eq(fo_bt_count(a, FO_BS_BACKUP), rounded(192, 30));
	ck_assert_uint_eq(fo_binding_state(fo_bt_lookup(a, IP(10, 0, 0, 101))), FO_BS_ACTIVE);
	/* Splitting again changes nothing. */
	ck_assert_int_eq(fo_own_split(a, 30, fo_wall_at(10)), FO_OK);
	free(sb);
	ck_assert_str_eq(sa, sb = states(a));
	free(sa);
	free(sb);
	fo_bt_destroy(a);
	fo_bt_destroy(b);
}
END_TEST

/*
 * fo_own_imbalance: what fo_scope_rebalance and fo_scope_giveback move
 * (tests/unit/check_scope.c runs those).
 */
START_TEST(test_imbalance)
{
	fo_bt *bt = mkpool(IP(10, 0, 0, 1), 100);

	ck_assert_int_eq(fo_own_imbalance(bt, 50), 50);
	ck_assert_int_eq(fo_own_imbalance(bt, 0), 0);
	ck_assert_int_eq(fo_own_split(bt, 50, fo_wall_at(1)), FO_OK);
	ck_assert_int_eq(fo_own_imbalance(bt, 50), 0);
	/* Lease 20 of the primary's: the secondary now has too many. */
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(fo_bt_set_state(bt, fo_bt_next_free(bt, FO_BS_FREE),
		    FO_BS_ACTIVE, fo_wall_at(2)), FO_OK);
	ck_assert_int_eq(fo_own_imbalance(bt, 50), -10);
	/* Other targets: 5 % reserve, everything. */
	ck_assert_int_eq(fo_own_imbalance(bt, 5), -46);
	ck_assert_int_eq(fo_own_imbalance(bt, 100), 30);
	/* Misuse. */
	ck_assert_int_eq(fo_own_imbalance(NULL, 50), 0);
	ck_assert_int_eq(fo_own_imbalance(bt, 101), 0);
	ck_assert_int_eq(fo_own_split(bt, 101, fo_wall_at(6)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_own_split(NULL, 50, fo_wall_at(6)), FO_ERR_INVAL);
	fo_bt_destroy(bt);
}
END_TEST


static Suite *
ownership_suite(void)
{
	Suite *s = suite_create("ownership");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rule);
	tcase_add_test(tc, test_split_counts);
	tcase_add_test(tc, test_split_patterns);
	tcase_add_test(tc, test_split_spread);
	tcase_add_test(tc, test_split_multi_pool_order);
	tcase_add_test(tc, test_split_history);
	tcase_add_test(tc, test_imbalance);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ownership_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
