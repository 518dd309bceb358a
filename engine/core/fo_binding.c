/*
 * fo_binding.c - the binding table of one failover scope.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_binding.h"

#define NIL UINT32_MAX
#define DIR_SHIFT_MIN 8         /* directory blocks of at least 256 addresses */
#define CL_MIN 16               /* first size of the client slots and buckets */
#define CL_INLINE 21            /* hw + cid bytes kept in the slot itself */

struct bt_range {
	fo_ip4 first;
	fo_ip4 last;
	uint32_t base;          /* entry index of `first` */
};

/*
 * A stored client identity, 32 bytes; refs == 0 marks a free slot. The hw
 * then cid bytes sit in data[] when they fit, else data[] holds a pointer.
 */
struct bt_client {
	uint32_t refs;
	uint32_t chain;         /* next in the hash bucket, or next free slot */
	uint8_t htype;
	uint8_t hlen;
	uint8_t cidlen;
	uint8_t data[CL_INLINE];
};
_Static_assert(sizeof(struct bt_client) == 32, "client slot is 32 bytes");
_Static_assert(CL_INLINE >= sizeof(uint8_t *), "room for a pointer");

static uint8_t *cl_ext(const struct bt_client *);

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
	struct bt_client *cl;   /* slot 0 unused: index 0 means no client */
	uint32_t cl_used;       /* slots ever used, slot 0 included */
	uint32_t cl_cap;
	uint32_t cl_free;       /* free slot list, 0 = empty */
	uint32_t cl_live;
	uint32_t *bucket;
	uint32_t nbucket;       /* power of two, or 0 */
	size_t ext_bytes;       /* identities too long for a slot */
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
	if ((bt->e = bt_malloc(&bt->a, bt->n * sizeof(*bt->e))) == NULL) {
		st = FO_ERR_NOMEM;
		goto done;
	}
	for (unsigned s = 0; s <= FO_BS_MAX; s++)
		bt->head[s] = bt->tail[s] = NIL;
	memset(bt->e, 0, bt->n * sizeof(*bt->e));
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
	for (uint32_t i = 1; i < bt->cl_used; i++)
		if (bt->cl[i].refs > 0)
			bt_free(&a, cl_ext(&bt->cl[i]));
	bt_free(&a, bt->cl);
	bt_free(&a, bt->bucket);
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
	    (size_t)bt->cl_cap * sizeof(*bt->cl) +
	    (size_t)bt->nbucket * sizeof(*bt->bucket) + bt->ext_bytes;
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

static uint32_t
cl_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* FNV-1a over htype, hlen, cidlen, hw, cid. */
static uint32_t
cl_hash(uint8_t htype, uint8_t hlen, uint8_t cidlen, const uint8_t *hw,
    const uint8_t *cid)
{
	const uint8_t hdr[3] = { htype, hlen, cidlen };

	return cl_fnv(cl_fnv(cl_fnv(2166136261u, hdr, 3), hw, hlen), cid, cidlen);
}

/* The heap copy of a long identity, NULL when it sits in the slot. */
static uint8_t *
cl_ext(const struct bt_client *c)
{
	uint8_t *p;

	if ((size_t)c->hlen + c->cidlen <= CL_INLINE)
		return NULL;
	memcpy(&p, c->data, sizeof(p));
	return p;
}

/* The stored hw-then-cid bytes of a slot. */
static const uint8_t *
cl_bytes(const struct bt_client *c)
{
	const uint8_t *p = cl_ext(c);

	return p != NULL ? p : c->data;
}

static uint32_t
cl_slot_hash(const struct bt_client *c)
{
	const uint8_t *p = cl_bytes(c);

	return cl_hash(c->htype, c->hlen, c->cidlen, p, p + c->hlen);
}

static bool
cl_equal(const struct bt_client *c, const fo_client_id *id)
{
	const uint8_t *p;

	if (c->htype != id->htype || c->hlen != id->hlen || c->cidlen != id->cidlen)
		return false;
	p = cl_bytes(c);
	return memcmp(p, id->hw, id->hlen) == 0 &&
	    memcmp(p + id->hlen, id->cid, id->cidlen) == 0;
}

static bool
cl_empty(const fo_client_id *id)
{
	return id == NULL || (id->hlen == 0 && id->cidlen == 0);
}

static uint32_t
cl_lookup(const fo_bt *bt, const fo_client_id *id, uint32_t h)
{
	if (bt->nbucket == 0)
		return 0;
	for (uint32_t i = bt->bucket[h & (bt->nbucket - 1)]; i != 0;
	    i = bt->cl[i].chain)
		if (cl_equal(&bt->cl[i], id))
			return i;
	return 0;
}

/*
 * Make room for one more identity: slots and buckets. Leaves the store
 * valid. At most n + 2 slots: slot 0, one per address, and one for a new
 * identity taken before the old one is let go.
 */
static fo_status
cl_reserve(fo_bt *bt)
{
	if (bt->cl_free == 0 && bt->cl_used >= bt->cl_cap) {
		size_t cap = bt->cl_cap == 0 ? CL_MIN : (size_t)bt->cl_cap * 2;
		struct bt_client *cl;

		if (cap > bt->n + 2)
			cap = bt->n + 2;
		if ((cl = bt_malloc(&bt->a, cap * sizeof(*cl))) == NULL)
			return FO_ERR_NOMEM;
		if (bt->cl != NULL)
			memcpy(cl, bt->cl, (size_t)bt->cl_used * sizeof(*cl));
		else
			memset(&cl[0], 0, sizeof(cl[0]));
		bt_free(&bt->a, bt->cl);
		bt->cl = cl;
		bt->cl_cap = (uint32_t)cap;
	}
	if (bt->cl_live + 1 > bt->nbucket) {
		uint32_t nb = bt->nbucket == 0 ? CL_MIN : bt->nbucket * 2;
		uint32_t *bk;

		if ((bk = bt_calloc(&bt->a, nb, sizeof(*bk))) == NULL)
			return FO_ERR_NOMEM;
		for (uint32_t i = 1; i < bt->cl_used; i++) {
			uint32_t h;

			if (bt->cl[i].refs == 0)
				continue;
			h = cl_slot_hash(&bt->cl[i]) & (nb - 1);
			bt->cl[i].chain = bk[h];
			bk[h] = i;
		}
		bt_free(&bt->a, bt->bucket);
		bt->bucket = bk;
		bt->nbucket = nb;
	}
	return FO_OK;
}

/* Take a reference on `id`, storing it if new; *idx = 0 for "none". */
static fo_status
cl_acquire(fo_bt *bt, const fo_client_id *id, uint32_t *idx)
{
	size_t len;
	uint32_t h, i;
	uint8_t *dst, *ext = NULL;
	fo_status st;

	*idx = 0;
	if (cl_empty(id))
		return FO_OK;
	h = cl_hash(id->htype, id->hlen, id->cidlen, id->hw, id->cid);
	if ((i = cl_lookup(bt, id, h)) != 0) {
		bt->cl[i].refs++;
		*idx = i;
		return FO_OK;
	}
	if ((st = cl_reserve(bt)) != FO_OK)
		return st;
	len = (size_t)id->hlen + id->cidlen;
	if (len > CL_INLINE && (ext = bt_malloc(&bt->a, len)) == NULL)
		return FO_ERR_NOMEM;
	if (bt->cl_free != 0) {
		i = bt->cl_free;
		bt->cl_free = bt->cl[i].chain;
	} else
		i = bt->cl_used++;
	bt->cl[i] = (struct bt_client){ .refs = 1, .htype = id->htype,
	    .hlen = id->hlen, .cidlen = id->cidlen };
	dst = bt->cl[i].data;
	if (ext != NULL) {
		memcpy(dst, &ext, sizeof(ext));
		dst = ext;
		bt->ext_bytes += len;
	}
	memcpy(dst, id->hw, id->hlen);
	memcpy(dst + id->hlen, id->cid, id->cidlen);
	bt->cl[i].chain = bt->bucket[h & (bt->nbucket - 1)];
	bt->bucket[h & (bt->nbucket - 1)] = i;
	bt->cl_live++;
	*idx = i;
	return FO_OK;
}

static void
cl_release(fo_bt *bt, uint32_t i)
{
	struct bt_client *c;
	uint32_t *pp;
	size_t len;

	if (i == 0 || --bt->cl[i].refs > 0)
		return;
	c = &bt->cl[i];
	for (pp = &bt->bucket[cl_slot_hash(c) & (bt->nbucket - 1)]; *pp != i;
	    pp = &bt->cl[*pp].chain)
		;
	*pp = c->chain;
	if ((len = (size_t)c->hlen + c->cidlen) > CL_INLINE) {
		bt_free(&bt->a, cl_ext(c));
		bt->ext_bytes -= len;
	}
	c->chain = bt->cl_free;
	bt->cl_free = i;
	bt->cl_live--;
}

/* Point entry i at `id`: acquire the new identity before releasing the old. */
static fo_status
bt_client_set(fo_bt *bt, uint32_t i, const fo_client_id *id)
{
	uint32_t idx;
	fo_status st;

	if (id != NULL && id->hlen > FO_CHADDR_MAX)
		return FO_ERR_INVAL;
	if ((st = cl_acquire(bt, id, &idx)) != FO_OK)
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
	const struct bt_client *c;
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	if (idx == 0)
		return;
	c = &bt->cl[idx];
	p = cl_bytes(c);
	out->htype = c->htype;
	out->hlen = c->hlen;
	out->cidlen = c->cidlen;
	memcpy(out->hw, p, c->hlen);
	memcpy(out->cid, p + c->hlen, c->cidlen);
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
	return cl_lookup(bt, id, cl_hash(id->htype, id->hlen, id->cidlen, id->hw, id->cid));
}

uint32_t
fo_bt_client_refs(const fo_bt *bt, uint32_t idx)
{
	if (bt == NULL || idx == 0 || idx >= bt->cl_used)
		return 0;
	return bt->cl[idx].refs;
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
	return FO_OK;
}

fo_status
fo_bt_update(fo_bt *bt, fo_ip4 addr, const fo_binding_info *in)
{
	fo_binding *b;
	uint32_t i;
	fo_status st;

	if (in == NULL || !bs_valid(in->state) || (in->flags & ~FO_BF_MASK) != 0)
		return FO_ERR_INVAL;
	if ((st = bt_find(bt, addr, &i)) != FO_OK)
		return st;
	if ((st = bt_client_set(bt, i, &in->client)) != FO_OK)
		return st;
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
