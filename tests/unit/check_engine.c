/*
 * check_engine.c - the engine facade the hook calls at load time.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_engine.h"
#include "fo_log.h"

#define SECRET "s3cr3t-never-logged"

static char logbuf[8192];
static int loglines;

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	char msg[512];

	(void)ctx;
	fo_log_format(id, args, nargs, msg, sizeof(msg));
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 2);
	strcat(logbuf, "\n");
	loglines++;
}

static void
reset_log(void)
{
	logbuf[0] = '\0';
	loglines = 0;
}

static const char good[] =
    "{\"relationships\": ["
    " {\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", \"server-type\": \"primary\","
    "  \"scope-id\": [\"10.0.0.0\"], \"enable-auth\": true, \"shared-secret\": \"" SECRET "\"},"
    " {\"name\": \"r2\", \"partner-server\": \"10.0.1.2\", \"server-type\": \"secondary\","
    "  \"mode\": \"hot-standby\", \"server-role\": \"standby\", \"scope-id\": [\"10.0.1.0\"]}"
    "]}";

START_TEST(create_logs_each_relationship_without_secret)
{
	fo_host host = { .log = capture };
	fo_engine *eng = NULL;
	char err[512] = "";

	reset_log();
	ck_assert_int_eq(fo_engine_create(&eng, good, &host, err, sizeof(err)), FO_OK);
	ck_assert_ptr_nonnull(eng);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 2);
	ck_assert_int_eq(loglines, 2);
	ck_assert_ptr_nonnull(strstr(logbuf, "relationship r1: primary load-balance"));
	ck_assert_ptr_nonnull(strstr(logbuf, "relationship r2: secondary hot-standby"));
	ck_assert_ptr_null(strstr(logbuf, SECRET));
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(create_refuses_bad_config_with_path)
{
	fo_engine *eng = (fo_engine *)&eng;    /* must be reset to NULL */
	char err[512] = "";
	const char *bad = "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"], \"load-balance-percent\": 101}]}";

	ck_assert_int_eq(fo_engine_create(&eng, bad, NULL, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_ptr_null(eng);
	ck_assert_msg(strstr(err, "/kea-dhcp-failover:failover/relationships[name='r1']/load-balance-percent")
	    != NULL, "error without the YANG path: %s", err);
}
END_TEST

START_TEST(check_agrees_with_create)
{
	char err1[512] = "", err2[512] = "";
	fo_engine *eng = NULL;
	const char *bad = "{\"relationships\": [{\"name\": \"r1\"}]}";

	ck_assert_int_eq(fo_engine_check(good, err1, sizeof(err1)), FO_OK);
	ck_assert_int_ne(fo_engine_check(bad, err1, sizeof(err1)), FO_OK);
	ck_assert_int_ne(fo_engine_create(&eng, bad, NULL, err2, sizeof(err2)), FO_OK);
	ck_assert_str_eq(err1, err2);
	ck_assert(err1[0] != '\0');
}
END_TEST

START_TEST(misuse)
{
	fo_engine *eng = NULL;
	char err[64];

	ck_assert_int_eq(fo_engine_create(NULL, good, NULL, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_engine_create(&eng, NULL, NULL, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_engine_check(NULL, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_engine_relationship_count(NULL), 0);
	fo_engine_destroy(NULL);
}
END_TEST

START_TEST(empty_parameters_mean_no_relationship)
{
	fo_engine *eng = NULL;
	char err[256] = "";

	ck_assert_int_eq(fo_engine_create(&eng, "{}", NULL, err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 0);
	fo_engine_destroy(eng);
}
END_TEST

/* The narrow queries the shim uses instead of failover-get's JSON. */
START_TEST(scopes_and_holder_queries)
{
	static const char two[] =
	    "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\", \"10.2.0.0\", \"10.1.0.0\"]}]}";
	fo_engine *eng = NULL;
	fo_ip4 ids[3] = { 0 };
	char err[256] = "", name[FO_NAME_MAX + 1] = "x";
	size_t n = 99;

	ck_assert_int_eq(fo_engine_create(&eng, two, NULL, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_relationship_scopes(eng, "r1", NULL, 0, &n, err, sizeof(err)),
	    FO_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(fo_engine_relationship_scopes(eng, "r1", ids, 2, &n, err, sizeof(err)),
	    FO_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ids[0], 0x0a000000);
	ck_assert_uint_eq(ids[1], 0x0a020000);
	ck_assert_uint_eq(ids[2], 0);                   /* max 2: the third not written */
	ck_assert_int_eq(fo_engine_relationship_scopes(eng, "nope", ids, 3, &n, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(err, "no failover relationship named 'nope'");
	ck_assert_int_eq(fo_engine_relationship_scopes(eng, "r1", NULL, 1, &n, err, sizeof(err)),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_engine_scope_relationship(eng, 0x0a010000, name), FO_OK);
	ck_assert_str_eq(name, "r1");
	ck_assert_int_eq(fo_engine_scope_relationship(eng, 0x0a090000, name), FO_ERR_NOTFOUND);
	ck_assert_str_eq(name, "");
	ck_assert_int_eq(fo_engine_scope_relationship(eng, 0x0a010000, NULL), FO_ERR_INVAL);
	fo_engine_destroy(eng);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("facade");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, create_logs_each_relationship_without_secret);
	tcase_add_test(tc, create_refuses_bad_config_with_path);
	tcase_add_test(tc, check_agrees_with_create);
	tcase_add_test(tc, misuse);
	tcase_add_test(tc, empty_parameters_mean_no_relationship);
	tcase_add_test(tc, scopes_and_holder_queries);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
