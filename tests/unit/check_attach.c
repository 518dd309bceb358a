/*
 * check_attach.c - failing closed per scope (issue 10): fo_engine_attach
 * with one damaged scope leaves the others serving and the damaged one
 * answering no client; the engine before (or without) an attach drops the
 * queries it cannot place.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fo_engine.h"
#include "fo_log.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define T0 1795244400           /* 2026-11-21T07:00:00Z */

/* r1: scopes 10.0.0.0 (subnet 7) and 10.1.0.0 (subnet 8); r2: 10.2.0.0 (subnet 9). */
#define SN_A 7
#define SN_B 8
#define SN_C 9

static char dir[256];
static char logbuf[65536];

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

/* Kea's leases (fo_host.kea_leases): n_kea leases of subnet A, 10.0.0.50 and up. */
static size_t n_kea;

static void
kea_leases(void *ctx, uint32_t subnet_id, void (*fn)(void *, const fo_lease *, bool), void *arg)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 3, 0 };

	(void)ctx;
	for (size_t i = 0; subnet_id == SN_A && i < n_kea; i++) {
		fo_lease l = { .subnet_id = SN_A, .addr = IP(10, 0, 0, 50) + (fo_ip4)i,
		    .valid_lft = 3600, .cltt = fo_wall_at(T0 - 60) };

		l.client.chaddr = mac;
		l.client.hlen = 6;
		l.client.htype = 1;
		fn(arg, &l, false);
	}
}

static const fo_host host = { .log = capture, .kea_leases = kea_leases };

static const fo_pool_range pool_a = { IP(10, 0, 0, 10), IP(10, 0, 0, 209) };
static const fo_pool_range pool_b = { IP(10, 1, 0, 10), IP(10, 1, 0, 209) };
static const fo_pool_range pool_c = { IP(10, 2, 0, 10), IP(10, 2, 0, 209) };

static void
setup(void)
{
	n_kea = 0;
	snprintf(dir, sizeof(dir), "/tmp/check_attach.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	logbuf[0] = '\0';
}

static void
teardown(void)
{
	rm_tree(dir);
}

static fo_engine *
make(void)
{
	char params[2048], err[512] = "";
	fo_engine *eng = NULL;

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": \"192.0.2.1\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\", \"10.1.0.0\"]},"
	    "{\"name\": \"r2\", \"partner-server\": \"192.0.2.3\", \"local-address\": \"192.0.2.1\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.2.0.0\"]}]}", dir);
	ck_assert_msg(fo_engine_create(&eng, params, &host, err, sizeof(err)) == FO_OK, "%s", err);
	fo_engine_enable_test_seam(eng);
	return eng;
}

/* Attach with the subnets of the scopes whose bit is set in `which` (1: A, 2: B, 4: C). */
static void
attach(fo_engine *eng, unsigned which)
{
	fo_subnet all[3] = {
		{ .subnet_id = SN_A, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool_a,
		    .n_pools = 1 },
		{ .subnet_id = SN_B, .prefix = IP(10, 1, 0, 0), .plen = 24, .pools = &pool_b,
		    .n_pools = 1 },
		{ .subnet_id = SN_C, .prefix = IP(10, 2, 0, 0), .plen = 24, .pools = &pool_c,
		    .n_pools = 1 },
	};
	fo_subnet sn[3];
	size_t n = 0;
	char err[512] = "";

	for (unsigned i = 0; i < 3; i++)
		if (which & (1u << i))
			sn[n++] = all[i];
	ck_assert_msg(fo_engine_attach(eng, sn, n, fo_wall_at(T0), err, sizeof(err)) == FO_OK,
	    "attach: %s", err);
}

static void
normal(fo_engine *eng, const char *rel)
{
	ck_assert_int_eq(fo_engine_test_set_state(eng, rel, FO_STATE_NORMAL,
	    FO_STATE_COMM_INTERRUPTED, fo_wall_at(T0), NULL, 0), FO_OK);
}

/* A first run: journals and state files written, stopped cleanly. */
static void
first_run(void)
{
	fo_engine *eng = make();

	attach(eng, 7);
	normal(eng, "r1");
	normal(eng, "r2");
	fo_engine_shutdown(eng, fo_wall_at(T0));
	fo_engine_destroy(eng);
}

static void
journal_of(const char *rel, const char *scope, char *out, size_t len)
{
	snprintf(out, len, "%s/%s/scope-%s.jnl", dir, rel, scope);
}

/*
 * Overwrite `n` bytes at the middle of a file (from byte 1024 when `early`)
 * with `byte`, or flip one when n is 0; records follow the damage.
 */
static void
damage(const char *path, size_t n, int byte, bool early)
{
	struct stat sb;
	int fd = open(path, O_RDWR);
	unsigned char c;
	off_t mid;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	mid = early ? 1024 : sb.st_size / 2;
	ck_assert_int_lt(mid + (off_t)n + 64, sb.st_size);
	if (n == 0) {
		ck_assert_int_eq(pread(fd, &c, 1, mid), 1);
		c ^= 0x5a;
		ck_assert_int_eq(pwrite(fd, &c, 1, mid), 1);
	}
	for (size_t i = 0; i < n; i++) {
		c = (unsigned char)byte;
		ck_assert_int_eq(pwrite(fd, &c, 1, mid + (off_t)i), 1);
	}
	close(fd);
}

static fo_verdict
query(fo_engine *eng, uint32_t subnet, uint8_t last)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 1, last };
	fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };

	return fo_engine_query(eng, subnet, FO_MSG_REQUEST_RENEW, 0, &c, fo_wall_at(T0 + 1));
}

static fo_verdict
select_in(fo_engine *eng, uint32_t subnet, fo_ip4 addr, bool renew)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 2, 1 };
	fo_lease l = { .subnet_id = subnet, .addr = addr, .valid_lft = 3600, .fake = false };

	l.client.chaddr = mac;
	l.client.hlen = 6;
	l.client.htype = 1;
	return renew ? fo_engine_lease_renew(eng, &l, fo_wall_at(T0 + 1)) :
	    fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 1));
}

static char *
get_json(fo_engine *eng, const char *rel)
{
	char *js = NULL, err[256] = "";

	ck_assert_int_eq(fo_engine_get_json(eng, rel, 0, false, fo_wall_at(T0 + 1), &js, err,
	    sizeof(err)), FO_OK);
	return js;
}

/* The scope with subnet A closed: it drops and refuses, the others serve. */
static void
assert_a_closed_others_serve(fo_engine *eng)
{
	char *js;
	fo_binding_info b;

	normal(eng, "r1");
	normal(eng, "r2");
	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_DROP);
	ck_assert_int_eq(query(eng, SN_A, 2), FO_V_DROP);
	ck_assert_int_eq(select_in(eng, SN_A, IP(10, 0, 0, 10), false), FO_V_REFUSE);
	ck_assert_int_eq(select_in(eng, SN_A, IP(10, 0, 0, 10), true), FO_V_REFUSE);
	ck_assert_int_eq(fo_engine_get_binding(eng, SN_A, IP(10, 0, 0, 10), &b), FO_ERR_NOTFOUND);
	/* The other scope of the same relationship, and the other relationship, serve. */
	ck_assert_int_eq(query(eng, SN_B, 1), FO_V_PASS);
	ck_assert_int_eq(query(eng, SN_C, 1), FO_V_PASS);
	ck_assert_int_ne(select_in(eng, SN_B, IP(10, 1, 0, 10), false), FO_V_REFUSE);
	ck_assert_int_ne(select_in(eng, SN_C, IP(10, 2, 0, 11), false), FO_V_REFUSE);
	ck_assert_int_eq(fo_engine_get_binding(eng, SN_B, IP(10, 1, 0, 10), &b), FO_OK);
	/* Not a failover subnet: untouched. */
	ck_assert_int_eq(query(eng, 99, 1), FO_V_PASS);
	js = get_json(eng, "r1");
	ck_assert_ptr_nonnull(strstr(js, "{\"scope-id\":\"10.0.0.0\",\"closed\":true,"
	    "\"closed-reason\":"));
	ck_assert_ptr_nonnull(strstr(js, "\"scope-id\":\"10.1.0.0\",\"total\":200"));
	ck_assert_ptr_nonnull(strstr(js, "\"queries-dropped-scope-closed\":\"2\""));
	free(js);
	js = get_json(eng, "r2");
	ck_assert_ptr_null(strstr(js, "\"closed\""));
	ck_assert_ptr_nonnull(strstr(js, "\"queries-dropped-scope-closed\":\"0\""));
	free(js);
}

static const char *
the_note(fo_engine *eng, fo_attach_note_kind kind)
{
	fo_attach_note n[4];
	size_t c = fo_engine_attach_notes(eng, n, 4);

	ck_assert_uint_eq(c, 1);
	ck_assert_int_eq(n[0].kind, kind);
	return n[0].text;
}

START_TEST(flipped_byte_closes_that_scope_only)
{
	char path[512];
	fo_engine *eng;
	const char *t;

	first_run();
	journal_of("r1", "10.0.0.0", path, sizeof(path));
	damage(path, 0, 0, false);
	eng = make();
	attach(eng, 7);
	t = the_note(eng, FO_NOTE_SCOPE_CLOSED);
	ck_assert_msg(strstr(t, "relationship r1: scope 10.0.0.0 (subnet 7) is closed, it answers "
	    "no client: ") != NULL, "%s", t);
	ck_assert_msg(strstr(t, path) != NULL, "%s", t);
	ck_assert_msg(strstr(t, "move the damaged journal aside and restart") != NULL, "%s", t);
	assert_a_closed_others_serve(eng);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(zeroed_and_garbage_close_that_scope_only)
{
	char path[512];

	for (int garbage = 0; garbage <= 1; garbage++) {
		fo_engine *eng;

		rm_tree(dir);
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		first_run();
		journal_of("r1", "10.0.0.0", path, sizeof(path));
		damage(path, garbage ? 777 : 4096, garbage ? 0xa5 : 0, !garbage);
		eng = make();
		attach(eng, 7);
		ck_assert_ptr_nonnull(strstr(the_note(eng, FO_NOTE_SCOPE_CLOSED), "scope 10.0.0.0"));
		assert_a_closed_others_serve(eng);
		fo_engine_destroy(eng);
	}
}
END_TEST

START_TEST(no_subnet_closes_that_scope_only)
{
	fo_engine *eng = make();
	const char *t;
	char *js;

	attach(eng, 6);         /* no subnet for 10.0.0.0 */
	t = the_note(eng, FO_NOTE_SCOPE_CLOSED);
	ck_assert_msg(strstr(t, "relationship r1: scope 10.0.0.0 is closed, it answers no client: "
	    "/kea-dhcp-failover:failover/relationships[name='r1']/scope-id[.='10.0.0.0']: no Kea "
	    "subnet4 has this network address") != NULL, "%s", t);
	normal(eng, "r1");
	ck_assert_int_eq(query(eng, SN_B, 1), FO_V_PASS);
	ck_assert_int_ne(select_in(eng, SN_B, IP(10, 1, 0, 10), false), FO_V_REFUSE);
	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_PASS);       /* not a Kea subnet of a scope */
	js = get_json(eng, "r1");
	ck_assert_ptr_nonnull(strstr(js, "{\"scope-id\":\"10.0.0.0\",\"closed\":true"));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

/* The journal is a directory: it cannot be opened (as an unreadable file would be). */
START_TEST(unopenable_journal_closes_that_scope_only)
{
	char path[512];
	fo_engine *eng;

	first_run();
	journal_of("r1", "10.0.0.0", path, sizeof(path));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	eng = make();
	attach(eng, 7);
	ck_assert_ptr_nonnull(strstr(the_note(eng, FO_NOTE_SCOPE_CLOSED), "scope 10.0.0.0"));
	assert_a_closed_others_serve(eng);
	fo_engine_destroy(eng);
}
END_TEST

/* r2's state cannot be saved (its state file is a directory): r2 closed, r1 serves. */
START_TEST(unsavable_state_closes_the_relationship)
{
	char path[512];
	fo_engine *eng = make();
	const char *t;
	char *js;

	snprintf(path, sizeof(path), "%s/r2", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/r2/state", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	attach(eng, 7);
	t = the_note(eng, FO_NOTE_SCOPE_CLOSED);
	ck_assert_msg(strstr(t, "relationship r2: scope 10.2.0.0 (subnet 9) is closed") != NULL,
	    "%s", t);
	ck_assert_msg(strstr(t, "writable by kea-dhcp4") != NULL, "%s", t);
	normal(eng, "r1");
	ck_assert_int_eq(query(eng, SN_C, 1), FO_V_DROP);
	ck_assert_int_eq(select_in(eng, SN_C, IP(10, 2, 0, 10), false), FO_V_REFUSE);
	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_PASS);
	ck_assert_int_eq(query(eng, SN_B, 1), FO_V_PASS);
	js = get_json(eng, "r2");
	ck_assert_ptr_nonnull(strstr(js, "{\"scope-id\":\"10.2.0.0\",\"closed\":true"));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

/* Repaired (the journal moved aside), a new attach opens the scope again. */
START_TEST(moved_aside_the_scope_opens_again)
{
	char path[512], aside[600];
	fo_engine *eng;

	first_run();
	journal_of("r1", "10.0.0.0", path, sizeof(path));
	damage(path, 0, 0, false);
	eng = make();
	attach(eng, 7);
	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_DROP);
	fo_engine_destroy(eng);
	snprintf(aside, sizeof(aside), "%s.damaged", path);
	ck_assert_int_eq(rename(path, aside), 0);
	eng = make();
	attach(eng, 7);
	ck_assert_int_eq(fo_engine_attach_notes(eng, NULL, 0) == 0 ||
	    fo_engine_attach_notes(eng, NULL, 0) == 1, 1);
	{
		fo_attach_note n[4];
		size_t c = fo_engine_attach_notes(eng, n, 4);

		for (size_t i = 0; i < c; i++)
			ck_assert_int_ne(n[i].kind, FO_NOTE_SCOPE_CLOSED);
	}
	ck_assert_int_ne(fo_engine_get_binding(eng, SN_A, IP(10, 0, 0, 10), &(fo_binding_info){ 0 }),
	    FO_ERR_NOTFOUND);
	fo_engine_destroy(eng);
}
END_TEST

/* Before any attach, a query the engine cannot place is dropped. */
START_TEST(not_attached_drops)
{
	fo_engine *eng = make();

	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_DROP);
	ck_assert_int_eq(query(eng, 99, 1), FO_V_DROP);
	ck_assert_int_eq(select_in(eng, SN_B, IP(10, 1, 0, 10), false), FO_V_REFUSE);
	attach(eng, 7);
	ck_assert_int_eq(query(eng, 99, 1), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

static void
saved_state_is(const char *rel, const char *want)
{
	char path[512], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/state", dir, rel);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "state ", 6) == 0)
			found = strncmp(line + 6, want, strlen(want)) == 0 && line[6 + strlen(want)] == '\n';
	fclose(f);
	ck_assert_msg(found, "saved state of %s is not %s", rel, want);
}

/* A zero-length journal, state Normal, Kea holds 5 leases: rebuilt, towards RECOVER. */
START_TEST(lost_bindings_rebuilt_from_kea_and_recover)
{
	char path[512];
	fo_engine *eng;
	fo_binding_info b;
	const char *t;

	first_run();
	journal_of("r1", "10.0.0.0", path, sizeof(path));
	ck_assert_int_eq(truncate(path, 0), 0);
	n_kea = 5;
	logbuf[0] = '\0';
	eng = make();
	attach(eng, 7);
	t = the_note(eng, FO_NOTE_BINDINGS_LOST);
	ck_assert_msg(strstr(t, "relationship r1: scope 10.0.0.0 (subnet 7): the journal") != NULL &&
	    strstr(t, "holds no binding, the saved state is Normal and Kea's lease database holds "
	    "5 lease(s) of the scope: its bindings were lost. 5 binding(s) rebuilt") != NULL &&
	    strstr(t, "UPDREQALL") != NULL, "%s", t);
	for (fo_ip4 a = IP(10, 0, 0, 50); a < IP(10, 0, 0, 55); a++) {
		ck_assert_int_eq(fo_engine_get_binding(eng, SN_A, a, &b), FO_OK);
		ck_assert_int_eq(b.state, FO_BS_ACTIVE);
		ck_assert_uint_eq(b.expiry, (uint32_t)(T0 - 60 + 3600));
		ck_assert_uint_eq(b.client.hlen, 6);
	}
	ck_assert_ptr_nonnull(strstr(logbuf, "bindings lost, recovering"));
	ck_assert_ptr_null(strstr(logbuf, "scope 10.0.0.0 (subnet 7): 200 pool addresses, free-mine "
	    "100, free-partner 95, active 5, bindings new"));
	ck_assert_ptr_null(strstr(logbuf, "bindings new"));
	saved_state_is("r1", "Recover");
	saved_state_is("r2", "Normal");
	/* Nothing is answered before the partner's bindings and MCLT. */
	ck_assert_int_eq(query(eng, SN_A, 1), FO_V_DROP);
	ck_assert_int_eq(query(eng, SN_B, 1), FO_V_DROP);
	fo_engine_destroy(eng);
	/* Restarted in Recover, a new engine stays on that path. */
	eng = make();
	attach(eng, 7);
	ck_assert_uint_eq(fo_engine_attach_notes(eng, NULL, 0), 0);
	saved_state_is("r1", "Recover");
	ck_assert_int_eq(fo_engine_get_binding(eng, SN_A, IP(10, 0, 0, 50), &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_ACTIVE);
	fo_engine_destroy(eng);
}
END_TEST

/* Header only, no Kea lease, state Normal: lost too; missing and no lease: a new scope. */
START_TEST(header_only_is_lost_missing_is_new)
{
	char path[512];
	fo_engine *eng;

	first_run();
	journal_of("r1", "10.0.0.0", path, sizeof(path));
	ck_assert_int_eq(truncate(path, 16), 0);
	eng = make();
	attach(eng, 7);
	ck_assert_ptr_nonnull(strstr(the_note(eng, FO_NOTE_BINDINGS_LOST), "holds no binding"));
	fo_engine_destroy(eng);
	saved_state_is("r1", "Recover");

	rm_tree(dir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	first_run();
	ck_assert_int_eq(unlink(path), 0);
	eng = make();
	attach(eng, 7);
	ck_assert_uint_eq(fo_engine_attach_notes(eng, NULL, 0), 0);
	fo_engine_destroy(eng);
	saved_state_is("r1", "Normal");
	/* Missing, but Kea holds leases of it: lost. */
	ck_assert_int_eq(unlink(path), 0);
	n_kea = 3;
	eng = make();
	attach(eng, 7);
	ck_assert_ptr_nonnull(strstr(the_note(eng, FO_NOTE_BINDINGS_LOST), "is missing"));
	fo_engine_destroy(eng);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("fail closed per scope");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, flipped_byte_closes_that_scope_only);
	tcase_add_test(tc, zeroed_and_garbage_close_that_scope_only);
	tcase_add_test(tc, no_subnet_closes_that_scope_only);
	tcase_add_test(tc, unopenable_journal_closes_that_scope_only);
	tcase_add_test(tc, unsavable_state_closes_the_relationship);
	tcase_add_test(tc, moved_aside_the_scope_opens_again);
	tcase_add_test(tc, not_attached_drops);
	tcase_add_test(tc, lost_bindings_rebuilt_from_kea_and_recover);
	tcase_add_test(tc, header_only_is_lost_missing_is_new);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
