/*
 * fo_pkt4.c - the raw DHCPv4 message, read field by field (RFC 2131 figure 1):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 *  +---------------+---------------+---------------+---------------+
 *  |                            xid (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |           secs (2)            |           flags (2)           |
 *  +-------------------------------+-------------------------------+
 *  |          ciaddr (4)  yiaddr (4)  siaddr (4)  giaddr (4)       |
 *  +---------------------------------------------------------------+
 *  |    chaddr (16)  sname (64)  file (128)                        |
 *  +---------------------------------------------------------------+
 *  |    magic cookie 99.130.83.99, options (code, len, value)...   |
 *  +---------------------------------------------------------------+
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_cursor.h"
#include "fo_pkt4.h"

enum {
	OPT_PAD = 0,
	OPT_REQUESTED_IP = 50,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_CLIENT_ID = 61,
	OPT_RELAY_AGENT = 82,
	OPT_SUBNET_SELECTION = 118,
	OPT_END = 255,
	RAI_LINK_SELECTION = 5,         /* RFC 3527 */
	RAI_SERVER_ID_OVERRIDE = 11,    /* RFC 5107 */
	CHADDR_LEN = 16,
	SNAME_FILE_LEN = 64 + 128,
};

/* RFC 3046: sub-options (code, len, value) filling the option exactly. */
static fo_status
relay_agent(fo_rcur *v, fo_pkt4 *out)
{
	uint8_t code, len;

	while (fo_rcur_left(v) > 0) {
		if (fo_get_u8(v, &code) != FO_OK || fo_get_u8(v, &len) != FO_OK ||
		    fo_get_skip(v, len) != FO_OK)
			return FO_ERR_PROTO;
		if (code == RAI_LINK_SELECTION)
			out->link_selection = true;
		if (code == RAI_SERVER_ID_OVERRIDE)
			out->server_id_override = true;
	}
	return FO_OK;
}

/* The bit of an option read once; 0 for the others. */
static uint32_t
once_bit(uint8_t code)
{
	switch (code) {
	case OPT_REQUESTED_IP: return 1u << 0;
	case OPT_MSG_TYPE: return 1u << 1;
	case OPT_SERVER_ID: return 1u << 2;
	case OPT_CLIENT_ID: return 1u << 3;
	case OPT_RELAY_AGENT: return 1u << 4;
	case OPT_SUBNET_SELECTION: return 1u << 5;
	default: return 0;
	}
}

/* One option's value `v` (len bytes) into out. */
static fo_status
option(uint8_t code, fo_rcur *v, fo_pkt4 *out)
{
	size_t len = fo_rcur_left(v);

	switch (code) {
	case OPT_OVERLOAD:
		return FO_ERR_PROTO;
	case OPT_MSG_TYPE:
		return len == 1 ? fo_get_u8(v, &out->type) : FO_ERR_PROTO;
	case OPT_REQUESTED_IP:
		out->requested_ip = true;
		return len == 4 ? FO_OK : FO_ERR_PROTO;
	case OPT_SERVER_ID:
		out->server_id = true;
		return len == 4 ? fo_get_u32(v, &out->server_id_addr) : FO_ERR_PROTO;
	case OPT_SUBNET_SELECTION:
		out->subnet_selection = true;
		return len == 4 ? FO_OK : FO_ERR_PROTO;
	case OPT_CLIENT_ID:
		out->cid = len > 0 ? fo_rcur_ptr(v) : NULL;
		out->cid_len = (uint8_t)len;
		return FO_OK;
	case OPT_RELAY_AGENT:
		return relay_agent(v, out);
	default:
		return FO_OK;
	}
}

/* RFC 2132 section 2: PAD and END are one byte; END must come. */
static fo_status
options(fo_rcur *c, fo_pkt4 *out)
{
	uint32_t seen = 0, bit;
	uint8_t code, len;
	fo_rcur v;

	for (;;) {
		if (fo_get_u8(c, &code) != FO_OK)
			return FO_ERR_PROTO;            /* no END */
		if (code == OPT_END)
			return FO_OK;
		if (code == OPT_PAD)
			continue;
		if (fo_get_u8(c, &len) != FO_OK || fo_get_view(c, len, &v) != FO_OK)
			return FO_ERR_PROTO;
		bit = once_bit(code);
		if (seen & bit)
			return FO_ERR_PROTO;
		seen |= bit;
		if (option(code, &v, out) != FO_OK)
			return FO_ERR_PROTO;
	}
}

fo_status
fo_pkt4_parse(const uint8_t *p, size_t n, fo_pkt4 *out)
{
	uint32_t xid, yiaddr, siaddr, cookie;
	uint16_t flags;
	uint8_t hops;
	fo_rcur c;

	if (out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	fo_rcur_init(&c, p, n);
	if (fo_get_u8(&c, &out->op) != FO_OK || fo_get_u8(&c, &out->htype) != FO_OK ||
	    fo_get_u8(&c, &out->hlen) != FO_OK || fo_get_u8(&c, &hops) != FO_OK ||
	    fo_get_u32(&c, &xid) != FO_OK || fo_get_u16(&c, &out->secs) != FO_OK ||
	    fo_get_u16(&c, &flags) != FO_OK || fo_get_u32(&c, &out->ciaddr) != FO_OK ||
	    fo_get_u32(&c, &yiaddr) != FO_OK || fo_get_u32(&c, &siaddr) != FO_OK ||
	    fo_get_u32(&c, &out->giaddr) != FO_OK)
		return FO_ERR_PROTO;
	out->chaddr = fo_rcur_ptr(&c);
	if (fo_get_skip(&c, CHADDR_LEN + SNAME_FILE_LEN) != FO_OK ||
	    fo_get_u32(&c, &cookie) != FO_OK)
		return FO_ERR_PROTO;
	if (out->op != 1 || out->hlen > CHADDR_LEN || cookie != FO_PKT4_COOKIE)
		return FO_ERR_PROTO;
	return options(&c, out);
}

bool
fo_pkt4_relayed(const fo_pkt4 *p)
{
	return p->giaddr != 0 && p->giaddr != 0xffffffffu;
}

fo_msg
fo_pkt4_msg(const fo_pkt4 *p, bool broadcast)
{
	return fo_msg_classify(p->type, p->ciaddr, broadcast || fo_pkt4_relayed(p),
	    p->server_id, p->requested_ip);
}

fo_client_ref
fo_pkt4_client(const fo_pkt4 *p)
{
	fo_client_ref c = { p->cid, p->cid != NULL ? p->cid_len : 0, p->chaddr, p->hlen,
		p->htype };

	return c;
}
