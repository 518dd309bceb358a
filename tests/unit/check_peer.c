/*
 * check_peer.c - the failover session (fo_peer.c, fo_peer_bnd.c) and the
 * binding update rules (fo_update.c), driven by hand-made messages and a
 * fake clock: no socket, no thread, no waiting.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fo_digest.h"
#include "fo_peer.h"
#include "fo_report.h"
#include "fo_update.h"
#include "fo_wire.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define T0 1795244400
#define POOL_FIRST IP(10, 0, 0, 10)
#define POOL_LAST IP(10, 0, 0, 209)
#define NADDR 200

typedef struct side {
	fo_relationship rel;
	fo_scope_ref sref;
	fo_runtime rt;
	fo_peer *p;
	unsigned changes;
} side;

static char dir[256];
static side A, B;                       /* A primary, B secondary */
static int64_t wall = T0;               /* the fake clocks */
static int64_t mono = 1000000;
static size_t poolreqs_seen;            /* POOLREQs the secondary sent, counted by exchange() */

static fo_wall W(void) { return fo_wall_at(wall); }
static fo_mono M(void) { return fo_mono_at(mono); }

static void
changed(void *ctx, const fo_lease_change *c)
{
	(void)c;
	((side *)ctx)->changes++;
}

static fo_host host_a = { .ctx = &A, .lease_changed = changed };
static fo_host host_b = { .ctx = &B, .lease_changed = changed };

static const fo_pool_range pool = { POOL_FIRST, POOL_LAST };

/* One side: relationship r1, one scope, started (STARTUP), driven by hand. */
/* With a secret, both sides authenticate (EnableAuth). */
static const char *auth_secret;

static void
side_open(side *s, fo_server_type type, fo_dialect d, unsigned split_pct, fo_host *h)
{
	fo_subnet sn = { .subnet_id = 7, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool,
	    .n_pools = 1 };
	char path[4096], sub[300], err[256] = "";
	fo_scope **arr = calloc(1, sizeof(*arr));
	fo_scope_config cfg = { .scope_id = IP(10, 0, 0, 0), .subnet = &sn, .journal_path = path,
	    .secondary_percent = split_pct, .rel_name = "r1" };

	fo_relationship_defaults(&s->rel);
	snprintf(s->rel.name, sizeof(s->rel.name), "r1");
	snprintf(s->rel.partner_server, sizeof(s->rel.partner_server), "192.0.2.%d",
	    type == FO_PRIMARY ? 2 : 1);
	s->rel.server_type = type;
	s->rel.dialect = d;
	if (auth_secret != NULL) {
		s->rel.enable_auth = true;
		snprintf(s->rel.shared_secret, sizeof(s->rel.shared_secret), "%s", auth_secret);
	}
	s->rel.max_response_delay = 30;
	s->sref.scope_id = IP(10, 0, 0, 0);
	s->rel.scopes = &s->sref;
	s->rel.n_scopes = 1;
	snprintf(sub, sizeof(sub), "%s/%s", dir, type == FO_PRIMARY ? "a" : "b");
	ck_assert_int_eq(fo_runtime_init(&s->rt, &s->rel, sub, h, err, sizeof(err)), FO_OK);
	cfg.counters = &s->rt.ctr;
	ck_assert_int_eq(fo_runtime_journal_path(&s->rt, cfg.scope_id, path, sizeof(path)), FO_OK);
	ck_assert_msg(fo_scope_open(&arr[0], &cfg, W(), NULL, err, sizeof(err)) == FO_OK, "%s", err);
	fo_runtime_set_scopes(&s->rt, arr, 1);
	ck_assert_int_eq(fo_runtime_start(&s->rt, W(), err, sizeof(err)), FO_OK);
	atomic_store(&s->rt.driven, true);
	ck_assert_int_eq(fo_peer_create(&s->p, &s->rt), FO_OK);
}

static void
side_close(side *s)
{
	fo_peer_destroy(s->p);
	fo_runtime_fini(&s->rt);
	memset(s, 0, sizeof(*s));
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_peer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	wall = T0;
	mono = 1000000;
	poolreqs_seen = 0;
}

static void
teardown(void)
{
	side_close(&A);
	side_close(&B);
	rm_tree(dir);
}

static void
open_pair(fo_dialect d)
{
	side_open(&A, FO_PRIMARY, d, 50, &host_a);
	side_open(&B, FO_SECONDARY, d, 50, &host_b);
}

/* Decoded messages a side wrote (consumed). */
typedef struct msgs {
	fo_wire_msg m[64];
	uint8_t raw[64][FO_WIRE_MAX];
	size_t len[64];
	size_t n;
} msgs;

static msgs *
take(side *s, msgs *out)
{
	const uint8_t *b;
	size_t len, off = 0, ml;
	fo_digest_key key = { 0 };

	if (s->rel.enable_auth)
		ck_assert_int_eq(fo_digest_key_set(&key, s->rel.shared_secret,
		    strlen(s->rel.shared_secret)), FO_OK);
	out->n = 0;
	b = fo_peer_output(s->p, &len);
	while (off < len && out->n < 64) {
		ck_assert_int_eq(fo_wire_frame(b + off, len - off, &ml), FO_OK);
		ck_assert_uint_gt(ml, 0);
		memcpy(out->raw[out->n], b + off, ml);
		out->len[out->n] = ml;
		ck_assert_int_eq(fo_wire_decode(out->raw[out->n], ml, s->rel.dialect,
		    key.len > 0 ? &key : NULL, &out->m[out->n], NULL, NULL, 0), FO_OK);
		out->n++;
		off += ml;
	}
	fo_peer_consume(s->p, off);
	return out;
}

static size_t
count(const msgs *ms, fo_mtype t)
{
	size_t n = 0;

	for (size_t i = 0; i < ms->n; i++)
		n += ms->m[i].type == t;
	return n;
}

/* Move everything each side wrote to the other until both are quiet. */
static void
exchange(void)
{
	msgs *ms = malloc(sizeof(*ms));

	for (int round = 0; round < 200; round++) {
		size_t moved = 0;

		fo_peer_run(A.p, W(), M());
		fo_peer_run(B.p, W(), M());
		take(&A, ms);
		for (size_t i = 0; i < ms->n; i++)
			fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
		moved += ms->n;
		take(&B, ms);
		poolreqs_seen += count(ms, FO_M_POOLREQ);
		for (size_t i = 0; i < ms->n; i++)
			fo_peer_input(A.p, ms->raw[i], ms->len[i], W(), M());
		moved += ms->n;
		if (moved == 0)
			break;
	}
	free(ms);
}

static void
connect_pair(void)
{
	fo_peer_connected(A.p, W(), M());
	fo_peer_connected(B.p, W(), M());
	exchange();
}

static void
to_normal(fo_dialect d)
{
	open_pair(d);
	connect_pair();
	ck_assert_int_eq(fo_runtime_state(&A.rt), FO_STATE_NORMAL);
	ck_assert_int_eq(fo_runtime_state(&B.rt), FO_STATE_NORMAL);
}

/* ---- Connection ---------------------------------------------------------- */

START_TEST(primary_sends_connect)
{
	msgs *ms = malloc(sizeof(*ms));
	const fo_wire_msg *c;

	open_pair(FO_DIALECT_DRAFT);
	fo_peer_connected(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(ms->n, 1);
	c = &ms->m[0];
	ck_assert_int_eq(c->type, FO_M_CONNECT);
	ck_assert_str_eq(c->relationship, "r1");
	ck_assert_str_eq(c->vendor_class, FO_PEER_VENDOR_CLASS " (dialect draft)");
	ck_assert_uint_eq(c->protocol_version, 1);
	ck_assert_uint_eq(c->mclt, 3600);
	ck_assert_uint_eq(c->max_unacked, FO_DEFAULT_MAX_UNACKED_UPDATES);
	ck_assert_uint_eq(c->receive_timer, 30);
	ck_assert(c->present & FO_WIRE_BIT(FO_O_TLS_REQUEST));
	ck_assert_uint_eq(c->tls_request, 0);
	ck_assert_mem_eq(c->hba.bits, A.rt.hba.bits, FO_HBA_BYTES);
	ck_assert_uint_eq(c->time, T0);
	ck_assert_int_eq(fo_peer_conn(A.p), FO_CONN_WAIT_ACK);
	/* The secondary sends nothing until CONNECT arrives. */
	fo_peer_connected(B.p, W(), M());
	ck_assert_uint_eq(take(&B, ms)->n, 0);
	ck_assert_int_eq(fo_peer_conn(B.p), FO_CONN_WAIT_CONNECT);
	free(ms);
}
END_TEST

/* A CONNECT built as the primary would, changed by `mut`, into the secondary. */
static void
connect_case(fo_dialect d, int mut, unsigned want)
{
	fo_wire_msg *m = calloc(1, sizeof(*m));
	msgs *ms = malloc(sizeof(*ms));
	uint8_t buf[FO_WIRE_MAX];
	size_t len;

	open_pair(d);
	fo_peer_connected(A.p, W(), M());
	take(&A, ms);
	*m = ms->m[0];
	switch (mut) {
	case 1: snprintf(m->relationship, sizeof(m->relationship), "r2"); break;
	case 2: m->protocol_version = 2; break;
	case 3: m->mclt = 1800; break;
	case 4: m->present &= ~FO_WIRE_BIT(FO_O_HBA); break;
	case 5: m->time = T0 + 61; break;
	case 6: m->time = T0 - 61; break;
	case 7: m->hba.bits[0] ^= 1; break;
	case 8: m->time = T0 + 60; break;
	default: break;
	}
	ck_assert_int_eq(fo_wire_encode(m, d, NULL, buf, sizeof(buf), &len), FO_OK);
	fo_peer_connected(B.p, W(), M());
	fo_peer_input(B.p, buf, len, W(), M());
	take(&B, ms);
	ck_assert_uint_ge(ms->n, 1);
	ck_assert_int_eq(ms->m[0].type, FO_M_CONNECTACK);
	ck_assert_uint_eq(ms->m[0].xid, m->xid);
	if (want == 0) {
		ck_assert(!(ms->m[0].present & FO_WIRE_BIT(FO_O_REJECT_REASON)));
		ck_assert_uint_eq(ms->n, 2);
		ck_assert_int_eq(ms->m[1].type, FO_M_STATE);
		ck_assert(!fo_peer_want_close(B.p));
		ck_assert_int_eq(fo_peer_conn(B.p), FO_CONN_WAIT_STATE);
	} else {
		ck_assert(ms->m[0].present & FO_WIRE_BIT(FO_O_REJECT_REASON));
		ck_assert_uint_eq(ms->m[0].reject, want);
		ck_assert_uint_eq(ms->n, 1);
		ck_assert(fo_peer_want_close(B.p));
	}
	free(m);
	free(ms);
}

START_TEST(connect_accepted) { connect_case(FO_DIALECT_DRAFT, 0, 0); }
END_TEST
START_TEST(connect_name_mismatch_8) { connect_case(FO_DIALECT_DRAFT, 1, FO_REJ_INVALID_PARTNER); }
END_TEST
START_TEST(connect_version_14) { connect_case(FO_DIALECT_DRAFT, 2, FO_REJ_VERSION_MISMATCH); }
END_TEST
START_TEST(connect_mclt_5) { connect_case(FO_DIALECT_DRAFT, 3, FO_REJ_INVALID_MCLT); }
END_TEST
START_TEST(connect_no_hba_18) { connect_case(FO_DIALECT_DRAFT, 4, FO_REJ_HBA_CONFLICT); }
END_TEST
START_TEST(connect_skew_ahead_4) { connect_case(FO_DIALECT_DRAFT, 5, FO_REJ_TIME_MISMATCH); }
END_TEST
START_TEST(connect_skew_behind_4) { connect_case(FO_DIALECT_DRAFT, 6, FO_REJ_TIME_MISMATCH); }
END_TEST
START_TEST(connect_hba_differs_18) { connect_case(FO_DIALECT_DRAFT, 7, FO_REJ_HBA_CONFLICT); }
END_TEST
START_TEST(connect_skew_60_ok) { connect_case(FO_DIALECT_DRAFT, 8, 0); }
END_TEST
/* ISC dialect: the secondary adopts the primary's MCLT and HBA. */
START_TEST(connect_isc_adopts_mclt_hba)
{
	connect_case(FO_DIALECT_ISC, 3, 0);
	side_close(&A);
	side_close(&B);
	connect_case(FO_DIALECT_ISC, 7, 0);
	ck_assert_uint_eq(B.rt.hba.bits[0], A.rt.hba.bits[0] ^ 1);
}
END_TEST
static unsigned long reported(side *s, const char *leaf);

/* A leaf of failover-get's "state" container (fo_report.c) for side s. */
static unsigned long
reported_state(side *s, const char *leaf)
{
	char key[64], *out = NULL;
	const char *at;
	unsigned long v;
	fo_json j;

	fo_json_init(&j);
	fo_report_relationship(&j, &s->rt, false);
	ck_assert_int_eq(fo_json_finish(&j, &out), FO_OK);
	snprintf(key, sizeof(key), "\"%s\":", leaf);
	at = strstr(out, "\"state\":{");
	ck_assert_ptr_nonnull(at);
	at = strstr(at, key);
	ck_assert_msg(at != NULL, "no %s in the state of %s", leaf, out);
	v = strtoul(at + strlen(key), NULL, 10);
	free(out);
	return v;
}

/*
 * ISC dialect, MCLT configured 3600 on the secondary, 30 on the primary:
 * the secondary takes 30 (draft-12 7.1.1) for the lease-time rule, the
 * state machine and failover-get, and a first lease is at most 30 s. The
 * draft dialect refuses the same difference (connect_mclt_5).
 */
START_TEST(connect_isc_secondary_takes_primary_mclt)
{
	fo_serve_view v;
	fo_lease l = { .subnet_id = 7, .addr = POOL_FIRST, .valid_lft = 7200 };
	uint8_t mac[6] = { 0x52, 0x54, 0, 9, 9, 9 };

	open_pair(FO_DIALECT_ISC);
	A.rel.mclt = 30;
	atomic_store(&A.rt.mclt, 30);
	A.rt.fsm.mclt = 30;
	fo_runtime_view(&B.rt, &v);
	ck_assert_uint_eq(v.mclt, 3600);
	connect_pair();
	ck_assert_int_eq(fo_runtime_state(&B.rt), FO_STATE_NORMAL);
	fo_runtime_view(&B.rt, &v);
	ck_assert_uint_eq(v.mclt, 30);
	ck_assert_uint_eq(B.rt.fsm.mclt, 30);
	ck_assert_uint_eq(B.rel.mclt, 3600);            /* the configuration is unchanged */
	ck_assert_uint_eq(reported_state(&B, "max-client-lead-time"), 30);
	ck_assert_uint_eq(reported(&B, "max-client-lead-time"), 3600);  /* the config leaf */
	l.client.chaddr = mac;
	l.client.hlen = 6;
	l.client.htype = 1;
	ck_assert_int_ne(fo_scope_select(B.rt.scopes[0], &v, &l, W()), FO_V_REFUSE);
	ck_assert_uint_le(l.valid_lft, 30);
	ck_assert_uint_gt(l.valid_lft, 0);
}
END_TEST
START_TEST(connect_isc_still_needs_hba) { connect_case(FO_DIALECT_ISC, 4, FO_REJ_HBA_CONFLICT); }
END_TEST

/* fo_peer_partner_dialect over vendor-class strings: the dialect named, or none. */
START_TEST(partner_dialect_table)
{
	static const struct {
		const char *vc;
		bool present;
		const char *want;       /* NULL: not this hook, or no dialect named */
	} t[] = {
		{ "kea-failover-0.1 (dialect isc)", true, "isc" },
		{ "kea-failover-0.1 (dialect draft)", true, "draft" },
		{ "kea-failover-0.1 (dialect microsoft)", true, "microsoft" },
		{ "kea-failover-0.2 (dialect isc)", true, "isc" },       /* another version */
		{ "kea-failover-0.1", true, NULL },                       /* an older version */
		{ "kea-failover-0.1 (dialect isc", true, NULL },          /* unterminated */
		{ "kea-failover-0.1 (dialect )", true, NULL },            /* empty */
		{ "kea-failover-0.1 (dialect averyveryverylongname)", true, NULL },  /* too long */
		{ "isc-4.4.3-P1", true, NULL },                           /* ISC dhcpd */
		{ "isc-4.4.3-P1 (dialect draft)", true, NULL },           /* not this hook */
		{ "", true, NULL },
		{ "kea-failover-0.1 (dialect isc)", false, NULL },        /* option absent */
	};
	fo_wire_msg *m = calloc(1, sizeof(*m));
	char buf[16];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got;

		fo_wire_msg_init(m, FO_M_CONNECT, T0, 1);
		snprintf(m->vendor_class, sizeof(m->vendor_class), "%s", t[i].vc);
		if (t[i].present)
			m->present |= FO_WIRE_BIT(FO_O_VENDOR_CLASS);
		got = fo_peer_partner_dialect(m, buf, sizeof(buf));
		if (t[i].want == NULL)
			ck_assert_msg(got == NULL, "row %zu '%s': got %s", i, t[i].vc, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, t[i].want) == 0,
			    "row %zu '%s': got %s, want %s", i, t[i].vc, got ? got : "NULL", t[i].want);
	}
	free(m);
}
END_TEST

/* Each dialect names itself in CONNECT's vendor-class. */
START_TEST(connect_names_dialect)
{
	static const fo_dialect ds[] = { FO_DIALECT_DRAFT, FO_DIALECT_ISC };
	msgs *ms = malloc(sizeof(*ms));
	char buf[16], want[64];

	for (size_t i = 0; i < 2; i++) {
		side_open(&A, FO_PRIMARY, ds[i], 50, &host_a);
		fo_peer_connected(A.p, W(), M());
		take(&A, ms);
		ck_assert_int_eq(ms->m[0].type, FO_M_CONNECT);
		snprintf(want, sizeof(want), "kea-failover-0.1 (dialect %s)", fo_dialect_name(ds[i]));
		ck_assert_str_eq(ms->m[0].vendor_class, want);
		ck_assert_str_eq(fo_peer_partner_dialect(&ms->m[0], buf, sizeof(buf)),
		    fo_dialect_name(ds[i]));
		side_close(&A);
	}
	free(ms);
}
END_TEST

/*
 * Two instances of this hook, one `isc`, one `draft` (both ways round): the
 * secondary refuses CONNECT with reason 14 and a message naming both
 * dialects, both close, and no side ever reaches communications OK, however
 * often the primary tries again (before: Normal, then a batched BNDUPD the
 * ISC side cannot decode, CommunicationInterrupted, and again).
 */
static void
dialect_mismatch_case(fo_dialect pd, fo_dialect sd)
{
	msgs *ms = malloc(sizeof(*ms));
	char err[200];

	side_open(&A, FO_PRIMARY, pd, 50, &host_a);
	side_open(&B, FO_SECONDARY, sd, 50, &host_b);
	for (int attempt = 0; attempt < 5; attempt++) {
		fo_peer_connected(A.p, W(), M());
		fo_peer_connected(B.p, W(), M());
		take(&A, ms);
		ck_assert_uint_eq(ms->n, 1);
		fo_peer_input(B.p, ms->raw[0], ms->len[0], W(), M());
		take(&B, ms);
		ck_assert_uint_eq(ms->n, 1);
		ck_assert_int_eq(ms->m[0].type, FO_M_CONNECTACK);
		ck_assert(ms->m[0].present & FO_WIRE_BIT(FO_O_REJECT_REASON));
		ck_assert_uint_eq(ms->m[0].reject, FO_REJ_VERSION_MISMATCH);
		ck_assert(fo_peer_want_close(B.p));
		fo_peer_input(A.p, ms->raw[0], ms->len[0], W(), M());
		ck_assert(fo_peer_want_close(A.p));
		fo_peer_last_error(A.p, err, sizeof(err));
		ck_assert_msg(strstr(err, "reason 14") != NULL && strstr(err, "dialect mismatch") !=
		    NULL && strstr(err, fo_dialect_name(pd)) != NULL &&
		    strstr(err, fo_dialect_name(sd)) != NULL, "primary: %s", err);
		fo_peer_last_error(B.p, err, sizeof(err));
		ck_assert_msg(strstr(err, "dialect mismatch: the primary speaks") != NULL, "%s", err);
		fo_peer_closed(A.p, W(), M());
		fo_peer_closed(B.p, W(), M());
		ck_assert(!A.rt.fsm.comm_ok && !B.rt.fsm.comm_ok);
		ck_assert_int_ne(fo_runtime_state(&A.rt), FO_STATE_NORMAL);
		ck_assert_int_ne(fo_runtime_state(&B.rt), FO_STATE_NORMAL);
		wall += 2;
		mono += 2000;
	}
	ck_assert_uint_eq(fo_counter_get(&B.rt.ctr, FO_CTR_BNDUPD_RECEIVED), 0);
	free(ms);
}

START_TEST(dialect_mismatch_isc_primary) { dialect_mismatch_case(FO_DIALECT_ISC, FO_DIALECT_DRAFT); }
END_TEST
START_TEST(dialect_mismatch_draft_primary) { dialect_mismatch_case(FO_DIALECT_DRAFT, FO_DIALECT_ISC); }
END_TEST

/* A secondary that accepts anyway (an older version): the primary refuses its CONNECTACK. */
START_TEST(dialect_mismatch_refused_by_primary)
{
	fo_wire_msg *m = calloc(1, sizeof(*m));
	msgs *ms = malloc(sizeof(*ms));
	uint8_t buf[FO_WIRE_MAX];
	size_t len;
	char err[200];

	open_pair(FO_DIALECT_ISC);
	fo_peer_connected(A.p, W(), M());
	take(&A, ms);
	fo_wire_msg_init(m, FO_M_CONNECTACK, T0, ms->m[0].xid);
	snprintf(m->relationship, sizeof(m->relationship), "r1");
	snprintf(m->vendor_class, sizeof(m->vendor_class), "kea-failover-0.1 (dialect draft)");
	m->protocol_version = 1;
	m->present |= FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) | FO_WIRE_BIT(FO_O_VENDOR_CLASS) |
	    FO_WIRE_BIT(FO_O_PROTOCOL_VERSION);
	ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_ISC, NULL, buf, sizeof(buf), &len), FO_OK);
	fo_peer_input(A.p, buf, len, W(), M());
	ck_assert(fo_peer_want_close(A.p));
	take(&A, ms);
	ck_assert_uint_eq(ms->n, 1);
	ck_assert_int_eq(ms->m[0].type, FO_M_DISCONNECT);
	ck_assert_uint_eq(ms->m[0].reject, FO_REJ_VERSION_MISMATCH);
	fo_peer_last_error(A.p, err, sizeof(err));
	ck_assert_str_eq(err, "failover dialect mismatch: the secondary speaks draft, this primary isc");
	/* The same CONNECTACK naming isc (or no dialect) is accepted. */
	fo_peer_closed(A.p, W(), M());
	for (int k = 0; k < 2; k++) {
		fo_peer_connected(A.p, W(), M());
		take(&A, ms);
		m->xid = ms->m[0].xid;
		snprintf(m->vendor_class, sizeof(m->vendor_class), "%s",
		    k == 0 ? "kea-failover-0.1 (dialect isc)" : "kea-failover-0.1");
		ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_ISC, NULL, buf, sizeof(buf), &len),
		    FO_OK);
		fo_peer_input(A.p, buf, len, W(), M());
		ck_assert(!fo_peer_want_close(A.p));
		ck_assert_int_eq(fo_peer_conn(A.p), FO_CONN_WAIT_STATE);
		fo_peer_closed(A.p, W(), M());
	}
	free(m);
	free(ms);
}
END_TEST

START_TEST(connectack_reject_closes_primary)
{
	fo_wire_msg *m = calloc(1, sizeof(*m));
	msgs *ms = malloc(sizeof(*ms));
	uint8_t buf[FO_WIRE_MAX];
	size_t len;

	open_pair(FO_DIALECT_DRAFT);
	fo_peer_connected(A.p, W(), M());
	take(&A, ms);
	ck_assert_int_eq(fo_peer_encode_reject(&A.rel, FO_REJ_DUPLICATE_CONNECTION, ms->m[0].xid,
	    W(), buf, sizeof(buf), &len), FO_OK);
	fo_peer_input(A.p, buf, len, W(), M());
	ck_assert(fo_peer_want_close(A.p));
	fo_peer_last_error(A.p, (char *)buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr((char *)buf, "reason 7"));
	fo_peer_closed(A.p, W(), M());
	ck_assert_int_eq(fo_peer_conn(A.p), FO_CONN_IDLE);
	ck_assert_int_eq(fo_runtime_state(&A.rt), FO_STATE_STARTUP);
	free(m);
	free(ms);
}
END_TEST

START_TEST(state_exchange_reaches_normal_draft) { to_normal(FO_DIALECT_DRAFT); }
END_TEST

START_TEST(state_exchange_reaches_normal_isc) { to_normal(FO_DIALECT_ISC); }
END_TEST

START_TEST(message_before_handshake_disconnects)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_wire_msg *m = calloc(1, sizeof(*m));
	uint8_t buf[FO_WIRE_MAX];
	size_t len;

	open_pair(FO_DIALECT_DRAFT);
	fo_peer_connected(B.p, W(), M());
	fo_wire_msg_init(m, FO_M_UPDREQALL, T0, 5);
	ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_DRAFT, NULL, buf, sizeof(buf), &len), FO_OK);
	fo_peer_input(B.p, buf, len, W(), M());
	take(&B, ms);
	ck_assert_uint_eq(ms->n, 1);
	ck_assert_int_eq(ms->m[0].type, FO_M_DISCONNECT);
	ck_assert(fo_peer_want_close(B.p));
	free(m);
	free(ms);
}
END_TEST

/* ---- Keepalive and receive timer ----------------------------------------- */

START_TEST(contact_and_receive_timer)
{
	msgs *ms = malloc(sizeof(*ms));

	to_normal(FO_DIALECT_DRAFT);
	/* tSend = partner's receive-timer (30 s) / 3: CONTACT after 10 s of silence. */
	mono += 9000;
	fo_peer_run(A.p, W(), M());
	ck_assert_uint_eq(take(&A, ms)->n, 0);
	mono += 1000;
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(count(ms, FO_M_CONTACT), 1);
	/* tReceive = 30 s without a message from B: DISCONNECT 17, close, COMM-INT. */
	mono += 20000;
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(count(ms, FO_M_DISCONNECT), 1);
	ck_assert_uint_eq(ms->m[ms->n - 1].reject, FO_REJ_NO_TRAFFIC);
	ck_assert(fo_peer_want_close(A.p));
	fo_peer_closed(A.p, W(), M());
	ck_assert_int_eq(fo_runtime_state(&A.rt), FO_STATE_COMM_INTERRUPTED);
	free(ms);
}
END_TEST

START_TEST(contact_keeps_connection)
{
	to_normal(FO_DIALECT_DRAFT);
	for (int i = 0; i < 20; i++) {     /* 100 s, both keep talking */
		mono += 5000;
		exchange();
	}
	ck_assert(!fo_peer_want_close(A.p));
	ck_assert(!fo_peer_want_close(B.p));
	ck_assert_int_eq(fo_runtime_state(&A.rt), FO_STATE_NORMAL);
}
END_TEST

/* ---- Binding updates ------------------------------------------------------ */

/* Allocate n addresses on side s as the packet path would. */
static void
allocate(side *s, unsigned n, uint32_t lft)
{
	fo_serve_view v;

	fo_runtime_view(&s->rt, &v);
	for (unsigned i = 0; i < n; i++) {
		uint8_t mac[6] = { 0x52, 0x54, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		fo_lease l = { .subnet_id = 7, .addr = POOL_FIRST, .valid_lft = lft };

		l.client.chaddr = mac;
		l.client.hlen = 6;
		l.client.htype = 1;
		ck_assert_int_ne(fo_scope_select(s->rt.scopes[0], &v, &l, W()), FO_V_REFUSE);
		fo_scope_event(s->rt.scopes[0], FO_LE_COMMIT, &l, W());
	}
}

START_TEST(bndupd_window_isc)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_scope_counts c;

	to_normal(FO_DIALECT_ISC);
	allocate(&A, 50, 7200);
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	/* One binding per BNDUPD, at most max-unacked-updates (10) outstanding. */
	ck_assert_uint_eq(count(ms, FO_M_BNDUPD), 10);
	ck_assert_uint_eq(ms->m[0].nb, 1);
	ck_assert_uint_eq(fo_peer_unacked(A.p), 10);
	ck_assert(ms->m[0].b[0].present & FO_WIRE_BIT(FO_O_POTENTIAL_EXPIRATION));
	ck_assert(ms->m[0].b[0].present & FO_WIRE_BIT(FO_O_CLTT));
	ck_assert_int_eq(ms->m[0].b[0].status, FO_BS_ACTIVE);
	for (size_t i = 0; i < ms->n; i++)
		fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
	fo_peer_run(A.p, W(), M());
	ck_assert_uint_eq(take(&A, ms)->n, 0);  /* the window is full until acks come */
	exchange();
	ck_assert_uint_eq(fo_peer_unacked(A.p), 0);
	fo_scope_counts_get(A.rt.scopes[0], &c);
	ck_assert_uint_eq(c.pending, 0);
	fo_scope_counts_get(B.rt.scopes[0], &c);
	ck_assert_uint_eq(c.by_state[FO_BS_ACTIVE], 50);
	ck_assert_uint_ge(B.changes, 50);
	free(ms);
}
END_TEST

START_TEST(bndupd_batches_draft_and_pexp_acked)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_binding_info a, b;
	fo_ip4 addr = 0;

	to_normal(FO_DIALECT_DRAFT);
	allocate(&A, 40, 7200);
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(count(ms, FO_M_BNDUPD), 3);   /* 16 + 16 + 8 */
	ck_assert_uint_eq(ms->m[0].nb, FO_WIRE_MAX_BINDINGS);
	ck_assert_uint_eq(fo_peer_unacked(A.p), 40);
	addr = ms->m[0].b[0].addr;
	for (size_t i = 0; i < ms->n; i++)
		fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
	/* B journaled before answering: its bindings are there already. */
	ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], addr, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_ACTIVE);
	take(&B, ms);
	ck_assert_uint_eq(count(ms, FO_M_BNDACK), 3);
	ck_assert_uint_eq(ms->m[0].nb, FO_WIRE_MAX_BINDINGS);
	for (size_t i = 0; i < ms->n; i++)
		fo_peer_input(A.p, ms->raw[i], ms->len[i], W(), M());
	ck_assert_uint_eq(fo_peer_unacked(A.p), 0);
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], addr, &a), FO_OK);
	ck_assert_uint_ne(a.pexp_sent, 0);
	ck_assert_uint_eq(a.pexp_acked, a.pexp_sent);
	ck_assert_uint_eq(b.pexp_acked, a.pexp_sent);
	ck_assert(!(a.flags & FO_BF_UPDATE_PENDING));
	free(ms);
}
END_TEST

START_TEST(unacked_resent_after_reconnect)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_scope_counts c;

	to_normal(FO_DIALECT_ISC);
	allocate(&A, 5, 7200);
	fo_peer_run(A.p, W(), M());
	take(&A, ms);                           /* lost with the connection */
	ck_assert_uint_eq(count(ms, FO_M_BNDUPD), 5);
	fo_peer_closed(A.p, W(), M());
	fo_peer_closed(B.p, W(), M());
	ck_assert_uint_eq(fo_peer_unacked(A.p), 0);
	connect_pair();
	fo_scope_counts_get(B.rt.scopes[0], &c);
	ck_assert_uint_eq(c.by_state[FO_BS_ACTIVE], 5);
	fo_scope_counts_get(A.rt.scopes[0], &c);
	ck_assert_uint_eq(c.pending, 0);
	free(ms);
}
END_TEST

/* A leaf of the side's relationship as failover-get reports it (fo_report.c). */
static unsigned long
reported(side *s, const char *leaf)
{
	char key[64], *out = NULL;
	const char *at;
	unsigned long v;
	fo_json j;

	fo_json_init(&j);
	fo_report_relationship(&j, &s->rt, false);
	ck_assert_int_eq(fo_json_finish(&j, &out), FO_OK);
	snprintf(key, sizeof(key), "\"%s\":", leaf);
	at = strstr(out, key);
	ck_assert_msg(at != NULL, "no %s in %s", leaf, out);
	v = strtoul(at + strlen(key), NULL, 10);
	free(out);
	return v;
}

/*
 * failover-get's unacked-updates: the bindings of BNDUPDs sent and not yet
 * answered by a BNDACK (pending-updates: every binding still owed to the
 * partner, queued or sent).
 */
START_TEST(unacked_updates_reported)
{
	msgs *ms = malloc(sizeof(*ms)), *acks = malloc(sizeof(*acks));

	to_normal(FO_DIALECT_DRAFT);
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 0);
	allocate(&A, 50, 7200);
	/* Queued, nothing sent yet. */
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 0);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 50);
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(count(ms, FO_M_BNDUPD), 4);           /* 16 + 16 + 16 + 2 */
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 50);
	/* The partner applies them; no BNDACK has come back yet. */
	for (size_t i = 0; i < ms->n; i++)
		fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
	fo_peer_run(A.p, W(), M());
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 50);
	ck_assert_uint_eq(reported(&B, "unacked-updates"), 0);
	take(&B, acks);
	ck_assert_uint_eq(count(acks, FO_M_BNDACK), 4);
	/* One BNDACK (16 bindings), then the rest. */
	fo_peer_input(A.p, acks->raw[0], acks->len[0], W(), M());
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 34);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 34);
	for (size_t i = 1; i < acks->n; i++)
		fo_peer_input(A.p, acks->raw[i], acks->len[i], W(), M());
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 0);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 0);
	free(acks);
	free(ms);
}
END_TEST

/* ISC window: 10 one-binding BNDUPDs out, the other 40 wait on the queue. */
START_TEST(unacked_updates_reported_window_isc)
{
	msgs *ms = malloc(sizeof(*ms)), *acks = malloc(sizeof(*acks));

	to_normal(FO_DIALECT_ISC);
	allocate(&A, 50, 7200);
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	ck_assert_uint_eq(count(ms, FO_M_BNDUPD), 10);
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 10);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 50);
	/* The first ten acknowledged: the next ten go out at once. */
	for (size_t i = 0; i < ms->n; i++)
		fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
	take(&B, acks);
	ck_assert_uint_eq(count(acks, FO_M_BNDACK), 10);
	for (size_t i = 0; i < acks->n; i++)
		fo_peer_input(A.p, acks->raw[i], acks->len[i], W(), M());
	ck_assert_uint_eq(count(take(&A, ms), FO_M_BNDUPD), 10);
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 10);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 40);
	/* Lost with the connection: sent again on the next one, and acknowledged. */
	fo_peer_closed(A.p, W(), M());
	fo_peer_closed(B.p, W(), M());
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 0);
	connect_pair();
	ck_assert_uint_eq(reported(&A, "unacked-updates"), 0);
	ck_assert_uint_eq(reported(&A, "pending-updates"), 0);
	ck_assert_uint_eq(reported(&B, "unacked-updates"), 0);
	free(acks);
	free(ms);
}
END_TEST

START_TEST(released_acked_becomes_free)
{
	fo_binding_info a, b;
	fo_serve_view v;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	fo_lease l = { .subnet_id = 7, .addr = POOL_FIRST, .valid_lft = 7200 };

	to_normal(FO_DIALECT_DRAFT);
	l.client.chaddr = mac;
	l.client.hlen = 6;
	l.client.htype = 1;
	fo_runtime_view(&A.rt, &v);
	ck_assert_int_ne(fo_scope_select(A.rt.scopes[0], &v, &l, W()), FO_V_REFUSE);
	fo_scope_event(A.rt.scopes[0], FO_LE_COMMIT, &l, W());
	exchange();
	wall += 10;
	fo_scope_event(A.rt.scopes[0], FO_LE_RELEASE, &l, W());
	exchange();
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], l.addr, &a), FO_OK);
	ck_assert_int_eq(a.state, FO_BS_FREE);          /* primary: FREE after the ack */
	ck_assert(!(a.flags & FO_BF_UPDATE_PENDING));
	ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], l.addr, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_FREE);          /* and the partner learned it */
}
END_TEST

START_TEST(conflict_primary_rejects_secondary_accepts)
{
	fo_binding_info a, b;

	to_normal(FO_DIALECT_DRAFT);
	/* Both give POOL_FIRST to different clients while apart. */
	fo_peer_closed(A.p, W(), M());
	fo_peer_closed(B.p, W(), M());
	{
		fo_serve_view v;
		uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
		fo_lease l1 = { .subnet_id = 7, .valid_lft = 600 }, l2 = l1;
		fo_binding_info cur;
		fo_ip4 x;

		/* an address the primary owns, taken by each side */
		x = POOL_FIRST + 1;
		ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], x, &cur), FO_OK);
		if (cur.state != FO_BS_FREE)
			x = POOL_FIRST;
		l1.addr = l2.addr = x;
		l1.client.chaddr = m1;
		l2.client.chaddr = m2;
		l1.client.hlen = l2.client.hlen = 6;
		l1.client.htype = l2.client.htype = 1;
		l1.reserved = l2.reserved = true;        /* keep the address as asked */
		fo_runtime_view(&A.rt, &v);
		ck_assert_int_ne(fo_scope_select(A.rt.scopes[0], &v, &l1, W()), FO_V_REFUSE);
		fo_runtime_view(&B.rt, &v);
		wall += 5;
		ck_assert_int_ne(fo_scope_select(B.rt.scopes[0], &v, &l2, W()), FO_V_REFUSE);
		connect_pair();
		ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], x, &a), FO_OK);
		ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], x, &b), FO_OK);
		/* The primary's client wins on both (7.1.3 (5)). */
		ck_assert_int_eq(a.state, FO_BS_ACTIVE);
		ck_assert_int_eq(b.state, FO_BS_ACTIVE);
		ck_assert_mem_eq(a.client.hw, m1, 6);
		ck_assert_mem_eq(b.client.hw, m1, 6);
		ck_assert_uint_ge(fo_counter_get(&A.rt.ctr, FO_CTR_BNDUPD_REFUSED), 1);
		ck_assert_uint_ge(fo_counter_get(&B.rt.ctr, FO_CTR_BNDUPD_REJECTED), 1);
	}
}
END_TEST

/*
 * Only an address's owner gives it away. On the primary: the secondary's
 * BACKUP for a FREE address here (a claim) changes nothing and the secondary
 * is told the owner; the secondary's FREE for a BACKUP here changes nothing
 * while our BACKUP is not yet acknowledged (a stale report crossing it, as a
 * fresh ISC secondary's answer to UPDREQALL can be), and gives the address
 * back to us once it was.
 */
START_TEST(primary_keeps_ownership_of_free_addresses)
{
	fo_binding_info cur, in, applied, b;
	fo_ip4 x = 0, y = 0;

	to_normal(FO_DIALECT_DRAFT);
	for (fo_ip4 a = POOL_FIRST; a <= POOL_FIRST + 20 && (x == 0 || y == 0); a++)
		if (fo_scope_get(A.rt.scopes[0], a, &cur) == FO_OK) {
			if (cur.state == FO_BS_BACKUP && x == 0)
				x = a;
			if (cur.state == FO_BS_FREE && y == 0)
				y = a;
		}
	ck_assert_uint_ne(x, 0);
	ck_assert_uint_ne(y, 0);
	memset(&in, 0, sizeof(in));
	/* A claim on the primary's own address. */
	in.state = FO_BS_BACKUP;
	ck_assert_uint_eq(fo_scope_receive(A.rt.scopes[0], y, &in, FO_PRIMARY, FO_RX_GIVEBACKS, W(),
	    &applied), 0);
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], y, &cur), FO_OK);
	ck_assert_int_eq(cur.state, FO_BS_FREE);
	exchange();
	ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], y, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_FREE);
	/* A FREE crossing our unacknowledged BACKUP: stale. */
	ck_assert(fo_scope_requeue(A.rt.scopes[0], x));
	in.state = FO_BS_FREE;
	ck_assert_uint_eq(fo_scope_receive(A.rt.scopes[0], x, &in, FO_PRIMARY, FO_RX_GIVEBACKS, W(),
	    &applied), 0);
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], x, &cur), FO_OK);
	ck_assert_int_eq(cur.state, FO_BS_BACKUP);
	exchange();
	ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], x, &b), FO_OK);
	ck_assert_int_eq(b.state, FO_BS_BACKUP);
	/* Acknowledged: the secondary's FREE gives it back. */
	ck_assert_uint_eq(fo_scope_receive(A.rt.scopes[0], x, &in, FO_PRIMARY, FO_RX_GIVEBACKS, W(),
	    &applied), 0);
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], x, &cur), FO_OK);
	ck_assert_int_eq(cur.state, FO_BS_FREE);
}
END_TEST

static void
free_counts(side *s, uint32_t *fr, uint32_t *bk)
{
	fo_scope_counts c;

	fo_scope_counts_get(s->rt.scopes[0], &c);
	*fr = c.by_state[FO_BS_FREE];
	*bk = c.by_state[FO_BS_BACKUP];
}

/* Time passes in 5-second steps, the two talking (CONTACT keeps them up). */
static void
pass_time(int seconds)
{
	for (int t = 0; t < seconds; t += 5) {
		wall += 5;
		mono += 5000;
		exchange();
	}
}

/*
 * Rebalancing both ways (reference 8): after the split moves from 50/50 to
 * 80/20 the secondary gives its surplus back at the next rebalance period;
 * back to 50/50, the primary moves addresses to the secondary again. Each
 * time both tables end with the same split, and nothing is left unacked.
 */
START_TEST(rebalance_both_ways)
{
	uint32_t af, ab, bf, bb;

	to_normal(FO_DIALECT_DRAFT);
	free_counts(&A, &af, &ab);
	ck_assert_uint_eq(af, 100);
	ck_assert_uint_eq(ab, 100);
	A.rel.load_balance_percent = 80;
	B.rel.load_balance_percent = 20;
	pass_time(FO_POOL_REBALANCE_SECONDS + 1);
	free_counts(&A, &af, &ab);
	free_counts(&B, &bf, &bb);
	ck_assert_msg(af == 160 && ab == 40 && bf == 160 && bb == 40,
	    "80/20: primary FREE %u BACKUP %u, secondary FREE %u BACKUP %u", af, ab, bf, bb);
	A.rel.load_balance_percent = 50;
	B.rel.load_balance_percent = 50;
	pass_time(FO_POOL_REBALANCE_SECONDS + 1);
	free_counts(&A, &af, &ab);
	free_counts(&B, &bf, &bb);
	ck_assert_msg(af == 100 && ab == 100 && bf == 100 && bb == 100,
	    "50/50: primary FREE %u BACKUP %u, secondary FREE %u BACKUP %u", af, ab, bf, bb);
}
END_TEST

/* Towards ISC dhcpd only the primary balances: a Kea secondary gives nothing back. */
START_TEST(rebalance_isc_primary_only)
{
	uint32_t af, ab, bf, bb;

	to_normal(FO_DIALECT_ISC);
	A.rel.load_balance_percent = 80;
	B.rel.load_balance_percent = 20;
	pass_time(FO_POOL_REBALANCE_SECONDS + 1);
	free_counts(&A, &af, &ab);
	free_counts(&B, &bf, &bb);
	ck_assert_msg(af == 100 && ab == 100 && bf == 100 && bb == 100,
	    "isc: primary FREE %u BACKUP %u, secondary FREE %u BACKUP %u", af, ab, bf, bb);
	A.rel.load_balance_percent = 30;
	B.rel.load_balance_percent = 70;
	pass_time(FO_POOL_REBALANCE_SECONDS + 1);
	free_counts(&A, &af, &ab);
	free_counts(&B, &bf, &bb);
	ck_assert_msg(af == 60 && ab == 140 && bf == 60 && bb == 140,
	    "isc 30/70: primary FREE %u BACKUP %u, secondary FREE %u BACKUP %u", af, ab, bf, bb);
}
END_TEST

/*
 * Crossing updates between two real sessions (check_update.c plays every
 * case with the rules alone): the primary announces FREE while the
 * secondary announces EXPIRED for the same address. Each takes the other's;
 * the secondary, acknowledged for an EXPIRED it no longer has, announces
 * its FREE again, and both end FREE.
 */
START_TEST(crossing_updates_agree)
{
	fo_binding_info a, b, in, applied;
	fo_ip4 x = 0;

	to_normal(FO_DIALECT_DRAFT);
	for (fo_ip4 p = POOL_FIRST; p <= POOL_LAST && x == 0; p++)
		if (fo_scope_get(A.rt.scopes[0], p, &a) == FO_OK && a.state == FO_BS_FREE)
			x = p;
	ck_assert_uint_ne(x, 0);
	memset(&in, 0, sizeof(in));
	in.state = FO_BS_EXPIRED;
	in.client.htype = 1;
	in.client.hlen = 6;
	in.client.hw[5] = 9;
	in.cltt = (uint32_t)(wall - 600);
	in.expiry = (uint32_t)(wall - 10);
	ck_assert_uint_eq(fo_scope_receive(B.rt.scopes[0], x, &in, FO_SECONDARY, FO_RX_GIVEBACKS, W(),
	    &applied), 0);
	ck_assert(fo_scope_requeue(A.rt.scopes[0], x));
	ck_assert(fo_scope_requeue(B.rt.scopes[0], x));
	exchange();
	ck_assert_int_eq(fo_scope_get(A.rt.scopes[0], x, &a), FO_OK);
	ck_assert_int_eq(fo_scope_get(B.rt.scopes[0], x, &b), FO_OK);
	ck_assert_msg(a.state == b.state && a.state == FO_BS_FREE,
	    "primary %s, secondary %s", fo_bstate_name(a.state), fo_bstate_name(b.state));
}
END_TEST

/* EnableAuth: a captured message delivered again is refused and closes the connection. */
START_TEST(auth_replayed_message_closes)
{
	msgs *ms = malloc(sizeof(*ms));
	size_t k = SIZE_MAX;

	auth_secret = "replay-test-secret";
	to_normal(FO_DIALECT_DRAFT);
	auth_secret = NULL;
	/* A CONTACT from A after tSend, delivered once, then again. */
	mono += 20000;
	wall += 20;
	fo_peer_run(A.p, W(), M());
	take(&A, ms);
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].type == FO_M_CONTACT)
			k = i;
	ck_assert_uint_ne(k, SIZE_MAX);
	fo_peer_input(B.p, ms->raw[k], ms->len[k], W(), M());
	ck_assert_int_eq(fo_peer_conn(B.p), FO_CONN_UP);
	ck_assert_uint_eq(fo_counter_get(&B.rt.ctr, FO_CTR_AUTH_FAILURES), 0);
	fo_peer_input(B.p, ms->raw[k], ms->len[k], W(), M());
	ck_assert_int_ne(fo_peer_conn(B.p), FO_CONN_UP);
	ck_assert_uint_eq(fo_counter_get(&B.rt.ctr, FO_CTR_AUTH_FAILURES), 1);
	free(ms);
}
END_TEST

START_TEST(updreqall_then_upddone)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_wire_msg *m = calloc(1, sizeof(*m));
	uint8_t buf[FO_WIRE_MAX];
	size_t len, bnd = 0, done = 0;

	to_normal(FO_DIALECT_DRAFT);
	fo_wire_msg_init(m, FO_M_UPDREQALL, T0, 4242);
	ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_DRAFT, NULL, buf, sizeof(buf), &len), FO_OK);
	fo_peer_input(A.p, buf, len, W(), M());
	/* Answer each BNDUPD as B would, until UPDDONE comes. */
	for (int round = 0; round < 50 && done == 0; round++) {
		fo_peer_run(A.p, W(), M());
		take(&A, ms);
		for (size_t i = 0; i < ms->n; i++) {
			if (ms->m[i].type == FO_M_UPDDONE) {
				ck_assert_uint_eq(ms->m[i].xid, 4242);
				done++;
			}
			if (ms->m[i].type != FO_M_BNDUPD)
				continue;
			bnd += ms->m[i].nb;
			fo_peer_input(B.p, ms->raw[i], ms->len[i], W(), M());
		}
		take(&B, ms);
		for (size_t i = 0; i < ms->n; i++)
			fo_peer_input(A.p, ms->raw[i], ms->len[i], W(), M());
	}
	ck_assert_uint_eq(bnd, NADDR);           /* every binding */
	ck_assert_uint_eq(done, 1);
	free(m);
	free(ms);
}
END_TEST

START_TEST(upddone_moves_recover_on)
{
	open_pair(FO_DIALECT_DRAFT);
	connect_pair();
	/* A fresh pair went through Recover/RecoverWait/RecoverDone on UPDDONE. */
	ck_assert_int_eq(fo_runtime_state(&A.rt), FO_STATE_NORMAL);
	ck_assert_uint_ge(fo_counter_get(&A.rt.ctr, FO_CTR_BNDUPD_RECEIVED), NADDR);
}
END_TEST

START_TEST(poolreq_rebalances)
{
	msgs *ms = malloc(sizeof(*ms));
	fo_scope_counts ca, cb;
	size_t resp = 0;
	uint32_t moved = 0;

	/* A split nothing to the secondary: POOLREQ makes it move half of the pool. */
	side_open(&A, FO_PRIMARY, FO_DIALECT_DRAFT, 0, &host_a);
	side_open(&B, FO_SECONDARY, FO_DIALECT_DRAFT, 0, &host_b);
	connect_pair();
	ck_assert_int_eq(fo_runtime_state(&B.rt), FO_STATE_NORMAL);
	fo_scope_counts_get(A.rt.scopes[0], &ca);
	fo_scope_counts_get(B.rt.scopes[0], &cb);
	ck_assert_uint_eq(ca.by_state[FO_BS_BACKUP], NADDR / 2);
	ck_assert_uint_eq(cb.by_state[FO_BS_BACKUP], NADDR / 2);
	ck_assert_uint_eq(ca.by_state[FO_BS_FREE], NADDR / 2);
	ck_assert_uint_ge(poolreqs_seen, 1);     /* it owned nothing: it asked */
	/* A second POOLREQ moves nothing. */
	{
		fo_wire_msg *m = calloc(1, sizeof(*m));
		uint8_t buf[FO_WIRE_MAX];
		size_t len;

		fo_wire_msg_init(m, FO_M_POOLREQ, T0, 77);
		ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_DRAFT, NULL, buf, sizeof(buf), &len),
		    FO_OK);
		fo_peer_input(A.p, buf, len, W(), M());
		take(&A, ms);
		for (size_t i = 0; i < ms->n; i++)
			if (ms->m[i].type == FO_M_POOLRESP) {
				resp++;
				moved = ms->m[i].addresses_transferred;
				ck_assert_uint_eq(ms->m[i].xid, 77);
			}
		free(m);
	}
	ck_assert_uint_eq(resp, 1);
	ck_assert_uint_eq(moved, 0);
	free(ms);
}
END_TEST

/*
 * When a secondary asks for addresses (fo_peer_pool_short): rows of
 * dialect, FREE, BACKUP, share -> short. Draft: short of round(n * pct /
 * 100) by more than a tenth of it plus one. ISC: ISC's own secondary's
 * panic rule, half and half whatever the share.
 */
START_TEST(pool_short_table)
{
	static const struct {
		fo_dialect d;
		uint32_t fr, bk;
		unsigned pct;
		bool want;
	} t[] = {
		{ FO_DIALECT_DRAFT, 100, 100, 50, false },      /* balanced */
		{ FO_DIALECT_DRAFT, 200, 0, 50, true },         /* owns nothing */
		{ FO_DIALECT_DRAFT, 111, 89, 50, false },       /* short by 11 = 100/10 + 1 */
		{ FO_DIALECT_DRAFT, 112, 88, 50, true },        /* short by 12 */
		{ FO_DIALECT_DRAFT, 60, 140, 50, false },       /* owns more: gives back instead */
		{ FO_DIALECT_DRAFT, 160, 40, 20, false },       /* 80/20 balanced */
		{ FO_DIALECT_DRAFT, 200, 0, 0, false },         /* its share is nothing */
		{ FO_DIALECT_DRAFT, 0, 0, 50, false },          /* nothing free */
		{ FO_DIALECT_DRAFT, 1, 0, 50, false },          /* short by 1 of 1 */
		{ FO_DIALECT_DRAFT, 3, 0, 50, true },           /* short by 2 of 2 */
		{ FO_DIALECT_MS, 112, 88, 50, true },
		{ FO_DIALECT_DRAFT, 180, 20, 50, true },
		{ FO_DIALECT_ISC, 100, 100, 50, false },        /* balanced */
		{ FO_DIALECT_ISC, 112, 88, 50, false },         /* lts -12, thresh 30: fine */
		{ FO_DIALECT_ISC, 160, 40, 50, false },         /* lts -60 = panic */
		{ FO_DIALECT_ISC, 162, 38, 50, true },          /* lts -62 < -60 */
		{ FO_DIALECT_ISC, 200, 0, 50, true },
		{ FO_DIALECT_ISC, 200, 0, 0, true },            /* ISC ignores the share */
		{ FO_DIALECT_ISC, 100, 100, 0, false },
		{ FO_DIALECT_ISC, 0, 0, 50, false },            /* nothing free */
		{ FO_DIALECT_ISC, 2, 0, 50, false },            /* thresh 0, panic -1: lts -1 */
		{ FO_DIALECT_ISC, 4, 0, 50, false },            /* thresh 1, panic -2: lts -2 */
		{ FO_DIALECT_ISC, 6, 0, 50, true },             /* lts -3 < -2 */
		{ FO_DIALECT_ISC, 0, 200, 50, false },          /* owns them all */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(fo_peer_pool_short(t[i].d, t[i].fr, t[i].bk, t[i].pct) == t[i].want,
		    "row %zu: %s FREE %u BACKUP %u share %u%%: want %d", i,
		    fo_dialect_name(t[i].d), t[i].fr, t[i].bk, t[i].pct, t[i].want);
}
END_TEST

/*
 * A secondary sends POOLREQ on reaching Normal and at the rebalance period
 * only when short of its share (fo_peer_pool_short): balanced, never (ISC's
 * primary would log "answering negatively"); short, it asks and gets it.
 * `split`: the secondary's share in the first split of both tables (the
 * relationship's is 50).
 */
static void
poolreq_case(fo_dialect d, unsigned split, bool want)
{
	uint32_t af, ab, bf, bb;

	side_open(&A, FO_PRIMARY, d, split, &host_a);
	side_open(&B, FO_SECONDARY, d, split, &host_b);
	connect_pair();
	ck_assert_int_eq(fo_runtime_state(&B.rt), FO_STATE_NORMAL);
	/* On reaching Normal: the draft secondary asks at once; towards ISC only at the period. */
	ck_assert_uint_eq(poolreqs_seen, want && d != FO_DIALECT_ISC ? 1 : 0);
	pass_time(FO_POOL_REBALANCE_SECONDS + 1);
	free_counts(&A, &af, &ab);
	free_counts(&B, &bf, &bb);
	ck_assert_msg(want ? poolreqs_seen >= 1 : poolreqs_seen == 0,
	    "%s, first split %u%%: %zu POOLREQ(s); primary FREE %u BACKUP %u, secondary FREE %u "
	    "BACKUP %u", fo_dialect_name(d), split, poolreqs_seen, af, ab, bf, bb);
	ck_assert_msg(af == 100 && ab == 100 && bf == 100 && bb == 100,
	    "%s, first split %u%%: primary FREE %u BACKUP %u, secondary FREE %u BACKUP %u",
	    fo_dialect_name(d), split, af, ab, bf, bb);
}

START_TEST(poolreq_balanced_draft) { poolreq_case(FO_DIALECT_DRAFT, 50, false); }
END_TEST
START_TEST(poolreq_balanced_isc) { poolreq_case(FO_DIALECT_ISC, 50, false); }
END_TEST
START_TEST(poolreq_short_draft) { poolreq_case(FO_DIALECT_DRAFT, 30, true); }
END_TEST
START_TEST(poolreq_short_isc) { poolreq_case(FO_DIALECT_ISC, 10, true); }
END_TEST
/* ISC's rule: 60 of 200 is not short enough to ask; the primary's own period balances it. */
START_TEST(poolreq_isc_within_misbalance) { poolreq_case(FO_DIALECT_ISC, 30, false); }
END_TEST

/* ---- The acceptance table (draft-12 figure 7.1.3-1) ---------------------- */

static fo_binding_info
bi(fo_bstate s, uint8_t who, uint32_t cltt, uint32_t expiry, uint32_t stos)
{
	fo_binding_info b;

	memset(&b, 0, sizeof(b));
	b.state = s;
	b.cltt = cltt;
	b.expiry = expiry;
	b.stos = stos;
	if (who != 0) {
		b.client.htype = 1;
		b.client.hlen = 6;
		b.client.hw[5] = who;
	}
	return b;
}

START_TEST(accept_table)
{
	static const struct {
		fo_bstate cur, in;
		uint8_t cwho, iwho;
		uint32_t ccltt, icltt, cexp, cstos;
		fo_server_type me;
		unsigned want;
	} t[] = {
		/* ACTIVE update */
		{ FO_BS_ACTIVE, FO_BS_ACTIVE, 1, 1, 100, 90, 5000, 0, FO_PRIMARY, 0 },
		{ FO_BS_ACTIVE, FO_BS_ACTIVE, 1, 2, 100, 200, 5000, 0, FO_PRIMARY, 2 },
		{ FO_BS_ACTIVE, FO_BS_ACTIVE, 1, 2, 100, 200, 5000, 0, FO_SECONDARY, 0 },
		{ FO_BS_EXPIRED, FO_BS_ACTIVE, 1, 2, 100, 200, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_EXPIRED, FO_BS_ACTIVE, 1, 2, 300, 200, 0, 0, FO_PRIMARY, 15 },
		{ FO_BS_RELEASED, FO_BS_ACTIVE, 1, 2, 300, 200, 0, 0, FO_SECONDARY, 15 },
		{ FO_BS_FREE, FO_BS_ACTIVE, 0, 2, 0, 200, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_BACKUP, FO_BS_ACTIVE, 0, 2, 0, 200, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_RESET, FO_BS_ACTIVE, 0, 2, 0, 200, 0, 150, FO_PRIMARY, 0 },
		{ FO_BS_RESET, FO_BS_ACTIVE, 0, 2, 0, 100, 0, 150, FO_PRIMARY, 15 },
		{ FO_BS_ABANDONED, FO_BS_ACTIVE, 0, 2, 0, 200, 0, 0, FO_PRIMARY, 16 },
		/* EXPIRED update: time(2) over ACTIVE */
		{ FO_BS_ACTIVE, FO_BS_EXPIRED, 1, 1, 100, 100, 999, 0, FO_PRIMARY, 0 },
		{ FO_BS_ACTIVE, FO_BS_EXPIRED, 1, 1, 100, 100, 1001, 0, FO_PRIMARY, 15 },
		{ FO_BS_EXPIRED, FO_BS_EXPIRED, 1, 1, 100, 50, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_RELEASED, FO_BS_EXPIRED, 1, 1, 100, 150, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_RELEASED, FO_BS_EXPIRED, 1, 1, 100, 0, 0, 0, FO_PRIMARY, 15 },
		{ FO_BS_ABANDONED, FO_BS_EXPIRED, 0, 1, 0, 100, 0, 0, FO_PRIMARY, 16 },
		/* RELEASED update: time(1) over ACTIVE */
		{ FO_BS_ACTIVE, FO_BS_RELEASED, 1, 1, 100, 101, 5000, 0, FO_PRIMARY, 0 },
		{ FO_BS_ACTIVE, FO_BS_RELEASED, 1, 1, 100, 99, 5000, 0, FO_PRIMARY, 15 },
		/* A CLTT tie, one client: the lease's end is later than its start. */
		{ FO_BS_ACTIVE, FO_BS_RELEASED, 1, 1, 100, 100, 5000, 0, FO_PRIMARY, 0 },
		/* A tie, two clients: the new lease is later than the other's end. */
		{ FO_BS_ACTIVE, FO_BS_RELEASED, 1, 2, 100, 100, 5000, 0, FO_PRIMARY, 15 },
		{ FO_BS_RELEASED, FO_BS_ACTIVE, 1, 2, 100, 100, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_RELEASED, FO_BS_ACTIVE, 1, 1, 100, 100, 0, 0, FO_PRIMARY, 15 },
		{ FO_BS_ACTIVE, FO_BS_RELEASED, 1, 1, 0, 1, 5000, 0, FO_PRIMARY, 0 },
		{ FO_BS_EXPIRED, FO_BS_RELEASED, 1, 1, 100, 50, 0, 0, FO_PRIMARY, 0 },
		/* FREE / BACKUP update: time(2) over ACTIVE */
		{ FO_BS_ACTIVE, FO_BS_FREE, 1, 0, 100, 0, 5000, 0, FO_PRIMARY, 15 },
		{ FO_BS_ACTIVE, FO_BS_BACKUP, 1, 0, 100, 0, 500, 0, FO_SECONDARY, 0 },
		{ FO_BS_RESET, FO_BS_FREE, 0, 0, 0, 0, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_ABANDONED, FO_BS_BACKUP, 0, 0, 0, 0, 0, 0, FO_PRIMARY, 16 },
		/* RESET / ABANDONED update: always accepted */
		{ FO_BS_ACTIVE, FO_BS_RESET, 1, 0, 100, 0, 5000, 0, FO_PRIMARY, 0 },
		{ FO_BS_ABANDONED, FO_BS_ABANDONED, 0, 0, 0, 0, 0, 0, FO_PRIMARY, 0 },
		{ FO_BS_ACTIVE, FO_BS_ABANDONED, 1, 0, 100, 0, 5000, 0, FO_SECONDARY, 0 },
		/* ACTIVE without client: missing information */
		{ FO_BS_FREE, FO_BS_ACTIVE, 0, 0, 0, 100, 0, 0, FO_PRIMARY, 3 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fo_binding_info cur = bi(t[i].cur, t[i].cwho, t[i].ccltt, t[i].cexp, t[i].cstos);
		fo_binding_info in = bi(t[i].in, t[i].iwho, t[i].icltt,
		    t[i].in == FO_BS_ACTIVE ? 9000 : 0, 0);

		ck_assert_msg(fo_update_decide(&cur, &in, t[i].me, fo_wall_at(1000)) == t[i].want,
		    "row %zu: %s <- %s: got %u, want %u", i, fo_bstate_name(t[i].cur),
		    fo_bstate_name(t[i].in), fo_update_decide(&cur, &in, t[i].me,
		    fo_wall_at(1000)), t[i].want);
	}
}
END_TEST

START_TEST(merge_rules)
{
	fo_binding_info cur = bi(FO_BS_ACTIVE, 1, 100, 5000, 50), in, out;

	cur.flags = FO_BF_RESERVED | FO_BF_UPDATE_PENDING | FO_BF_TENTATIVE;
	cur.pexp_acked = 6000;
	in = bi(FO_BS_ACTIVE, 2, 200, 7000, 0);
	in.pexp_sent = 9000;
	fo_update_merge(&cur, &in, fo_wall_at(1000), &out);
	ck_assert_uint_eq(out.client.hw[5], 2);
	ck_assert_uint_eq(out.expiry, 7000);
	ck_assert_uint_eq(out.pexp_acked, 9000);
	ck_assert_uint_eq(out.cltt, 200);
	ck_assert_uint_eq(out.stos, 50);                /* same state, no stos: kept */
	ck_assert_uint_eq(out.flags, FO_BF_RESERVED);
	in = bi(FO_BS_FREE, 0, 0, 0, 0);
	fo_update_merge(&cur, &in, fo_wall_at(1000), &out);
	ck_assert_uint_eq(out.client.hlen, 0);
	ck_assert_uint_eq(out.expiry, 0);
	ck_assert_uint_eq(out.stos, 1000);
	in = bi(FO_BS_RELEASED, 0, 300, 0, 0);
	fo_update_merge(&cur, &in, fo_wall_at(1000), &out);
	ck_assert_uint_eq(out.client.hw[5], 1);         /* kept */
	ck_assert_uint_eq(out.cltt, 300);
	ck_assert(fo_update_frees_on_ack(FO_BS_RELEASED));
	ck_assert(!fo_update_frees_on_ack(FO_BS_ACTIVE));
}
END_TEST

static Suite *
peer_suite(void)
{
	Suite *s = suite_create("peer");
	TCase *c = tcase_create("connect"), *k = tcase_create("keepalive"),
	    *b = tcase_create("bndupd"), *t = tcase_create("rules");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, primary_sends_connect);
	tcase_add_test(c, connect_accepted);
	tcase_add_test(c, connect_name_mismatch_8);
	tcase_add_test(c, connect_version_14);
	tcase_add_test(c, connect_mclt_5);
	tcase_add_test(c, connect_no_hba_18);
	tcase_add_test(c, connect_skew_ahead_4);
	tcase_add_test(c, connect_skew_behind_4);
	tcase_add_test(c, connect_hba_differs_18);
	tcase_add_test(c, connect_skew_60_ok);
	tcase_add_test(c, connect_isc_adopts_mclt_hba);
	tcase_add_test(c, connect_isc_secondary_takes_primary_mclt);
	tcase_add_test(c, connect_isc_still_needs_hba);
	tcase_add_test(c, connectack_reject_closes_primary);
	tcase_add_test(c, partner_dialect_table);
	tcase_add_test(c, connect_names_dialect);
	tcase_add_test(c, dialect_mismatch_isc_primary);
	tcase_add_test(c, dialect_mismatch_draft_primary);
	tcase_add_test(c, dialect_mismatch_refused_by_primary);
	tcase_add_test(c, state_exchange_reaches_normal_draft);
	tcase_add_test(c, state_exchange_reaches_normal_isc);
	tcase_add_test(c, message_before_handshake_disconnects);
	suite_add_tcase(s, c);
	tcase_add_checked_fixture(k, setup, teardown);
	tcase_add_test(k, contact_and_receive_timer);
	tcase_add_test(k, contact_keeps_connection);
	suite_add_tcase(s, k);
	tcase_add_checked_fixture(b, setup, teardown);
	tcase_add_test(b, bndupd_window_isc);
	tcase_add_test(b, bndupd_batches_draft_and_pexp_acked);
	tcase_add_test(b, unacked_resent_after_reconnect);
	tcase_add_test(b, unacked_updates_reported);
	tcase_add_test(b, unacked_updates_reported_window_isc);
	tcase_add_test(b, released_acked_becomes_free);
	tcase_add_test(b, conflict_primary_rejects_secondary_accepts);
	tcase_add_test(b, updreqall_then_upddone);
	tcase_add_test(b, primary_keeps_ownership_of_free_addresses);
	tcase_add_test(b, rebalance_both_ways);
	tcase_add_test(b, rebalance_isc_primary_only);
	tcase_add_test(b, crossing_updates_agree);
	tcase_add_test(b, auth_replayed_message_closes);
	tcase_add_test(b, upddone_moves_recover_on);
	tcase_add_test(b, poolreq_rebalances);
	tcase_add_test(b, poolreq_balanced_draft);
	tcase_add_test(b, poolreq_balanced_isc);
	tcase_add_test(b, poolreq_short_draft);
	tcase_add_test(b, poolreq_short_isc);
	tcase_add_test(b, poolreq_isc_within_misbalance);
	tcase_add_test(t, pool_short_table);
	suite_add_tcase(s, b);
	tcase_add_test(t, accept_table);
	tcase_add_test(t, merge_rules);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(peer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
