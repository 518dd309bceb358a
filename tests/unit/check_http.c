/*
 * check_http.c - the HTTP client of failover-replicate (fo_http.h): URLs,
 * basic authentication, the parsing of answers, and real exchanges with a
 * server on 127.0.0.1 (success, HTTP errors, refused, timed out, not HTTP),
 * and https with a TLS server on 127.0.0.1 whose CA, server and client
 * certificates are made here with OpenSSL: success with the right CA (by
 * address and by name), refusal with another CA, refusal on a name or
 * address mismatch, the client certificate sent when configured.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

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
	ck_assert(!u.tls);
	ck_assert_int_eq(fo_url_parse("https://kea2.example", &u, err, sizeof(err)), FO_OK);
	ck_assert(u.tls);
	ck_assert_str_eq(u.host, "kea2.example");
	ck_assert_uint_eq(u.port, 443);
	ck_assert_int_eq(fo_url_parse("HTTPS://[fd00::2]:8443/", &u, err, sizeof(err)), FO_OK);
	ck_assert(u.tls);
	ck_assert_str_eq(u.host, "fd00::2");
	ck_assert_uint_eq(u.port, 8443);
}
END_TEST

START_TEST(test_url_bad)
{
	static const struct { const char *url, *says; } bad[] = {
		{ "ftp://10.0.0.2/", "must start with http:// or https://" },
		{ "https://", "no host" },
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

/* ---- https ---- */

/*
 * The certificates, made once (unchecked fixture) in a temporary directory:
 * ca (the right CA) and other-ca (a CA of the same name, another key);
 * server: by ca, for IP 127.0.0.1 and DNS localhost; elsewhere: by ca, for
 * DNS kea2.example only; client: by ca, CN fo-client.
 */
static char pki[64];

static char *
pki_file(const char *name)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", pki, name);
	return p;
}

static void
add_ext(X509 *x, X509V3_CTX *v, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v, nid, value);

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for `key` named cn, signed by issuer (NULL: self-signed CA). */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *issuer, EVP_PKEY *ikey)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *n;
	X509V3_CTX v;

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
	X509V3_set_ctx_nodb(&v);
	X509V3_set_ctx(&v, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	add_ext(x, &v, NID_basic_constraints, issuer == NULL ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, &v, NID_subject_key_identifier, "hash");
	if (issuer == NULL) {
		add_ext(x, &v, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, &v, NID_authority_key_identifier, "keyid:always");
		add_ext(x, &v, NID_key_usage, "critical,digitalSignature");
		add_ext(x, &v, NID_ext_key_usage, san != NULL ? "serverAuth" : "clientAuth");
	}
	if (san != NULL)
		add_ext(x, &v, NID_subject_alt_name, san);
	ck_assert_int_gt(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()), 0);
	return x;
}

static void
write_pem(const char *name, X509 *x, EVP_PKEY *k)
{
	FILE *f = fopen(pki_file(name), "w");

	ck_assert_ptr_nonnull(f);
	if (x != NULL)
		ck_assert_int_eq(PEM_write_X509(f, x), 1);
	else
		ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static void
pki_setup(void)
{
	EVP_PKEY *cak = EVP_EC_gen("P-256"), *ock = EVP_EC_gen("P-256"),
	    *sk = EVP_EC_gen("P-256"), *ck = EVP_EC_gen("P-256");
	X509 *ca, *oca, *x;

	snprintf(pki, sizeof(pki), "/tmp/fo-check-http-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(pki));
	ck_assert(cak != NULL && ock != NULL && sk != NULL && ck != NULL);
	ca = make_cert(cak, "fo test CA", NULL, NULL, NULL);
	oca = make_cert(ock, "fo test CA", NULL, NULL, NULL);
	write_pem("ca.pem", ca, NULL);
	write_pem("other-ca.pem", oca, NULL);
	x = make_cert(sk, "127.0.0.1", "IP:127.0.0.1,DNS:localhost", ca, cak);
	write_pem("server.pem", x, NULL);
	X509_free(x);
	x = make_cert(sk, "kea2.example", "DNS:kea2.example", ca, cak);
	write_pem("elsewhere.pem", x, NULL);
	X509_free(x);
	write_pem("server-key.pem", NULL, sk);
	x = make_cert(ck, "fo-client", NULL, ca, cak);
	write_pem("client.pem", x, NULL);
	X509_free(x);
	write_pem("client-key.pem", NULL, ck);
	X509_free(ca);
	X509_free(oca);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(ock);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(ck);
}

static void
pki_teardown(void)
{
	static const char *const files[] = { "ca.pem", "other-ca.pem", "server.pem",
	    "elsewhere.pem", "server-key.pem", "client.pem", "client-key.pem" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(pki_file(files[i]));
	rmdir(pki);
}

/* A one-connection TLS server on 127.0.0.1 (blocking, 3 s receive timeout). */
typedef struct tls_server {
	int lfd;
	unsigned short port;
	SSL_CTX *ctx;
	const char *answer;
	bool handshake_ok;
	char peer_cn[64];          /* the client certificate's CN; "" = none */
	char request[8192];
	size_t request_len;
	pthread_t thread;
} tls_server;

static void *
tls_server_run(void *arg)
{
	tls_server *s = arg;
	struct timeval tv = { .tv_sec = 3 };
	sigset_t pipe_set;
	int fd;
	SSL *ssl;

	/* This thread's writes to a client that gave up: no SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	if ((fd = accept(s->lfd, NULL, NULL)) < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ssl = SSL_new(s->ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		X509 *peer = SSL_get1_peer_certificate(ssl);

		s->handshake_ok = true;
		if (peer != NULL) {
			X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName,
			    s->peer_cn, sizeof(s->peer_cn));
			X509_free(peer);
		}
		while (s->request_len + 1 < sizeof(s->request)) {
			int r = SSL_read(ssl, s->request + s->request_len,
			    (int)(sizeof(s->request) - s->request_len - 1));

			if (r <= 0)
				break;
			s->request_len += (size_t)r;
			s->request[s->request_len] = '\0';
			if (test_request_complete(s->request, s->request_len))
				break;
		}
		if (s->request_len > 0)
			SSL_write(ssl, s->answer, (int)strlen(s->answer));
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
	close(fd);
	return NULL;
}

/* cert: a file of pki; client_ca: NULL, or the CA a client certificate must come from. */
static void
tls_server_start(tls_server *s, const char *cert, const char *client_ca)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 26\r\n"
	    "\r\n[{\"result\":0,\"text\":\"ok\"}]";
	ck_assert_ptr_nonnull(s->ctx = SSL_CTX_new(TLS_server_method()));
	ck_assert_int_eq(SSL_CTX_use_certificate_file(s->ctx, pki_file(cert), SSL_FILETYPE_PEM), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(s->ctx, pki_file("server-key.pem"),
	    SSL_FILETYPE_PEM), 1);
	if (client_ca != NULL) {
		ck_assert_int_eq(SSL_CTX_load_verify_locations(s->ctx, pki_file(client_ca), NULL), 1);
		SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	ck_assert_int_ge(s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 0);
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s->lfd, 4), 0);
	ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, tls_server_run, s), 0);
}

static void
tls_server_stop(tls_server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
	SSL_CTX_free(s->ctx);
}

/* An https request to host:port with the CA file ca (NULL: none). */
static fo_http_request
tls_request(const char *host, unsigned short port, const char *ca)
{
	fo_http_request q = { .body = "{}", .body_len = 2, .timeout_ms = 3000 };

	snprintf(url, sizeof(url), "https://%s:%u/", host, (unsigned)port);
	q.url = url;
	q.ca_file = ca != NULL ? pki_file(ca) : NULL;
	return q;
}

START_TEST(test_https)
{
	tls_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	tls_server_start(&s, "server.pem", NULL);
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	q.user = "Aladdin";
	q.password = "open sesame";
	ck_assert_msg(fo_http_post(&q, &r, err, sizeof(err)) == FO_OK, "%s", err);
	tls_server_stop(&s);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "[{\"result\":0,\"text\":\"ok\"}]");
	fo_http_response_free(&r);
	ck_assert(s.handshake_ok);
	ck_assert_str_eq(s.peer_cn, "");       /* no client certificate configured */
	ck_assert_ptr_nonnull(strstr(s.request, "POST / HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nAuthorization: Basic "
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
	ck_assert_str_eq(strstr(s.request, "\r\n\r\n") + 4, "{}");
}
END_TEST

START_TEST(test_https_by_name)
{
	tls_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	tls_server_start(&s, "server.pem", NULL);
	q = tls_request("localhost", s.port, "ca.pem");
	ck_assert_msg(fo_http_post(&q, &r, err, sizeof(err)) == FO_OK, "%s", err);
	tls_server_stop(&s);
	ck_assert_int_eq(r.status, 200);
	fo_http_response_free(&r);
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nHost: localhost:"));
}
END_TEST

START_TEST(test_https_wrong_ca)
{
	tls_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "", want[128];

	tls_server_start(&s, "server.pem", NULL);
	q = tls_request("127.0.0.1", s.port, "other-ca.pem");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	tls_server_stop(&s);
	ck_assert_ptr_null(r.body);
	snprintf(want, sizeof(want), "TLS handshake with 127.0.0.1:%u failed: certificate verify "
	    "failed: ", (unsigned)s.port);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "signature failure") != NULL ||
	    strstr(err, "unable to get") != NULL, "%s", err);
	ck_assert_uint_eq(s.request_len, 0);   /* nothing sent */
	/* No trust anchor: the system's CAs do not know this one either. */
	tls_server_start(&s, "server.pem", NULL);
	q = tls_request("127.0.0.1", s.port, NULL);
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	tls_server_stop(&s);
	ck_assert_msg(strstr(err, "certificate verify failed: ") != NULL, "%s", err);
	ck_assert_uint_eq(s.request_len, 0);
}
END_TEST

START_TEST(test_https_name_mismatch)
{
	tls_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	/* By address: the certificate names kea2.example only. */
	tls_server_start(&s, "elsewhere.pem", NULL);
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	tls_server_stop(&s);
	ck_assert_msg(strstr(err, "certificate verify failed: IP address mismatch") != NULL,
	    "%s", err);
	ck_assert_uint_eq(s.request_len, 0);
	/* By name: localhost is not kea2.example. */
	tls_server_start(&s, "elsewhere.pem", NULL);
	q = tls_request("localhost", s.port, "ca.pem");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	tls_server_stop(&s);
	ck_assert_msg(strstr(err, "certificate verify failed: hostname mismatch") != NULL,
	    "%s", err);
	ck_assert_uint_eq(s.request_len, 0);
}
END_TEST

START_TEST(test_https_client_cert)
{
	tls_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	tls_server_start(&s, "server.pem", "ca.pem");
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	q.cert_file = pki_file("client.pem");
	q.key_file = pki_file("client-key.pem");
	ck_assert_msg(fo_http_post(&q, &r, err, sizeof(err)) == FO_OK, "%s", err);
	tls_server_stop(&s);
	ck_assert_int_eq(r.status, 200);
	fo_http_response_free(&r);
	ck_assert_str_eq(s.peer_cn, "fo-client");
	/* Without it the server refuses (after the client's handshake with TLS 1.3). */
	tls_server_start(&s, "server.pem", "ca.pem");
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	tls_server_stop(&s);
	ck_assert(!s.handshake_ok);
	ck_assert_msg(strstr(err, "127.0.0.1:") != NULL && strstr(err, "TLS") != NULL, "%s", err);
}
END_TEST

START_TEST(test_https_bad_files)
{
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	/* Checked before any connection (nobody listens on port 1). */
	q = tls_request("127.0.0.1", 1, NULL);
	q.ca_file = "/nonexistent/ca.pem";
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "partner-control-trust-anchor /nonexistent/ca.pem: cannot load")
	    != NULL, "%s", err);
	q = tls_request("127.0.0.1", 1, "ca.pem");
	q.cert_file = pki_file("client.pem");
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "go together") != NULL, "%s", err);
	q.key_file = pki_file("server-key.pem");   /* not the client certificate's key */
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "does not match") != NULL, "%s", err);
	q.key_file = "/nonexistent/key.pem";
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "partner-control-key-file /nonexistent/key.pem: cannot load")
	    != NULL, "%s", err);
	ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_https_timeout)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";
	struct timespec t0, t1;
	long ms;

	/* A server that accepts and never answers the ClientHello: the same deadline. */
	ck_assert_int_eq(test_server_start(&s, NULL), 0);
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	q.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	test_server_stop(&s);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(strstr(err, "TLS handshake with 127.0.0.1:") != NULL &&
	    strstr(err, "failed: timed out after 300 ms") != NULL, "%s", err);
	ck_assert_msg(ms >= 250 && ms < 1500, "took %ld ms", ms);
}
END_TEST

START_TEST(test_https_not_tls)
{
	test_server s;
	fo_http_request q;
	fo_http_response r;
	char err[512] = "";

	/* A plain http server answers the ClientHello with text. */
	ck_assert_int_eq(test_server_start(&s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0"
	    "\r\n\r\n"), 0);
	q = tls_request("127.0.0.1", s.port, "ca.pem");
	q.timeout_ms = 4000;
	ck_assert_int_eq(fo_http_post(&q, &r, err, sizeof(err)), FO_ERR_IO);
	test_server_stop(&s);
	ck_assert_msg(strstr(err, "TLS handshake with 127.0.0.1:") != NULL, "%s", err);
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
	tcase_add_test(tc, test_https);
	tcase_add_test(tc, test_https_by_name);
	tcase_add_test(tc, test_https_wrong_ca);
	tcase_add_test(tc, test_https_name_mismatch);
	tcase_add_test(tc, test_https_client_cert);
	tcase_add_test(tc, test_https_bad_files);
	tcase_add_test(tc, test_https_timeout);
	tcase_add_test(tc, test_https_not_tls);
	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
