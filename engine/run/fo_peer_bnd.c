/*
 * fo_peer_bnd.c - binding updates of the session: BNDUPD/BNDACK (draft-12
 * 7.1, 7.2, 6.3), UPDREQ/UPDREQALL/UPDDONE (7.3-7.5), POOLREQ/POOLRESP
 * (7.6, 7.7; reference 8).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "fo_log.h"
#include "fo_peer_int.h"
#include "fo_update.h"

/* Room for the bindings of one BNDUPD: the header and a digest aside. */
#define BNDUPD_BUDGET (FO_WIRE_MAX - FO_WIRE_HDR - 4 - FO_DIGEST_OPT_LEN - 16)

static fo_bstate
own_free(const fo_peer *p)
{
	return p->rel->server_type == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP;
}

static void
mirror_unacked(fo_peer *p)
{
	atomic_store_explicit(&p->rt->unacked, (uint32_t)p->unacked, memory_order_relaxed);
}

static void
requeue(fo_peer *p, fo_ip4 addr)
{
	for (size_t i = 0; i < p->rt->n_scopes; i++)
		if (fo_scope_requeue(p->rt->scopes[i], addr))
			return;
}

void
fo_peer_bnd_reset(fo_peer *p)
{
	/* 7.2: updates of a lost connection are sent again on the next one. */
	for (size_t i = 0; i < p->n_fl; i++)
		for (size_t k = 0; k < p->fl[i].n; k++)
			requeue(p, p->fl[i].e[k].addr);
	p->n_fl = 0;
	p->unacked = 0;
	p->answer_upddone = false;
	mirror_unacked(p);
}

void
fo_peer_bnd_resend(fo_peer *p)
{
	for (size_t i = 0; i < p->rt->n_scopes; i++)
		(void)fo_scope_queue_pending(p->rt->scopes[i]);
}

/* Bytes one binding takes at most in a BNDUPD (options 2-6, 9, 12, 13, 18, 25, 63). */
static size_t
binding_size(const fo_binding_info *b)
{
	return 8 + 5 + (4 + (size_t)b->client.cidlen) + (5 + (size_t)b->client.hlen) + 4 * 8 + 6 +
	    (6 + (size_t)b->extra.hostname_len) + (4 + (size_t)b->extra.context_len);
}

/*
 * The lease's extras (options 9 and 63): the codec writes them to another
 * instance of this hook only (the draft dialect; fo_wire.h).
 */
static void
fill_extra(fo_wire_binding *wb, const fo_lease_extra *x)
{
	if (x->fqdn != 0 || x->hostname_len > 0) {
		wb->ddns_flags = (uint16_t)(((x->fqdn & FO_FQDN_FWD) ? FO_DDNS_A : 0) |
		    ((x->fqdn & FO_FQDN_REV) ? FO_DDNS_P : 0));
		wb->ddns_name.p = (const uint8_t *)x->hostname;
		wb->ddns_name.len = x->hostname_len;
		wb->present |= FO_WIRE_BIT(FO_O_DDNS);
	}
	if (x->context_len > 0) {
		wb->user_context.p = (const uint8_t *)x->context;
		wb->user_context.len = x->context_len;
		wb->present |= FO_WIRE_BIT(FO_O_KEA_USER_CONTEXT);
	}
}

/* Table 7.1-1 and reference 3: the options of one binding. */
static void
fill(fo_wire_binding *wb, const fo_binding_info *b)
{
	bool abandoned = b->state == FO_BS_ABANDONED;

	wb->status = b->state;
	wb->present |= FO_WIRE_BIT(FO_O_BINDING_STATUS);
	if (b->client.hlen > 0 && !abandoned) {
		wb->client.htype = b->client.htype;
		wb->client.hlen = b->client.hlen;
		memcpy(wb->client.hw, b->client.hw, b->client.hlen);
		wb->present |= FO_WIRE_BIT(FO_O_CHADDR);
	}
	if (b->client.cidlen > 0 && !abandoned) {
		wb->client.cidlen = b->client.cidlen;
		memcpy(wb->client.cid, b->client.cid, b->client.cidlen);
		wb->present |= FO_WIRE_BIT(FO_O_CLIENT_ID);
	}
	if (b->state == FO_BS_ACTIVE) {
		wb->expiry = b->expiry;
		wb->pexp = b->pexp_sent > b->expiry ? b->pexp_sent : b->expiry;
		wb->present |= FO_WIRE_BIT(FO_O_LEASE_EXPIRATION) |
		    FO_WIRE_BIT(FO_O_POTENTIAL_EXPIRATION);
	}
	if (b->stos != 0) {
		wb->stos = b->stos;
		wb->present |= FO_WIRE_BIT(FO_O_START_TIME);
	}
	if (b->cltt != 0) {
		wb->cltt = b->cltt;
		wb->present |= FO_WIRE_BIT(FO_O_CLTT);
	}
	if (b->flags & FO_BF_RESERVED) {
		wb->ip_flags = FO_IPF_RESERVED;
		wb->present |= FO_WIRE_BIT(FO_O_IP_FLAGS);
	}
	if (b->state == FO_BS_ACTIVE)
		fill_extra(wb, &b->extra);
}

/* Up to `max` queued updates, round robin over the scopes. */
static size_t
gather(fo_peer *p, fo_scope_update *u, size_t max)
{
	size_t n = 0, ns = p->rt->n_scopes;

	for (size_t tried = 0; n < max && tried < ns; tried++) {
		size_t got = fo_scope_take_updates(p->rt->scopes[p->rr % ns], u + n, max - n);

		n += got;
		if (got == 0)
			p->rr++;
	}
	return n;
}

static void settle(fo_peer *p, fo_ip4 addr, uint8_t state, uint32_t pexp, unsigned reject,
    fo_wall now);

/* One BNDUPD with the next queued bindings; false when nothing is queued. */
static bool
send_one(fo_peer *p, fo_wall now)
{
	fo_scope_update u[FO_WIRE_MAX_BINDINGS];
	size_t max = p->rel->dialect == FO_DIALECT_ISC ? 1 : FO_WIRE_MAX_BINDINGS;
	size_t n, k, used = 0;
	fo_flight *f;

	if ((n = gather(p, u, max)) == 0)
		return false;
	f = &p->fl[p->n_fl];
	f->xid = fo_peer_xid(p);
	f->n = 0;
	fo_peer_msg(p, FO_M_BNDUPD, f->xid, now);
	for (k = 0; k < n; k++) {
		fo_wire_binding *wb;

		used += binding_size(&u[k].b);
		if (k > 0 && used > BNDUPD_BUDGET)
			break;
		if ((wb = fo_wire_add_binding(&p->tx, u[k].addr)) == NULL)
			break;
		fill(wb, &u[k].b);
		f->e[f->n].addr = u[k].addr;
		f->e[f->n].pexp = u[k].b.state == FO_BS_ACTIVE ? wb->pexp : 0;
		f->e[f->n++].state = (uint8_t)u[k].b.state;
	}
	for (; k < n; k++)
		requeue(p, u[k].addr);   /* did not fit: next message */
	if (!fo_peer_send(p, now)) {
		/* Not encodable (or no memory): give up on these, do not retry forever. */
		for (k = 0; k < f->n; k++)
			settle(p, f->e[k].addr, f->e[k].state, 0, FO_REJ_UNKNOWN, now);
		return !p->out_failed && p->conn == FO_CONN_UP;
	}
	p->n_fl++;
	p->unacked += f->n;
	for (k = 0; k < f->n; k++)
		fo_counter_inc(&p->rt->ctr, FO_CTR_BNDUPD_SENT);
	return true;
}

static bool
queues_empty(fo_peer *p)
{
	for (size_t i = 0; i < p->rt->n_scopes; i++)
		if (fo_scope_queued(p->rt->scopes[i]) > 0)
			return false;
	return true;
}

void
fo_peer_bnd_pump(fo_peer *p, fo_wall now)
{
	if (p->conn != FO_CONN_UP || p->fl == NULL)
		return;
	while (p->n_fl < p->window && p->out_len - p->out_off < FO_PEER_OUT_HIGH &&
	    !p->out_failed && send_one(p, now))
		;
	mirror_unacked(p);
	/* 7.5: UPDDONE once everything asked for was sent and acknowledged. */
	if (p->answer_upddone && p->n_fl == 0 && queues_empty(p)) {
		p->answer_upddone = false;
		fo_peer_msg(p, FO_M_UPDDONE, p->upddone_xid, now);
		fo_peer_send(p, now);
	}
}

/* The binding of a BNDUPD as fo_update.h reads it. */
static void
incoming(const fo_wire_binding *wb, fo_binding_info *in)
{
	/* Field by field: a memset of the 1.6 KB cost more than all of this. */
	in->state = wb->status;
	in->client = wb->client;
	in->expiry = wb->expiry;
	in->pexp_sent = wb->pexp;
	in->pexp_acked = 0;
	in->cltt = wb->cltt;
	in->stos = wb->stos;
	in->flags = 0;
	fo_extra_clear(&in->extra);
	if (wb->present & FO_WIRE_BIT(FO_O_DDNS)) {
		/* The codec bounds the name to FO_HOSTNAME_MAX bytes. */
		in->extra.fqdn = (uint8_t)(((wb->ddns_flags & FO_DDNS_A) ? FO_FQDN_FWD : 0) |
		    ((wb->ddns_flags & FO_DDNS_P) ? FO_FQDN_REV : 0));
		in->extra.hostname_len = (uint8_t)wb->ddns_name.len;
		memcpy(in->extra.hostname, wb->ddns_name.p, wb->ddns_name.len);
		in->extra.hostname[wb->ddns_name.len] = '\0';
	}
	if (wb->present & FO_WIRE_BIT(FO_O_KEA_USER_CONTEXT)) {
		/* At most FO_USER_CONTEXT_MAX bytes (the codec's bound). */
		in->extra.context_len = (uint16_t)wb->user_context.len;
		memcpy(in->extra.context, wb->user_context.p, wb->user_context.len);
		in->extra.context[wb->user_context.len] = '\0';
	}
}

/* An update of ours for addr is sent and not answered yet. */
static bool
in_flight(const fo_peer *p, fo_ip4 addr)
{
	for (size_t i = 0; i < p->n_fl; i++)
		for (size_t k = 0; k < p->fl[i].n; k++)
			if (p->fl[i].e[k].addr == addr)
				return true;
	return false;
}

/* Apply one binding of a BNDUPD; the reject reason (0: accepted). */
static unsigned
receive_one(fo_peer *p, const fo_wire_binding *wb, fo_wall now)
{
	fo_binding_info in, applied;
	unsigned why = FO_REJ_ILLEGAL_IP, opts = 0;

	if (!(wb->present & FO_WIRE_BIT(FO_O_BINDING_STATUS)))
		return FO_REJ_MISSING_BINDING_INFO;
	incoming(wb, &in);
	if (p->rel->dialect != FO_DIALECT_ISC)
		opts |= FO_RX_GIVEBACKS;
	if (in_flight(p, wb->addr))
		opts |= FO_RX_OURS_IN_FLIGHT;
	for (size_t i = 0; i < p->rt->n_scopes; i++) {
		fo_scope *s = p->rt->scopes[i];

		why = fo_scope_receive(s, wb->addr, &in, p->rel->server_type, opts, now, &applied);
		if (why == FO_REJ_ILLEGAL_IP)
			continue;
		if (why == FO_UPD_ACCEPT)
			fo_scope_tell_kea(s, p->rt->host, wb->addr, &applied);
		break;
	}
	fo_counter_inc(&p->rt->ctr, why == FO_UPD_ACCEPT ? FO_CTR_BNDUPD_RECEIVED :
	    FO_CTR_BNDUPD_REFUSED);
	return why;
}

/* 7.1.2-7.2.1: every binding applied (journaled) before the BNDACK. */
static void
on_bndupd(fo_peer *p, fo_wall now)
{
	const fo_wire_msg *m = &p->rx;

	fo_peer_msg(p, FO_M_BNDACK, m->xid, now);
	for (size_t i = 0; i < m->nb; i++) {
		unsigned why = receive_one(p, &m->b[i], now);
		fo_wire_binding *ab = fo_wire_add_binding(&p->tx, m->b[i].addr);

		if (ab == NULL || why == FO_UPD_ACCEPT)
			continue;
		ab->reject = (uint8_t)why;
		ab->message = fo_wire_str(fo_reject_name((fo_reject)why));
		ab->present |= FO_WIRE_BIT(FO_O_REJECT_REASON) | FO_WIRE_BIT(FO_O_MESSAGE);
	}
	fo_peer_send(p, now);
}

static const fo_wire_binding *
ack_for(const fo_wire_msg *m, fo_ip4 addr)
{
	for (size_t i = 0; i < m->nb; i++)
		if (m->b[i].addr == addr)
			return &m->b[i];
	return NULL;
}

static void
settle(fo_peer *p, fo_ip4 addr, uint8_t state, uint32_t pexp, unsigned reject, fo_wall now)
{
	bool first = false;
	char a[16];

	for (size_t i = 0; i < p->rt->n_scopes; i++) {
		fo_scope *s = p->rt->scopes[i];

		if (reject == 0 ? fo_scope_acked(s, addr, (fo_bstate)state, pexp, own_free(p), now) :
		    fo_scope_rejected(s, addr, &first))
			break;
	}
	fo_counter_inc(&p->rt->ctr, reject == 0 ? FO_CTR_BNDUPD_ACKED : FO_CTR_BNDUPD_REJECTED);
	/* Once per version of the binding: it is not sent again until it changes. */
	if (reject == 0 || !first)
		return;
	fo_ip4_str(addr, a, sizeof(a));
	fo_log(p->rt->host, FO_EVT_UPDATE_REJECTED, FO_S(p->rel->name), FO_S(a), FO_U(reject));
}

static void
on_bndack(fo_peer *p, fo_wall now)
{
	const fo_wire_msg *m = &p->rx;
	size_t i;

	for (i = 0; i < p->n_fl && p->fl[i].xid != m->xid; i++)
		;
	if (i == p->n_fl) {
		fo_log(p->rt->host, FO_EVT_BNDACK_UNKNOWN_XID, FO_S(p->rel->name), FO_U(m->xid));
		return;
	}
	for (size_t k = 0; k < p->fl[i].n; k++) {
		const fo_wire_binding *ab = ack_for(m, p->fl[i].e[k].addr);
		unsigned rej = 0;

		if (ab == NULL && m->nb > 0) {
			requeue(p, p->fl[i].e[k].addr);     /* not answered: send again */
			continue;
		}
		if (ab != NULL && (ab->present & FO_WIRE_BIT(FO_O_REJECT_REASON)))
			rej = ab->reject ? ab->reject : FO_REJ_UNKNOWN;
		else if (ab == NULL && (m->present & FO_WIRE_BIT(FO_O_REJECT_REASON)))
			rej = m->reject ? m->reject : FO_REJ_UNKNOWN;
		settle(p, p->fl[i].e[k].addr, p->fl[i].e[k].state, p->fl[i].e[k].pexp, rej, now);
	}
	p->unacked -= p->fl[i].n;
	memmove(&p->fl[i], &p->fl[i + 1], (p->n_fl - i - 1) * sizeof(p->fl[0]));
	p->n_fl--;
	mirror_unacked(p);
}

void
fo_peer_bnd_input(fo_peer *p, fo_wall now)
{
	if (p->rx.type == FO_M_BNDUPD)
		on_bndupd(p, now);
	else
		on_bndack(p, now);
}

void
fo_peer_bnd_request(fo_peer *p, bool all, fo_wall now)
{
	size_t n = 0;

	(void)now;
	for (size_t i = 0; i < p->rt->n_scopes; i++)
		n += all ? fo_scope_queue_all(p->rt->scopes[i]) :
		    fo_scope_queue_pending(p->rt->scopes[i]);
	fo_log(p->rt->host, all ? FO_EVT_UPDREQALL_ANSWERED : FO_EVT_UPDREQ_ANSWERED,
	    FO_S(p->rel->name), FO_U(n));
	p->answer_upddone = true;
	p->upddone_xid = p->rx.xid;
}

size_t
fo_peer_bnd_rebalance(fo_peer *p, fo_wall now)
{
	unsigned pct = fo_relationship_secondary_address_percent(p->rel);
	bool prim = p->rel->server_type == FO_PRIMARY;
	size_t n = 0;

	/* Each side only ever gives its own free addresses away (reference 8);
	 * towards ISC dhcpd the primary alone balances, as ISC's own pairs do. */
	if (!prim && p->rel->dialect == FO_DIALECT_ISC)
		return 0;
	for (size_t i = 0; i < p->rt->n_scopes; i++)
		n += prim ? fo_scope_rebalance(p->rt->scopes[i], pct, SIZE_MAX, now) :
		    fo_scope_giveback(p->rt->scopes[i], pct, SIZE_MAX, now);
	if (n > 0)
		fo_log(p->rt->host, FO_EVT_POOL_REBALANCED, FO_S(p->rel->name), FO_U(n),
		    FO_S(prim ? "secondary" : "primary"));
	return n;
}

void
fo_peer_bnd_poolreq(fo_peer *p, fo_wall now)
{
	uint32_t xid = p->rx.xid;
	size_t n = fo_peer_bnd_rebalance(p, now);

	fo_peer_bnd_pump(p, now);       /* the moved addresses go out first (7.7) */
	fo_peer_msg(p, FO_M_POOLRESP, xid, now);
	p->tx.addresses_transferred = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	p->tx.present |= FO_WIRE_BIT(FO_O_ADDRESSES_TRANSFERRED);
	fo_peer_send(p, now);
}
