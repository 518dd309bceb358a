/*
 * fo_pkt4.h - a client's DHCPv4 message read from its raw bytes, before Kea
 * parses it (buffer4_receive): only the fields the receive-time load
 * balancing needs (fo_engine_receive).
 *
 * Internal tier. The parser is pure and bounds-checked (fo_cursor): it never
 * reads outside the bytes it is given, and refuses (FO_ERR_PROTO) whatever
 * it cannot read with certainty, so that the caller lets such a packet
 * through to Kea's own parser:
 *   - a header shorter than 236 bytes, op other than BOOTREQUEST, hlen > 16,
 *     no magic cookie (a BOOTP packet without options);
 *   - an option whose length runs past the end, no END option;
 *   - option overload (52: options in sname/file);
 *   - one of the options read below appearing twice (Kea fuses repeated
 *     options, RFC 3396), or with the wrong length (53: 1; 50, 54, 118: 4);
 *   - a relay agent option (82) whose sub-options run past its end.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_PKT4_H
#define FO_PKT4_H

#include "fo_host.h"
#include "fo_types.h"

#define FO_PKT4_HDR_LEN 236             /* op .. file, RFC 2131 figure 1 */
#define FO_PKT4_COOKIE 0x63825363u      /* RFC 2131 section 3 */

typedef struct fo_pkt4 {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;                   /* 0..16 */
	uint16_t secs;
	fo_ip4 ciaddr;
	fo_ip4 giaddr;
	const uint8_t *chaddr;          /* hlen bytes, inside the packet */
	uint8_t type;                   /* option 53; 0 when absent (BOOTP) */
	const uint8_t *cid;             /* option 61's value, inside the packet; NULL when
	                                   absent or empty */
	uint8_t cid_len;
	bool server_id;                 /* option 54 */
	fo_ip4 server_id_addr;          /* its value (0 when absent) */
	bool requested_ip;              /* option 50 */
	bool link_selection;            /* option 82 with sub-option 5 (RFC 3527) */
	bool server_id_override;        /* option 82 with sub-option 11 (RFC 5107) */
	bool subnet_selection;          /* option 118 (RFC 3011) */
} fo_pkt4;

/* Read p[0..n) into *out; FO_ERR_PROTO (out unspecified) as above. */
fo_status fo_pkt4_parse(const uint8_t *p, size_t n, fo_pkt4 *out);

/* Relayed as Kea means it: a giaddr that is neither 0 nor 255.255.255.255. */
bool fo_pkt4_relayed(const fo_pkt4 *p);

/*
 * The message's kind (fo_msg_classify); `broadcast`: it was received on a
 * broadcast address (a REQUEST with ciaddr and no server identifier is then a
 * REBIND, as when it is relayed).
 */
fo_msg fo_pkt4_msg(const fo_pkt4 *p, bool broadcast);

/* The client as subnet4_select's shim names it (pointers into the packet). */
fo_client_ref fo_pkt4_client(const fo_pkt4 *p);

#endif /* FO_PKT4_H */
