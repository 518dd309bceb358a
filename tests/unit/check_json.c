/*
 * check_json.c - the JSON writer (fo_json.h) and failover-get output
 * (fo_engine_get_json), validated by libyang against the YANG module with
 * its state data.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <dirent.h>
#include <arpa/inet.h>
#include "fo_yang_compat.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fo_canon.h"
#include "fo_config.h"
#include "fo_engine.h"
#include "fo_json.h"
#include "fo_log.h"
#include "fo_report.h"
#include "fo_test_util.h"
#include "fo_utf8.h"

#define SECRET "s3cr3t-never-shown"
#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define T0 1795244400           /* 2026-11-21T07:00:00Z */

/* ---- fo_json ------------------------------------------------------------ */

static char *
finish(fo_json *j)
{
	char *out = NULL;

	ck_assert_int_eq(fo_json_finish(j, &out), FO_OK);
	return out;
}

START_TEST(json_nesting_and_commas)
{
	fo_json j;
	char *s;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_str(&j, "a", "x");
	fo_json_key(&j, "b");
	fo_json_arr_begin(&j);
	fo_json_uint(&j, 1);
	fo_json_int(&j, -2);
	fo_json_bool(&j, true);
	fo_json_str(&j, NULL);
	fo_json_obj_begin(&j);
	fo_json_obj_end(&j);
	fo_json_arr_begin(&j);
	fo_json_arr_end(&j);
	fo_json_raw(&j, "{\"r\":[1]}");
	fo_json_arr_end(&j);
	fo_json_kv_u64_str(&j, "c", UINT64_MAX);
	fo_json_kv_bool(&j, "d", false);
	fo_json_kv_uint(&j, "e", 0);
	fo_json_obj_end(&j);
	s = finish(&j);
	ck_assert_str_eq(s, "{\"a\":\"x\",\"b\":[1,-2,true,null,{},[],{\"r\":[1]}],"
	    "\"c\":\"18446744073709551615\",\"d\":false,\"e\":0}");
	free(s);
}
END_TEST

START_TEST(json_escapes)
{
	fo_json j;
	char *s;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_str(&j, "k\"", "q\" b\\ n\n t\t r\r \x01\x1f caf\xc3\xa9");
	fo_json_obj_end(&j);
	s = finish(&j);
	ck_assert_str_eq(s, "{\"k\\\"\":\"q\\\" b\\\\ n\\n t\\t r\\r \\u0001\\u001f caf\xc3\xa9\"}");
	free(s);
}
END_TEST

/* Text in any language is written as its UTF-8; an invalid byte as U+FFFD. */
START_TEST(json_utf8)
{
	fo_json j;
	char *s;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	/* Latin, Greek, Cyrillic, CJK, an emoji (4 bytes: a surrogate pair in \u form). */
	fo_json_kv_str(&j, "Z\xc3\xbcrich-S\xc3\xbc" "d", "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 "
	    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80");
	/* A lone continuation byte, a truncated sequence, an overlong '/', a surrogate. */
	fo_json_kv_str(&j, "bad", "a\x80" "b\xe6\x9d c\xc0\xaf d\xed\xa0\x80");
	fo_json_obj_end(&j);
	s = finish(&j);
	ck_assert_str_eq(s, "{\"Z\xc3\xbcrich-S\xc3\xbc" "d\":\"\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 "
	    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80\","
	    "\"bad\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd c\xef\xbf\xbd\xef\xbf\xbd "
	    "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
	ck_assert(fo_utf8_valid(s, strlen(s), NULL));
	free(s);
}
END_TEST

/* fo_utf8: RFC 3629's table of valid sequences and its edges. */
START_TEST(utf8_strict)
{
	static const struct { const char *s; bool ok; size_t bad; } t[] = {
		{ "", true, 0 }, { "abc", true, 0 },
		{ "\xc2\x80", true, 0 }, { "\xdf\xbf", true, 0 },             /* U+0080, U+07FF */
		{ "\xe0\xa0\x80", true, 0 }, { "\xef\xbf\xbf", true, 0 },     /* U+0800, U+FFFF */
		{ "\xf0\x90\x80\x80", true, 0 }, { "\xf4\x8f\xbf\xbf", true, 0 },
		{ "a\x80", false, 1 },                                       /* lone continuation */
		{ "ab\xc3", false, 2 },                                      /* truncated */
		{ "\xc0\x80", false, 0 }, { "\xc1\xbf", false, 0 },           /* overlong */
		{ "\xe0\x9f\xbf", false, 0 }, { "\xf0\x8f\xbf\xbf", false, 0 },
		{ "\xed\xa0\x80", false, 0 }, { "\xed\xbf\xbf", false, 0 },   /* surrogates */
		{ "\xf4\x90\x80\x80", false, 0 }, { "\xf5\x80\x80\x80", false, 0 }, /* > U+10FFFF */
		{ "s\xff", false, 1 }, { "\xc3\xa9\xc3", false, 2 },
	};
	char u[4];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t bad = 99;

		ck_assert_msg(fo_utf8_valid(t[i].s, strlen(t[i].s), &bad) == t[i].ok, "case %zu", i);
		if (!t[i].ok)
			ck_assert_msg(bad == t[i].bad, "case %zu: bad at %zu", i, bad);
	}
	ck_assert_uint_eq(fo_utf8_put(0x41, u), 1);
	ck_assert_uint_eq(fo_utf8_put(0xe9, u), 2);
	ck_assert(memcmp(u, "\xc3\xa9", 2) == 0);
	ck_assert_uint_eq(fo_utf8_put(0x20ac, u), 3);
	ck_assert(memcmp(u, "\xe2\x82\xac", 3) == 0);
	ck_assert_uint_eq(fo_utf8_put(0x1f600, u), 4);
	ck_assert(memcmp(u, "\xf0\x9f\x98\x80", 4) == 0);
}
END_TEST

/* The reader decodes every escape; fo_jv_text keeps the document's order. */
START_TEST(reader_and_text)
{
	static const char in[] = " { \"z\" : \"\\u00fc\\u0416\\u6771\\ud83d\\ude00\\n\", "
	    "\"a\" : [ 1 , \"\xc3\xa9\" ] } ";
	fo_jv *v = NULL;
	char err[128], *t = NULL;

	ck_assert_int_eq(fo_jv_parse(in, strlen(in), &v, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(fo_jv_string(fo_jv_get(v, "z"), NULL),
	    "\xc3\xbc\xd0\x96\xe6\x9d\xb1\xf0\x9f\x98\x80\n");
	ck_assert_uint_eq(fo_jv_count(v), 2);
	ck_assert_int_eq(fo_jv_text(v, &t), FO_OK);
	ck_assert_str_eq(t, "{\"z\":\"\xc3\xbc\xd0\x96\xe6\x9d\xb1\xf0\x9f\x98\x80\\u000a\","
	    "\"a\":[1,\"\xc3\xa9\"]}");
	free(t);
	fo_jv_free(v);
	/* Lone surrogates are refused. */
	ck_assert_int_eq(fo_jv_parse("\"\\ud83d\"", 8, &v, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(fo_jv_parse("\"\\ude00\"", 8, &v, err, sizeof(err)), FO_ERR_PROTO);
}
END_TEST

START_TEST(json_misuse_is_reported_once)
{
	fo_json j;
	char *s = (char *)&j;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_uint(&j, 1);                /* a value without a key */
	fo_json_obj_end(&j);
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);
	ck_assert_ptr_null(s);

	fo_json_init(&j);
	fo_json_arr_begin(&j);
	fo_json_key(&j, "k");               /* a key in an array */
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);

	fo_json_init(&j);
	fo_json_obj_begin(&j);              /* left open */
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);

	fo_json_init(&j);
	fo_json_arr_begin(&j);
	fo_json_obj_end(&j);                /* wrong closer */
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);

	fo_json_init(&j);
	fo_json_uint(&j, 1);
	fo_json_uint(&j, 2);                /* two values at the top */
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);

	fo_json_init(&j);
	for (int i = 0; i < FO_JSON_DEPTH + 1; i++)
		fo_json_arr_begin(&j);
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_RANGE);

	fo_json_init(&j);
	ck_assert_int_eq(fo_json_finish(&j, &s), FO_ERR_INVAL);   /* nothing written */
}
END_TEST

START_TEST(json_grows)
{
	fo_json j;
	char *s;

	fo_json_init(&j);
	fo_json_arr_begin(&j);
	for (int i = 0; i < 10000; i++)
		fo_json_str(&j, "0123456789");
	fo_json_arr_end(&j);
	s = finish(&j);
	ck_assert_uint_eq(strlen(s), 2 + 10000 * 12 + 9999);
	free(s);
}
END_TEST

/* ---- failover-get ------------------------------------------------------- */

static char dir[256];
static char logbuf[16384];

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	char msg[512];

	(void)ctx;
	fo_log_format(id, args, nargs, msg, sizeof(msg));
	if (strlen(logbuf) + strlen(msg) + 2 < sizeof(logbuf)) {
		strcat(logbuf, msg);
		strcat(logbuf, "\n");
	}
}

static const fo_host host = { .log = capture };

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_json.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	logbuf[0] = '\0';
}

static void
teardown(void)
{
	rm_tree(dir);
}

static const fo_pool_range pool0 = { IP(10, 0, 0, 10), IP(10, 0, 0, 59) };
static const fo_pool_range pool1[2] = { { IP(10, 0, 1, 10), IP(10, 0, 1, 19) },
    { IP(10, 0, 1, 100), IP(10, 0, 1, 109) } };
static const fo_ip4 reserved1[1] = { IP(10, 0, 1, 12) };
static const fo_pool_range pool2 = { IP(10, 0, 2, 10), IP(10, 0, 2, 29) };

/* r1: load balance, three scopes... r2: hot standby with auth (secret). */
static fo_engine *
make(const char *rels)
{
	char params[4096], err[512] = "";
	fo_engine *eng = NULL;
	fo_subnet sn[3] = {
		{ .subnet_id = 1, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool0, .n_pools = 1 },
		{ .subnet_id = 2, .prefix = IP(10, 0, 1, 0), .plen = 24, .pools = pool1, .n_pools = 2,
		    .reserved = reserved1, .n_reserved = 1 },
		{ .subnet_id = 3, .prefix = IP(10, 0, 2, 0), .plen = 24, .pools = &pool2, .n_pools = 1 },
	};

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": [%s]}",
	    dir, rels);
	ck_assert_msg(fo_engine_create(&eng, params, &host, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_attach(eng, sn, 3, fo_wall_at(T0), err, sizeof(err)) == FO_OK,
	    "%s", err);
	fo_engine_enable_test_seam(eng);
	return eng;
}

static const char lb_rel[] =
    "{\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": \"192.0.2.1\","
    " \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\", \"10.0.1.0\"],"
    " \"auto-state-transition\": true, \"state-switch-interval\": 60, \"server-name\": \"kea-a\"}";
static const char hs_rel[] =
    "{\"name\": \"r2 \\\"quoted\\\" \\\\ name\", \"partner-server\": \"kea-b.example.net\","
    " \"server-type\": \"secondary\", \"mode\": \"hot-standby\", \"server-role\": \"standby\","
    " \"scope-id\": [\"10.0.2.0\"], \"enable-auth\": true, \"shared-secret\": \"" SECRET "\"}";

/* Validate {"kea-dhcp-failover:failover": <out>} against the module, state included. */
static void
validate(const char *out, bool full)
{
	struct ly_ctx *ctx = NULL;
	struct lyd_node *tree = NULL;
	size_t len = strlen(out) + 64;
	char *doc = malloc(len);
	LY_ERR rc;

	ck_assert_ptr_nonnull(doc);
	snprintf(doc, len, "{\"" FO_YANG_TOP "\": %s}", out);
	ly_log_options(LY_LOSTORE);
	ck_assert_int_eq(ly_ctx_new(FO_LY_SEARCH_DIR, FO_LY_CTX_OPTIONS, &ctx), LY_SUCCESS);
	ck_assert_int_eq(lys_parse_mem(ctx, fo_yang_module_text, LYS_IN_YANG, NULL), LY_SUCCESS);
	rc = lyd_parse_data_mem(ctx, doc, LYD_JSON,
	    LYD_PARSE_STRICT | (full ? 0 : LYD_PARSE_ONLY), full ? LYD_VALIDATE_PRESENT : 0, &tree);
	ck_assert_msg(rc == LY_SUCCESS, "libyang: %s (%s) in %s",
	    ly_errmsg(ctx) ? ly_errmsg(ctx) : "?", ly_errpath(ctx) ? ly_errpath(ctx) : "", doc);
	lyd_free_all(tree);
	ly_ctx_destroy(ctx);
	free(doc);
}

static char *
get(fo_engine *eng, const char *name, fo_ip4 scope, bool with_bindings)
{
	char *out = NULL, err[256] = "";

	ck_assert_msg(fo_engine_get_json(eng, name, scope, with_bindings, fo_wall_at(T0), &out,
	    err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* Some bindings of every kind, through the packet path. */
static void
traffic(fo_engine *eng, uint32_t subnet_id, fo_ip4 first, int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, (uint8_t)i };
		uint8_t cid[7] = { 1, 0x52, 0x54, 0, 0x12, 0x34, (uint8_t)i };
		fo_lease l = { .subnet_id = subnet_id, .addr = first + (fo_ip4)i, .valid_lft = 7200 };

		l.client = (fo_client_ref){ .chaddr = mac, .hlen = 6, .htype = 1 };
		if (i % 2) {
			l.client.cid = cid;
			l.client.cid_len = sizeof(cid);
		}
		if (fo_engine_lease_select(eng, &l, fo_wall_at(T0)) == FO_V_REFUSE)
			continue;
		if (i % 3 != 2)
			fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
		if (i % 4 == 1)
			fo_engine_lease_event(eng, FO_LE_RELEASE, &l, fo_wall_at(T0 + 5));
		if (i % 5 == 4)
			fo_engine_lease_event(eng, FO_LE_DECLINE, &l, fo_wall_at(T0 + 5));
	}
}

START_TEST(get_json_validates_against_module)
{
	fo_engine *eng = make(lb_rel);
	char *out;

	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	traffic(eng, 1, IP(10, 0, 0, 10), 30);
	traffic(eng, 2, IP(10, 0, 1, 10), 12);
	out = get(eng, NULL, 0, false);
	validate(out, true);
	ck_assert_ptr_null(strstr(out, "\"binding\""));
	ck_assert_ptr_nonnull(strstr(out, "\"state\":\"CommunicationInterrupted\""));
	ck_assert_ptr_nonnull(strstr(out, "\"state-since\":\"2026-11-21T07:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(out, "\"partner-down-at\":\"2026-11-21T07:01:00Z\""));
	ck_assert_ptr_nonnull(strstr(out, "\"primary-server-ip\":\"192.0.2.1\""));
	ck_assert_ptr_nonnull(strstr(out, "\"primary-server-name\":\"kea-a\""));
	ck_assert_ptr_nonnull(strstr(out, "\"addresses\":{\"total\":70,"));
	ck_assert_ptr_nonnull(strstr(out, "{\"scope-id\":\"10.0.1.0\",\"total\":20,"));
	ck_assert_ptr_nonnull(strstr(out, "\"state-transitions\":\"2\""));
	free(out);
	out = get(eng, NULL, 0, true);
	validate(out, true);
	ck_assert_msg(strstr(out, "\"binding\":[{\"address\":\"10.0.0.11\","
	    "\"binding-state\":\"active\",\"client-hw-type\":1,"
	    "\"client-hw-address\":\"52:54:00:12:34:00\",") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\"client-id\":\"01:52:54:00:12:34:01\""));
	ck_assert_ptr_nonnull(strstr(out, "\"binding-state\":\"released\""));
	ck_assert_ptr_nonnull(strstr(out, "\"binding-state\":\"abandoned\""));
	ck_assert_ptr_nonnull(strstr(out, "\"tentative\":true"));
	ck_assert_ptr_nonnull(strstr(out, "\"reserved\":true"));
	free(out);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(get_json_never_shows_the_secret)
{
	char rels[2048];
	fo_engine *eng;
	char *out;

	snprintf(rels, sizeof(rels), "%s, %s", lb_rel, hs_rel);
	eng = make(rels);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r2 \"quoted\" \\ name",
	    FO_STATE_PARTNER_DOWN, FO_STATE_SHUTDOWN, fo_wall_at(T0), NULL, 0), FO_OK);
	traffic(eng, 3, IP(10, 0, 2, 10), 8);
	out = get(eng, NULL, 0, true);
	ck_assert_ptr_null(strstr(out, SECRET));
	ck_assert_ptr_null(strstr(out, "shared-secret"));
	ck_assert_ptr_nonnull(strstr(out, "\"enable-auth\":true"));
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"r2 \\\"quoted\\\" \\\\ name\""));
	ck_assert_ptr_nonnull(strstr(out, "\"primary-server-name\":\"kea-b.example.net\""));
	ck_assert_ptr_nonnull(strstr(out, "\"partner-state\":\"Shutdown\""));
	/*
	 * Without its secret, a relationship with enable-auth fails the module's
	 * `must`: the types and structure are still checked (parse only).
	 */
	validate(out, false);
	ck_assert_ptr_null(strstr(logbuf, SECRET));
	free(out);
	out = get(eng, "r1", 0, true);
	validate(out, true);
	ck_assert_ptr_null(strstr(out, "r2 "));
	free(out);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(get_json_filters_by_name_and_scope)
{
	char rels[2048], err[256] = "";
	fo_engine *eng;
	char *out = NULL;

	snprintf(rels, sizeof(rels), "%s, %s", lb_rel, hs_rel);
	eng = make(rels);
	out = get(eng, NULL, IP(10, 0, 2, 0), false);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"r2 "));
	ck_assert_ptr_null(strstr(out, "\"name\":\"r1\""));
	free(out);
	out = get(eng, "r1", IP(10, 0, 1, 0), false);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"r1\""));
	validate(out, true);
	free(out);
	out = NULL;
	ck_assert_int_eq(fo_engine_get_json(eng, "nope", 0, false, fo_wall_at(T0), &out, err,
	    sizeof(err)), FO_ERR_NOTFOUND);
	ck_assert_str_eq(err, "no failover relationship named 'nope'");
	ck_assert_ptr_null(out);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, IP(10, 9, 0, 0), false, fo_wall_at(T0),
	    &out, err, sizeof(err)), FO_ERR_NOTFOUND);
	ck_assert_str_eq(err, "no failover relationship has scope 10.9.0.0");
	ck_assert_int_eq(fo_engine_get_json(eng, "r1", IP(10, 0, 2, 0), false, fo_wall_at(T0),
	    &out, err, sizeof(err)), FO_ERR_NOTFOUND);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(get_json_before_attach)
{
	char params[1024], err[256] = "";
	fo_engine *eng = NULL;
	char *out = NULL;

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": [%s]}",
	    dir, lb_rel);
	ck_assert_int_eq(fo_engine_create(&eng, params, &host, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, true, fo_wall_at(T0), &out, err,
	    sizeof(err)), FO_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"state\":\"Init\""));
	ck_assert_ptr_null(strstr(out, "\"scope\":"));
	validate(out, true);
	free(out);
	fo_engine_destroy(eng);
}
END_TEST

/* The addresses of the "binding" entries of an answer, in the order written. */
static size_t
addresses(const char *out, fo_ip4 *v, size_t max)
{
	static const char key[] = "{\"address\":\"";
	size_t n = 0;

	for (const char *p = strstr(out, key); p != NULL; p = strstr(p + 1, key)) {
		char buf[16] = "";
		struct in_addr ia;

		sscanf(p + strlen(key), "%15[0-9.]", buf);
		ck_assert_int_eq(inet_pton(AF_INET, buf, &ia), 1);
		ck_assert_uint_lt(n, max);
		v[n++] = ntohl(ia.s_addr);
	}
	return n;
}

static char *
page(fo_engine *eng, const char *name, fo_ip4 from, uint32_t limit, size_t *count, fo_ip4 *next)
{
	char *out = NULL, err[256] = "";

	ck_assert_msg(fo_engine_get_page_json(eng, name, 0, from, limit, fo_wall_at(T0), &out,
	    count, next, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_ptr_nonnull(out);
	return out;
}

/*
 * Pages of 1, 3 and 7 over three scopes of two relationships give every
 * non-free binding exactly once, in address order, as one page of 1000
 * does; "next" is the last address of a page, absent on the last one.
 */
START_TEST(get_page_walks_every_binding_once)
{
	char rels[2048], *out, want_info[128];
	fo_ip4 all[256], got[256], v[256], next = 0;
	size_t n_all, count, n_got;
	const uint32_t limits[] = { 1, 3, 7 };
	fo_engine *eng;

	snprintf(rels, sizeof(rels), "%s, %s", lb_rel, hs_rel);
	eng = make(rels);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r2 \"quoted\" \\ name",
	    FO_STATE_PARTNER_DOWN, FO_STATE_SHUTDOWN, fo_wall_at(T0), NULL, 0), FO_OK);
	traffic(eng, 1, IP(10, 0, 0, 10), 30);
	traffic(eng, 2, IP(10, 0, 1, 100), 10);
	traffic(eng, 3, IP(10, 0, 2, 10), 8);
	out = page(eng, NULL, 0, FO_ENGINE_PAGE_MAX, &count, &next);
	validate(out, false);
	n_all = addresses(out, all, 256);
	ck_assert_uint_eq(count, n_all);
	ck_assert_uint_eq(next, 0);
	ck_assert_uint_gt(n_all, 20);
	ck_assert_ptr_nonnull(strstr(out, "\"bindings-page\":{\"from\":\"start\",\"limit\":1000,"));
	ck_assert_ptr_null(strstr(out, "\"next\""));
	for (size_t i = 1; i < n_all; i++)
		ck_assert_uint_lt(all[i - 1], all[i]);
	ck_assert_uint_eq(all[n_all - 1] >> 8, IP(10, 0, 2, 0) >> 8);
	free(out);
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		fo_ip4 from = 0;

		n_got = 0;
		do {
			size_t n;

			out = page(eng, NULL, from, limits[k], &count, &next);
			validate(out, false);
			n = addresses(out, v, 256);
			ck_assert_uint_eq(n, count);
			ck_assert_uint_le(n, limits[k]);
			memcpy(got + n_got, v, n * sizeof(v[0]));
			n_got += n;
			if (next != 0) {
				char a[16];

				ck_assert_uint_eq(n, limits[k]);
				ck_assert_uint_eq(next, v[n - 1]);
				fo_ip4_str(next, a, sizeof(a));
				snprintf(want_info, sizeof(want_info), "\"count\":%zu,\"next\":\"%s\"}",
				    n, a);
				ck_assert_msg(strstr(out, want_info) != NULL, "%s in %s", want_info, out);
			}
			free(out);
			from = next;
		} while (next != 0);
		ck_assert_uint_eq(n_got, n_all);
		ck_assert_mem_eq(got, all, n_all * sizeof(all[0]));
	}
	/* From an address in a gap, and past the last binding. */
	out = page(eng, NULL, IP(10, 0, 0, 200), 2, &count, &next);
	ck_assert_uint_eq(addresses(out, v, 256), 2);
	ck_assert_uint_eq(v[0] >> 8, IP(10, 0, 1, 0) >> 8);
	ck_assert_ptr_nonnull(strstr(out, "\"from\":\"10.0.0.200\""));
	free(out);
	out = page(eng, NULL, all[n_all - 1], 5, &count, &next);
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(next, 0);
	ck_assert_ptr_null(strstr(out, "\"binding\""));
	free(out);
	/* One relationship: its scopes only. */
	out = page(eng, "r1", 0, FO_ENGINE_PAGE_MAX, &count, &next);
	validate(out, true);
	n_got = addresses(out, v, 256);
	for (size_t i = 0; i < n_got; i++)
		ck_assert_uint_lt(v[i], IP(10, 0, 2, 0));
	ck_assert_uint_lt(n_got, n_all);
	free(out);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(get_page_limits)
{
	fo_engine *eng = make(lb_rel);
	char *out = NULL, err[256] = "";
	size_t count = 7;
	fo_ip4 next = 7;

	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	traffic(eng, 1, IP(10, 0, 0, 10), 30);
	ck_assert_int_eq(fo_engine_get_page_json(eng, NULL, 0, 0, 0, fo_wall_at(T0), &out, &count,
	    &next, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_str_eq(err, "limit: must be 1 to 1000");
	ck_assert_ptr_null(out);
	ck_assert_int_eq(fo_engine_get_page_json(eng, NULL, 0, 0, FO_ENGINE_PAGE_MAX + 1,
	    fo_wall_at(T0), &out, &count, &next, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_engine_get_page_json(eng, "nope", 0, 0, 5, fo_wall_at(T0), &out,
	    &count, &next, err, sizeof(err)), FO_ERR_NOTFOUND);
	ck_assert_ptr_null(out);
	/* The old call, bindings without a page: the first page of the default limit. */
	out = get(eng, NULL, 0, true);
	validate(out, true);
	ck_assert_msg(strstr(out, "\"bindings-page\":{\"from\":\"start\",\"limit\":1000,"
	    "\"count\":") != NULL, "%s", out);
	free(out);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * The restart replay is the other paged walk over the tables
 * (fo_engine_replay_next): every ACTIVE binding once, by subnet id then
 * address, whatever the batch size, with the binding's client and times.
 */
struct want_active {
	uint32_t subnet_id;
	fo_ip4 addr;
	fo_binding_info b;
};

static size_t
active_bindings(fo_engine *eng, struct want_active *w, size_t max)
{
	static const struct { uint32_t id; fo_ip4 lo, hi; } pools[] = {
		{ 1, IP(10, 0, 0, 10), IP(10, 0, 0, 59) }, { 2, IP(10, 0, 1, 10), IP(10, 0, 1, 19) },
		{ 2, IP(10, 0, 1, 100), IP(10, 0, 1, 109) }, { 3, IP(10, 0, 2, 10), IP(10, 0, 2, 29) } };
	size_t n = 0;

	for (size_t p = 0; p < 4; p++)
		for (fo_ip4 a = pools[p].lo; a <= pools[p].hi; a++) {
			fo_binding_info b;

			ck_assert_int_eq(fo_engine_get_binding(eng, pools[p].id, a, &b), FO_OK);
			if (b.state != FO_BS_ACTIVE)
				continue;
			ck_assert_uint_lt(n, max);
			w[n++] = (struct want_active){ pools[p].id, a, b };
		}
	return n;
}

START_TEST(replay_walks_every_active_binding_once)
{
	char rels[2048];
	struct want_active want[128];
	fo_lease_change got[128];
	const size_t batches[] = { 1, 2, 5, 128 };
	size_t n_want, n;
	fo_engine *eng;

	snprintf(rels, sizeof(rels), "%s, %s", lb_rel, hs_rel);
	eng = make(rels);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r2 \"quoted\" \\ name",
	    FO_STATE_PARTNER_DOWN, FO_STATE_SHUTDOWN, fo_wall_at(T0), NULL, 0), FO_OK);
	traffic(eng, 1, IP(10, 0, 0, 10), 30);
	traffic(eng, 2, IP(10, 0, 1, 100), 10);
	traffic(eng, 3, IP(10, 0, 2, 10), 8);
	n_want = active_bindings(eng, want, 128);
	ck_assert_uint_gt(n_want, 10);
	ck_assert_uint_eq(want[n_want - 1].subnet_id, 3);
	for (size_t k = 0; k < sizeof(batches) / sizeof(batches[0]); k++) {
		fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;
		size_t total = 0;

		while ((n = fo_engine_replay_next(eng, &cur, got + total, batches[k])) > 0) {
			ck_assert_uint_le(n, batches[k]);
			total += n;
			ck_assert_uint_le(total, n_want);
		}
		ck_assert(cur.done);
		ck_assert_uint_eq(fo_engine_replay_next(eng, &cur, got, batches[k]), 0);
		ck_assert_uint_eq(total, n_want);
		for (size_t i = 0; i < total; i++) {
			ck_assert_uint_eq(got[i].subnet_id, want[i].subnet_id);
			ck_assert_uint_eq(got[i].addr, want[i].addr);
			ck_assert_int_eq(got[i].state, FO_BS_ACTIVE);
			ck_assert(got[i].only_if_missing);
			ck_assert(fo_client_same(&got[i].client, &want[i].b.client));
			ck_assert_int_eq(got[i].client.htype, want[i].b.client.htype);
			ck_assert_int_eq(got[i].expiry.sec, want[i].b.expiry);
			ck_assert_int_eq(got[i].cltt.sec, want[i].b.cltt);
		}
	}
	/* A binding released between two batches, ahead of the cursor: not replayed. */
	{
		fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;
		fo_lease rel = { .subnet_id = 3, .addr = want[n_want - 1].addr };
		size_t total;

		rel.client = (fo_client_ref){ .chaddr = want[n_want - 1].b.client.hw,
		    .hlen = want[n_want - 1].b.client.hlen, .htype = want[n_want - 1].b.client.htype,
		    .cid = want[n_want - 1].b.client.cidlen ? want[n_want - 1].b.client.cid : NULL,
		    .cid_len = want[n_want - 1].b.client.cidlen };
		ck_assert_uint_eq(fo_engine_replay_next(eng, &cur, got, 2), 2);
		fo_engine_lease_event(eng, FO_LE_RELEASE, &rel, fo_wall_at(T0 + 10));
		total = 2;
		while ((n = fo_engine_replay_next(eng, &cur, got + total, 3)) > 0)
			total += n;
		ck_assert_uint_eq(total, n_want - 1);
		for (size_t i = 0; i < total; i++)
			ck_assert_uint_ne(got[i].addr, rel.addr);
	}
	/* The whole replay through host.lease_changed, and bad arguments. */
	ck_assert_uint_eq(fo_engine_replay_next(NULL, NULL, got, 5), 0);
	{
		fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;

		ck_assert_uint_eq(fo_engine_replay_next(eng, &cur, NULL, 5), 0);
		ck_assert_uint_eq(fo_engine_replay_next(eng, &cur, got, 0), 0);
		ck_assert(!cur.done);
	}
	fo_engine_destroy(eng);
}
END_TEST

/* yang:date-and-time without gmtime_r: the same text as gmtime_r + strftime. */
START_TEST(report_time_is_gmtime)
{
	char got[40], want[40];
	uint64_t x = 88172645463325252ull;

	for (int i = 0; i < 200000; i++) {
		int64_t t;
		struct tm tm;
		time_t tt;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = i < 4 ? (int64_t[]){ 0, 951782400, 4107542399LL, 253402300799LL }[i] :
		    (int64_t)(x % 253402300800ull);
		tt = (time_t)t;
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fo_report_time(fo_wall_at(t), got, sizeof(got));
		ck_assert_str_eq(got, want);
	}
	fo_report_time(fo_wall_at(-1), got, sizeof(got));
	ck_assert_str_eq(got, "1970-01-01T00:00:00Z");
	fo_report_time(fo_wall_at(253402300800LL), got, sizeof(got));
	ck_assert_str_eq(got, "1970-01-01T00:00:00Z");
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *w = tcase_create("writer");
	TCase *g = tcase_create("failover-get");

	/* report_time_is_gmtime compares 200,000 dates with gmtime_r: well under
	 * a second alone, past Check's 4 s default at load average 13. */
	tcase_set_timeout(w, 60);
	tcase_add_test(w, json_nesting_and_commas);
	tcase_add_test(w, json_escapes);
	tcase_add_test(w, json_utf8);
	tcase_add_test(w, utf8_strict);
	tcase_add_test(w, reader_and_text);
	tcase_add_test(w, json_misuse_is_reported_once);
	tcase_add_test(w, json_grows);
	tcase_add_test(w, report_time_is_gmtime);
	suite_add_tcase(s, w);
	tcase_add_checked_fixture(g, setup, teardown);
	tcase_set_timeout(g, 60);
	tcase_add_test(g, get_json_validates_against_module);
	tcase_add_test(g, get_json_never_shows_the_secret);
	tcase_add_test(g, get_json_filters_by_name_and_scope);
	tcase_add_test(g, get_json_before_attach);
	tcase_add_test(g, get_page_walks_every_binding_once);
	tcase_add_test(g, get_page_limits);
	tcase_add_test(g, replay_walks_every_active_binding_once);
	suite_add_tcase(s, g);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
