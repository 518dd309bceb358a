/*
 * wire_samples.h - sample failover messages and a field-by-field
 * comparison, shared by check_wire.c, fuzz_wire.c and gen_messages.c.
 * Header-only (static functions): include it in one file per program.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef WIRE_SAMPLES_H
#define WIRE_SAMPLES_H

#include <string.h>

#include "fo_wire.h"

#define WS_TIME 1700000000u
#define WS_NET 0x0a000100u              /* 10.0.1.0 */

static inline void
ws_key(fo_digest_key *k)
{
	static const char ws_secret[] = "kea-failover test secret";

	memset(k, 0, sizeof(*k));
	(void)fo_digest_key_set(k, ws_secret, sizeof(ws_secret) - 1);
}

static inline void
ws_client(fo_wire_binding *b, unsigned i, bool cid)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x00 };

	b->client.htype = 1;
	b->client.hlen = 6;
	memcpy(b->client.hw, mac, 6);
	b->client.hw[5] = (uint8_t)(0x50 + i);
	b->present |= FO_WIRE_BIT(FO_O_CHADDR);
	if (cid) {
		b->client.cidlen = 7;
		b->client.cid[0] = 1;
		memcpy(b->client.cid + 1, b->client.hw, 6);
		b->present |= FO_WIRE_BIT(FO_O_CLIENT_ID);
	}
}

/* A binding as ISC sends it: ACTIVE with every time, or a free state. */
static inline void
ws_binding(fo_wire_binding *b, unsigned i, fo_bstate st)
{
	b->status = st;
	b->present |= FO_WIRE_BIT(FO_O_BINDING_STATUS) |
	    FO_WIRE_BIT(FO_O_LEASE_EXPIRATION) |
	    FO_WIRE_BIT(FO_O_POTENTIAL_EXPIRATION) |
	    FO_WIRE_BIT(FO_O_START_TIME);
	b->stos = WS_TIME - 10;
	if (st == FO_BS_ACTIVE) {
		ws_client(b, i, i % 2 == 0);
		b->expiry = WS_TIME + 3600;
		b->pexp = WS_TIME + 5400;
		b->cltt = WS_TIME - 10;
		b->present |= FO_WIRE_BIT(FO_O_CLTT);
	}
}

static inline void
ws_ms_extras(fo_wire_binding *b)
{
	if (b->present & FO_WIRE_BIT(FO_O_CHADDR))
		b->ms.scope = WS_NET;   /* travels in option 5 */
	strcpy(b->ms.client_name, "desktop-\xc3\xbc\xe2\x82\xac");   /* ü€ */
	strcpy(b->ms.client_desc, "floor 2 \xf0\x9f\x98\x80");       /* 😀 */
	b->ms.subnet_mask = 0xffffff00u;
	b->ms.server_ip = WS_NET | 2;
	strcpy(b->ms.server_name, "dhcp1.example.com");
	b->ms.client_type = 1;
	b->ms.nap_status = 0;
	b->ms.nap_probation = 0;
	b->ms.nap_capable = 0;
	strcpy(b->ms.policy, "lab");
	b->ms.ext_state = 0x00000004u;
	b->ip_flags = 0x01;
	b->present |= FO_WIRE_BIT(FO_O_IP_FLAGS);
	for (unsigned c = FO_O_MS_CLIENT_NAME; c <= FO_O_MS_EXT_STATE; c++)
		b->present |= FO_WIRE_BIT(c);
}

/*
 * A typical message of type t in dialect d: what ISC or Windows sends,
 * and for the draft dialect a batch of three bindings.
 */
static inline void
ws_sample(fo_wire_msg *m, fo_mtype t, fo_dialect d)
{
	fo_wire_binding *b;
	size_t n = d == FO_DIALECT_ISC ? 1 : d == FO_DIALECT_MS ? 2 : 3;

	fo_wire_msg_init(m, t, WS_TIME, 0x1000u + (uint32_t)t);
	switch (t) {
	case FO_M_CONNECT:
	case FO_M_CONNECTACK:
		strcpy(m->relationship, d == FO_DIALECT_MS ?
		    "rel-\xc3\x9c" "berfall" : "peer");
		m->max_unacked = 10;
		m->receive_timer = 30;
		strcpy(m->vendor_class, "isc-4.4.3-P1");
		m->protocol_version = 1;
		m->present = FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) |
		    FO_WIRE_BIT(FO_O_MAX_UNACKED) |
		    FO_WIRE_BIT(FO_O_RECEIVE_TIMER) |
		    FO_WIRE_BIT(FO_O_VENDOR_CLASS) |
		    FO_WIRE_BIT(FO_O_PROTOCOL_VERSION);
		if (t == FO_M_CONNECT) {
			m->mclt = 3600;
			(void)fo_hba_from_split(&m->hba, 128);
			m->present |= FO_WIRE_BIT(FO_O_TLS_REQUEST) |
			    FO_WIRE_BIT(FO_O_MCLT) | FO_WIRE_BIT(FO_O_HBA);
		} else {
			m->present |= FO_WIRE_BIT(FO_O_TLS_REPLY);
		}
		if (d == FO_DIALECT_MS) {
			m->nscopes = 2;
			m->scopes[0] = WS_NET;
			m->scopes[1] = 0xc0a80100u;
			m->present |= FO_WIRE_BIT(FO_O_MS_SCOPE_IDS);
		}
		break;
	case FO_M_POOLRESP:
		m->addresses_transferred = 42;
		m->present = FO_WIRE_BIT(FO_O_ADDRESSES_TRANSFERRED);
		break;
	case FO_M_BNDUPD:
	case FO_M_BNDACK:
		for (size_t i = 0; i < n; i++) {
			b = fo_wire_add_binding(m, WS_NET + 10 + (fo_ip4)i);
			ws_binding(b, (unsigned)i, i == 1 ? FO_BS_FREE :
			    FO_BS_ACTIVE);
			if (d == FO_DIALECT_MS)
				ws_ms_extras(b);
		}
		if (t == FO_M_BNDACK) {
			b = &m->b[m->nb - 1];
			b->reject = FO_REJ_FATAL_CONFLICT;
			b->message = fo_wire_str("invalid binding state transition");
			b->present |= FO_WIRE_BIT(FO_O_REJECT_REASON) |
			    FO_WIRE_BIT(FO_O_MESSAGE);
		}
		break;
	case FO_M_STATE:
		m->server_state = 2;
		m->server_flags = 0;
		m->stos = WS_TIME - 100;
		m->present = FO_WIRE_BIT(FO_O_SERVER_STATE) |
		    FO_WIRE_BIT(FO_O_SERVER_FLAGS) |
		    FO_WIRE_BIT(FO_O_START_TIME);
		break;
	case FO_M_DISCONNECT:
		m->reject = FO_REJ_INVALID_PARTNER;
		m->message = fo_wire_str("unknown relationship");
		m->present = FO_WIRE_BIT(FO_O_REJECT_REASON) |
		    FO_WIRE_BIT(FO_O_MESSAGE);
		break;
	case FO_M_POOLREQ:
	case FO_M_UPDREQALL:
	case FO_M_UPDDONE:
	case FO_M_UPDREQ:
	case FO_M_CONTACT:
		break;
	}
}

static inline bool
ws_span_eq(fo_wire_span a, fo_wire_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool
ws_binding_eq(const fo_wire_binding *a, const fo_wire_binding *b)
{
	const fo_wire_ms *x = &a->ms, *y = &b->ms;

	return a->present == b->present && a->addr == b->addr &&
	    a->status == b->status && a->cltt == b->cltt &&
	    a->client.htype == b->client.htype &&
	    a->client.hlen == b->client.hlen &&
	    memcmp(a->client.hw, b->client.hw, a->client.hlen) == 0 &&
	    a->client.cidlen == b->client.cidlen &&
	    memcmp(a->client.cid, b->client.cid, a->client.cidlen) == 0 &&
	    ws_span_eq(a->reply_options, b->reply_options) &&
	    ws_span_eq(a->request_options, b->request_options) &&
	    a->ddns_flags == b->ddns_flags &&
	    ws_span_eq(a->ddns_name, b->ddns_name) &&
	    ws_span_eq(a->user_context, b->user_context) &&
	    a->delayed_service == b->delayed_service &&
	    a->ip_flags == b->ip_flags && a->expiry == b->expiry &&
	    a->pexp == b->pexp && a->stos == b->stos &&
	    a->reject == b->reject && ws_span_eq(a->message, b->message) &&
	    x->scope == y->scope &&
	    strcmp(x->client_name, y->client_name) == 0 &&
	    strcmp(x->client_desc, y->client_desc) == 0 &&
	    x->subnet_mask == y->subnet_mask && x->server_ip == y->server_ip &&
	    strcmp(x->server_name, y->server_name) == 0 &&
	    x->client_type == y->client_type &&
	    x->nap_status == y->nap_status &&
	    x->nap_probation == y->nap_probation &&
	    x->nap_capable == y->nap_capable &&
	    strcmp(x->policy, y->policy) == 0 && x->ext_state == y->ext_state;
}

/*
 * Equal as decoded messages: every field but offset and skipped (the
 * encoder writes its dialect's offset and drops unknown options).
 * Fields whose present bit is clear must be zero on both sides, so they
 * are compared too.
 */
static inline bool
ws_msg_eq(const fo_wire_msg *a, const fo_wire_msg *b)
{
	if (a->type != b->type || a->time != b->time || a->xid != b->xid ||
	    a->present != b->present || a->nb != b->nb ||
	    a->nscopes != b->nscopes || a->digest != b->digest)
		return false;
	if (strcmp(a->relationship, b->relationship) != 0 ||
	    strcmp(a->vendor_class, b->vendor_class) != 0 ||
	    a->addresses_transferred != b->addresses_transferred ||
	    memcmp(&a->hba, &b->hba, sizeof(a->hba)) != 0 ||
	    a->max_unacked != b->max_unacked || a->mclt != b->mclt ||
	    !ws_span_eq(a->message, b->message) ||
	    a->receive_timer != b->receive_timer ||
	    a->protocol_version != b->protocol_version ||
	    a->reject != b->reject || a->server_flags != b->server_flags ||
	    a->server_state != b->server_state || a->stos != b->stos ||
	    a->tls_reply != b->tls_reply || a->tls_request != b->tls_request ||
	    !ws_span_eq(a->vendor_options, b->vendor_options))
		return false;
	for (size_t i = 0; i < a->nscopes; i++) {
		if (a->scopes[i] != b->scopes[i])
			return false;
	}
	for (size_t i = 0; i < a->nb; i++) {
		if (!ws_binding_eq(&a->b[i], &b->b[i]))
			return false;
	}
	return true;
}

#endif /* WIRE_SAMPLES_H */
