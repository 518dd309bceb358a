/*
 * check_both.c - changes on both partners (fo_both.h) against a scripted
 * partner agent on 127.0.0.1: applied there then here; refused; not sent
 * (no listener); no answer then the undo; this server failing after the
 * partner applied (the undo); one change at a time; a relationship without
 * partner-control-url and a change of this server's own leaves (here at
 * once); the dry run changes nothing. Under enable-auth: the requests signed
 * (the change with the secret the partner holds before it, the undo with
 * the one after), and the partner's check of a received request (no digest,
 * a wrong one, a stale time; failover-add against the secret it adds).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fo_admin_int.h"
#include "fo_both.h"
#include "fo_check_run.h"
#include "fo_engine_int.h"
#include "fo_signed.h"
#include "fo_test_http.h"

#define IP(a, b, c, d) ((fo_ip4)(a) << 24 | (fo_ip4)(b) << 16 | (fo_ip4)(c) << 8 | (fo_ip4)(d))
#define NOW fo_wall_at(1001)

static char dir[256];
static const fo_pool_range pools[2] = {
	{ IP(10, 0, 1, 0), IP(10, 0, 1, 99) },
	{ IP(10, 1, 1, 0), IP(10, 1, 1, 49) },
};

/*
 * r1 (10.0.0.0, load-balance 60, primary) whose partner's agent is port (0:
 * no URL), with the leaves of `extra` (",\"leaf\": value ...").
 */
static fo_engine *
engine_with(unsigned port, const char *extra)
{
	fo_subnet sn[2];
	fo_engine *eng = NULL;
	char params[1024], url[96] = "", err[1024] = "";

	if (port != 0)
		snprintf(url, sizeof(url), ", \"partner-control-url\": \"http://127.0.0.1:%u/\"",
		    port);
	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    " {\"name\": \"r1\", \"partner-server\": \"10.9.0.2\", \"local-address\": \"10.9.0.1\","
	    "  \"server-type\": \"primary\", \"load-balance-percent\": 60,"
	    "  \"scope-id\": [\"10.0.0.0\"]%s%s}]}", dir, url, extra);
	ck_assert_msg(fo_engine_create(&eng, params, NULL, err, sizeof(err)) == FO_OK, "%s", err);
	memset(sn, 0, sizeof(sn));
	for (int i = 0; i < 2; i++) {
		sn[i].subnet_id = (uint32_t)i + 1;
		sn[i].prefix = IP(10, i, 0, 0);
		sn[i].plen = 16;
		sn[i].pools = &pools[i];
		sn[i].n_pools = 1;
	}
	ck_assert_msg(fo_engine_attach(eng, sn, 2, NOW, err, sizeof(err)) == FO_OK, "%s", err);
	return eng;
}

static fo_engine *
engine_at(unsigned port)
{
	return engine_with(port, "");
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_both.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* HTTP 200 answers with each Kea answer (NULL: hold the connection, no answer). */
static void
script_of(char out[][512], const char *const *body, const char **script, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (body[i] == NULL) {
			script[i] = NULL;
			continue;
		}
		snprintf(out[i], 512, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
		    strlen(body[i]), body[i]);
		script[i] = out[i];
	}
}

/* Run the change to its end, making the commit here when due (Kea's timer). */
static int
outcome(fo_engine *eng, fo_both *b, uint64_t id, char **text, char **args)
{
	int result = -1;

	for (int i = 0; i < 2000; i++) {
		if (fo_both_due(b))
			fo_engine_both_commit(eng, b, NOW);
		ck_assert_int_eq(fo_both_status(b, id, &result, text, args), FO_OK);
		if (strstr(*args, "\"status\":\"done\"") != NULL ||
		    strstr(*args, "\"status\":\"failed\"") != NULL)
			return result;
		free(*text);
		free(*args);
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	ck_abort_msg("change %llu did not end", (unsigned long long)id);
	return -1;
}

static uint32_t
mclt_of(fo_engine *eng, const char *name)
{
	const fo_relationship *r = fo_relationship_set_find(fo_engine_set_of(eng), name);

	return r != NULL ? r->mclt : 0;
}

static const fo_kv mclt900[] = { { "max-client-lead-time", "900" } };
static const fo_admin_req set900 = { FO_ADMIN_SET, "r1", mclt900, 1, NULL, 0, NULL, 0, false };

/* One change against a scripted agent (bodies: its answers in turn). */
typedef struct run {
	test_server s;
	char buf[2][512];
	const char *script[2];
	fo_engine *eng;
	fo_both *b;
	uint64_t id;
	char msg[1024], *text, *args;
	int result;
} run;

/* The agent, an engine whose r1 (url: true) points at it, the change started. */
static void
run_start(run *r, const char *const *body, size_t n, bool url, const fo_admin_req *req)
{
	memset(r, 0, sizeof(*r));
	script_of(r->buf, body, r->script, n);
	ck_assert_int_eq(test_server_script(&r->s, r->script, n), 0);
	r->eng = engine_at(url ? r->s.port : 0);
	ck_assert_int_eq(fo_both_create(&r->b, NULL), FO_OK);
	if (req != NULL)
		ck_assert_msg(fo_engine_both_start(r->eng, r->b, req, NOW, &r->id, r->msg,
		    sizeof(r->msg)) == FO_OK, "%s", r->msg);
}

/* Its end: the status's result, text and arguments; the agent stopped. */
static void
run_end(run *r)
{
	r->result = outcome(r->eng, r->b, r->id, &r->text, &r->args);
	test_server_stop(&r->s);
}

static void
run_free(run *r)
{
	free(r->text);
	free(r->args);
	fo_both_destroy(r->b);
	fo_engine_destroy(r->eng);
}

START_TEST(set_on_both)
{
	static const char *const body[] = { "[{\"result\":0,\"text\":\"changed there\"}]" };
	static const fo_kv lb[] = { { "load-balance-percent", "70" } };
	fo_admin_req req = { FO_ADMIN_SET, "r1", lb, 1, NULL, 0, NULL, 0, false };
	char *text = NULL, *args = NULL;
	run r;

	run_start(&r, body, 1, true, &req);
	ck_assert_uint_eq(r.id, 1);
	ck_assert_ptr_nonnull(strstr(r.msg, "failover-change-status {\"id\": 1}"));
	run_end(&r);
	ck_assert_int_eq(r.result, 0);
	ck_assert_str_eq(r.text, "change 1 (failover-set of relationship 'r1'): changed on both");
	ck_assert_ptr_nonnull(strstr(r.args, "\"status\":\"done\",\"changed\":true,"
	    "\"partner\":\"changed there\""));
	/* the partner got its side: 100 - 70, local-only, the time, no signature */
	ck_assert_ptr_nonnull(strstr(r.s.request, "{\"command\":\"failover-set\",\"service\":"
	    "[\"dhcp4\"],\"arguments\":{\"time\":"));
	ck_assert_ptr_nonnull(strstr(r.s.request, ",\"name\":\"r1\",\"load-balance-percent\":30,"
	    "\"local-only\":true}}"));
	ck_assert_ptr_null(strstr(r.s.request, "digest"));
	ck_assert_uint_eq(fo_relationship_set_find(fo_engine_set_of(r.eng), "r1")->
	    load_balance_percent, 70);
	ck_assert(!fo_both_busy(r.b, "r1", r.msg, sizeof(r.msg)));
	ck_assert_int_eq(fo_both_status(r.b, 2, &(int){ 0 }, &text, &args), FO_ERR_NOTFOUND);
	run_free(&r);
}
END_TEST

START_TEST(refused_changes_nothing)
{
	static const char *const body[] = {
		"[{\"result\":1,\"text\":\"max-client-lead-time: not today\"}]" };
	run r;

	run_start(&r, body, 1, true, &set900);
	run_end(&r);
	ck_assert_int_eq(r.result, 1);
	ck_assert_str_eq(r.text, "change 1 (failover-set of relationship 'r1'): the partner "
	    "refused it, nothing changed on either; the partner answered: max-client-lead-time: "
	    "not today");
	ck_assert_ptr_nonnull(strstr(r.args, "\"status\":\"failed\",\"changed\":false"));
	ck_assert_uint_eq(mclt_of(r.eng, "r1"), FO_DEFAULT_MCLT);
	run_free(&r);
}
END_TEST

START_TEST(not_sent_changes_nothing)
{
	unsigned port;
	char msg[1024] = "", *text = NULL, *args = NULL;
	fo_engine *eng;
	fo_both *b = NULL;
	uint64_t id = 0;

	/* a port nobody listens on: one bound a moment ago, closed */
	{
		struct sockaddr_in a = { .sin_family = AF_INET,
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t al = sizeof(a);
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
		port = ntohs(a.sin_port);
		close(fd);
	}
	eng = engine_at(port);
	ck_assert_int_eq(fo_both_create(&b, NULL), FO_OK);
	ck_assert_int_eq(fo_engine_both_start(eng, b, &set900, NOW, &id, msg, sizeof(msg)), FO_OK);
	ck_assert_int_eq(outcome(eng, b, id, &text, &args), 1);
	ck_assert_msg(strstr(text, "the partner is unreachable, nothing changed on either") != NULL,
	    "%s", text);
	ck_assert_ptr_nonnull(strstr(args, "\"changed\":false"));
	ck_assert_ptr_nonnull(strstr(args, "\"undo\":\"\""));      /* nothing to undo */
	ck_assert_uint_eq(mclt_of(eng, "r1"), FO_DEFAULT_MCLT);
	free(text);
	free(args);
	fo_both_destroy(b);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(no_answer_then_undo)
{
	static const char *const body[] = { NULL, "[{\"result\":0,\"text\":\"undone\"}]" };
	run r;

	run_start(&r, body, 2, true, &set900);
	run_end(&r);
	ck_assert_int_eq(r.result, 1);
	ck_assert_msg(strstr(r.text, "it had made the change and undid it") != NULL, "%s", r.text);
	/* the undo sets the partner's MCLT back to its default */
	ck_assert_ptr_nonnull(strstr(strstr(r.s.request, "\"max-client-lead-time\":900"),
	    ",\"name\":\"r1\",\"max-client-lead-time\":3600,\"local-only\":true}"));
	ck_assert_ptr_nonnull(strstr(r.args, "\"changed\":false"));
	ck_assert_uint_eq(mclt_of(r.eng, "r1"), FO_DEFAULT_MCLT);
	run_free(&r);
}
END_TEST

START_TEST(local_failure_is_undone)
{
	static const char *const body[] = { "[{\"result\":0,\"text\":\"added there\"}]",
		"[{\"result\":0,\"text\":\"removed there\"}]" };
	static const fo_kv r2[] = { { "name", "\"r2\"" }, { "partner-server", "\"10.9.0.3\"" },
		{ "local-address", "\"10.9.0.1\"" }, { "local-port", "6471" },
		{ "server-type", "\"primary\"" }, { "scope-id", "[\"10.1.0.0\"]" } };
	static const fo_kv r3[] = { { "name", "\"r3\"" }, { "partner-server", "\"10.9.0.4\"" },
		{ "local-port", "6472" }, { "server-type", "\"primary\"" },
		{ "scope-id", "[\"10.1.0.0\"]" } };
	static const fo_kv own[] = { { "server-name", "\"kea-b\"" },
		{ "partner-control-url", "\"http://10.9.0.1:8000/\"" } };
	char url[64];
	fo_kv r2u[7];
	run r;

	run_start(&r, body, 2, false, NULL);
	memcpy(r2u, r2, sizeof(r2));
	snprintf(url, sizeof(url), "\"http://127.0.0.1:%u/\"", (unsigned)r.s.port);
	r2u[6] = (fo_kv){ "partner-control-url", url };
	ck_assert_msg(fo_engine_both_start(r.eng, r.b, &(fo_admin_req){ FO_ADMIN_ADD, NULL, r2u, 7,
	    NULL, 0, own, 2, false }, NOW, &r.id, r.msg, sizeof(r.msg)) == FO_OK, "%s", r.msg);
	/* Before the commit here, 10.1.0.0 goes to r3 (as a crossing change would). */
	while (!fo_both_due(r.b))
		nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	ck_assert_msg(fo_engine_admin_add(r.eng, r3, 5, NOW, r.msg, sizeof(r.msg)) == FO_OK, "%s",
	    r.msg);
	run_end(&r);
	ck_assert_int_eq(r.result, 1);
	ck_assert_msg(strstr(r.text, "the partner made it but this server could not; the partner "
	    "undid it") != NULL, "%s", r.text);
	ck_assert_ptr_nonnull(strstr(r.args, "\"status\":\"failed\",\"changed\":false"));
	ck_assert_ptr_nonnull(strstr(r.args, "\"undo\":\"removed there\""));
	ck_assert_ptr_nonnull(strstr(r.s.request, "\"command\":\"failover-remove\",\"service\":"
	    "[\"dhcp4\"],\"arguments\":{\"time\":"));
	ck_assert_ptr_nonnull(strstr(r.s.request, ",\"name\":\"r2\",\"local-only\":true}"));
	/* the partner's side of the add: mirrored, without this server's own leaves */
	ck_assert_ptr_nonnull(strstr(r.s.request, "\"partner-server\":\"10.9.0.1\","
	    "\"partner-port\":6471,\"local-address\":\"10.9.0.3\",\"local-port\":647,"));
	ck_assert_ptr_nonnull(strstr(r.s.request, "\"server-type\":\"secondary\""));
	/* ... with the partner's own leaves given (partner-side), not this server's */
	ck_assert_ptr_nonnull(strstr(r.s.request, "\"load-balance-max-seconds\":3,\"local-only\":"
	    "true,\"server-name\":\"kea-b\",\"partner-control-url\":\"http://10.9.0.1:8000/\"}"));
	ck_assert_ptr_null(strstr(r.s.request, "\"partner-control-url\":\"http://127.0.0.1"));
	ck_assert_ptr_null(fo_relationship_set_find(fo_engine_set_of(r.eng), "r2"));
	run_free(&r);
}
END_TEST

START_TEST(one_at_a_time_and_here_only)
{
	static const char *const body[] = { NULL, "[{\"result\":1,\"text\":\"no\"}]" };
	static const fo_kv own[] = { { "server-name", "\"dhcp-a\"" } };
	char buf[2][512], msg[1024] = "", keep[sizeof(dir)];
	const char *script[2];
	test_server s;
	fo_engine *eng, *plain;
	fo_both *b = NULL;
	uint64_t id = 0, id2 = 7;
	fo_relationship_set dry = { 0 };

	script_of(buf, body, script, 2);
	ck_assert_int_eq(test_server_script(&s, script, 2), 0);
	eng = engine_at(s.port);
	ck_assert_int_eq(fo_both_create(&b, NULL), FO_OK);
	/* the dry run validates and changes nothing */
	ck_assert_int_eq(fo_admin_apply(eng, &set900, NOW, &dry, msg, sizeof(msg)), FO_OK);
	ck_assert_uint_eq(fo_relationship_set_find(&dry, "r1")->mclt, 900);
	ck_assert_uint_eq(mclt_of(eng, "r1"), FO_DEFAULT_MCLT);
	fo_relationship_set_clear(&dry);
	ck_assert_int_eq(fo_admin_apply(eng, &(fo_admin_req){ FO_ADMIN_SET, "nope", mclt900, 1,
	    NULL, 0, NULL, 0, false }, NOW, &dry, msg, sizeof(msg)), FO_ERR_NOTFOUND);
	/* this server's own leaf only: made here at once */
	ck_assert_int_eq(fo_engine_both_start(eng, b, &(fo_admin_req){ FO_ADMIN_SET, "r1", own, 1,
	    NULL, 0, NULL, 0, false }, NOW, &id, msg, sizeof(msg)), FO_OK);
	ck_assert_uint_eq(id, 0);
	ck_assert_msg(strstr(msg, "(this server only: no leaf the partner has changes)") != NULL,
	    "%s", msg);
	/* one change at a time */
	ck_assert_int_eq(fo_engine_both_start(eng, b, &set900, NOW, &id, msg, sizeof(msg)), FO_OK);
	ck_assert_uint_eq(id, 1);
	ck_assert(fo_both_busy(b, "r1", msg, sizeof(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "change 1 of relationship 'r1'"));
	ck_assert(!fo_both_busy(b, "r2", msg, sizeof(msg)));
	ck_assert_int_eq(fo_engine_both_start(eng, b, &set900, NOW, &id2, msg, sizeof(msg)),
	    FO_ERR_STATE);
	ck_assert_uint_eq(id2, 0);
	/* unload while it runs: the thread ends (no answer, then the undo refused) */
	fo_both_destroy(b);
	test_server_stop(&s);
	/* no partner-control-url: here at once (a state directory of its own) */
	snprintf(keep, sizeof(keep), "%s", dir);
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%.200s/plain", keep), (int)sizeof(dir));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	plain = engine_at(0);
	snprintf(dir, sizeof(dir), "%s", keep);
	ck_assert_int_eq(fo_both_create(&b, NULL), FO_OK);
	ck_assert_int_eq(fo_engine_both_start(plain, b, &set900, NOW, &id, msg, sizeof(msg)), FO_OK);
	ck_assert_uint_eq(id, 0);
	ck_assert_msg(strstr(msg, "(this server only: the relationship has no partner-control-url)")
	    != NULL, "%s", msg);
	ck_assert_uint_eq(mclt_of(plain, "r1"), 900);
	/* a relationship the partner could not reach back: refused before anything */
	ck_assert_int_eq(fo_engine_both_start(eng, b, &(fo_admin_req){ FO_ADMIN_SET, "r1",
	    (const fo_kv[]){ { "local-address", "null" } }, 1, NULL, 0, NULL, 0, false }, NOW, &id, msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(msg, "local-address: not set"));
	/* partner-side: the partner's own leaves only, with failover-add only, a URL needed */
	{
		static const fo_kv bad[] = { { "mode", "\"hot-standby\"" } };
		static const fo_kv r5[] = { { "name", "\"r5\"" }, { "partner-server", "\"10.9.0.5\"" },
			{ "local-address", "\"10.9.0.1\"" }, { "local-port", "6475" },
			{ "server-type", "\"primary\"" }, { "scope-id", "[\"10.1.0.0\"]" },
			{ "partner-control-url", "\"http://127.0.0.1:9/\"" } };

		ck_assert_int_eq(fo_engine_both_start(eng, b, &(fo_admin_req){ FO_ADMIN_ADD, NULL, r5,
		    7, NULL, 0, bad, 1, false }, NOW, &id, msg, sizeof(msg)), FO_ERR_CONFIG);
		ck_assert_msg(strstr(msg, "partner-side/mode: not one of the partner's own leaves")
		    != NULL, "%s", msg);
		ck_assert_int_eq(fo_engine_both_start(eng, b, &(fo_admin_req){ FO_ADMIN_SET, "r1",
		    mclt900, 1, NULL, 0, r5, 1, false }, NOW, &id, msg, sizeof(msg)), FO_ERR_CONFIG);
		ck_assert_ptr_nonnull(strstr(msg, "partner-side: only with failover-add"));
		ck_assert_int_eq(fo_engine_both_start(plain, b, &(fo_admin_req){ FO_ADMIN_ADD, NULL, r5,
		    6, NULL, 0, r5 + 6, 1, false }, NOW, &id, msg, sizeof(msg)), FO_ERR_CONFIG);
		ck_assert_ptr_nonnull(strstr(msg, "partner-side: relationship 'r5' has no "
		    "partner-control-url"));
		ck_assert_ptr_null(fo_relationship_set_find(fo_engine_set_of(eng), "r5"));
		ck_assert_ptr_null(fo_relationship_set_find(fo_engine_set_of(plain), "r5"));
	}
	ck_assert_int_eq(fo_engine_both_start(NULL, b, &set900, NOW, &id, msg, sizeof(msg)),
	    FO_ERR_INVAL);
	fo_both_destroy(b);
	fo_engine_destroy(plain);
	fo_engine_destroy(eng);
}
END_TEST

/* The arguments of the nth (0: first) request the agent got, into out. */
static void
sent_args(const char *requests, int nth, char *out, size_t outlen)
{
	const char *a = requests, *end;

	for (int i = 0; i <= nth; i++) {
		ck_assert_ptr_nonnull(a = strstr(a, "\"arguments\":"));
		a += strlen("\"arguments\":");
	}
	end = strstr(a, "POST ");
	end = end != NULL ? end : a + strlen(a);
	ck_assert_ptr_eq(end[-1] == '}' ? end : NULL, end);
	ck_assert_int_lt(snprintf(out, outlen, "%.*s", (int)(end - 1 - a), a), (int)outlen);
}

/* args of command verify with secret `good`, not with `bad`. */
static void
signed_by(const char *args, const char *command, const char *good, const char *bad,
    fo_wall now)
{
	char err[256] = "";

	ck_assert_msg(fo_signed_verify(good, command, args, now, 60, err, sizeof(err)) == FO_OK,
	    "%s: %s", err, args);
	ck_assert_int_eq(fo_signed_verify(bad, command, args, now, 60, err, sizeof(err)),
	    FO_ERR_PROTO);
}

START_TEST(signed_with_the_partners_secret)
{
	static const char *const body[] = { NULL, "[{\"result\":0,\"text\":\"undone\"}]" };
	static const fo_kv secret[] = { { "shared-secret", "\"new-secret\"" } };
	char args[2048], err[256];
	fo_wall now;
	run r;

	memset(&r, 0, sizeof(r));
	script_of(r.buf, body, r.script, 2);
	ck_assert_int_eq(test_server_script(&r.s, r.script, 2), 0);
	r.eng = engine_with(r.s.port, ", \"enable-auth\": true, \"shared-secret\": \"old-secret\"");
	ck_assert_int_eq(fo_both_create(&r.b, NULL), FO_OK);
	ck_assert_msg(fo_engine_both_start(r.eng, r.b, &(fo_admin_req){ FO_ADMIN_SET, "r1", secret,
	    1, NULL, 0, NULL, 0, false }, NOW, &r.id, r.msg, sizeof(r.msg)) == FO_OK, "%s", r.msg);
	run_end(&r);            /* no answer, then the undo */
	now = fo_wall_at(time(NULL));
	ck_assert_int_eq(r.result, 1);
	/* the change: signed with the secret the partner holds before it */
	sent_args(r.s.request, 0, args, sizeof(args));
	ck_assert_ptr_nonnull(strstr(args, "\"digest\":\""));
	signed_by(args, "failover-set", "old-secret", "new-secret", now);
	ck_assert_int_eq(fo_signed_verify("old-secret", "failover-remove", args, now, 60, err,
	    sizeof(err)), FO_ERR_PROTO);
	/* the undo: with the one it holds after the change */
	sent_args(r.s.request, 1, args, sizeof(args));
	ck_assert_ptr_nonnull(strstr(args, "\"shared-secret\":\"old-secret\""));
	signed_by(args, "failover-set", "new-secret", "old-secret", now);
	ck_assert_str_eq(fo_relationship_set_find(fo_engine_set_of(r.eng), "r1")->shared_secret,
	    "old-secret");
	run_free(&r);
}
END_TEST

/* fo_engine_both_check of args signed with secret (NULL: time only) at t. */
static fo_status
check_signed(fo_engine *eng, const fo_admin_req *req, const char *secret, const char *args,
    int64_t t, fo_wall now, char *msg, size_t msglen)
{
	char *body = NULL, sent[2048];
	fo_status st;

	ck_assert_int_eq(fo_signed_request(secret, fo_admin_op_command(req->op), args,
	    fo_wall_at(t), &body, msg, msglen), FO_OK);
	sent_args(body, 0, sent, sizeof(sent));
	free(body);
	msg[0] = '\0';
	st = fo_engine_both_check(eng, req, sent, now, msg, msglen);
	return st;
}

START_TEST(partner_checks_the_digest)
{
	static const char set_args[] = "{\"name\":\"r1\",\"max-client-lead-time\":900,"
	    "\"local-only\":true}";
	static const fo_kv r2[] = { { "name", "\"r2\"" }, { "partner-server", "\"10.9.0.3\"" },
		{ "local-address", "\"10.9.0.1\"" }, { "server-type", "\"secondary\"" },
		{ "scope-id", "[\"10.1.0.0\"]" }, { "enable-auth", "true" },
		{ "shared-secret", "\"r2-secret\"" } };
	static const char add_args[] = "{\"name\":\"r2\",\"partner-server\":\"10.9.0.3\","
	    "\"local-address\":\"10.9.0.1\",\"server-type\":\"secondary\",\"scope-id\":"
	    "[\"10.1.0.0\"],\"enable-auth\":true,\"shared-secret\":\"r2-secret\","
	    "\"local-only\":true}";
	fo_admin_req add = { FO_ADMIN_ADD, NULL, r2, 7, NULL, 0, NULL, 0, false };
	fo_engine *eng = engine_with(0, ", \"enable-auth\": true, \"shared-secret\": \"s3cret\"");
	fo_engine *plain;
	char msg[512], keep[sizeof(dir)];

	/* signed with r1's secret, within 60 s: accepted */
	ck_assert_msg(check_signed(eng, &set900, "s3cret", set_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(check_signed(eng, &set900, "s3cret", set_args, 1000, fo_wall_at(940),
	    msg, sizeof(msg)), FO_OK);
	/* no digest, another secret, a stale or future time: refused, naming the member */
	ck_assert_int_eq(check_signed(eng, &set900, NULL, set_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_PROTO);
	ck_assert_msg(strncmp(msg, "digest: missing", 15) == 0, "%s", msg);
	ck_assert_int_eq(check_signed(eng, &set900, "other", set_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_PROTO);
	ck_assert_msg(strncmp(msg, "digest: wrong", 13) == 0, "%s", msg);
	ck_assert_int_eq(check_signed(eng, &set900, "s3cret", set_args, 1000, fo_wall_at(1061),
	    msg, sizeof(msg)), FO_ERR_RANGE);
	ck_assert_msg(strncmp(msg, "time: 61 s away", 15) == 0, "%s", msg);
	ck_assert_int_eq(check_signed(eng, &set900, "s3cret", set_args, 1000, fo_wall_at(939),
	    msg, sizeof(msg)), FO_ERR_RANGE);
	/* failover-remove signed as such: accepted; a bad digest, or one made for another
	 * command (the command is in the digest): refused */
	ck_assert_int_eq(check_signed(eng, &(fo_admin_req){ FO_ADMIN_REMOVE, "r1", NULL, 0, NULL,
	    0, NULL, 0, false }, "s3cret", set_args, 1000, fo_wall_at(1001), msg, sizeof(msg)), FO_OK);
	ck_assert_int_eq(fo_engine_both_check(eng, &(fo_admin_req){ FO_ADMIN_REMOVE, "r1", NULL,
	    0, NULL, 0, NULL, 0, false }, "{\"time\":1000,\"digest\":\"00\"}", fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_PROTO);
	{
		char *body = NULL, sent[2048];

		ck_assert_int_eq(fo_signed_request("s3cret", "failover-set", set_args,
		    fo_wall_at(1000), &body, msg, sizeof(msg)), FO_OK);
		sent_args(body, 0, sent, sizeof(sent));
		free(body);
		ck_assert_int_eq(fo_engine_both_check(eng, &(fo_admin_req){ FO_ADMIN_SCOPE_ADD, "r1",
		    NULL, 0, NULL, 0, NULL, 0, false }, sent, fo_wall_at(1001), msg, sizeof(msg)),
		    FO_ERR_PROTO);
	}
	/* the check changed nothing */
	ck_assert_uint_eq(mclt_of(eng, "r1"), FO_DEFAULT_MCLT);
	/* failover-add: checked with the secret it adds */
	ck_assert_msg(check_signed(eng, &add, "r2-secret", add_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(check_signed(eng, &add, "s3cret", add_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_PROTO);
	ck_assert_int_eq(check_signed(eng, &add, NULL, add_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_PROTO);
	ck_assert_ptr_null(fo_relationship_set_find(fo_engine_set_of(eng), "r2"));
	/* unknown relationship: the change itself answers */
	ck_assert_int_eq(check_signed(eng, &(fo_admin_req){ FO_ADMIN_SET, "nope", mclt900, 1, NULL,
	    0, NULL, 0, false }, NULL, set_args, 1000, fo_wall_at(1001), msg, sizeof(msg)), FO_OK);
	ck_assert_int_eq(fo_engine_both_check(NULL, &set900, "{}", NOW, msg, sizeof(msg)),
	    FO_ERR_INVAL);
	/* without enable-auth: the time alone does */
	snprintf(keep, sizeof(keep), "%s", dir);
	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%.200s/plain", keep), (int)sizeof(dir));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	plain = engine_at(0);
	snprintf(dir, sizeof(dir), "%s", keep);
	ck_assert_int_eq(check_signed(plain, &set900, NULL, set_args, 1000, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_OK);
	fo_engine_destroy(plain);
	fo_engine_destroy(eng);
}
END_TEST

/* path (under dir) exists. */
static bool
there(const char *path)
{
	char p[512];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, path);
	return stat(p, &sb) == 0;
}

START_TEST(remove_undo_takes_the_state_back)
{
	static const char *const body[] = { NULL, "[{\"result\":0,\"text\":\"added again\"}]" };
	static const fo_kv r1[] = { { "name", "\"r1\"" }, { "partner-server", "\"10.9.0.2\"" },
		{ "local-address", "\"10.9.0.1\"" }, { "server-type", "\"primary\"" },
		{ "load-balance-percent", "60" }, { "scope-id", "[\"10.0.0.0\"]" } };
	fo_admin_req add = { FO_ADMIN_ADD, NULL, r1, 6, NULL, 0, NULL, 0, true };
	const fo_admin_req rm = { FO_ADMIN_REMOVE, "r1", NULL, 0, NULL, 0, NULL, 0, false };
	char msg[1024], mark[512];
	fo_engine *eng;
	FILE *f;
	run r;

	/* the undo of a remove the partner made asks it to take its state back */
	run_start(&r, body, 2, true, &rm);
	run_end(&r);
	ck_assert_msg(strstr(r.text, "it had made the change and undid it") != NULL, "%s", r.text);
	ck_assert_ptr_nonnull(strstr(r.s.request, "\"command\":\"failover-add\""));
	ck_assert_ptr_nonnull(strstr(r.s.request, ",\"local-only\":true,\"restore-state\":true}"));
	run_free(&r);
	/* the partner: its state set aside by the remove is taken back by that add */
	eng = engine_at(0);
	ck_assert(there("r1"));
	snprintf(mark, sizeof(mark), "%s/r1/mark", dir);
	ck_assert_ptr_nonnull(f = fopen(mark, "w"));
	fclose(f);
	/* (the operator's removal, forced: the state it sets aside is what is tested) */
	ck_assert_msg(fo_engine_admin(eng, &rm, true, fo_wall_at(1010), msg, sizeof(msg)) == FO_OK,
	    "%s", msg);
	ck_assert(!there("r1") && there("r1.removed-1010"));
	ck_assert_msg(fo_engine_admin(eng, &add, false, fo_wall_at(1020), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert(there("r1/mark") && !there("r1.removed-1010"));
	/* not without restore-state: a new relationship starts afresh */
	ck_assert_int_eq(fo_engine_admin(eng, &rm, true, fo_wall_at(1030), msg, sizeof(msg)),
	    FO_OK);
	add.restore_state = false;
	ck_assert_int_eq(fo_engine_admin(eng, &add, false, fo_wall_at(1031), msg, sizeof(msg)),
	    FO_OK);
	ck_assert(!there("r1/mark") && there("r1.removed-1030/mark"));
	/* nor from a removal more than FO_ADMIN_RESTORE_WINDOW s old */
	ck_assert_int_eq(fo_engine_admin(eng, &rm, true, fo_wall_at(1040), msg, sizeof(msg)),
	    FO_OK);
	add.restore_state = true;
	ck_assert_int_eq(fo_engine_admin(eng, &add, false, fo_wall_at(1040 +
	    FO_ADMIN_RESTORE_WINDOW + 1), msg, sizeof(msg)), FO_OK);
	ck_assert(there("r1.removed-1030/mark") && there("r1.removed-1040"));
	ck_assert(!there("r1/mark"));
	fo_engine_destroy(eng);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("both");
	TCase *tc = tcase_create("both");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, set_on_both);
	tcase_add_test(tc, refused_changes_nothing);
	tcase_add_test(tc, not_sent_changes_nothing);
	tcase_add_test(tc, no_answer_then_undo);
	tcase_add_test(tc, local_failure_is_undone);
	tcase_add_test(tc, one_at_a_time_and_here_only);
	tcase_add_test(tc, signed_with_the_partners_secret);
	tcase_add_test(tc, partner_checks_the_digest);
	tcase_add_test(tc, remove_undo_takes_the_state_back);
	suite_add_tcase(s, tc);
	return fo_check_run(s);
}
