/*
 * check_mclt.c - the MCLT rule (draft-12 5.2.1, 7.1.5).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>

#include <check.h>

#include "fo_mclt.h"

#define NOW INT64_C(1700000000)
#define DAY UINT32_C(86400)
#define HOUR UINT32_C(3600)

static const struct {
	const char *name;
	uint32_t desired;
	uint32_t mclt;
	int64_t now;
	int64_t acked;          /* 0 = nothing acknowledged */
	uint32_t expect;
} cases[] = {
	{ "mclt above desired, first lease", 600, HOUR, NOW, 0, 600 },
	{ "desired equal to mclt", HOUR, HOUR, NOW, 0, HOUR },
	{ "first lease gets mclt", DAY, HOUR, NOW, 0, HOUR },
	{ "acked just enough for full", DAY, HOUR, NOW, NOW + DAY - HOUR, DAY },
	{ "acked one short of full", DAY, HOUR, NOW, NOW + DAY - HOUR - 1, DAY - 1 },
	{ "acked beyond full", DAY, HOUR, NOW, NOW + 10 * DAY, DAY },
	{ "acked partial", DAY, HOUR, NOW, NOW + 1000, 1000 + HOUR },
	{ "acked one second ahead", DAY, HOUR, NOW, NOW + 1, HOUR + 1 },
	{ "acked exactly now", DAY, HOUR, NOW, NOW, HOUR },
	{ "ack expired", DAY, HOUR, NOW, NOW - 10, HOUR },
	{ "ack long expired", DAY, HOUR, NOW, 1, HOUR },
	{ "ack before the epoch", DAY, HOUR, 0, -5000, HOUR },
	{ "sentinel 0 with negative now", DAY, HOUR, -100, 0, HOUR },
	{ "zero mclt, nothing acked", DAY, 0, NOW, 0, 0 },
	{ "zero mclt, acked remainder", DAY, 0, NOW, NOW + 500, 500 },
	{ "zero mclt, acked exactly now", DAY, 0, NOW, NOW, 0 },
	{ "zero mclt, acked beyond desired", DAY, 0, NOW, NOW + 2 * DAY, DAY },
	{ "desired 0, first lease", 0, HOUR, NOW, 0, 0 },
	{ "desired 0, acked", 0, HOUR, NOW, NOW + DAY, 0 },
	{ "infinite desired, first lease", FO_LEASE_INFINITE, HOUR, NOW, 0, HOUR },
	{ "infinite desired, acked a day", FO_LEASE_INFINITE, HOUR, NOW,
	    NOW + DAY, DAY + HOUR },
	{ "infinite desired, acked at 32-bit end", FO_LEASE_INFINITE, HOUR,
	    NOW, INT64_C(0xffffffff), (uint32_t)(0xffffffff - NOW) + HOUR },
	{ "infinite desired and mclt", FO_LEASE_INFINITE, 0xffffffff, NOW, 0,
	    FO_MCLT_LEASE_MAX },
	{ "remainder plus mclt past 32 bits", FO_LEASE_INFINITE, HOUR, NOW,
	    NOW + 0xfffffff0, FO_MCLT_LEASE_MAX },
	{ "remainder plus mclt past 32 bits, finite", 0xfffffff5, HOUR, NOW,
	    NOW + 0xfffffff0, 0xfffffff5 },
	{ "remainder exactly the cap", FO_LEASE_INFINITE, 0, NOW,
	    NOW + FO_MCLT_LEASE_MAX, FO_MCLT_LEASE_MAX },
	{ "acked at INT64_MAX", FO_LEASE_INFINITE, HOUR, NOW, INT64_MAX,
	    FO_MCLT_LEASE_MAX },
	{ "full int64 span", DAY, 0xffffffff, INT64_MIN, INT64_MAX, DAY },
	{ "now at INT64_MAX", DAY, HOUR, INT64_MAX, NOW, HOUR },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_lease_time)
{
	uint32_t got = fo_mclt_lease_time(cases[_i].desired, cases[_i].mclt,
	    fo_wall_at(cases[_i].now), fo_wall_at(cases[_i].acked));

	ck_assert_msg(got == cases[_i].expect, "%s: got %u, want %u",
	    cases[_i].name, got, cases[_i].expect);
}
END_TEST

static const struct {
	int64_t now;
	uint32_t desired;
	uint32_t granted;
	int64_t expect;
} pexp_cases[] = {
	{ NOW, DAY, HOUR, NOW + DAY + HOUR / 2 },
	{ NOW, DAY, DAY, NOW + DAY + DAY / 2 },
	{ NOW, DAY, 3601, NOW + DAY + 1800 },       /* granted/2 rounds down */
	{ NOW, DAY, 0, NOW + DAY },
	{ NOW, 0, 0, NOW },
	{ 0, 0xffffffff, 0xffffffff, INT64_C(0xffffffff) + INT64_C(0x7fffffff) },
	{ INT64_MAX - 10, DAY, HOUR, INT64_MAX },   /* saturates */
	{ INT64_MAX, 0, 0, INT64_MAX },
	{ -(int64_t)DAY, DAY, 0, 0 },
};
#define N_PEXP_CASES (sizeof(pexp_cases) / sizeof(pexp_cases[0]))

START_TEST(test_potential_expiry)
{
	fo_wall got = fo_mclt_potential_expiry(fo_wall_at(pexp_cases[_i].now),
	    pexp_cases[_i].desired, pexp_cases[_i].granted);

	ck_assert_int_eq(got.sec, pexp_cases[_i].expect);
}
END_TEST

/*
 * The two halves together: a first lease gets MCLT; once the partner acks
 * the potential expiration we sent, the renewal at T1 gets the full time.
 */
static const struct {
	uint32_t desired;
	uint32_t mclt;
} cycle_cases[] = {
	{ DAY, HOUR }, { 7 * DAY, HOUR }, { 600, HOUR }, { HOUR, 60 },
	{ 30 * DAY, 1 },
};
#define N_CYCLE_CASES (sizeof(cycle_cases) / sizeof(cycle_cases[0]))

START_TEST(test_renewal_cycle)
{
	uint32_t d = cycle_cases[_i].desired, m = cycle_cases[_i].mclt;
	fo_wall t0 = fo_wall_at(NOW), t1, pexp;
	uint32_t first, second;

	first = fo_mclt_lease_time(d, m, t0, fo_wall_at(0));
	ck_assert_uint_eq(first, d < m ? d : m);
	pexp = fo_mclt_potential_expiry(t0, d, first);
	t1 = fo_wall_at(t0.sec + first / 2);
	second = fo_mclt_lease_time(d, m, t1, pexp);
	ck_assert_uint_eq(second, d);
	/* The next cycle holds too, with the renewal's own pexp. */
	pexp = fo_mclt_potential_expiry(t1, d, second);
	ck_assert_uint_eq(fo_mclt_lease_time(d, m,
	    fo_wall_at(t1.sec + second / 2), pexp), d);
}
END_TEST

static Suite *
mclt_suite(void)
{
	Suite *s = suite_create("mclt");
	TCase *tc;

	tc = tcase_create("lease_time");
	tcase_add_loop_test(tc, test_lease_time, 0, N_CASES);
	suite_add_tcase(s, tc);

	tc = tcase_create("potential_expiry");
	tcase_add_loop_test(tc, test_potential_expiry, 0, N_PEXP_CASES);
	tcase_add_loop_test(tc, test_renewal_cycle, 0, N_CYCLE_CASES);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mclt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
