/*
 * check_wire.c - failover wire codec: known bytes, round trips in every
 * dialect, framing, malformed input, mutations.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fo_cursor.h"
#include "fo_wire.h"
#include "../wire/wire_samples.h"

static const fo_dialect dialects[] = {
	FO_DIALECT_DRAFT, FO_DIALECT_ISC, FO_DIALECT_MS,
};
#define N_DIALECTS 3

/* Decode in dialect d with no key; return the status, why in *why. */
static fo_status
dec(const uint8_t *b, size_t n, fo_dialect d, fo_wire_msg *m, fo_reject *why)
{
	char err[160];

	return fo_wire_decode(b, n, d, NULL, m, why, err, sizeof(err));
}

/* ---- known bytes ---- */

/* CONNECT as ISC dhcpd 4.4.3 sends it (failover.c dhcp_failover_send_connect). */
static const uint8_t isc_connect[] = {
	0x00, 0x6a, 0x05, 0x0c, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x16, 0x00, 0x04, 'p', 'e', 'e', 'r',
	0x00, 0x0e, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0a,
	0x00, 0x13, 0x00, 0x04, 0x00, 0x00, 0x00, 0x1e,
	0x00, 0x1c, 0x00, 0x0c, 'i', 's', 'c', '-', '4', '.', '4', '.',
	'3', '-', 'P', '1',
	0x00, 0x14, 0x00, 0x01, 0x01,
	0x00, 0x1b, 0x00, 0x01, 0x00,
	0x00, 0x0f, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x0b, 0x00, 0x20,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* BNDUPD as ISC sends it (reference section 3): ACTIVE 10.0.1.5. */
static const uint8_t isc_bndupd[] = {
	0x00, 0x4f, 0x03, 0x0c, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x02, 0x00, 0x04, 0x0a, 0x00, 0x01, 0x05,
	0x00, 0x03, 0x00, 0x01, 0x02,
	0x00, 0x04, 0x00, 0x07, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x05, 0x00, 0x07, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x0d, 0x00, 0x04, 0x65, 0x53, 0xff, 0x10,
	0x00, 0x12, 0x00, 0x04, 0x65, 0x54, 0x06, 0x18,
	0x00, 0x19, 0x00, 0x04, 0x65, 0x53, 0xf0, 0xf6,
	0x00, 0x06, 0x00, 0x04, 0x65, 0x53, 0xf0, 0xf6,
};

/* STATE: NORMAL, no flags, start time. */
static const uint8_t isc_state[] = {
	0x00, 0x1e, 0x0a, 0x0c, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x18, 0x00, 0x01, 0x02,
	0x00, 0x17, 0x00, 0x01, 0x00,
	0x00, 0x19, 0x00, 0x04, 0x65, 0x53, 0xf0, 0x9c,
};

/* BNDACK rejecting the update (dhcp_failover_send_bind_ack with a reason). */
static const uint8_t isc_bndack_reject[] = {
	0x00, 0x6d, 0x04, 0x0c, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x02, 0x00, 0x04, 0x0a, 0x00, 0x01, 0x05,
	0x00, 0x03, 0x00, 0x01, 0x02,
	0x00, 0x05, 0x00, 0x07, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x0d, 0x00, 0x04, 0x65, 0x53, 0xff, 0x10,
	0x00, 0x12, 0x00, 0x04, 0x65, 0x54, 0x06, 0x18,
	0x00, 0x19, 0x00, 0x04, 0x65, 0x53, 0xf0, 0xf6,
	0x00, 0x06, 0x00, 0x04, 0x65, 0x53, 0xf0, 0xf6,
	0x00, 0x15, 0x00, 0x01, 0x02,
	0x00, 0x10, 0x00, 0x20, 'i', 'n', 'v', 'a', 'l', 'i', 'd', ' ',
	'b', 'i', 'n', 'd', 'i', 'n', 'g', ' ', 's', 't', 'a', 't', 'e', ' ',
	't', 'r', 'a', 'n', 's', 'i', 't', 'i', 'o', 'n',
};

/* Re-encode in the ISC dialect and expect the very same bytes. */
static void
expect_reencode(const fo_wire_msg *m, const uint8_t *want, size_t n)
{
	uint8_t out[FO_WIRE_MAX];
	size_t len = 0;

	ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_ISC, NULL, out,
	    sizeof(out), &len), FO_OK);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(out, want, n);
}

START_TEST(test_known_connect)
{
	fo_wire_msg m;
	fo_reject why;
	size_t len = 0;

	ck_assert_int_eq(fo_wire_frame(isc_connect, 2, &len), FO_OK);
	ck_assert_uint_eq(len, sizeof(isc_connect));
	ck_assert_int_eq(dec(isc_connect, sizeof(isc_connect), FO_DIALECT_ISC,
	    &m, &why), FO_OK);
	ck_assert_int_eq(why, FO_REJ_NONE);
	ck_assert_int_eq(m.type, FO_M_CONNECT);
	ck_assert_uint_eq(m.time, 1700000000u);
	ck_assert_uint_eq(m.xid, 1);
	ck_assert_uint_eq(m.offset, 12);
	ck_assert_str_eq(m.relationship, "peer");
	ck_assert_uint_eq(m.max_unacked, 10);
	ck_assert_uint_eq(m.receive_timer, 30);
	ck_assert_str_eq(m.vendor_class, "isc-4.4.3-P1");
	ck_assert_uint_eq(m.protocol_version, 1);
	ck_assert_uint_eq(m.tls_request, 0);
	ck_assert_uint_eq(m.mclt, 3600);
	ck_assert_uint_eq(fo_hba_count(&m.hba), 128);
	ck_assert(fo_hba_primary(&m.hba, 127));
	ck_assert(!fo_hba_primary(&m.hba, 128));
	ck_assert_uint_eq(m.present, FO_WIRE_BIT(22) | FO_WIRE_BIT(14) |
	    FO_WIRE_BIT(19) | FO_WIRE_BIT(28) | FO_WIRE_BIT(20) |
	    FO_WIRE_BIT(27) | FO_WIRE_BIT(15) | FO_WIRE_BIT(11));
	ck_assert_uint_eq(m.nb, 0);
	ck_assert_uint_eq(m.skipped, 0);
	expect_reencode(&m, isc_connect, sizeof(isc_connect));
}
END_TEST

static void
check_isc_binding(const fo_wire_binding *b)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	ck_assert_uint_eq(b->addr, 0x0a000105u);
	ck_assert_int_eq(b->status, FO_BS_ACTIVE);
	ck_assert_uint_eq(b->client.htype, 1);
	ck_assert_uint_eq(b->client.hlen, 6);
	ck_assert_mem_eq(b->client.hw, mac, 6);
	ck_assert_uint_eq(b->expiry, 1700003600u);
	ck_assert_uint_eq(b->pexp, 1700005400u);
	ck_assert_uint_eq(b->stos, 1699999990u);
	ck_assert_uint_eq(b->cltt, 1699999990u);
}

START_TEST(test_known_bndupd)
{
	static const uint8_t cid[7] = { 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	fo_wire_msg m;
	fo_reject why;

	ck_assert_int_eq(dec(isc_bndupd, sizeof(isc_bndupd), FO_DIALECT_ISC,
	    &m, &why), FO_OK);
	ck_assert_int_eq(m.type, FO_M_BNDUPD);
	ck_assert_uint_eq(m.xid, 42);
	ck_assert_uint_eq(m.present, 0);
	ck_assert_uint_eq(m.nb, 1);
	check_isc_binding(&m.b[0]);
	ck_assert_uint_eq(m.b[0].client.cidlen, 7);
	ck_assert_mem_eq(m.b[0].client.cid, cid, 7);
	ck_assert_uint_eq(m.b[0].present, FO_WIRE_BIT(2) | FO_WIRE_BIT(3) |
	    FO_WIRE_BIT(4) | FO_WIRE_BIT(5) | FO_WIRE_BIT(13) |
	    FO_WIRE_BIT(18) | FO_WIRE_BIT(25) | FO_WIRE_BIT(6));
	expect_reencode(&m, isc_bndupd, sizeof(isc_bndupd));
	/* The draft dialect reads the same bytes the same way. */
	ck_assert_int_eq(dec(isc_bndupd, sizeof(isc_bndupd),
	    FO_DIALECT_DRAFT, &m, &why), FO_OK);
	check_isc_binding(&m.b[0]);
}
END_TEST

START_TEST(test_known_state)
{
	fo_wire_msg m;
	fo_reject why;
	fo_state s;

	ck_assert_int_eq(dec(isc_state, sizeof(isc_state), FO_DIALECT_ISC, &m,
	    &why), FO_OK);
	ck_assert_int_eq(m.type, FO_M_STATE);
	ck_assert_uint_eq(m.xid, 3);
	ck_assert_uint_eq(m.server_state, 2);
	ck_assert(fo_state_from_wire(m.server_state, &s));
	ck_assert_int_eq(s, FO_STATE_NORMAL);
	ck_assert_uint_eq(m.server_flags, 0);
	ck_assert_uint_eq(m.stos, 1699999900u);
	ck_assert_uint_eq(m.present, FO_WIRE_BIT(24) | FO_WIRE_BIT(23) |
	    FO_WIRE_BIT(25));
	expect_reencode(&m, isc_state, sizeof(isc_state));
}
END_TEST

START_TEST(test_known_bndack_reject)
{
	fo_wire_msg m;
	fo_reject why;

	ck_assert_int_eq(dec(isc_bndack_reject, sizeof(isc_bndack_reject),
	    FO_DIALECT_ISC, &m, &why), FO_OK);
	ck_assert_int_eq(m.type, FO_M_BNDACK);
	ck_assert_uint_eq(m.xid, 42);
	ck_assert_uint_eq(m.nb, 1);
	check_isc_binding(&m.b[0]);
	ck_assert_uint_eq(m.b[0].client.cidlen, 0);
	ck_assert_uint_eq(m.b[0].reject, FO_REJ_FATAL_CONFLICT);
	ck_assert_uint_eq(m.b[0].message.len, 32);
	ck_assert_mem_eq(m.b[0].message.p, "invalid binding state transition",
	    32);
	ck_assert_uint_eq(m.present, 0);
	ck_assert(m.b[0].present & FO_WIRE_BIT(FO_O_REJECT_REASON));
	expect_reencode(&m, isc_bndack_reject, sizeof(isc_bndack_reject));
}
END_TEST

/* ---- round trips ---- */

static void
round_trip(fo_mtype t, fo_dialect d, const fo_digest_key *key)
{
	fo_wire_msg in, out, again;
	uint8_t buf[FO_WIRE_MAX], buf2[FO_WIRE_MAX];
	size_t len = 0, len2 = 0;
	fo_reject why;
	char err[160];

	ws_sample(&in, t, d);
	ck_assert_int_eq(fo_wire_encode(&in, d, key, buf, sizeof(buf), &len),
	    FO_OK);
	ck_assert_uint_eq(buf[3], d == FO_DIALECT_MS ? 8 : 12);
	ck_assert_int_eq(fo_wire_decode(buf, len, d, key, &out, &why, err,
	    sizeof(err)), FO_OK);
	in.digest = key != NULL;
	ck_assert_msg(ws_msg_eq(&in, &out), "%s in %s differs",
	    fo_mtype_name(t), fo_dialect_name(d));
	/* Encoding what was decoded gives the same bytes. */
	ck_assert_int_eq(fo_wire_encode(&out, d, key, buf2, sizeof(buf2),
	    &len2), FO_OK);
	ck_assert_uint_eq(len, len2);
	ck_assert_mem_eq(buf, buf2, len);
	ck_assert_int_eq(fo_wire_decode(buf2, len2, d, key, &again, &why, err,
	    sizeof(err)), FO_OK);
	ck_assert(ws_msg_eq(&out, &again));
}

/* _i: message type (1..12) x dialect x digest. */
START_TEST(test_round_trip)
{
	fo_mtype t = (fo_mtype)(_i / (N_DIALECTS * 2) + 1);
	fo_dialect d = dialects[_i / 2 % N_DIALECTS];
	fo_digest_key key;

	ws_key(&key);
	round_trip(t, d, _i % 2 ? &key : NULL);
}
END_TEST

START_TEST(test_draft_batch)
{
	fo_wire_msg in, out;
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0;
	fo_reject why;

	fo_wire_msg_init(&in, FO_M_BNDUPD, WS_TIME, 7);
	for (unsigned i = 0; i < FO_WIRE_MAX_BINDINGS; i++)
		ws_binding(fo_wire_add_binding(&in, WS_NET + i), i,
		    (fo_bstate)(i % FO_BS_MAX + 1));
	ck_assert_ptr_null(fo_wire_add_binding(&in, WS_NET + 99));
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert_uint_eq(out.nb, FO_WIRE_MAX_BINDINGS);
	ck_assert(ws_msg_eq(&in, &out));
	/* ISC: a second assigned-IP-address is a protocol error ... */
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	/* ... and the encoder refuses to send two bindings to ISC. */
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	in.nb = 2;
	in.type = FO_M_BNDACK;
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	in.nb = 1;
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_OK);
}
END_TEST

/* A hand-built message: header then options added with opt_*(). */
struct mb {
	uint8_t b[FO_WIRE_MAX + 64];
	size_t n;
};

static void
mb_start(struct mb *m, uint8_t type, uint8_t off)
{
	static const uint8_t hdr[12] = { 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00,
	    0, 0, 0, 9 };

	memcpy(m->b, hdr, sizeof(hdr));
	m->b[2] = type;
	m->b[3] = off;
	m->n = sizeof(hdr);
}

static void
mb_opt(struct mb *m, uint16_t code, const void *v, uint16_t len)
{
	m->b[m->n++] = (uint8_t)(code >> 8);
	m->b[m->n++] = (uint8_t)code;
	m->b[m->n++] = (uint8_t)(len >> 8);
	m->b[m->n++] = (uint8_t)len;
	if (len > 0)
		memcpy(m->b + m->n, v, len);
	m->n += len;
}

static void
mb_u8(struct mb *m, uint16_t code, uint8_t v)
{
	mb_opt(m, code, &v, 1);
}

static void
mb_u32(struct mb *m, uint16_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	mb_opt(m, code, b, 4);
}

/* Set the length field to the bytes built so far. */
static size_t
mb_end(struct mb *m)
{
	m->b[0] = (uint8_t)(m->n >> 8);
	m->b[1] = (uint8_t)m->n;
	return m->n;
}

START_TEST(test_ms_dialect)
{
	fo_wire_msg in, out;
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0;
	fo_reject why;
	/* "peer" in UTF-16LE, as Windows sends option 22. */
	static const uint8_t u16[] = { 'p', 0, 'e', 0, 'e', 0, 'r', 0 };
	struct mb mb;

	ws_sample(&in, FO_M_CONNECT, FO_DIALECT_MS);
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_MS, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_uint_eq(buf[3], 8);
	/* Relationship name first, UTF-16LE: "rel-Ü..." */
	ck_assert_uint_eq(buf[12 + 1], FO_O_RELATIONSHIP_NAME);
	ck_assert_uint_eq(buf[16], 'r');
	ck_assert_uint_eq(buf[17], 0);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_MS, &out, &why), FO_OK);
	ck_assert_str_eq(out.relationship, in.relationship);
	ck_assert_uint_eq(out.nscopes, 2);
	ck_assert_uint_eq(out.scopes[0], WS_NET);
	/* The same bytes in the ISC dialect: a name with NULs inside. */
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	/* Outside the MS dialect, option 30 is unknown: skipped. */
	mb_start(&mb, FO_M_CONNECT, 12);
	mb_u32(&mb, FO_O_MS_SCOPE_IDS, 0x0001000a);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why), FO_OK);
	ck_assert_uint_eq(out.skipped, 1);
	ck_assert_uint_eq(out.nscopes, 0);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_MS, &out, &why), FO_OK);
	ck_assert_uint_eq(out.nscopes, 1);
	ck_assert_uint_eq(out.scopes[0], 0x0a000100u);
	mb_start(&mb, FO_M_CONNECT, 8);
	mb_opt(&mb, FO_O_RELATIONSHIP_NAME, u16, sizeof(u16));
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_MS, &out, &why), FO_OK);
	ck_assert_str_eq(out.relationship, "peer");
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);  /* NUL bytes inside an ASCII name */
}
END_TEST

START_TEST(test_ms_binding_fields)
{
	fo_wire_msg in, out;
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0;
	fo_reject why;
	const uint8_t *p;

	ws_sample(&in, FO_M_BNDUPD, FO_DIALECT_MS);
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_MS, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_MS, &out, &why), FO_OK);
	ck_assert(ws_msg_eq(&in, &out));
	ck_assert_str_eq(out.b[0].ms.client_desc, "floor 2 \xf0\x9f\x98\x80");
	ck_assert_uint_eq(out.b[0].ms.scope, WS_NET);
	ck_assert_uint_eq(out.b[0].ip_flags, 1);
	/* chaddr carries the scope little endian, then htype and MAC. */
	p = memchr(buf + 12, FO_O_CHADDR, len - 12);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[2], 11);
	ck_assert_uint_eq(p[3], 0x00);   /* 10.0.1.0 as LE u32 */
	ck_assert_uint_eq(p[6], 0x0a);
	ck_assert_uint_eq(p[7], 1);
	/* Not in the draft dialect: MS options are skipped there. */
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert_uint_eq(out.b[0].ms.client_name[0], '\0');
	ck_assert(!(out.b[0].present & FO_WIRE_BIT(FO_O_MS_POLICY)));
	/* IP-flags above one byte cannot be sent to Windows. */
	in.b[0].ip_flags = 0x100;
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_MS, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	in.b[0].ip_flags = 0x2;
	strcpy(in.b[0].ms.policy, "bad \xc3");   /* truncated UTF-8 */
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_MS, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
}
END_TEST

START_TEST(test_utf16_errors)
{
	static const uint8_t odd[] = { 'a', 0, 'b' };
	static const uint8_t lone_hi[] = { 'a', 0, 0x3d, 0xd8 };
	static const uint8_t lone_lo[] = { 0x00, 0xde, 'a', 0 };
	static const uint8_t inner_nul[] = { 'a', 0, 0, 0, 'b', 0 };
	static const uint8_t pair[] = { 0x3d, 0xd8, 0x00, 0xde, 0, 0 };
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	const struct { const uint8_t *v; uint16_t n; fo_status st; } c[] = {
		{ odd, sizeof(odd), FO_ERR_PROTO },
		{ lone_hi, sizeof(lone_hi), FO_ERR_PROTO },
		{ lone_lo, sizeof(lone_lo), FO_ERR_PROTO },
		{ inner_nul, sizeof(inner_nul), FO_ERR_PROTO },
		{ pair, sizeof(pair), FO_OK },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mb_start(&mb, FO_M_CONNECT, 8);
		mb_opt(&mb, FO_O_RELATIONSHIP_NAME, c[i].v, c[i].n);
		mb_end(&mb);
		ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_MS, &out, &why),
		    c[i].st);
	}
	ck_assert_str_eq(out.relationship, "\xf0\x9f\x98\x80");
}
END_TEST

/* ---- framing and header ---- */

START_TEST(test_frame)
{
	uint8_t b[2] = { 0, 0 };
	size_t n = 99;

	ck_assert_int_eq(fo_wire_frame(b, 0, &n), FO_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(fo_wire_frame(b, 1, &n), FO_OK);
	ck_assert_uint_eq(n, 0);
	const struct { uint16_t v; fo_status st; } c[] = {
		{ 0, FO_ERR_PROTO }, { 11, FO_ERR_PROTO }, { 12, FO_OK },
		{ 2048, FO_OK }, { 2049, FO_ERR_PROTO }, { 65535, FO_ERR_PROTO },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		b[0] = (uint8_t)(c[i].v >> 8);
		b[1] = (uint8_t)c[i].v;
		ck_assert_int_eq(fo_wire_frame(b, 2, &n), c[i].st);
		ck_assert_uint_eq(n, c[i].st == FO_OK ? c[i].v : 0);
	}
	ck_assert_int_eq(fo_wire_frame(NULL, 2, &n), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_frame(b, 2, NULL), FO_ERR_INVAL);
}
END_TEST

/* _i: message type 0..255. */
START_TEST(test_message_types)
{
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;
	fo_status st;

	mb_start(&mb, (uint8_t)_i, 12);
	mb_end(&mb);
	st = dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why);
	if (_i >= 128) {
		ck_assert_int_eq(st, FO_ERR_NOTFOUND);
		ck_assert_uint_eq(out.xid, 9);
		ck_assert_uint_eq((unsigned)out.type, (unsigned)_i);
	} else if (_i == 0 || _i > FO_M_MAX) {
		ck_assert_int_eq(st, FO_ERR_PROTO);
		ck_assert_int_eq(why, FO_REJ_UNKNOWN);
	} else if (_i == FO_M_BNDUPD || _i == FO_M_BNDACK) {
		ck_assert_int_eq(st, FO_ERR_PROTO);  /* no binding */
		ck_assert_int_eq(why, FO_REJ_MISSING_BINDING_INFO);
	} else {
		ck_assert_int_eq(st, FO_OK);
		ck_assert_int_eq(why, FO_REJ_NONE);
	}
}
END_TEST

START_TEST(test_payload_offset)
{
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	/* Offsets below 12 are taken as 12 in every dialect. */
	for (unsigned off = 0; off <= 12; off++) {
		mb_start(&mb, FO_M_CONTACT, (uint8_t)off);
		mb_u32(&mb, FO_O_MCLT, 60);
		mb_end(&mb);
		for (size_t d = 0; d < N_DIALECTS; d++) {
			ck_assert_int_eq(dec(mb.b, mb.n, dialects[d], &out,
			    &why), FO_OK);
			ck_assert_uint_eq(out.offset, off);
			ck_assert_uint_eq(out.mclt, 60);
		}
	}
	/* Above 12: bytes in between are skipped. */
	mb_start(&mb, FO_M_CONTACT, 16);
	memset(mb.b + 12, 0xee, 4);
	mb.n = 16;
	mb_u32(&mb, FO_O_MCLT, 61);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why), FO_OK);
	ck_assert_uint_eq(out.mclt, 61);
	/* Equal to the length: no options. */
	mb.b[3] = (uint8_t)mb.n;
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why), FO_OK);
	ck_assert_uint_eq(out.present, 0);
	/* Beyond the length: protocol error. */
	mb.b[3] = (uint8_t)(mb.n + 1);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	mb.b[3] = 255;
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

START_TEST(test_length_lies)
{
	uint8_t b[sizeof(isc_connect) + 8];
	fo_wire_msg out;
	fo_reject why;

	memcpy(b, isc_connect, sizeof(isc_connect));
	memset(b + sizeof(isc_connect), 0, 8);
	/* Field says more than the buffer. */
	b[1] = (uint8_t)(sizeof(isc_connect) + 1);
	ck_assert_int_eq(dec(b, sizeof(isc_connect), FO_DIALECT_ISC, &out,
	    &why), FO_ERR_PROTO);
	/* Field says less than the buffer. */
	b[1] = (uint8_t)(sizeof(isc_connect) - 1);
	ck_assert_int_eq(dec(b, sizeof(isc_connect), FO_DIALECT_ISC, &out,
	    &why), FO_ERR_PROTO);
	/* Buffer longer than the field: decode only what the field says. */
	b[1] = (uint8_t)sizeof(isc_connect);
	ck_assert_int_eq(dec(b, sizeof(isc_connect) + 8, FO_DIALECT_ISC, &out,
	    &why), FO_ERR_PROTO);
	ck_assert_int_eq(dec(b, sizeof(isc_connect), FO_DIALECT_ISC, &out,
	    &why), FO_OK);
	/* Too short or too long overall. */
	ck_assert_int_eq(dec(b, 11, FO_DIALECT_ISC, &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(dec(b, 0, FO_DIALECT_ISC, &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(dec(b, FO_WIRE_MAX + 1, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

/* Every prefix of every known message: decoded safely, never accepted
 * with the original length field; with the length field patched, only
 * cuts on an option boundary decode. */
START_TEST(test_truncation)
{
	const struct { const uint8_t *b; size_t n; } c[] = {
		{ isc_connect, sizeof(isc_connect) },
		{ isc_bndupd, sizeof(isc_bndupd) },
		{ isc_state, sizeof(isc_state) },
		{ isc_bndack_reject, sizeof(isc_bndack_reject) },
	};
	uint8_t b[FO_WIRE_MAX];
	fo_wire_msg out;
	fo_reject why;
	fo_status st;
	size_t k;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (k = 0; k < c[i].n; k++) {
			/* Exact-size copies so ASan sees any over-read. */
			uint8_t *p = malloc(k == 0 ? 1 : k);

			ck_assert_ptr_nonnull(p);
			memcpy(p, c[i].b, k);
			ck_assert_int_eq(dec(p, k, FO_DIALECT_ISC, &out, &why),
			    FO_ERR_PROTO);
			if (k >= 2) {
				p[0] = (uint8_t)(k >> 8);
				p[1] = (uint8_t)k;
				st = dec(p, k, FO_DIALECT_ISC, &out, &why);
				ck_assert(st == FO_OK || st == FO_ERR_PROTO);
			}
			free(p);
		}
		memcpy(b, c[i].b, c[i].n);
		ck_assert_int_eq(dec(b, c[i].n, FO_DIALECT_ISC, &out, &why),
		    FO_OK);
	}
}
END_TEST

START_TEST(test_option_overrun)
{
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	/* Option length one past the end. */
	mb_start(&mb, FO_M_STATE, 12);
	mb_u8(&mb, FO_O_SERVER_STATE, 2);
	mb.b[mb.n - 2] = 2;
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	/* Option length 0xffff. */
	mb.b[mb.n - 3] = 0xff;
	mb.b[mb.n - 2] = 0xff;
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	/* A partial option header (3 bytes). */
	mb_start(&mb, FO_M_STATE, 12);
	mb.b[12] = 0;
	mb.b[13] = FO_O_SERVER_STATE;
	mb.b[14] = 0;
	mb.n = 15;
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

/* Fixed sizes are exact. */
START_TEST(test_option_sizes)
{
	static const uint8_t z[40];
	const struct { uint16_t code; uint16_t bad; } c[] = {
		{ FO_O_MCLT, 3 }, { FO_O_MCLT, 5 }, { FO_O_MCLT, 0 },
		{ FO_O_HBA, 31 }, { FO_O_HBA, 33 }, { FO_O_SERVER_STATE, 2 },
		{ FO_O_PROTOCOL_VERSION, 0 }, { FO_O_ADDRESSES_TRANSFERRED, 2 },
		{ FO_O_TLS_REQUEST, 2 }, { FO_O_REJECT_REASON, 4 },
	};
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mb_start(&mb, FO_M_CONNECT, 12);
		mb_opt(&mb, c[i].code, z, c[i].bad);
		mb_end(&mb);
		ck_assert_msg(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why) ==
		    FO_ERR_PROTO, "option %u length %u accepted", c[i].code,
		    c[i].bad);
	}
}
END_TEST

static fo_status
bndupd_with(fo_dialect d, const uint8_t *extra, size_t n, fo_wire_msg *out,
    fo_reject *why)
{
	struct mb mb;

	mb_start(&mb, FO_M_BNDUPD, 12);
	memcpy(mb.b + 12, extra, n);
	mb.n += n;
	mb_end(&mb);
	return dec(mb.b, mb.n, d, out, why);
}

START_TEST(test_binding_rules)
{
	/* assigned-IP, status; assigned-IP, status: two bindings. */
	static const uint8_t two[] = {
		0, 2, 0, 4, 10, 0, 1, 1, 0, 3, 0, 1, 2,
		0, 2, 0, 4, 10, 0, 1, 2, 0, 3, 0, 1, 1,
	};
	static const uint8_t dup_status[] = {
		0, 2, 0, 4, 10, 0, 1, 1, 0, 3, 0, 1, 2, 0, 3, 0, 1, 2,
	};
	static const uint8_t no_status[] = { 0, 2, 0, 4, 10, 0, 1, 1 };
	static const uint8_t before_addr[] = {
		0, 3, 0, 1, 2, 0, 2, 0, 4, 10, 0, 1, 1,
	};
	static const uint8_t bad_status[] = {
		0, 2, 0, 4, 10, 0, 1, 1, 0, 3, 0, 1, 8,
	};
	static const uint8_t long_chaddr[] = {
		0, 2, 0, 4, 10, 0, 1, 1, 0, 3, 0, 1, 2,
		0, 5, 0, 18, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
		14, 15, 16, 17,
	};
	fo_wire_msg out;
	fo_reject why;

	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, two, sizeof(two), &out,
	    &why), FO_OK);
	ck_assert_uint_eq(out.nb, 2);
	ck_assert_uint_eq(out.b[1].addr, 0x0a000102u);
	ck_assert_int_eq(out.b[1].status, FO_BS_FREE);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_ISC, two, sizeof(two), &out,
	    &why), FO_ERR_PROTO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, dup_status,
	    sizeof(dup_status), &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, no_status,
	    sizeof(no_status), &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_MISSING_BINDING_INFO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, before_addr,
	    sizeof(before_addr), &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_MISSING_BINDING_INFO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, bad_status,
	    sizeof(bad_status), &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_ISC, long_chaddr,
	    sizeof(long_chaddr), &out, &why), FO_ERR_PROTO);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_ISC, long_chaddr,
	    sizeof(long_chaddr) - 1, &out, &why), FO_ERR_PROTO);
}
END_TEST

START_TEST(test_too_many_bindings)
{
	uint8_t extra[(FO_WIRE_MAX_BINDINGS + 1) * 13];
	fo_wire_msg out;
	fo_reject why;
	size_t n = 0;

	for (unsigned i = 0; i <= FO_WIRE_MAX_BINDINGS; i++) {
		const uint8_t one[13] = { 0, 2, 0, 4, 10, 0, 1, (uint8_t)i,
		    0, 3, 0, 1, 1 };

		memcpy(extra + n, one, sizeof(one));
		n += sizeof(one);
	}
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, extra, n - 13, &out,
	    &why), FO_OK);
	ck_assert_uint_eq(out.nb, FO_WIRE_MAX_BINDINGS);
	ck_assert_int_eq(bndupd_with(FO_DIALECT_DRAFT, extra, n, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

START_TEST(test_duplicates_and_unknown)
{
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	mb_start(&mb, FO_M_CONNECT, 12);
	mb_u32(&mb, FO_O_MCLT, 1);
	mb_u32(&mb, FO_O_MCLT, 2);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why),
	    FO_ERR_PROTO);
	/* Unknown codes are skipped and counted; binding options outside a
	 * binding message too. */
	mb_start(&mb, FO_M_CONNECT, 12);
	mb_u32(&mb, 99, 1);
	mb_opt(&mb, 0, NULL, 0);
	mb_opt(&mb, 0xffff, "xyz", 3);
	mb_u32(&mb, FO_O_ASSIGNED_IP, 0x0a000001);
	mb_u8(&mb, FO_O_MS_CLIENT_TYPE, 1);
	mb_u32(&mb, FO_O_MCLT, 2);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert_uint_eq(out.skipped, 5);
	ck_assert_uint_eq(out.mclt, 2);
	ck_assert_uint_eq(out.nb, 0);
	/* In MS dialect, 36 is known but a binding option: still skipped. */
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_MS, &out, &why), FO_OK);
	ck_assert_uint_eq(out.skipped, 5);
}
END_TEST

START_TEST(test_text_rules)
{
	static const uint8_t trailing[] = { 'p', 'e', 'e', 'r', 0, 0 };
	static const uint8_t inner[] = { 'p', 0, 'r' };
	uint8_t big[FO_WIRE_TEXT_MAX + 1];
	fo_wire_msg out;
	fo_reject why;
	struct mb mb;

	mb_start(&mb, FO_M_CONNECT, 12);
	mb_opt(&mb, FO_O_RELATIONSHIP_NAME, trailing, sizeof(trailing));
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why), FO_OK);
	ck_assert_str_eq(out.relationship, "peer");
	mb_start(&mb, FO_M_CONNECT, 12);
	mb_opt(&mb, FO_O_RELATIONSHIP_NAME, inner, sizeof(inner));
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
	/* Vendor class: 255 bytes fit, 256 do not. */
	memset(big, 'v', sizeof(big));
	mb_start(&mb, FO_M_CONNECT, 12);
	mb_opt(&mb, FO_O_VENDOR_CLASS, big, FO_WIRE_TEXT_MAX);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why), FO_OK);
	ck_assert_uint_eq(strlen(out.vendor_class), FO_WIRE_TEXT_MAX);
	mb_start(&mb, FO_M_CONNECT, 12);
	mb_opt(&mb, FO_O_VENDOR_CLASS, big, sizeof(big));
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_ISC, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

START_TEST(test_ddns_and_spans)
{
	static const uint8_t ddns[] = { 0x00, 0x05, 'h', '.', 'e', 'x' };
	static const uint8_t reply[] = { 99, 130, 83, 99, 53, 1, 5, 255 };
	fo_wire_msg out, again;
	uint8_t buf[FO_WIRE_MAX];
	fo_reject why;
	size_t len = 0;
	struct mb mb;

	mb_start(&mb, FO_M_BNDUPD, 12);
	mb_u32(&mb, FO_O_ASSIGNED_IP, 0x0a000105);
	mb_u8(&mb, FO_O_BINDING_STATUS, FO_BS_ACTIVE);
	mb_opt(&mb, FO_O_DDNS, ddns, sizeof(ddns));
	mb_opt(&mb, FO_O_REPLY_OPTIONS, reply, sizeof(reply));
	mb_opt(&mb, FO_O_REQUEST_OPTIONS, NULL, 0);
	mb_u8(&mb, FO_O_DELAYED_SERVICE, 3);
	mb_opt(&mb, FO_O_IP_FLAGS, "\x00\x02", 2);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert_uint_eq(out.b[0].ddns_flags, 5);
	ck_assert_uint_eq(out.b[0].ddns_name.len, 4);
	ck_assert_mem_eq(out.b[0].ddns_name.p, "h.ex", 4);
	ck_assert_uint_eq(out.b[0].reply_options.len, sizeof(reply));
	ck_assert(out.b[0].present & FO_WIRE_BIT(FO_O_REQUEST_OPTIONS));
	ck_assert_uint_eq(out.b[0].delayed_service, 3);
	ck_assert_uint_eq(out.b[0].ip_flags, FO_IPF_BOOTP);
	ck_assert_int_eq(fo_wire_encode(&out, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_DRAFT, &again, &why), FO_OK);
	ck_assert(ws_msg_eq(&out, &again));
	/* ISC/draft IP-flags are two bytes, Windows' one. */
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_MS, &out, &why),
	    FO_ERR_PROTO);
	/* DDNS needs its two flag bytes. */
	mb_start(&mb, FO_M_BNDUPD, 12);
	mb_u32(&mb, FO_O_ASSIGNED_IP, 0x0a000105);
	mb_u8(&mb, FO_O_BINDING_STATUS, FO_BS_ACTIVE);
	mb_opt(&mb, FO_O_DDNS, ddns, 1);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why),
	    FO_ERR_PROTO);
}
END_TEST

/*
 * The lease's extras (issue 12): DDNS (9: flags + hostname) and the user
 * context (63) round-trip in the draft dialect; ISC and Windows never get
 * either (ISC dhcpd 4.4 drops the connection on a non-empty DDNS option)
 * and skip them if sent; each is bounded (255-byte name, 1024-byte context).
 */
START_TEST(test_lease_extras)
{
	static const char ctx[] = "{\"site\": \"b\u00e4ckerei\", \"rack\": 7}";
	static const fo_dialect others[] = { FO_DIALECT_ISC, FO_DIALECT_MS };
	static uint8_t big[FO_USER_CONTEXT_MAX + 1];
	fo_wire_msg m, out;
	fo_wire_binding *b;
	uint8_t buf[FO_WIRE_MAX];
	fo_reject why;
	size_t len = 0;
	struct mb mb;

	fo_wire_msg_init(&m, FO_M_BNDUPD, 1700000000u, 7);
	b = fo_wire_add_binding(&m, 0x0a000105);
	b->status = FO_BS_ACTIVE;
	b->ddns_flags = FO_DDNS_A | FO_DDNS_P;
	b->ddns_name = fo_wire_str("laptop-7.example.org");
	b->user_context = fo_wire_str(ctx);
	b->present |= FO_WIRE_BIT(FO_O_BINDING_STATUS) | FO_WIRE_BIT(FO_O_DDNS) |
	    FO_WIRE_BIT(FO_O_KEA_USER_CONTEXT);
	ck_assert_str_eq(fo_wopt_name(FO_O_KEA_USER_CONTEXT), "kea-user-context");
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_DRAFT, NULL, buf, sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(dec(buf, len, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert(ws_msg_eq(&m, &out));
	ck_assert_uint_eq(out.b[0].user_context.len, strlen(ctx));
	ck_assert_mem_eq(out.b[0].ddns_name.p, "laptop-7.example.org", 20);
	/* The draft dialect's bytes read as ISC or Windows: both options skipped. */
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(dec(buf, len, others[i], &out, &why), FO_OK);
		ck_assert_uint_eq(out.skipped, 2);
		ck_assert(!(out.b[0].present & (FO_WIRE_BIT(FO_O_DDNS) |
		    FO_WIRE_BIT(FO_O_KEA_USER_CONTEXT))));
	}
	/* Encoded for ISC or Windows: neither is written. */
	for (size_t i = 0; i < 2; i++) {
		size_t len2 = 0;

		ck_assert_int_eq(fo_wire_encode(&m, others[i], NULL, buf, sizeof(buf), &len2), FO_OK);
		ck_assert_uint_eq(len2, len - (4 + 2 + 20) - (4 + strlen(ctx)));
		ck_assert_int_eq(dec(buf, len2, others[i], &out, &why), FO_OK);
		ck_assert_uint_eq(out.skipped, 0);
		for (size_t k = 12; k + 4 <= len2; k += 4 + (size_t)(buf[k + 2] << 8 | buf[k + 3]))
			ck_assert(buf[k] != 0 || (buf[k + 1] != FO_O_DDNS &&
			    buf[k + 1] != FO_O_KEA_USER_CONTEXT));
	}
	/* Bounds: a 256-byte name or a 1025-byte context is a protocol error. */
	memset(big, 'x', sizeof(big));
	for (int k = 0; k < 2; k++) {
		mb_start(&mb, FO_M_BNDUPD, 12);
		mb_u32(&mb, FO_O_ASSIGNED_IP, 0x0a000105);
		mb_u8(&mb, FO_O_BINDING_STATUS, FO_BS_ACTIVE);
		if (k == 0)
			mb_opt(&mb, FO_O_DDNS, big, 2 + FO_HOSTNAME_MAX + 1);
		else
			mb_opt(&mb, FO_O_KEA_USER_CONTEXT, big, FO_USER_CONTEXT_MAX + 1);
		mb_end(&mb);
		ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why), FO_ERR_PROTO);
	}
	/* At the bounds: accepted. */
	mb_start(&mb, FO_M_BNDUPD, 12);
	mb_u32(&mb, FO_O_ASSIGNED_IP, 0x0a000105);
	mb_u8(&mb, FO_O_BINDING_STATUS, FO_BS_ACTIVE);
	mb_opt(&mb, FO_O_DDNS, big, 2 + FO_HOSTNAME_MAX);
	mb_opt(&mb, FO_O_KEA_USER_CONTEXT, big, FO_USER_CONTEXT_MAX);
	mb_end(&mb);
	ck_assert_int_eq(dec(mb.b, mb.n, FO_DIALECT_DRAFT, &out, &why), FO_OK);
	ck_assert_uint_eq(out.b[0].ddns_name.len, FO_HOSTNAME_MAX);
	ck_assert_uint_eq(out.b[0].user_context.len, FO_USER_CONTEXT_MAX);
}
END_TEST

/* ---- digest ---- */

START_TEST(test_digest_rules)
{
	fo_digest_key key, other;
	fo_wire_msg in, out;
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0;
	fo_reject why;
	char err[160];
	struct mb mb;

	ws_key(&key);
	(void)fo_digest_key_set(&other, "other", 5);
	ws_sample(&in, FO_M_STATE, FO_DIALECT_DRAFT);
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_DRAFT, &key, buf,
	    sizeof(buf), &len), FO_OK);
	/* Last option: code 17, length 33, type 2. */
	ck_assert_uint_eq(buf[len - 37], 0);
	ck_assert_uint_eq(buf[len - 36], FO_O_DIGEST);
	ck_assert_uint_eq(buf[len - 34], FO_DIGEST_OPT_LEN);
	ck_assert_uint_eq(buf[len - 33], FO_DIGEST_TYPE_HMAC_SHA256);
	ck_assert_int_eq(fo_wire_decode(buf, len, FO_DIALECT_DRAFT, &key, &out,
	    &why, err, sizeof(err)), FO_OK);
	ck_assert(out.digest);
	/* Wrong key, or any byte changed: reason 20. */
	ck_assert_int_eq(fo_wire_decode(buf, len, FO_DIALECT_DRAFT, &other,
	    &out, &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_DIGEST_FAILED);
	for (size_t i = 4; i < len; i++) {
		buf[i] ^= 0x01;
		ck_assert_int_eq(fo_wire_decode(buf, len, FO_DIALECT_DRAFT,
		    &key, &out, &why, err, sizeof(err)), FO_ERR_PROTO);
		buf[i] ^= 0x01;
	}
	/* No key configured, digest arrives: reason 13 (draft-12). */
	ck_assert_int_eq(fo_wire_decode(buf, len, FO_DIALECT_DRAFT, NULL, &out,
	    &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_DIGEST_NOT_CONFIGURED);
	/* Key configured, no digest: reason 21. */
	ck_assert_int_eq(fo_wire_encode(&in, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(fo_wire_decode(buf, len, FO_DIALECT_DRAFT, &key, &out,
	    &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_MISSING_DIGEST);
	ck_assert(strstr(err, "digest") != NULL);
	/* A digest that is not the last option: reason 20. */
	mb_start(&mb, FO_M_CONTACT, 12);
	mb_opt(&mb, FO_O_DIGEST, "\x02" "0123456789abcdef0123456789abcdef",
	    FO_DIGEST_OPT_LEN);
	mb_u32(&mb, FO_O_MCLT, 1);
	mb_end(&mb);
	ck_assert_int_eq(fo_wire_decode(mb.b, mb.n, FO_DIALECT_DRAFT, &key,
	    &out, &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_DIGEST_FAILED);
	/* HMAC-MD5 (type 1) or a short digest: reason 20. */
	mb_start(&mb, FO_M_CONTACT, 12);
	mb_opt(&mb, FO_O_DIGEST, "\x01" "0123456789abcdef", 17);
	mb_end(&mb);
	ck_assert_int_eq(fo_wire_decode(mb.b, mb.n, FO_DIALECT_DRAFT, &key,
	    &out, &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_DIGEST_FAILED);
	mb_start(&mb, FO_M_CONTACT, 12);
	mb_opt(&mb, FO_O_DIGEST, NULL, 0);
	mb_end(&mb);
	ck_assert_int_eq(fo_wire_decode(mb.b, mb.n, FO_DIALECT_DRAFT, &key,
	    &out, &why, err, sizeof(err)), FO_ERR_PROTO);
	ck_assert_int_eq(why, FO_REJ_DIGEST_FAILED);
}
END_TEST

/* ---- encoder errors ---- */

START_TEST(test_encode_errors)
{
	fo_wire_msg m;
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0, need = 0;
	static char big[FO_WIRE_MAX];

	ws_sample(&m, FO_M_CONNECT, FO_DIALECT_ISC);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &need), FO_OK);
	/* Every capacity short of the message is FO_ERR_RANGE. */
	for (size_t cap = 0; cap < need; cap++)
		ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
		    cap, &len), FO_ERR_RANGE);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf, need,
	    &len), FO_OK);
	ck_assert_int_eq(fo_wire_encode(NULL, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, NULL,
	    sizeof(buf), &len), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_encode(&m, (fo_dialect)7, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	/* More than 2048 bytes. */
	memset(big, 'm', sizeof(big) - 1);
	m.message = fo_wire_str(big);
	m.present |= FO_WIRE_BIT(FO_O_MESSAGE);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_RANGE);
	m.message.p = NULL;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	/* Type out of range, bindings where none belong, bad status. */
	m.type = (fo_mtype)0;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	m.type = (fo_mtype)13;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	ws_sample(&m, FO_M_STATE, FO_DIALECT_ISC);
	ws_binding(fo_wire_add_binding(&m, 1), 0, FO_BS_ACTIVE);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	m.type = FO_M_BNDUPD;
	m.b[0].status = (fo_bstate)8;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	m.b[0].status = FO_BS_ACTIVE;
	m.b[0].client.hlen = 17;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	m.b[0].client.hlen = 6;
	m.nb = FO_WIRE_MAX_BINDINGS + 1;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_ERR_INVAL);
	m.nb = 1;
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf,
	    sizeof(buf), &len), FO_OK);
}
END_TEST

START_TEST(test_decode_args)
{
	fo_wire_msg m;
	fo_reject why = FO_REJ_UNKNOWN;

	ck_assert_int_eq(fo_wire_decode(NULL, 12, FO_DIALECT_ISC, NULL, &m,
	    &why, NULL, 0), FO_ERR_INVAL);
	ck_assert_int_eq(why, FO_REJ_NONE);
	ck_assert_int_eq(fo_wire_decode(isc_state, sizeof(isc_state),
	    FO_DIALECT_ISC, NULL, NULL, &why, NULL, 0), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_decode(isc_state, sizeof(isc_state),
	    (fo_dialect)3, NULL, &m, &why, NULL, 0), FO_ERR_INVAL);
	/* why and err are optional. */
	ck_assert_int_eq(fo_wire_decode(isc_state, 11, FO_DIALECT_ISC, NULL,
	    &m, NULL, NULL, 0), FO_ERR_PROTO);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(fo_mtype_name(FO_M_POOLREQ), "POOLREQ");
	ck_assert_str_eq(fo_mtype_name(FO_M_UPDREQALL), "UPDREQALL");
	ck_assert_str_eq(fo_mtype_name(FO_M_DISCONNECT), "DISCONNECT");
	ck_assert_ptr_null(fo_mtype_name((fo_mtype)0));
	ck_assert_ptr_null(fo_mtype_name((fo_mtype)13));
	for (unsigned t = 1; t <= FO_M_MAX; t++)
		ck_assert_ptr_nonnull(fo_mtype_name((fo_mtype)t));
	for (unsigned r = 1; r <= FO_REJ_MISSING_DIGEST; r++)
		ck_assert_ptr_nonnull(fo_reject_name((fo_reject)r));
	ck_assert_str_eq(fo_reject_name(FO_REJ_MISSING_DIGEST),
	    "missing message digest");
	ck_assert_str_eq(fo_reject_name(FO_REJ_UNKNOWN), "unknown");
	ck_assert_ptr_null(fo_reject_name(FO_REJ_NONE));
	ck_assert_ptr_null(fo_reject_name((fo_reject)22));
	for (unsigned c = 1; c <= FO_O_MAX; c++)
		ck_assert_ptr_nonnull(fo_wopt_name(c));
	ck_assert_str_eq(fo_wopt_name(FO_O_HBA), "hash-bucket-assignment");
	ck_assert_ptr_null(fo_wopt_name(0));
	ck_assert_ptr_null(fo_wopt_name(42));
}
END_TEST

/* ---- cursor ---- */

START_TEST(test_cursor)
{
	static const uint8_t in[] = { 1, 2, 3, 4, 5, 6, 7 };
	uint8_t out[4];
	fo_rcur c, sub;
	fo_wcur w;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 0;

	fo_rcur_init(&c, in, sizeof(in));
	ck_assert_int_eq(fo_get_u16(&c, &v16), FO_OK);
	ck_assert_uint_eq(v16, 0x0102);
	ck_assert_int_eq(fo_get_view(&c, 4, &sub), FO_OK);
	ck_assert_int_eq(fo_get_u32_le(&sub, &v32), FO_OK);
	ck_assert_uint_eq(v32, 0x06050403u);
	ck_assert_int_eq(fo_get_u8(&sub, &v8), FO_ERR_PROTO);
	ck_assert_int_eq(fo_get_u32(&c, &v32), FO_ERR_PROTO);
	ck_assert_uint_eq(v32, 0x06050403u);   /* untouched */
	ck_assert_int_eq(fo_get_u8(&c, &v8), FO_OK);
	ck_assert_uint_eq(v8, 7);
	ck_assert_uint_eq(fo_rcur_left(&c), 0);
	ck_assert_int_eq(fo_get_view(&c, 1, &sub), FO_ERR_PROTO);
	ck_assert_int_eq(fo_get_skip(&c, 1), FO_ERR_PROTO);
	ck_assert_int_eq(fo_get_skip(&c, SIZE_MAX), FO_ERR_PROTO);

	fo_wcur_init(&w, out, sizeof(out));
	fo_put_u16(&w, 0xabcd);
	fo_put_u8(&w, 1);
	ck_assert(fo_wcur_ok(&w));
	fo_put_u16(&w, 0x1234);                /* does not fit */
	ck_assert(!fo_wcur_ok(&w));
	fo_put_u8(&w, 2);                      /* would fit, but error sticks */
	ck_assert_uint_eq(w.off, 3);
	ck_assert_uint_eq(out[0], 0xab);
	fo_wcur_init(&w, out, sizeof(out));
	fo_put_u32_le(&w, 0x01020304u);
	fo_put_u16_at(&w, 1, 0xeeff);
	ck_assert(fo_wcur_ok(&w));
	ck_assert_uint_eq(out[0], 4);
	ck_assert_uint_eq(out[1], 0xee);
	ck_assert_uint_eq(out[2], 0xff);
	fo_put_u16_at(&w, 3, 0);               /* runs past what was written */
	ck_assert(!fo_wcur_ok(&w));
	fo_wcur_init(&w, NULL, 10);
	fo_put_u8(&w, 1);
	ck_assert(!fo_wcur_ok(&w));
}
END_TEST

/* ---- mutations ---- */

/* ---- fo_wire_peek_connect: routing an inbound connection by name ---- */

#define PEEK_NAME "Campus-\xc3\x9c" "berfall"  /* not ASCII: UTF-16LE differs */

/* A CONNECT as the session sends it in dialect d (keyed: with option 17). */
static size_t
peek_sample(fo_dialect d, bool keyed, uint8_t *buf)
{
	fo_digest_key key;
	fo_wire_msg m;
	size_t len = 0;

	ws_key(&key);
	ws_sample(&m, FO_M_CONNECT, d);
	strcpy(m.relationship, PEEK_NAME);
	m.xid = 0x01020304u;
	ck_assert_int_eq(fo_wire_encode(&m, d, keyed ? &key : NULL, buf,
	    FO_WIRE_MAX, &len), FO_OK);
	return len;
}

START_TEST(test_peek_each_dialect)
{
	uint8_t buf[FO_WIRE_MAX], name[FO_WIRE_MAX];
	size_t len, nlen;
	uint32_t xid;

	for (size_t i = 0; i < 2 * N_DIALECTS; i++) {
		fo_dialect d = dialects[i % N_DIALECTS];

		len = peek_sample(d, i >= N_DIALECTS, buf);
		nlen = 99;
		xid = 0;
		ck_assert_int_eq(fo_wire_peek_connect(buf, len, name,
		    sizeof(name), &nlen, &xid), FO_OK);
		ck_assert_uint_eq(xid, 0x01020304u);
		ck_assert_uint_eq(nlen, d == FO_DIALECT_MS ?
		    2 * 15 : strlen(PEEK_NAME));
		ck_assert(fo_wire_name_is(name, nlen, d, PEEK_NAME));
		ck_assert(!fo_wire_name_is(name, nlen, d, "Campus"));
		ck_assert(!fo_wire_name_is(name, nlen, d, PEEK_NAME "x"));
		/* UTF-16LE is not the raw name, nor the reverse. */
		ck_assert(fo_wire_name_is(name, nlen, d == FO_DIALECT_MS ?
		    FO_DIALECT_DRAFT : FO_DIALECT_MS, PEEK_NAME) == false);
		/* The exact cap fits; one byte less does not. */
		ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, nlen,
		    &nlen, NULL), FO_OK);
		ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, nlen - 1,
		    &nlen, NULL), FO_ERR_RANGE);
	}
	/* ISC's own bytes. */
	ck_assert_int_eq(fo_wire_peek_connect(isc_connect, sizeof(isc_connect),
	    name, sizeof(name), &nlen, &xid), FO_OK);
	ck_assert_uint_eq(xid, 1);
	ck_assert_uint_eq(nlen, 4);
	ck_assert_mem_eq(name, "peer", 4);
	ck_assert(fo_wire_name_is(name, nlen, FO_DIALECT_ISC, "peer"));
	/* Trailing NULs are dropped as the decoder drops them. */
	ck_assert(fo_wire_name_is((const uint8_t *)"peer\0\0", 6,
	    FO_DIALECT_DRAFT, "peer"));
	ck_assert(fo_wire_name_is((const uint8_t *)"p\0e\0e\0r\0\0\0", 10,
	    FO_DIALECT_MS, "peer"));
	ck_assert(!fo_wire_name_is((const uint8_t *)"p\0e\0e\0r", 7,
	    FO_DIALECT_MS, "peer"));                /* odd length */
	ck_assert(!fo_wire_name_is((const uint8_t *)"pe\0er", 5,
	    FO_DIALECT_DRAFT, "pe"));               /* NUL inside */
	ck_assert(!fo_wire_name_is(NULL, 0, FO_DIALECT_DRAFT, "peer"));
	ck_assert(fo_wire_name_is(NULL, 0, FO_DIALECT_DRAFT, ""));
}
END_TEST

START_TEST(test_peek_truncated)
{
	uint8_t buf[FO_WIRE_MAX], cut[FO_WIRE_MAX], name[FO_WIRE_MAX];
	size_t len, nlen;
	fo_status st;

	for (size_t i = 0; i < N_DIALECTS; i++) {
		len = peek_sample(dialects[i], false, buf);
		for (size_t n = 0; n < len; n++) {
			/* A prefix: the length field says more. */
			ck_assert_int_eq(fo_wire_peek_connect(buf, n, name,
			    sizeof(name), &nlen, NULL), FO_ERR_PROTO);
			if (n < FO_WIRE_MIN)
				continue;
			/* A prefix that claims to be whole: cut options are malformed. */
			memcpy(cut, buf, n);
			cut[0] = (uint8_t)(n >> 8);
			cut[1] = (uint8_t)n;
			st = fo_wire_peek_connect(cut, n, name,
			    sizeof(name), &nlen, NULL);
			ck_assert(st == FO_ERR_PROTO || st == FO_OK ||
			    st == FO_ERR_NOTFOUND);
			if (st == FO_OK)         /* cut after option 22 */
				ck_assert(fo_wire_name_is(name, nlen,
				    dialects[i], PEEK_NAME));
		}
	}
	/* Just the header: no option 22. */
	len = peek_sample(FO_DIALECT_DRAFT, false, buf);
	buf[0] = 0;
	buf[1] = FO_WIRE_HDR;
	ck_assert_int_eq(fo_wire_peek_connect(buf, FO_WIRE_HDR, name,
	    sizeof(name), &nlen, NULL), FO_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_peek_bad_lengths)
{
	uint8_t buf[FO_WIRE_MAX], name[FO_WIRE_MAX];
	size_t len, nlen = 7;

	/* Option 22's length runs past the end. */
	len = peek_sample(FO_DIALECT_ISC, false, buf);
	ck_assert_uint_eq(buf[12] << 8 | buf[13], FO_O_RELATIONSHIP_NAME);
	buf[14] = 0x07;
	buf[15] = 0xff;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_PROTO);
	ck_assert_uint_eq(nlen, 0);
	/* One byte past the end exactly. */
	len = peek_sample(FO_DIALECT_ISC, false, buf);
	buf[14] = (uint8_t)((len - 16 + 1) >> 8);
	buf[15] = (uint8_t)(len - 16 + 1);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_PROTO);
	/* A later option's length runs past the end: malformed too. */
	len = peek_sample(FO_DIALECT_DRAFT, false, buf);
	buf[len - 2 - FO_HBA_BYTES] = 0x01;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_PROTO);
	/* Length field disagrees with the buffer; out of 12..2048. */
	len = peek_sample(FO_DIALECT_DRAFT, false, buf);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len - 1, name,
	    sizeof(name), &nlen, NULL), FO_ERR_PROTO);
	buf[len] = 0;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len + 1, name,
	    sizeof(name), &nlen, NULL), FO_ERR_PROTO);
	ck_assert_int_eq(fo_wire_peek_connect(buf, 11, name, sizeof(name),
	    &nlen, NULL), FO_ERR_PROTO);
	/* Payload offset: beyond the length refused; above 12 skips; below is 12. */
	buf[3] = (uint8_t)(len + 1);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_PROTO);
	buf[3] = 0;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_OK);
	buf[3] = 16;            /* skips option 22's header: garbage after */
	ck_assert_int_ne(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_OK);
	/* Option 22 twice: the first counts (the decoder refuses the message later). */
	len = peek_sample(FO_DIALECT_DRAFT, false, buf);
	memcpy(buf + len, "\x00\x16\x00\x02xy", 6);
	len += 6;
	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_OK);
	ck_assert(fo_wire_name_is(name, nlen, FO_DIALECT_DRAFT, PEEK_NAME));
	/* NULL arguments. */
	ck_assert_int_eq(fo_wire_peek_connect(NULL, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, NULL, sizeof(name),
	    &nlen, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    NULL, NULL), FO_ERR_INVAL);
}
END_TEST

START_TEST(test_peek_not_connect)
{
	uint8_t buf[FO_WIRE_MAX], name[FO_WIRE_MAX];
	fo_wire_msg m;
	size_t len, nlen;
	uint32_t xid = 0;

	for (unsigned t = FO_M_POOLREQ; t <= FO_M_MAX; t++) {
		if (t == FO_M_CONNECT)
			continue;
		for (size_t i = 0; i < N_DIALECTS; i++) {
			ws_sample(&m, (fo_mtype)t, dialects[i]);
			ck_assert_int_eq(fo_wire_encode(&m, dialects[i], NULL,
			    buf, sizeof(buf), &len), FO_OK);
			ck_assert_int_eq(fo_wire_peek_connect(buf, len, name,
			    sizeof(name), &nlen, &xid), FO_ERR_NOTFOUND);
			ck_assert_uint_eq(xid, 0x1000u + t);
		}
	}
	/* CONNECTACK carries option 22 too: still not a CONNECT. */
	ws_sample(&m, FO_M_CONNECTACK, FO_DIALECT_DRAFT);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_NOTFOUND);
	/* A CONNECT without option 22, and a type >= 128. */
	ws_sample(&m, FO_M_CONNECT, FO_DIALECT_DRAFT);
	m.present &= ~FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME);
	ck_assert_int_eq(fo_wire_encode(&m, FO_DIALECT_DRAFT, NULL, buf,
	    sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_NOTFOUND);
	buf[2] = 0x85;
	ck_assert_int_eq(fo_wire_peek_connect(buf, len, name, sizeof(name),
	    &nlen, NULL), FO_ERR_NOTFOUND);
}
END_TEST

static uint32_t rng_state = 0x2545f491u;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Whatever decodes as a CONNECT with a name peeks as that name. */
static void
peek_agrees(const uint8_t *p, size_t n, fo_dialect d, const fo_wire_msg *m)
{
	uint8_t name[FO_WIRE_MAX];
	size_t nlen = 0;
	fo_status st = fo_wire_peek_connect(p, n, name, sizeof(name), &nlen,
	    NULL);

	if (m->type != FO_M_CONNECT) {
		ck_assert_int_eq(st, FO_ERR_NOTFOUND);
		return;
	}
	if (!(m->present & FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME))) {
		ck_assert_int_eq(st, FO_ERR_NOTFOUND);
		return;
	}
	ck_assert_int_eq(st, FO_OK);
	ck_assert(fo_wire_name_is(name, nlen, d, m->relationship));
}

/* Decode p in every dialect; when it decodes, re-encode and compare. */
static void
decode_any(const uint8_t *p, size_t n, const fo_digest_key *key)
{
	uint8_t buf[FO_WIRE_MAX];
	fo_wire_msg out, again;
	fo_reject why;
	size_t len = 0;
	char err[160];
	fo_status st;

	for (size_t d = 0; d < N_DIALECTS; d++) {
		st = fo_wire_decode(p, n, dialects[d], key, &out, &why, err,
		    sizeof(err));
		ck_assert(st == FO_OK || st == FO_ERR_PROTO ||
		    st == FO_ERR_NOTFOUND);
		ck_assert(st == FO_ERR_PROTO || why == FO_REJ_NONE);
		if (st != FO_OK)
			continue;
		peek_agrees(p, n, dialects[d], &out);
		st = fo_wire_encode(&out, dialects[d], key, buf, sizeof(buf),
		    &len);
		ck_assert_msg(st == FO_OK || st == FO_ERR_RANGE,
		    "re-encode: %s", fo_status_name(st));
		if (st != FO_OK)
			continue;
		ck_assert_int_eq(fo_wire_decode(buf, len, dialects[d], key,
		    &again, &why, err, sizeof(err)), FO_OK);
		ck_assert(ws_msg_eq(&out, &again));
	}
}

START_TEST(test_mutations)
{
	fo_digest_key key;
	fo_wire_msg m;
	uint8_t base[FO_WIRE_MAX];
	size_t len = 0, n;
	uint8_t *p;

	ws_key(&key);
	for (unsigned iter = 0; iter < 6000; iter++) {
		fo_mtype t = (fo_mtype)(iter % FO_M_MAX + 1);
		fo_dialect d = dialects[iter / FO_M_MAX % N_DIALECTS];
		bool keyed = iter % 5 == 0;

		ws_sample(&m, t, d);
		ck_assert_int_eq(fo_wire_encode(&m, d, keyed ? &key : NULL,
		    base, sizeof(base), &len), FO_OK);
		n = len;
		if (rng() % 4 == 0)
			n = rng() % (len + 1);
		p = malloc(n == 0 ? 1 : n);
		ck_assert_ptr_nonnull(p);
		memcpy(p, base, n);
		for (unsigned k = rng() % 6; k > 0 && n > 0; k--)
			p[rng() % n] ^= (uint8_t)(1u << (rng() % 8));
		if (n >= 2 && rng() % 2 == 0) {
			p[0] = (uint8_t)(n >> 8);
			p[1] = (uint8_t)n;
		}
		decode_any(p, n, keyed ? &key : NULL);
		free(p);
	}
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc;

	tc = tcase_create("known-bytes");
	tcase_add_test(tc, test_known_connect);
	tcase_add_test(tc, test_known_bndupd);
	tcase_add_test(tc, test_known_state);
	tcase_add_test(tc, test_known_bndack_reject);
	suite_add_tcase(s, tc);

	tc = tcase_create("round-trip");
	tcase_add_loop_test(tc, test_round_trip, 0, FO_M_MAX * N_DIALECTS * 2);
	tcase_add_test(tc, test_draft_batch);
	tcase_add_test(tc, test_ms_dialect);
	tcase_add_test(tc, test_ms_binding_fields);
	tcase_add_test(tc, test_utf16_errors);
	tcase_add_test(tc, test_ddns_and_spans);
	tcase_add_test(tc, test_lease_extras);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_frame);
	tcase_add_loop_test(tc, test_message_types, 0, 256);
	tcase_add_test(tc, test_payload_offset);
	tcase_add_test(tc, test_length_lies);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_option_overrun);
	tcase_add_test(tc, test_option_sizes);
	tcase_add_test(tc, test_binding_rules);
	tcase_add_test(tc, test_too_many_bindings);
	tcase_add_test(tc, test_duplicates_and_unknown);
	tcase_add_test(tc, test_text_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("digest");
	tcase_add_test(tc, test_digest_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_test(tc, test_encode_errors);
	tcase_add_test(tc, test_decode_args);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_cursor);
	suite_add_tcase(s, tc);

	tc = tcase_create("peek-connect");
	tcase_add_test(tc, test_peek_each_dialect);
	tcase_add_test(tc, test_peek_truncated);
	tcase_add_test(tc, test_peek_bad_lengths);
	tcase_add_test(tc, test_peek_not_connect);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
