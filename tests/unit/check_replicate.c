/*
 * check_replicate.c - failover-replicate in the engine: the canonical JSON
 * text (fo_canon.h), the digest and its check (fo_replicate.h), the leaves
 * partner-control-url/-user/-password in the configuration, and a request
 * sent to a server on 127.0.0.1 as the partner's kea-ctrl-agent would get it.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fo_engine_int.h"
#include "fo_relfile.h"
#include "fo_canon.h"
#include "fo_config.h"
#include "fo_engine.h"
#include "fo_replicate.h"
#include "fo_test_http.h"
#include "fo_test_util.h"

#define SECRET "s3cret-k3y"
#define APPLY "failover-replicate-apply"

static char *
canon(const char *json, const char *drop)
{
	char *out = NULL, err[256] = "";

	ck_assert_msg(fo_canon_json(json, drop, &out, err, sizeof(err)) == FO_OK, "%s: %s", json,
	    err);
	return out;
}

static void
canon_is(const char *json, const char *want)
{
	char *c = canon(json, NULL);

	ck_assert_str_eq(c, want);
	free(c);
}

START_TEST(test_canon_form)
{
	/* Members sorted, whitespace gone, numbers as written, nesting kept. */
	canon_is(" { \"b\" : [ 1, 2.50, -0, 1e3 ], \"a\" : { \"z\": null, \"y\": true,"
	    " \"x\": false } } ", "{\"a\":{\"x\":false,\"y\":true,\"z\":null},\"b\":[1,2.50,-0,1e3]}");
	/* Escapes decoded, then only quote, backslash and controls escaped. */
	canon_is("[\"\\u0041\\/\\\"\\\\\\n\\t\\u001f\"]", "[\"A/\\\"\\\\\\u000a\\u0009\\u001f\"]");
	/* \u escapes to UTF-8 (a surrogate pair too); UTF-8 passes as it is. */
	canon_is("[\"\\u00e9\\u20ac\\ud83d\\ude00\", \"\xc3\xa9\"]",
	    "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"\xc3\xa9\"]");
	/* Names sort bytewise: "a" < "aa" < "b" < "\xc3\xa9". */
	canon_is("{\"\xc3\xa9\":1,\"b\":2,\"aa\":3,\"a\":4}",
	    "{\"a\":4,\"aa\":3,\"b\":2,\"\xc3\xa9\":1}");
	canon_is("{}", "{}");
	canon_is("[]", "[]");
	canon_is("\"\"", "\"\"");
}
END_TEST

START_TEST(test_canon_same_for_kea_and_compact)
{
	/* How Kea's Element::str() prints a map, and the same data compact and reordered. */
	char *a = canon("{ \"arguments\": { \"subnet4\": [ { \"id\": 1, \"pools\": [ { \"pool\": "
	    "\"10.0.1.0-10.0.1.199\" } ], \"subnet\": \"10.0.0.0/16\" } ], \"time\": 1700000000 }, "
	    "\"command\": \"failover-replicate-apply\" }", NULL);
	char *b = canon("{\"command\":\"failover-replicate-apply\",\"arguments\":{\"time\":"
	    "1700000000,\"subnet4\":[{\"subnet\":\"10.0.0.0/16\",\"pools\":[{\"pool\":"
	    "\"10.0.1.0-10.0.1.199\"}],\"id\":1}]}}", NULL);

	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_canon_drop)
{
	char *c = canon("{\"digest\":\"ab\",\"time\":5,\"x\":{\"digest\":1}}", "digest");

	/* Only the top-level member goes. */
	ck_assert_str_eq(c, "{\"time\":5,\"x\":{\"digest\":1}}");
	free(c);
}
END_TEST

START_TEST(test_canon_bad)
{
	static const struct { const char *json, *says; } bad[] = {
		{ "", "a value was expected" },
		{ "{\"a\":1,}", "a member name" },
		{ "{\"a\" 1}", "':' was expected" },
		{ "[1 2]", "',' or ']'" },
		{ "{\"a\":1,\"a\":2}", "same name" },
		{ "\"\\ud83d\"", "high surrogate" },
		{ "\"\\ude00\"", "lone low surrogate" },
		{ "\"\\x\"", "unknown escape" },
		{ "\"a\nb\"", "control character" },
		{ "01", "unexpected text" },
		{ "1.", "decimal point" },
		{ "1e", "exponent" },
		{ "tru", "not a JSON value" },
		{ "{} {}", "unexpected text" },
		{ "\"abc", "unterminated" },
	};
	char deep[200], *out, err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		out = NULL;
		ck_assert_msg(fo_canon_json(bad[i].json, NULL, &out, err, sizeof(err)) ==
		    FO_ERR_PROTO, "accepted: %s", bad[i].json);
		ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s: %s", bad[i].json, err);
		ck_assert_ptr_null(out);
	}
	memset(deep, '[', 100);
	memset(deep + 100, ']', 99);
	deep[199] = '\0';
	deep[99] = '1';
	deep[100] = ']';
	ck_assert_int_eq(fo_canon_json(deep, NULL, &out, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_ptr_nonnull(strstr(err, "nested too deeply"));
}
END_TEST

START_TEST(test_jv_lookup)
{
	fo_jv *v = NULL;
	char err[128];
	const char *t = "{\"time\": 1700000000, \"s\": \"a\\u0000b\", \"f\": 1.5, \"big\": "
	    "99999999999999999999}";
	int64_t n = 0;
	size_t len = 0;

	ck_assert_int_eq(fo_jv_parse(t, strlen(t), &v, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_jv_type_of(v), FO_JV_OBJECT);
	ck_assert(fo_jv_int(fo_jv_get(v, "time"), &n));
	ck_assert_int_eq(n, 1700000000);
	ck_assert_mem_eq(fo_jv_string(fo_jv_get(v, "s"), &len), "a\0b", 3);
	ck_assert_uint_eq(len, 3);
	ck_assert(!fo_jv_int(fo_jv_get(v, "f"), &n));
	ck_assert(!fo_jv_int(fo_jv_get(v, "big"), &n));
	ck_assert(!fo_jv_int(fo_jv_get(v, "none"), &n));
	ck_assert_ptr_null(fo_jv_string(fo_jv_get(v, "time"), NULL));
	fo_jv_free(v);
}
END_TEST

static const char args_kea[] = "{ \"relationship\": \"rel1\", \"subnet4\": [ { \"id\": 1, "
    "\"subnet\": \"10.0.0.0/16\" } ], \"time\": 1700000000 }";

START_TEST(test_digest_known_answer)
{
	char hex[FO_SIGNED_DIGEST_HEX + 1], err[128];

	/* Python: hmac.new(b"s3cret-k3y", b"kea-failover-replicate\nfailover-replicate-apply\n"
	 * + canonical, hashlib.sha256).hexdigest() */
	ck_assert_int_eq(fo_signed_digest(SECRET, APPLY, args_kea, hex, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(hex, "8af01d993fa2e7053de1ec646610100e030921d0d975b06c8dde05677020cb4f");
	/* The same data in another order and spacing, with a digest member: same digest. */
	ck_assert_int_eq(fo_signed_digest(SECRET, APPLY, "{\"time\":1700000000,\"digest\":"
	    "\"x\",\"subnet4\":[{\"subnet\":\"10.0.0.0/16\",\"id\":1}],\"relationship\":\"rel1\"}",
	    hex, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(hex, "8af01d993fa2e7053de1ec646610100e030921d0d975b06c8dde05677020cb4f");
	/* Another command, secret or value: another digest. */
	ck_assert_int_eq(fo_signed_digest(SECRET, "failover-replicate-commit", args_kea, hex,
	    err, sizeof(err)), FO_OK);
	ck_assert_str_ne(hex, "8af01d993fa2e7053de1ec646610100e030921d0d975b06c8dde05677020cb4f");
	ck_assert_int_eq(fo_signed_digest("other", APPLY, args_kea, hex, err, sizeof(err)),
	    FO_OK);
	ck_assert_str_ne(hex, "8af01d993fa2e7053de1ec646610100e030921d0d975b06c8dde05677020cb4f");
	ck_assert_int_eq(fo_signed_digest(SECRET, APPLY, "[1]", hex, err, sizeof(err)),
	    FO_ERR_PROTO);
	ck_assert_ptr_nonnull(strstr(err, "arguments: must be a map"));
	ck_assert_int_eq(fo_signed_digest("", APPLY, args_kea, hex, err, sizeof(err)),
	    FO_ERR_INVAL);
}
END_TEST

/* args_kea with "digest": hex (and "time" replaced when t >= 0). */
static void
signed_args(char *out, size_t len, const char *hex, long long t)
{
	snprintf(out, len, "{\"relationship\":\"rel1\",\"subnet4\":[{\"id\":1,\"subnet\":"
	    "\"10.0.0.0/16\"}],\"time\":%lld,\"digest\":\"%s\"}", t, hex);
}

START_TEST(test_verify)
{
	char hex[FO_SIGNED_DIGEST_HEX + 1], args[512], err[256];
	fo_wall now = fo_wall_at(1700000000);

	ck_assert_int_eq(fo_signed_digest(SECRET, APPLY, args_kea, hex, err, sizeof(err)), FO_OK);
	signed_args(args, sizeof(args), hex, 1700000000);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)), FO_OK);
	/* 60 s either way is still fine; 61 is not. */
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, fo_wall_at(1700000060), 60, err,
	    sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, fo_wall_at(1699999940), 60, err,
	    sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, fo_wall_at(1700000061), 60, err,
	    sizeof(err)), FO_ERR_RANGE);
	ck_assert_msg(strstr(err, "time: 61 s away") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, fo_wall_at(1699999939), 60, err,
	    sizeof(err)), FO_ERR_RANGE);
	/* Wrong secret, other command, a changed value, a changed time: wrong digest. */
	ck_assert_int_eq(fo_signed_verify("other", APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	ck_assert_msg(strstr(err, "digest: wrong") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, "failover-replicate-commit", args, now, 60, err,
	    sizeof(err)), FO_ERR_PROTO);
	signed_args(args, sizeof(args), hex, 1700000001);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	snprintf(args, sizeof(args), "{\"relationship\":\"rel2\",\"subnet4\":[{\"id\":1,\"subnet\":"
	    "\"10.0.0.0/16\"}],\"time\":1700000000,\"digest\":\"%s\"}", hex);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	/* A digest of another length, in upper case, or not a string. */
	hex[0] = hex[0] == 'a' ? 'b' : 'a';
	signed_args(args, sizeof(args), hex, 1700000000);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	signed_args(args, sizeof(args), "8af0", 1700000000);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	signed_args(args, sizeof(args),
	    "8AF01D993FA2E7053DE1EC646610100E030921D0D975B06C8DDE05677020CB4F", 1700000000);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
}
END_TEST

START_TEST(test_verify_missing)
{
	char err[256];
	fo_wall now = fo_wall_at(1700000000);

	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args_kea, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
	ck_assert_msg(strstr(err, "digest: missing") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, "{\"digest\":\"ab\"}", now, 60, err,
	    sizeof(err)), FO_ERR_RANGE);
	ck_assert_msg(strstr(err, "time: missing") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, "{\"time\":\"1700000000\",\"digest\":"
	    "\"ab\"}", now, 60, err, sizeof(err)), FO_ERR_RANGE);
	ck_assert_msg(strstr(err, "time: must be an integer") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, "{\"time\":1700000000,\"digest\":7}",
	    now, 60, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_msg(strstr(err, "digest: must be a string") != NULL, "%s", err);
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, "{\"time\":", now, 60, err,
	    sizeof(err)), FO_ERR_PROTO);
	ck_assert_msg(strstr(err, "arguments: not JSON") != NULL, "%s", err);
}
END_TEST

START_TEST(test_request)
{
	char *req = NULL, *args = NULL, err[256] = "";
	fo_jv *v = NULL;
	fo_wall now = fo_wall_at(1700000000);

	ck_assert_int_eq(fo_signed_request(SECRET, APPLY, "{ \"relationship\": \"rel1\" }", now,
	    &req, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_jv_parse(req, strlen(req), &v, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(fo_jv_string(fo_jv_get(v, "command"), NULL), APPLY);
	ck_assert_int_eq(fo_jv_canon(fo_jv_get(v, "arguments"), NULL, &args), FO_OK);
	/* Time and digest were added, and the digest checks. */
	ck_assert_ptr_nonnull(strstr(args, "\"time\":1700000000"));
	ck_assert_ptr_nonnull(strstr(args, "\"digest\":\""));
	ck_assert_int_eq(fo_signed_verify(SECRET, APPLY, args, now, 60, err, sizeof(err)), FO_OK);
	free(args);
	fo_jv_free(v);
	free(req);
	/* Without a secret: a time, no digest; an empty object works too. */
	ck_assert_int_eq(fo_signed_request(NULL, APPLY, "{}", now, &req, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(req, "{\"command\":\"failover-replicate-apply\",\"service\":[\"dhcp4\"],"
	    "\"arguments\":{\"time\":1700000000}}");
	free(req);
	ck_assert_int_eq(fo_signed_request(NULL, APPLY, "[]", now, &req, err, sizeof(err)),
	    FO_ERR_PROTO);
}
END_TEST

/* ---- With the engine ---- */

static char dir[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_replicate.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	rm_tree(dir);
}

static fo_status
make_engine(fo_engine **eng, const char *extra, char *err, size_t errlen)
{
	char params[2048];

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    " {\"name\": \"rel1\", \"partner-server\": \"10.9.0.2\", \"server-type\": \"primary\","
	    "  \"scope-id\": [\"10.0.0.0\"]%s},"
	    " {\"name\": \"rel2\", \"partner-server\": \"10.9.0.3\", \"server-type\": \"primary\","
	    "  \"local-port\": 6471, \"scope-id\": [\"10.1.0.0\"]}]}", dir, extra);
	*eng = NULL;
	return fo_engine_create(eng, params, NULL, err, errlen);
}

START_TEST(test_config_leaves)
{
	fo_engine *eng = NULL;
	fo_replicate_target t;
	char err[1024] = "", *doc;

	ck_assert_msg(make_engine(&eng, ", \"partner-control-url\": \"http://10.9.0.2:8000/\","
	    " \"partner-control-user\": \"admin\", \"partner-control-password\": \"pw-Zq8\","
	    " \"enable-auth\": true, \"shared-secret\": \"" SECRET "\"", err, sizeof(err)) == FO_OK,
	    "%s", err);
	ck_assert_int_eq(fo_engine_replicate_target(eng, "rel1", &t, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(t.url, "http://10.9.0.2:8000/");
	ck_assert_str_eq(t.user, "admin");
	ck_assert(t.enable_auth);
	ck_assert_int_eq(fo_engine_replicate_target(eng, "rel2", &t, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(t.url, "");
	ck_assert_int_eq(fo_engine_replicate_target(eng, "nope", &t, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	/* relationships.json keeps them (the password too: the file is 0600). */
	doc = fo_relfile_set_json(fo_engine_set_of(eng), false);
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-url\":\"http://10.9.0.2:8000/\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-password\":\"pw-Zq8\""));
	free(doc);
	/* failover-get never shows the password. */
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(1), &doc, err,
	    sizeof(err)), FO_OK);
	ck_assert_ptr_null(strstr(doc, "pw-Zq8"));
	free(doc);
	fo_engine_destroy(eng);
	/* https with the TLS files: kept, and failover-get shows the paths. */
	ck_assert_msg(make_engine(&eng, ", \"partner-control-url\": \"https://kea2.example:8443/\","
	    " \"partner-control-trust-anchor\": \"/etc/fo/ca.pem\","
	    " \"partner-control-cert-file\": \"/etc/fo/client.pem\","
	    " \"partner-control-key-file\": \"/etc/fo/client.key\"", err, sizeof(err)) == FO_OK,
	    "%s", err);
	ck_assert_int_eq(fo_engine_replicate_target(eng, "rel1", &t, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(t.url, "https://kea2.example:8443/");
	doc = fo_relfile_set_json(fo_engine_set_of(eng), false);
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-trust-anchor\":\"/etc/fo/ca.pem\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-cert-file\":\"/etc/fo/client.pem\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-key-file\":\"/etc/fo/client.key\""));
	free(doc);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(1), &doc, err,
	    sizeof(err)), FO_OK);
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-url\":\"https://kea2.example:8443/\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-trust-anchor\":\"/etc/fo/ca.pem\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-cert-file\":\"/etc/fo/client.pem\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"partner-control-key-file\":\"/etc/fo/client.key\""));
	free(doc);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(test_config_leaves_bad)
{
	static const struct { const char *extra, *says; } bad[] = {
		{ ", \"partner-control-url\": \"ftp://10.9.0.2:8000/\"", "partner-control-url" },
		{ ", \"partner-control-url\": \"https://10.9.0.2:0/\"", "port" },
		{ ", \"partner-control-cert-file\": \"/etc/fo/client.pem\"",
		  "partner-control-cert-file: partner-control-cert-file requires partner-control-key-file" },
		{ ", \"partner-control-key-file\": \"/etc/fo/client.key\"",
		  "partner-control-key-file: partner-control-key-file requires partner-control-cert-file" },
		{ ", \"partner-control-trust-anchor\": \"/etc/fo/ca\\n.pem\"",
		  "partner-control-trust-anchor" },
		{ ", \"partner-control-url\": \"10.9.0.2:8000\"", "partner-control-url" },
		{ ", \"partner-control-url\": \"http://10.9.0.2:99999/\"", "port" },
		{ ", \"partner-control-url\": \"http://u:p@10.9.0.2/\"", "partner-control-url" },
		{ ", \"partner-control-password\": \"pw\"", "requires partner-control-user" },
		{ ", \"partner-control-user\": \"a:b\"", "partner-control-user" },
		{ ", \"partner-control-user\": \"a\", \"partner-control-password\": \"pw-Zq8\\n\"",
		  "partner-control-password" },
	};
	char err[1024];
	fo_engine *eng;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(make_engine(&eng, bad[i].extra, err, sizeof(err)) == FO_ERR_CONFIG,
		    "accepted: %s", bad[i].extra);
		ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s: %s", bad[i].extra, err);
		ck_assert_msg(strstr(err, "relationships[name='rel1']") != NULL, "%s", err);
		ck_assert_msg(strstr(err, "pw-Zq8") == NULL, "the password is shown: %s", err);
	}
	/* A value libyang would quote: the reason is replaced. */
	{
		char extra[600] = ", \"partner-control-user\": \"a\", \"partner-control-password\": \"";
		size_t n = strlen(extra);

		memset(extra + n, 'p', 300);
		strcpy(extra + n + 300, "\"");
		ck_assert_int_eq(make_engine(&eng, extra, err, sizeof(err)), FO_ERR_CONFIG);
		ck_assert_msg(strstr(err, "partner-control-password: invalid value (not shown: the "
		    "password is never printed)") != NULL, "%s", err);
		ck_assert_ptr_null(strstr(err, "pppppppp"));
	}
}
END_TEST

START_TEST(test_engine_check)
{
	fo_engine *eng = NULL;
	char err[512] = "", hex[FO_SIGNED_DIGEST_HEX + 1], args[512];
	fo_wall now = fo_wall_at(1700000000);

	ck_assert_msg(make_engine(&eng, ", \"enable-auth\": true, \"shared-secret\": \"" SECRET "\"",
	    err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_int_eq(fo_signed_digest(SECRET, APPLY, args_kea, hex, err, sizeof(err)), FO_OK);
	signed_args(args, sizeof(args), hex, 1700000000);
	ck_assert_int_eq(fo_engine_replicate_check(eng, "rel1", APPLY, args, now, err, sizeof(err)),
	    FO_OK);
	ck_assert_int_eq(fo_engine_replicate_check(eng, "rel1", APPLY, args_kea, now, err,
	    sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(fo_engine_replicate_check(eng, "rel1", APPLY, args, fo_wall_at(1700000100),
	    err, sizeof(err)), FO_ERR_RANGE);
	/* rel2 has no enable-auth: nothing to check. */
	ck_assert_int_eq(fo_engine_replicate_check(eng, "rel2", APPLY, args_kea, now, err,
	    sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_replicate_check(eng, "nope", APPLY, args, now, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err, "no failover relationship named 'nope'"));
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(test_engine_send)
{
	test_server s;
	fo_engine *eng = NULL;
	char err[512] = "", extra[512], *answer = NULL, *args;
	const char *body;

	ck_assert_int_eq(test_server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n"
	    "[{\"result\":0}]"), 0);
	snprintf(extra, sizeof(extra), ", \"partner-control-url\": \"http://127.0.0.1:%u/\","
	    " \"partner-control-user\": \"admin\", \"partner-control-password\": \"pw-Zq8\","
	    " \"enable-auth\": true, \"shared-secret\": \"" SECRET "\"", (unsigned)s.port);
	ck_assert_msg(make_engine(&eng, extra, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_replicate_send(eng, "rel1", APPLY, "{\"relationship\":\"rel1\"}",
	    fo_wall_at(1700000000), 2000, &answer, err, sizeof(err)) == FO_OK, "%s", err);
	test_server_stop(&s);
	ck_assert_str_eq(answer, "[{\"result\":0}]");
	free(answer);
	/* What the agent got: basic authentication, a command whose digest checks. */
	ck_assert_ptr_nonnull(strstr(s.request, "Authorization: Basic YWRtaW46cHctWnE4\r\n"));
	body = strstr(s.request, "\r\n\r\n") + 4;
	{
		fo_jv *v = NULL;

		ck_assert_int_eq(fo_jv_parse(body, strlen(body), &v, err, sizeof(err)), FO_OK);
		ck_assert_str_eq(fo_jv_string(fo_jv_get(v, "command"), NULL), APPLY);
		ck_assert_int_eq(fo_jv_canon(fo_jv_get(v, "arguments"), NULL, &args), FO_OK);
		fo_jv_free(v);
	}
	ck_assert_int_eq(fo_engine_replicate_check(eng, "rel1", APPLY, args, fo_wall_at(1700000030),
	    err, sizeof(err)), FO_OK);
	free(args);
	/* rel2 has no partner-control-url: the message names the leaf. */
	ck_assert_int_eq(fo_engine_replicate_send(eng, "rel2", APPLY, "{}", fo_wall_at(1700000000),
	    2000, &answer, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "partner-control-url: not set for relationship 'rel2'") != NULL,
	    "%s", err);
	ck_assert_int_eq(fo_engine_replicate_send(eng, "nope", APPLY, "{}", fo_wall_at(1700000000),
	    2000, &answer, err, sizeof(err)), FO_ERR_NOTFOUND);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(test_engine_send_401)
{
	test_server s;
	fo_engine *eng = NULL;
	char err[512] = "", extra[256], *answer = NULL;

	ck_assert_int_eq(test_server_start(&s, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0"
	    "\r\n\r\n"), 0);
	snprintf(extra, sizeof(extra), ", \"partner-control-url\": \"http://127.0.0.1:%u/\"",
	    (unsigned)s.port);
	ck_assert_msg(make_engine(&eng, extra, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_int_eq(fo_engine_replicate_send(eng, "rel1", APPLY, "{}", fo_wall_at(1700000000),
	    2000, &answer, err, sizeof(err)), FO_ERR_PROTO);
	test_server_stop(&s);
	ck_assert_msg(strstr(err, "HTTP 401 Unauthorized (check partner-control-user and "
	    "partner-control-password)") != NULL, "%s", err);
	ck_assert_ptr_null(answer);
	/* No enable-auth: a time, no digest. */
	ck_assert_ptr_null(strstr(s.request, "digest"));
	ck_assert_ptr_nonnull(strstr(s.request, "\"time\":1700000000"));
	fo_engine_destroy(eng);
}
END_TEST

/* ---- The sender's thread (fo_replicate_send.c) against a scripted agent ---- */

/* The agent's answers: HTTP 200 with each body, into script[] (bodies NULL: no answer). */
static void
http_ok(char out[][512], const char *const *body, const char **script, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(out[i], 512, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		    strlen(body[i]), body[i]);
		script[i] = out[i];
	}
}

/* An agent serving script, an engine whose rel1 points at it, a sender; rel1 sent. */
static fo_repl_sender *
send_start(test_server *s, const char *const *script, size_t n, fo_engine **eng, uint64_t *id)
{
	fo_repl_sender *snd = NULL;
	char err[512] = "", extra[256];
	fo_ip4 scope = 0x0a000000;
	fo_repl_group g = { "rel1", &scope, 1, "{\"relationship\":\"rel1\",\"subnet4\":[]}" };

	ck_assert_int_eq(test_server_script(s, script, n), 0);
	snprintf(extra, sizeof(extra), ", \"partner-control-url\": \"http://127.0.0.1:%u/\"",
	    (unsigned)s->port);
	ck_assert_msg(make_engine(eng, extra, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_int_eq(fo_repl_sender_create(&snd, NULL), FO_OK);
	ck_assert_msg(fo_engine_replicate_start(*eng, snd, &g, 1, id, err, sizeof(err)) == FO_OK,
	    "%s", err);
	return snd;
}

/* The status once the replication ended (within 15 s): result, text, arguments. */
static int
send_outcome(fo_repl_sender *snd, uint64_t id, char **text, char **args)
{
	int result = -1;

	for (int i = 0; i < 1500; i++) {
		ck_assert_int_eq(fo_repl_sender_status(snd, id, &result, text, args), FO_OK);
		if (strstr(*args, "\"status\":\"done\"") != NULL ||
		    strstr(*args, "\"status\":\"failed\"") != NULL)
			return result;
		free(*text);
		free(*args);
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	ck_abort_msg("replication %llu did not end", (unsigned long long)id);
	return -1;
}

START_TEST(test_sender_applied)
{
	static const char *const body[] = {
		"[{\"result\":0,\"text\":\"checked\",\"arguments\":{\"id\":\"p-1\","
		    "\"changes\":{\"scopes\":[]}}}]",
		"[{\"result\":0,\"text\":\"config-set runs\"}]",
		"[{\"result\":0,\"arguments\":{\"state\":\"pending\",\"id\":\"p-1\"}}]",
		"[{\"result\":0,\"arguments\":{\"state\":\"applied\",\"id\":\"p-1\"}}]",
	};
	char buf[4][512];
	const char *script[4];
	test_server s;
	fo_engine *eng = NULL;
	fo_repl_sender *snd;
	uint64_t id = 0;
	char *text = NULL, *args = NULL;

	http_ok(buf, body, script, 4);
	snd = send_start(&s, script, 4, &eng, &id);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(send_outcome(snd, id, &text, &args), 0);
	test_server_stop(&s);
	ck_assert_str_eq(args, "{\"id\":1,\"replications\":[{\"relationship\":\"rel1\","
	    "\"scope-id\":[\"10.0.0.0\"],\"applied\":true,\"changes\":{\"scopes\":[]},"
	    "\"id\":\"p-1\"}],\"status\":\"done\"}");
	ck_assert_str_eq(text, "relationship 'rel1': ; applied by the partner");
	/* What the agent got, in order: apply, commit and two polls, with the partner's id. */
	ck_assert_ptr_nonnull(strstr(s.request, "\"command\":\"failover-replicate-apply\""));
	ck_assert_ptr_nonnull(strstr(strstr(s.request, "failover-replicate-commit"), "\"id\":\"p-1\""));
	ck_assert_ptr_nonnull(strstr(strstr(strstr(s.request, "failover-replicate-status"),
	    "\r\n\r\n"), "failover-replicate-status"));
	ck_assert_int_eq(fo_repl_sender_busy(snd, "rel1"), false);
	free(text);
	free(args);
	ck_assert_int_eq(fo_repl_sender_status(snd, 2, &(int){ 0 }, &text, &args),
	    FO_ERR_NOTFOUND);
	fo_repl_sender_destroy(snd);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(test_sender_refused)
{
	static const char *const body[] = {
		"[{\"result\":1,\"text\":\"config-test refused the replicated config\"}]",
	};
	char buf[1][512];
	const char *script[1];
	test_server s;
	fo_engine *eng = NULL;
	fo_repl_sender *snd;
	uint64_t id = 0;
	char *text = NULL, *args = NULL;

	http_ok(buf, body, script, 1);
	snd = send_start(&s, script, 1, &eng, &id);
	ck_assert_int_eq(send_outcome(snd, id, &text, &args), 1);
	test_server_stop(&s);
	ck_assert_str_eq(text, "relationship 'rel1': the partner refused it: config-test refused "
	    "the replicated config");
	ck_assert_ptr_nonnull(strstr(args, "\"applied\":false,\"error\":\"the partner refused it: "));
	ck_assert_ptr_nonnull(strstr(args, "\"status\":\"failed\""));
	free(text);
	free(args);
	fo_repl_sender_destroy(snd);
	fo_engine_destroy(eng);
}
END_TEST

/* One at a time: while the agent holds the apply, another start is refused. */
START_TEST(test_sender_one_at_a_time)
{
	static const char *const script[] = { NULL };
	test_server s;
	fo_engine *eng = NULL;
	fo_repl_sender *snd;
	uint64_t id = 0, id2 = 0;
	fo_ip4 scope = 0x0a010000;
	fo_repl_group g2 = { "rel2", &scope, 1, "{}" };
	fo_repl_group nope = { "nope", &scope, 1, "{}" };
	char err[512] = "", *text = NULL, *args = NULL;
	int result = -1;

	snd = send_start(&s, script, 1, &eng, &id);
	ck_assert_int_eq(fo_repl_sender_busy(snd, "rel1"), true);
	ck_assert_int_eq(fo_repl_sender_busy(snd, "rel2"), false);
	ck_assert_int_eq(fo_repl_sender_status(snd, id, &result, &text, &args), FO_OK);
	ck_assert_int_eq(result, 0);
	ck_assert_ptr_nonnull(strstr(args, "\"status\":\"sending\""));
	ck_assert_str_eq(text, "replication 1: sending (relationship 'rel1')");
	free(text);
	free(args);
	/* rel2 has no partner-control-url; an unknown relationship; one running. */
	ck_assert_int_eq(fo_engine_replicate_start(eng, snd, &g2, 1, &id2, err, sizeof(err)),
	    FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err, "partner-control-url: not set for relationship 'rel2'"));
	ck_assert_int_eq(fo_engine_replicate_start(eng, snd, &nope, 1, &id2, err, sizeof(err)),
	    FO_ERR_NOTFOUND);
	g2.relationship = "rel1";
	ck_assert_int_eq(fo_engine_replicate_start(eng, snd, &g2, 1, &id2, err, sizeof(err)),
	    FO_ERR_STATE);
	ck_assert_str_eq(err, "replication 1 is running (relationship 'rel1'); "
	    "failover-replicate-status {\"id\": 1} tells when it is done");
	/* The agent never answers: unreachable when it closes. */
	ck_assert_int_eq(send_outcome(snd, id, &text, &args), 1);
	test_server_stop(&s);
	ck_assert_ptr_nonnull(strstr(text, "relationship 'rel1': partner-control-url http://127.0.0.1:"));
	free(text);
	free(args);
	fo_repl_sender_destroy(snd);
	fo_engine_destroy(eng);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replicate");
	TCase *pure = tcase_create("pure");
	TCase *eng = tcase_create("engine");
	SRunner *sr;
	int failed;

	tcase_add_test(pure, test_canon_form);
	tcase_add_test(pure, test_canon_same_for_kea_and_compact);
	tcase_add_test(pure, test_canon_drop);
	tcase_add_test(pure, test_canon_bad);
	tcase_add_test(pure, test_jv_lookup);
	tcase_add_test(pure, test_digest_known_answer);
	tcase_add_test(pure, test_verify);
	tcase_add_test(pure, test_verify_missing);
	tcase_add_test(pure, test_request);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(eng, setup, teardown);
	tcase_set_timeout(eng, 30);
	tcase_add_test(eng, test_config_leaves);
	tcase_add_test(eng, test_sender_applied);
	tcase_add_test(eng, test_sender_refused);
	tcase_add_test(eng, test_sender_one_at_a_time);
	tcase_add_test(eng, test_config_leaves_bad);
	tcase_add_test(eng, test_engine_check);
	tcase_add_test(eng, test_engine_send);
	tcase_add_test(eng, test_engine_send_401);
	suite_add_tcase(s, eng);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
