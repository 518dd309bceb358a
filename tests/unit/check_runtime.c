/*
 * check_runtime.c - the packet path of the engine (fo_engine.h, issue 3):
 * attach, load balancing, allocation, MCLT, durability, the state seam,
 * concurrency, tentative bindings.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fo_engine_int.h"
#include "fo_engine.h"
#include "fo_log.h"
#include "fo_scope.h"
#include "fo_hash.h"
#include "fo_store.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define T0 1795244400           /* 2026-11-21T07:00:00Z */
#define POOL_FIRST IP(10, 0, 0, 10)
#define POOL_LAST IP(10, 0, 0, 209)  /* 200 addresses */
#define SUBNET_ID 7

static char dir[256];
static char logbuf[65536];
static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	char msg[512];

	(void)ctx;
	fo_log_format(id, args, nargs, msg, sizeof(msg));
	pthread_mutex_lock(&loglock);
	if (strlen(logbuf) + strlen(msg) + 2 < sizeof(logbuf)) {
		strcat(logbuf, msg);
		strcat(logbuf, "\n");
	}
	pthread_mutex_unlock(&loglock);
}

static int64_t stat_free_mine = -1;

static void
stat_set(void *ctx, const char *name, int64_t v)
{
	(void)ctx;
	if (strcmp(name, "failover.r1.free-mine") == 0)
		stat_free_mine = v;
}

/* What fo_engine_replay_bindings() handed to the host. */
static fo_ip4 replayed[64];
static size_t n_replayed;
static bool replay_flags_ok = true;

static void
lease_changed(void *ctx, const fo_lease_change *c)
{
	(void)ctx;
	if (!c->only_if_missing || c->state != FO_BS_ACTIVE)
		replay_flags_ok = false;
	if (n_replayed < 64)
		replayed[n_replayed++] = c->addr;
}

static const fo_host host = { .log = capture, .stat_set = stat_set,
    .lease_changed = lease_changed };

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_runtime.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	logbuf[0] = '\0';
}

static void
teardown(void)
{
	rm_tree(dir);
}

/* One relationship r1 over 10.0.0.0 with extra members (no leading comma). */
static fo_engine *
make(const char *type, const char *extra, bool seam)
{
	char params[2048];
	char err[512] = "";
	fo_engine *eng = NULL;

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": \"192.0.2.1\","
	    " \"server-type\": \"%s\", \"scope-id\": [\"10.0.0.0\"]%s%s}]}",
	    dir, type, extra[0] ? ", " : "", extra);
	ck_assert_msg(fo_engine_create(&eng, params, &host, err, sizeof(err)) == FO_OK, "%s", err);
	if (seam)
		fo_engine_enable_test_seam(eng);
	return eng;
}

static const fo_pool_range pool = { POOL_FIRST, POOL_LAST };

static fo_status
attach_with(fo_engine *eng, const fo_ip4 *res, size_t nres, int64_t now)
{
	fo_subnet sn[2] = {
		{ .subnet_id = 3, .prefix = IP(10, 1, 0, 0), .plen = 24, .pools = &pool, .n_pools = 1 },
		{ .subnet_id = SUBNET_ID, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool,
		    .n_pools = 1, .reserved = res, .n_reserved = nres },
	};
	char err[512] = "";
	fo_status st = fo_engine_attach(eng, sn, 2, fo_wall_at(now), err, sizeof(err));

	ck_assert_msg(st == FO_OK, "attach: %s", err);
	return st;
}

static fo_engine *
make_normal(const char *type, const char *extra)
{
	fo_engine *eng = make(type, extra, true);

	attach_with(eng, NULL, 0, T0);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0), NULL, 0), FO_OK);
	return eng;
}

static fo_bstate
bstate(fo_engine *eng, fo_ip4 a)
{
	fo_binding_info b;

	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	return b.state;
}

static void
mac_of(uint32_t n, uint8_t mac[6])
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static fo_lease
lease_for(const uint8_t *mac, fo_ip4 a, uint32_t lft, bool fake)
{
	fo_lease l = { .subnet_id = SUBNET_ID, .addr = a, .valid_lft = lft, .fake = fake };

	l.client.chaddr = mac;
	l.client.hlen = 6;
	l.client.htype = 1;
	return l;
}

/* ---- attach -------------------------------------------------------------- */

START_TEST(attach_unknown_scope_names_yang_path)
{
	fo_engine *eng = make("primary", "", false);
	fo_subnet sn = { .subnet_id = 1, .prefix = IP(10, 9, 9, 0), .plen = 24, .pools = &pool,
	    .n_pools = 1 };
	char err[512] = "";

	fo_attach_note note;

	/* The scope is closed (issue 10: per scope), the attach itself succeeds. */
	ck_assert_int_eq(fo_engine_attach(eng, &sn, 1, fo_wall_at(T0), err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(fo_engine_attach_notes(eng, &note, 1), 1);
	ck_assert_int_eq(note.kind, FO_NOTE_SCOPE_CLOSED);
	ck_assert_ptr_nonnull(strstr(note.text, "/kea-dhcp-failover:failover/relationships"
	    "[name='r1']/scope-id[.='10.0.0.0']: no Kea subnet4 has this network address"));
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(attach_splits_pool_and_starts)
{
	fo_engine *eng = make("primary", "\"load-balance-percent\": 70", false);
	size_t n[FO_BS_MAX + 1] = { 0 };

	attach_with(eng, NULL, 0, T0);
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST; a++)
		n[bstate(eng, a)]++;
	ck_assert_uint_eq(n[FO_BS_FREE], 140);
	ck_assert_uint_eq(n[FO_BS_BACKUP], 60);
	ck_assert_ptr_nonnull(strstr(logbuf, "relationship r1: state Init -> Startup (start)"));
	ck_assert_ptr_nonnull(strstr(logbuf, "relationship r1: scope 10.0.0.0 (subnet 7): 200 pool "
	    "addresses, free-mine 140, free-partner 60, active 0, bindings new"));
	/* Not a failover subnet: untouched. */
	fo_lease l = lease_for((const uint8_t *)"\1\2\3\4\5\6", IP(10, 1, 0, 10), 100, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_PASS);
	fo_binding_info b;
	ck_assert_int_eq(fo_engine_get_binding(eng, 3, IP(10, 1, 0, 10), &b), FO_ERR_NOTFOUND);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(reattach_replaces_scopes_and_keeps_state)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6];
	fo_lease l;

	mac_of(1, mac);
	l = lease_for(mac, POOL_FIRST, 600, false);
	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	attach_with(eng, NULL, 0, T0 + 5);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
	ck_assert_int_eq(fo_engine_query(eng, SUBNET_ID, FO_MSG_REQUEST_RENEW, 0, &l.client,
	    fo_wall_at(T0 + 5)), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

/* ---- load balancing ---------------------------------------------------- */

/* Exactly the clients whose bucket is this server's pass a DISCOVER in Normal. */
static void
check_lb(const char *type, unsigned mine_pct, fo_server_type t, unsigned primary_pct)
{
	char extra[64];
	fo_engine *eng;
	fo_hba hba;
	unsigned passed = 0;

	snprintf(extra, sizeof(extra), "\"load-balance-percent\": %u", mine_pct);
	eng = make_normal(type, extra);
	ck_assert_int_eq(fo_hba_from_percent(&hba, primary_pct), FO_OK);
	for (uint32_t i = 0; i < 4000; i++) {
		uint8_t mac[6];
		fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
		bool mine;
		fo_verdict v;

		mac_of(i * 2654435761u, mac);
		mine = fo_hba_mine(&hba, fo_hash_client(NULL, 0, mac, 6), t);
		v = fo_engine_query(eng, SUBNET_ID, FO_MSG_DISCOVER, 0, &c, fo_wall_at(T0));
		ck_assert_int_eq(v, mine ? FO_V_PASS : FO_V_DROP);
		/* secs over load-balance-max-seconds (3): always answered. */
		ck_assert_int_eq(fo_engine_query(eng, SUBNET_ID, FO_MSG_DISCOVER, 4, &c,
		    fo_wall_at(T0)), FO_V_PASS);
		/* A RENEW is unicast to us: always answered. */
		ck_assert_int_eq(fo_engine_query(eng, SUBNET_ID, FO_MSG_REQUEST_RENEW, 0, &c,
		    fo_wall_at(T0)), FO_V_PASS);
		passed += v == FO_V_PASS;
	}
	/* Roughly the configured share (hash spread), exactness is checked above. */
	ck_assert_msg(passed > 4000 * mine_pct / 100 - 250 && passed < 4000 * mine_pct / 100 + 250,
	    "%u of 4000 passed for %u%%", passed, mine_pct);
	/* Another subnet is not ours to filter. */
	ck_assert_int_eq(fo_engine_query(eng, 3, FO_MSG_DISCOVER, 0,
	    &(fo_client_ref){ .chaddr = (const uint8_t *)"abcdef", .hlen = 6 }, fo_wall_at(T0)),
	    FO_V_PASS);
	fo_engine_destroy(eng);
}

START_TEST(lb_50_50_primary) { check_lb("primary", 50, FO_PRIMARY, 50); }
END_TEST
START_TEST(lb_50_50_secondary) { check_lb("secondary", 50, FO_SECONDARY, 50); }
END_TEST
START_TEST(lb_70_30_primary) { check_lb("primary", 70, FO_PRIMARY, 70); }
END_TEST
START_TEST(lb_30_70_secondary) { check_lb("secondary", 30, FO_SECONDARY, 70); }
END_TEST

START_TEST(lb_counts_drops_in_json)
{
	fo_engine *eng = make_normal("primary", "");
	unsigned dropped = 0;
	char *js = NULL, want[64];

	for (uint32_t i = 0; i < 500; i++) {
		uint8_t mac[6];
		fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };

		mac_of(i * 40503u, mac);
		dropped += fo_engine_query(eng, SUBNET_ID, FO_MSG_DISCOVER, 0, &c,
		    fo_wall_at(T0)) == FO_V_DROP;
	}
	ck_assert_uint_gt(dropped, 0);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	snprintf(want, sizeof(want), "\"clients-left-to-partner\":\"%u\"", dropped);
	ck_assert_msg(strstr(js, want) != NULL, "%s not in %s", want, js);
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(hot_standby_standby_drops_everything_in_normal)
{
	fo_engine *sb = make_normal("secondary", "\"mode\": \"hot-standby\", \"server-role\": \"standby\"");
	char *js = NULL;

	for (uint32_t i = 0; i < 300; i++) {
		uint8_t mac[6];
		fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };

		mac_of(i * 7919u, mac);
		for (int m = 0; m < FO_MSG_COUNT; m++)
			ck_assert_int_eq(fo_engine_query(sb, SUBNET_ID, (fo_msg)m, 60, &c,
			    fo_wall_at(T0)), FO_V_DROP);
	}
	/* And it allocates nothing either. */
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 600, false);
	ck_assert_int_eq(fo_engine_lease_select(sb, &l, fo_wall_at(T0)), FO_V_REFUSE);
	/* In CommunicationInterrupted it answers. */
	ck_assert_int_eq(fo_engine_test_set_state(sb, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0 + 1), NULL, 0), FO_OK);
	fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
	ck_assert_int_eq(fo_engine_query(sb, SUBNET_ID, FO_MSG_DISCOVER, 0, &c,
	    fo_wall_at(T0 + 1)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_get_json(sb, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"clients-left-to-partner\":\"2700\""));
	free(js);
	fo_engine_destroy(sb);

	fo_engine *act = make_normal("primary", "\"mode\": \"hot-standby\"");
	ck_assert_int_eq(fo_engine_query(act, SUBNET_ID, FO_MSG_DISCOVER, 0, &c,
	    fo_wall_at(T0)), FO_V_PASS);
	fo_engine_destroy(act);
}
END_TEST

START_TEST(startup_drops_by_state)
{
	fo_engine *eng = make("primary", "", false);
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
	char *js = NULL;

	attach_with(eng, NULL, 0, T0);
	ck_assert_int_eq(fo_engine_query(eng, SUBNET_ID, FO_MSG_REQUEST_RENEW, 0, &c,
	    fo_wall_at(T0)), FO_V_DROP);
	ck_assert_int_eq(fo_engine_get_json(eng, "r1", 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"queries-dropped-by-state\":\"1\""));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

/* ---- allocation -------------------------------------------------------- */

/*
 * Property: whatever address Kea picks, a non-fake select never returns an
 * address the server does not own (BACKUP on the primary), never the same
 * one twice, and refuses once its own free addresses are gone.
 */
START_TEST(select_never_returns_partner_address)
{
	fo_engine *eng = make_normal("primary", "");
	bool backup[256] = { false }, given[256] = { false };
	unsigned ok = 0, refused = 0, substituted = 0;
	uint32_t seed = 12345;

	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST; a++)
		backup[a & 0xff] = bstate(eng, a) == FO_BS_BACKUP;
	for (uint32_t i = 0; i < 400; i++) {
		uint8_t mac[6];
		fo_lease l;
		fo_verdict v;

		seed = seed * 1103515245u + 12345u;
		mac_of(i + 1, mac);
		l = lease_for(mac, POOL_FIRST + (seed >> 8) % 200, 300, i % 3 == 0);
		if (l.fake) {
			/* An offer stores nothing but still only offers our address. */
			v = fo_engine_lease_select(eng, &l, fo_wall_at(T0));
			if (v != FO_V_REFUSE)
				ck_assert(!backup[l.addr & 0xff]);
			continue;
		}
		v = fo_engine_lease_select(eng, &l, fo_wall_at(T0));
		if (v == FO_V_REFUSE) {
			refused++;
			continue;
		}
		ck_assert(l.addr >= POOL_FIRST && l.addr <= POOL_LAST);
		ck_assert_msg(!backup[l.addr & 0xff], "partner's address %x given", l.addr);
		ck_assert_msg(!given[l.addr & 0xff], "address %x given twice", l.addr);
		given[l.addr & 0xff] = true;
		ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
		substituted += v == FO_V_CHANGED;
		ok++;
	}
	ck_assert_uint_eq(ok, 100);                 /* the primary's half of 200 */
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(substituted, 0);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * Kea reusing its own record of a partner-owned address (in_kea_db): the
 * address cannot be changed, so the allocation is refused; an offer for the
 * same address is substituted, and concurrent offers get distinct addresses.
 */
START_TEST(select_on_kea_reuse_path_refuses_and_offers_rotate)
{
	fo_engine *eng = make_normal("primary", "");
	fo_ip4 partner = 0, offered[8];
	uint8_t mac[6];
	fo_lease l;

	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && partner == 0; a++)
		if (bstate(eng, a) == FO_BS_BACKUP)
			partner = a;
	ck_assert_uint_ne(partner, 0);
	mac_of(1, mac);
	l = lease_for(mac, partner, 300, false);
	l.in_kea_db = true;
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_int_eq(bstate(eng, partner), FO_BS_BACKUP);
	for (int i = 0; i < 8; i++) {
		mac_of(10 + (uint32_t)i, mac);
		l = lease_for(mac, partner, 300, true);
		l.in_kea_db = true;
		ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_CHANGED);
		ck_assert_int_eq(bstate(eng, l.addr), FO_BS_FREE);
		offered[i] = l.addr;
		for (int j = 0; j < i; j++)
			ck_assert_msg(offered[j] != l.addr, "address %x offered twice", l.addr);
	}
	fo_engine_destroy(eng);
}
END_TEST

/*
 * Two DISCOVERs at once on two threads can bring the same address of ours:
 * an offer holds its address for its client for FO_OFFER_HOLD seconds.
 */
START_TEST(offer_holds_address_for_its_client)
{
	fo_engine *eng = make_normal("primary", "");
	fo_ip4 own = 0;
	uint8_t m1[6], m2[6];
	fo_lease a, b;

	for (fo_ip4 x = POOL_FIRST; x <= POOL_LAST && own == 0; x++)
		if (bstate(eng, x) == FO_BS_FREE)
			own = x;
	mac_of(101, m1);
	mac_of(102, m2);
	a = lease_for(m1, own, 300, true);
	ck_assert_int_ne(fo_engine_lease_select(eng, &a, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(a.addr, own);                 /* Kea's pick is ours: kept */
	b = lease_for(m2, own, 300, true);              /* another client, same pick */
	ck_assert_int_eq(fo_engine_lease_select(eng, &b, fo_wall_at(T0 + 1)), FO_V_CHANGED);
	ck_assert_uint_ne(b.addr, own);
	ck_assert_int_eq(bstate(eng, b.addr), FO_BS_FREE);
	a = lease_for(m1, own, 300, false);             /* the first client's REQUEST */
	ck_assert_int_ne(fo_engine_lease_select(eng, &a, fo_wall_at(T0 + 2)), FO_V_REFUSE);
	ck_assert_uint_eq(a.addr, own);
	ck_assert_int_eq(bstate(eng, own), FO_BS_ACTIVE);
	/* b's hold is over after FO_OFFER_HOLD seconds: a third client may have it. */
	mac_of(103, m1);
	a = lease_for(m1, b.addr, 300, true);
	ck_assert_int_eq(fo_engine_lease_select(eng, &a, fo_wall_at(T0 + 2)), FO_V_CHANGED);
	ck_assert_uint_ne(a.addr, b.addr);
	a = lease_for(m1, b.addr, 300, true);
	ck_assert_int_ne(fo_engine_lease_select(eng, &a, fo_wall_at(T0 + 1 + FO_OFFER_HOLD + 1)),
	    FO_V_REFUSE);
	ck_assert_uint_eq(a.addr, b.addr);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(select_refuses_without_free_own_address)
{
	fo_engine *eng = make_normal("secondary", "\"load-balance-percent\": 1");
	unsigned ok = 0;
	char *js = NULL;

	for (uint32_t i = 0; i < 10; i++) {
		uint8_t mac[6];
		fo_lease l;

		mac_of(i + 1, mac);
		l = lease_for(mac, POOL_FIRST, 300, false);
		if (fo_engine_lease_select(eng, &l, fo_wall_at(T0)) != FO_V_REFUSE) {
			ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
			ok++;
		}
	}
	ck_assert_uint_eq(ok, 2);                   /* 1% of 200 */
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"allocations-refused\":\"8\""));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(reserved_addresses_honoured_and_kept_for_their_client)
{
	fo_engine *eng = make("primary", "", true);
	fo_ip4 res[2] = { 0, 0 };
	uint8_t mac[6] = { 0xaa, 1, 2, 3, 4, 5 }, other[6] = { 0xbb, 1, 2, 3, 4, 5 };
	fo_lease l;
	size_t k = 0;

	/* Reserve a partner-owned address and the first own free one. */
	attach_with(eng, NULL, 0, T0);
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && k < 2; a++)
		if ((k == 0 && bstate(eng, a) == FO_BS_BACKUP) || (k == 1 && bstate(eng, a) == FO_BS_FREE))
			res[k++] = a;
	attach_with(eng, res, 2, T0);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0), NULL, 0), FO_OK);
	l = lease_for(mac, res[0], 300, false);
	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(l.addr, res[0]);
	/* The reserved own free address is not handed to someone else as a substitute. */
	for (int i = 0; i < 120; i++) {
		other[5] = (uint8_t)i;
		l = lease_for(other, res[0], 300, false);
		if (fo_engine_lease_select(eng, &l, fo_wall_at(T0)) == FO_V_REFUSE)
			break;
		ck_assert_uint_ne(l.addr, res[1]);
	}
	/* Kea's reservation flag alone is honoured too. */
	fo_ip4 b = 0;
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && b == 0; a++)
		if (bstate(eng, a) == FO_BS_BACKUP)
			b = a;
	l = lease_for(mac, b, 300, false);
	l.reserved = true;
	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(l.addr, b);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(mclt_first_lease_and_renewals_capped)
{
	fo_engine *eng = make_normal("primary", "\"max-client-lead-time\": 600");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 3600, false);
	fo_binding_info b;
	char *js = NULL;
	fo_ip4 a;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(l.valid_lft, 600);
	a = l.addr;
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert_uint_eq(b.expiry, T0 + 600);
	ck_assert_uint_eq(b.pexp_sent, T0 + 3600 + 300);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);
	ck_assert(b.flags & 0x04u);                 /* tentative until COMMIT */
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert(!(b.flags & 0x04u));
	/* Renewals stay capped while the partner acked nothing. */
	for (int i = 1; i <= 3; i++) {
		fo_lease r = lease_for(mac, a, 3600, false);

		ck_assert_int_eq(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 300 * i)),
		    FO_V_CHANGED);
		ck_assert_uint_eq(r.valid_lft, 600);
		ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
		ck_assert_uint_eq(b.expiry, T0 + 300 * i + 600);
		ck_assert_uint_eq(b.cltt, T0 + 300 * i);
	}
	/* desired <= MCLT: untouched. */
	fo_lease s = lease_for(mac, a, 500, false);
	ck_assert_int_eq(fo_engine_lease_renew(eng, &s, fo_wall_at(T0 + 1000)), FO_V_PASS);
	ck_assert_uint_eq(s.valid_lft, 500);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"lease-times-capped\":\"4\""));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(same_client_keeps_its_address)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, other[6] = { 9, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), m;
	fo_ip4 a;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	a = l.addr;
	m = lease_for(mac, a, 300, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &m, fo_wall_at(T0 + 1)), FO_V_PASS);
	ck_assert_uint_eq(m.addr, a);
	m = lease_for(other, a, 300, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &m, fo_wall_at(T0 + 1)), FO_V_CHANGED);
	ck_assert_uint_ne(m.addr, a);
	fo_engine_destroy(eng);
}
END_TEST

/* Without the protocol driver the packet path still queues updates, once per address. */
START_TEST(updates_pending_without_driver_and_start_needs_attach)
{
	fo_engine *eng = make("primary", "", true);
	uint8_t mac[6];
	char *js = NULL, err[256] = "";
	fo_lease l;

	ck_assert_int_eq(fo_engine_start(eng, err, sizeof(err)), FO_ERR_STATE);
	ck_assert_str_eq(err, "the engine is not attached to Kea's subnets yet");
	attach_with(eng, NULL, 0, T0);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0), NULL, 0), FO_OK);
	mac_of(1, mac);
	l = lease_for(mac, POOL_FIRST, 600, false);
	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0 + 1));
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"pending-updates\":1"));
	ck_assert_ptr_nonnull(strstr(js, "\"connected\":false"));
	free(js);
	fo_engine_stop(eng);            /* not started: nothing to do */
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(lease_events_change_bindings)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, other[6] = { 7, 7, 7, 7, 7, 7 };
	fo_ip4 a[4];

	for (int i = 0; i < 4; i++) {
		fo_lease l;

		mac[5] = (uint8_t)i;
		l = lease_for(mac, POOL_FIRST, 300, false);
		ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
		fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
		a[i] = l.addr;
	}
	fo_lease l;
	mac[5] = 0; l = lease_for(mac, a[0], 300, false);
	fo_engine_lease_event(eng, FO_LE_RELEASE, &l, fo_wall_at(T0 + 10));
	ck_assert_int_eq(bstate(eng, a[0]), FO_BS_RELEASED);
	mac[5] = 1; l = lease_for(mac, a[1], 300, false);
	fo_engine_lease_event(eng, FO_LE_DECLINE, &l, fo_wall_at(T0 + 10));
	ck_assert_int_eq(bstate(eng, a[1]), FO_BS_ABANDONED);
	mac[5] = 2; l = lease_for(mac, a[2], 300, false);
	fo_engine_lease_event(eng, FO_LE_EXPIRE, &l, fo_wall_at(T0 + 400));
	ck_assert_int_eq(bstate(eng, a[2]), FO_BS_EXPIRED);
	/* Another client's old lease cannot end this one. */
	l = lease_for(other, a[3], 300, false);
	fo_engine_lease_event(eng, FO_LE_DELETE, &l, fo_wall_at(T0 + 10));
	ck_assert_int_eq(bstate(eng, a[3]), FO_BS_ACTIVE);
	mac[5] = 3; l = lease_for(mac, a[3], 300, false);
	fo_engine_lease_event(eng, FO_LE_DELETE, &l, fo_wall_at(T0 + 10));
	ck_assert_int_eq(bstate(eng, a[3]), FO_BS_RELEASED);
	/* Released and expired addresses are not reused before the partner acks them. */
	for (int i = 0; i < 200; i++) {
		other[5] = (uint8_t)i;
		l = lease_for(other, a[0], 300, false);
		if (fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 500)) == FO_V_REFUSE)
			break;
		ck_assert(l.addr != a[0] && l.addr != a[1] && l.addr != a[2] && l.addr != a[3]);
	}
	/* Outside the failover scopes: ignored. */
	l = lease_for(mac, IP(10, 1, 0, 10), 300, false);
	l.subnet_id = 3;
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	fo_engine_destroy(eng);
}
END_TEST

/* ---- durability, state ------------------------------------------------- */

static void
snapshot(fo_engine *eng, fo_binding_info *out)
{
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST; a++)
		ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &out[a - POOL_FIRST]),
		    FO_OK);
}

static void
same_bindings(const fo_binding_info *x, const fo_binding_info *y)
{
	for (size_t i = 0; i < 200; i++) {
		ck_assert_int_eq(x[i].state, y[i].state);
		ck_assert_uint_eq(x[i].expiry, y[i].expiry);
		ck_assert_uint_eq(x[i].pexp_sent, y[i].pexp_sent);
		ck_assert_uint_eq(x[i].cltt, y[i].cltt);
		ck_assert_uint_eq(x[i].stos, y[i].stos);
		ck_assert_uint_eq(x[i].flags, y[i].flags);
		ck_assert_int_eq(memcmp(&x[i].client, &y[i].client, sizeof(x[i].client)), 0);
	}
}

START_TEST(bindings_and_state_survive_restart)
{
	static fo_binding_info before[200], after[200];
	fo_engine *eng = make_normal("secondary", "");
	char path[512];
	fo_saved_state sv;

	for (uint32_t i = 0; i < 60; i++) {
		uint8_t mac[6];
		fo_lease l;

		mac_of(i + 100, mac);
		l = lease_for(mac, POOL_FIRST + i * 3 % 200, 1000 + i, false);
		ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + i)), FO_V_REFUSE);
		if (i % 2)
			fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0 + i));
		if (i % 5 == 0)
			fo_engine_lease_event(eng, FO_LE_RELEASE, &l, fo_wall_at(T0 + i));
	}
	snapshot(eng, before);
	fo_engine_destroy(eng);             /* no tick, no sync: write(2) is enough for a kill */

	eng = make("secondary", "", false);
	attach_with(eng, NULL, 0, T0 + 100);
	snapshot(eng, after);
	same_bindings(before, after);
	/* The state came back from disk: STARTUP with Normal saved (9.3.2). */
	snprintf(path, sizeof(path), "%s/r1/state", dir);
	ck_assert_int_eq(fo_state_load(path, &sv, NULL, 0), FO_OK);
	ck_assert(sv.valid);
	ck_assert_int_eq(sv.state, FO_STATE_NORMAL);
	ck_assert_int_eq(sv.since.sec, T0);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * config-reload: the hook is unloaded in order (fo_engine_shutdown) and a new
 * engine starts within seconds: Normal is resumed with its start time, no
 * Startup. A clean stop too long ago, or none (a crash), gives Startup.
 */
START_TEST(clean_stop_resumes_state_crash_does_not)
{
	fo_engine *eng = make_normal("primary", "");
	char *js = NULL;

	fo_engine_shutdown(eng, fo_wall_at(T0 + 5));
	fo_engine_destroy(eng);
	eng = make("primary", "", false);
	attach_with(eng, NULL, 0, T0 + 8);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0 + 8), &js, NULL, 0),
	    FO_OK);
	ck_assert_msg(strstr(js, "\"state\":\"Normal\"") != NULL, "not resumed: %s", js);
	ck_assert_ptr_nonnull(strstr(logbuf, "state Normal resumed after a clean stop"));
	free(js);
	/* The marker is taken: destroyed without a clean stop now, the next start is Startup. */
	fo_engine_destroy(eng);
	eng = make("primary", "", false);
	attach_with(eng, NULL, 0, T0 + 9);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0 + 9), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"state\":\"Startup\""));
	free(js);
	/* A clean stop 11 s before the start is too old to resume. */
	fo_engine_shutdown(eng, fo_wall_at(T0 + 10));
	fo_engine_destroy(eng);
	eng = make("primary", "", false);
	attach_with(eng, NULL, 0, T0 + 21);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0 + 21), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"state\":\"Startup\""));
	free(js);
	fo_engine_destroy(eng);
}
END_TEST

/* The MCLT in force as failover-get shows it. */
static unsigned
mclt_shown(fo_engine *eng, int64_t now)
{
	char *js = NULL;
	const char *p;
	unsigned v = 0;

	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(now), &js, NULL, 0),
	    FO_OK);
	p = strstr(js, "\"state\":{");
	ck_assert_ptr_nonnull(p);
	p = strstr(p, "\"max-client-lead-time\":");
	ck_assert_msg(p != NULL, "no MCLT in force: %s", js);
	v = (unsigned)strtoul(p + strlen("\"max-client-lead-time\":"), NULL, 10);
	free(js);
	return v;
}

/*
 * An ISC-dialect secondary saves the primary's MCLT it adopted, at once, and
 * restarts (even after a crash) with it in force until the primary connects:
 * its leases and PARTNER-DOWN waits keep to the primary's bound, as dhcpd's.
 */
START_TEST(adopted_mclt_survives_a_crash)
{
	const char *isc = "\"dialect\": \"isc\", \"max-client-lead-time\": 600";
	fo_engine *eng = make_normal("secondary", isc);
	char path[600], dn[64];
	fo_saved_state sv;

	ck_assert_uint_eq(mclt_shown(eng, T0 + 1), 600);
	ck_assert(fo_runtime_adopt_mclt(fo_engine_runtime_at(eng, 0), 30, fo_wall_at(T0 + 2)));
	ck_assert(!fo_runtime_adopt_mclt(fo_engine_runtime_at(eng, 0), 30, fo_wall_at(T0 + 3)));
	fo_store_dirname("r1", dn, sizeof(dn));
	snprintf(path, sizeof(path), "%s/%s/state", dir, dn);
	ck_assert_int_eq(fo_state_load(path, &sv, NULL, 0), FO_OK);
	ck_assert_uint_eq(sv.mclt, 30);
	ck_assert_int_eq(sv.state, FO_STATE_NORMAL);
	fo_engine_destroy(eng);                 /* no clean stop: a crash */

	eng = make("secondary", isc, false);
	attach_with(eng, NULL, 0, T0 + 100);
	ck_assert_uint_eq(mclt_shown(eng, T0 + 100), 30);
	ck_assert_ptr_nonnull(strstr(logbuf, "MCLT 30 s in force from the state file"));
	/* Kept when the state is saved again (Startup's save, ticks). */
	ck_assert_int_eq(fo_state_load(path, &sv, NULL, 0), FO_OK);
	ck_assert_uint_eq(sv.mclt, 30);
	/* The primary connects with its configured value again: no longer saved. */
	ck_assert(fo_runtime_adopt_mclt(fo_engine_runtime_at(eng, 0), 600, fo_wall_at(T0 + 101)));
	ck_assert_int_eq(fo_state_load(path, &sv, NULL, 0), FO_OK);
	ck_assert_uint_eq(sv.mclt, 0);
	fo_engine_destroy(eng);
}
END_TEST

/* Only an ISC-dialect secondary adopts: a primary ignores a saved value. */
START_TEST(saved_mclt_ignored_by_a_primary)
{
	const char *isc = "\"dialect\": \"isc\", \"max-client-lead-time\": 600";
	fo_engine *eng = make_normal("secondary", isc);

	ck_assert(fo_runtime_adopt_mclt(fo_engine_runtime_at(eng, 0), 30, fo_wall_at(T0 + 2)));
	fo_engine_destroy(eng);
	eng = make("primary", isc, false);
	attach_with(eng, NULL, 0, T0 + 100);
	ck_assert_uint_eq(mclt_shown(eng, T0 + 100), 600);
	ck_assert_ptr_null(strstr(logbuf, "from the state file"));
	fo_engine_destroy(eng);
}
END_TEST

/* After a crash: every ACTIVE binding is offered back to Kea's lease database. */
START_TEST(replay_gives_active_bindings_to_kea)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	fo_lease a = lease_for(m1, POOL_FIRST, 300, false), b = lease_for(m2, POOL_FIRST, 300, false);

	ck_assert_int_ne(fo_engine_lease_select(eng, &a, fo_wall_at(T0)), FO_V_REFUSE);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &a, fo_wall_at(T0));
	ck_assert_int_ne(fo_engine_lease_select(eng, &b, fo_wall_at(T0)), FO_V_REFUSE);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &b, fo_wall_at(T0));
	fo_engine_destroy(eng);                     /* no clean stop: a crash */
	eng = make("primary", "", false);
	attach_with(eng, NULL, 0, T0 + 10);
	n_replayed = 0;
	replay_flags_ok = true;
	fo_engine_replay_bindings(eng);
	ck_assert_uint_eq(n_replayed, 2);
	ck_assert(replay_flags_ok);
	ck_assert((replayed[0] == a.addr && replayed[1] == b.addr) ||
	    (replayed[0] == b.addr && replayed[1] == a.addr));
	fo_engine_destroy(eng);
}
END_TEST

/* ---- what a client is told (issue 9) -------------------------------------- */

static fo_ack
ack_for(const uint8_t *mac, fo_ip4 a, uint32_t lt)
{
	fo_ack k = { .addr = a, .lease_time = lt, .t1 = lt / 2, .t2 = lt / 8 * 7 };

	k.client.chaddr = mac;
	k.client.hlen = 6;
	k.client.htype = 1;
	return k;
}

/*
 * pkt4_send's check: an ACK never tells more than the binding holds. Kea can
 * put a longer time in an ACK than lease4_select/lease4_renew allowed (its
 * renew path on a DISCOVER, a skipped renewal answered with the old record):
 * the time is cut to what the binding and the MCLT rule allow, or the
 * binding is extended when the rule allows it; an ACK for an address the
 * binding does not hold for that client is not sent.
 */
START_TEST(ack_never_tells_more_than_the_binding)
{
	fo_engine *eng = make_normal("primary", "\"max-client-lead-time\": 60");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, other[6] = { 9, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 90, false);
	fo_binding_info b;
	char *js = NULL;
	fo_ack k;
	fo_ip4 a;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(l.valid_lft, 60);
	a = l.addr;
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	/* Kea's ACK says 90 s: cut to the 60 s the binding and MCLT allow. */
	k = ack_for(mac, a, 90);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_CHANGED);
	ck_assert_uint_eq(k.lease_time, 60);
	ck_assert_uint_eq(k.t1, 30);
	ck_assert_uint_eq(k.t2, 52);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert_uint_ge(b.expiry, T0 + 60);
	/* Counted once: as an ACK cut, not also as a lease time capped (the select's 1). */
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"ack-lease-times-cut\":\"1\""));
	ck_assert_msg(strstr(js, "\"lease-times-capped\":\"1\"") != NULL, "%s", js);
	free(js);
	/* What the binding holds passes untouched. */
	k = ack_for(mac, a, 60);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_PASS);
	/* 30 s later, 60 s more is within the MCLT rule: the binding follows the ACK. */
	k = ack_for(mac, a, 60);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 30)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert_uint_eq(b.expiry, T0 + 90);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);
	/* Another client, an address nobody holds here: not sent. */
	k = ack_for(other, a, 60);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 30)), FO_V_DROP);
	k = ack_for(mac, a == POOL_FIRST ? POOL_FIRST + 1 : POOL_FIRST, 60);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 30)), FO_V_DROP);
	/*
	 * An ACK without an option 51 of 4 bytes (a hook library before this one
	 * removed or replaced Kea's): checked as infinite, so it is cut to what
	 * the binding covers (the shim then writes option 51).
	 */
	k = ack_for(mac, a, FO_ACK_NO_LEASE_TIME);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 30)), FO_V_CHANGED);
	ck_assert_uint_le(k.lease_time, 60);
	ck_assert_uint_gt(k.lease_time, 0);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert_uint_ge(b.expiry, T0 + 30 + k.lease_time);
	/* Outside every failover scope: Kea's business. */
	k = ack_for(mac, IP(10, 9, 0, 1), 7200);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

/* Kea 2.2 calls lease4_renew for a DISCOVER too: an offer records nothing. */
START_TEST(renew_on_discover_records_nothing)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), r;
	fo_binding_info before, after;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, l.addr, &before), FO_OK);
	r = lease_for(mac, l.addr, 300, true);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 10)), FO_V_REFUSE);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, l.addr, &after), FO_OK);
	ck_assert_uint_eq(after.cltt, before.cltt);
	ck_assert_uint_eq(after.expiry, before.expiry);
	fo_engine_destroy(eng);
}
END_TEST

/* Kea's database can lag behind the partner: no renewal of another client's live lease. */
START_TEST(renew_refuses_another_clients_live_lease)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, other[6] = { 9, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), r;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	r = lease_for(other, l.addr, 300, false);
	ck_assert_int_eq(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 10)), FO_V_REFUSE);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
	r = lease_for(mac, l.addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 10)), FO_V_REFUSE);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * Kea reclaims the older, shorter lease its database kept across a crash:
 * the binding says the lease runs on, so the expiry is refused and Kea's
 * record is rewritten from the binding (issue 9, defect 2).
 */
START_TEST(stale_expiry_refused_and_kea_rewritten)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), e;
	fo_binding_info b;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	n_replayed = 0;
	e = lease_for(mac, l.addr, 100, false);
	e.cltt = fo_wall_at(T0 - 50);
	ck_assert_int_eq(fo_engine_lease_event(eng, FO_LE_EXPIRE, &e, fo_wall_at(T0 + 100)),
	    FO_V_REFUSE);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, l.addr, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_ACTIVE);
	ck_assert_uint_eq(b.expiry, T0 + 300);
	ck_assert_uint_eq(n_replayed, 1);
	ck_assert_uint_eq(replayed[0], l.addr);
	/* Once the binding's lease has ended, Kea's expiry is the truth. */
	ck_assert_int_eq(fo_engine_lease_event(eng, FO_LE_EXPIRE, &e, fo_wall_at(T0 + 301)),
	    FO_V_PASS);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_EXPIRED);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * A binding the partner refused is not sent again, not even in answer to a
 * refusal of the partner's own, until it changes: two partners that disagree
 * stop after one exchange (issue 9, defect 2: millions of rejections).
 */
START_TEST(refused_binding_not_resent_until_it_changes)
{
	fo_engine *eng = make_normal("primary", "");
	fo_scope *s = fo_engine_runtime_at(eng, 0)->scopes[0];
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), r;
	fo_scope_update u[256];
	fo_binding_info in, cur;
	bool first;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	while (fo_scope_take_updates(s, u, 256) > 0)
		;
	ck_assert(fo_scope_rejected(s, l.addr, &first));
	ck_assert(first);
	ck_assert(fo_scope_rejected(s, l.addr, &first));
	ck_assert(!first);
	/* The partner's outdated EXPIRED is refused; ours is not queued again. */
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, l.addr, &cur), FO_OK);
	in = cur;
	in.state = FO_BS_EXPIRED;
	in.cltt = T0 - 100;
	ck_assert_uint_eq(fo_scope_receive(s, l.addr, &in, FO_PRIMARY, 0, fo_wall_at(T0 + 5), NULL),
	    15);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	/*
	 * A renewal changes the binding: it may be sent (once Kea committed it,
	 * issue 14), and answers a refusal again.
	 */
	r = lease_for(mac, l.addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 6)), FO_V_REFUSE);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	r.cltt = fo_wall_at(T0 + 6);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &r, fo_wall_at(T0 + 6));
	ck_assert_uint_eq(fo_scope_queued(s), 1);
	while (fo_scope_take_updates(s, u, 256) > 0)
		;
	ck_assert_uint_eq(fo_scope_receive(s, l.addr, &in, FO_PRIMARY, 0, fo_wall_at(T0 + 7), NULL),
	    15);
	ck_assert_uint_eq(fo_scope_queued(s), 1);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * A new binding goes to the partner once, as Kea committed it: lease4_select's
 * tentative binding is not queued (the protocol thread took it before the
 * commit in 41-46 % of the DORAs and sent it twice, issue 14); the commit
 * queues it, and so does an ACK of a binding Kea did not commit.
 */
START_TEST(tentative_binding_is_queued_by_the_commit_or_the_ack)
{
	fo_engine *eng = make_normal("primary", "");
	fo_scope *s = fo_engine_runtime_at(eng, 0)->scopes[0];
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, mac2[6] = { 1, 2, 3, 4, 5, 7 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false);
	fo_lease l2 = lease_for(mac2, POOL_FIRST + 1, 300, false);
	fo_scope_update u[256];
	fo_ack k;

	while (fo_scope_take_updates(s, u, 256) > 0)
		;
	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	ck_assert_uint_eq(fo_scope_queued(s), 1);
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	ck_assert_uint_eq(u[0].addr, l.addr);
	ck_assert_int_eq(u[0].b.state, FO_BS_ACTIVE);
	ck_assert(!(u[0].b.flags & FO_BF_TENTATIVE));
	/* The ACK of the committed binding queues nothing more. */
	k = ack_for(mac, l.addr, l.valid_lft);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_PASS);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	/* No commit: the ACK queues the tentative binding, once. */
	ck_assert_int_ne(fo_engine_lease_select(eng, &l2, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	k = ack_for(mac2, l2.addr, l2.valid_lft);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0)), FO_V_PASS);
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	ck_assert_uint_eq(u[0].addr, l2.addr);
	ck_assert_int_eq(u[0].b.state, FO_BS_ACTIVE);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * A renewal goes to the partner once, as Kea committed it (issue 14): like a
 * new binding, lease4_renew's (and a REQUEST's lease4_select of the client's
 * own binding) is journaled and held, not queued: the protocol thread would
 * send it on its own whenever it took it before the commit, then again with
 * the commit. The commit queues it; a renewal Kea did not commit is queued
 * by its ACK, or by the tick after FO_HOLD_SECONDS; a BNDACK of the version
 * before leaves it pending.
 */
START_TEST(renewal_is_queued_by_the_commit_the_ack_or_the_tick)
{
	fo_engine *eng = make_normal("primary", "");
	fo_scope *s = fo_engine_runtime_at(eng, 0)->scopes[0];
	uint8_t mac[3][6] = { { 1, 2, 3, 4, 5, 6 }, { 1, 2, 3, 4, 5, 7 }, { 1, 2, 3, 4, 5, 8 } };
	fo_lease l[3], r;
	fo_scope_update u[256];
	fo_binding_info b;
	fo_ack k;

	for (int i = 0; i < 3; i++) {
		l[i] = lease_for(mac[i], POOL_FIRST + (fo_ip4)i, 300, false);
		ck_assert_int_ne(fo_engine_lease_select(eng, &l[i], fo_wall_at(T0)), FO_V_REFUSE);
		l[i].cltt = fo_wall_at(T0);
		fo_engine_lease_event(eng, FO_LE_COMMIT, &l[i], fo_wall_at(T0));
	}
	while (fo_scope_take_updates(s, u, 256) > 0)
		;
	/* Renewed, journaled, pending, not queued; the commit queues it, once. */
	r = lease_for(mac[0], l[0].addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 100)), FO_V_REFUSE);
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, r.addr, &b), FO_OK);
	ck_assert_uint_eq(b.cltt, T0 + 100);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);
	ck_assert(!(b.flags & FO_BF_TENTATIVE));
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	r.cltt = fo_wall_at(T0 + 100);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &r, fo_wall_at(T0 + 100));
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	ck_assert_uint_eq(u[0].addr, r.addr);
	ck_assert_uint_eq(u[0].b.cltt, T0 + 100);
	ck_assert_uint_eq(u[0].b.expiry, T0 + 100 + r.valid_lft);
	k = ack_for(mac[0], r.addr, r.valid_lft);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 100)), FO_V_PASS);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	/* A REQUEST's lease4_select of the client's own committed binding: the same. */
	r = lease_for(mac[0], l[0].addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_select(eng, &r, fo_wall_at(T0 + 110)), FO_V_REFUSE);
	ck_assert_uint_eq(r.addr, l[0].addr);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	r.cltt = fo_wall_at(T0 + 110);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &r, fo_wall_at(T0 + 110));
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	/* No commit: the BNDACK of the version before keeps it pending; the ACK queues it, once. */
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, l[1].addr, &b), FO_OK);
	r = lease_for(mac[1], l[1].addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 100)), FO_V_REFUSE);
	ck_assert(fo_scope_acked(s, r.addr, FO_BS_ACTIVE, b.pexp_sent, FO_BS_FREE,
	    fo_wall_at(T0 + 100)));
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, r.addr, &b), FO_OK);
	ck_assert(b.flags & FO_BF_UPDATE_PENDING);
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	k = ack_for(mac[1], r.addr, r.valid_lft);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 100)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 100)), FO_V_PASS);
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	ck_assert_uint_eq(u[0].addr, r.addr);
	ck_assert_uint_eq(u[0].b.cltt, T0 + 100);
	/* Neither commit nor ACK: the tick queues it after FO_HOLD_SECONDS. */
	r = lease_for(mac[2], l[2].addr, 300, false);
	ck_assert_int_ne(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 100)), FO_V_REFUSE);
	fo_scope_tick(s, FO_BS_FREE, fo_wall_at(T0 + 100 + FO_HOLD_SECONDS - 1));
	ck_assert_uint_eq(fo_scope_queued(s), 0);
	fo_scope_tick(s, FO_BS_FREE, fo_wall_at(T0 + 100 + FO_HOLD_SECONDS));
	ck_assert_uint_eq(fo_scope_take_updates(s, u, 256), 1);
	ck_assert_uint_eq(u[0].addr, r.addr);
	/* Then the commit (late) queues it again, as any change would. */
	r.cltt = fo_wall_at(T0 + 100);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &r, fo_wall_at(T0 + 106));
	ck_assert_uint_eq(fo_scope_queued(s), 1);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * PARTNER-DOWN offers its own free addresses first (issue 9, defect 3): if
 * both partners went to PARTNER-DOWN, they still give out disjoint addresses
 * while each has some of its own.
 */
START_TEST(partner_down_offers_own_addresses_first)
{
	fo_engine *eng = make_normal("primary", "\"max-client-lead-time\": 60");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_ip4 b = 0;
	fo_lease l;

	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_PARTNER_DOWN,
	    FO_STATE_COMM_INTERRUPTED, fo_wall_at(T0), NULL, 0), FO_OK);
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && b == 0; a++)
		if (bstate(eng, a) == FO_BS_BACKUP)
			b = a;
	/* Past MCLT the partner's address may be given, but an offer prefers ours. */
	l = lease_for(mac, b, 30, true);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 120)), FO_V_CHANGED);
	ck_assert_uint_ne(l.addr, b);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_FREE);
	/* A REQUEST for it (the client asks for that address) is allowed after MCLT. */
	l = lease_for(mac, b, 30, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 120)), FO_V_PASS);
	ck_assert_uint_eq(l.addr, b);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * A NAK makes a client drop its lease at once: it is sent only when this
 * server knows the address is not the client's. A REBIND for an address the
 * partner gave during a partition must not be NAKed by a server that never
 * heard of that lease (ISC dhcpd stays silent for a lease its peer holds).
 */
START_TEST(nak_only_when_the_address_is_known_not_the_clients)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, other[6] = { 9, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(other, POOL_FIRST, 300, false);
	fo_client_ref me = { .chaddr = mac, .hlen = 6, .htype = 1 };
	fo_ip4 partners = 0, mine = 0;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && (partners == 0 || mine == 0); a++) {
		if (partners == 0 && bstate(eng, a) == FO_BS_BACKUP)
			partners = a;
		if (mine == 0 && bstate(eng, a) == FO_BS_FREE)
			mine = a;
	}
	/* The partner's free address: it may have leased it to this client. */
	ck_assert_int_eq(fo_engine_nak_check(eng, partners, &me, fo_wall_at(T0 + 1)), FO_V_DROP);
	/* Another client's live lease, our own free address, outside: NAK. */
	ck_assert_int_eq(fo_engine_nak_check(eng, l.addr, &me, fo_wall_at(T0 + 1)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_nak_check(eng, mine, &me, fo_wall_at(T0 + 1)), FO_V_PASS);
	ck_assert_int_eq(fo_engine_nak_check(eng, IP(10, 9, 0, 1), &me, fo_wall_at(T0 + 1)),
	    FO_V_PASS);
	/* That client's own lease is never NAKed by the check. */
	me.chaddr = other;
	ck_assert_int_eq(fo_engine_nak_check(eng, l.addr, &me, fo_wall_at(T0 + 1)), FO_V_DROP);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * A renewal this hook refused is rolled back by Kea to its old record, still
 * ACKed and committed (Kea 2.2's renewLease4 with SKIP). That commit must not
 * make the binding the client's again, so the ACK check keeps the ACK in;
 * and a DISCOVER of that client is offered an address of ours instead of
 * the old one (chaos campaign: an ACK Kea does not store).
 */
START_TEST(refused_renewal_is_not_acked_and_the_offer_moves)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false), r;
	fo_binding_info b;
	fo_ack k;
	fo_ip4 a;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	l.cltt = fo_wall_at(T0);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	a = l.addr;
	/* The lease ends; Kea reclaims it (EXPIRED, owed to the partner). */
	ck_assert_int_eq(fo_engine_lease_event(eng, FO_LE_EXPIRE, &l, fo_wall_at(T0 + 301)),
	    FO_V_PASS);
	ck_assert_int_eq(bstate(eng, a), FO_BS_EXPIRED);
	/* The client comes back for it: refused until the partner acked the expiry. */
	r = lease_for(mac, a, 300, false);
	ck_assert_int_eq(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 310)), FO_V_REFUSE);
	/* Kea commits its old record anyway: the binding does not follow... */
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0 + 310));
	ck_assert_int_eq(fo_engine_get_binding(eng, SUBNET_ID, a, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_EXPIRED);
	/* ...and the ACK does not go out. */
	k = ack_for(mac, a, 300);
	ck_assert_int_eq(fo_engine_ack_check(eng, &k, fo_wall_at(T0 + 310)), FO_V_DROP);
	/* A DISCOVER (Kea's renew path, fake) is offered one of our free addresses. */
	r = lease_for(mac, a, 300, true);
	ck_assert_int_eq(fo_engine_lease_renew(eng, &r, fo_wall_at(T0 + 311)), FO_V_CHANGED);
	ck_assert_uint_ne(r.addr, a);
	ck_assert_int_eq(bstate(eng, r.addr), FO_BS_FREE);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(config_reload_keeps_state_and_startup_timer_fires)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false);
	char *js = NULL;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0));
	fo_engine_tick(eng, fo_wall_at(T0 + 1), fo_mono_at(5000));
	fo_engine_destroy(eng);

	eng = make("primary", "", false);           /* config-reload: a new engine */
	attach_with(eng, NULL, 0, T0 + 10);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"state\":\"Startup\""));
	free(js);
	/* The first tick gives the monotonic clock; 300 s later the startup timer fires. */
	fo_engine_tick(eng, fo_wall_at(T0 + 11), fo_mono_at(900000));
	fo_engine_tick(eng, fo_wall_at(T0 + 300), fo_mono_at(900000 + 289000));
	ck_assert_ptr_null(strstr(logbuf, "Startup -> CommunicationInterrupted"));
	fo_engine_tick(eng, fo_wall_at(T0 + 311), fo_mono_at(900000 + 300000));
	ck_assert_ptr_nonnull(strstr(logbuf,
	    "relationship r1: state Startup -> CommunicationInterrupted (startup timer)"));
	ck_assert_int_eq(stat_free_mine, 99);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(seam_persists_before_returning_and_is_refused_when_off)
{
	fo_engine *eng = make("primary", "", false);
	char err[256] = "", path[512];
	fo_saved_state sv;

	attach_with(eng, NULL, 0, T0);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0), err, sizeof(err)), FO_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err, "test seam is disabled"));
	fo_engine_enable_test_seam(eng);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "nope", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0), err, sizeof(err)), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_RECOVER, FO_STATE_NORMAL,
	    fo_wall_at(T0 + 1), err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(T0 + 2), err, sizeof(err)), FO_OK);
	snprintf(path, sizeof(path), "%s/r1/state", dir);
	ck_assert_int_eq(fo_state_load(path, &sv, NULL, 0), FO_OK);
	ck_assert_int_eq(sv.state, FO_STATE_NORMAL);
	ck_assert_int_eq(sv.since.sec, T0 + 2);
	ck_assert_int_eq(sv.partner_state, FO_STATE_NORMAL);
	ck_assert_ptr_nonnull(strstr(logbuf, "relationship r1: state Recover -> Normal (test seam)"));
	/* A state directory that cannot be written: refused, the state stays. */
	chmod(dir, 0500);
	rm_tree(path);
	snprintf(path, sizeof(path), "%s/r1", dir);
	chmod(path, 0500);
	if (access(path, W_OK) != 0) {          /* root writes anyway: skip then */
		ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_PARTNER_DOWN,
		    FO_STATE_NORMAL, fo_wall_at(T0 + 3), err, sizeof(err)), FO_ERR_IO);
		uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
		fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
		ck_assert_int_eq(fo_engine_query(eng, SUBNET_ID, FO_MSG_REQUEST_RENEW, 0, &c,
		    fo_wall_at(T0 + 3)), FO_V_PASS);  /* still Normal */
	}
	chmod(path, 0750);
	chmod(dir, 0700);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(auto_partner_down_then_partner_addresses_after_mclt)
{
	fo_engine *eng = make_normal("primary", "\"auto-state-transition\": true, "
	    "\"state-switch-interval\": 30, \"max-client-lead-time\": 60");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	fo_ip4 b = 0;
	fo_lease l;
	char *js = NULL;

	fo_engine_tick(eng, fo_wall_at(T0), fo_mono_at(1000));
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NORMAL, fo_wall_at(T0), NULL, 0), FO_OK);
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"partner-down-at\":\"2026-11-21T07:00:30Z\""));
	free(js);
	fo_engine_tick(eng, fo_wall_at(T0 + 31), fo_mono_at(32000));
	ck_assert_ptr_nonnull(strstr(logbuf,
	    "state CommunicationInterrupted -> PartnerDown (state-switch timer)"));
	for (fo_ip4 a = POOL_FIRST; a <= POOL_LAST && b == 0; a++)
		if (bstate(eng, a) == FO_BS_BACKUP)
			b = a;
	/* Use up our own free addresses; within MCLT the partner's stay out of reach. */
	for (int i = 0; i < 100; i++) {
		mac[5] = (uint8_t)i;
		l = lease_for(mac, b, 30, false);
		ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 40)), FO_V_REFUSE);
		ck_assert_int_ne(l.addr, b);
	}
	mac[4] = 1;
	l = lease_for(mac, b, 30, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 40)), FO_V_REFUSE);
	/* MCLT (60 s) after entering PartnerDown (T0 + 31): the partner's addresses too. */
	l = lease_for(mac, b, 30, false);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 91)), FO_V_PASS);
	ck_assert_uint_eq(l.addr, b);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(tick_frees_stale_tentatives)
{
	fo_engine *eng = make_normal("primary", "");
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, mac2[6] = { 2, 2, 3, 4, 5, 6 };
	fo_lease l = lease_for(mac, POOL_FIRST, 300, false);
	fo_lease k = lease_for(mac2, POOL_FIRST, 300, false);
	char *js = NULL;

	ck_assert_int_ne(fo_engine_lease_select(eng, &l, fo_wall_at(T0)), FO_V_REFUSE);
	ck_assert_int_ne(fo_engine_lease_select(eng, &k, fo_wall_at(T0)), FO_V_REFUSE);
	fo_engine_lease_event(eng, FO_LE_COMMIT, &k, fo_wall_at(T0 + 1));
	fo_engine_tick(eng, fo_wall_at(T0 + 30), fo_mono_at(30000));
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_ACTIVE);
	fo_engine_tick(eng, fo_wall_at(T0 + 61), fo_mono_at(61000));
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_FREE);
	ck_assert_int_eq(bstate(eng, k.addr), FO_BS_ACTIVE);    /* committed: kept */
	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, true, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	ck_assert_ptr_nonnull(strstr(js, "\"tentative-bindings-freed\":\"1\""));
	ck_assert_ptr_nonnull(strstr(js, "\"client-hw-address\":\"02:02:03:04:05:06\""));
	ck_assert_ptr_null(strstr(js, "\"client-hw-address\":\"01:02:03:04:05:06\""));
	free(js);
	fo_engine_destroy(eng);
	/* And it stays freed after a restart (journaled). */
	eng = make("primary", "", false);
	attach_with(eng, NULL, 0, T0 + 70);
	ck_assert_int_eq(bstate(eng, l.addr), FO_BS_FREE);
	fo_engine_destroy(eng);
}
END_TEST

/* ---- concurrency ------------------------------------------------------- */

#define THREADS 4
#define PER_THREAD 60

struct worker {
	fo_engine *eng;
	int id;
	fo_ip4 got[PER_THREAD];
	int n;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	uint32_t seed = (uint32_t)w->id * 7919u + 1;

	for (int i = 0; i < PER_THREAD; i++) {
		uint8_t mac[6];
		fo_lease l;

		seed = seed * 1103515245u + 12345u;
		mac_of((uint32_t)(w->id * 1000 + i), mac);
		/* Everyone asks for the same few addresses at once. */
		l = lease_for(mac, POOL_FIRST + (seed >> 16) % 8, 300, false);
		if (fo_engine_lease_select(w->eng, &l, fo_wall_at(T0)) != FO_V_REFUSE)
			w->got[w->n++] = l.addr;
		if (i % 7 == 0) {
			fo_client_ref c = { .chaddr = mac, .hlen = 6, .htype = 1 };
			(void)fo_engine_query(w->eng, SUBNET_ID, FO_MSG_DISCOVER, 0, &c, fo_wall_at(T0));
		}
	}
	return NULL;
}

START_TEST(threads_never_share_an_address)
{
	fo_engine *eng = make_normal("primary", "");
	struct worker w[THREADS];
	pthread_t th[THREADS];
	bool seen[256] = { false };
	int total = 0;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .eng = eng, .id = i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	/* A tick and a failover-get while nothing else runs. */
	fo_engine_tick(eng, fo_wall_at(T0 + 1), fo_mono_at(1000));
	for (int i = 0; i < THREADS; i++) {
		for (int k = 0; k < w[i].n; k++) {
			ck_assert_msg(!seen[w[i].got[k] & 0xff], "%x handed out twice", w[i].got[k]);
			seen[w[i].got[k] & 0xff] = true;
			total++;
		}
	}
	ck_assert_int_eq(total, 100);               /* 240 asked, 100 owned */
	fo_engine_destroy(eng);
}
END_TEST

static Suite *
runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("packet path");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_unknown_scope_names_yang_path);
	tcase_add_test(tc, attach_splits_pool_and_starts);
	tcase_add_test(tc, reattach_replaces_scopes_and_keeps_state);
	tcase_add_test(tc, lb_50_50_primary);
	tcase_add_test(tc, lb_50_50_secondary);
	tcase_add_test(tc, lb_70_30_primary);
	tcase_add_test(tc, lb_30_70_secondary);
	tcase_add_test(tc, lb_counts_drops_in_json);
	tcase_add_test(tc, hot_standby_standby_drops_everything_in_normal);
	tcase_add_test(tc, startup_drops_by_state);
	tcase_add_test(tc, select_never_returns_partner_address);
	tcase_add_test(tc, select_refuses_without_free_own_address);
	tcase_add_test(tc, select_on_kea_reuse_path_refuses_and_offers_rotate);
	tcase_add_test(tc, offer_holds_address_for_its_client);
	tcase_add_test(tc, reserved_addresses_honoured_and_kept_for_their_client);
	tcase_add_test(tc, mclt_first_lease_and_renewals_capped);
	tcase_add_test(tc, adopted_mclt_survives_a_crash);
	tcase_add_test(tc, saved_mclt_ignored_by_a_primary);
	tcase_add_test(tc, same_client_keeps_its_address);
	tcase_add_test(tc, lease_events_change_bindings);
	tcase_add_test(tc, bindings_and_state_survive_restart);
	tcase_add_test(tc, config_reload_keeps_state_and_startup_timer_fires);
	tcase_add_test(tc, clean_stop_resumes_state_crash_does_not);
	tcase_add_test(tc, replay_gives_active_bindings_to_kea);
	tcase_add_test(tc, seam_persists_before_returning_and_is_refused_when_off);
	tcase_add_test(tc, auto_partner_down_then_partner_addresses_after_mclt);
	tcase_add_test(tc, tick_frees_stale_tentatives);
	tcase_add_test(tc, threads_never_share_an_address);
	tcase_add_test(tc, updates_pending_without_driver_and_start_needs_attach);
	tcase_add_test(tc, ack_never_tells_more_than_the_binding);
	tcase_add_test(tc, renew_on_discover_records_nothing);
	tcase_add_test(tc, renew_refuses_another_clients_live_lease);
	tcase_add_test(tc, stale_expiry_refused_and_kea_rewritten);
	tcase_add_test(tc, refused_binding_not_resent_until_it_changes);
	tcase_add_test(tc, tentative_binding_is_queued_by_the_commit_or_the_ack);
	tcase_add_test(tc, renewal_is_queued_by_the_commit_the_ack_or_the_tick);
	tcase_add_test(tc, partner_down_offers_own_addresses_first);
	tcase_add_test(tc, nak_only_when_the_address_is_known_not_the_clients);
	tcase_add_test(tc, refused_renewal_is_not_acked_and_the_offer_moves);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(runtime_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
