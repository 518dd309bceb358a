/*
 * check_receive.c - the receive-time load balancing (issue 14): the raw
 * DHCPv4 parser (fo_pkt4), Kea's subnet of a relayed query (fo_select), and
 * fo_engine_receive against fo_engine_query on generated clients: whatever
 * buffer4_receive drops, subnet4_select drops too, and every relayed
 * DISCOVER, INIT-REBOOT and REBIND of the partner's clients is dropped at
 * receive already.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_engine.h"
#include "fo_pkt4.h"
#include "fo_relationship.h"
#include "fo_select.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define T0 1795244400

/* ---- building packets ------------------------------------------------------ */

typedef struct pkt {
	uint8_t b[600];
	size_t n;
} pkt;

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The fixed header and the cookie: op 1, htype 1, hlen, secs, ciaddr, giaddr, chaddr. */
static void
header(pkt *k, uint8_t hlen, uint16_t secs, fo_ip4 ciaddr, fo_ip4 giaddr, const uint8_t *hw)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = 1;
	k->b[1] = 1;
	k->b[2] = hlen;
	k->b[8] = (uint8_t)(secs >> 8);
	k->b[9] = (uint8_t)secs;
	put32(k->b + 12, ciaddr);
	put32(k->b + 24, giaddr);
	memcpy(k->b + 28, hw, hlen > 16 ? 16 : hlen);
	put32(k->b + 236, FO_PKT4_COOKIE);
	k->n = 240;
}

static void
opt(pkt *k, uint8_t code, uint8_t len, const void *v)
{
	k->b[k->n++] = code;
	k->b[k->n++] = len;
	memcpy(k->b + k->n, v, len);
	k->n += len;
}

static void
end(pkt *k)
{
	k->b[k->n++] = 255;
}

static const uint8_t MAC[6] = { 0x52, 0x54, 0, 1, 2, 3 };

/* A relayed DISCOVER with a client-id, secs 2. */
static void
discover(pkt *k)
{
	static const uint8_t cid[7] = { 1, 0x52, 0x54, 0, 1, 2, 3 };
	uint8_t t = 1;

	header(k, 6, 2, 0, IP(10, 0, 0, 4), MAC);
	opt(k, 53, 1, &t);
	opt(k, 61, sizeof(cid), cid);
	end(k);
}

/* ---- the parser ------------------------------------------------------------ */

START_TEST(parse_reads_the_fields)
{
	fo_pkt4 p;
	pkt k;

	discover(&k);
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_OK);
	ck_assert_uint_eq(p.type, 1);
	ck_assert_uint_eq(p.secs, 2);
	ck_assert_uint_eq(p.hlen, 6);
	ck_assert_uint_eq(p.htype, 1);
	ck_assert_uint_eq(p.giaddr, IP(10, 0, 0, 4));
	ck_assert_mem_eq(p.chaddr, MAC, 6);
	ck_assert_uint_eq(p.cid_len, 7);
	ck_assert_uint_eq(p.cid[0], 1);
	ck_assert(fo_pkt4_relayed(&p));
	ck_assert_int_eq(fo_pkt4_msg(&p, false), FO_MSG_DISCOVER);
	fo_client_ref c = fo_pkt4_client(&p);
	ck_assert_ptr_eq(c.cid, p.cid);
	ck_assert_uint_eq(c.cid_len, 7);
	ck_assert_ptr_eq(c.chaddr, k.b + 28);
	ck_assert(!p.server_id && !p.requested_ip && !p.link_selection && !p.subnet_selection);
}
END_TEST

/* Every truncation of a good packet is refused: the header, the options, or END is cut. */
START_TEST(parse_refuses_every_truncation)
{
	fo_pkt4 p;
	pkt k;

	discover(&k);
	for (size_t n = 0; n < k.n; n++)
		ck_assert_msg(fo_pkt4_parse(k.b, n, &p) == FO_ERR_PROTO, "length %zu", n);
	ck_assert_int_eq(fo_pkt4_parse(NULL, 0, &p), FO_ERR_PROTO);
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, NULL), FO_ERR_INVAL);
	/* Bytes after END (padding to 300) are fine. */
	ck_assert_int_eq(fo_pkt4_parse(k.b, sizeof(k.b), &p), FO_OK);
}
END_TEST

static fo_status
parse_with(uint8_t code, uint8_t len, const void *v, bool twice, fo_pkt4 *p)
{
	uint8_t t = 1;
	pkt k;

	header(&k, 6, 0, 0, IP(10, 0, 0, 4), MAC);
	opt(&k, 53, 1, &t);
	opt(&k, code, len, v);
	if (twice)
		opt(&k, code, len, v);
	end(&k);
	return fo_pkt4_parse(k.b, k.n, p);
}

START_TEST(parse_refuses_what_it_cannot_be_sure_of)
{
	static const uint8_t four[4] = { 10, 0, 0, 1 }, two[2] = { 1, 1 }, one = 1;
	static const uint8_t rai_link[10] = { 1, 2, 'a', 'b', 5, 4, 10, 9, 0, 0 };
	static const uint8_t rai_long[4] = { 1, 5, 'a', 'b' };
	fo_pkt4 p;
	pkt k;

	ck_assert_int_eq(parse_with(52, 1, &one, false, &p), FO_ERR_PROTO);    /* overload */
	ck_assert_int_eq(parse_with(53, 2, two, false, &p), FO_ERR_PROTO);     /* second type */
	ck_assert_int_eq(parse_with(61, 2, two, true, &p), FO_ERR_PROTO);      /* 61 twice */
	ck_assert_int_eq(parse_with(82, 4, rai_long, false, &p), FO_ERR_PROTO);
	ck_assert_int_eq(parse_with(50, 2, two, false, &p), FO_ERR_PROTO);
	ck_assert_int_eq(parse_with(54, 2, two, false, &p), FO_ERR_PROTO);
	ck_assert_int_eq(parse_with(118, 2, two, false, &p), FO_ERR_PROTO);
	ck_assert_int_eq(parse_with(50, 4, four, false, &p), FO_OK);
	ck_assert(p.requested_ip);
	ck_assert_int_eq(parse_with(54, 4, four, false, &p), FO_OK);
	ck_assert(p.server_id);
	ck_assert_int_eq(parse_with(118, 4, four, false, &p), FO_OK);
	ck_assert(p.subnet_selection);
	ck_assert_int_eq(parse_with(82, 10, rai_link, false, &p), FO_OK);
	ck_assert(p.link_selection);
	ck_assert_int_eq(parse_with(82, 4, rai_link, false, &p), FO_OK);  /* circuit-id only */
	ck_assert(!p.link_selection);
	ck_assert_int_eq(parse_with(61, 0, two, false, &p), FO_OK);       /* empty: no cid */
	ck_assert_ptr_null(p.cid);
	ck_assert_int_eq(parse_with(12, 2, two, true, &p), FO_OK);        /* others may repeat */
	/* An option's length past the end; no END; the header's own checks. */
	discover(&k);
	k.b[k.n - 1] = 12;      /* END becomes option 12 with no length byte */
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	k.b[k.n - 1] = 0;       /* PAD, then the end of the bytes: no END */
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	discover(&k);
	k.b[244] = 200;         /* option 61's length runs past the end */
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	discover(&k);
	k.b[0] = 2;
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	discover(&k);
	k.b[2] = 17;
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	discover(&k);
	k.b[239] ^= 1;
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_ERR_PROTO);
	/* No option 53 parses (BOOTP): type 0. */
	header(&k, 6, 0, 0, 0, MAC);
	end(&k);
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_OK);
	ck_assert_uint_eq(p.type, 0);
	ck_assert_int_eq(fo_pkt4_msg(&p, false), FO_MSG_BOOTP);
	ck_assert(!fo_pkt4_relayed(&p));
	p.giaddr = 0xffffffffu;
	ck_assert(!fo_pkt4_relayed(&p));
}
END_TEST

/* ---- Kea's subnet by giaddr ------------------------------------------------------ */

START_TEST(select_by_giaddr)
{
	fo_subnet sn[4] = {
		{ .subnet_id = 30, .prefix = IP(10, 3, 0, 0), .plen = 16 },
		{ .subnet_id = 10, .prefix = IP(10, 1, 0, 0), .plen = 24 },
		{ .subnet_id = 20, .prefix = IP(10, 2, 0, 0), .plen = 24, .client_class = true },
		{ .subnet_id = 40, .prefix = IP(192, 0, 2, 9), .plen = 32 },
	};
	fo_select s;
	uint32_t id = 0;

	ck_assert_int_eq(fo_select_build(&s, sn, 4), FO_OK);
	ck_assert(!s.overlap && !s.relays);
	ck_assert(fo_select_by_giaddr(&s, IP(10, 1, 0, 255), &id) && id == 10);
	ck_assert(fo_select_by_giaddr(&s, IP(10, 3, 200, 1), &id) && id == 30);
	ck_assert(fo_select_by_giaddr(&s, IP(192, 0, 2, 9), &id) && id == 40);
	ck_assert(!fo_select_by_giaddr(&s, IP(10, 1, 1, 0), &id));      /* in no subnet */
	ck_assert(!fo_select_by_giaddr(&s, IP(9, 0, 0, 1), &id));
	ck_assert(!fo_select_by_giaddr(&s, IP(255, 0, 0, 1), &id));
	ck_assert(!fo_select_by_giaddr(&s, IP(10, 2, 0, 1), &id));       /* a class guard */
	ck_assert(!fo_select_by_giaddr(&s, 0, &id));
	fo_select_free(&s);

	/* Overlapping prefixes: the first in Kea's order. An unmasked prefix is masked. */
	sn[0] = (fo_subnet){ .subnet_id = 1, .prefix = IP(10, 1, 0, 7), .plen = 24 };
	sn[1] = (fo_subnet){ .subnet_id = 2, .prefix = IP(10, 0, 0, 0), .plen = 8 };
	ck_assert_int_eq(fo_select_build(&s, sn, 2), FO_OK);
	ck_assert(s.overlap);
	ck_assert(fo_select_by_giaddr(&s, IP(10, 1, 0, 9), &id) && id == 1);
	ck_assert(fo_select_by_giaddr(&s, IP(10, 9, 0, 9), &id) && id == 2);
	fo_select_free(&s);
	sn[0].plen = 0;         /* everything */
	ck_assert_int_eq(fo_select_build(&s, sn, 2), FO_OK);
	ck_assert(fo_select_by_giaddr(&s, IP(10, 9, 0, 9), &id) && id == 1);
	fo_select_free(&s);

	/* Relay addresses anywhere: Kea may match giaddr to them first. */
	sn[3].relay_addresses = true;
	ck_assert_int_eq(fo_select_build(&s, sn + 1, 3), FO_OK);
	ck_assert(!fo_select_by_giaddr(&s, IP(10, 9, 0, 9), &id));
	fo_select_free(&s);
	ck_assert_int_eq(fo_select_build(&s, NULL, 0), FO_OK);
	ck_assert(!fo_select_by_giaddr(&s, IP(10, 9, 0, 9), &id));
	fo_select_free(&s);
	/* Without memory: "don't know" for everything. */
	fo_alloc_fail_after(0);
	ck_assert_int_eq(fo_select_build(&s, sn, 2), FO_ERR_NOMEM);
	fo_alloc_fail_after(-1);
	ck_assert(!fo_select_by_giaddr(&s, IP(10, 9, 0, 9), &id));
	fo_select_free(&s);
}
END_TEST

/* ---- fo_engine_receive against fo_engine_query ----------------------------------- */

static char dir[256];
static const fo_pool_range pool = { IP(10, 0, 0, 10), IP(10, 0, 0, 209) };
static const fo_pool_range pool3 = { IP(10, 1, 0, 10), IP(10, 1, 0, 209) };

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_receive.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	rm_tree(dir);
}

/* r1 over 10.0.0.0/24 (Kea subnet 7); Kea subnet 3 (10.1.0.0/24) is no failover scope. */
static fo_engine *
engine_in(const char *members, fo_state state)
{
	fo_subnet sn[2] = {
		{ .subnet_id = 3, .prefix = IP(10, 1, 0, 0), .plen = 24, .pools = &pool3, .n_pools = 1 },
		{ .subnet_id = 7, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool, .n_pools = 1 },
	};
	char params[1024], err[512] = "";
	fo_engine *eng = NULL;

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": \"192.0.2.1\","
	    " \"scope-id\": [\"10.0.0.0\"], %s}]}", dir, members);
	ck_assert_msg(fo_engine_create(&eng, params, NULL, err, sizeof(err)) == FO_OK, "%s", err);
	fo_engine_enable_test_seam(eng);
	ck_assert_msg(fo_engine_attach(eng, sn, 2, fo_wall_at(T0), err, sizeof(err)) == FO_OK,
	    "%s", err);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", state, FO_STATE_NORMAL,
	    fo_wall_at(T0), NULL, 0), FO_OK);
	return eng;
}

/* A generated query: random identity, kind, secs and relay; xorshift. */
static uint32_t rnd_state = 2463534242u;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

typedef struct query {
	pkt k;
	uint32_t kea_subnet;            /* what Kea selects by giaddr: 7, 3, or 0 for none */
	bool relayed;
} query;

static void
generate(query *q)
{
	static const fo_ip4 relays[4] = { IP(10, 0, 0, 4), IP(10, 0, 0, 250), IP(10, 1, 0, 4), 0 };
	static const uint8_t types[5] = { 1, 3, 3, 3, 7 };
	uint8_t hw[16], cid[20], t = types[rnd() % 5], hlen = (uint8_t)(rnd() % 4 == 0 ?
	    rnd() % 17 : 6), clen = (uint8_t)(rnd() % 3 == 0 ? 1 + rnd() % 19 : 0);
	fo_ip4 g = relays[rnd() % 4], ciaddr = 0, four = IP(10, 0, 0, 20);
	uint8_t a[4];

	for (size_t i = 0; i < sizeof(hw); i++)
		hw[i] = (uint8_t)rnd();
	for (size_t i = 0; i < sizeof(cid); i++)
		cid[i] = (uint8_t)rnd();
	if (t == 3 && rnd() % 2)
		ciaddr = four;
	header(&q->k, hlen, (uint16_t)(rnd() % 6), ciaddr, g, hw);
	opt(&q->k, 53, 1, &t);
	if (clen > 0)
		opt(&q->k, 61, clen, cid);
	put32(a, four);
	if (t == 3 && rnd() % 3 == 0)
		opt(&q->k, 54, 4, a);
	if (t == 3 && rnd() % 2)
		opt(&q->k, 50, 4, a);
	end(&q->k);
	q->relayed = g != 0;
	q->kea_subnet = g == 0 ? 0 : (g >> 8) == (IP(10, 0, 0, 0) >> 8) ? 7 : 3;
}

/* What the shim hands subnet4_select for the same packet (client_of, msg_of). */
static fo_verdict
subnet4_select(fo_engine *eng, const query *q)
{
	fo_pkt4 p;

	ck_assert_int_eq(fo_pkt4_parse(q->k.b, q->k.n, &p), FO_OK);
	fo_client_ref c = { p.cid, p.cid_len, p.chaddr, p.hlen, p.htype };
	fo_msg m = fo_msg_classify(p.type, p.ciaddr, q->relayed, p.server_id, p.requested_ip);

	if (q->kea_subnet == 0)
		return FO_V_PASS;
	return fo_engine_query(eng, q->kea_subnet, m, p.secs, &c, fo_wall_at(T0));
}

/*
 * N generated queries; *early: how many were dropped at receive, *late: by
 * subnet4_select only. `normal`: the relationship is in NORMAL.
 */
static void
compare(fo_engine *eng, unsigned n, bool normal, unsigned *early, unsigned *late)
{
	*early = *late = 0;
	for (unsigned i = 0; i < n; i++) {
		query q;
		fo_pkt4 p;

		generate(&q);
		fo_verdict r = fo_engine_receive(eng, q.k.b, q.k.n);
		fo_verdict s = subnet4_select(eng, &q);

		ck_assert_int_eq(fo_pkt4_parse(q.k.b, q.k.n, &p), FO_OK);
		fo_msg m = fo_pkt4_msg(&p, false);
		bool sure = normal && q.kea_subnet == 7 && (p.hlen > 0 || p.cid != NULL) &&
		    (m == FO_MSG_DISCOVER || m == FO_MSG_REQUEST_INIT_REBOOT ||
		    m == FO_MSG_REQUEST_REBIND);

		/* What buffer4_receive drops, subnet4_select drops; where it is sure, the same. */
		if (r == FO_V_DROP)
			ck_assert_int_eq(s, FO_V_DROP);
		if (sure)
			ck_assert_msg(r == s, "query %u: receive %d, subnet4_select %d", i, r, s);
		*early += r == FO_V_DROP;
		*late += r == FO_V_PASS && s == FO_V_DROP;
	}
}

static unsigned
counter(fo_engine *eng, const char *name)
{
	char *js = NULL, key[64];
	const char *at;
	unsigned v = 0;

	ck_assert_int_eq(fo_engine_get_json(eng, NULL, 0, false, fo_wall_at(T0), &js, NULL, 0),
	    FO_OK);
	snprintf(key, sizeof(key), "\"%s\":\"", name);
	ck_assert_ptr_nonnull(at = strstr(js, key));
	v = (unsigned)strtoul(at + strlen(key), NULL, 10);
	free(js);
	return v;
}

static void
check_same(const char *members)
{
	fo_engine *eng = engine_in(members, FO_STATE_NORMAL);
	unsigned early, late;

	compare(eng, 20000, true, &early, &late);
	ck_assert_uint_gt(early, 500);
	ck_assert_uint_eq(counter(eng, "clients-left-at-receive"), early);
	/* clients-left-to-partner counts both places (subnet4_select ran for every query here). */
	ck_assert_uint_eq(counter(eng, "clients-left-to-partner"), 2 * early + late);
	fo_engine_destroy(eng);
}

START_TEST(receive_same_as_subnet4_select_50_primary)
{
	check_same("\"server-type\": \"primary\", \"load-balance-percent\": 50, "
	    "\"load-balance-max-seconds\": 3");
}
END_TEST

START_TEST(receive_same_as_subnet4_select_70_secondary)
{
	check_same("\"server-type\": \"secondary\", \"load-balance-percent\": 70, "
	    "\"load-balance-max-seconds\": 3");
}
END_TEST

START_TEST(receive_same_as_subnet4_select_hot_standby_standby)
{
	check_same("\"server-type\": \"secondary\", \"mode\": \"hot-standby\", "
	    "\"server-role\": \"standby\"");
}
END_TEST

/* Not NORMAL: subnet4_select decides everything. */
START_TEST(receive_passes_everything_outside_normal)
{
	static const fo_state states[3] = { FO_STATE_COMM_INTERRUPTED, FO_STATE_STARTUP,
		FO_STATE_PARTNER_DOWN };
	unsigned early, late;

	for (int i = 0; i < 3; i++) {
		fo_engine *eng = engine_in("\"server-type\": \"primary\"", states[i]);

		compare(eng, 2000, false, &early, &late);
		ck_assert_uint_eq(early, 0);
		fo_engine_destroy(eng);
	}
	ck_assert_int_eq(fo_engine_receive(NULL, NULL, 0), FO_V_PASS);
}
END_TEST

/* A relayed SELECTING REQUEST (option 54 = sid, 50), optionally with RAI sub-option 11. */
static void
selecting(pkt *k, fo_ip4 giaddr, fo_ip4 sid, bool override)
{
	static const uint8_t rai_override[6] = { 11, 4, 10, 0, 0, 4 };
	uint8_t t = 3, a[4], r[4];

	header(k, 6, 0, 0, giaddr, MAC);
	opt(k, 53, 1, &t);
	put32(a, sid);
	opt(k, 54, 4, a);
	put32(r, IP(10, 0, 0, 20));
	opt(k, 50, 4, r);
	if (override)
		opt(k, 82, sizeof(rai_override), rai_override);
	end(k);
}

/*
 * A REQUEST naming the partner (192.0.2.2) as its server is dropped at receive
 * in NORMAL (Kea drops it after its parse, for its server identifier); one
 * naming another server, overridden by the relay (RFC 5107), not relayed,
 * outside a failover scope or outside NORMAL goes on.
 */
START_TEST(receive_drops_requests_for_the_partner)
{
	fo_engine *eng = engine_in("\"server-type\": \"primary\"", FO_STATE_NORMAL);
	fo_pkt4 p;
	pkt k;

	selecting(&k, IP(10, 0, 0, 4), IP(192, 0, 2, 2), false);
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_OK);
	ck_assert(p.server_id && !p.server_id_override);
	ck_assert_uint_eq(p.server_id_addr, IP(192, 0, 2, 2));
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_DROP);
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_DROP);
	ck_assert_uint_eq(counter(eng, "requests-for-partner-at-receive"), 2);
	ck_assert_uint_eq(counter(eng, "clients-left-to-partner"), 0);
	selecting(&k, IP(10, 0, 0, 4), IP(192, 0, 2, 1), false);      /* this server */
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_PASS);
	selecting(&k, IP(10, 0, 0, 4), IP(192, 0, 2, 2), true);       /* the relay's override */
	ck_assert_int_eq(fo_pkt4_parse(k.b, k.n, &p), FO_OK);
	ck_assert(p.server_id_override);
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_PASS);
	selecting(&k, 0, IP(192, 0, 2, 2), false);                     /* not relayed */
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_PASS);
	selecting(&k, IP(10, 1, 0, 4), IP(192, 0, 2, 2), false);       /* no failover scope */
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_PASS);
	ck_assert_uint_eq(counter(eng, "requests-for-partner-at-receive"), 2);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NOSTATE, fo_wall_at(T0), NULL, 0), FO_OK);
	selecting(&k, IP(10, 0, 0, 4), IP(192, 0, 2, 2), false);
	ck_assert_int_eq(fo_engine_receive(eng, k.b, k.n), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

/* The partner's address is known only when partner-server is one, and not this host's. */
START_TEST(partner_ip4_only_when_certain)
{
	fo_relationship r;

	memset(&r, 0, sizeof(r));
	snprintf(r.partner_server, sizeof(r.partner_server), "192.0.2.2");
	ck_assert_uint_eq(fo_relationship_partner_ip4(&r), IP(192, 0, 2, 2));
	snprintf(r.local_address, sizeof(r.local_address), "192.0.2.2");
	ck_assert_uint_eq(fo_relationship_partner_ip4(&r), 0);
	r.local_address[0] = '\0';
	snprintf(r.partner_server, sizeof(r.partner_server), "127.0.0.1");
	ck_assert_uint_eq(fo_relationship_partner_ip4(&r), 0);
	snprintf(r.partner_server, sizeof(r.partner_server), "0.0.0.0");
	ck_assert_uint_eq(fo_relationship_partner_ip4(&r), 0);
	snprintf(r.partner_server, sizeof(r.partner_server), "dhcp2.example.net");
	ck_assert_uint_eq(fo_relationship_partner_ip4(&r), 0);
}
END_TEST

static Suite *
receive_suite(void)
{
	Suite *s = suite_create("receive");
	TCase *tc = tcase_create("parser and selection");
	TCase *te = tcase_create("engine");

	tcase_add_test(tc, parse_reads_the_fields);
	tcase_add_test(tc, parse_refuses_every_truncation);
	tcase_add_test(tc, parse_refuses_what_it_cannot_be_sure_of);
	tcase_add_test(tc, select_by_giaddr);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(te, setup, teardown);
	tcase_set_timeout(te, 60);
	tcase_add_test(te, receive_same_as_subnet4_select_50_primary);
	tcase_add_test(te, receive_same_as_subnet4_select_70_secondary);
	tcase_add_test(te, receive_same_as_subnet4_select_hot_standby_standby);
	tcase_add_test(te, receive_passes_everything_outside_normal);
	tcase_add_test(te, receive_drops_requests_for_the_partner);
	tcase_add_test(tc, partner_ip4_only_when_certain);
	suite_add_tcase(s, te);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(receive_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
