/*
 * fo_scope_admin.c - an operator's leases in one scope (lease4-add,
 * lease4-update: fo_scope_admin), their time once the partner acknowledges
 * them, and the restart check of Kea's leases (fo_scope_contradicts).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_alloc.h"
#include "fo_scope_int.h"

/* The pending extension of `addr`, or NULL. */
static struct fo_admin_ext *
ext_find(fo_scope *s, fo_ip4 addr)
{
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].addr == addr)
			return &s->ext[i];
	return NULL;
}

/* Remember (or replace) the extension of `addr`; dropped when full or out of memory. */
static void
ext_set(fo_scope *s, fo_ip4 addr, uint32_t expiry, uint32_t cltt)
{
	struct fo_admin_ext *e = ext_find(s, addr), *grown;
	size_t cap;

	if (e == NULL && s->n_ext == s->cap_ext) {
		cap = s->cap_ext != 0 ? 2 * s->cap_ext : 16;
		if (cap > FO_ADMIN_EXT_MAX ||
		    (grown = fo_realloc(s->ext, cap * sizeof(*grown))) == NULL)
			return;         /* the lease keeps the MCLT's time; renewals extend it */
		s->ext = grown;
		s->cap_ext = cap;
	}
	if (e == NULL)
		e = &s->ext[s->n_ext++];
	*e = (struct fo_admin_ext){ .addr = addr, .expiry = expiry, .cltt = cltt };
}

/*
 * fo_scope_acked: `nw`, the binding of `addr` after the partner's ack. An
 * operator's lease cut by the MCLT rule gets the time asked for once the
 * acknowledged potential expiration covers it (true: nw was extended and
 * owes the partner an update); forgotten when it is no longer that lease
 * (freed, or renewed by its client, whose own request then governs).
 */
bool
fo_sc_ext_on_ack(fo_scope *s, fo_ip4 addr, fo_binding_info *nw)
{
	struct fo_admin_ext *e = s->n_ext != 0 ? ext_find(s, addr) : NULL;
	bool same = e != NULL && nw->state == FO_BS_ACTIVE && nw->cltt == e->cltt;
	bool longer = same && nw->pexp_acked >= e->expiry && e->expiry > nw->expiry;

	if (e == NULL || (same && nw->pexp_acked < e->expiry))
		return false;                   /* nothing asked, or not acknowledged far enough yet */
	if (longer) {
		nw->expiry = e->expiry;
		nw->flags |= FO_BF_UPDATE_PENDING;
		fo_counter_inc(s->ctr, FO_CTR_BINDINGS_RECORDED);
	}
	*e = s->ext[--s->n_ext];
	return longer;
}

/*
 * Why `me` may not have the address of `cur` by an operator's lease4-add or
 * lease4-update, or NULL when it may: under the rules of lease4_select.
 */
static const char *
admin_refusal(const fo_serve_view *v, const fo_binding_info *cur, const fo_client_id *me,
    const fo_lease *l, fo_wall now)
{
	if (cur->state == FO_BS_ACTIVE && fo_client_same(&cur->client, me))
		return NULL;
	if (cur->state == FO_BS_ACTIVE && (int64_t)cur->expiry > now.sec)
		return "another client's lease holds it";
	if (fo_sc_held_for_other(cur->flags, cur->expiry, cur->pexp_sent, fo_sc_client_hash(me), now))
		return "it is offered to another client";
	if (!fo_sc_select_keeps(v, cur, me, l, now))
		return "this server may not give it in this state (the partner's address, or not "
		    "free yet): add the lease on the server that owns it";
	return NULL;
}

fo_verdict
fo_scope_admin(fo_scope *s, const fo_serve_view *v, fo_lease *l, char *why, size_t whylen,
    fo_wall now)
{
	fo_verdict vd = FO_V_PASS;
	fo_binding_info cur, nw;
	fo_client_id me;
	const char *no;
	uint32_t granted = 0;
	char a[16];

	fo_sc_client(&l->client, &me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, l->addr, &cur) != FO_OK)
		goto done;                      /* outside the pools: Kea's business */
	fo_ip4_str(l->addr, a, sizeof(a));
	if ((no = admin_refusal(v, &cur, &me, l, now)) == NULL &&
	    (granted = fo_sc_lease_time(s, v, &cur, l, now)) == 0 && l->valid_lft > 0)
		no = "the relationship's state gives no lease now";
	if (no == NULL && fo_sc_record(s, l->addr, &cur, &me, l->valid_lft, granted, FO_REC_NOW, now) != FO_OK)
		no = "its binding could not be journaled";
	if (no != NULL) {
		fo_errf(why, whylen, "%s: %s (binding %s, server state %s)", a, no,
		    fo_bstate_name(cur.state), fo_state_name(v->state));
		fo_counter_inc(s->ctr, FO_CTR_ALLOC_REFUSED);
		fo_scope_tell_kea(s, NULL, l->addr, &cur);     /* Kea's record back as it was */
		vd = FO_V_REFUSE;
		goto done;
	}
	(void)fo_bt_get(s->bt, l->addr, &nw);
	if (granted != l->valid_lft) {
		fo_errf(why, whylen, "%s: lease time %u s for now (MCLT rule), %u s once the partner "
		    "acknowledges the binding", a, (unsigned)granted, (unsigned)l->valid_lft);
		ext_set(s, l->addr, fo_sc_proto_after(now, l->valid_lft), nw.cltt);
		vd = FO_V_CHANGED;
	}
	l->valid_lft = granted;
	fo_scope_tell_kea(s, NULL, l->addr, &nw);      /* Kea's times are the binding's */
done:
	fo_sc_unlock(s);
	return vd;
}

bool
fo_scope_contradicts(fo_scope *s, const fo_lease *l, fo_wall now)
{
	fo_binding_info cur;
	fo_client_id me;
	bool stale = false;

	if ((int64_t)l->cltt.sec + (int64_t)l->valid_lft <= now.sec)
		return false;                   /* ended: Kea reclaims it */
	fo_sc_client(&l->client, &me);
	pthread_mutex_lock(&s->lock);
	if (fo_bt_get(s->bt, l->addr, &cur) == FO_OK)
		stale = cur.state != FO_BS_ACTIVE || !fo_client_same(&cur.client, &me);
	fo_sc_unlock(s);
	return stale;
}
