/*
 * check_alloc.c - allocation failures (fo_alloc_fail_after) walked through
 * a scope's open with its journal replay, a burst of binding updates from
 * the partner, the engine's create and attach, failover-get (a page of
 * bindings) and failover-replicate's requests: every failure is an error
 * status, never a crash, never a half-applied binding, in memory or on disk.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_engine.h"
#include "fo_replicate.h"
#include "fo_scope.h"
#include "fo_store.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)((a) << 24 | (b) << 16 | (c) << 8 | (d)))
#define FIRST IP(10, 0, 0, 10)
#define LAST IP(10, 0, 0, 200)
#define N_ADDR (LAST - FIRST + 1)
#define T0 1700000000
#define BURST 24

static const fo_pool_range pool = { FIRST, LAST };
static const fo_subnet subnet = { .subnet_id = 7, .prefix = IP(10, 0, 0, 0), .plen = 24,
    .pools = &pool, .n_pools = 1 };
static char dir[64], base_path[128], path[128];
static fo_counters ctr;
static char err[1024];

static fo_status
scope_open(fo_scope **s, const char *p)
{
	fo_scope_config cfg = { .scope_id = IP(10, 0, 0, 0), .subnet = &subnet,
	    .journal_path = p, .secondary_percent = 50, .rel_name = "r1", .counters = &ctr };

	return fo_scope_open(s, &cfg, fo_wall_at(T0), NULL, err, sizeof(err));
}

/* A client whose identity is too long for a slot: its bytes go to the table's arena. */
static void
client(uint32_t k, fo_client_id *c)
{
	memset(c, 0, sizeof(*c));
	c->htype = 1;
	c->hlen = 6;
	c->hw[0] = 0x52;
	c->hw[5] = (uint8_t)k;
	c->hw[4] = (uint8_t)(k >> 8);
	c->cidlen = (uint8_t)(8 + k % 40);
	for (unsigned i = 0; i < c->cidlen; i++)
		c->cid[i] = (uint8_t)(k * 31 + i);
}

static bool
info_eq(const fo_binding_info *a, const fo_binding_info *b)
{
	return a->state == b->state && a->expiry == b->expiry && a->pexp_sent == b->pexp_sent &&
	    a->pexp_acked == b->pexp_acked && a->cltt == b->cltt && a->stos == b->stos &&
	    a->flags == b->flags && a->client.htype == b->client.htype &&
	    a->client.hlen == b->client.hlen && a->client.cidlen == b->client.cidlen &&
	    memcmp(a->client.hw, b->client.hw, a->client.hlen) == 0 &&
	    memcmp(a->client.cid, b->client.cid, a->client.cidlen) == 0;
}

static void
file_copy(const char *from, const char *to)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	ck_assert_int_eq(stat(from, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	fd = open(from, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	ck_assert_int_eq(write(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	free(buf);
}

/* Every binding of the scope. */
static void
snapshot(fo_scope *s, fo_binding_info *out)
{
	for (uint32_t i = 0; i < N_ADDR; i++)
		ck_assert_int_eq(fo_scope_get(s, FIRST + i, &out[i]), FO_OK);
}

/*
 * The base journal: the split written by a first open, then 60 ACTIVE
 * bindings of distinct clients appended (so the replay stores identities).
 */
static void
setup(void)
{
	fo_journal *j;
	fo_binding_info b;
	fo_scope *s;

	snprintf(dir, sizeof(dir), "/tmp/check_alloc.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(base_path, sizeof(base_path), "%s/base/scope-10.0.0.0.jnl", dir);
	snprintf(path, sizeof(path), "%s/base/work.jnl", dir);
	fo_alloc_fail_after(-1);
	ck_assert_msg(scope_open(&s, base_path) == FO_OK, "%s", err);
	fo_scope_close(s);
	ck_assert_int_eq(fo_journal_open(&j, base_path, NULL, NULL, NULL, NULL, err,
	    sizeof(err)), FO_OK);
	for (uint32_t k = 0; k < 60; k++) {
		memset(&b, 0, sizeof(b));
		b.state = FO_BS_ACTIVE;
		b.expiry = T0 + 3600;
		b.cltt = b.stos = T0 - 10;
		b.pexp_sent = b.pexp_acked = T0 + 5400;
		client(k, &b.client);
		ck_assert_int_eq(fo_journal_append(j, FIRST + 3 * k, &b), FO_OK);
	}
	fo_journal_close(j);
}

static void
teardown(void)
{
	fo_alloc_fail_after(-1);
	rm_tree(dir);
}

/* Open and replay with the nth allocation failing, n = 0, 1, 2, ... */
START_TEST(alloc_fail_scope_open)
{
	static fo_binding_info want[N_ADDR], got[N_ADDR];
	size_t failures = 0;
	fo_scope *s = NULL;
	fo_status st;
	long n;

	file_copy(base_path, path);
	ck_assert_msg(scope_open(&s, path) == FO_OK, "%s", err);
	snapshot(s, want);
	fo_scope_close(s);
	for (n = 0;; n++) {
		file_copy(base_path, path);
		fo_alloc_fail_after(n);
		st = scope_open(&s, path);
		fo_alloc_fail_after(-1);
		if (!fo_alloc_failed()) {
			ck_assert_int_eq(st, FO_OK);
			fo_scope_close(s);
			break;
		}
		failures++;
		if (st == FO_OK) {              /* the failure was absorbed: all there */
			snapshot(s, got);
			for (uint32_t i = 0; i < N_ADDR; i++)
				ck_assert_msg(info_eq(&got[i], &want[i]), "n %ld address %u", n, i);
			fo_scope_close(s);
		} else {
			ck_assert_ptr_null(s);
			ck_assert_msg(st == FO_ERR_NOMEM, "n %ld: %s (%s)", n, fo_status_name(st),
			    err);
		}
		/* The journal on disk is whole. */
		ck_assert_msg(scope_open(&s, path) == FO_OK, "n %ld: %s", n, err);
		snapshot(s, got);
		for (uint32_t i = 0; i < N_ADDR; i++)
			ck_assert_msg(info_eq(&got[i], &want[i]), "n %ld address %u", n, i);
		fo_scope_close(s);
	}
	ck_assert_uint_ge(failures, 10);
}
END_TEST

/* The partner's update k: a new client on address FIRST + 1 + 7k. */
static void
update(uint32_t k, fo_ip4 *addr, fo_binding_info *in)
{
	*addr = FIRST + 1 + 7 * k;
	memset(in, 0, sizeof(*in));
	in->state = FO_BS_ACTIVE;
	in->expiry = T0 + 1800;
	in->pexp_sent = T0 + 2700;
	in->cltt = in->stos = T0 + 5;
	client(1000 + k, &in->client);
}

/* A burst of BNDUPDs with the nth allocation failing, n = 0, 1, 2, ... */
START_TEST(alloc_fail_update_burst)
{
	static fo_binding_info ref[BURST], before[BURST], after[BURST], mem[N_ADDR], disk[N_ADDR];
	unsigned rc_ref[BURST], rc;
	size_t failures = 0, refused = 0;
	fo_binding_info in;
	fo_scope *s;
	fo_ip4 a;
	long n;

	file_copy(base_path, path);
	ck_assert_msg(scope_open(&s, path) == FO_OK, "%s", err);
	for (uint32_t k = 0; k < BURST; k++) {
		update(k, &a, &in);
		rc_ref[k] = fo_scope_receive(s, a, &in, FO_SECONDARY, 0, fo_wall_at(T0 + 6), NULL);
		ck_assert_int_eq(fo_scope_get(s, a, &ref[k]), FO_OK);
	}
	fo_scope_close(s);
	for (n = 0;; n++) {
		file_copy(base_path, path);
		ck_assert_msg(scope_open(&s, path) == FO_OK, "%s", err);
		fo_alloc_fail_after(n);
		for (uint32_t k = 0; k < BURST; k++) {
			update(k, &a, &in);
			ck_assert_int_eq(fo_scope_get(s, a, &before[k]), FO_OK);
			rc = fo_scope_receive(s, a, &in, FO_SECONDARY, 0, fo_wall_at(T0 + 6), NULL);
			ck_assert_int_eq(fo_scope_get(s, a, &after[k]), FO_OK);
			if (rc == rc_ref[k] && info_eq(&after[k], &ref[k]))
				continue;       /* as without the failure */
			/* Refused, with an error, and nothing of it applied. */
			ck_assert_msg(rc != 0, "n %ld update %u: no error", n, k);
			ck_assert_msg(info_eq(&after[k], &before[k]), "n %ld update %u: half-applied",
			    n, k);
			refused++;
		}
		fo_alloc_fail_after(-1);
		/* What memory holds, the journal holds. */
		snapshot(s, mem);
		fo_scope_close(s);
		ck_assert_msg(scope_open(&s, path) == FO_OK, "%s", err);
		snapshot(s, disk);
		fo_scope_close(s);
		for (uint32_t i = 0; i < N_ADDR; i++)
			ck_assert_msg(info_eq(&mem[i], &disk[i]), "n %ld address %u", n, i);
		if (!fo_alloc_failed())
			break;
		failures++;
	}
	ck_assert_uint_ge(failures, 2);
	ck_assert_uint_ge(refused, 1);
}
END_TEST

/* ---- The engine: create, attach, failover-get, failover-replicate ---- */

#define SECRET "alloc-secret"
#define E_CLIENTS 60

static char ebase[128], ework[128];
static fo_binding_info eref[N_ADDR];

static void
quiet(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	(void)ctx;
	(void)id;
	(void)args;
	(void)nargs;
}

static const fo_host ehost = { .log = quiet };

/* Copy a state directory (a relationship's subdirectory of files). */
static void
tree_copy(const char *from, const char *to)
{
	char a[512], b[512];
	struct dirent *e;
	struct stat st;
	DIR *d;

	ck_assert_int_eq(mkdir(to, 0750), 0);
	ck_assert_ptr_nonnull(d = opendir(from));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		ck_assert_int_eq(lstat(a, &st), 0);
		if (S_ISDIR(st.st_mode))
			tree_copy(a, b);
		else
			file_copy(a, b);
	}
	closedir(d);
}

static fo_status
engine_create(fo_engine **eng, const char *sdir)
{
	char params[1024];

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": \"192.0.2.1\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"], \"enable-auth\": true,"
	    " \"shared-secret\": \"" SECRET "\"}]}", sdir);
	*eng = NULL;
	return fo_engine_create(eng, params, &ehost, err, sizeof(err));
}

static fo_status
engine_attach(fo_engine *eng)
{
	return fo_engine_attach(eng, &subnet, 1, fo_wall_at(T0), err, sizeof(err));
}

/* A created and attached engine over the state directory sdir. */
static fo_engine *
engine_up(const char *sdir)
{
	fo_engine *eng;

	fo_alloc_fail_after(-1);
	ck_assert_msg(engine_create(&eng, sdir) == FO_OK, "%s", err);
	ck_assert_msg(engine_attach(eng) == FO_OK, "%s", err);
	fo_engine_enable_test_seam(eng);
	return eng;
}

/* The engine's bindings are eref's. */
static void
engine_check(fo_engine *eng, long n)
{
	fo_binding_info b;

	for (uint32_t i = 0; i < N_ADDR; i++) {
		ck_assert_int_eq(fo_engine_get_binding(eng, subnet.subnet_id, FIRST + i, &b), FO_OK);
		ck_assert_msg(info_eq(&b, &eref[i]), "n %ld address %u", n, i);
	}
}

/*
 * The base state directory: E_CLIENTS leases through the packet path (every
 * other client with a DUID client-id), stopped cleanly; eref: its bindings.
 */
static void
engine_setup(void)
{
	fo_engine *eng;

	snprintf(ebase, sizeof(ebase), "%s/ebase", dir);
	snprintf(ework, sizeof(ework), "%s/ework", dir);
	ck_assert_int_eq(mkdir(ebase, 0750), 0);
	eng = engine_up(ebase);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	for (uint32_t k = 0; k < E_CLIENTS; k++) {
		fo_client_id c;
		fo_lease l = { .subnet_id = subnet.subnet_id, .addr = FIRST + k, .valid_lft = 3600 };

		client(k, &c);
		l.client = (fo_client_ref){ .chaddr = c.hw, .hlen = c.hlen, .htype = c.htype,
		    .cid = k % 2 ? c.cid : NULL, .cid_len = k % 2 ? c.cidlen : 0 };
		if (fo_engine_lease_select(eng, &l, fo_wall_at(T0)) != FO_V_REFUSE)
			fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	}
	fo_engine_shutdown(eng, fo_wall_at(T0));
	fo_engine_destroy(eng);
	tree_copy(ebase, ework);
	eng = engine_up(ework);
	for (uint32_t i = 0; i < N_ADDR; i++)
		ck_assert_int_eq(fo_engine_get_binding(eng, subnet.subnet_id, FIRST + i, &eref[i]),
		    FO_OK);
	fo_engine_destroy(eng);
	rm_tree(ework);
}

/* After an attach that met a failure: every scope open and whole, or closed. */
static void
engine_after_failed_attach(fo_engine *eng, fo_status st, long n)
{
	static const uint8_t mac[6] = { 0x52, 0, 0, 0, 0, 1 };
	fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
	fo_binding_info b;

	fo_attach_note note = { FO_NOTE_SCOPE_CLOSED, "" };
	fo_status got;

	ck_assert_msg(st == FO_OK || st == FO_ERR_NOMEM, "n %ld: %s (%s)", n, fo_status_name(st),
	    err);
	got = fo_engine_get_binding(eng, subnet.subnet_id, FIRST, &b);
	if (st != FO_OK || got == FO_ERR_NOTFOUND) {
		/* Closed: it answers no client. */
		(void)fo_engine_attach_notes(eng, &note, 1);
		ck_assert_msg(fo_engine_query(eng, subnet.subnet_id, FO_MSG_DISCOVER, 0, &c,
		    fo_wall_at(T0)) == FO_V_DROP, "n %ld: attach %s, binding %s, %s: answered",
		    n, fo_status_name(st), fo_status_name(got), note.text);
	} else {
		engine_check(eng, n);
	}
	/* An attach without failure (Kea's next config-reload) opens it whole. */
	fo_engine_enable_test_seam(eng);
	ck_assert_msg(engine_attach(eng) == FO_OK, "n %ld: %s", n, err);
	engine_check(eng, n);
}

/* Create and attach with the nth allocation failing, n = 0, 1, 2, ... */
START_TEST(alloc_fail_engine_create_attach)
{
	size_t create_failures = 0, attach_failures = 0;
	fo_engine *eng;
	fo_status st;
	long n;

	engine_setup();
	for (n = 0;; n++) {
		tree_copy(ebase, ework);
		fo_alloc_fail_after(n);
		st = engine_create(&eng, ework);
		if (st != FO_OK) {
			fo_alloc_fail_after(-1);
			ck_assert(fo_alloc_failed());
			ck_assert_ptr_null(eng);
			ck_assert_msg(st == FO_ERR_NOMEM, "n %ld: %s (%s)", n, fo_status_name(st), err);
			create_failures++;
		} else {
			st = engine_attach(eng);
			fo_alloc_fail_after(-1);
			if (!fo_alloc_failed()) {
				ck_assert_msg(st == FO_OK, "%s", err);
				engine_check(eng, n);
				fo_engine_destroy(eng);
				break;
			}
			engine_after_failed_attach(eng, st, n);
			fo_engine_destroy(eng);
			attach_failures++;
		}
		/* What is on disk is whole. */
		eng = engine_up(ework);
		engine_check(eng, n);
		fo_engine_destroy(eng);
		rm_tree(ework);
	}
	ck_assert_uint_ge(create_failures, 5);
	ck_assert_uint_ge(attach_failures, 25);
}
END_TEST

/* failover-get: the status, and a page of 40 bindings. */
static fo_status
get_status(fo_engine *eng, char **out)
{
	return fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), out, err, sizeof(err));
}

static fo_status
get_page(fo_engine *eng, char **out)
{
	size_t count;
	fo_ip4 next;

	return fo_engine_get_page_json(eng, "r1", 0, 0, 40, fo_wall_at(T0), out, &count, &next,
	    err, sizeof(err));
}

/*
 * A call answering text (failover-get, failover-replicate's request) with the
 * nth allocation failing, n = 0, 1, ...: how many failed (with no answer).
 */
static size_t
text_walk(fo_engine *eng, fo_status (*get)(fo_engine *, char **))
{
	size_t failures = 0;
	char *ref, *out;
	fo_status st;

	ck_assert_msg(get(eng, &ref) == FO_OK, "%s", err);
	for (long n = 0;; n++) {
		out = NULL;
		fo_alloc_fail_after(n);
		st = get(eng, &out);
		fo_alloc_fail_after(-1);
		if (!fo_alloc_failed())
			break;
		ck_assert_msg(st == FO_ERR_NOMEM && out == NULL, "n %ld: %s", n, fo_status_name(st));
		failures++;
	}
	ck_assert_int_eq(st, FO_OK);
	ck_assert_str_eq(out, ref);
	fo_free(out);
	fo_free(ref);
	return failures;
}

START_TEST(alloc_fail_failover_get)
{
	size_t failures;
	fo_engine *eng;

	engine_setup();
	tree_copy(ebase, ework);
	eng = engine_up(ework);
	failures = text_walk(eng, get_status);
	failures += text_walk(eng, get_page);
	/* The scope's lock was released every time, the table untouched. */
	engine_check(eng, -1);
	fo_engine_destroy(eng);
	ck_assert_uint_ge(failures, 10);
}
END_TEST

/* failover-replicate's signed request (no engine needed). */
static fo_status
replicate_request(fo_engine *eng, char **out)
{
	static const char args[] = "{\"name\": \"r1\", \"scope-id\": [\"10.0.0.0\"], \"mclt\": 60}";

	(void)eng;
	return fo_signed_request(SECRET, "failover-set", args, fo_wall_at(T0), out, err,
	    sizeof(err));
}

/* failover-replicate's signed request and its check, with the nth allocation failing. */
START_TEST(alloc_fail_replicate)
{
	char hex[FO_SIGNED_DIGEST_HEX + 1], signed_args[256];
	size_t failures;
	fo_engine *eng;
	fo_status st;

	failures = text_walk(NULL, replicate_request);
	/* The receiving side: a failure never lets a request through. */
	ck_assert_int_eq(fo_signed_digest(SECRET, "failover-set",
	    "{\"name\": \"r1\", \"time\": 1700000000}", hex, err, sizeof(err)), FO_OK);
	snprintf(signed_args, sizeof(signed_args),
	    "{\"name\": \"r1\", \"time\": 1700000000, \"digest\": \"%s\"}", hex);
	engine_setup();
	tree_copy(ebase, ework);
	eng = engine_up(ework);
	for (long n = 0;; n++) {
		fo_alloc_fail_after(n);
		st = fo_engine_replicate_check(eng, "r1", "failover-set", signed_args,
		    fo_wall_at(T0), err, sizeof(err));
		fo_alloc_fail_after(-1);
		if (!fo_alloc_failed())
			break;
		ck_assert_msg(st == FO_ERR_NOMEM, "n %ld: %s (%s)", n, fo_status_name(st), err);
		failures++;
	}
	ck_assert_msg(st == FO_OK, "%s", err);
	fo_engine_destroy(eng);
	ck_assert_uint_ge(failures, 30);
}
END_TEST

/* The hook itself: the (n+1)th allocation fails, once; -1 cancels. */
START_TEST(alloc_fail_after_counts)
{
	void *p[4];

	fo_alloc_fail_after(2);
	ck_assert(!fo_alloc_failed());
	p[0] = fo_malloc(8);
	p[1] = fo_calloc(2, 8);
	p[2] = fo_malloc(8);
	p[3] = fo_realloc(p[0], 64);
	ck_assert_ptr_nonnull(p[0]);
	ck_assert_ptr_nonnull(p[1]);
	ck_assert_ptr_null(p[2]);
	ck_assert(fo_alloc_failed());
	ck_assert_ptr_nonnull(p[3]);
	fo_free(p[1]);
	fo_free(p[3]);
	fo_alloc_fail_after(0);
	ck_assert_ptr_null(fo_realloc(NULL, 8));
	fo_alloc_fail_after(-1);
	p[0] = fo_malloc(1);
	ck_assert_ptr_nonnull(p[0]);
	ck_assert(fo_alloc_failed());       /* cancelling keeps the report */
	fo_free(p[0]);
	fo_alloc_fail_after(5);
	ck_assert(!fo_alloc_failed());
	fo_alloc_fail_after(-1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("fail");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, alloc_fail_after_counts);
	tcase_add_test(tc, alloc_fail_scope_open);
	tcase_add_test(tc, alloc_fail_update_burst);
	tcase_add_test(tc, alloc_fail_engine_create_attach);
	tcase_add_test(tc, alloc_fail_failover_get);
	tcase_add_test(tc, alloc_fail_replicate);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
