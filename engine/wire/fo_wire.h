/*
 * fo_wire.h - the failover wire codec: framing, message and option
 * encoding and decoding (draft-ietf-dhc-failover-12 sections 6 and 12,
 * [MS-DHCPF] 2.2, reference/failover-protocol.md sections 1-3).
 *
 * Public tier: the protocol session code includes it. Pure functions: no
 * I/O, no clock, no allocation. One option descriptor table (fo_wire.c)
 * drives both directions.
 *
 * Message (network byte order):
 *	u16 length (whole message, 12..2048) | u8 type | u8 payload offset
 *	u32 time | u32 xid | options: { u16 code | u16 len | len bytes }*
 *
 * Dialects (fo_dialect):
 *  DRAFT  another instance of this hook. Offset 12; a BNDUPD or BNDACK
 *         carries up to FO_WIRE_MAX_BINDINGS bindings, each starting at
 *         an assigned-IP-address option; BNDACK lists every acked address,
 *         with reject-reason (+ message) for each rejected one. DDNS (9)
 *         and the user context (63) are read and written in this dialect
 *         only (below, FO_O_KEA_USER_CONTEXT).
 *  ISC    ISC dhcpd 4.4. Offset 12; one binding per BNDUPD (the encoder
 *         refuses two with FO_ERR_INVAL; the decoder rejects a second
 *         assigned-IP-address with FO_ERR_PROTO); options in ISC's order.
 *  MS     Windows. Offset 8 (its draft erratum); relationship name (22)
 *         and vendor class (28) in UTF-16LE; IP-flags (12) one byte;
 *         client-hardware-address (5) prefixed by the 4-byte scope id,
 *         little endian; options 30-41 (below).
 * On receive, every dialect takes any payload offset below 12 as 12;
 * an offset above the length is FO_ERR_PROTO; 12 <= offset <= length
 * skips the bytes in between.
 *
 * Option order when encoding (all dialects; ISC's order, so that an
 * ISC-built message re-encodes to the same bytes):
 *  message level: 22 relationship-name, 14 max-unacked, 19 receive-timer,
 *   28 vendor-class, 20 protocol-version, 27 TLS-request, 26 TLS-reply,
 *   15 MCLT, 11 HBA, 24 server-state, 23 server-flags, 25 start-time,
 *   1 addresses-transferred, 21 reject-reason, 16 message, 30 scope-ids,
 *   29 vendor-options;
 *  then each binding: 2 assigned-IP, 3 binding-status, 4 client-id,
 *   5 chaddr, 13 lease-expiration, 18 potential-expiration, 25 start-time,
 *   6 CLTT, 12 IP-flags, 10 delayed-service, 7 reply-options,
 *   8 request-options, 9 DDNS, 21 reject-reason, 16 message, 31..41,
 *   63 kea-user-context;
 *  last: 17 message-digest when a key is given.
 * Options carried before the first assigned-IP-address belong to the
 * message; after it, binding options (and 21/16/25, which exist at both
 * levels) belong to the current binding. Bindings exist only in BNDUPD
 * and BNDACK; elsewhere binding-only options are skipped and counted.
 *
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_WIRE_H
#define FO_WIRE_H

#include "fo_types.h"
#include "fo_binding.h"
#include "fo_hash.h"
#include "fo_digest.h"

#define FO_WIRE_HDR 12             /* fixed header */
#define FO_WIRE_MIN 12             /* smallest message */
#define FO_WIRE_MAX 2048           /* largest message (draft-12 section 6.1) */
#define FO_WIRE_MAX_BINDINGS 16    /* bindings per BNDUPD/BNDACK (draft dialect) */
#define FO_WIRE_OFFSET_MS 8        /* payload offset Windows sends */
#define FO_WIRE_NAME_MAX 504       /* relationship name, UTF-8 bytes (126 chars x 4) */
#define FO_WIRE_TEXT_MAX 255       /* vendor class and MS strings, UTF-8 bytes */
#define FO_WIRE_MAX_SCOPES 128     /* MS option 30 entries */

/* Message types, draft-12 section 6.1 (ISC agrees; Wireshark swaps 7 and 9). */
typedef enum fo_mtype {
	FO_M_POOLREQ = 1,
	FO_M_POOLRESP = 2,
	FO_M_BNDUPD = 3,
	FO_M_BNDACK = 4,
	FO_M_CONNECT = 5,
	FO_M_CONNECTACK = 6,
	FO_M_UPDREQALL = 7,
	FO_M_UPDDONE = 8,
	FO_M_UPDREQ = 9,
	FO_M_STATE = 10,
	FO_M_CONTACT = 11,
	FO_M_DISCONNECT = 12,
} fo_mtype;
#define FO_M_MAX 12

/* "POOLREQ", "BNDUPD", ... NULL outside 1..12. */
const char *fo_mtype_name(fo_mtype t);

/* Reject reasons, draft-12 section 12.21. */
typedef enum fo_reject {
	FO_REJ_NONE = 0,                 /* not a reason: "no reject" */
	FO_REJ_ILLEGAL_IP = 1,
	FO_REJ_FATAL_CONFLICT = 2,
	FO_REJ_MISSING_BINDING_INFO = 3,
	FO_REJ_TIME_MISMATCH = 4,
	FO_REJ_INVALID_MCLT = 5,
	FO_REJ_CONN_UNKNOWN = 6,
	FO_REJ_DUPLICATE_CONNECTION = 7,
	FO_REJ_INVALID_PARTNER = 8,
	FO_REJ_TLS_NOT_SUPPORTED = 9,
	FO_REJ_TLS_NOT_CONFIGURED = 10,
	FO_REJ_TLS_REQUIRED = 11,
	FO_REJ_DIGEST_NOT_SUPPORTED = 12,
	FO_REJ_DIGEST_NOT_CONFIGURED = 13,
	FO_REJ_VERSION_MISMATCH = 14,
	FO_REJ_OUTDATED_BINDING = 15,
	FO_REJ_LESS_CRITICAL_BINDING = 16,
	FO_REJ_NO_TRAFFIC = 17,
	FO_REJ_HBA_CONFLICT = 18,
	FO_REJ_IP_NOT_RESERVED = 19,
	FO_REJ_DIGEST_FAILED = 20,
	FO_REJ_MISSING_DIGEST = 21,
	FO_REJ_UNKNOWN = 254,
} fo_reject;

/* "illegal IP address", ... NULL for a value the draft does not define. */
const char *fo_reject_name(fo_reject r);

/* Option codes, draft-12 section 12 (1-29) and [MS-DHCPF] 2.2 (30-41). */
typedef enum fo_wopt {
	FO_O_ADDRESSES_TRANSFERRED = 1,
	FO_O_ASSIGNED_IP = 2,
	FO_O_BINDING_STATUS = 3,
	FO_O_CLIENT_ID = 4,
	FO_O_CHADDR = 5,
	FO_O_CLTT = 6,
	FO_O_REPLY_OPTIONS = 7,
	FO_O_REQUEST_OPTIONS = 8,
	FO_O_DDNS = 9,
	FO_O_DELAYED_SERVICE = 10,
	FO_O_HBA = 11,
	FO_O_IP_FLAGS = 12,
	FO_O_LEASE_EXPIRATION = 13,
	FO_O_MAX_UNACKED = 14,
	FO_O_MCLT = 15,
	FO_O_MESSAGE = 16,
	FO_O_DIGEST = 17,
	FO_O_POTENTIAL_EXPIRATION = 18,
	FO_O_RECEIVE_TIMER = 19,
	FO_O_PROTOCOL_VERSION = 20,
	FO_O_REJECT_REASON = 21,
	FO_O_RELATIONSHIP_NAME = 22,
	FO_O_SERVER_FLAGS = 23,
	FO_O_SERVER_STATE = 24,
	FO_O_START_TIME = 25,
	FO_O_TLS_REPLY = 26,
	FO_O_TLS_REQUEST = 27,
	FO_O_VENDOR_CLASS = 28,
	FO_O_VENDOR_OPTIONS = 29,
	FO_O_MS_SCOPE_IDS = 30,          /* u32 list, little endian */
	FO_O_MS_CLIENT_NAME = 31,        /* UTF-16LE, NUL-terminated */
	FO_O_MS_CLIENT_DESC = 32,        /* UTF-16LE, NUL-terminated */
	FO_O_MS_SUBNET_MASK = 33,        /* 4 bytes */
	FO_O_MS_SERVER_IP = 34,          /* 4 bytes */
	FO_O_MS_SERVER_NAME = 35,        /* UTF-16LE, NUL-terminated */
	FO_O_MS_CLIENT_TYPE = 36,        /* u8 */
	FO_O_MS_NAP_STATUS = 37,         /* u8 */
	FO_O_MS_NAP_PROBATION = 38,      /* u32 */
	FO_O_MS_NAP_CAPABLE = 39,        /* u8 */
	FO_O_MS_POLICY = 40,             /* UTF-16LE, NUL-terminated */
	FO_O_MS_EXT_STATE = 41,          /* u32 */
	/*
	 * This hook's own: the lease's user context, JSON text (UTF-8, at most
	 * FO_USER_CONTEXT_MAX bytes). No draft or [MS-DHCPF] code; the highest
	 * a `present` bit can name. Like DDNS (9), written and read in the
	 * draft dialect only (another instance of this hook): ISC dhcpd 4.4
	 * takes a DDNS option of any length but 0 for a protocol error and
	 * drops the connection (server/stables.c: FT_DDNS has size 0 and
	 * num_present 1), and Windows has its own client name (31).
	 */
	FO_O_KEA_USER_CONTEXT = 63,
} fo_wopt;
#define FO_O_MAX 41                      /* the last code of the draft and [MS-DHCPF] */
#define FO_O_TABLE 64                    /* codes the codec knows: 0..63 */

/* "addresses-transferred", ... NULL for an unknown code. */
const char *fo_wopt_name(unsigned code);

/* The `present` bit of option `code` (1..63). */
#define FO_WIRE_BIT(code) (UINT64_C(1) << (code))

/*
 * DDNS flags (option 9, draft-12 12.9; ISC's FTF_DDNS_*): C the client
 * updates its A record, A the server updates it, D/P as the draft has them.
 * This hook sends A for Kea's fqdn_fwd_ and P for its fqdn_rev_ (the
 * server's PTR update) and reads them back the same way.
 */
#define FO_DDNS_C 0x0001u
#define FO_DDNS_A 0x0002u
#define FO_DDNS_D 0x0004u
#define FO_DDNS_P 0x0008u

/* Server-flags bit (option 23). */
#define FO_SF_STARTUP 0x01u
/* IP-flags bits (option 12, draft and ISC). */
#define FO_IPF_RESERVED 0x0001u
#define FO_IPF_BOOTP 0x0002u

/*
 * Bytes inside the decoded buffer (decode: valid while that buffer is) or
 * supplied by the caller (encode). p may be NULL when len == 0.
 */
typedef struct fo_wire_span {
	const uint8_t *p;
	size_t len;
} fo_wire_span;

/*
 * Microsoft per-binding extras ([MS-DHCPF] 2.2.1-2.2.12). Strings are
 * UTF-8 here, UTF-16LE with a terminating NUL on the wire; a string that
 * is not valid UTF-16 or longer than FO_WIRE_TEXT_MAX UTF-8 bytes is a
 * protocol error. Set the `present` bit of the binding to send one.
 */
typedef struct fo_wire_ms {
	fo_ip4 scope;                    /* option 5 prefix (MS dialect only) */
	char client_name[FO_WIRE_TEXT_MAX + 1];    /* 31 */
	char client_desc[FO_WIRE_TEXT_MAX + 1];    /* 32 */
	fo_ip4 subnet_mask;              /* 33 */
	fo_ip4 server_ip;                /* 34 */
	char server_name[FO_WIRE_TEXT_MAX + 1];    /* 35 */
	uint8_t client_type;             /* 36: 1 DHCP, 2 BOOTP, 3 both, ... */
	uint8_t nap_status;              /* 37 */
	uint32_t nap_probation;          /* 38 */
	uint8_t nap_capable;             /* 39: 0 or 1 */
	char policy[FO_WIRE_TEXT_MAX + 1];         /* 40 */
	uint32_t ext_state;              /* 41 */
} fo_wire_ms;

/*
 * One binding of a BNDUPD or BNDACK. `present` has FO_WIRE_BIT(code) set
 * for every option carried for it (decode) or to send (encode; 2 is
 * implied: every binding has an address). Unset fields are zero.
 */
typedef struct fo_wire_binding {
	uint64_t present;
	fo_ip4 addr;                     /* 2 assigned-IP-address */
	fo_bstate status;                /* 3 binding-status, 1..7 */
	fo_client_id client;             /* 4 -> cid/cidlen (type byte included);
	                                    5 -> htype, hw/hlen (hlen <= 16) */
	uint32_t cltt;                   /* 6 */
	fo_wire_span reply_options;      /* 7 (magic cookie + DHCP options) */
	fo_wire_span request_options;    /* 8 */
	uint16_t ddns_flags;             /* 9: u16 flags (FO_DDNS_*) ... */
	fo_wire_span ddns_name;          /*    ... + the hostname as text (Kea's) */
	fo_wire_span user_context;       /* 63 (draft dialect only) */
	uint8_t delayed_service;         /* 10 */
	uint16_t ip_flags;               /* 12: u16 (MS: the one byte) */
	uint32_t expiry;                 /* 13 lease-expiration-time */
	uint32_t pexp;                   /* 18 potential-expiration-time */
	uint32_t stos;                   /* 25 start-time-of-state */
	uint8_t reject;                  /* 21 (BNDACK), a fo_reject */
	fo_wire_span message;            /* 16 (BNDACK) */
	fo_wire_ms ms;                   /* 30-41 except 30; 5's scope prefix */
} fo_wire_binding;

/*
 * One message. `present` has FO_WIRE_BIT(code) for each message-level
 * option (binding options live in b[i].present).
 */
typedef struct fo_wire_msg {
	fo_mtype type;                   /* decode: also 128..255 (ignored types) */
	uint32_t time;                   /* sender's clock, seconds since 1970 */
	uint32_t xid;
	uint8_t offset;                  /* decode: payload offset as received */
	uint64_t present;
	unsigned skipped;                /* decode: options skipped (unknown code,
	                                    or not meaningful in this message) */
	char relationship[FO_WIRE_NAME_MAX + 1];   /* 22, UTF-8 (ISC: raw bytes,
	                                    no NUL inside) */
	uint32_t addresses_transferred;  /* 1 */
	fo_hba hba;                      /* 11, exactly 32 bytes */
	uint32_t max_unacked;            /* 14 */
	uint32_t mclt;                   /* 15 */
	fo_wire_span message;            /* 16 */
	uint32_t receive_timer;          /* 19 */
	uint8_t protocol_version;        /* 20 */
	uint8_t reject;                  /* 21 (CONNECTACK, DISCONNECT) */
	uint8_t server_flags;            /* 23, FO_SF_* */
	uint8_t server_state;            /* 24, wire code: fo_state_from_wire() */
	uint32_t stos;                   /* 25 (STATE) */
	uint8_t tls_reply;               /* 26 */
	uint8_t tls_request;             /* 27 */
	char vendor_class[FO_WIRE_TEXT_MAX + 1];   /* 28 */
	fo_wire_span vendor_options;     /* 29 */
	fo_ip4 scopes[FO_WIRE_MAX_SCOPES];   /* 30 (MS) */
	size_t nscopes;
	bool digest;                     /* decode: a verified option 17 was present */
	fo_wire_binding b[FO_WIRE_MAX_BINDINGS];  /* BNDUPD/BNDACK */
	size_t nb;
} fo_wire_msg;

/* Zero *m and set type, time and xid. */
void fo_wire_msg_init(fo_wire_msg *m, fo_mtype type, uint32_t time, uint32_t xid);

/*
 * Append a zeroed binding for `addr` (present = bit 2) and return it;
 * NULL when m already holds FO_WIRE_MAX_BINDINGS.
 */
fo_wire_binding *fo_wire_add_binding(fo_wire_msg *m, fo_ip4 addr);

/* Set a span to a C string (NULL: empty). */
fo_wire_span fo_wire_str(const char *s);

/*
 * Framing (section 6.1), before parsing. With have < 2 bytes: FO_OK and
 * *msg_len = 0 (read more). Else the whole message length in *msg_len
 * (wait until that many bytes are buffered, then fo_wire_decode them),
 * or FO_ERR_PROTO when it is outside 12..2048 (close the connection).
 * FO_ERR_INVAL for NULL pointers.
 */
fo_status fo_wire_frame(const uint8_t *buf, size_t have, size_t *msg_len);

/*
 * Peek at the first message of an inbound connection without knowing its
 * dialect or key: the driver (fo_net.c) uses it to pick the relationship
 * when several share a listening port and the partner's address.
 * buf[0..len) is one complete message as fo_wire_frame() framed it. Only
 * what routing needs is checked: the length field equals len (12..2048),
 * the type is CONNECT, the payload offset (below 12 taken as 12, as
 * fo_wire_decode does) is within the message, and every option's header
 * and length fit in it. The value of the first relationship-name option
 * (22) is copied raw into name[0..cap) (draft and ISC: the name's bytes;
 * MS: UTF-16LE; see fo_wire_name_is), its length into *name_len; *xid
 * (may be NULL) gets the header's xid. No digest, no other option value
 * is looked at: the session decodes and authenticates the whole message
 * afterwards.
 * Returns FO_OK; FO_ERR_NOTFOUND for a well-formed message that is not a
 * CONNECT, or a CONNECT without option 22; FO_ERR_PROTO for a malformed
 * one (length field, offset, an option running past the end);
 * FO_ERR_RANGE when the name does not fit in cap; FO_ERR_INVAL for NULL
 * pointers.
 */
fo_status fo_wire_peek_connect(const uint8_t *buf, size_t len, uint8_t *name,
    size_t cap, size_t *name_len, uint32_t *xid);

/*
 * Whether raw[0..n), a relationship-name value as fo_wire_peek_connect
 * copied it, is `name` when read in dialect d exactly as fo_wire_decode
 * reads option 22 (MS: UTF-16LE; else raw bytes; trailing NULs dropped).
 */
bool fo_wire_name_is(const uint8_t *raw, size_t n, fo_dialect d,
    const char *name);

/*
 * Decode one complete message buf[0..len) (len as fo_wire_frame said; a
 * length field that disagrees with len is FO_ERR_PROTO).
 *
 * key: NULL or empty when no digest is configured. With a key, option 17
 * must be present (else FO_ERR_PROTO, *why = FO_REJ_MISSING_DIGEST), be
 * the last option, have type 2 and match (else *why =
 * FO_REJ_DIGEST_FAILED). Without a key, a message carrying option 17 is
 * refused as draft-12 says (FO_ERR_PROTO, *why =
 * FO_REJ_DIGEST_NOT_CONFIGURED); ISC never sends one.
 *
 * Returns
 *  FO_OK            *out filled.
 *  FO_ERR_NOTFOUND  message type 128..255: ignore the message and keep the
 *                   connection (draft-12 6.1); out->type, time, xid set.
 *  FO_ERR_PROTO     the peer broke the protocol: unknown type 0..127, bad
 *                   lengths or offset, option of the wrong size, value out
 *                   of range, duplicate single-instance option, two
 *                   bindings in ISC dialect, more than 16 bindings, digest
 *                   failure; in BNDUPD/BNDACK a binding option before
 *                   the first assigned-IP-address, a BNDUPD/BNDACK
 *                   without one, or a BNDUPD binding without
 *                   binding-status (*why = FO_REJ_MISSING_BINDING_INFO).
 *                   *why says which reject reason to send
 *                   (FO_REJ_UNKNOWN when none fits); close the connection
 *                   (or, per session policy, reject with BNDACK).
 *  FO_ERR_INVAL     NULL buf or out, or an invalid dialect.
 * why (may be NULL) is FO_REJ_NONE unless FO_ERR_PROTO. err (may be NULL)
 * gets a one-line reason, e.g. "option 15 (MCLT): length 3, want 4".
 * Unknown option codes are skipped and counted in out->skipped.
 */
fo_status fo_wire_decode(const uint8_t *buf, size_t len, fo_dialect d,
    const fo_digest_key *key, fo_wire_msg *out, fo_reject *why,
    char *err, size_t errlen);

/*
 * Encode *m into buf[0..cap) in dialect d; *len gets the message length.
 * Only options whose present bit is set are written, in the order above;
 * with a non-empty key, option 17 is appended last and the digest filled
 * in. FO_ERR_INVAL: NULL argument, type outside 1..12, a field out of
 * range (status outside 1..7, hlen > 16, a string not valid UTF-8 or too
 * long, nb > 16, bindings in a message other than BNDUPD/BNDACK, or two
 * bindings in an ISC-dialect BNDUPD or BNDACK, MS IP-flags above 0xff).
 * FO_ERR_RANGE: the message would exceed cap or FO_WIRE_MAX bytes.
 * Nothing meaningful is in buf on error. Microsoft options (30-41, the
 * scope prefix of 5) are written in the MS dialect only: elsewhere their
 * present bits are ignored, as the decoder skips them (counted) there.
 */
fo_status fo_wire_encode(const fo_wire_msg *m, fo_dialect d,
    const fo_digest_key *key, uint8_t *buf, size_t cap, size_t *len);

#endif /* FO_WIRE_H */
