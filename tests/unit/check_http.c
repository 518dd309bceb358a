/*
 * check_http.c - the HTTP client of failover-replicate (fo_http.h): URLs,
 * basic authentication, the parsing of answers, and real exchanges with a
 * server on 127.0.0.1 (success, HTTP errors, refused, timed out, not HTTP).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fo_http.h"
#include "fo_test_http.h"

START_TEST(test_url)
{
	fo_url u;
	char err[256];

	ck_assert_int_eq(fo_url_parse("http://10.0.0.2:8000/", &u, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(u.host, "10.0.0.2");
	ck_assert_uint_eq(u.port, 8000);
	ck_assert_str_eq(u.path, "/");
	ck_assert_int_eq(fo_url_parse("http://kea2.example", &u, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(u.host, "kea2.example");
	ck_assert_uint_eq(u.port, 80);
	ck_assert_str_eq(u.path, "/");
	ck_assert_int_eq(fo_url_parse("HTTP://[fd00::2]:8080/kea?x=1", &u, err, sizeof(err)),
	    FO_OK);
	ck_assert_str_eq(u.host, "fd00::2");
	ck_assert_uint_eq(u.port, 8080);
	ck_assert_str_eq(u.path, "/kea?x=1");
	ck_assert_int_eq(fo_url_parse("http://h?x", &u, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(u.path, "/?x");
}
END_TEST

START_TEST(test_url_bad)
{
	static const struct { const char *url, *says; } bad[] = {
		{ "https://10.0.0.2:8000/", "https is not supported" },
		{ "ftp://10.0.0.2/", "must start with http://" },
		{ "http://", "no host" },
		{ "http://:8000/", "no host" },
		{ "http://10.0.0.2:0/", "port" },
		{ "http://10.0.0.2:65536/", "port" },
		{ "http://10.0.0.2:80a/", "port" },
		{ "http://admin:pw@10.0.0.2/", "user information" },
		{ "http://10.0.0.2/#x", "fragment" },
		{ "http://10.0.0.2/a b", "spaces" },
		{ "http://[fd00::2/", "']'" },
	};
	fo_url u;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(fo_url_parse(bad[i].url, &u, err, sizeof(err)) == FO_ERR_CONFIG,
		    "%s accepted", bad[i].url);
		ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s: %s", bad[i].url, err);
	}
}
END_TEST

START_TEST(test_base64)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar",
	    "Aladdin:open sesame" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
	    "Zm9vYmFy", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==" };
	char b[64];

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert(fo_base64(in[i], strlen(in[i]), b, sizeof(b)));
		ck_assert_str_eq(b, out[i]);
	}
	ck_assert(!fo_base64("foobar", 6, b, 8));     /* 8 bytes + NUL needed */
	ck_assert(fo_base64("foobar", 6, b, 9));
}
END_TEST

static fo_status
parse(const char *text, bool closed, fo_http_response *r, char *err)
{
	return fo_http_parse_response(text, strlen(text), closed, r, err, 256);
}

START_TEST(test_parse)
{
	fo_http_response r;
	char err[256];
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 14\r\n\r\n[{\"result\":0}]";

	ck_assert_int_eq(parse(ok, false, &r, err), FO_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.reason, "OK");
	ck_assert_str_eq(r.body, "[{\"result\":0}]");
	ck_assert_uint_eq(r.body_len, 14);
	fo_http_response_free(&r);
	/* Every prefix is incomplete, not an error. */
	for (size_t n = 0; n < strlen(ok); n++) {
		ck_assert_int_eq(fo_http_parse_response(ok, n, false, &r, err, sizeof(err)),
		    FO_ERR_STATE);
	}
	/* Header names are case-insensitive; HTTP/1.0; more than announced is cut. */
	ck_assert_int_eq(parse("HTTP/1.0 401 Unauthorized\r\ncontent-length: 2\r\n\r\nnoXYZ",
	    false, &r, err), FO_OK);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.reason, "Unauthorized");
	ck_assert_str_eq(r.body, "no");
	fo_http_response_free(&r);
	/* Chunked. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nWiki\r\n6\r\npedia \r\n0\r\n\r\n", false, &r, err), FO_OK);
	ck_assert_str_eq(r.body, "Wikipedia ");
	fo_http_response_free(&r);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nWi", false, &r, err), FO_ERR_STATE);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nWi", true, &r, err), FO_ERR_PROTO);
	/* Delimited by the end of the connection. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\n\r\nabc", false, &r, err), FO_ERR_STATE);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\n\r\nabc", true, &r, err), FO_OK);
	ck_assert_str_eq(r.body, "abc");
	fo_http_response_free(&r);
}
END_TEST

START_TEST(test_parse_bad)
{
	fo_http_response r;
	char err[256] = "";

	ck_assert_int_eq(parse("SSH-2.0-OpenSSH\r\n", false, &r, err), FO_ERR_PROTO);
	ck_assert_ptr_nonnull(strstr(err, "not HTTP"));
	ck_assert_int_eq(parse("HTTP/2 200\r\n\r\n", false, &r, err), FO_ERR_PROTO);
	ck_assert_int_eq(parse("HTTP/1.1 2x0 OK\r\n\r\n", false, &r, err), FO_ERR_PROTO);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", false, &r, err),
	    FO_ERR_PROTO);
	ck_assert_ptr_nonnull(strstr(err, "Content-Length"));
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true, &r, err),
	    FO_ERR_PROTO);
	ck_assert_ptr_nonnull(strstr(err, "3 of the 10 bytes"));
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-", true, &r, err), FO_ERR_PROTO);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    false, &r, err), FO_ERR_PROTO);
}
END_TEST

static char url[64];

static fo_http_request
request(unsigned short port, const char *body)
{
	fo_http_request q = { .body = body, .body_len = strlen(body), .timeout_ms = 2000 };

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)port);
	q.url = url;
	return q;
}

START_TEST(test_post)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[256] = "";
	const char *body = "{\"command\":\"failover-replicate-status\",\"arguments\":{}}";

	ck_assert_int_eq(test_server_start(&s, "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: 26\r\n\r\n[{\"result\":0,\"text\":\"ok\"}]"), 0);
	q = request(s.port, body);
	q.user = "Aladdin";
	q.password = "open sesame";
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_OK);
	test_server_stop(&s);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "[{\"result\":0,\"text\":\"ok\"}]");
	fo_http_response_free(&r);
	/* The request: line, Host, framing, credentials, then exactly the body. */
	ck_assert_ptr_nonnull(strstr(s.request, "POST / HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nHost: 127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nContent-Type: application/json\r\n"));
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nAuthorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nConnection: close\r\n"));
	ck_assert_str_eq(strstr(s.request, "\r\n\r\n") + 4, body);
	{
		char cl[64];

		snprintf(cl, sizeof(cl), "\r\nContent-Length: %zu\r\n", strlen(body));
		ck_assert_ptr_nonnull(strstr(s.request, cl));
	}
}
END_TEST

START_TEST(test_post_no_auth_and_401)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[256] = "";

	ck_assert_int_eq(test_server_start(&s, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0"
	    "\r\n\r\n"), 0);
	q = request(s.port, "{}");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_OK);
	test_server_stop(&s);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.body, "");
	fo_http_response_free(&r);
	ck_assert_ptr_null(strstr(s.request, "Authorization"));
}
END_TEST

START_TEST(test_post_refused)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	fo_http_request q;
	fo_http_response r;
	char err[256] = "";

	/* A port that was just free: nobody listens there. */
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	close(fd);
	q = request(ntohs(a.sin_port), "{}");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	ck_assert_msg(strstr(err, "cannot connect to 127.0.0.1 port") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "refused") != NULL, "%s", err);
	ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_post_timeout)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[256] = "";
	struct timespec t0, t1;
	long ms;

	ck_assert_int_eq(test_server_start(&s, NULL), 0);
	q = request(s.port, "{}");
	q.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	test_server_stop(&s);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(strstr(err, "timed out after 300 ms waiting for the answer") != NULL,
	    "%s", err);
	ck_assert_msg(ms >= 250 && ms < 1500, "took %ld ms", ms);
}
END_TEST

START_TEST(test_post_not_http)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[256] = "";

	ck_assert_int_eq(test_server_start(&s, "hello, this is not HTTP\n"), 0);
	q = request(s.port, "{}");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_PROTO);
	test_server_stop(&s);
	ck_assert_msg(strstr(err, "not HTTP") != NULL, "%s", err);
}
END_TEST

START_TEST(test_post_https_refused)
{
	fo_http_request q = { .url = "https://127.0.0.1:1/", .body = "{}", .body_len = 2 };
	fo_http_response r;
	char err[256] = "";

	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err, "https is not supported"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_url);
	tcase_add_test(tc, test_url_bad);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_post);
	tcase_add_test(tc, test_post_no_auth_and_401);
	tcase_add_test(tc, test_post_refused);
	tcase_add_test(tc, test_post_timeout);
	tcase_add_test(tc, test_post_not_http);
	tcase_add_test(tc, test_post_https_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
