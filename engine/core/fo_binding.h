/*
 * fo_binding.h - the binding table of one failover scope.
 *
 * Public tier. One entry per pool address holds what draft-12 keeps per
 * binding (reference/failover-protocol.md sections 3, 4): binding state,
 * client, lease expiration, the potential expirations sent to and acked by
 * the partner, CLTT and start time of state. Every entry sits on the list of
 * its binding state, oldest change first, so the least recently freed
 * address of either owner (FREE: primary, BACKUP: secondary) is found in
 * O(1) and every state change costs O(1).
 *
 * Calls taking an address return FO_ERR_INVAL for a NULL table or argument
 * and FO_ERR_NOTFOUND for an address outside the pools; queries on a NULL
 * table return 0 or NULL. No call reads a clock: times come in as fo_wall
 * or as 32-bit protocol seconds.
 *
 * Cost: 32 bytes per address, plus per stored client identity an 11-byte
 * slot and a 4-byte entry of a hash kept at most 9/10 full (at most n + 2
 * identities): 47.5 bytes per address fully leased when the identities are
 * a 6-byte chaddr with no client-id or with the client-id [htype, chaddr]
 * (what most clients send). Any other identity also puts its chaddr and
 * client-id bytes in the table's arena (no header, no pointer; released
 * records reused by length, compacted beyond a quarter released): 74.6
 * bytes per address with a 19-byte DUID client-id. A /16 takes 2.0 MiB empty, 2.97
 * MiB with 65,536 clients (bench/bench_binding.c). A lease's hostname, FQDN
 * flags and user context (fo_binding_info.extra) are not in the entry: a
 * side table (fo_bextra.h) holds them, created with the first, counted in
 * fo_bt_memory(); fo_bt_get() and fo_bt_update() read and write them.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_BINDING_H
#define FO_BINDING_H

#include "fo_alloc.h"
#include "fo_host.h"
#include "fo_types.h"



/* At most this many addresses in one table: client indices have 24 bits. */
#define FO_BT_MAX_ADDRS ((1u << 24) - 1)

/* The same client: by client identifier when both have one, else by hardware address. */
bool fo_client_same(const fo_client_id *a, const fo_client_id *b);

/* Per-entry flag bits (5 available). */
#define FO_BF_UPDATE_PENDING 0x01u   /* a BNDUPD for this binding is owed to the partner */
#define FO_BF_RESERVED 0x02u         /* address reserved by host reservation */
#define FO_BF_MASK 0x1fu

/*
 * One binding, 32 bytes. Times are 32-bit protocol seconds (0 = not set).
 * Read-only to callers: change it only through the fo_bt_* setters, which
 * keep the per-state lists and counts right.
 */
typedef struct fo_binding {
	uint32_t expiry;       /* lease expiration time */
	uint32_t pexp_sent;    /* potential expiration sent to the partner */
	uint32_t pexp_acked;   /* potential expiration the partner acknowledged */
	uint32_t cltt;         /* client last transaction time */
	uint32_t stos;         /* start time of state */
	unsigned int client : 24;  /* client store index, 0 = none */
	unsigned int state : 3;    /* fo_bstate */
	unsigned int flags : 5;    /* FO_BF_* */
	uint32_t next;         /* per-state list links (entry indices) */
	uint32_t prev;
} fo_binding;
#ifndef __cplusplus
_Static_assert(sizeof(fo_binding) <= 32, "fo_binding must fit in 32 bytes");
#endif

static inline fo_bstate fo_binding_state(const fo_binding *b) { return (fo_bstate)b->state; }

/* The time fields, for fo_bt_set_time(). */
typedef enum fo_btime {
	FO_BT_EXPIRY = 0,
	FO_BT_PEXP_SENT,
	FO_BT_PEXP_ACKED,
	FO_BT_CLTT,
	FO_BT_STOS,
} fo_btime;


/* Wall time to a 32-bit protocol time, clamped to 0..UINT32_MAX. */
static inline uint32_t
fo_wall_to_proto(fo_wall w)
{
	if (w.sec < 0)
		return 0;
	return w.sec > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)w.sec;
}

typedef struct fo_bt fo_bt;

/*
 * Build the table of the pool ranges r[0..n) (any order). Every address
 * starts FREE with no client and all times 0; the FREE list is in ascending
 * address order. FO_ERR_INVAL: out or r NULL, n == 0, a range reversed, a
 * range holding 0.0.0.0, two ranges overlapping. FO_ERR_RANGE: more than
 * FO_BT_MAX_ADDRS addresses. FO_ERR_NOMEM leaves nothing allocated.
 * The allocator `a` (may be NULL) is copied and used for the table's life.
 */
fo_status fo_bt_create(fo_bt **out, const fo_pool_range *r, size_t n, const fo_alloc *a);
void fo_bt_destroy(fo_bt *bt);                  /* NULL is fine */

size_t fo_bt_size(const fo_bt *bt);             /* number of addresses */
size_t fo_bt_memory(const fo_bt *bt);           /* bytes held, table struct included */

/*
 * The entry of `addr`, NULL outside the pools. Cost: O(1) through a block
 * directory over the pools' span (at most span/256 + n/32 blocks of 4
 * bytes), then a binary search over only the ranges sharing that block:
 * constant for one pool or pools that do not share a block, O(log k) for k
 * ranges in one block otherwise. Independent of the number of addresses.
 */
const fo_binding *fo_bt_lookup(const fo_bt *bt, fo_ip4 addr);
/* The address of an entry of this table (O(log ranges)); 0 if b is not one. */
fo_ip4 fo_bt_address(const fo_bt *bt, const fo_binding *b);

/*
 * Change the binding state of `addr` and its start time of state. A real
 * change moves the entry to the tail of the new state's list (O(1)); the
 * same state again only updates stos and keeps its place. The client and
 * times are left alone. FO_ERR_NOTFOUND outside the pools, FO_ERR_INVAL
 * for a state outside 1..7.
 */
fo_status fo_bt_set_state(fo_bt *bt, fo_ip4 addr, fo_bstate s, fo_wall stos);

/*
 * The least recently freed address owned by `free_state` (FO_BS_FREE for
 * the primary's, FO_BS_BACKUP for the secondary's), O(1); 0 if none or if
 * free_state is neither.
 */
fo_ip4 fo_bt_next_free(const fo_bt *bt, fo_bstate free_state);

/*
 * Move `addr` to the tail of its state's list (most recently used) without
 * changing anything else: an address just offered to a client is not the
 * next one offered to another (offers are not recorded).
 */
fo_status fo_bt_touch(fo_bt *bt, fo_ip4 addr);
size_t fo_bt_count(const fo_bt *bt, fo_bstate s);   /* O(1); 0 for an invalid state */

/*
 * Walk the list of one state, oldest change first: fo_bt_list_first() then
 * fo_bt_list_next() until NULL. Do not change states while walking except
 * for the entry just returned (its next is then on another list).
 */
const fo_binding *fo_bt_list_first(const fo_bt *bt, fo_bstate s);
const fo_binding *fo_bt_list_next(const fo_bt *bt, const fo_binding *b);

/*
 * Set the client of `addr`. Identities are stored once with a reference
 * count: equal identities (same htype, hw, cid) share one index; the old
 * identity's count drops, and it is freed at zero. id NULL or empty clears.
 * FO_ERR_INVAL: hlen > 16. FO_ERR_NOMEM leaves the binding unchanged.
 */
fo_status fo_bt_set_client(fo_bt *bt, fo_ip4 addr, const fo_client_id *id);
/*
 * Before storing about n identities at once (a restore reading a journal
 * back): size the slot array and the identity hash for n more (at most the
 * table's addresses) once, instead of growing them as they fill.
 * fo_bt_trim_clients() afterwards brings both back to the sizes the
 * identities actually stored would have grown them to (if memory allows).
 */
fo_status fo_bt_reserve_clients(fo_bt *bt, size_t n);
void fo_bt_trim_clients(fo_bt *bt);
/* Copy the client of `addr` to *out (zeroed when none). FO_ERR_NOTFOUND outside. */
fo_status fo_bt_client(const fo_bt *bt, fo_ip4 addr, fo_client_id *out);
/* The store index of an identity, 0 if it is not stored (no address holds it). */
uint32_t fo_bt_client_find(const fo_bt *bt, const fo_client_id *id);
uint32_t fo_bt_client_refs(const fo_bt *bt, uint32_t idx);  /* 0 for a free slot */
size_t fo_bt_client_count(const fo_bt *bt);     /* distinct identities stored */

fo_status fo_bt_set_time(fo_bt *bt, fo_ip4 addr, fo_btime which, uint32_t value);
/* flags = (flags | set) & ~clear. FO_ERR_INVAL for bits outside FO_BF_MASK. */
fo_status fo_bt_set_flags(fo_bt *bt, fo_ip4 addr, unsigned set, unsigned clear);

/* Read every field of `addr`. */
fo_status fo_bt_get(const fo_bt *bt, fo_ip4 addr, fo_binding_info *out);
/*
 * Write every field of `addr`: state (relinking as fo_bt_set_state does),
 * times, flags, client. All or nothing: on any error nothing changed.
 */
fo_status fo_bt_update(fo_bt *bt, fo_ip4 addr, const fo_binding_info *in);

/*
 * Iterate every entry in ascending address order:
 *	fo_bt_iter it = FO_BT_ITER_INIT;
 *	while (fo_bt_iter_next(bt, &it, &addr, &b)) ...
 * Entries may be changed during the walk (no entry is added or removed).
 */
typedef struct fo_bt_iter {
	size_t range;
	size_t idx;
} fo_bt_iter;
#define FO_BT_ITER_INIT { 0, 0 }
bool fo_bt_iter_next(const fo_bt *bt, fo_bt_iter *it, fo_ip4 *addr, const fo_binding **b);
/*
 * Position `it` at the first entry whose address is >= addr (past the end
 * when there is none): O(log ranges). Paged walks (failover-get, the
 * restart replay) resume from an address this way.
 */
void fo_bt_iter_seek(const fo_bt *bt, fo_bt_iter *it, fo_ip4 addr);

#endif /* FO_BINDING_H */
