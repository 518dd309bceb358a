/*
 * check_serve.c - serving rules per failover state, as truth tables.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fo_mclt.h"
#include "fo_serve.h"

#define MCLT 3600
#define PDS INT64_C(1700000000)          /* start of PARTNER-DOWN */
#define PRIMARY_BUCKET 5                     /* primary's under split 128 */
#define SECONDARY_BUCKET 200               /* secondary's under split 128 */

static fo_hba split128;

static void
setup(void)
{
	ck_assert_int_eq(fo_hba_from_split(&split128, 128), FO_OK);
}

static fo_serve_view
view(fo_state st, fo_server_type type, fo_mode mode, fo_role role)
{
	fo_serve_view v;

	memset(&v, 0, sizeof(v));
	v.state = st;
	v.type = type;
	v.mode = mode;
	v.role = role;
	v.hba = &split128;
	v.lb_max_seconds = 3;
	v.mclt = MCLT;
	v.partner_down_since = fo_wall_at(PDS);
	return v;
}

/*
 * fo_serve_answer, one row per state, one character per fo_msg in enum
 * order: DISCOVER, SELECTING, INIT-REBOOT, RENEW, REBIND, RELEASE,
 * DECLINE, INFORM, BOOTP. Y = answer. Columns: LoadBalance primary with
 * its own bucket, LoadBalance primary with the partner's bucket,
 * HotStandby active, HotStandby standby (secs 0).
 */
static const struct {
	fo_state state;
	const char *lb_own, *lb_foreign, *hs_active, *hs_standby;
} answer_tab[FO_STATE_COUNT] = {
	{ FO_STATE_NOSTATE, ".........", ".........", ".........", "........." },
	{ FO_STATE_INIT, ".........", ".........", ".........", "........." },
	{ FO_STATE_STARTUP, ".........", ".........", ".........", "........." },
	{ FO_STATE_NORMAL, "YYYYYYYYY", ".Y.Y.YYY.", "YYYYYYYYY", "........." },
	{ FO_STATE_COMM_INTERRUPTED, "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY" },
	{ FO_STATE_PARTNER_DOWN, "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY" },
	{ FO_STATE_POTENTIAL_CONFLICT, ".........", ".........", ".........", "........." },
	{ FO_STATE_CONFLICT_DONE, "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY" },
	{ FO_STATE_RESOLUTION_INTERRUPTED, "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY", "YYYYYYYYY" },
	{ FO_STATE_RECOVER, ".........", ".........", ".........", "........." },
	{ FO_STATE_RECOVER_WAIT, ".........", ".........", ".........", "........." },
	{ FO_STATE_RECOVER_DONE, "...YY....", "...YY....", "...YY....", "...YY...." },
	{ FO_STATE_PAUSED, ".........", ".........", ".........", "........." },
	{ FO_STATE_SHUTDOWN, ".........", ".........", ".........", "........." },
};

static void
check_answer_row(const char *what, const fo_serve_view *v, uint8_t bucket,
    const char *want)
{
	ck_assert_uint_eq(strlen(want), FO_MSG_COUNT);
	for (unsigned m = 0; m < FO_MSG_COUNT; m++) {
		bool got = fo_serve_answer(v, (fo_msg)m, bucket, 0);
		ck_assert_msg(got == (want[m] == 'Y'), "%s %s %s: got %d",
		    fo_state_name(v->state), what, fo_msg_name((fo_msg)m), got);
	}
}

START_TEST(test_answer_table)
{
	fo_state st = answer_tab[_i].state;
	fo_serve_view v;

	ck_assert_int_eq(st, _i);
	v = view(st, FO_PRIMARY, FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	check_answer_row("lb own", &v, PRIMARY_BUCKET, answer_tab[_i].lb_own);
	check_answer_row("lb foreign", &v, SECONDARY_BUCKET, answer_tab[_i].lb_foreign);
	/* The secondary sees the same rows with the buckets swapped. */
	v.type = FO_SECONDARY;
	check_answer_row("lb own (secondary)", &v, SECONDARY_BUCKET,
	    answer_tab[_i].lb_own);
	check_answer_row("lb foreign (secondary)", &v, PRIMARY_BUCKET,
	    answer_tab[_i].lb_foreign);
	/* HotStandby: the role decides, whatever the bucket or type. */
	v = view(st, FO_SECONDARY, FO_MODE_HOT_STANDBY, FO_ROLE_ACTIVE);
	check_answer_row("hs active", &v, SECONDARY_BUCKET, answer_tab[_i].hs_active);
	check_answer_row("hs active", &v, PRIMARY_BUCKET, answer_tab[_i].hs_active);
	v = view(st, FO_PRIMARY, FO_MODE_HOT_STANDBY, FO_ROLE_STANDBY);
	check_answer_row("hs standby", &v, PRIMARY_BUCKET, answer_tab[_i].hs_standby);
	check_answer_row("hs standby", &v, SECONDARY_BUCKET, answer_tab[_i].hs_standby);
}
END_TEST

/*
 * fo_serve_may_allocate, one character per binding state in wire order:
 * FREE, ACTIVE, EXPIRED, RELEASED, ABANDONED, RESET, BACKUP. The address
 * expired and its pexp passed long before PARTNER-DOWN began; `late` is
 * MCLT after PARTNER-DOWN began, `early` one second before that.
 */
static const struct {
	const char *pri_late, *sec_late, *pri_early, *sec_early;
} alloc_tab[FO_STATE_COUNT] = {
	[FO_STATE_NOSTATE] = { ".......", ".......", ".......", "......." },
	[FO_STATE_INIT] = { ".......", ".......", ".......", "......." },
	[FO_STATE_STARTUP] = { ".......", ".......", ".......", "......." },
	[FO_STATE_NORMAL] = { "Y......", "......Y", "Y......", "......Y" },
	[FO_STATE_COMM_INTERRUPTED] = { "Y......", "......Y", "Y......", "......Y" },
	[FO_STATE_PARTNER_DOWN] = { "Y.YY.YY", "Y.YY.YY", "Y......", "......Y" },
	[FO_STATE_POTENTIAL_CONFLICT] = { ".......", ".......", ".......", "......." },
	[FO_STATE_CONFLICT_DONE] = { "Y......", "......Y", "Y......", "......Y" },
	[FO_STATE_RESOLUTION_INTERRUPTED] = { "Y......", "......Y", "Y......", "......Y" },
	[FO_STATE_RECOVER] = { ".......", ".......", ".......", "......." },
	[FO_STATE_RECOVER_WAIT] = { ".......", ".......", ".......", "......." },
	[FO_STATE_RECOVER_DONE] = { ".......", ".......", ".......", "......." },
	[FO_STATE_PAUSED] = { ".......", ".......", ".......", "......." },
	[FO_STATE_SHUTDOWN] = { ".......", ".......", ".......", "......." },
};

static void
check_alloc_row(const char *what, const fo_serve_view *v, fo_wall now,
    const char *want)
{
	fo_addr_view a;

	ck_assert_uint_eq(strlen(want), FO_BS_MAX);
	for (unsigned b = 1; b <= FO_BS_MAX; b++) {
		a.state = (fo_bstate)b;
		a.expiry = fo_wall_at(PDS - 7200);
		a.pexp = fo_wall_at(PDS - 3600);
		ck_assert_msg(fo_serve_may_allocate(v, &a, now) ==
		    (want[b - 1] == 'Y'), "%s %s %s", fo_state_name(v->state),
		    what, fo_bstate_name(a.state));
	}
}

START_TEST(test_alloc_table)
{
	fo_wall late = fo_wall_at(PDS + MCLT), early = fo_wall_at(PDS + MCLT - 1);
	fo_serve_view v;

	v = view((fo_state)_i, FO_PRIMARY, FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	check_alloc_row("primary late", &v, late, alloc_tab[_i].pri_late);
	check_alloc_row("primary early", &v, early, alloc_tab[_i].pri_early);
	v.type = FO_SECONDARY;
	check_alloc_row("secondary late", &v, late, alloc_tab[_i].sec_late);
	check_alloc_row("secondary early", &v, early, alloc_tab[_i].sec_early);
	/* HotStandby active allocates like LoadBalance in every state. */
	v = view((fo_state)_i, FO_SECONDARY, FO_MODE_HOT_STANDBY, FO_ROLE_ACTIVE);
	check_alloc_row("hs active secondary", &v, late, alloc_tab[_i].sec_late);
}
END_TEST

/* A HotStandby standby allocates nothing in NORMAL, its own pool otherwise. */
START_TEST(test_alloc_standby)
{
	fo_serve_view v = view(FO_STATE_NORMAL, FO_SECONDARY, FO_MODE_HOT_STANDBY,
	    FO_ROLE_STANDBY);
	fo_addr_view backup = { FO_BS_BACKUP, { 0 }, { 0 } };
	fo_addr_view free_ = { FO_BS_FREE, { 0 }, { 0 } };
	fo_wall now = fo_wall_at(PDS);

	ck_assert(!fo_serve_may_allocate(&v, &backup, now));
	ck_assert(!fo_serve_may_allocate(&v, &free_, now));
	v.state = FO_STATE_COMM_INTERRUPTED;
	ck_assert(fo_serve_may_allocate(&v, &backup, now));
	ck_assert(!fo_serve_may_allocate(&v, &free_, now));
}
END_TEST

/* PARTNER-DOWN: one second before, at, and after the MCLT boundary. */
static const struct {
	const char *name;
	fo_server_type type;
	fo_bstate bs;
	int64_t expiry, pexp;        /* relative to PDS */
	int64_t boundary;            /* first second allowed, relative to PDS */
} pd_cases[] = {
	{ "partner FREE (secondary)", FO_SECONDARY, FO_BS_FREE, 0, 0, MCLT },
	{ "partner BACKUP (primary)", FO_PRIMARY, FO_BS_BACKUP, 0, 0, MCLT },
	{ "EXPIRED, old times", FO_PRIMARY, FO_BS_EXPIRED, -9000, -8000, MCLT },
	{ "EXPIRED, expiry latest", FO_PRIMARY, FO_BS_EXPIRED, 500, 200, 500 + MCLT },
	{ "EXPIRED, pexp latest", FO_SECONDARY, FO_BS_EXPIRED, 100, 900, 900 + MCLT },
	{ "RELEASED, pexp latest", FO_PRIMARY, FO_BS_RELEASED, 100, 7200, 7200 + MCLT },
	{ "RESET, expiry latest", FO_SECONDARY, FO_BS_RESET, 86400, 0, 86400 + MCLT },
};
#define N_PD_CASES (sizeof(pd_cases) / sizeof(pd_cases[0]))

START_TEST(test_partner_down_boundary)
{
	fo_serve_view v = view(FO_STATE_PARTNER_DOWN, pd_cases[_i].type,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	fo_addr_view a;
	int64_t at = PDS + pd_cases[_i].boundary;

	a.state = pd_cases[_i].bs;
	a.expiry = fo_wall_at(PDS + pd_cases[_i].expiry);
	a.pexp = fo_wall_at(PDS + pd_cases[_i].pexp);
	ck_assert_msg(!fo_serve_may_allocate(&v, &a, fo_wall_at(at - 1)),
	    "%s: allowed one second early", pd_cases[_i].name);
	ck_assert_msg(fo_serve_may_allocate(&v, &a, fo_wall_at(at)),
	    "%s: refused at the boundary", pd_cases[_i].name);
	ck_assert_msg(fo_serve_may_allocate(&v, &a, fo_wall_at(at + 1)),
	    "%s: refused one second late", pd_cases[_i].name);
	/* Never ACTIVE or ABANDONED, however late. */
	a.state = FO_BS_ACTIVE;
	ck_assert(!fo_serve_may_allocate(&v, &a, fo_wall_at(at + 86400 * 365)));
	a.state = FO_BS_ABANDONED;
	ck_assert(!fo_serve_may_allocate(&v, &a, fo_wall_at(at + 86400 * 365)));
}
END_TEST

START_TEST(test_partner_down_saturates)
{
	fo_serve_view v = view(FO_STATE_PARTNER_DOWN, FO_PRIMARY,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	fo_addr_view a = { FO_BS_EXPIRED, { INT64_MAX }, { 0 } };

	v.mclt = 0xffffffff;
	ck_assert(!fo_serve_may_allocate(&v, &a, fo_wall_at(INT64_MAX - 1)));
	ck_assert(fo_serve_may_allocate(&v, &a, fo_wall_at(INT64_MAX)));
	a.state = FO_BS_BACKUP;
	v.partner_down_since = fo_wall_at(INT64_MAX - 5);
	ck_assert(!fo_serve_may_allocate(&v, &a, fo_wall_at(INT64_MAX - 1)));
	/* Zero MCLT: usable at once on entering PARTNER-DOWN. */
	v.mclt = 0;
	v.partner_down_since = fo_wall_at(PDS);
	ck_assert(fo_serve_may_allocate(&v, &a, fo_wall_at(PDS)));
	ck_assert(!fo_serve_may_allocate(&v, &a, fo_wall_at(PDS - 1)));
}
END_TEST

/* lb_max_seconds: secs above it lets either server answer broadcasts. */
static const struct {
	uint16_t lb_max;
	uint16_t secs;
	bool answer;
} secs_cases[] = {
	{ 3, 0, false }, { 3, 3, false }, { 3, 4, true }, { 3, 65535, true },
	{ 0, 0, false }, { 0, 1, false }, { 0, 65535, false },
	{ 65535, 65535, false }, { 65534, 65535, true }, { 1, 2, true },
};
#define N_SECS_CASES (sizeof(secs_cases) / sizeof(secs_cases[0]))

START_TEST(test_secs_override)
{
	static const fo_msg balanced[] = { FO_MSG_DISCOVER,
	    FO_MSG_REQUEST_INIT_REBOOT, FO_MSG_REQUEST_REBIND, FO_MSG_BOOTP };
	fo_serve_view v = view(FO_STATE_NORMAL, FO_SECONDARY,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	uint16_t secs = secs_cases[_i].secs;

	v.lb_max_seconds = secs_cases[_i].lb_max;
	for (size_t i = 0; i < sizeof(balanced) / sizeof(balanced[0]); i++) {
		ck_assert_msg(fo_serve_answer(&v, balanced[i], PRIMARY_BUCKET, secs) ==
		    secs_cases[_i].answer, "max %u secs %u %s", v.lb_max_seconds,
		    secs, fo_msg_name(balanced[i]));
		/* The secondary's own bucket is answered whatever secs says. */
		ck_assert(fo_serve_answer(&v, balanced[i], SECONDARY_BUCKET, secs));
	}
	/* secs never wakes a HotStandby standby or a non-serving state. */
	v = view(FO_STATE_NORMAL, FO_SECONDARY, FO_MODE_HOT_STANDBY,
	    FO_ROLE_STANDBY);
	v.lb_max_seconds = secs_cases[_i].lb_max;
	ck_assert(!fo_serve_answer(&v, FO_MSG_DISCOVER, PRIMARY_BUCKET, secs));
	v = view(FO_STATE_POTENTIAL_CONFLICT, FO_SECONDARY,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	v.lb_max_seconds = secs_cases[_i].lb_max;
	ck_assert(!fo_serve_answer(&v, FO_MSG_DISCOVER, PRIMARY_BUCKET, secs));
}
END_TEST

/* From MAC to decision, with the reference vectors and split 128. */
START_TEST(test_answer_by_mac)
{
	static const uint8_t mac_79[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mac_135[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	fo_serve_view p = view(FO_STATE_NORMAL, FO_PRIMARY, FO_MODE_LOAD_BALANCE,
	    FO_ROLE_ACTIVE);
	fo_serve_view s = view(FO_STATE_NORMAL, FO_SECONDARY,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	uint8_t b79 = fo_hash_client(NULL, 0, mac_79, 6);
	uint8_t b135 = fo_hash_client(NULL, 0, mac_135, 6);

	ck_assert(fo_serve_answer(&p, FO_MSG_DISCOVER, b79, 0));
	ck_assert(!fo_serve_answer(&s, FO_MSG_DISCOVER, b79, 0));
	ck_assert(!fo_serve_answer(&p, FO_MSG_DISCOVER, b135, 0));
	ck_assert(fo_serve_answer(&s, FO_MSG_DISCOVER, b135, 0));
}
END_TEST

/* Lease time: the MCLT rule where leases are given, 0 elsewhere. */
START_TEST(test_lease_time)
{
	fo_wall now = fo_wall_at(PDS + 100);
	fo_wall acked = fo_wall_at(PDS + 100 + 1000);
	fo_serve_view v = view((fo_state)_i, FO_PRIMARY, FO_MODE_LOAD_BALANCE,
	    FO_ROLE_ACTIVE);
	uint32_t want = 0;

	switch ((fo_state)_i) {
	case FO_STATE_NORMAL:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER_DONE:
		want = 1000 + MCLT;
		break;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		want = 0;
		break;
	}
	ck_assert_uint_eq(fo_serve_lease_time(&v, 86400, acked, now), want);
	ck_assert_uint_eq(fo_serve_lease_time(&v, 600, acked, now),
	    want == 0 ? 0 : 600);
	ck_assert_uint_eq(fo_serve_lease_time(&v, 86400, fo_wall_at(0), now),
	    want == 0 ? 0 : MCLT);
	/* The HotStandby standby gives no lease in NORMAL. */
	v.mode = FO_MODE_HOT_STANDBY;
	v.role = FO_ROLE_STANDBY;
	ck_assert_uint_eq(fo_serve_lease_time(&v, 86400, acked, now),
	    (fo_state)_i == FO_STATE_NORMAL ? 0 : want);
}
END_TEST

START_TEST(test_misuse)
{
	fo_serve_view v = view(FO_STATE_PARTNER_DOWN, FO_PRIMARY,
	    FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE);
	fo_addr_view a = { FO_BS_FREE, { 0 }, { 0 } };
	fo_wall now = fo_wall_at(PDS);

	ck_assert(!fo_serve_answer(NULL, FO_MSG_DISCOVER, 0, 0));
	ck_assert(!fo_serve_answer(&v, (fo_msg)FO_MSG_COUNT, 0, 0));
	ck_assert(!fo_serve_may_allocate(NULL, &a, now));
	ck_assert(!fo_serve_may_allocate(&v, NULL, now));
	ck_assert(fo_serve_may_allocate(&v, &a, now));
	ck_assert_uint_eq(fo_serve_lease_time(NULL, 600, now, now), 0);
	a.state = (fo_bstate)0;
	ck_assert(!fo_serve_may_allocate(&v, &a, now));
	v.state = (fo_state)FO_STATE_COUNT;
	ck_assert(!fo_serve_answer(&v, FO_MSG_DISCOVER, 0, 0));
	ck_assert_uint_eq(fo_serve_lease_time(&v, 600, now, now), 0);
	/* NORMAL LoadBalance without an HBA: no bucket is ours. */
	v = view(FO_STATE_NORMAL, FO_PRIMARY, FO_MODE_LOAD_BALANCE,
	    FO_ROLE_ACTIVE);
	v.hba = NULL;
	ck_assert(!fo_serve_answer(&v, FO_MSG_DISCOVER, PRIMARY_BUCKET, 0));
	ck_assert(fo_serve_answer(&v, FO_MSG_DISCOVER, PRIMARY_BUCKET, 4));
	ck_assert(fo_serve_answer(&v, FO_MSG_REQUEST_RENEW, PRIMARY_BUCKET, 0));
}
END_TEST

START_TEST(test_msg_names)
{
	ck_assert_str_eq(fo_msg_name(FO_MSG_DISCOVER), "DISCOVER");
	ck_assert_str_eq(fo_msg_name(FO_MSG_REQUEST_REBIND), "REQUEST-REBIND");
	ck_assert_str_eq(fo_msg_name(FO_MSG_BOOTP), "BOOTP");
	ck_assert_ptr_null(fo_msg_name((fo_msg)FO_MSG_COUNT));
	for (unsigned m = 0; m < FO_MSG_COUNT; m++)
		ck_assert_ptr_nonnull(fo_msg_name((fo_msg)m));
}
END_TEST

/* RFC 2131 4.3.2: (type, ciaddr, broadcast/relayed, server-id, requested-ip) -> kind. */
static const struct {
	uint8_t type;
	fo_ip4 ciaddr;
	bool bcast, sid, req;
	fo_msg want;
} classify_cases[] = {
	{ 0, 0, true, false, false, FO_MSG_BOOTP },
	{ FO_DHCPDISCOVER, 0, true, false, true, FO_MSG_DISCOVER },
	{ FO_DHCPREQUEST, 0, true, true, true, FO_MSG_REQUEST_SELECTING },
	{ FO_DHCPREQUEST, 0, true, false, true, FO_MSG_REQUEST_INIT_REBOOT },
	{ FO_DHCPREQUEST, 0x0a000005, false, false, false, FO_MSG_REQUEST_RENEW },
	{ FO_DHCPREQUEST, 0x0a000005, true, false, false, FO_MSG_REQUEST_REBIND },
	{ FO_DHCPREQUEST, 0x0a000005, false, true, false, FO_MSG_REQUEST_SELECTING },
	{ FO_DHCPDECLINE, 0, true, true, true, FO_MSG_DECLINE },
	{ FO_DHCPRELEASE, 0x0a000005, false, true, false, FO_MSG_RELEASE },
	{ FO_DHCPINFORM, 0x0a000005, false, false, false, FO_MSG_INFORM },
	{ 2 /* OFFER: not a query */, 0, true, false, false, FO_MSG_INFORM },
};
#define N_CLASSIFY (int)(sizeof(classify_cases) / sizeof(classify_cases[0]))

START_TEST(test_msg_classify)
{
	ck_assert_str_eq(fo_msg_name(fo_msg_classify(classify_cases[_i].type,
	    classify_cases[_i].ciaddr, classify_cases[_i].bcast, classify_cases[_i].sid,
	    classify_cases[_i].req)), fo_msg_name(classify_cases[_i].want));
}
END_TEST

static Suite *
serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc;

	tc = tcase_create("answer");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_answer_table, 0, FO_STATE_COUNT);
	tcase_add_loop_test(tc, test_secs_override, 0, N_SECS_CASES);
	tcase_add_test(tc, test_answer_by_mac);

	tc = tcase_create("allocate");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_alloc_table, 0, FO_STATE_COUNT);
	tcase_add_test(tc, test_alloc_standby);
	tcase_add_loop_test(tc, test_partner_down_boundary, 0, N_PD_CASES);
	tcase_add_test(tc, test_partner_down_saturates);
	suite_add_tcase(s, tc);

	tc = tcase_create("lease");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_lease_time, 0, FO_STATE_COUNT);
	tcase_add_test(tc, test_misuse);
	tcase_add_test(tc, test_msg_names);
	tcase_add_loop_test(tc, test_msg_classify, 0, N_CLASSIFY);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(serve_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
