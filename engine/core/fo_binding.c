/*
 * fo_binding.c - the binding table of one failover scope.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_bextra.h"
#include "fo_binding.h"

#define NIL UINT32_MAX
#define DIR_SHIFT_MIN 8         /* directory blocks of at least 256 addresses */
#define CL_MIN 16               /* first size of the slot, hash and long-identity arrays */
#define CL_SLOT 11              /* bytes per identity slot */
#define HX_LOAD_NUM 9           /* the identity hash fills at most 9/10 of its entries */
#define HX_LOAD_DEN 10

struct bt_range {
	fo_ip4 first;
	fo_ip4 last;
	uint32_t base;          /* entry index of `first` */
};

/*
 * The client store. An identity is an 11-byte slot (no padding: the slots
 * are a byte array), its index being what a binding's 24-bit `client` holds:
 *
 *	[0]	form: CL_FREE, CL_HW6 (htype, 6-byte chaddr, no client-id),
 *		CL_HW6_CID (the same with the client-id [htype, chaddr], what
 *		most clients send), CL_LONG (any other: its bytes are in the arena)
 *	[1..3]	reference count, 24 bits (no more addresses than that)
 *	[4..10]	data: htype then the 6 chaddr bytes; or, CL_LONG, the 32-bit
 *		offset of its bytes (chaddr then client-id) in the arena, then
 *		htype, hlen, cidlen; a free slot: the next free slot
 *
 * The arena holds the bytes of the long identities back to back, nothing
 * else (a 19-byte DUID client-id with a 6-byte chaddr: 25 bytes). A
 * released record goes on the free list of its length (records of fewer
 * than 4 bytes take 4: a free one holds the next's offset), which the next
 * identity of that length takes; when the released bytes nobody reused
 * exceed a quarter of the live ones, the arena is compacted (copied, in
 * slot order, into one just large enough), so churn never grows it beyond
 * 1.25 times its live bytes plus one growth step.
 *
 * Lookup by identity: an open-addressing hash of 32-bit entries (linear
 * probing, backward-shift deletion, no tombstones), each the slot index in
 * the low 24 bits and 8 more bits of the identity's hash as a tag, 0 empty.
 * It fills at most 9/10 of its entries and is never sized for more than
 * n + 2 identities, so a fully leased table costs 11 + 4.44 bytes per
 * address for identities of the common forms (issue 10: <= 48 bytes per
 * address fully leased, with the 32-byte binding).
 */
enum { CL_FREE = 0, CL_HW6 = 1, CL_HW6_CID = 2, CL_LONG = 3 };

#define AR_MIN_REC 4            /* a free record holds a 32-bit link */
#define AR_MAX_REC (FO_CHADDR_MAX + FO_CLIENT_ID_MAX)
#define AR_SLACK 4096           /* released bytes always tolerated before a compaction */

struct fo_bt {
	fo_alloc a;
	struct bt_range *r;
	size_t nr;
	uint32_t *dir;          /* dir[b]: first range whose last >= start of block b */
	size_t nblk;
	unsigned shift;
	fo_binding *e;
	size_t n;
	uint32_t head[FO_BS_MAX + 1];
	uint32_t tail[FO_BS_MAX + 1];
	size_t count[FO_BS_MAX + 1];
	uint8_t *cl;            /* CL_SLOT bytes each; slot 0 unused: index 0 means no client */
	uint32_t cl_used;       /* slots ever used, slot 0 included */
	uint32_t cl_cap;
	uint32_t cl_free;       /* free slot list, 0 = empty */
	uint32_t cl_live;
	uint32_t *hx;           /* the identity hash, hx_cap entries */
	uint32_t hx_cap;
	uint32_t hx_maxd;       /* no entry is further than this from its home */
	uint8_t *ar;            /* the arena: CL_LONG identities' bytes */
	uint32_t ar_used;       /* bytes handed out (live, free-listed or released) */
	uint32_t ar_cap;
	uint32_t ar_dead;       /* bytes released and not reused since the last compaction */
	uint32_t *ar_free;      /* ar_free[len]: offset + 1 of a free record of len bytes */
	fo_bx *bx;              /* hostnames, FQDN flags, user contexts; NULL: none ever */
};

static void *
bt_malloc(const fo_alloc *a, size_t sz)
{
	return a->malloc != NULL ? a->malloc(sz) : fo_malloc(sz);
}

static void *
bt_calloc(const fo_alloc *a, size_t nm, size_t sz)
{
	return a->calloc != NULL ? a->calloc(nm, sz) : fo_calloc(nm, sz);
}

static void
bt_free(const fo_alloc *a, void *p)
{
	if (a->free != NULL)
		a->free(p);
	else
		fo_free(p);
}

static bool
bs_valid(fo_bstate s)
{
	return (unsigned)s >= 1 && (unsigned)s <= FO_BS_MAX;
}

static int
range_cmp(const void *x, const void *y)
{
	const struct bt_range *a = x, *b = y;

	return (a->first > b->first) - (a->first < b->first);
}

/* Copy, sort and check the ranges; fills bt->r, bt->nr, bt->n. */
static fo_status
bt_ranges(fo_bt *bt, const fo_pool_range *r, size_t n)
{
	uint64_t total = 0;

	if (n > FO_BT_MAX_ADDRS)
		return FO_ERR_RANGE;
	for (size_t i = 0; i < n; i++)
		if (r[i].first == 0 || r[i].first > r[i].last)
			return FO_ERR_INVAL;
	if ((bt->r = bt_malloc(&bt->a, n * sizeof(*bt->r))) == NULL)
		return FO_ERR_NOMEM;
	bt->nr = n;
	for (size_t i = 0; i < n; i++) {
		bt->r[i].first = r[i].first;
		bt->r[i].last = r[i].last;
	}
	qsort(bt->r, n, sizeof(*bt->r), range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && bt->r[i].first <= bt->r[i - 1].last)
			return FO_ERR_INVAL;
		bt->r[i].base = (uint32_t)total;
		total += (uint64_t)bt->r[i].last - bt->r[i].first + 1;
		if (total > FO_BT_MAX_ADDRS)
			return FO_ERR_RANGE;
	}
	bt->n = (size_t)total;
	return FO_OK;
}

/* Block directory: small enough to cost at most ~1/8 byte per address. */
static fo_status
bt_directory(fo_bt *bt)
{
	fo_ip4 lo = bt->r[0].first;
	uint64_t span = (uint64_t)bt->r[bt->nr - 1].last - lo;
	uint64_t limit = bt->n / 32 + bt->nr + 16;
	size_t j = 0;

	bt->shift = DIR_SHIFT_MIN;
	while ((span >> bt->shift) + 1 > limit)
		bt->shift++;
	bt->nblk = (size_t)(span >> bt->shift) + 1;
	if ((bt->dir = bt_malloc(&bt->a, (bt->nblk + 1) * sizeof(*bt->dir))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t b = 0; b < bt->nblk; b++) {
		uint64_t start = lo + ((uint64_t)b << bt->shift);

		while (bt->r[j].last < start)
			j++;
		bt->dir[b] = (uint32_t)j;
	}
	bt->dir[bt->nblk] = (uint32_t)bt->nr;
	return FO_OK;
}

static void
bt_append(fo_bt *bt, uint32_t i, unsigned s)
{
	fo_binding *b = &bt->e[i];

	b->state = s;
	b->next = NIL;
	b->prev = bt->tail[s];
	if (bt->tail[s] == NIL)
		bt->head[s] = i;
	else
		bt->e[bt->tail[s]].next = i;
	bt->tail[s] = i;
	bt->count[s]++;
}

static void
bt_unlink(fo_bt *bt, uint32_t i)
{
	fo_binding *b = &bt->e[i];
	unsigned s = b->state;

	if (b->prev == NIL)
		bt->head[s] = b->next;
	else
		bt->e[b->prev].next = b->next;
	if (b->next == NIL)
		bt->tail[s] = b->prev;
	else
		bt->e[b->next].prev = b->prev;
	bt->count[s]--;
}

fo_status
fo_bt_create(fo_bt **out, const fo_pool_range *r, size_t n, const fo_alloc *a)
{
	static const fo_alloc libc = { NULL, NULL, NULL };
	fo_bt *bt;
	fo_status st;

	if (out == NULL || r == NULL || n == 0)
		return FO_ERR_INVAL;
	*out = NULL;
	if (a == NULL)
		a = &libc;
	if ((bt = bt_calloc(a, 1, sizeof(*bt))) == NULL)
		return FO_ERR_NOMEM;
	bt->a = *a;
	if ((st = bt_ranges(bt, r, n)) != FO_OK)
		goto done;
	if ((st = bt_directory(bt)) != FO_OK)
		goto done;
	/* calloc: a large table comes zeroed from the kernel, not written twice. */
	if ((bt->e = bt_calloc(&bt->a, bt->n, sizeof(*bt->e))) == NULL) {
		st = FO_ERR_NOMEM;
		goto done;
	}
	for (unsigned s = 0; s <= FO_BS_MAX; s++)
		bt->head[s] = bt->tail[s] = NIL;
	for (size_t i = 0; i < bt->n; i++)
		bt_append(bt, (uint32_t)i, FO_BS_FREE);
	bt->cl_used = 1;
	*out = bt;
	bt = NULL;
done:
	fo_bt_destroy(bt);
	return st;
}

void
fo_bt_destroy(fo_bt *bt)
{
	fo_alloc a;

	if (bt == NULL)
		return;
	a = bt->a;
	fo_bx_destroy(bt->bx, &a);
	bt_free(&a, bt->ar);
	bt_free(&a, bt->ar_free);
	bt_free(&a, bt->cl);
	bt_free(&a, bt->hx);
	bt_free(&a, bt->e);
	bt_free(&a, bt->dir);
	bt_free(&a, bt->r);
	bt_free(&a, bt);
}

size_t
fo_bt_size(const fo_bt *bt)
{
	return bt != NULL ? bt->n : 0;
}

size_t
fo_bt_memory(const fo_bt *bt)
{
	if (bt == NULL)
		return 0;
	return sizeof(*bt) + bt->nr * sizeof(*bt->r) +
	    (bt->nblk + 1) * sizeof(*bt->dir) + bt->n * sizeof(*bt->e) +
	    (size_t)bt->cl_cap * CL_SLOT + (size_t)bt->hx_cap * sizeof(*bt->hx) +
	    bt->ar_cap + (bt->ar_free != NULL ? (AR_MAX_REC + 1) * sizeof(*bt->ar_free) : 0) +
	    fo_bx_memory(bt->bx);
}

/* Entry index of addr, or NIL. */
static uint32_t
bt_index(const fo_bt *bt, fo_ip4 addr)
{
	size_t b, lo, hi;

	if (bt == NULL || addr < bt->r[0].first || addr > bt->r[bt->nr - 1].last)
		return NIL;
	b = (size_t)(addr - bt->r[0].first) >> bt->shift;
	lo = bt->dir[b];
	hi = bt->dir[b + 1] < bt->nr ? bt->dir[b + 1] : bt->nr - 1;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		if (bt->r[mid].first <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (addr < bt->r[lo].first || addr > bt->r[lo].last)
		return NIL;
	return bt->r[lo].base + (addr - bt->r[lo].first);
}

/* bt_index() for the setters: FO_ERR_INVAL for no table, NOTFOUND outside. */
static fo_status
bt_find(const fo_bt *bt, fo_ip4 addr, uint32_t *i)
{
	if (bt == NULL)
		return FO_ERR_INVAL;
	return (*i = bt_index(bt, addr)) == NIL ? FO_ERR_NOTFOUND : FO_OK;
}

const fo_binding *
fo_bt_lookup(const fo_bt *bt, fo_ip4 addr)
{
	uint32_t i = bt_index(bt, addr);

	return i == NIL ? NULL : &bt->e[i];
}

static fo_ip4
bt_addr_of(const fo_bt *bt, uint32_t i)
{
	size_t lo = 0, hi = bt->nr - 1;

	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		if (bt->r[mid].base <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	return bt->r[lo].first + (i - bt->r[lo].base);
}

fo_ip4
fo_bt_address(const fo_bt *bt, const fo_binding *b)
{
	if (bt == NULL || b == NULL || b < bt->e || b >= bt->e + bt->n)
		return 0;
	return bt_addr_of(bt, (uint32_t)(b - bt->e));
}

static void
bt_restate(fo_bt *bt, uint32_t i, fo_bstate s)
{
	if (bt->e[i].state == (unsigned)s)
		return;
	bt_unlink(bt, i);
	bt_append(bt, i, (unsigned)s);
}

fo_status
fo_bt_set_state(fo_bt *bt, fo_ip4 addr, fo_bstate s, fo_wall stos)
{
	uint32_t i;
	fo_status st;

	if (!bs_valid(s))
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	bt_restate(bt, i, s);
	bt->e[i].stos = fo_wall_to_proto(stos);
	return FO_OK;
}

fo_status
fo_bt_touch(fo_bt *bt, fo_ip4 addr)
{
	uint32_t i;
	unsigned s;
	fo_status st;

	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	s = bt->e[i].state;
	bt_unlink(bt, i);
	bt_append(bt, i, s);
	return FO_OK;
}

fo_ip4
fo_bt_next_free(const fo_bt *bt, fo_bstate free_state)
{
	if (bt == NULL || (free_state != FO_BS_FREE && free_state != FO_BS_BACKUP))
		return 0;
	if (bt->head[free_state] == NIL)
		return 0;
	return bt_addr_of(bt, bt->head[free_state]);
}

size_t
fo_bt_count(const fo_bt *bt, fo_bstate s)
{
	return bt != NULL && bs_valid(s) ? bt->count[s] : 0;
}

const fo_binding *
fo_bt_list_first(const fo_bt *bt, fo_bstate s)
{
	if (bt == NULL || !bs_valid(s) || bt->head[s] == NIL)
		return NULL;
	return &bt->e[bt->head[s]];
}

const fo_binding *
fo_bt_list_next(const fo_bt *bt, const fo_binding *b)
{
	if (bt == NULL || b == NULL || b->next == NIL)
		return NULL;
	return &bt->e[b->next];
}

/* --- Client store --------------------------------------------------------- */

/*
 * The hash of an identity's bytes (htype, hlen, cidlen, hw, cid): eight at a
 * time, each word multiplied in and folded (splitmix64's constants). Only
 * in memory, never stored: host byte order is fine.
 */
static uint32_t
cl_hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	return (uint32_t)(h ^ h >> 32);
}

static uint32_t
cl_hash(const fo_client_id *id)
{
	uint8_t b[3 + FO_CHADDR_MAX + FO_CLIENT_ID_MAX];

	b[0] = id->htype;
	b[1] = id->hlen;
	b[2] = id->cidlen;
	memcpy(b + 3, id->hw, id->hlen);
	memcpy(b + 3 + id->hlen, id->cid, id->cidlen);
	return cl_hash_bytes(b, 3 + (size_t)id->hlen + id->cidlen);
}

static bool
cl_empty(const fo_client_id *id)
{
	return id == NULL || (id->hlen == 0 && id->cidlen == 0);
}

static uint8_t *
cl_slot(const fo_bt *bt, uint32_t i)
{
	return bt->cl + (size_t)i * CL_SLOT;
}

static uint32_t
cl_refs(const uint8_t *c)
{
	return (uint32_t)c[1] | (uint32_t)c[2] << 8 | (uint32_t)c[3] << 16;
}

static void
cl_set_refs(uint8_t *c, uint32_t r)
{
	c[1] = (uint8_t)r;
	c[2] = (uint8_t)(r >> 8);
	c[3] = (uint8_t)(r >> 16);
}

static uint32_t
cl_word(const uint8_t *c)
{
	uint32_t v;

	memcpy(&v, c + 4, sizeof(v));
	return v;
}

static void
cl_set_word(uint8_t *c, uint32_t v)
{
	memcpy(c + 4, &v, sizeof(v));
}

/* The form an identity is stored in. */
static unsigned
cl_form(const fo_client_id *id)
{
	if (id->hlen != 6)
		return CL_LONG;
	if (id->cidlen == 0)
		return CL_HW6;
	if (id->cidlen == 7 && id->cid[0] == id->htype && memcmp(id->cid + 1, id->hw, 6) == 0)
		return CL_HW6_CID;
	return CL_LONG;
}

/* A CL_LONG slot's bytes in the arena (chaddr, then client-id: c[9] + c[10] bytes). */
static const uint8_t *
cl_long_bytes(const fo_bt *bt, const uint8_t *c)
{
	return bt->ar + cl_word(c);
}

/* The identity of slot i (in use). */
static void
cl_decode(const fo_bt *bt, uint32_t i, fo_client_id *out)
{
	const uint8_t *c = cl_slot(bt, i), *p;

	memset(out, 0, sizeof(*out));
	if (c[0] == CL_LONG) {
		p = cl_long_bytes(bt, c);
		out->htype = c[8];
		out->hlen = c[9];
		out->cidlen = c[10];
		memcpy(out->hw, p, c[9]);
		memcpy(out->cid, p + c[9], c[10]);
		return;
	}
	if (c[0] == CL_FREE)
		return;
	out->htype = c[4];
	out->hlen = 6;
	memcpy(out->hw, c + 5, 6);
	if (c[0] == CL_HW6_CID) {
		out->cidlen = 7;
		out->cid[0] = c[4];
		memcpy(out->cid + 1, c + 5, 6);
	}
}

static bool
cl_equal(const fo_bt *bt, uint32_t i, const fo_client_id *id, unsigned form)
{
	const uint8_t *c = cl_slot(bt, i), *p;

	if (c[0] != form)
		return false;
	if (form != CL_LONG)
		return c[4] == id->htype && memcmp(c + 5, id->hw, 6) == 0;
	if (c[8] != id->htype || c[9] != id->hlen || c[10] != id->cidlen)
		return false;
	p = cl_long_bytes(bt, c);
	return memcmp(p, id->hw, id->hlen) == 0 && memcmp(p + id->hlen, id->cid, id->cidlen) == 0;
}

/* cl_hash() of slot i's identity, from the slot's bytes (and the arena's). */
static uint32_t
cl_slot_hash(const fo_bt *bt, uint32_t i)
{
	const uint8_t *c = cl_slot(bt, i);
	uint8_t b[3 + AR_MAX_REC];

	if (c[0] == CL_LONG) {
		memcpy(b, c + 8, 3);
		memcpy(b + 3, cl_long_bytes(bt, c), (size_t)c[9] + c[10]);
		return cl_hash_bytes(b, 3 + (size_t)c[9] + c[10]);
	}
	b[0] = c[4];
	b[1] = 6;
	b[2] = c[0] == CL_HW6_CID ? 7 : 0;
	memcpy(b + 3, c + 5, 6);
	b[9] = c[4];
	memcpy(b + 10, c + 5, 6);
	return cl_hash_bytes(b, c[0] == CL_HW6_CID ? 16 : 9);
}

/* Home position of a hash in a table of cap entries (Lemire's fast range). */
static uint32_t
hx_home(uint32_t h, uint32_t cap)
{
	return (uint32_t)(((uint64_t)h * cap) >> 32);
}

static uint32_t hx_idx(uint32_t e) { return e & 0xffffffu; }
static uint32_t hx_disp(uint32_t e) { return e >> 24; }

/* Robin Hood lookup (id of hash h and cl_form form): stops where it would have displaced an entry. */
static uint32_t
cl_lookup(const fo_bt *bt, const fo_client_id *id, uint32_t h, unsigned form)
{
	uint32_t e, d = 0;

	if (bt->hx_cap == 0)
		return 0;
	/* Only an entry as far from its home as we are from ours shares our home: compare those. */
	for (uint32_t j = hx_home(h, bt->hx_cap); (e = bt->hx[j]) != 0 && hx_disp(e) >= d;
	    j = j + 1 == bt->hx_cap ? 0 : j + 1, d++)
		if (hx_disp(e) == d && cl_equal(bt, hx_idx(e), id, form))
			return hx_idx(e);
	return 0;
}

/*
 * Robin Hood insertion of slot idx (hash h, not present): an entry further
 * from its home than the one being placed keeps its place, a nearer one is
 * displaced. false when a displacement would pass HX_DISP_MAX (the caller
 * grows the table; never seen below 9/10 full).
 */
#define HX_DISP_MAX 254u
static bool
hx_insert(uint32_t *hx, uint32_t cap, uint32_t h, uint32_t idx, uint32_t *maxd)
{
	uint32_t j = hx_home(h, cap), e = idx;

	while (hx[j] != 0) {
		if (hx_disp(hx[j]) < hx_disp(e)) {
			uint32_t t = hx[j];

			hx[j] = e;
			e = t;
		}
		if (hx_disp(e) >= HX_DISP_MAX)
			return false;
		e += 1u << 24;
		j = j + 1 == cap ? 0 : j + 1;
		if (hx_disp(e) > *maxd)
			*maxd = hx_disp(e);
	}
	hx[j] = e;
	return true;
}

/*
 * Whether hx_insert() of hash h would succeed (it changes nothing otherwise).
 * An insertion raises no displacement beyond the largest one plus one, so
 * the walk is needed only when bt->hx_maxd, a bound of them, is that close.
 */
static bool
hx_fits(const uint32_t *hx, uint32_t cap, uint32_t h)
{
	uint32_t j = hx_home(h, cap), d = 0;

	for (; hx[j] != 0; j = j + 1 == cap ? 0 : j + 1) {
		if (hx_disp(hx[j]) < d)
			d = hx_disp(hx[j]);     /* that entry moves on instead */
		if (d >= HX_DISP_MAX)
			return false;
		d++;
	}
	return true;
}

/* Take slot idx (hash h) out of the hash, shifting the entries after it back. */
static void
hx_remove(fo_bt *bt, uint32_t idx, uint32_t h)
{
	uint32_t cap = bt->hx_cap, pos = hx_home(h, cap), j;

	while (hx_idx(bt->hx[pos]) != idx)
		pos = pos + 1 == cap ? 0 : pos + 1;
	for (;;) {
		j = pos + 1 == cap ? 0 : pos + 1;
		if (bt->hx[j] == 0 || hx_disp(bt->hx[j]) == 0)
			break;
		bt->hx[pos] = bt->hx[j] - (1u << 24);
		pos = j;
	}
	bt->hx[pos] = 0;
}

/* The slot array resized to cap slots (>= cl_used); FO_ERR_NOMEM changes nothing. */
static fo_status
cl_resize_slots(fo_bt *bt, size_t cap)
{
	uint8_t *cl;

	if ((cl = bt_malloc(&bt->a, cap * CL_SLOT)) == NULL)
		return FO_ERR_NOMEM;
	if (bt->cl != NULL)
		memcpy(cl, bt->cl, (size_t)bt->cl_used * CL_SLOT);
	else
		memset(cl, 0, CL_SLOT);
	bt_free(&bt->a, bt->cl);
	bt->cl = cl;
	bt->cl_cap = (uint32_t)cap;
	return FO_OK;
}

/* Room for one more slot: at most n + 2 (slot 0, one per address, one in transit). */
static fo_status
cl_reserve_slot(fo_bt *bt)
{
	size_t cap = bt->cl_cap == 0 ? CL_MIN : (size_t)bt->cl_cap * 2;

	if (bt->cl_free != 0 || bt->cl_used < bt->cl_cap)
		return FO_OK;
	if (cap > bt->n + 2)
		cap = bt->n + 2;
	return cl_resize_slots(bt, cap);
}

/* A new hash of cap entries holding every stored identity; NULL: no memory. */
static uint32_t *
hx_build(fo_bt *bt, uint32_t *capp, uint32_t *maxdp)
{
	uint32_t *hx;
	uint32_t cap = *capp, maxd = 0;

	for (;;) {
		uint32_t i = 1;

		maxd = 0;
		if ((hx = bt_calloc(&bt->a, cap, sizeof(*hx))) == NULL)
			return NULL;
		for (; i < bt->cl_used; i++)
			if (cl_slot(bt, i)[0] != CL_FREE &&
			    !hx_insert(hx, cap, cl_slot_hash(bt, i), i, &maxd))
				break;
		if (i == bt->cl_used) {
			*capp = cap;
			*maxdp = maxd;
			return hx;
		}
		bt_free(&bt->a, hx);            /* a run too long: a quarter larger */
		cap += cap / 4 + 1;
	}
}

/* Replace the hash by one of cap entries (or more, should a run grow too long). */
static fo_status
hx_grow(fo_bt *bt, uint32_t cap)
{
	uint32_t maxd = 0, *hx = hx_build(bt, &cap, &maxd);

	if (hx == NULL)
		return FO_ERR_NOMEM;
	bt_free(&bt->a, bt->hx);
	bt->hx = hx;
	bt->hx_cap = cap;
	bt->hx_maxd = maxd;
	return FO_OK;
}

/*
 * Room in the hash for one more identity: at most 9/10 full, sized for n + 2
 * identities at most (a fully leased table), unless a run grows too long.
 * It grows fourfold: a restart that reads a fully leased table back rebuilds
 * it a third as often as doubling would (issue 10: restore under 0.5 s).
 */
static fo_status
cl_reserve_hash(fo_bt *bt)
{
	uint64_t most = ((uint64_t)bt->n + 2) * HX_LOAD_DEN / HX_LOAD_NUM + 2;
	uint64_t cap = bt->hx_cap == 0 ? CL_MIN : (uint64_t)bt->hx_cap * 4;

	if (((uint64_t)bt->cl_live + 1) * HX_LOAD_DEN <= (uint64_t)bt->hx_cap * HX_LOAD_NUM)
		return FO_OK;
	if (cap > most)
		cap = most;
	if (cap <= bt->hx_cap)
		cap = bt->hx_cap + bt->hx_cap / 4 + 1;
	return hx_grow(bt, (uint32_t)cap);
}

/* The hash size for `live` identities: as cl_reserve_hash grows it (16, x4, ...). */
static uint32_t
hx_size_for(const fo_bt *bt, uint64_t live)
{
	uint64_t most = ((uint64_t)bt->n + 2) * HX_LOAD_DEN / HX_LOAD_NUM + 2, cap = CL_MIN;

	while (live * HX_LOAD_DEN > cap * HX_LOAD_NUM && cap < most)
		cap *= 4;
	return (uint32_t)(cap < most ? cap : most);
}

fo_status
fo_bt_reserve_clients(fo_bt *bt, size_t n)
{
	uint64_t slots, cap;
	fo_status st;

	if (bt == NULL)
		return FO_ERR_INVAL;
	if (n > bt->n)
		n = bt->n;
	slots = (uint64_t)bt->cl_used + n;
	if (slots > (uint64_t)bt->n + 2)
		slots = (uint64_t)bt->n + 2;
	if (slots > bt->cl_cap && (st = cl_resize_slots(bt, (size_t)slots)) != FO_OK)
		return st;
	cap = ((uint64_t)bt->cl_live + n + 1) * HX_LOAD_DEN / HX_LOAD_NUM + 2;
	if (cap > hx_size_for(bt, (uint64_t)bt->n + 2))
		cap = hx_size_for(bt, (uint64_t)bt->n + 2);
	return cap > bt->hx_cap ? hx_grow(bt, (uint32_t)cap) : FO_OK;
}

void
fo_bt_trim_clients(fo_bt *bt)
{
	size_t slots = CL_MIN;
	uint32_t cap;

	if (bt == NULL)
		return;
	while (slots < bt->cl_used)
		slots *= 2;
	if (slots > bt->n + 2)
		slots = bt->n + 2;
	if (slots < bt->cl_cap)
		(void)cl_resize_slots(bt, slots);       /* no memory: keep the larger one */
	cap = hx_size_for(bt, (uint64_t)bt->cl_live + 1);
	if (bt->hx_cap > 0 && cap < bt->hx_cap && bt->cl_live * HX_LOAD_DEN <= cap * HX_LOAD_NUM)
		(void)hx_grow(bt, cap);
}

/* The bytes a record of len bytes takes in the arena. */
static uint32_t
ar_size(size_t len)
{
	return len < AR_MIN_REC ? AR_MIN_REC : (uint32_t)len;
}

/* A block of n bytes holding the first `keep` of p (freed); NULL: no memory, p kept. */
static uint8_t *
bt_resize(const fo_alloc *a, uint8_t *p, size_t keep, size_t n)
{
	uint8_t *q;

	if (a->malloc == NULL)
		return fo_realloc(p, n);
	if ((q = bt_malloc(a, n)) != NULL && keep > 0)
		memcpy(q, p, keep);
	if (q != NULL)
		bt_free(a, p);
	return q;
}

/*
 * Copy the live records, in slot order, into an arena of their size plus
 * `room` bytes; the free lists start empty. FO_ERR_NOMEM changes nothing.
 */
static fo_status
ar_compact(fo_bt *bt, uint32_t room)
{
	uint32_t live = bt->ar_used - bt->ar_dead, at = 0;
	uint8_t *nb;

	if ((nb = bt_malloc(&bt->a, (size_t)live + room)) == NULL)
		return FO_ERR_NOMEM;
	for (uint32_t i = 1; i < bt->cl_used; i++) {
		uint8_t *c = cl_slot(bt, i);
		uint32_t n;

		if (c[0] != CL_LONG)
			continue;
		n = ar_size((size_t)c[9] + c[10]);
		memcpy(nb + at, bt->ar + cl_word(c), n);
		cl_set_word(c, at);
		at += n;
	}
	bt_free(&bt->a, bt->ar);
	bt->ar = nb;
	bt->ar_cap = live + room;
	bt->ar_used = at;
	bt->ar_dead = 0;
	memset(bt->ar_free, 0, (AR_MAX_REC + 1) * sizeof(*bt->ar_free));
	return FO_OK;
}

/*
 * Room for a record of n bytes at the arena's end: compacted when the
 * released bytes exceed a quarter of the live ones (and AR_SLACK), else
 * grown by an eighth.
 */
static fo_status
ar_reserve(fo_bt *bt, uint32_t n)
{
	uint64_t live = bt->ar_used - bt->ar_dead, cap = bt->ar_cap;
	uint8_t *nb;

	if ((uint64_t)bt->ar_used + n <= bt->ar_cap)
		return FO_OK;
	if (bt->ar_dead > live / 4 + AR_SLACK && live + live / 8 + n <= UINT32_MAX)
		return ar_compact(bt, (uint32_t)(live / 8) + n);
	cap += cap / 8 + 256;
	if (cap < (uint64_t)bt->ar_used + n)
		cap = (uint64_t)bt->ar_used + n;
	if (cap > UINT32_MAX)
		return FO_ERR_NOMEM;    /* 4 GiB of identities: the offsets' limit */
	if ((nb = bt_resize(&bt->a, bt->ar, bt->ar_used, (size_t)cap)) == NULL)
		return FO_ERR_NOMEM;
	bt->ar = nb;
	bt->ar_cap = (uint32_t)cap;
	return FO_OK;
}

/* Store a long identity's bytes (chaddr, then client-id) in the arena; *off where. */
static fo_status
cl_long_store(fo_bt *bt, const fo_client_id *id, uint32_t *off)
{
	uint32_t n = ar_size((size_t)id->hlen + id->cidlen);
	fo_status st;

	if (bt->ar_free == NULL &&
	    (bt->ar_free = bt_calloc(&bt->a, AR_MAX_REC + 1, sizeof(*bt->ar_free))) == NULL)
		return FO_ERR_NOMEM;
	if (bt->ar_free[n] != 0) {              /* a released record of this size */
		*off = bt->ar_free[n] - 1;
		memcpy(&bt->ar_free[n], bt->ar + *off, sizeof(uint32_t));
		bt->ar_dead -= n;
	} else {
		if ((st = ar_reserve(bt, n)) != FO_OK)
			return st;
		*off = bt->ar_used;
		bt->ar_used += n;
	}
	memcpy(bt->ar + *off, id->hw, id->hlen);
	memcpy(bt->ar + *off + id->hlen, id->cid, id->cidlen);
	return FO_OK;
}

/* Put slot c's record on the free list of its size. */
static void
cl_long_free(fo_bt *bt, const uint8_t *c)
{
	uint32_t off = cl_word(c), n = ar_size((size_t)c[9] + c[10]);

	memcpy(bt->ar + off, &bt->ar_free[n], sizeof(uint32_t));
	bt->ar_free[n] = off + 1;
	bt->ar_dead += n;
}

/*
 * Take a reference on `id` (hash h, cl_form form; found: its slot, from
 * cl_lookup, 0 when not stored), storing it if new; *idx = 0 for "none".
 */
static fo_status
cl_acquire(fo_bt *bt, const fo_client_id *id, uint32_t h, unsigned form, uint32_t found,
    uint32_t *idx)
{
	uint32_t i, li = 0;
	uint8_t *c;
	fo_status st;

	*idx = 0;
	if (cl_empty(id))
		return FO_OK;
	if ((i = found) != 0) {
		c = cl_slot(bt, i);
		cl_set_refs(c, cl_refs(c) + 1);
		*idx = i;
		return FO_OK;
	}
	if ((st = cl_reserve_slot(bt)) != FO_OK || (st = cl_reserve_hash(bt)) != FO_OK)
		return st;
	while (bt->hx_maxd + 1 >= HX_DISP_MAX && !hx_fits(bt->hx, bt->hx_cap, h))
		if ((st = hx_grow(bt, bt->hx_cap + bt->hx_cap / 4 + 1)) != FO_OK)
			return st;
	if (form == CL_LONG && (st = cl_long_store(bt, id, &li)) != FO_OK)
		return st;
	if (bt->cl_free != 0) {
		i = bt->cl_free;
		bt->cl_free = cl_word(cl_slot(bt, i));
	} else
		i = bt->cl_used++;
	c = cl_slot(bt, i);
	memset(c, 0, CL_SLOT);
	c[0] = (uint8_t)form;
	cl_set_refs(c, 1);
	if (form == CL_LONG) {
		cl_set_word(c, li);
		c[8] = id->htype;
		c[9] = id->hlen;
		c[10] = id->cidlen;
	} else {
		c[4] = id->htype;
		memcpy(c + 5, id->hw, 6);
	}
	(void)hx_insert(bt->hx, bt->hx_cap, h, i, &bt->hx_maxd);   /* fits: checked above */
	bt->cl_live++;
	*idx = i;
	return FO_OK;
}

static void
cl_release(fo_bt *bt, uint32_t i)
{
	uint8_t *c;

	if (i == 0)
		return;
	c = cl_slot(bt, i);
	if (cl_refs(c) > 1) {
		cl_set_refs(c, cl_refs(c) - 1);
		return;
	}
	hx_remove(bt, i, cl_slot_hash(bt, i));
	if (c[0] == CL_LONG)
		cl_long_free(bt, c);
	memset(c, 0, CL_SLOT);
	cl_set_word(c, bt->cl_free);
	bt->cl_free = i;
	bt->cl_live--;
}

/* Point entry i at `id`: acquire the new identity before releasing the old. */
static fo_status
bt_client_set(fo_bt *bt, uint32_t i, const fo_client_id *id)
{
	uint32_t idx, h = 0, found = 0;
	unsigned form = CL_FREE;
	fo_status st;

	if (id != NULL && id->hlen > FO_CHADDR_MAX)
		return FO_ERR_INVAL;
	if (!cl_empty(id)) {
		h = cl_hash(id);
		form = cl_form(id);
		found = cl_lookup(bt, id, h, form);
		if (found != 0 && found == bt->e[i].client)
			return FO_OK;   /* the same identity: nothing changes */
	}
	if ((st = cl_acquire(bt, id, h, form, found, &idx)) != FO_OK)
		return st;
	cl_release(bt, bt->e[i].client);
	bt->e[i].client = idx;
	return FO_OK;
}

fo_status
fo_bt_set_client(fo_bt *bt, fo_ip4 addr, const fo_client_id *id)
{
	uint32_t i;
	fo_status st;

	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	return bt_client_set(bt, i, id);
}

static void
cl_copy(const fo_bt *bt, uint32_t idx, fo_client_id *out)
{
	if (idx == 0)
		memset(out, 0, sizeof(*out));
	else
		cl_decode(bt, idx, out);
}

fo_status
fo_bt_client(const fo_bt *bt, fo_ip4 addr, fo_client_id *out)
{
	uint32_t i;
	fo_status st;

	if (out == NULL)
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	cl_copy(bt, bt->e[i].client, out);
	return FO_OK;
}

uint32_t
fo_bt_client_find(const fo_bt *bt, const fo_client_id *id)
{
	if (bt == NULL || cl_empty(id) || id->hlen > FO_CHADDR_MAX)
		return 0;
	return cl_lookup(bt, id, cl_hash(id), cl_form(id));
}

uint32_t
fo_bt_client_refs(const fo_bt *bt, uint32_t idx)
{
	if (bt == NULL || idx == 0 || idx >= bt->cl_used)
		return 0;
	return cl_slot(bt, idx)[0] == CL_FREE ? 0 : cl_refs(cl_slot(bt, idx));
}

size_t
fo_bt_client_count(const fo_bt *bt)
{
	return bt != NULL ? bt->cl_live : 0;
}

/* --- Times, flags, whole bindings ----------------------------------------- */

fo_status
fo_bt_set_time(fo_bt *bt, fo_ip4 addr, fo_btime which, uint32_t value)
{
	fo_binding *b;
	uint32_t i;
	fo_status st;

	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	b = &bt->e[i];
	switch (which) {
	case FO_BT_EXPIRY: b->expiry = value; return FO_OK;
	case FO_BT_PEXP_SENT: b->pexp_sent = value; return FO_OK;
	case FO_BT_PEXP_ACKED: b->pexp_acked = value; return FO_OK;
	case FO_BT_CLTT: b->cltt = value; return FO_OK;
	case FO_BT_STOS: b->stos = value; return FO_OK;
	}
	return FO_ERR_INVAL;
}

fo_status
fo_bt_set_flags(fo_bt *bt, fo_ip4 addr, unsigned set, unsigned clear)
{
	uint32_t i;
	fo_status st;

	if (((set | clear) & ~FO_BF_MASK) != 0)
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	bt->e[i].flags = (bt->e[i].flags | set) & ~clear;
	return FO_OK;
}

fo_status
fo_bt_get(const fo_bt *bt, fo_ip4 addr, fo_binding_info *out)
{
	const fo_binding *b;
	uint32_t i;
	fo_status st;

	if (out == NULL)
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	b = &bt->e[i];
	out->state = (fo_bstate)b->state;
	out->expiry = b->expiry;
	out->pexp_sent = b->pexp_sent;
	out->pexp_acked = b->pexp_acked;
	out->cltt = b->cltt;
	out->stos = b->stos;
	out->flags = b->flags;
	cl_copy(bt, b->client, &out->client);
	fo_bx_get(bt->bx, i, &out->extra);
	return FO_OK;
}

fo_status
fo_bt_update(fo_bt *bt, fo_ip4 addr, const fo_binding_info *in)
{
	uint32_t rec = 0;
	fo_binding *b;
	uint32_t i;
	fo_status st;

	if (in == NULL || !bs_valid(in->state) || (in->flags & ~FO_BF_MASK) != 0)
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	if ((st = fo_bx_make(&bt->bx, &bt->a, &in->extra, &rec)) != FO_OK)
		return st;
	if ((st = bt_client_set(bt, i, &in->client)) != FO_OK) {
		fo_bx_free_rec(bt->bx, rec);
		return st;
	}
	fo_bx_free_rec(bt->bx, fo_bx_swap(bt->bx, i, rec));
	bt_restate(bt, i, in->state);
	b = &bt->e[i];
	b->expiry = in->expiry;
	b->pexp_sent = in->pexp_sent;
	b->pexp_acked = in->pexp_acked;
	b->cltt = in->cltt;
	b->stos = in->stos;
	b->flags = in->flags;
	return FO_OK;
}

bool
fo_bt_iter_next(const fo_bt *bt, fo_bt_iter *it, fo_ip4 *addr, const fo_binding **b)
{
	const struct bt_range *r;

	if (bt == NULL || it == NULL)
		return false;
	while (it->range < bt->nr &&
	    it->idx > (size_t)(bt->r[it->range].last - bt->r[it->range].first)) {
		it->range++;
		it->idx = 0;
	}
	if (it->range >= bt->nr)
		return false;
	r = &bt->r[it->range];
	if (addr != NULL)
		*addr = r->first + (fo_ip4)it->idx;
	if (b != NULL)
		*b = &bt->e[r->base + it->idx];
	it->idx++;
	return true;
}

void
fo_bt_iter_seek(const fo_bt *bt, fo_bt_iter *it, fo_ip4 addr)
{
	size_t lo = 0, hi;

	if (it == NULL)
		return;
	if (bt == NULL) {
		*it = (fo_bt_iter)FO_BT_ITER_INIT;
		return;
	}
	/* The first range whose last address is >= addr. */
	hi = bt->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bt->r[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	it->range = lo;
	it->idx = lo < bt->nr && addr > bt->r[lo].first ? (size_t)(addr - bt->r[lo].first) : 0;
}

bool
fo_client_same(const fo_client_id *a, const fo_client_id *b)
{
	if (a->cidlen > 0 && b->cidlen > 0)
		return a->cidlen == b->cidlen && memcmp(a->cid, b->cid, a->cidlen) == 0;
	if (a->hlen == 0 || b->hlen == 0)
		return false;
	return a->htype == b->htype && a->hlen == b->hlen && memcmp(a->hw, b->hw, a->hlen) == 0;
}
