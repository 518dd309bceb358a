/*
 * check_log.c - the engine's log helper (fo_log) and the event table's names,
 * severities and texts (fo_log_events.def).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_log.h"

static struct {
	int calls;
	fo_log_id id;
	size_t nargs;
	char args[FO_LOG_ARGS_MAX][64];
} got;

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	ck_assert_ptr_eq(ctx, &got);
	got.calls++;
	got.id = id;
	got.nargs = nargs;
	for (size_t i = 0; i < nargs && i < FO_LOG_ARGS_MAX; i++)
		strncpy(got.args[i], args[i], sizeof(got.args[i]) - 1);
}

static const fo_host host = { .ctx = &got, .log = capture };

/* Strings as they are, numbers in decimal, in order; one callback per event. */
START_TEST(args_reach_the_host_as_strings)
{
	memset(&got, 0, sizeof(got));
	fo_log(&host, FO_EVT_SCOPE_OPENED, FO_S("r1"), FO_S("10.0.0.0"), FO_U(7u),
	    FO_U((size_t)4294967296u), FO_U(0), FO_U(1), FO_U(2), FO_S(NULL));
	ck_assert_int_eq(got.calls, 1);
	ck_assert_int_eq(got.id, FO_EVT_SCOPE_OPENED);
	ck_assert_uint_eq(got.nargs, 8);
	ck_assert_str_eq(got.args[0], "r1");
	ck_assert_str_eq(got.args[1], "10.0.0.0");
	ck_assert_str_eq(got.args[2], "7");
	ck_assert_str_eq(got.args[3], "4294967296");
	ck_assert_str_eq(got.args[4], "0");
	ck_assert_str_eq(got.args[7], "(null)");
}
END_TEST

/* No host, or a host without a log callback: nothing happens. */
START_TEST(no_host_no_log)
{
	fo_host quiet = { .ctx = &got };

	memset(&got, 0, sizeof(got));
	fo_log(NULL, FO_EVT_STATE_CHANGED, FO_S("r1"), FO_S("a"), FO_S("b"), FO_S("c"));
	fo_log(&quiet, FO_EVT_STATE_CHANGED, FO_S("r1"), FO_S("a"), FO_S("b"), FO_S("c"));
	ck_assert_int_eq(got.calls, 0);
}
END_TEST

/* Names are FAILOVER_<NAME>, severities the table's, out of range NULL. */
START_TEST(names_levels_texts)
{
	ck_assert_str_eq(fo_log_id_name(FO_EVT_STATE_CHANGED), "FAILOVER_STATE_CHANGED");
	ck_assert_str_eq(fo_log_id_name(FO_EVT_ATTACH_FAILED), "FAILOVER_ATTACH_FAILED");
	ck_assert_int_eq(fo_log_id_level(FO_EVT_STATE_CHANGED), FO_LOG_INFO);
	ck_assert_int_eq(fo_log_id_level(FO_EVT_SCOPE_JOURNAL_TORN), FO_LOG_ERROR);
	ck_assert_int_eq(fo_log_id_level(FO_EVT_PEER_TIMEOUT), FO_LOG_WARN);
	ck_assert_int_eq(fo_log_id_level(FO_EVT_CONNECTION_PENDING), FO_LOG_DEBUG);
	ck_assert_int_eq(fo_log_id_level(FO_EVT_POOL_BALANCED), FO_LOG_DEBUG_DETAIL);
	ck_assert_str_eq(fo_log_id_text(FO_EVT_STATE_CHANGED),
	    "relationship %1: state %2 -> %3 (%4)");
	ck_assert_ptr_null(fo_log_id_name((fo_log_id)FO_LOG_ID_COUNT));
	ck_assert_ptr_null(fo_log_id_text((fo_log_id)-1));
	for (int i = 0; i < FO_LOG_ID_COUNT; i++) {
		ck_assert_ptr_nonnull(fo_log_id_name((fo_log_id)i));
		ck_assert_int_eq(strncmp(fo_log_id_name((fo_log_id)i), "FAILOVER_", 9), 0);
	}
}
END_TEST

/* The line Kea would print: ID, then the text with each %N replaced once. */
START_TEST(format_replaces_placeholders)
{
	const char *a[] = { "r1", "Normal", "CommunicationInterrupted", "timeout %1" };
	char out[256];

	fo_log_format(FO_EVT_STATE_CHANGED, a, 4, out, sizeof(out));
	ck_assert_str_eq(out, "FAILOVER_STATE_CHANGED relationship r1: state Normal -> "
	    "CommunicationInterrupted (timeout %1)");
	/* A missing argument leaves its placeholder. */
	fo_log_format(FO_EVT_STATE_CHANGED, a, 2, out, sizeof(out));
	ck_assert_str_eq(out, "FAILOVER_STATE_CHANGED relationship r1: state Normal -> %3 (%4)");
	/* Truncated, still terminated. */
	fo_log_format(FO_EVT_STATE_CHANGED, a, 4, out, 20);
	ck_assert_str_eq(out, "FAILOVER_STATE_CHAN");
	fo_log_format(FO_EVT_STATE_CHANGED, a, 4, out, 30);
	ck_assert_uint_eq(strlen(out), 29);
	fo_log_format((fo_log_id)FO_LOG_ID_COUNT, a, 4, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "FAILOVER_?"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("events");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, args_reach_the_host_as_strings);
	tcase_add_test(tc, no_host_no_log);
	tcase_add_test(tc, names_levels_texts);
	tcase_add_test(tc, format_replaces_placeholders);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
