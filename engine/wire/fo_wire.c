/*
 * fo_wire.c - failover message codec: one option table for both
 * directions (draft-12 sections 6 and 12, [MS-DHCPF] 2.2).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fo_cursor.h"
#include "fo_wire.h"

/* How an option's value is laid out. */
enum okind {
	K_NONE = 0,
	K_U8,          /* uint8_t */
	K_U32,         /* uint32_t (fo_ip4 too: 4 bytes, network order) */
	K_STATUS,      /* fo_bstate, one byte 1..7 */
	K_HBA,         /* fo_hba, exactly 32 bytes */
	K_SPAN,        /* fo_wire_span, any bytes */
	K_TEXT,        /* char[cap]: raw bytes; MS dialect UTF-16LE, no NUL */
	K_WSTR,        /* char[cap]: UTF-16LE with NUL in every dialect (MS) */
	K_CID,         /* fo_client_id cid/cidlen */
	K_CHADDR,      /* fo_client_id htype/hw/hlen; MS: scope prefix */
	K_DDNS,        /* u16 flags + FQDN span */
	K_IPFLAGS,     /* uint16_t; MS dialect one byte */
	K_SCOPES,      /* MS: u32 little-endian list */
	K_DIGEST,      /* type byte + digest: handled by the codec itself */
};

/* Where an option may live. */
#define L_MSG 0x1u
#define L_BIND 0x2u
#define L_MS 0x4u              /* Microsoft extension: MS dialect only */
#define L_DRAFT 0x8u           /* between two instances of this hook only */

#define NOFF 0xffffu
#define VMAX (FO_WIRE_MAX - FO_WIRE_HDR - 4)
#define M(f) ((uint16_t)offsetof(fo_wire_msg, f))
#define B(f) ((uint16_t)offsetof(fo_wire_binding, f))
#define MSZ(f) ((uint16_t)sizeof(((fo_wire_msg *)0)->f))
#define BSZ(f) ((uint16_t)sizeof(((fo_wire_binding *)0)->f))

struct odesc {
	const char *name;
	uint8_t kind;          /* enum okind */
	uint8_t level;         /* L_* */
	uint16_t min, max;     /* value length bounds on the wire */
	uint16_t moff, boff;   /* field in fo_wire_msg / fo_wire_binding */
	uint16_t cap;          /* K_TEXT, K_WSTR: size of the char array */
};

#define MSG(n, k, lo, hi, f) { n, k, L_MSG, lo, hi, M(f), NOFF, 0 }
#define BND(n, k, lo, hi, f) { n, k, L_BIND, lo, hi, NOFF, B(f), 0 }
#define BTH(n, k, lo, hi, f) { n, k, L_MSG | L_BIND, lo, hi, M(f), B(f), 0 }
#define MSB(n, k, lo, hi, f) { n, k, L_BIND | L_MS, lo, hi, NOFF, B(f), 0 }
#define MSW(n, f) { n, K_WSTR, L_BIND | L_MS, 0, VMAX, NOFF, B(f), BSZ(f) }

/* The option table: draft-12 section 12 and [MS-DHCPF] 2.2.1-2.2.12. */
static const struct odesc otab[FO_O_TABLE] = {
	[FO_O_ADDRESSES_TRANSFERRED] =
	    MSG("addresses-transferred", K_U32, 4, 4, addresses_transferred),
	[FO_O_ASSIGNED_IP] = BND("assigned-IP-address", K_U32, 4, 4, addr),
	[FO_O_BINDING_STATUS] = BND("binding-status", K_STATUS, 1, 1, status),
	[FO_O_CLIENT_ID] = BND("client-identifier", K_CID, 0,
	    FO_CLIENT_ID_MAX, client),
	[FO_O_CHADDR] = BND("client-hardware-address", K_CHADDR, 1,
	    4 + 1 + FO_CHADDR_MAX, client),
	[FO_O_CLTT] = BND("client-last-transaction-time", K_U32, 4, 4, cltt),
	[FO_O_REPLY_OPTIONS] = BND("client-reply-options", K_SPAN, 0, VMAX,
	    reply_options),
	[FO_O_REQUEST_OPTIONS] = BND("client-request-options", K_SPAN, 0,
	    VMAX, request_options),
	[FO_O_DDNS] = { "DDNS", K_DDNS, L_BIND | L_DRAFT, 2, 2 + FO_HOSTNAME_MAX,
	    NOFF, B(ddns_flags), 0 },
	[FO_O_DELAYED_SERVICE] = BND("delayed-service-parameter", K_U8, 1, 1,
	    delayed_service),
	[FO_O_HBA] = MSG("hash-bucket-assignment", K_HBA, FO_HBA_BYTES,
	    FO_HBA_BYTES, hba),
	[FO_O_IP_FLAGS] = BND("IP-flags", K_IPFLAGS, 1, 2, ip_flags),
	[FO_O_LEASE_EXPIRATION] = BND("lease-expiration-time", K_U32, 4, 4,
	    expiry),
	[FO_O_MAX_UNACKED] = MSG("max-unacked-bndupd", K_U32, 4, 4,
	    max_unacked),
	[FO_O_MCLT] = MSG("MCLT", K_U32, 4, 4, mclt),
	[FO_O_MESSAGE] = BTH("message", K_SPAN, 0, VMAX, message),
	[FO_O_DIGEST] = { "message-digest", K_DIGEST, 0, 1, VMAX, NOFF, NOFF,
	    0 },
	[FO_O_POTENTIAL_EXPIRATION] = BND("potential-expiration-time", K_U32,
	    4, 4, pexp),
	[FO_O_RECEIVE_TIMER] = MSG("receive-timer", K_U32, 4, 4,
	    receive_timer),
	[FO_O_PROTOCOL_VERSION] = MSG("protocol-version", K_U8, 1, 1,
	    protocol_version),
	[FO_O_REJECT_REASON] = BTH("reject-reason", K_U8, 1, 1, reject),
	[FO_O_RELATIONSHIP_NAME] = { "relationship-name", K_TEXT, L_MSG, 0,
	    VMAX, M(relationship), NOFF, MSZ(relationship) },
	[FO_O_SERVER_FLAGS] = MSG("server-flags", K_U8, 1, 1, server_flags),
	[FO_O_SERVER_STATE] = MSG("server-state", K_U8, 1, 1, server_state),
	[FO_O_START_TIME] = BTH("start-time-of-state", K_U32, 4, 4, stos),
	[FO_O_TLS_REPLY] = MSG("TLS-reply", K_U8, 1, 1, tls_reply),
	[FO_O_TLS_REQUEST] = MSG("TLS-request", K_U8, 1, 1, tls_request),
	[FO_O_VENDOR_CLASS] = { "vendor-class-identifier", K_TEXT, L_MSG, 0,
	    VMAX, M(vendor_class), NOFF, MSZ(vendor_class) },
	[FO_O_VENDOR_OPTIONS] = MSG("vendor-specific-options", K_SPAN, 0,
	    VMAX, vendor_options),
	[FO_O_MS_SCOPE_IDS] = { "ms-scope-id-list", K_SCOPES, L_MSG | L_MS,
	    0, 4 * FO_WIRE_MAX_SCOPES, M(scopes), NOFF, 0 },
	[FO_O_MS_CLIENT_NAME] = MSW("ms-client-name", ms.client_name),
	[FO_O_MS_CLIENT_DESC] = MSW("ms-client-description", ms.client_desc),
	[FO_O_MS_SUBNET_MASK] = MSB("ms-client-subnet-mask", K_U32, 4, 4,
	    ms.subnet_mask),
	[FO_O_MS_SERVER_IP] = MSB("ms-server-ip", K_U32, 4, 4, ms.server_ip),
	[FO_O_MS_SERVER_NAME] = MSW("ms-server-name", ms.server_name),
	[FO_O_MS_CLIENT_TYPE] = MSB("ms-client-type", K_U8, 1, 1,
	    ms.client_type),
	[FO_O_MS_NAP_STATUS] = MSB("ms-client-nap-status", K_U8, 1, 1,
	    ms.nap_status),
	[FO_O_MS_NAP_PROBATION] = MSB("ms-client-nap-probation", K_U32, 4, 4,
	    ms.nap_probation),
	[FO_O_MS_NAP_CAPABLE] = MSB("ms-client-nap-capable", K_U8, 1, 1,
	    ms.nap_capable),
	[FO_O_MS_POLICY] = MSW("ms-client-matched-policy", ms.policy),
	[FO_O_MS_EXT_STATE] = MSB("ms-extended-address-state", K_U32, 4, 4,
	    ms.ext_state),
	[FO_O_KEA_USER_CONTEXT] = { "kea-user-context", K_SPAN, L_BIND | L_DRAFT,
	    0, FO_USER_CONTEXT_MAX, NOFF, B(user_context), 0 },
};

/* Encoding order: ISC's (reference section 3, dhcpd failover.c). */
static const uint8_t msg_order[] = {
	FO_O_RELATIONSHIP_NAME, FO_O_MAX_UNACKED, FO_O_RECEIVE_TIMER,
	FO_O_VENDOR_CLASS, FO_O_PROTOCOL_VERSION, FO_O_TLS_REQUEST,
	FO_O_TLS_REPLY, FO_O_MCLT, FO_O_HBA, FO_O_SERVER_STATE,
	FO_O_SERVER_FLAGS, FO_O_START_TIME, FO_O_ADDRESSES_TRANSFERRED,
	FO_O_REJECT_REASON, FO_O_MESSAGE, FO_O_MS_SCOPE_IDS,
	FO_O_VENDOR_OPTIONS,
};
static const uint8_t bind_order[] = {
	FO_O_ASSIGNED_IP, FO_O_BINDING_STATUS, FO_O_CLIENT_ID, FO_O_CHADDR,
	FO_O_LEASE_EXPIRATION, FO_O_POTENTIAL_EXPIRATION, FO_O_START_TIME,
	FO_O_CLTT, FO_O_IP_FLAGS, FO_O_DELAYED_SERVICE, FO_O_REPLY_OPTIONS,
	FO_O_REQUEST_OPTIONS, FO_O_DDNS, FO_O_REJECT_REASON, FO_O_MESSAGE,
	FO_O_MS_CLIENT_NAME, FO_O_MS_CLIENT_DESC, FO_O_MS_SUBNET_MASK,
	FO_O_MS_SERVER_IP, FO_O_MS_SERVER_NAME, FO_O_MS_CLIENT_TYPE,
	FO_O_MS_NAP_STATUS, FO_O_MS_NAP_PROBATION, FO_O_MS_NAP_CAPABLE,
	FO_O_MS_POLICY, FO_O_MS_EXT_STATE, FO_O_KEA_USER_CONTEXT,
};
#define N_ORDER(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mtype_names[FO_M_MAX + 1] = {
	[FO_M_POOLREQ] = "POOLREQ", [FO_M_POOLRESP] = "POOLRESP",
	[FO_M_BNDUPD] = "BNDUPD", [FO_M_BNDACK] = "BNDACK",
	[FO_M_CONNECT] = "CONNECT", [FO_M_CONNECTACK] = "CONNECTACK",
	[FO_M_UPDREQALL] = "UPDREQALL", [FO_M_UPDDONE] = "UPDDONE",
	[FO_M_UPDREQ] = "UPDREQ", [FO_M_STATE] = "STATE",
	[FO_M_CONTACT] = "CONTACT", [FO_M_DISCONNECT] = "DISCONNECT",
};

const char *
fo_mtype_name(fo_mtype t)
{
	if ((unsigned)t > FO_M_MAX)
		return NULL;
	return mtype_names[t];
}

static const char *const reject_names[FO_REJ_MISSING_DIGEST + 1] = {
	[FO_REJ_ILLEGAL_IP] = "illegal IP address",
	[FO_REJ_FATAL_CONFLICT] = "fatal conflict",
	[FO_REJ_MISSING_BINDING_INFO] = "missing binding information",
	[FO_REJ_TIME_MISMATCH] = "time mismatch too great",
	[FO_REJ_INVALID_MCLT] = "invalid MCLT",
	[FO_REJ_CONN_UNKNOWN] = "connection rejected, unknown reason",
	[FO_REJ_DUPLICATE_CONNECTION] = "duplicate connection",
	[FO_REJ_INVALID_PARTNER] = "invalid failover partner",
	[FO_REJ_TLS_NOT_SUPPORTED] = "TLS not supported",
	[FO_REJ_TLS_NOT_CONFIGURED] = "TLS supported but not configured",
	[FO_REJ_TLS_REQUIRED] = "TLS required but not supported by partner",
	[FO_REJ_DIGEST_NOT_SUPPORTED] = "message digest not supported",
	[FO_REJ_DIGEST_NOT_CONFIGURED] = "message digest not configured",
	[FO_REJ_VERSION_MISMATCH] = "protocol version mismatch",
	[FO_REJ_OUTDATED_BINDING] = "outdated binding information",
	[FO_REJ_LESS_CRITICAL_BINDING] = "less critical binding information",
	[FO_REJ_NO_TRAFFIC] = "no traffic within sufficient time",
	[FO_REJ_HBA_CONFLICT] = "hash bucket assignment conflict",
	[FO_REJ_IP_NOT_RESERVED] = "IP not reserved on this server",
	[FO_REJ_DIGEST_FAILED] = "message digest failed to compare",
	[FO_REJ_MISSING_DIGEST] = "missing message digest",
};

const char *
fo_reject_name(fo_reject r)
{
	if (r == FO_REJ_UNKNOWN)
		return "unknown";
	if ((unsigned)r > FO_REJ_MISSING_DIGEST)
		return NULL;
	return reject_names[r];
}

const char *
fo_wopt_name(unsigned code)
{
	if (code >= FO_O_TABLE)
		return NULL;
	return otab[code].name;
}

/* Whether an option of `level` is read and written in dialect d. */
static bool
in_dialect(unsigned level, fo_dialect d)
{
	if (level & L_MS)
		return d == FO_DIALECT_MS;
	if (level & L_DRAFT)
		return d == FO_DIALECT_DRAFT;
	return true;
}

/*
 * Everything but the binding slots, which are cleared one by one as they
 * are taken (fo_wire_add_binding, decoding): the slots are 9/10 of the
 * message's 24 KiB, and most messages carry one binding or none.
 */
static void
clear_msg(fo_wire_msg *m)
{
	memset(m, 0, offsetof(fo_wire_msg, b));
	m->nb = 0;
}

void
fo_wire_msg_init(fo_wire_msg *m, fo_mtype type, uint32_t time, uint32_t xid)
{
	clear_msg(m);
	m->type = type;
	m->time = time;
	m->xid = xid;
}

fo_wire_binding *
fo_wire_add_binding(fo_wire_msg *m, fo_ip4 addr)
{
	fo_wire_binding *b;

	if (m == NULL || m->nb >= FO_WIRE_MAX_BINDINGS)
		return NULL;
	b = &m->b[m->nb++];
	memset(b, 0, sizeof(*b));
	b->addr = addr;
	b->present = FO_WIRE_BIT(FO_O_ASSIGNED_IP);
	return b;
}

fo_wire_span
fo_wire_str(const char *s)
{
	fo_wire_span sp = { (const uint8_t *)s, s == NULL ? 0 : strlen(s) };

	return sp;
}

fo_status
fo_wire_frame(const uint8_t *buf, size_t have, size_t *msg_len)
{
	size_t n;

	if (buf == NULL || msg_len == NULL)
		return FO_ERR_INVAL;
	*msg_len = 0;
	if (have < 2)
		return FO_OK;
	n = (size_t)buf[0] << 8 | buf[1];
	if (n < FO_WIRE_MIN || n > FO_WIRE_MAX)
		return FO_ERR_PROTO;
	*msg_len = n;
	return FO_OK;
}

/* ---- decoding ---- */

struct dctx {
	fo_wire_msg *m;
	fo_dialect d;
	bool bindmsg;          /* BNDUPD or BNDACK: options form bindings */
	bool digest_seen;
	bool digest_not_last;
	size_t digest_off;     /* message offset of the 32 digest bytes */
	uint16_t digest_len;   /* option 17 value length */
	uint8_t digest_type;
	fo_reject why;
	char *err;
	size_t errlen;
};

static fo_status
fail(struct dctx *x, fo_reject why, const char *fmt, ...)
{
	va_list ap;

	x->why = why;
	if (x->err != NULL && x->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return FO_ERR_PROTO;
}

/* Raw text: trailing NULs dropped, NUL inside refused, must fit cap - 1. */
static fo_status
get_text_raw(fo_rcur *v, char *out, size_t cap)
{
	const uint8_t *p = fo_rcur_ptr(v);
	size_t n = fo_rcur_left(v);

	while (n > 0 && p[n - 1] == 0)
		n--;
	if (n >= cap || (n > 0 && memchr(p, 0, n) != NULL))
		return FO_ERR_PROTO;
	if (n > 0)
		memcpy(out, p, n);
	out[n] = '\0';
	return fo_get_skip(v, fo_rcur_left(v));
}

static fo_status
get_chaddr(fo_rcur *v, fo_dialect d, fo_wire_binding *b)
{
	size_t hl;

	if (d == FO_DIALECT_MS && fo_get_u32_le(v, &b->ms.scope) != FO_OK)
		return FO_ERR_PROTO;
	if (fo_get_u8(v, &b->client.htype) != FO_OK)
		return FO_ERR_PROTO;
	hl = fo_rcur_left(v);
	if (hl > FO_CHADDR_MAX)
		return FO_ERR_PROTO;
	b->client.hlen = (uint8_t)hl;
	return fo_get_bytes(v, b->client.hw, hl);
}

static fo_status
get_scopes(fo_rcur *v, fo_wire_msg *m)
{
	if (fo_rcur_left(v) % 4 != 0)
		return FO_ERR_PROTO;
	m->nscopes = 0;
	while (fo_rcur_left(v) > 0 && m->nscopes < FO_WIRE_MAX_SCOPES) {
		if (fo_get_u32_le(v, &m->scopes[m->nscopes++]) != FO_OK)
			return FO_ERR_PROTO;
	}
	return fo_rcur_left(v) == 0 ? FO_OK : FO_ERR_PROTO;
}

/* Decode value v of option od into field f of msg m / binding b. */
static fo_status
get_value(const struct odesc *od, fo_rcur *v, fo_dialect d, void *f,
    fo_wire_msg *m, fo_wire_binding *b)
{
	fo_wire_span *sp = f;
	uint8_t u8 = 0;
	uint16_t u16 = 0;

	switch ((enum okind)od->kind) {
	case K_U8:
		return fo_get_u8(v, f);
	case K_U32:
		return fo_get_u32(v, f);
	case K_STATUS:
		if (fo_get_u8(v, &u8) != FO_OK || u8 < 1 || u8 > FO_BS_MAX)
			return FO_ERR_PROTO;
		b->status = (fo_bstate)u8;
		return FO_OK;
	case K_HBA:
		return fo_get_bytes(v, m->hba.bits, FO_HBA_BYTES);
	case K_SPAN:
		sp->p = fo_rcur_ptr(v);
		sp->len = fo_rcur_left(v);
		return fo_get_skip(v, sp->len);
	case K_TEXT:
		if (d == FO_DIALECT_MS)
			return fo_get_utf16le(v, f, od->cap);
		return get_text_raw(v, f, od->cap);
	case K_WSTR:
		return fo_get_utf16le(v, f, od->cap);
	case K_CID:
		b->client.cidlen = (uint8_t)fo_rcur_left(v);
		return fo_get_bytes(v, b->client.cid, b->client.cidlen);
	case K_CHADDR:
		return get_chaddr(v, d, b);
	case K_DDNS:
		if (fo_get_u16(v, &b->ddns_flags) != FO_OK)
			return FO_ERR_PROTO;
		b->ddns_name.p = fo_rcur_ptr(v);
		b->ddns_name.len = fo_rcur_left(v);
		return fo_get_skip(v, b->ddns_name.len);
	case K_IPFLAGS:
		if (d == FO_DIALECT_MS) {
			if (fo_rcur_left(v) != 1 || fo_get_u8(v, &u8) != FO_OK)
				return FO_ERR_PROTO;
			b->ip_flags = u8;
			return FO_OK;
		}
		if (fo_rcur_left(v) != 2 || fo_get_u16(v, &u16) != FO_OK)
			return FO_ERR_PROTO;
		b->ip_flags = u16;
		return FO_OK;
	case K_SCOPES:
		return get_scopes(v, m);
	case K_NONE:
	case K_DIGEST:
		break;
	}
	return FO_ERR_PROTO;
}

static fo_status
take_digest(struct dctx *x, fo_rcur *v, size_t value_off)
{
	if (x->digest_seen)
		return fail(x, FO_REJ_DIGEST_FAILED,
		    "option 17 (message-digest) twice");
	x->digest_seen = true;
	x->digest_len = (uint16_t)fo_rcur_left(v);
	x->digest_off = value_off + 1;
	if (fo_get_u8(v, &x->digest_type) != FO_OK)
		x->digest_type = 0;
	return fo_get_skip(v, fo_rcur_left(v));
}

/* Start a new binding at an assigned-IP-address option. */
static fo_status
open_binding(struct dctx *x)
{
	fo_wire_msg *m = x->m;

	if (x->d == FO_DIALECT_ISC && m->nb >= 1)
		return fail(x, FO_REJ_UNKNOWN,
		    "second assigned-IP-address: ISC sends one binding per %s",
		    fo_mtype_name(m->type));
	if (m->nb >= FO_WIRE_MAX_BINDINGS)
		return fail(x, FO_REJ_UNKNOWN, "more than %d bindings",
		    FO_WIRE_MAX_BINDINGS);
	memset(&m->b[m->nb], 0, sizeof(m->b[0]));
	m->nb++;
	return FO_OK;
}

/* Route option `code` (value v at message offset off) to its field. */
static fo_status
take_option(struct dctx *x, uint16_t code, fo_rcur *v, size_t off)
{
	const struct odesc *od = code < FO_O_TABLE ? &otab[code] : NULL;
	fo_wire_msg *m = x->m;
	fo_wire_binding *b = NULL;
	uint64_t *present;
	size_t n = fo_rcur_left(v);
	void *f;

	if (x->digest_seen)
		x->digest_not_last = true;
	if (od == NULL || od->name == NULL || !in_dialect(od->level, x->d)) {
		m->skipped++;
		return FO_OK;
	}
	if (od->kind == K_DIGEST)
		return take_digest(x, v, off);
	if (n < od->min || n > od->max)
		return fail(x, FO_REJ_UNKNOWN,
		    "option %u (%s): length %zu outside %u..%u", code,
		    od->name, n, od->min, od->max);
	if (code == FO_O_ASSIGNED_IP && x->bindmsg &&
	    open_binding(x) != FO_OK)
		return FO_ERR_PROTO;
	if ((od->level & L_BIND) && x->bindmsg && m->nb > 0) {
		b = &m->b[m->nb - 1];
		present = &b->present;
		f = (char *)b + od->boff;
	} else if (od->level & L_MSG) {
		present = &m->present;
		f = (char *)m + od->moff;
	} else if (x->bindmsg) {
		return fail(x, FO_REJ_MISSING_BINDING_INFO,
		    "option %u (%s) before the first assigned-IP-address",
		    code, od->name);
	} else {
		m->skipped++;  /* binding option outside BNDUPD/BNDACK */
		return FO_OK;
	}
	if (*present & FO_WIRE_BIT(code))
		return fail(x, FO_REJ_UNKNOWN, "option %u (%s) twice", code,
		    od->name);
	if (get_value(od, v, x->d, f, m, b) != FO_OK)
		return fail(x, FO_REJ_UNKNOWN, "option %u (%s): bad value",
		    code, od->name);
	*present |= FO_WIRE_BIT(code);
	return FO_OK;
}

/* Header (section 6.1); leaves c at the payload. */
static fo_status
decode_header(struct dctx *x, const uint8_t *buf, size_t len, fo_rcur *c)
{
	fo_wire_msg *m = x->m;
	uint16_t mlen = 0;
	uint8_t type = 0, off = 0;

	fo_rcur_init(c, buf, len);
	if (len < FO_WIRE_MIN || len > FO_WIRE_MAX)
		return fail(x, FO_REJ_UNKNOWN, "message of %zu bytes", len);
	(void)fo_get_u16(c, &mlen);
	(void)fo_get_u8(c, &type);
	(void)fo_get_u8(c, &off);
	(void)fo_get_u32(c, &m->time);
	(void)fo_get_u32(c, &m->xid);
	m->type = (fo_mtype)type;
	m->offset = off;
	if (mlen != len)
		return fail(x, FO_REJ_UNKNOWN,
		    "length field %u, message %zu bytes", mlen, len);
	if (type >= 128)
		return FO_ERR_NOTFOUND;
	if (type < FO_M_POOLREQ || type > FO_M_MAX)
		return fail(x, FO_REJ_UNKNOWN, "unknown message type %u",
		    type);
	if (off > len)
		return fail(x, FO_REJ_UNKNOWN,
		    "payload offset %u beyond length %zu", off, len);
	if (off > FO_WIRE_HDR)
		(void)fo_get_skip(c, (size_t)off - FO_WIRE_HDR);
	x->bindmsg = type == FO_M_BNDUPD || type == FO_M_BNDACK;
	return FO_OK;
}

static fo_status
decode_options(struct dctx *x, fo_rcur *c)
{
	fo_rcur v;
	uint16_t code, olen;
	size_t at;

	while (fo_rcur_left(c) > 0) {
		at = c->off;
		if (fo_get_u16(c, &code) != FO_OK ||
		    fo_get_u16(c, &olen) != FO_OK)
			return fail(x, FO_REJ_UNKNOWN,
			    "truncated option header at offset %zu", at);
		if (fo_get_view(c, olen, &v) != FO_OK)
			return fail(x, FO_REJ_UNKNOWN,
			    "option %u at offset %zu: length %u runs past the"
			    " end", code, at, olen);
		if (take_option(x, code, &v, at + 4) != FO_OK)
			return FO_ERR_PROTO;
	}
	return FO_OK;
}

static fo_status
check_digest(struct dctx *x, const uint8_t *buf, size_t len,
    const fo_digest_key *key)
{
	if (key == NULL || key->len == 0) {
		if (x->digest_seen)
			return fail(x, FO_REJ_DIGEST_NOT_CONFIGURED,
			    "message digest present but none configured");
		return FO_OK;
	}
	if (!x->digest_seen)
		return fail(x, FO_REJ_MISSING_DIGEST, "missing message digest");
	if (x->digest_not_last || x->digest_len != FO_DIGEST_OPT_LEN ||
	    x->digest_type != FO_DIGEST_TYPE_HMAC_SHA256)
		return fail(x, FO_REJ_DIGEST_FAILED,
		    "message digest not last, or type %u length %u",
		    x->digest_type, x->digest_len);
	if (fo_digest_verify(key, buf, len, x->digest_off) != FO_OK)
		return fail(x, FO_REJ_DIGEST_FAILED,
		    "message digest does not match");
	x->m->digest = true;
	return FO_OK;
}

static fo_status
check_bindings(struct dctx *x)
{
	const fo_wire_msg *m = x->m;

	if (m->type != FO_M_BNDUPD && m->type != FO_M_BNDACK)
		return FO_OK;
	if (m->nb == 0)
		return fail(x, FO_REJ_MISSING_BINDING_INFO,
		    "%s without assigned-IP-address", fo_mtype_name(m->type));
	for (size_t i = 0; m->type == FO_M_BNDUPD && i < m->nb; i++) {
		if (!(m->b[i].present & FO_WIRE_BIT(FO_O_BINDING_STATUS)))
			return fail(x, FO_REJ_MISSING_BINDING_INFO,
			    "binding %zu without binding-status", i + 1);
	}
	return FO_OK;
}

fo_status
fo_wire_decode(const uint8_t *buf, size_t len, fo_dialect d,
    const fo_digest_key *key, fo_wire_msg *out, fo_reject *why,
    char *err, size_t errlen)
{
	struct dctx x;
	fo_rcur c;
	fo_status st;

	if (why != NULL)
		*why = FO_REJ_NONE;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (buf == NULL || out == NULL || (d != FO_DIALECT_DRAFT &&
	    d != FO_DIALECT_ISC && d != FO_DIALECT_MS))
		return FO_ERR_INVAL;
	clear_msg(out);
	memset(&x, 0, sizeof(x));
	x.m = out;
	x.d = d;
	x.err = err;
	x.errlen = errlen;
	if ((st = decode_header(&x, buf, len, &c)) != FO_OK)
		goto done;
	if ((st = decode_options(&x, &c)) != FO_OK)
		goto done;
	if ((st = check_digest(&x, buf, len, key)) != FO_OK)
		goto done;
	st = check_bindings(&x);
done:
	if (st == FO_ERR_PROTO && why != NULL)
		*why = x.why;
	return st;
}

/* ---- peeking at a CONNECT (routing an inbound connection) ---- */

fo_status
fo_wire_peek_connect(const uint8_t *buf, size_t len, uint8_t *name,
    size_t cap, size_t *name_len, uint32_t *xid)
{
	fo_rcur c, v;
	uint16_t mlen = 0, code = 0, olen = 0;
	uint8_t type = 0, off = 0;
	uint32_t x = 0;
	bool found = false;

	if (buf == NULL || name_len == NULL || (name == NULL && cap > 0))
		return FO_ERR_INVAL;
	*name_len = 0;
	if (len < FO_WIRE_MIN || len > FO_WIRE_MAX)
		return FO_ERR_PROTO;
	fo_rcur_init(&c, buf, len);
	(void)fo_get_u16(&c, &mlen);
	(void)fo_get_u8(&c, &type);
	(void)fo_get_u8(&c, &off);
	(void)fo_get_skip(&c, 4);          /* time */
	(void)fo_get_u32(&c, &x);
	if (mlen != len || off > len)
		return FO_ERR_PROTO;
	if (xid != NULL)
		*xid = x;
	if (type != FO_M_CONNECT)
		return FO_ERR_NOTFOUND;
	if (off > FO_WIRE_HDR)
		(void)fo_get_skip(&c, (size_t)off - FO_WIRE_HDR);
	while (fo_rcur_left(&c) > 0) {
		if (fo_get_u16(&c, &code) != FO_OK ||
		    fo_get_u16(&c, &olen) != FO_OK ||
		    fo_get_view(&c, olen, &v) != FO_OK)
			return FO_ERR_PROTO;
		if (code != FO_O_RELATIONSHIP_NAME || found)
			continue;
		if (olen > cap)
			return FO_ERR_RANGE;
		if (olen > 0)
			memcpy(name, fo_rcur_ptr(&v), olen);
		*name_len = olen;
		found = true;
	}
	return found ? FO_OK : FO_ERR_NOTFOUND;
}

bool
fo_wire_name_is(const uint8_t *raw, size_t n, fo_dialect d, const char *name)
{
	char text[FO_WIRE_NAME_MAX + 1];
	fo_rcur v;
	fo_status st;

	if ((raw == NULL && n > 0) || name == NULL)
		return false;
	fo_rcur_init(&v, raw, n);
	st = d == FO_DIALECT_MS ? fo_get_utf16le(&v, text, sizeof(text)) :
	    get_text_raw(&v, text, sizeof(text));
	return st == FO_OK && strcmp(text, name) == 0;
}

/* ---- encoding ---- */

/* Encode field f of option od as a value (the option header is written). */
static fo_status
put_value(const struct odesc *od, fo_wcur *w, fo_dialect d, const void *f,
    const fo_wire_msg *m, const fo_wire_binding *b)
{
	const fo_wire_span *sp = f;
	const char *s = f;

	switch ((enum okind)od->kind) {
	case K_U8:
		fo_put_u8(w, *(const uint8_t *)f);
		return FO_OK;
	case K_U32:
		fo_put_u32(w, *(const uint32_t *)f);
		return FO_OK;
	case K_STATUS:
		if ((unsigned)b->status < 1 || (unsigned)b->status > FO_BS_MAX)
			return FO_ERR_INVAL;
		fo_put_u8(w, (uint8_t)b->status);
		return FO_OK;
	case K_HBA:
		fo_put_bytes(w, m->hba.bits, FO_HBA_BYTES);
		return FO_OK;
	case K_SPAN:
		if (sp->len > 0 && sp->p == NULL)
			return FO_ERR_INVAL;
		fo_put_bytes(w, sp->p, sp->len);
		return FO_OK;
	case K_TEXT:
	case K_WSTR:
		if (memchr(s, 0, od->cap) == NULL)
			return FO_ERR_INVAL;
		if (od->kind == K_WSTR || d == FO_DIALECT_MS)
			return fo_put_utf16le(w, s, od->kind == K_WSTR);
		fo_put_bytes(w, s, strlen(s));
		return FO_OK;
	case K_CID:
		fo_put_bytes(w, b->client.cid, b->client.cidlen);
		return FO_OK;
	case K_CHADDR:
		if (b->client.hlen > FO_CHADDR_MAX)
			return FO_ERR_INVAL;
		if (d == FO_DIALECT_MS)
			fo_put_u32_le(w, b->ms.scope);
		fo_put_u8(w, b->client.htype);
		fo_put_bytes(w, b->client.hw, b->client.hlen);
		return FO_OK;
	case K_DDNS:
		if (b->ddns_name.len > 0 && b->ddns_name.p == NULL)
			return FO_ERR_INVAL;
		fo_put_u16(w, b->ddns_flags);
		fo_put_bytes(w, b->ddns_name.p, b->ddns_name.len);
		return FO_OK;
	case K_IPFLAGS:
		if (d != FO_DIALECT_MS) {
			fo_put_u16(w, b->ip_flags);
			return FO_OK;
		}
		if (b->ip_flags > 0xff)
			return FO_ERR_INVAL;
		fo_put_u8(w, (uint8_t)b->ip_flags);
		return FO_OK;
	case K_SCOPES:
		if (m->nscopes > FO_WIRE_MAX_SCOPES)
			return FO_ERR_INVAL;
		for (size_t i = 0; i < m->nscopes; i++)
			fo_put_u32_le(w, m->scopes[i]);
		return FO_OK;
	case K_NONE:
	case K_DIGEST:
		break;
	}
	return FO_ERR_INVAL;
}

/* One option: code, length (back-patched), value. */
static fo_status
put_option(fo_wcur *w, fo_dialect d, unsigned code, const fo_wire_msg *m,
    const fo_wire_binding *b)
{
	const struct odesc *od = &otab[code];
	const void *f = b != NULL ? (const char *)b + od->boff :
	    (const char *)m + od->moff;
	size_t start = w->off;
	fo_status st;

	fo_put_u16(w, (uint16_t)code);
	fo_put_u16(w, 0);
	st = put_value(od, w, d, f, m, b);
	if (st != FO_OK || !fo_wcur_ok(w))
		return st;
	fo_put_u16_at(w, start + 2, (uint16_t)(w->off - start - 4));
	return FO_OK;
}

/* Skip MS extensions outside the MS dialect. */
static bool
sendable(unsigned code, fo_dialect d, uint64_t present)
{
	if (!(present & FO_WIRE_BIT(code)))
		return false;
	return in_dialect(otab[code].level, d);
}

static fo_status
encode_check(const fo_wire_msg *m, fo_dialect d)
{
	bool bindmsg = m->type == FO_M_BNDUPD || m->type == FO_M_BNDACK;

	if (d != FO_DIALECT_DRAFT && d != FO_DIALECT_ISC &&
	    d != FO_DIALECT_MS)
		return FO_ERR_INVAL;
	if ((unsigned)m->type < FO_M_POOLREQ || (unsigned)m->type > FO_M_MAX)
		return FO_ERR_INVAL;
	if (m->nb > FO_WIRE_MAX_BINDINGS || (m->nb > 0 && !bindmsg))
		return FO_ERR_INVAL;
	if (d == FO_DIALECT_ISC && m->nb > 1)
		return FO_ERR_INVAL;
	return FO_OK;
}

fo_status
fo_wire_encode(const fo_wire_msg *m, fo_dialect d, const fo_digest_key *key,
    uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t dig[FO_DIGEST_LEN];
	size_t doff = 0, i, k;
	fo_wcur w;
	fo_status st;

	if (m == NULL || buf == NULL || len == NULL)
		return FO_ERR_INVAL;
	*len = 0;
	if ((st = encode_check(m, d)) != FO_OK)
		goto done;
	fo_wcur_init(&w, buf, cap < FO_WIRE_MAX ? cap : FO_WIRE_MAX);
	fo_put_u16(&w, 0);
	fo_put_u8(&w, (uint8_t)m->type);
	fo_put_u8(&w, d == FO_DIALECT_MS ? FO_WIRE_OFFSET_MS : FO_WIRE_HDR);
	fo_put_u32(&w, m->time);
	fo_put_u32(&w, m->xid);
	for (k = 0; k < N_ORDER(msg_order); k++) {
		if (sendable(msg_order[k], d, m->present) &&
		    (st = put_option(&w, d, msg_order[k], m, NULL)) != FO_OK)
			goto done;
	}
	for (i = 0; i < m->nb; i++) {
		for (k = 0; k < N_ORDER(bind_order); k++) {
			if ((k == 0 || sendable(bind_order[k], d,
			    m->b[i].present)) && (st = put_option(&w, d,
			    bind_order[k], m, &m->b[i])) != FO_OK)
				goto done;
		}
	}
	if (key != NULL && key->len > 0) {
		fo_put_u16(&w, FO_O_DIGEST);
		fo_put_u16(&w, FO_DIGEST_OPT_LEN);
		fo_put_u8(&w, FO_DIGEST_TYPE_HMAC_SHA256);
		doff = w.off;
		fo_put_zeros(&w, FO_DIGEST_LEN);
	}
	st = FO_ERR_RANGE;
	if (!fo_wcur_ok(&w))
		goto done;
	fo_put_u16_at(&w, 0, (uint16_t)w.off);
	if (doff > 0) {
		if ((st = fo_digest_compute(key, buf, w.off, doff, dig)) != FO_OK)
			goto done;
		memcpy(buf + doff, dig, FO_DIGEST_LEN);
	}
	*len = w.off;
	st = FO_OK;
done:
	return st;
}
