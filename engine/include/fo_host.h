/*
 * fo_host.h - what the engine and its host (the Kea shim) exchange: the
 * host's callbacks, and the plain values the callouts hand to the engine
 * (subnets, clients, leases, ACKs, lease events) and get back (verdicts).
 *
 * Public tier, types only (and the query classifier the shim needs): every
 * layer may include it; it includes fo_types.h alone. The functions that
 * take these values are the facade's (fo_engine.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_HOST_H
#define FO_HOST_H

#include "fo_types.h"

/* An inclusive range of pool addresses, host byte order. */
typedef struct fo_pool_range {
	fo_ip4 first;
	fo_ip4 last;
} fo_pool_range;

/* Client identity: chaddr and the client-identifier option (61) value. */
#ifndef FO_CHADDR_MAX
#define FO_CHADDR_MAX 16                 /* also in fo_hash.h */
#endif
#define FO_CLIENT_ID_MAX 255
typedef struct fo_client_id {
	uint8_t htype;                   /* hardware type, 1 = Ethernet */
	uint8_t hlen;                    /* 0..16 bytes of hw[] used */
	uint8_t cidlen;                  /* 0..255 bytes of cid[]; 0 = no option 61 */
	uint8_t hw[FO_CHADDR_MAX];
	uint8_t cid[FO_CLIENT_ID_MAX];
} fo_client_id;
/* An identity with hlen == 0 and cidlen == 0 is "no client". */
static inline bool
fo_client_present(const fo_client_id *c)
{
	return c->hlen > 0 || c->cidlen > 0;
}

/*
 * What a lease carries besides its client and times (issue 12): the
 * hostname and the FQDN flags Kea's DDNS works from, and the lease's user
 * context as JSON text. Sent only to another instance of this hook (draft
 * dialect: DDNS option 9 and the private option 63, fo_wire.h), stored in
 * a side table of the binding table (fo_bextra.h: nothing for a binding
 * without them) and in the journal. A user context longer than
 * FO_USER_CONTEXT_MAX bytes is not carried at all (never cut: cut JSON is
 * not JSON); the shim logs FAILOVER_USER_CONTEXT_TOO_LONG.
 */
#define FO_HOSTNAME_MAX 255
#define FO_USER_CONTEXT_MAX 1024
#define FO_FQDN_FWD 0x01u                /* Kea's fqdn_fwd_: the server updates A */
#define FO_FQDN_REV 0x02u                /* Kea's fqdn_rev_: the server updates PTR */
#define FO_FQDN_MASK 0x03u
typedef struct fo_lease_extra {
	uint8_t fqdn;                    /* FO_FQDN_* */
	uint8_t hostname_len;            /* bytes of hostname[] */
	uint16_t context_len;            /* bytes of context[], 0..FO_USER_CONTEXT_MAX */
	char hostname[FO_HOSTNAME_MAX + 1];      /* NUL after hostname_len bytes */
	char context[FO_USER_CONTEXT_MAX + 1];   /* NUL after context_len bytes */
} fo_lease_extra;
static inline bool
fo_extra_present(const fo_lease_extra *x)
{
	return x->fqdn != 0 || x->hostname_len > 0 || x->context_len > 0;
}
/* Set *x to "nothing" without clearing its 1.3 KB. */
static inline void
fo_extra_clear(fo_lease_extra *x)
{
	x->fqdn = 0;
	x->hostname_len = 0;
	x->context_len = 0;
	x->hostname[0] = '\0';
	x->context[0] = '\0';
}
/* *dst = *src, the bytes in use only (not the 1.3 KB), each text NUL-terminated. */
void fo_extra_copy(fo_lease_extra *dst, const fo_lease_extra *src);
/* Whether a and b say the same (lengths and bytes, not what follows). */
bool fo_extra_same(const fo_lease_extra *a, const fo_lease_extra *b);

/* Every field of a binding as a plain struct (BNDUPD, Kea lease events, persistence). */
typedef struct fo_binding_info {
	fo_bstate state;
	uint32_t expiry;
	uint32_t pexp_sent;
	uint32_t pexp_acked;
	uint32_t cltt;
	uint32_t stos;
	unsigned flags;        /* FO_BF_* */
	fo_client_id client;   /* hlen == cidlen == 0: none */
	fo_lease_extra extra;  /* hostname, FQDN flags, user context */
} fo_binding_info;

/*
 * The client message as the hook classifies it (RFC 2131 4.3.2: the REQUEST
 * kinds are told apart by server identifier, requested address and ciaddr;
 * RENEW is unicast to this server, REBIND broadcast).
 */
typedef enum fo_msg {
	FO_MSG_DISCOVER = 0,
	FO_MSG_REQUEST_SELECTING,     /* carries this server's identifier */
	FO_MSG_REQUEST_INIT_REBOOT,
	FO_MSG_REQUEST_RENEW,
	FO_MSG_REQUEST_REBIND,
	FO_MSG_RELEASE,
	FO_MSG_DECLINE,
	FO_MSG_INFORM,
	FO_MSG_BOOTP,
} fo_msg;
#define FO_MSG_COUNT 9

/* "DISCOVER", "REQUEST-SELECTING", ... NULL if out of range. */
const char *fo_msg_name(fo_msg m);

/* DHCP message types (RFC 2132 option 53) that fo_msg_classify() reads. */
#define FO_DHCPDISCOVER 1
#define FO_DHCPREQUEST 3
#define FO_DHCPDECLINE 4
#define FO_DHCPRELEASE 7
#define FO_DHCPINFORM 8

/*
 * What kind of query a packet is, from its option-53 type (0: none, BOOTP),
 * ciaddr, whether it was broadcast or relayed, and whether it carries a
 * server identifier (54) or a requested address (50): RFC 2131 section 4.3.2
 * tells the REQUEST states apart this way. Unknown types map to INFORM
 * (never load-balanced, never allocates).
 */
fo_msg fo_msg_classify(uint8_t dhcp_type, fo_ip4 ciaddr, bool broadcast_or_relayed,
    bool has_server_id, bool has_requested_ip);

/* A log event's severity (the table's SEVERITY column, fo_log_events.def). */
typedef enum fo_log_level {
	FO_LOG_DEBUG_DETAIL = 0,        /* Kea's DBGLVL_TRACE_DETAIL */
	FO_LOG_DEBUG,                   /* Kea's DBGLVL_TRACE_BASIC */
	FO_LOG_INFO,
	FO_LOG_WARN,
	FO_LOG_ERROR,
} fo_log_level;

/*
 * Every event the hook logs, one constant per row of fo_log_events.def:
 * FO_EVT_<NAME> is Kea's message FAILOVER_<NAME>.
 */
typedef enum fo_log_id {
#define FO_LOG_EVENT(name, severity, text, explanation) FO_EVT_##name,
#include "fo_log_events.def"
#undef FO_LOG_EVENT
} fo_log_id;
enum {
	FO_LOG_ID_COUNT = 0
#define FO_LOG_EVENT(name, severity, text, explanation) + 1
#include "fo_log_events.def"
#undef FO_LOG_EVENT
};

/* What the engine asks of its host. Every member may be NULL. */
/*
 * A binding the partner changed (an accepted BNDUPD), for the host to
 * mirror in Kea's lease database: ACTIVE inserts or updates the lease;
 * every other state removes it (EXPIRED, RELEASED, FREE, BACKUP, RESET,
 * ABANDONED; the shim may keep ABANDONED as a declined lease).
 */
typedef struct fo_lease_change {
	uint32_t subnet_id;             /* Kea's subnet id of the scope */
	fo_ip4 addr;
	fo_bstate state;
	fo_client_id client;            /* hlen == cidlen == 0: none */
	fo_wall expiry;                 /* lease expiration (ACTIVE) */
	fo_wall cltt;                   /* client last transaction time */
	fo_lease_extra extra;           /* hostname, FQDN flags, user context (ACTIVE) */
	bool only_if_missing;           /* a replay (fo_engine_replay_next). The shim
	                                   writes the binding as it is when it applies the
	                                   change, and keeps Kea's record when that is this
	                                   client's and ends no earlier */
} fo_lease_change;

struct fo_lease;                /* below (the packet path) */

typedef struct fo_host {
	void *ctx;
	/*
	 * One event, secret-free: its id and one string per placeholder of its
	 * text (args[0] is %1); the host logs it under FAILOVER_<NAME>.
	 */
	void (*log)(void *ctx, fo_log_id id, const char *const *args, size_t nargs);
	/* Add `delta` to the Kea statistic `name` (e.g. "failover.r1.lb-dropped"). */
	void (*stat_add)(void *ctx, const char *name, int64_t delta);
	/* Set the Kea statistic `name` to `value` (ownership counts). */
	void (*stat_set)(void *ctx, const char *name, int64_t value);
	/*
	 * The partner changed a binding (fo_lease_change). Called from the
	 * protocol driver's thread after the change is journaled; it must not
	 * block nor call into the engine: the shim queues the change and
	 * applies it to Kea's lease database from Kea's IO thread.
	 */
	void (*lease_changed)(void *ctx, const fo_lease_change *c);
	/*
	 * Kea's leases of one subnet (fo_engine_attach, only for a scope whose
	 * journal holds no binding): fn once per lease not yet reclaimed,
	 * `declined` for a declined one. From Kea's main thread, during attach.
	 */
	void (*kea_leases)(void *ctx, uint32_t subnet_id,
	    void (*fn)(void *arg, const struct fo_lease *l, bool declined), void *arg);
	/*
	 * The live set of relationships changed (failover-add, -set, -remove,
	 * -scope-add, -scope-remove): `params` is the JSON text of the hook's
	 * parameters that give it (fo_engine_parameters_json, secrets
	 * included), which the shim puts into Kea's running configuration so
	 * that config-get shows it and config-write writes it. From the thread
	 * that made the change (Kea's main thread, in the multi-threading
	 * critical section); must not call into the engine. May be NULL.
	 */
	void (*relationships_changed)(void *ctx, const char *params);
} fo_host;

/* A Kea subnet4, as Kea parsed it (dhcp4_srv_configured). */
typedef struct fo_subnet {
	uint32_t subnet_id;             /* Kea's subnet id */
	fo_ip4 prefix;                  /* network address (the seed's ScopeId) */
	uint8_t plen;
	const fo_pool_range *pools;     /* the subnet's address pools */
	size_t n_pools;
	const fo_ip4 *reserved;         /* addresses of host reservations in the subnet */
	size_t n_reserved;
	/* What else Kea's subnet selection looks at (fo_select.h): */
	bool relay_addresses;           /* relay ip-addresses, its own or its shared network's */
	bool client_class;              /* a client-class guard, its own or its shared network's */
} fo_subnet;

/* A client as the packet names it. Pointers stay owned by the caller. */
typedef struct fo_client_ref {
	const uint8_t *cid;             /* option 61 value, type byte included; NULL if absent */
	size_t cid_len;
	const uint8_t *chaddr;
	uint8_t hlen;
	uint8_t htype;
} fo_client_ref;

typedef enum fo_verdict {
	FO_V_PASS = 0,    /* not a failover scope, or allowed as it is */
	FO_V_DROP,        /* do not answer this query at all */
	FO_V_CHANGED,     /* allowed with the changes written back (address, lifetime) */
	FO_V_REFUSE,      /* no address for this client (lease4_select: SKIP) */
} fo_verdict;

/* A lease Kea is about to give, renew, or has changed. */
typedef struct fo_lease {
	uint32_t subnet_id;
	fo_ip4 addr;                    /* in/out for fo_engine_lease_select */
	fo_client_ref client;
	uint32_t valid_lft;             /* in: Kea's lifetime; out: the lifetime to give */
	fo_wall cltt;                   /* client last transaction time */
	const fo_lease_extra *extra;    /* FO_LE_COMMIT: what the lease carries besides
	                                   its client (NULL: nothing); ignored elsewhere */
	bool fake;                      /* DISCOVER: an offer, nothing is stored */
	bool reserved;                  /* the address comes from a host reservation */
	bool in_kea_db;                 /* Kea's lease database already has a record for addr
	                                   (Kea is reusing an expired lease: it will UPDATE that
	                                   record, so the address must not be changed; refuse) */
} fo_lease;

/*
 * option 51 of an ACK that has none, or none of 4 bytes (a hook library
 * before this one may have removed or replaced Kea's): checked as the
 * infinite lease a client may then assume, so that an address of a failover
 * scope always goes out with the lease time its binding covers (CHANGED).
 */
#define FO_ACK_NO_LEASE_TIME UINT32_MAX

/* A DHCPACK about to be sent (pkt4_send). */
typedef struct fo_ack {
	fo_ip4 addr;                    /* yiaddr */
	fo_client_ref client;           /* the query's client */
	uint32_t lease_time;            /* option 51 (or FO_ACK_NO_LEASE_TIME): in, and out when cut */
	uint32_t t1, t2;                /* options 58 and 59, 0 when absent: in/out */
} fo_ack;

typedef enum fo_lease_event {
	FO_LE_COMMIT,     /* leases4_committed: the lease is in Kea's database */
	FO_LE_RELEASE,    /* lease4_release */
	FO_LE_DECLINE,    /* lease4_decline */
	FO_LE_EXPIRE,     /* lease4_expire (reclamation) */
	FO_LE_DELETE,     /* leases4_committed deleted_leases4 */
} fo_lease_event;

/* failover-get's pages of bindings (fo_engine_get_page_json): default and largest size. */
#define FO_ENGINE_PAGE_DEFAULT 1000u
#define FO_ENGINE_PAGE_MAX 1000u

#endif /* FO_HOST_H */
