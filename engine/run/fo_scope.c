/*
 * fo_scope.c - one failover scope at run time: table, journal, lock.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_log.h"
#include "fo_mclt.h"
#include "fo_ownership.h"
#include "fo_relationship.h"
#include "fo_scope.h"
#include "fo_scope_int.h"
#include "fo_update.h"

/* In PARTNER-DOWN, how many expired or released bindings a select looks at. */
#define FO_REUSE_SCAN 64


void
fo_wakeup_signal(fo_wakeup *w)
{
	uint64_t one = 1;
	int fd;

	if (w == NULL || (fd = atomic_load_explicit(&w->fd, memory_order_acquire)) < 0)
		return;
	if (atomic_exchange_explicit(&w->armed, true, memory_order_acq_rel))
		return;
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		atomic_store_explicit(&w->armed, false, memory_order_release);
}

void
fo_wakeup_rearm(fo_wakeup *w)
{
	if (w != NULL)
		atomic_store_explicit(&w->armed, false, memory_order_release);
}

static const char *const counter_names[FO_COUNTER_COUNT] = {
	[FO_CTR_BNDUPD_SENT] = "binding-updates-sent",
	[FO_CTR_BNDUPD_ACKED] = "binding-updates-acked",
	[FO_CTR_BNDUPD_REJECTED] = "binding-updates-rejected",
	[FO_CTR_BNDUPD_RECEIVED] = "binding-updates-received",
	[FO_CTR_BNDUPD_REFUSED] = "binding-updates-refused",
	[FO_CTR_LEASE_TIMES_CAPPED] = "lease-times-capped",
	[FO_CTR_LEFT_TO_PARTNER] = "clients-left-to-partner",
	[FO_CTR_REFUSED_NOT_OWNED] = "addresses-refused-not-owned",
	[FO_CTR_MSG_SENT] = "messages-sent",
	[FO_CTR_MSG_RECEIVED] = "messages-received",
	[FO_CTR_AUTH_FAILURES] = "authentication-failures",
	[FO_CTR_CONNECTIONS] = "connections",
	[FO_CTR_STATE_TRANSITIONS] = "state-transitions",
	[FO_CTR_DROPPED_BY_STATE] = "queries-dropped-by-state",
	[FO_CTR_SUBSTITUTED] = "addresses-substituted",
	[FO_CTR_ALLOC_REFUSED] = "allocations-refused",
	[FO_CTR_BINDINGS_RECORDED] = "bindings-recorded",
	[FO_CTR_TENTATIVE_FREED] = "tentative-bindings-freed",
	[FO_CTR_STORE_ERRORS] = "store-errors",
	[FO_CTR_STALE_EXPIRIES] = "stale-expiries-refused",
	[FO_CTR_ACK_TIMES_CUT] = "ack-lease-times-cut",
	[FO_CTR_ACKS_DROPPED] = "acks-dropped-unbound",
	[FO_CTR_DROPPED_CLOSED] = "queries-dropped-scope-closed",
	[FO_CTR_NAKS_WITHHELD] = "naks-withheld",
	[FO_CTR_LEFT_AT_RECEIVE] = "clients-left-at-receive",
	[FO_CTR_PARTNER_REQUESTS_AT_RECEIVE] = "requests-for-partner-at-receive",
};

const char *
fo_counter_name(fo_counter k)
{
	return (unsigned)k < FO_COUNTER_COUNT ? counter_names[k] : NULL;
}

void
fo_sc_client(const fo_client_ref *r, fo_client_id *id)
{
	memset(id, 0, sizeof(*id));
	id->htype = r->htype;
	if (r->chaddr != NULL) {
		id->hlen = r->hlen > FO_CHADDR_MAX ? FO_CHADDR_MAX : r->hlen;
		memcpy(id->hw, r->chaddr, id->hlen);
	}
	if (r->cid != NULL) {
		id->cidlen = r->cid_len > FO_CLIENT_ID_MAX ? FO_CLIENT_ID_MAX : (uint8_t)r->cid_len;
		memcpy(id->cid, r->cid, id->cidlen);
	}
}

static void
flag_count(uint32_t *n, unsigned bit, unsigned before, unsigned after)
{
	if ((before & bit) && !(after & bit))
		(*n)--;
	else if (!(before & bit) && (after & bit))
		(*n)++;
}

/* ---- The update queue (under the scope's lock) ---- */

/* Bit `a` of one of the scope's bitmaps over the pools' span (q_mark, q_hold). */
static bool
q_bit(const fo_scope *s, const uint8_t *map, fo_ip4 a)
{
	uint64_t i = (uint64_t)(a - s->q_lo);

	return i < s->q_span && (map[i >> 3] & (1u << (i & 7))) != 0;
}

/* Set or clear bit `a`; true when it changed. */
static bool
q_set_bit(fo_scope *s, uint8_t *map, fo_ip4 a, bool on)
{
	uint64_t i = (uint64_t)(a - s->q_lo);

	if (i >= s->q_span || q_bit(s, map, a) == on)
		return false;
	if (on)
		map[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		map[i >> 3] &= (uint8_t)~(1u << (i & 7));
	return true;
}

static bool
q_marked(const fo_scope *s, fo_ip4 a)
{
	return q_bit(s, s->q_mark, a);
}

static void
q_set_mark(fo_scope *s, fo_ip4 a, bool on)
{
	(void)q_set_bit(s, s->q_mark, a, on);
}

/*
 * A renewal recorded and not queued yet (fo_sc_record, FO_REC_AT_COMMIT):
 * Kea's commit queues it, or the ACK when Kea did not commit, or the tick
 * after FO_HOLD_SECONDS. apply() does not queue a held binding; q_push()
 * ends the hold.
 */
static bool
q_held(const fo_scope *s, fo_ip4 a)
{
	return q_bit(s, s->q_hold, a);
}

static void
q_set_hold(fo_scope *s, fo_ip4 a, bool on)
{
	if (!q_set_bit(s, s->q_hold, a, on))
		return;
	if (on)
		s->n_held++;
	else
		s->n_held--;
}

/*
 * The partner answered a version of `a` older than the binding: a newer one
 * is queued, or held for Kea's commit, so the binding stays pending (a
 * restart sends it).
 */
static bool
q_newer(const fo_scope *s, fo_ip4 a)
{
	return q_marked(s, a) || q_held(s, a);
}

/* Position i of the ring (q_cap is a power of two). */
static size_t
q_slot(const fo_scope *s, size_t i)
{
	return i & (s->q_cap - 1);
}

static bool
q_grow(fo_scope *s)
{
	size_t cap = s->q_cap ? s->q_cap * 2 : 256;     /* a power of two: see q_slot() */
	fo_ip4 *nq = fo_malloc(cap * sizeof(*nq));
	size_t first = s->q_len < s->q_cap - s->q_head ? s->q_len : s->q_cap - s->q_head;

	if (nq == NULL)
		return false;
	if (s->q_len > 0) {             /* the ring's two runs, in order */
		memcpy(nq, s->q + s->q_head, first * sizeof(*nq));
		memcpy(nq + first, s->q, (s->q_len - first) * sizeof(*nq));
	}
	fo_free(s->q);
	s->q = nq;
	s->q_cap = cap;
	s->q_head = 0;
	return true;
}

/* Queue `a` once (a hold ends); false only when it could not be queued (no memory). */
static bool
q_push(fo_scope *s, fo_ip4 a)
{
	q_set_hold(s, a, false);
	if (q_marked(s, a))
		return true;
	if (s->q_len == s->q_cap && !q_grow(s)) {
		s->q_lost = true;
		return false;
	}
	s->q[q_slot(s, s->q_head + s->q_len++)] = a;
	q_set_mark(s, a, true);
	s->q_wake = true;               /* fo_sc_unlock() wakes the driver */
	return true;
}

void
fo_sc_unlock(fo_scope *s)
{
	bool wake = s->q_wake;

	s->q_wake = false;
	pthread_mutex_unlock(&s->lock);
	if (wake)
		fo_wakeup_signal(s->wakeup);
}

static fo_ip4
q_pop(fo_scope *s)
{
	fo_ip4 a = s->q[s->q_head];

	s->q_head = q_slot(s, s->q_head + 1);
	s->q_len--;
	q_set_mark(s, a, false);
	return a;
}

/* Queue every binding with FO_BF_UPDATE_PENDING (restart, UPDREQ, lost enqueues). */
static size_t
q_pending(fo_scope *s)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	size_t n = 0;
	fo_ip4 a;

	s->q_lost = false;
	while (fo_bt_iter_next(s->bt, &it, &a, &b))
		if ((b->flags & FO_BF_UPDATE_PENDING) && q_push(s, a))
			n++;
	return n;
}

static fo_status
q_init(fo_scope *s, const fo_subnet *sn)
{
	fo_ip4 lo = sn->pools[0].first, hi = sn->pools[0].last;

	for (size_t i = 1; i < sn->n_pools; i++) {
		if (sn->pools[i].first < lo)
			lo = sn->pools[i].first;
		if (sn->pools[i].last > hi)
			hi = sn->pools[i].last;
	}
	if (hi < lo)
		return FO_ERR_INVAL;
	s->q_lo = lo;
	s->q_span = (uint64_t)hi - lo + 1;
	if ((s->q_mark = fo_calloc((size_t)((s->q_span + 7) / 8), 1)) == NULL ||
	    (s->q_hold = fo_calloc((size_t)((s->q_span + 7) / 8), 1)) == NULL)
		return FO_ERR_NOMEM;
	return FO_OK;
}

/*
 * Write a binding: table, then journal. A journal failure restores the
 * table, so memory never holds what the disk does not.
 */
static fo_status
apply(fo_scope *s, fo_ip4 addr, const fo_binding_info *old, const fo_binding_info *next)
{
	const fo_binding_info *nw = next;
	fo_binding_info chg;            /* only when the flag changes: 1.6 KB */
	char a[16];
	fo_status st;

	/* A refusal is about one version of the binding: a new one may be sent. */
	if ((next->flags & FO_BF_REFUSED) && (next->state != old->state ||
	    next->expiry != old->expiry || next->cltt != old->cltt ||
	    !fo_client_same(&next->client, &old->client))) {
		chg = *next;
		chg.flags &= ~FO_BF_REFUSED;
		nw = &chg;
	}
	if ((st = fo_bt_update(s->bt, addr, nw)) != FO_OK)
		goto done;
	if ((st = fo_journal_append(s->jnl, addr, nw)) != FO_OK) {
		(void)fo_bt_update(s->bt, addr, old);
		fo_counter_inc(s->ctr, FO_CTR_STORE_ERRORS);
		fo_ip4_str(addr, a, sizeof(a));
		fo_log(&s->host, FO_EVT_SCOPE_JOURNAL_WRITE_FAILED, FO_S(s->rel_name), FO_S(a),
		    FO_S(fo_status_name(st)));
		goto done;
	}
	flag_count(&s->n_pending, FO_BF_UPDATE_PENDING, old->flags, nw->flags);
	flag_count(&s->n_tentative, FO_BF_TENTATIVE, old->flags, nw->flags);
	/*
	 * A tentative binding (lease4_select, before Kea commits) is queued when
	 * Kea commits it (leases4_committed), when the ACK goes out without a
	 * commit (fo_scope_ack) or when the tick frees it: queued at once, it was
	 * sent on its own whenever the protocol thread took it before the commit
	 * (0.41-0.46 BNDUPD per DORA more), then again unchanged with the commit.
	 * A held renewal (q_held) waits the same way.
	 */
	if ((nw->flags & FO_BF_UPDATE_PENDING) && !(nw->flags & FO_BF_TENTATIVE) &&
	    !q_held(s, addr))
		(void)q_push(s, addr);
done:
	return st;
}

uint32_t
fo_sc_proto_after(fo_wall now, uint32_t secs)
{
	return fo_wall_to_proto(fo_wall_at(now.sec + (int64_t)secs));
}

static void
addr_view(const fo_binding_info *b, fo_addr_view *av)
{
	av->state = b->state;
	av->expiry = fo_wall_at(b->expiry);
	av->pexp = fo_wall_at(b->pexp_sent > b->pexp_acked ? b->pexp_sent : b->pexp_acked);
}

/* A client's identity as 32 bits (FNV-1a), never 0: the owner of an offer hold. */
uint32_t
fo_sc_client_hash(const fo_client_id *id)
{
	uint32_t h = 2166136261u;
	const uint8_t head[3] = { id->htype, id->hlen, id->cidlen };

	for (size_t i = 0; i < sizeof(head); i++)
		h = (h ^ head[i]) * 16777619u;
	for (size_t i = 0; i < id->hlen; i++)
		h = (h ^ id->hw[i]) * 16777619u;
	for (size_t i = 0; i < id->cidlen; i++)
		h = (h ^ id->cid[i]) * 16777619u;
	return h != 0 ? h : 1;
}

/* Is this free binding offered to another client, and the hold not over? */
bool
fo_sc_held_for_other(uint32_t flags, uint32_t hold_end, uint32_t owner, uint32_t me, fo_wall now)
{
	return (flags & FO_BF_OFFERED) && hold_end > fo_wall_to_proto(now) && owner != me;
}

/*
 * The first entry of a free list that no host reservation holds and no offer
 * to another client holds (held entries were moved to the tail when offered,
 * so the scan is short; past FO_HOLD_SCAN entries a held one is taken).
 */
#define FO_HOLD_SCAN 64
static fo_ip4
first_unreserved(const fo_bt *bt, fo_bstate s, uint32_t me, fo_wall now)
{
	const fo_binding *b, *fallback = NULL;
	int n = 0;

	for (b = fo_bt_list_first(bt, s); b != NULL; b = fo_bt_list_next(bt, b)) {
		if (b->flags & FO_BF_RESERVED)
			continue;
		if (!fo_sc_held_for_other(b->flags, b->expiry, b->pexp_sent, me, now))
			return fo_bt_address(bt, b);
		if (fallback == NULL)
			fallback = b;
		if (++n >= FO_HOLD_SCAN)
			break;
	}
	return fallback != NULL ? fo_bt_address(bt, fallback) : 0;
}

/* PARTNER-DOWN: an expired, released or reset binding fo_serve lets us reuse. */
static fo_ip4
reusable(const fo_bt *bt, const fo_serve_view *v, fo_bstate s, fo_wall now)
{
	const fo_binding *b = fo_bt_list_first(bt, s);
	fo_addr_view av;

	for (int n = 0; b != NULL && n < FO_REUSE_SCAN; n++, b = fo_bt_list_next(bt, b)) {
		if (b->flags & FO_BF_RESERVED)
			continue;
		av.state = s;
		av.expiry = fo_wall_at(b->expiry);
		av.pexp = fo_wall_at(b->pexp_sent > b->pexp_acked ? b->pexp_sent : b->pexp_acked);
		if (fo_serve_may_allocate(v, &av, now))
			return fo_bt_address(bt, b);
	}
	return 0;
}

/* An address this server may give to a new client, or 0. */
static fo_ip4
pick_free(const fo_scope *s, const fo_serve_view *v, uint32_t me, fo_wall now)
{
	static const fo_bstate reuse[] = { FO_BS_EXPIRED, FO_BS_RELEASED, FO_BS_RESET };
	fo_bstate own = v->type == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP;
	fo_bstate other = v->type == FO_PRIMARY ? FO_BS_BACKUP : FO_BS_FREE;
	fo_addr_view av = { .state = own };
	fo_ip4 a;

	if (fo_serve_may_allocate(v, &av, now) && (a = first_unreserved(s->bt, own, me, now)) != 0)
		return a;
	if (v->state != FO_STATE_PARTNER_DOWN)
		return 0;
	av.state = other;
	if (fo_serve_may_allocate(v, &av, now) && (a = first_unreserved(s->bt, other, me, now)) != 0)
		return a;
	for (size_t i = 0; i < sizeof(reuse) / sizeof(reuse[0]); i++)
		if ((a = reusable(s->bt, v, reuse[i], now)) != 0)
			return a;
	return 0;
}

static fo_status
replay_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	fo_scope *s = ctx;
	fo_status st;

	/* One lookup of the address, no copy of the record (b's flags are valid: the reader). */
	if ((st = fo_bt_update(s->bt, addr, b)) == FO_ERR_NOTFOUND) {
		s->dropped++;                   /* no longer in the pools */
		return FO_OK;
	}
	if (st == FO_OK && (b->flags & FO_BF_RESERVED))  /* reservations come from Kea's config */
		st = fo_bt_set_flags(s->bt, addr, 0, FO_BF_RESERVED);
	return st;
}

/*
 * Flag the reservations inside the pools; count pending and tentative
 * bindings and queue the pending ones (q_pending's work, in the same walk).
 */
static void
after_replay(fo_scope *s, const fo_subnet *sn)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	fo_ip4 a;

	fo_bt_trim_clients(s->bt);
	for (size_t i = 0; i < sn->n_reserved; i++)
		if (fo_bt_lookup(s->bt, sn->reserved[i]) != NULL)
			(void)fo_bt_set_flags(s->bt, sn->reserved[i], FO_BF_RESERVED, 0);
	s->n_pending = s->n_tentative = 0;
	s->q_lost = false;
	while (fo_bt_iter_next(s->bt, &it, &a, &b)) {
		if (b->flags & FO_BF_UPDATE_PENDING) {
			s->n_pending++;
			(void)q_push(s, a);
		}
		s->n_tentative += (b->flags & FO_BF_TENTATIVE) != 0;
	}
}

static fo_status
scope_alloc(fo_scope **out, const fo_scope_config *cfg)
{
	fo_scope *s;

	if ((s = fo_calloc(1, sizeof(*s))) == NULL)
		return FO_ERR_NOMEM;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		fo_free(s);
		return FO_ERR_NOMEM;
	}
	s->scope_id = cfg->scope_id;
	s->subnet_id = cfg->subnet->subnet_id;
	s->ctr = cfg->counters;
	s->wakeup = cfg->wakeup;
	if (q_init(s, cfg->subnet) != FO_OK) {
		pthread_mutex_destroy(&s->lock);
		fo_free(s->q_mark);
		fo_free(s);
		return FO_ERR_NOMEM;
	}
	if (cfg->host != NULL)
		s->host = *cfg->host;
	snprintf(s->rel_name, sizeof(s->rel_name), "%s", cfg->rel_name ? cfg->rel_name : "");
	*out = s;
	return FO_OK;
}

/* One ERROR line per stretch of the journal the replay dropped. */
static void
log_drops(const fo_scope *s, const char *path, const fo_journal_report *rep)
{
	char line[600];

	for (size_t i = 0; i < rep->drops && i < FO_JOURNAL_DROPS_MAX; i++) {
		fo_journal_drop_format(path, rep, i, line, sizeof(line));
		fo_log(&s->host, rep->drop[i].torn ? FO_EVT_SCOPE_JOURNAL_TORN :
		    FO_EVT_SCOPE_JOURNAL_DAMAGED, FO_S(s->rel_name), FO_S(line));
	}
	if (rep->drops > FO_JOURNAL_DROPS_MAX)
		fo_log(&s->host, FO_EVT_SCOPE_JOURNAL_MORE_DROPPED, FO_S(s->rel_name), FO_S(path),
		    FO_U(rep->drops - FO_JOURNAL_DROPS_MAX));
}

fo_status
fo_scope_open(fo_scope **out, const fo_scope_config *cfg, fo_wall now, bool *created,
    char *err, size_t errlen)
{
	fo_journal_report rep;
	fo_scope *s = NULL;
	fo_status st;
	bool fresh = false;
	char a[16];

	if (out == NULL || cfg == NULL || cfg->subnet == NULL || cfg->journal_path == NULL ||
	    cfg->counters == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	fo_ip4_str(cfg->scope_id, a, sizeof(a));
	if (cfg->subnet->n_pools == 0) {
		fo_errf(err, errlen, "scope %s: the Kea subnet has no pool", a);
		return FO_ERR_CONFIG;
	}
	if ((st = scope_alloc(&s, cfg)) != FO_OK)
		return st;
	if ((st = fo_bt_create(&s->bt, cfg->subnet->pools, cfg->subnet->n_pools, NULL)) != FO_OK) {
		fo_errf(err, errlen, "scope %s: cannot build the binding table of its pools: %s",
		    a, fo_status_name(st));
		goto done;
	}
	/* Size the identity store once for what the journal may hold (no memory: it grows). */
	(void)fo_bt_reserve_clients(s->bt, fo_journal_records_max(cfg->journal_path));
	st = fo_journal_open_report(&s->jnl, cfg->journal_path, cfg->policy, replay_cb, s,
	    &fresh, &rep, err, errlen);
	if (cfg->report != NULL)
		*cfg->report = rep;
	if (st != FO_OK)
		goto done;
	log_drops(s, cfg->journal_path, &rep);
	if (rep.damaged > 0) {
		st = FO_ERR_IO;
		goto done;
	}
	after_replay(s, cfg->subnet);
	if (fresh && (st = fo_own_split(s->bt, cfg->secondary_percent, now)) != FO_OK) {
		fo_errf(err, errlen, "scope %s: cannot split the pool: %s", a, fo_status_name(st));
		goto done;
	}
	if (s->dropped > 0)
		fo_log(&s->host, FO_EVT_SCOPE_JOURNAL_OUTSIDE_POOLS, FO_S(s->rel_name), FO_S(a),
		    FO_U(s->dropped));
	if ((fresh || s->dropped > 0) && (st = fo_journal_compact(s->jnl, s->bt)) != FO_OK) {
		fo_errf(err, errlen, "scope %s: cannot write the journal %s: %s", a,
		    cfg->journal_path, fo_status_name(st));
		goto done;
	}
	if (created != NULL)
		*created = fresh;
	*out = s;
	s = NULL;
done:
	fo_scope_close(s);
	return st;
}

void
fo_scope_close(fo_scope *s)
{
	if (s == NULL)
		return;
	fo_journal_close(s->jnl);
	fo_bt_destroy(s->bt);
	pthread_mutex_destroy(&s->lock);
	fo_free(s->q);
	fo_free(s->q_mark);
	fo_free(s->q_hold);
	fo_free(s->ext);
	fo_free(s);
}

/*
 * Rebuild one binding from a lease of Kea's database (a scope that lost its
 * bindings, fo_engine_attach): ACTIVE until its end (EXPIRED after it),
 * ABANDONED when declined; journaled. Not queued for the partner: the
 * relationship recovers in RECOVER, where the partner sends its bindings.
 */
fo_status
fo_scope_seed(fo_scope *s, const fo_lease *l, bool declined, fo_wall now)
{
	fo_binding_info cur, nw;
	fo_status st;
	int64_t end;

	if (s == NULL || l == NULL)
		return FO_ERR_INVAL;
	end = l->cltt.sec + (int64_t)l->valid_lft;
	pthread_mutex_lock(&s->lock);
	if ((st = fo_bt_get(s->bt, l->addr, &cur)) != FO_OK || (cur.flags & FO_BF_RESERVED))
		goto done;
	nw = cur;
	nw.state = declined ? FO_BS_ABANDONED : end > now.sec ? FO_BS_ACTIVE : FO_BS_EXPIRED;
	fo_sc_client(&l->client, &nw.client);
	nw.expiry = fo_wall_to_proto(fo_wall_at(end));
	nw.cltt = fo_wall_to_proto(l->cltt);
	nw.stos = nw.cltt;
	nw.pexp_sent = nw.pexp_acked = 0;
	nw.flags &= ~(FO_BF_OFFERED | FO_BF_TENTATIVE | FO_BF_UPDATE_PENDING);
	st = apply(s, l->addr, &cur, &nw);
done:
	fo_sc_unlock(s);
	return st;
}

fo_ip4 fo_scope_id(const fo_scope *s) { return s->scope_id; }
uint32_t fo_scope_subnet_id(const fo_scope *s) { return s->subnet_id; }

/* Record a binding given or renewed to `me` (select, renew, an operator's lease). */
fo_status
fo_sc_record(fo_scope *s, fo_ip4 addr, const fo_binding_info *cur, const fo_client_id *me,
    uint32_t desired, uint32_t granted, fo_sc_rec how, fo_wall now)
{
	fo_binding_info nw = *cur;
	bool held = q_held(s, addr);
	fo_status st;

	nw.state = FO_BS_ACTIVE;
	nw.client = *me;
	nw.expiry = fo_sc_proto_after(now, granted);
	nw.cltt = fo_wall_to_proto(now);
	if (cur->state != FO_BS_ACTIVE)
		nw.stos = fo_wall_to_proto(now);
	nw.pexp_sent = fo_wall_to_proto(fo_mclt_potential_expiry(now, desired, granted));
	nw.flags = (nw.flags | FO_BF_UPDATE_PENDING) & ~FO_BF_OFFERED;
	if (how == FO_REC_TENTATIVE)
		nw.flags |= FO_BF_TENTATIVE;
	else
		nw.flags &= ~FO_BF_TENTATIVE;
	/*
	 * A renewal is queued by Kea's commit (or the ACK, or the tick), not
	 * here: queued here, the protocol thread sent it on its own whenever it
	 * took it before the commit, then again with the commit (issue 14).
	 */
	q_set_hold(s, addr, how == FO_REC_AT_COMMIT);
	if ((st = apply(s, addr, cur, &nw)) == FO_OK)
		fo_counter_inc(s->ctr, FO_CTR_BINDINGS_RECORDED);
	else
		q_set_hold(s, addr, held);      /* the table is as it was: so is the hold */
	return st;
}

/* The MCLT rule for `l` on binding `cur`; counts a cut. 0: the state gives no lease. */
uint32_t
fo_sc_lease_time(fo_scope *s, const fo_serve_view *v, const fo_binding_info *cur,
    const fo_lease *l, fo_wall now)
{
	uint32_t granted = fo_serve_lease_time(v, l->valid_lft, fo_wall_at(cur->pexp_acked), now);

	if (granted < l->valid_lft && granted > 0)
		fo_counter_inc(s->ctr, FO_CTR_LEASE_TIMES_CAPPED);
	return granted;
}

/* May `l` have the address Kea picked? (held, reserved, or fo_serve allows it) */
bool
fo_sc_select_keeps(const fo_serve_view *v, const fo_binding_info *cur, const fo_client_id *me,
    const fo_lease *l, fo_wall now)
{
	fo_addr_view av;

	if (cur->state == FO_BS_ACTIVE && fo_client_same(&cur->client, me))
		return true;
	if (l->reserved || (cur->flags & FO_BF_RESERVED))
		return true;
	addr_view(cur, &av);
	return fo_serve_may_allocate(v, &av, now);
}

/*
 * PARTNER-DOWN offers this server's own free addresses first and the
 * partner's (or expired ones, after MCLT) only when it has none left, as ISC
 * dhcpd does: if the partner is in fact up and serving too (both sides went
 * to PARTNER-DOWN), the two then give out disjoint addresses. Kea's pick is
 * kept for a reservation and for an address this client had.
 */
static fo_ip4
own_first(const fo_scope *s, const fo_serve_view *v, const fo_binding_info *cur,
    const fo_client_id *me, const fo_lease *l, uint32_t mine, fo_wall now)
{
	fo_bstate own = v->type == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP;
	fo_ip4 a;

	if (v->state != FO_STATE_PARTNER_DOWN || cur->state == own || l->reserved ||
	    (cur->flags & FO_BF_RESERVED) ||
	    (fo_client_present(&cur->client) && fo_client_same(&cur->client, me)))
		return l->addr;
	a = first_unreserved(s->bt, own, mine, now);
	return a != 0 ? a : l->addr;
}

fo_verdict
fo_scope_select(fo_scope *s, const fo_serve_view *v, fo_lease *l, fo_wall now)
{
	fo_verdict vd = FO_V_PASS;
	fo_binding_info cur;
	fo_client_id me;
	fo_ip4 addr = l->addr;
	uint32_t granted, mine;
	bool held;

	fo_sc_client(&l->client, &me);
	mine = fo_sc_client_hash(&me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, addr, &cur) != FO_OK)
		goto done;                      /* outside the pools: Kea's business */
	if (!fo_sc_select_keeps(v, &cur, &me, l, now) ||
	    fo_sc_held_for_other(cur.flags, cur.expiry, cur.pexp_sent, mine, now)) {
		fo_counter_inc(s->ctr, FO_CTR_REFUSED_NOT_OWNED);
		/* Kea reusing its record of addr will update that record: no substitute. */
		if (!l->fake && l->in_kea_db)
			goto refuse;
		if ((addr = pick_free(s, v, mine, now)) == 0 || fo_bt_get(s->bt, addr, &cur) != FO_OK)
			goto refuse;
		fo_counter_inc(s->ctr, FO_CTR_SUBSTITUTED);
		vd = FO_V_CHANGED;
	} else if (l->fake && (addr = own_first(s, v, &cur, &me, l, mine, now)) != l->addr) {
		if (fo_bt_get(s->bt, addr, &cur) != FO_OK)
			goto refuse;
		fo_counter_inc(s->ctr, FO_CTR_SUBSTITUTED);
		vd = FO_V_CHANGED;
	}
	/*
	 * An offer holds its address for this client for FO_OFFER_HOLD seconds
	 * (in memory only) and moves it to the back of the line, so that offers
	 * made at the same time on other threads differ.
	 */
	if (l->fake && (cur.state == FO_BS_FREE || cur.state == FO_BS_BACKUP)) {
		(void)fo_bt_set_time(s->bt, addr, FO_BT_EXPIRY,
		    fo_wall_to_proto(fo_wall_at(now.sec + FO_OFFER_HOLD)));
		(void)fo_bt_set_time(s->bt, addr, FO_BT_PEXP_SENT, mine);
		(void)fo_bt_set_flags(s->bt, addr, FO_BF_OFFERED, 0);
		(void)fo_bt_touch(s->bt, addr);
	}
	held = cur.state == FO_BS_ACTIVE && fo_client_same(&cur.client, &me);
	if ((granted = fo_sc_lease_time(s, v, &cur, l, now)) == 0 && l->valid_lft > 0)
		goto refuse;
	if (granted != l->valid_lft)
		vd = FO_V_CHANGED;
	if (!l->fake && fo_sc_record(s, addr, &cur, &me, l->valid_lft, granted,
	    (!held || (cur.flags & FO_BF_TENTATIVE)) ? FO_REC_TENTATIVE : FO_REC_AT_COMMIT,
	    now) != FO_OK)
		goto refuse;
	l->addr = addr;
	l->valid_lft = granted;
	goto done;
refuse:
	fo_counter_inc(s->ctr, FO_CTR_ALLOC_REFUSED);
	vd = FO_V_REFUSE;
done:
	fo_sc_unlock(s);
	return vd;
}

/*
 * May `me` renew the address of binding `cur`? Its own live lease, yes. An
 * address held by another client's lease that has not ended, never (Kea's
 * database can lag behind the partner's updates). Anything else is a new
 * allocation, under the rules of lease4_select.
 */
static bool
renew_keeps(const fo_serve_view *v, const fo_binding_info *cur, const fo_client_id *me,
    const fo_lease *l, fo_wall now)
{
	if (cur->state == FO_BS_ACTIVE && fo_client_present(&cur->client)) {
		if (fo_client_same(&cur->client, me))
			return true;
		if ((int64_t)cur->expiry > now.sec)
			return false;
	}
	return fo_sc_select_keeps(v, cur, me, l, now);
}

fo_verdict
fo_scope_renew(fo_scope *s, const fo_serve_view *v, fo_lease *l, fo_wall now)
{
	fo_verdict vd = FO_V_PASS;
	fo_binding_info cur;
	fo_client_id me;
	uint32_t granted;

	fo_sc_client(&l->client, &me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, l->addr, &cur) != FO_OK)
		goto done;
	if (!renew_keeps(v, &cur, &me, l, now)) {
		fo_counter_inc(s->ctr, FO_CTR_REFUSED_NOT_OWNED);
		vd = FO_V_REFUSE;
		/*
		 * An offer (a DISCOVER of a client Kea still has a lease for): Kea
		 * would offer its old record again, so offer an address of ours
		 * instead; the REQUEST for it goes through lease4_select.
		 */
		if (l->fake && (l->addr = pick_free(s, v, fo_sc_client_hash(&me), now)) != 0 &&
		    fo_bt_get(s->bt, l->addr, &cur) == FO_OK) {
			fo_counter_inc(s->ctr, FO_CTR_SUBSTITUTED);
			vd = FO_V_CHANGED;
			goto times;
		}
		goto done;
	}
times:
	if ((granted = fo_sc_lease_time(s, v, &cur, l, now)) == 0 && l->valid_lft > 0) {
		vd = FO_V_REFUSE;
		goto done;
	}
	/* Kea 2.2 calls lease4_renew for a DISCOVER too: an offer records nothing. */
	if (!l->fake && fo_sc_record(s, l->addr, &cur, &me, l->valid_lft, granted, FO_REC_AT_COMMIT,
	    now) != FO_OK) {
		vd = FO_V_REFUSE;
		goto done;
	}
	if (granted != l->valid_lft)
		vd = FO_V_CHANGED;
	l->valid_lft = granted;
done:
	fo_sc_unlock(s);
	return vd;
}

/*
 * The lease time an ACK may tell, and the binding end that needs: the time
 * Kea put in the ACK when the binding already covers it or the MCLT rule
 * allows it; else what the binding covers or the rule allows, the larger.
 */
static uint32_t
ack_time(const fo_serve_view *v, const fo_binding_info *cur, uint32_t told, fo_wall now)
{
	int64_t left = (int64_t)cur->expiry - now.sec;
	uint32_t allowed;

	if (left >= (int64_t)told)
		return told;
	/* A cut here counts in ack-lease-times-cut only, not in lease-times-capped too. */
	allowed = fo_serve_lease_time(v, told, fo_wall_at(cur->pexp_acked), now);
	if (allowed >= told)
		return told;
	return left > (int64_t)allowed ? (uint32_t)left : allowed;
}

bool
fo_scope_ack(fo_scope *s, const fo_serve_view *v, fo_ack *a, fo_wall now, fo_verdict *vd)
{
	fo_binding_info cur, nw;
	fo_client_id me;
	uint32_t t;

	fo_sc_client(&a->client, &me);
	*vd = FO_V_PASS;
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, a->addr, &cur) != FO_OK) {
		fo_sc_unlock(s);
		return false;                   /* not this scope's address */
	}
	if (cur.state != FO_BS_ACTIVE || !fo_client_same(&cur.client, &me) ||
	    (t = ack_time(v, &cur, a->lease_time, now)) == 0) {
		fo_counter_inc(s->ctr, FO_CTR_ACKS_DROPPED);
		*vd = FO_V_DROP;
		goto done;
	}
	/* Kea did not commit it (apply() holds it back: tentative, or a held renewal): the partner must learn it. */
	if ((cur.flags & FO_BF_TENTATIVE) || q_held(s, a->addr))
		(void)q_push(s, a->addr);
	if ((int64_t)cur.expiry < now.sec + (int64_t)t) {
		/* The binding (and the partner, told next) must cover what the client is told. */
		uint32_t pexp = fo_wall_to_proto(fo_mclt_potential_expiry(now, a->lease_time, t));

		nw = cur;
		nw.expiry = fo_sc_proto_after(now, t);
		nw.cltt = fo_wall_to_proto(now);        /* the client is told now */
		if (pexp > nw.pexp_sent)
			nw.pexp_sent = pexp;
		nw.flags |= FO_BF_UPDATE_PENDING;
		if (apply(s, a->addr, &cur, &nw) != FO_OK) {
			fo_counter_inc(s->ctr, FO_CTR_ACKS_DROPPED);
			*vd = FO_V_DROP;
			goto done;
		}
	}
	if (t < a->lease_time) {
		fo_counter_inc(s->ctr, FO_CTR_ACK_TIMES_CUT);
		a->lease_time = t;
		if (a->t1 > t / 2)
			a->t1 = t / 2;
		if (a->t2 > (uint32_t)((uint64_t)t * 7 / 8))
			a->t2 = (uint32_t)((uint64_t)t * 7 / 8);
		*vd = FO_V_CHANGED;
	}
done:
	fo_sc_unlock(s);
	return true;
}

bool
fo_scope_nak(fo_scope *s, const fo_serve_view *v, fo_ip4 addr, const fo_client_ref *client,
    fo_wall now, fo_verdict *vd)
{
	fo_bstate own = v->type == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP;
	fo_binding_info cur;
	fo_client_id me;
	bool known;

	fo_sc_client(client, &me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, addr, &cur) != FO_OK) {
		fo_sc_unlock(s);
		return false;
	}
	/* Known not to be this client's: another client's live lease, abandoned, or ours and free. */
	known = (cur.state == FO_BS_ACTIVE && (int64_t)cur.expiry > now.sec &&
	    fo_client_present(&cur.client) && !fo_client_same(&cur.client, &me)) ||
	    cur.state == FO_BS_ABANDONED || cur.state == own;
	*vd = known ? FO_V_PASS : FO_V_DROP;
	if (!known)
		fo_counter_inc(s->ctr, FO_CTR_NAKS_WITHHELD);
	fo_sc_unlock(s);
	return true;
}

/* The new binding for a lease event; false when the event changes nothing. */
static bool
event_binding(fo_lease_event ev, const fo_lease *l, const fo_client_id *me,
    const fo_binding_info *cur, fo_binding_info *nw, fo_wall now)
{
	fo_wall cltt = l->cltt.sec > 0 ? l->cltt : now;
	bool active = cur->state == FO_BS_ACTIVE;

	/* Only the holder's lease can end it (an old lease of another client cannot). */
	if (ev != FO_LE_COMMIT && ev != FO_LE_DECLINE && active && fo_client_present(me) &&
	    fo_client_present(&cur->client) && !fo_client_same(me, &cur->client))
		return false;
	/*
	 * Kea commits what lease4_select or lease4_renew recorded for this
	 * client. Anything else is a lease this hook refused (a skipped renewal
	 * is rolled back to Kea's old record and still committed): it must not
	 * make the binding the client's, or the ACK check would let it out.
	 */
	if (ev == FO_LE_COMMIT && !(active && fo_client_same(me, &cur->client)))
		return false;
	*nw = *cur;
	nw->flags = (nw->flags | FO_BF_UPDATE_PENDING) & ~FO_BF_TENTATIVE;
	switch (ev) {
	case FO_LE_COMMIT:
		nw->state = FO_BS_ACTIVE;
		nw->client = *me;
		nw->cltt = fo_wall_to_proto(cltt);
		nw->expiry = fo_sc_proto_after(cltt, l->valid_lft);
		if (l->extra != NULL)
			fo_extra_copy(&nw->extra, l->extra);
		else
			fo_extra_clear(&nw->extra);
		break;
	case FO_LE_RELEASE:
		nw->state = FO_BS_RELEASED;
		nw->cltt = fo_wall_to_proto(cltt);  /* a client transaction (draft 7.1.3 time(1)) */
		break;
	case FO_LE_DECLINE:
		nw->state = FO_BS_ABANDONED;
		nw->cltt = fo_wall_to_proto(cltt);
		memset(&nw->client, 0, sizeof(nw->client));
		fo_extra_clear(&nw->extra);
		break;
	case FO_LE_EXPIRE:
		nw->state = FO_BS_EXPIRED;
		break;
	case FO_LE_DELETE:
		nw->state = cur->expiry > fo_wall_to_proto(now) ? FO_BS_RELEASED : FO_BS_EXPIRED;
		break;
	}
	if (ev != FO_LE_COMMIT && ev != FO_LE_DECLINE && !active)
		return false;                   /* nothing leased here to end */
	if (nw->state != FO_BS_ACTIVE && cur->expiry > fo_wall_to_proto(now))
		nw->expiry = fo_wall_to_proto(now);
	if (nw->state != cur->state)
		nw->stos = fo_wall_to_proto(now);
	return true;
}

/* Kea's record of `addr` rewritten from binding `b` (host.lease_changed). */
void
fo_scope_tell_kea(fo_scope *s, const fo_host *h, fo_ip4 addr, const fo_binding_info *b)
{
	fo_lease_change c;              /* every field set: no 1.6 KB memset */

	if (h == NULL)
		h = &s->host;
	if (h->lease_changed == NULL)
		return;
	c.subnet_id = s->subnet_id;
	c.addr = addr;
	c.state = b->state;
	c.client = b->client;
	c.expiry = fo_wall_at(b->expiry);
	c.cltt = fo_wall_at(b->cltt);
	fo_extra_copy(&c.extra, &b->extra);
	c.only_if_missing = false;
	h->lease_changed(h->ctx, &c);
}

/*
 * Kea reclaims a lease the binding says has not ended: Kea's database holds
 * an older, shorter lease (a crash came between the binding's journal write
 * and Kea's own write, or the partner's update has not reached Kea yet). The
 * binding is the truth: Kea's record is rewritten from it.
 */
static bool
stale_expiry(fo_scope *s, fo_ip4 addr, const fo_binding_info *cur, fo_wall now)
{
	if (cur->state != FO_BS_ACTIVE || (int64_t)cur->expiry <= now.sec)
		return false;
	fo_counter_inc(s->ctr, FO_CTR_STALE_EXPIRIES);
	fo_scope_tell_kea(s, NULL, addr, cur);
	return true;
}

fo_verdict
fo_scope_event(fo_scope *s, fo_lease_event ev, const fo_lease *l, fo_wall now)
{
	fo_verdict vd = FO_V_PASS;
	fo_binding_info cur, nw;
	fo_client_id me;

	fo_sc_client(&l->client, &me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, l->addr, &cur) != FO_OK)
		goto done;
	if (ev == FO_LE_EXPIRE && stale_expiry(s, l->addr, &cur, now)) {
		vd = FO_V_REFUSE;
	} else if (event_binding(ev, l, &me, &cur, &nw, now)) {
		q_set_hold(s, l->addr, false);  /* Kea committed (or ended) it: queued now */
		(void)apply(s, l->addr, &cur, &nw);
	}
done:
	fo_sc_unlock(s);
	return vd;
}

/* Tentative bindings Kea never committed go back to this server's free addresses. */
static void
free_stale_tentatives(fo_scope *s, fo_bstate own_free, fo_wall now)
{
	const fo_binding *b, *next;
	fo_binding_info cur, nw;
	uint32_t cutoff;
	fo_ip4 a;

	if (now.sec < FO_TENTATIVE_SECONDS)
		return;
	cutoff = fo_wall_to_proto(fo_wall_at(now.sec - FO_TENTATIVE_SECONDS));
	for (b = fo_bt_list_first(s->bt, FO_BS_ACTIVE); b != NULL && s->n_tentative > 0; b = next) {
		next = fo_bt_list_next(s->bt, b);
		if (!(b->flags & FO_BF_TENTATIVE) || b->stos > cutoff)
			continue;
		a = fo_bt_address(s->bt, b);
		if (fo_bt_get(s->bt, a, &cur) != FO_OK)
			continue;
		nw = cur;
		nw.state = own_free;
		nw.stos = fo_wall_to_proto(now);
		nw.expiry = 0;
		nw.flags = (nw.flags | FO_BF_UPDATE_PENDING) & ~FO_BF_TENTATIVE;
		memset(&nw.client, 0, sizeof(nw.client));
		if (apply(s, a, &cur, &nw) == FO_OK)
			fo_counter_inc(s->ctr, FO_CTR_TENTATIVE_FREED);
	}
}

/*
 * Renewals held for Kea's commit that neither the commit nor an ACK queued
 * within FO_HOLD_SECONDS (Kea failed the query between lease4_renew and
 * its commit): queued, so that every pending binding reaches the partner.
 */
static void
queue_stale_holds(fo_scope *s, fo_wall now)
{
	size_t bytes = (size_t)((s->q_span + 7) / 8);
	fo_binding_info b;
	uint32_t cutoff;

	if (now.sec < FO_HOLD_SECONDS)
		return;
	cutoff = fo_wall_to_proto(fo_wall_at(now.sec - FO_HOLD_SECONDS));
	for (size_t i = 0; i < bytes && s->n_held > 0; i++) {
		for (unsigned k = 0; s->q_hold[i] != 0 && k < 8; k++) {
			fo_ip4 a = s->q_lo + (fo_ip4)(i * 8 + k);

			if (!q_held(s, a))
				continue;
			if (fo_bt_get(s->bt, a, &b) != FO_OK)
				q_set_hold(s, a, false);
			else if (b.cltt <= cutoff)
				(void)q_push(s, a);
		}
	}
}

void
fo_scope_tick(fo_scope *s, fo_bstate own_free, fo_wall now)
{
	fo_status st;

	pthread_mutex_lock(&s->lock);
	if (s->n_tentative > 0)
		free_stale_tentatives(s, own_free, now);
	if (s->n_held > 0)
		queue_stale_holds(s, now);
	if ((st = fo_journal_sync(s->jnl)) != FO_OK) {
		fo_counter_inc(s->ctr, FO_CTR_STORE_ERRORS);
		fo_log(&s->host, FO_EVT_SCOPE_JOURNAL_SYNC_FAILED, FO_S(s->rel_name),
		    FO_S(fo_status_name(st)));
	}
	if ((st = fo_journal_maybe_compact(s->jnl, s->bt)) != FO_OK) {
		fo_counter_inc(s->ctr, FO_CTR_STORE_ERRORS);
		fo_log(&s->host, FO_EVT_SCOPE_JOURNAL_COMPACT_FAILED, FO_S(s->rel_name),
		    FO_S(fo_journal_error(s->jnl)));
	}
	fo_sc_unlock(s);
}

void
fo_scope_counts_get(fo_scope *s, fo_scope_counts *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->lock);
	out->total = (uint32_t)fo_bt_size(s->bt);
	for (int i = 1; i <= FO_BS_MAX; i++)
		out->by_state[i] = (uint32_t)fo_bt_count(s->bt, (fo_bstate)i);
	out->pending = s->n_pending;
	out->tentative = s->n_tentative;
	fo_sc_unlock(s);
}

void
fo_scope_visit_bindings(fo_scope *s, fo_scope_visit_fn fn, void *ctx)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	fo_binding_info info;
	fo_ip4 a;

	pthread_mutex_lock(&s->lock);
	while (fo_bt_iter_next(s->bt, &it, &a, &b)) {
		if (b->state == FO_BS_FREE || b->state == FO_BS_BACKUP)
			continue;
		if (fo_bt_get(s->bt, a, &info) == FO_OK)
			fn(ctx, a, &info);
	}
	fo_sc_unlock(s);
}

size_t
fo_scope_visit_range(fo_scope *s, fo_ip4 first, fo_ip4 last, unsigned states, size_t max,
    fo_scope_visit_fn fn, void *ctx)
{
	fo_bt_iter it;
	const fo_binding *b;
	fo_binding_info info;
	size_t n = 0;
	fo_ip4 a;

	pthread_mutex_lock(&s->lock);
	fo_bt_iter_seek(s->bt, &it, first);
	while (n < max && fo_bt_iter_next(s->bt, &it, &a, &b) && a <= last) {
		if ((states & (1u << b->state)) == 0 || fo_bt_get(s->bt, a, &info) != FO_OK)
			continue;
		fn(ctx, a, &info);
		n++;
	}
	fo_sc_unlock(s);
	return n;
}

fo_status
fo_scope_get(fo_scope *s, fo_ip4 addr, fo_binding_info *out)
{
	fo_status st;

	pthread_mutex_lock(&s->lock);
	st = fo_bt_get(s->bt, addr, out);
	fo_sc_unlock(s);
	return st;
}

/* ---- Binding updates to and from the partner ---------------------------- */

size_t
fo_scope_take_updates(fo_scope *s, fo_scope_update *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	if (s->q_len == 0 && s->q_lost)
		(void)q_pending(s);
	while (n < max && s->q_len > 0) {
		out[n].addr = q_pop(s);
		if (fo_bt_get(s->bt, out[n].addr, &out[n].b) == FO_OK)
			n++;
	}
	fo_sc_unlock(s);
	return n;
}

size_t
fo_scope_queued(fo_scope *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->q_len;
	fo_sc_unlock(s);
	return n;
}

bool
fo_scope_requeue(fo_scope *s, fo_ip4 addr)
{
	bool found;

	pthread_mutex_lock(&s->lock);
	if ((found = fo_bt_lookup(s->bt, addr) != NULL))
		(void)q_push(s, addr);
	fo_sc_unlock(s);
	return found;
}

size_t
fo_scope_queue_pending(fo_scope *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = q_pending(s);
	fo_sc_unlock(s);
	return n;
}

size_t
fo_scope_queue_all(fo_scope *s)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	size_t n = 0;
	fo_ip4 a;

	pthread_mutex_lock(&s->lock);
	while (fo_bt_iter_next(s->bt, &it, &a, &b))
		if (q_push(s, a))
			n++;
	fo_sc_unlock(s);
	return n;
}

bool
fo_scope_acked(fo_scope *s, fo_ip4 addr, fo_bstate sent, uint32_t pexp, fo_bstate own_free,
    fo_wall now)
{
	fo_binding_info cur, nw;
	bool again, extended, found = false;

	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, addr, &cur) != FO_OK)
		goto done;
	found = true;
	nw = cur;
	again = q_newer(s, addr);
	if (pexp > nw.pexp_acked)
		nw.pexp_acked = pexp;
	if (!again)
		nw.flags &= ~FO_BF_UPDATE_PENDING;
	if (!again && cur.state == sent && fo_update_frees_on_ack(sent)) {
		/* Reference 4: acknowledged, the address returns to our free pool. */
		nw.state = own_free;
		nw.stos = fo_wall_to_proto(now);
		nw.expiry = 0;
		memset(&nw.client, 0, sizeof(nw.client));
		nw.flags |= FO_BF_UPDATE_PENDING;
	}
	extended = fo_sc_ext_on_ack(s, addr, &nw);
	if ((nw.state != cur.state || nw.flags != cur.flags || nw.pexp_acked != cur.pexp_acked ||
	    nw.expiry != cur.expiry) && apply(s, addr, &cur, &nw) == FO_OK && extended)
		fo_scope_tell_kea(s, NULL, addr, &nw);
done:
	fo_sc_unlock(s);
	return found;
}

bool
fo_scope_rejected(fo_scope *s, fo_ip4 addr, bool *first)
{
	fo_binding_info cur, nw;
	bool found;

	*first = false;
	pthread_mutex_lock(&s->lock);
	found = fo_bt_get(s->bt, addr, &cur) == FO_OK;
	if (found && !q_newer(s, addr)) {
		nw = cur;
		nw.flags = (nw.flags & ~FO_BF_UPDATE_PENDING) | FO_BF_REFUSED;
		*first = !(cur.flags & FO_BF_REFUSED);
		if (nw.flags != cur.flags)
			(void)apply(s, addr, &cur, &nw);
	}
	fo_sc_unlock(s);
	return found;
}

void
fo_scope_foreach_active(fo_scope *s, void (*fn)(void *ctx, fo_ip4 addr,
    const fo_binding_info *b), void *ctx)
{
	const fo_binding *b;
	fo_binding_info info;
	fo_ip4 a;

	pthread_mutex_lock(&s->lock);
	for (b = fo_bt_list_first(s->bt, FO_BS_ACTIVE); b != NULL; b = fo_bt_list_next(s->bt, b)) {
		a = fo_bt_address(s->bt, b);
		if (fo_bt_get(s->bt, a, &info) == FO_OK)
			fn(ctx, a, &info);
	}
	fo_sc_unlock(s);
}

static bool
is_free_state(fo_bstate st)
{
	return st == FO_BS_FREE || st == FO_BS_BACKUP;
}

/*
 * On the primary: the secondary gives an address of its own back (FREE over
 * our BACKUP, fo_scope_giveback). Only when our BACKUP has been acknowledged
 * (no update of ours pending or queued): then the secondary knew the address
 * was its own when it renounced it. A FREE crossing our BACKUP in flight is
 * stale news and changes nothing (the two would otherwise both own it).
 */
static bool
gives_back(const fo_binding_info *cur, const fo_binding_info *in, bool ours_pending)
{
	return in->state == FO_BS_FREE && cur->state == FO_BS_BACKUP && !ours_pending;
}

unsigned
fo_scope_receive(fo_scope *s, fo_ip4 addr, const fo_binding_info *in, fo_server_type me,
    unsigned opts, fo_wall now, fo_binding_info *applied)
{
	fo_binding_info cur, nw;
	bool pending;
	unsigned why;

	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, addr, &cur) != FO_OK) {
		why = 1;                        /* illegal IP address (7.1.3) */
		goto done;
	}
	if ((why = fo_update_decide(&cur, in, me, now)) != FO_UPD_ACCEPT) {
		/* 7.2.1: tell the partner what we have, unless it refused that already. */
		if ((why == FO_UPD_REJ_FATAL_CONFLICT || why == FO_UPD_REJ_OUTDATED) &&
		    !(cur.flags & FO_BF_REFUSED))
			(void)q_push(s, addr);
		goto done;
	}
	/* An update of ours not yet acknowledged: queued, or on its way. */
	pending = (opts & FO_RX_OURS_IN_FLIGHT) || (cur.flags & FO_BF_UPDATE_PENDING) ||
	    q_marked(s, addr);
	/*
	 * Which server owns a free address is the primary's decision (it moves
	 * addresses to the secondary with BNDUPD(BACKUP), reference section 8):
	 * on the primary, the secondary's FREE or BACKUP for an address that is
	 * free here is acknowledged and changes nothing, and the secondary is
	 * told the owner. (A fresh ISC secondary reports every address FREE.)
	 * The one exception: the secondary giving back an address it owns.
	 */
	if (me == FO_PRIMARY && is_free_state(in->state) && is_free_state(cur.state) &&
	    !((opts & FO_RX_GIVEBACKS) && gives_back(&cur, in, pending))) {
		if (in->state != cur.state)
			(void)q_push(s, addr);
		if (applied != NULL)
			*applied = cur;
		goto done;
	}
	/* Our own update of the address crosses this one: the primary settles it. */
	if ((why = fo_update_decide_crossing(&cur, in, me, pending, now)) != FO_UPD_ACCEPT) {
		if (!(cur.flags & FO_BF_REFUSED))
			(void)q_push(s, addr);
		goto done;
	}
	fo_update_merge(&cur, in, now, &nw);
	/* We know a later end of this client's lease: the partner must learn it. */
	if (fo_update_merge_keeps_later(&cur, in))
		nw.flags |= FO_BF_UPDATE_PENDING;
	if (apply(s, addr, &cur, &nw) != FO_OK) {
		why = 6;                        /* unknown: could not store it */
		goto done;
	}
	if (applied != NULL)
		*applied = nw;
done:
	fo_sc_unlock(s);
	return why;
}

/* The first address of free list `st` neither reserved nor on offer to a client. */
static fo_ip4
first_movable(const fo_bt *bt, fo_bstate st, fo_wall now)
{
	const fo_binding *b;

	for (b = fo_bt_list_first(bt, st); b != NULL; b = fo_bt_list_next(bt, b))
		if (!(b->flags & FO_BF_RESERVED) &&
		    !((b->flags & FO_BF_OFFERED) && b->expiry > fo_wall_to_proto(now)))
			return fo_bt_address(bt, b);
	return 0;
}

/* Move up to `want` of our free addresses (list `from`) to the partner (`to`), queued. */
static size_t
move_free(fo_scope *s, fo_bstate from, fo_bstate to, size_t want, fo_wall now)
{
	fo_binding_info cur, nw;
	size_t n = 0;
	fo_ip4 a;

	while (n < want && (a = first_movable(s->bt, from, now)) != 0) {
		if (fo_bt_get(s->bt, a, &cur) != FO_OK)
			break;
		nw = cur;
		nw.state = to;
		nw.stos = fo_wall_to_proto(now);
		nw.flags = (nw.flags | FO_BF_UPDATE_PENDING) & ~FO_BF_OFFERED;
		if (apply(s, a, &cur, &nw) != FO_OK)
			break;
		n++;
	}
	return n;
}

size_t
fo_scope_giveback(fo_scope *s, unsigned secondary_percent, size_t max, fo_wall now)
{
	size_t n, want = 0, share;
	int64_t imb;

	pthread_mutex_lock(&s->lock);
	imb = fo_own_imbalance(s->bt, secondary_percent);
	share = (size_t)((int64_t)fo_bt_count(s->bt, FO_BS_BACKUP) + imb);
	/* Past a tolerance, so that the two tables' passing differences in
	 * counts cannot make the partners hand addresses to and fro. */
	if (imb < 0 && (size_t)-imb > share / 10 + 1)
		want = (size_t)-imb < max ? (size_t)-imb : max;
	n = move_free(s, FO_BS_BACKUP, FO_BS_FREE, want, now);
	fo_sc_unlock(s);
	return n;
}

size_t
fo_scope_rebalance(fo_scope *s, unsigned secondary_percent, size_t max, fo_wall now)
{
	size_t n, want;
	int64_t imb;

	pthread_mutex_lock(&s->lock);
	/* Only the primary's FREE addresses move: taking BACKUP ones back could race the secondary. */
	imb = fo_own_imbalance(s->bt, secondary_percent);
	want = imb <= 0 ? 0 : (uint64_t)imb < max ? (size_t)imb : max;
	n = move_free(s, FO_BS_FREE, FO_BS_BACKUP, want, now);
	fo_sc_unlock(s);
	return n;
}
