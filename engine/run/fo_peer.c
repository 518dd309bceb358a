/*
 * fo_peer.c - the failover session: connection handshake (draft-12 7.8,
 * 7.9, 8.2), STATE exchange and the state machine (7.10, 9), keepalives
 * (7.11, 8.3), DISCONNECT (7.12).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_log.h"
#include "fo_ownership.h"
#include "fo_peer_int.h"

const char *
fo_conn_name(fo_conn c)
{
	switch (c) {
	case FO_CONN_IDLE: return "idle";
	case FO_CONN_WAIT_CONNECT: return "wait-connect";
	case FO_CONN_WAIT_ACK: return "wait-connectack";
	case FO_CONN_WAIT_STATE: return "wait-state";
	case FO_CONN_UP: return "up";
	case FO_CONN_CLOSING: return "closing";
	}
	return NULL;
}

fo_status
fo_peer_create(fo_peer **out, fo_runtime *rt)
{
	fo_peer *p;

	if (out == NULL || rt == NULL || rt->rel == NULL)
		return FO_ERR_INVAL;
	if ((p = fo_calloc(1, sizeof(*p))) == NULL)
		return FO_ERR_NOMEM;
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		fo_free(p);
		return FO_ERR_NOMEM;
	}
	p->rt = rt;
	p->rel = rt->rel;
	p->next_xid = 1;
	fo_timers_init(&p->timers);
	if (p->rel->enable_auth && p->rel->shared_secret[0] != '\0')
		(void)fo_digest_key_set(&p->key, p->rel->shared_secret,
		    strlen(p->rel->shared_secret));
	*out = p;
	return FO_OK;
}

void
fo_peer_destroy(fo_peer *p)
{
	if (p == NULL)
		return;
	fo_digest_key_clear(&p->key);
	pthread_mutex_destroy(&p->lock);
	fo_free(p->fl);
	fo_free(p->out);
	fo_free(p);
}

void fo_peer_lock(fo_peer *p) { pthread_mutex_lock(&p->lock); }
void fo_peer_unlock(fo_peer *p) { pthread_mutex_unlock(&p->lock); }

/* ---- Output ------------------------------------------------------------- */

static bool
out_reserve(fo_peer *p, size_t n)
{
	uint8_t *nb;
	size_t cap;

	if (p->out_off > 0 && p->out_len + n > p->out_cap) {
		memmove(p->out, p->out + p->out_off, p->out_len - p->out_off);
		p->out_len -= p->out_off;
		p->out_off = 0;
	}
	if (p->out_len + n <= p->out_cap)
		return true;
	for (cap = p->out_cap ? p->out_cap : 8192; cap < p->out_len + n; cap *= 2)
		;
	if ((nb = fo_realloc(p->out, cap)) == NULL)
		return false;
	p->out = nb;
	p->out_cap = cap;
	return true;
}

uint32_t
fo_peer_xid(fo_peer *p)
{
	uint32_t x = p->next_xid++;

	if (p->next_xid == 0)
		p->next_xid = 1;        /* ISC never uses xid 0 */
	return x;
}

void
fo_peer_msg(fo_peer *p, fo_mtype type, uint32_t xid, fo_wall now)
{
	fo_wire_msg_init(&p->tx, type, fo_wall_to_proto(now), xid);
}

bool
fo_peer_send(fo_peer *p, fo_wall now)
{
	size_t len = 0;
	fo_status st;

	(void)now;
	if (p->conn == FO_CONN_IDLE || p->conn == FO_CONN_CLOSING)
		return false;
	if (!out_reserve(p, FO_WIRE_MAX)) {
		p->out_failed = true;
		return false;
	}
	st = fo_wire_encode(&p->tx, p->rel->dialect, p->key.len ? &p->key : NULL,
	    p->out + p->out_len, p->out_cap - p->out_len, &len);
	if (st != FO_OK) {
		fo_log(p->rt->host, FO_EVT_ENCODE_FAILED, FO_S(p->rel->name),
		    FO_S(fo_mtype_name(p->tx.type)), FO_S(fo_status_name(st)));
		return false;
	}
	p->out_len += len;
	fo_counter_inc(&p->rt->ctr, FO_CTR_MSG_SENT);
	/* 8.3: tSend restarts with every message sent. */
	if (p->partner_receive_timer > 0)
		(void)fo_timers_arm(&p->timers, FO_TIMER_SEND, p->mono,
		    p->partner_receive_timer * 1000u / 3);
	return true;
}

const uint8_t *
fo_peer_output(fo_peer *p, size_t *len)
{
	const uint8_t *r;

	pthread_mutex_lock(&p->lock);
	*len = p->out_len - p->out_off;
	r = p->out != NULL ? p->out + p->out_off : NULL;
	pthread_mutex_unlock(&p->lock);
	return r;
}

void
fo_peer_consume(fo_peer *p, size_t n)
{
	pthread_mutex_lock(&p->lock);
	if (n > p->out_len - p->out_off)
		n = p->out_len - p->out_off;
	p->out_off += n;
	if (p->out_off == p->out_len)
		p->out_off = p->out_len = 0;
	pthread_mutex_unlock(&p->lock);
}

bool
fo_peer_want_close(fo_peer *p)
{
	bool r;

	pthread_mutex_lock(&p->lock);
	r = p->conn == FO_CONN_CLOSING || p->out_failed;
	pthread_mutex_unlock(&p->lock);
	return r;
}

/*
 * Log why a connection ends (event id, its text `what`) at WARN; the same
 * event and text again within FO_PEER_REPEAT_QUIET seconds only at DEBUG
 * (a partner that refuses every attempt, each 1-2 s, would fill the log);
 * the next WARN of it says how often it recurred meanwhile.
 */
static void
warn_failure(fo_peer *p, fo_wall now, fo_log_id id, const char *what)
{
	const fo_host *h = p->rt->host;
	bool same = p->warned_id == id && strcmp(p->warned, what) == 0;

	if (same && now.sec - p->warned_at < FO_PEER_REPEAT_QUIET && now.sec >= p->warned_at) {
		p->warned_repeats++;
		fo_log(h, FO_EVT_PEER_FAILURE_REPEATED, FO_S(p->rel->name), FO_S(fo_log_id_name(id)),
		    FO_S(what));
		return;
	}
	if (same && p->warned_repeats > 0)
		fo_log(h, FO_EVT_PEER_FAILURE_RECURRED, FO_S(p->rel->name),
		    FO_S(fo_log_id_name(id)), FO_U(p->warned_repeats),
		    FO_U(now.sec - p->warned_at), FO_S(what));
	else
		fo_log(h, id, FO_S(p->rel->name), FO_S(what));
	p->warned_id = id;
	snprintf(p->warned, sizeof(p->warned), "%s", what);
	p->warned_at = now.sec;
	p->warned_repeats = 0;
}

/* Log event id (why), send DISCONNECT (7.12) and ask the driver to close. */
void
fo_peer_fail(fo_peer *p, fo_reject reason, fo_log_id id, const char *why, fo_wall now)
{
	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	warn_failure(p, now, id, why);
	if (p->conn != FO_CONN_IDLE && p->conn != FO_CONN_CLOSING && reason != FO_REJ_NONE) {
		fo_peer_msg(p, FO_M_DISCONNECT, fo_peer_xid(p), now);
		p->tx.reject = (uint8_t)reason;
		p->tx.message = fo_wire_str(why);
		p->tx.present |= FO_WIRE_BIT(FO_O_REJECT_REASON) | FO_WIRE_BIT(FO_O_MESSAGE);
		fo_peer_send(p, now);
	}
	if (p->conn != FO_CONN_IDLE)
		p->conn = FO_CONN_CLOSING;
}

/* ---- The state machine -------------------------------------------------- */

static void
send_state(fo_peer *p, fo_state s, fo_wall since, bool startup, fo_wall now)
{
	uint8_t code = fo_state_to_wire(s);

	if (code == 0)                  /* NOSTATE, INIT: nothing to announce */
		return;
	fo_peer_msg(p, FO_M_STATE, fo_peer_xid(p), now);
	p->tx.server_state = code;
	p->tx.server_flags = startup ? FO_SF_STARTUP : 0;
	p->tx.stos = fo_wall_to_proto(since);
	p->tx.present |= FO_WIRE_BIT(FO_O_SERVER_STATE) | FO_WIRE_BIT(FO_O_SERVER_FLAGS) |
	    FO_WIRE_BIT(FO_O_START_TIME);
	fo_peer_send(p, now);
}

/* Our current state as a STATE message (8.2; 9.3.1 in STARTUP). */
static void
announce(fo_peer *p, fo_wall now)
{
	fo_state s;
	fo_wall since;
	bool startup;

	pthread_mutex_lock(&p->rt->lock);
	fo_fsm_announce(&p->rt->fsm, &s, &startup);
	since = startup ? p->rt->fsm.saved_since : p->rt->fsm.state_since;
	pthread_mutex_unlock(&p->rt->lock);
	send_state(p, s, since, startup, now);
}

static void
simple(fo_peer *p, fo_mtype t, fo_wall now)
{
	fo_peer_msg(p, t, fo_peer_xid(p), now);
	fo_peer_send(p, now);
}

bool
fo_peer_pool_short(fo_dialect d, uint32_t free, uint32_t backup, unsigned pct)
{
	uint64_t total = (uint64_t)free + backup, share;
	int64_t lts, thresh, panic;

	switch (d) {
	case FO_DIALECT_ISC:
		thresh = (int64_t)((total * 15 + 50) / 100);
		panic = thresh > 0 ? -2 * thresh : -1;
		lts = ((int64_t)backup - (int64_t)free) / 2;
		return lts < panic;
	case FO_DIALECT_DRAFT:
	case FO_DIALECT_MS:
		break;
	}
	share = fo_own_share(total, pct > 100 ? 100 : pct);
	return share > backup && share - backup > share / 10 + 1;
}

/* The secondary asks for addresses (POOLREQ) only when a scope is short of its share. */
static void
poolreq_if_short(fo_peer *p, fo_wall now)
{
	unsigned pct = fo_relationship_secondary_address_percent(p->rel);
	fo_scope_counts c;

	for (size_t i = 0; i < p->rt->n_scopes; i++) {
		uint32_t fr, bk;

		fo_scope_counts_get(p->rt->scopes[i], &c);
		fr = c.by_state[FO_BS_FREE];
		bk = c.by_state[FO_BS_BACKUP];
		if (!fo_peer_pool_short(p->rel->dialect, fr, bk, pct))
			continue;
		fo_log(p->rt->host, FO_EVT_POOLREQ_SENT, FO_S(p->rel->name), FO_U(bk), FO_U(fr + bk));
		simple(p, FO_M_POOLREQ, now);
		return;
	}
	fo_log(p->rt->host, FO_EVT_POOL_BALANCED, FO_S(p->rel->name));
}

/* Carry out the protocol actions of a step (the runtime persisted it first). */
static void
carry_out(fo_peer *p, const fo_step *st, fo_wall now)
{
	bool talking = p->conn == FO_CONN_UP || p->conn == FO_CONN_WAIT_STATE;
	bool sent_state = false;

	for (size_t i = 0; i < st->n; i++) {
		const fo_action *a = &st->act[i];

		switch (a->kind) {
		case FO_ACT_SEND_STATE:
			if (talking)
				send_state(p, a->state, a->since, a->startup, now);
			sent_state = true;
			break;
		case FO_ACT_SEND_UPDREQ:
		case FO_ACT_SEND_UPDREQALL:
			if (p->conn == FO_CONN_UP)
				simple(p, a->kind == FO_ACT_SEND_UPDREQ ? FO_M_UPDREQ :
				    FO_M_UPDREQALL, now);
			break;
		case FO_ACT_RESEND_UNACKED:
			fo_peer_bnd_resend(p);
			break;
		case FO_ACT_SEND_POOLREQ:
			/*
			 * The secondary first gives back what it owns beyond its
			 * share. An ISC primary balances by itself on entering
			 * normal, its BNDUPDs (BACKUP) still on the way: asked then,
			 * it would find nothing to move and answer negatively. So
			 * towards ISC only the periodic check asks.
			 */
			(void)fo_peer_bnd_rebalance(p, now);
			if (p->conn == FO_CONN_UP &&
			    !(st->changed && p->rel->dialect == FO_DIALECT_ISC))
				poolreq_if_short(p, now);
			break;
		case FO_ACT_REBALANCE_POOL:
			(void)fo_peer_bnd_rebalance(p, now);
			break;
		case FO_ACT_PERSIST_STATE:      /* done by fo_runtime_event() */
		case FO_ACT_SERVE_CHANGE:       /* the packet path reads the state atomically */
		case FO_ACT_TIMER_ARM:          /* done by fo_runtime_event() */
		case FO_ACT_TIMER_CANCEL:
			break;
		}
	}
	/* A change while the partner's STATE is awaited is announced too. */
	if (st->changed && !sent_state && talking)
		announce(p, now);
}

static void
event(fo_peer *p, fo_fsm_input *in, const char *why)
{
	fo_step st;

	if (fo_runtime_event(p->rt, in, why, &st, NULL, 0) != FO_OK) {
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_STATE_NOT_SAVED,
		    "the state could not be saved", in->now);
		return;
	}
	carry_out(p, &st, in->now);
}

/* ---- Connection --------------------------------------------------------- */

static void
arm_receive(fo_peer *p)
{
	(void)fo_timers_arm(&p->timers, FO_TIMER_RECEIVE, p->mono,
	    p->rel->max_response_delay * 1000u);
}

/* CONNECT and the accepting CONNECTACK carry the same session parameters. */
static void
session_options(fo_peer *p)
{
	fo_wire_msg *m = &p->tx;

	snprintf(m->relationship, sizeof(m->relationship), "%s", p->rel->name);
	m->max_unacked = p->rel->max_unacked_updates;
	m->receive_timer = p->rel->max_response_delay;
	snprintf(m->vendor_class, sizeof(m->vendor_class), "%s%s%s)", FO_PEER_VENDOR_CLASS,
	    FO_PEER_DIALECT_TAG, fo_dialect_name(p->rel->dialect));
	m->protocol_version = FO_PEER_PROTOCOL_VERSION;
	m->present |= FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) | FO_WIRE_BIT(FO_O_MAX_UNACKED) |
	    FO_WIRE_BIT(FO_O_RECEIVE_TIMER) | FO_WIRE_BIT(FO_O_VENDOR_CLASS) |
	    FO_WIRE_BIT(FO_O_PROTOCOL_VERSION);
}

static void
send_connect(fo_peer *p, fo_wall now)
{
	fo_peer_msg(p, FO_M_CONNECT, fo_peer_xid(p), now);
	session_options(p);
	p->tx.tls_request = 0;
	p->tx.mclt = p->rel->mclt;
	p->tx.hba = p->rt->hba;
	p->tx.present |= FO_WIRE_BIT(FO_O_TLS_REQUEST) | FO_WIRE_BIT(FO_O_MCLT) |
	    FO_WIRE_BIT(FO_O_HBA);
	fo_peer_send(p, now);
}

/*
 * Authenticated messages only: is p->rx a replay? Its time must be within
 * FO_REPLAY_MAX_AGE of ours (an old captured message, on any connection), and
 * the xid of a request must not repeat on this connection. Answers carry our
 * own xid and are matched to what we sent instead.
 */
static bool
replayed(fo_peer *p, fo_wall now)
{
	int64_t age = now.sec - (int64_t)p->rx.time;

	if (age > FO_REPLAY_MAX_AGE || age < -FO_REPLAY_MAX_AGE)
		return true;
	switch (p->rx.type) {
	case FO_M_BNDACK:
	case FO_M_CONNECTACK:
	case FO_M_POOLRESP:
	case FO_M_UPDDONE:
		return false;
	case FO_M_POOLREQ:
	case FO_M_BNDUPD:
	case FO_M_CONNECT:
	case FO_M_UPDREQALL:
	case FO_M_UPDREQ:
	case FO_M_STATE:
	case FO_M_CONTACT:
	case FO_M_DISCONNECT:
		break;
	}
	for (size_t i = 0; i < p->n_seen; i++)
		if (p->seen_xid[i] == p->rx.xid)
			return true;
	p->seen_xid[p->seen_pos] = p->rx.xid;
	p->seen_pos = (p->seen_pos + 1) % FO_REPLAY_WINDOW;
	if (p->n_seen < FO_REPLAY_WINDOW)
		p->n_seen++;
	return false;
}

void
fo_peer_connected(fo_peer *p, fo_wall now, fo_mono mono)
{
	pthread_mutex_lock(&p->lock);
	p->mono = mono;
	p->out_off = p->out_len = 0;
	p->out_failed = false;
	p->partner_receive_timer = 0;
	p->answer_upddone = false;
	p->last_error[0] = '\0';
	p->n_seen = p->seen_pos = 0;
	fo_timers_init(&p->timers);
	fo_counter_inc(&p->rt->ctr, FO_CTR_CONNECTIONS);
	arm_receive(p);
	if (p->rel->server_type == FO_PRIMARY) {
		p->conn = FO_CONN_WAIT_ACK;
		send_connect(p, now);
	} else {
		p->conn = FO_CONN_WAIT_CONNECT;
	}
	pthread_mutex_unlock(&p->lock);
}

void
fo_peer_closed(fo_peer *p, fo_wall now, fo_mono mono)
{
	fo_fsm_input in = { .event = FO_EV_COMM_FAILED, .now = now };
	bool was_up;

	pthread_mutex_lock(&p->lock);
	p->mono = mono;
	pthread_mutex_lock(&p->rt->lock);
	was_up = p->rt->fsm.comm_ok;
	pthread_mutex_unlock(&p->rt->lock);
	fo_peer_bnd_reset(p);
	p->conn = FO_CONN_IDLE;
	p->out_off = p->out_len = 0;
	fo_timers_init(&p->timers);
	if (was_up)
		event(p, &in, "communications failed");
	pthread_mutex_unlock(&p->lock);
}

/* The partner's session parameters (CONNECT, CONNECTACK). */
static void
take_parameters(fo_peer *p, const fo_wire_msg *m)
{
	uint32_t w = (m->present & FO_WIRE_BIT(FO_O_MAX_UNACKED)) ? m->max_unacked :
	    FO_DEFAULT_MAX_UNACKED_UPDATES;
	fo_flight *fl;

	if (w == 0)
		w = 1;
	if (w > FO_PEER_WINDOW_MAX)
		w = FO_PEER_WINDOW_MAX;
	if (w != p->window && p->n_fl == 0 && (fl = fo_realloc(p->fl, w * sizeof(*fl))) != NULL) {
		p->fl = fl;
		p->window = w;
	}
	p->partner_receive_timer = (m->present & FO_WIRE_BIT(FO_O_RECEIVE_TIMER)) &&
	    m->receive_timer >= 3 ? m->receive_timer : p->rel->max_response_delay;
	(void)fo_timers_arm(&p->timers, FO_TIMER_SEND, p->mono,
	    p->partner_receive_timer * 1000u / 3);
}

const char *
fo_peer_partner_dialect(const fo_wire_msg *m, char *buf, size_t len)
{
	const char *v = m->vendor_class, *d, *e;
	size_t plen = strlen(FO_PEER_VENDOR_CLASS) - 3;      /* "kea-failover-" */

	if (!(m->present & FO_WIRE_BIT(FO_O_VENDOR_CLASS)) || len == 0 ||
	    strncmp(v, FO_PEER_VENDOR_CLASS, plen) != 0 ||
	    (d = strstr(v, FO_PEER_DIALECT_TAG)) == NULL)
		return NULL;
	d += strlen(FO_PEER_DIALECT_TAG);
	if ((e = strchr(d, ')')) == NULL || e == d || (size_t)(e - d) >= len)
		return NULL;
	memcpy(buf, d, (size_t)(e - d));
	buf[e - d] = '\0';
	return buf;
}

/* A dialect this hook's partner named that is not ours: the sentence to log, else NULL. */
static const char *
dialect_mismatch(const fo_relationship *rel, const fo_wire_msg *m, bool from_primary)
{
	static _Thread_local char why[128];
	char theirs[16];
	const char *mine = fo_dialect_name(rel->dialect);

	if (fo_peer_partner_dialect(m, theirs, sizeof(theirs)) == NULL ||
	    strcmp(theirs, mine) == 0)
		return NULL;
	snprintf(why, sizeof(why), "failover dialect mismatch: the %s speaks %s, this %s %s",
	    from_primary ? "primary" : "secondary", theirs,
	    from_primary ? "secondary" : "primary", mine);
	return why;
}

fo_reject
fo_peer_check_connect(const fo_relationship *rel, const fo_hba *hba, const fo_wire_msg *m,
    fo_wall now, const char **why)
{
	const char *w = NULL;
	fo_reject r = FO_REJ_NONE;
	int64_t skew = (int64_t)m->time - now.sec;

	if (!(m->present & FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME)) ||
	    strcmp(m->relationship, rel->name) != 0) {
		r = FO_REJ_INVALID_PARTNER;
		w = "unknown failover relationship name";
	} else if ((w = dialect_mismatch(rel, m, true)) != NULL) {
		r = FO_REJ_VERSION_MISMATCH;
	} else if (!(m->present & FO_WIRE_BIT(FO_O_PROTOCOL_VERSION)) ||
	    m->protocol_version != FO_PEER_PROTOCOL_VERSION) {
		r = FO_REJ_VERSION_MISMATCH;
		w = "protocol version mismatch";
	} else if (!(m->present & FO_WIRE_BIT(FO_O_MCLT)) || m->mclt == 0 ||
	    (rel->dialect != FO_DIALECT_ISC && m->mclt != rel->mclt)) {
		r = FO_REJ_INVALID_MCLT;
		w = "MCLT missing or different from ours";
	} else if (!(m->present & FO_WIRE_BIT(FO_O_HBA)) || (rel->dialect == FO_DIALECT_DRAFT &&
	    hba != NULL && memcmp(m->hba.bits, hba->bits, FO_HBA_BYTES) != 0)) {
		r = FO_REJ_HBA_CONFLICT;
		w = "hash bucket assignment missing or different from ours";
	} else if (skew > FO_PEER_MAX_SKEW || skew < -FO_PEER_MAX_SKEW) {
		r = FO_REJ_TIME_MISMATCH;
		w = "the partner's clock differs from ours by more than 60 seconds";
	}
	if (why != NULL)
		*why = w;
	return r;
}

/*
 * A secondary of the ISC dialect takes the primary's MCLT (draft-12 7.1.1:
 * the primary's governs): the lease-time rule, the PARTNER-DOWN waits and
 * RECOVER-WAIT use it from now on, and failover-get shows it. Logged when
 * the value in force changes: WARN when it is not the configured one.
 */
static void
adopt_mclt(fo_peer *p, uint32_t mclt, fo_wall now)
{
	if (!fo_runtime_adopt_mclt(p->rt, mclt, now))
		return;
	if (mclt != p->rel->mclt)
		fo_log(p->rt->host, FO_EVT_MCLT_MISMATCH, FO_S(p->rel->name), FO_U(mclt),
		    FO_U(p->rel->mclt), FO_U(mclt));
	else
		fo_log(p->rt->host, FO_EVT_MCLT_IN_FORCE, FO_S(p->rel->name), FO_U(mclt));
}

static void
on_connect(fo_peer *p, fo_wall now)
{
	const fo_wire_msg *m = &p->rx;
	const char *why = NULL;
	char line[200];
	fo_reject r;

	if (p->rel->server_type == FO_PRIMARY || p->conn != FO_CONN_WAIT_CONNECT) {
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_PROTOCOL_ERROR, "unexpected CONNECT",
		    now);
		return;
	}
	r = fo_peer_check_connect(p->rel, &p->rt->hba, m, now, &why);
	fo_peer_msg(p, FO_M_CONNECTACK, m->xid, now);
	if (r != FO_REJ_NONE) {
		snprintf(p->tx.relationship, sizeof(p->tx.relationship), "%s", p->rel->name);
		p->tx.protocol_version = FO_PEER_PROTOCOL_VERSION;
		p->tx.reject = (uint8_t)r;
		p->tx.message = fo_wire_str(why);
		p->tx.present |= FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) |
		    FO_WIRE_BIT(FO_O_PROTOCOL_VERSION) | FO_WIRE_BIT(FO_O_REJECT_REASON) |
		    FO_WIRE_BIT(FO_O_MESSAGE);
		fo_peer_send(p, now);
		snprintf(p->last_error, sizeof(p->last_error), "CONNECT rejected: %s", why);
		snprintf(line, sizeof(line), "(reason %u): %s", (unsigned)r, why);
		warn_failure(p, now, FO_EVT_PEER_CONNECT_REJECTED, line);
		p->conn = FO_CONN_CLOSING;
		return;
	}
	/* ISC dialect: the secondary adopts the primary's HBA (reference 7) and MCLT. */
	if (p->rel->dialect == FO_DIALECT_ISC &&
	    memcmp(p->rt->hba.bits, m->hba.bits, FO_HBA_BYTES) != 0)
		p->rt->hba = m->hba;
	if (p->rel->dialect == FO_DIALECT_ISC)
		adopt_mclt(p, m->mclt, now);
	take_parameters(p, m);
	session_options(p);
	fo_peer_send(p, now);
	p->conn = FO_CONN_WAIT_STATE;
	announce(p, now);
}

static void
on_connectack(fo_peer *p, fo_wall now)
{
	const fo_wire_msg *m = &p->rx;
	const char *w;
	char why[160];

	if (p->conn != FO_CONN_WAIT_ACK) {
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_PROTOCOL_ERROR, "unexpected CONNECTACK",
		    now);
		return;
	}
	if (m->present & FO_WIRE_BIT(FO_O_REJECT_REASON)) {
		int n = (int)(m->message.len < 100 ? m->message.len : 100);

		snprintf(why, sizeof(why), "the partner rejected CONNECT: reason %u (%s)%s%.*s",
		    (unsigned)m->reject, fo_reject_name((fo_reject)m->reject) ?
		    fo_reject_name((fo_reject)m->reject) : "?", n > 0 ? ": " : "", n,
		    m->message.p != NULL ? (const char *)m->message.p : "");
		fo_peer_fail(p, FO_REJ_NONE, FO_EVT_PEER_CONNECT_REFUSED, why, now);
		return;
	}
	/* A secondary of an older version accepts a mismatch: refuse it here. */
	if ((w = dialect_mismatch(p->rel, m, false)) != NULL) {
		fo_peer_fail(p, FO_REJ_VERSION_MISMATCH, FO_EVT_PEER_DIALECT_MISMATCH, w, now);
		return;
	}
	take_parameters(p, m);
	p->conn = FO_CONN_WAIT_STATE;
	announce(p, now);
}

static void
on_state(fo_peer *p, fo_wall now)
{
	const fo_wire_msg *m = &p->rx;
	fo_fsm_input in = { .now = now };
	fo_state ps;

	if (p->conn != FO_CONN_WAIT_STATE && p->conn != FO_CONN_UP) {
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_PROTOCOL_ERROR,
		    "STATE before the connection handshake", now);
		return;
	}
	if (!(m->present & FO_WIRE_BIT(FO_O_SERVER_STATE)) ||
	    !fo_state_from_wire(m->server_state, &ps)) {
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_PROTOCOL_ERROR,
		    "STATE without a known server-state", now);
		return;
	}
	in.event = p->conn == FO_CONN_UP ? FO_EV_PARTNER_STATE : FO_EV_COMM_OK;
	in.partner_state = ps;
	in.partner_since = fo_wall_at(m->stos);
	in.partner_startup = (m->server_flags & FO_SF_STARTUP) != 0;
	p->conn = FO_CONN_UP;
	fo_log(p->rt->host, in.partner_startup ? FO_EVT_PARTNER_STARTING : FO_EVT_PARTNER_STATE,
	    FO_S(p->rel->name), FO_S(fo_state_name(ps)));
	event(p, &in, in.event == FO_EV_COMM_OK ? "communications OK" : "partner state");
}

static void
on_disconnect(fo_peer *p, fo_wall now)
{
	char why[160];
	int n = (int)(p->rx.message.len < 100 ? p->rx.message.len : 100);

	snprintf(why, sizeof(why), "the partner disconnected: reason %u%s%.*s",
	    (unsigned)p->rx.reject, n > 0 ? ", " : "", n,
	    p->rx.message.p != NULL ? (const char *)p->rx.message.p : "");
	fo_peer_fail(p, FO_REJ_NONE, FO_EVT_PEER_DISCONNECTED, why, now);
}

/* The messages allowed once the handshake is done (BNDUPD and the rest). */
static bool
talking(fo_peer *p, fo_wall now)
{
	if (p->conn == FO_CONN_UP || p->conn == FO_CONN_WAIT_STATE)
		return true;
	fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_PROTOCOL_ERROR,
	    "message before the connection handshake", now);
	return false;
}

static void
dispatch(fo_peer *p, fo_wall now)
{
	fo_fsm_input in = { .event = FO_EV_UPDDONE, .now = now };

	switch (p->rx.type) {
	case FO_M_CONNECT: on_connect(p, now); break;
	case FO_M_CONNECTACK: on_connectack(p, now); break;
	case FO_M_STATE: on_state(p, now); break;
	case FO_M_CONTACT: break;
	case FO_M_DISCONNECT: on_disconnect(p, now); break;
	case FO_M_BNDUPD:
	case FO_M_BNDACK:
		if (talking(p, now))
			fo_peer_bnd_input(p, now);
		break;
	case FO_M_UPDREQ:
	case FO_M_UPDREQALL:
		if (talking(p, now))
			fo_peer_bnd_request(p, p->rx.type == FO_M_UPDREQALL, now);
		break;
	case FO_M_UPDDONE:
		if (talking(p, now))
			event(p, &in, "UPDDONE");
		break;
	case FO_M_POOLREQ:
		if (talking(p, now))
			fo_peer_bnd_poolreq(p, now);
		break;
	case FO_M_POOLRESP:
		if (talking(p, now))
			fo_log(p->rt->host, FO_EVT_POOLRESP_RECEIVED, FO_S(p->rel->name),
			    FO_U(p->rx.addresses_transferred));
		break;
	}
}

void
fo_peer_input(fo_peer *p, const uint8_t *msg, size_t len, fo_wall now, fo_mono mono)
{
	fo_reject why = FO_REJ_NONE;
	char err[160] = "", line[200];
	fo_status st;

	pthread_mutex_lock(&p->lock);
	p->mono = mono;
	if (p->conn == FO_CONN_IDLE || p->conn == FO_CONN_CLOSING)
		goto done;
	arm_receive(p);                 /* 8.3: any message restarts tReceive */
	st = fo_wire_decode(msg, len, p->rel->dialect, p->key.len ? &p->key : NULL, &p->rx, &why,
	    err, sizeof(err));
	if (st == FO_ERR_NOTFOUND)
		goto done;              /* types 128..255 are ignored (6.1) */
	if (st != FO_OK) {
		bool auth = why == FO_REJ_MISSING_DIGEST || why == FO_REJ_DIGEST_FAILED ||
		    why == FO_REJ_DIGEST_NOT_CONFIGURED;

		if (auth)
			fo_counter_inc(&p->rt->ctr, FO_CTR_AUTH_FAILURES);
		snprintf(line, sizeof(line), "bad message from the partner: %s", err);
		fo_peer_fail(p, why != FO_REJ_NONE ? why : FO_REJ_UNKNOWN,
		    auth ? FO_EVT_PEER_AUTH_FAILED : FO_EVT_PEER_BAD_MESSAGE, line, now);
		goto done;
	}
	if (p->key.len > 0 && replayed(p, now)) {
		fo_counter_inc(&p->rt->ctr, FO_CTR_AUTH_FAILURES);
		fo_peer_fail(p, FO_REJ_UNKNOWN, FO_EVT_PEER_REPLAYED,
		    "replayed message from the partner (xid or time)", now);
		goto done;
	}
	fo_counter_inc(&p->rt->ctr, FO_CTR_MSG_RECEIVED);
	dispatch(p, now);
	if (p->conn == FO_CONN_UP)
		fo_peer_bnd_pump(p, now);
done:
	pthread_mutex_unlock(&p->lock);
}

/* ---- The loop turn ------------------------------------------------------ */

static void
conn_timers(fo_peer *p, fo_wall now, fo_mono mono)
{
	fo_timer t;

	while (fo_timers_pop_expired(&p->timers, mono, &t)) {
		if (t == FO_TIMER_RECEIVE && p->conn != FO_CONN_IDLE &&
		    p->conn != FO_CONN_CLOSING) {
			fo_peer_fail(p, FO_REJ_NO_TRAFFIC, FO_EVT_PEER_TIMEOUT,
			    "nothing received from the partner "
			    "within max-response-delay", now);
		} else if (t == FO_TIMER_SEND && (p->conn == FO_CONN_UP ||
		    p->conn == FO_CONN_WAIT_STATE)) {
			simple(p, FO_M_CONTACT, now);   /* 7.11, re-arms tSend */
		}
	}
}

void
fo_peer_run(fo_peer *p, fo_wall now, fo_mono mono)
{
	fo_step st;

	pthread_mutex_lock(&p->lock);
	p->mono = mono;
	conn_timers(p, now, mono);
	while (fo_runtime_pop_timer(p->rt, now, mono, &st))
		carry_out(p, &st, now);
	if (p->conn == FO_CONN_UP)
		fo_peer_bnd_pump(p, now);
	pthread_mutex_unlock(&p->lock);
}

bool
fo_peer_next_deadline(fo_peer *p, fo_mono *out)
{
	fo_mono a, b;
	bool ha, hb;

	pthread_mutex_lock(&p->lock);
	ha = fo_timers_next_deadline(&p->timers, &a);
	pthread_mutex_unlock(&p->lock);
	hb = fo_runtime_next_deadline(p->rt, &b);
	if (!ha && !hb)
		return false;
	*out = !hb || (ha && a.msec < b.msec) ? a : b;
	return true;
}

fo_conn
fo_peer_conn(fo_peer *p)
{
	fo_conn c;

	pthread_mutex_lock(&p->lock);
	c = p->conn;
	pthread_mutex_unlock(&p->lock);
	return c;
}

size_t
fo_peer_unacked(fo_peer *p)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->unacked;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void
fo_peer_last_error(fo_peer *p, char *buf, size_t len)
{
	pthread_mutex_lock(&p->lock);
	snprintf(buf, len, "%s", p->last_error);
	pthread_mutex_unlock(&p->lock);
}

fo_status
fo_peer_encode_reject(const fo_relationship *rel, fo_reject reason, uint32_t xid, fo_wall now,
    uint8_t *buf, size_t cap, size_t *len)
{
	fo_wire_msg *m;
	fo_status st;

	if ((m = fo_calloc(1, sizeof(*m))) == NULL)
		return FO_ERR_NOMEM;
	fo_wire_msg_init(m, FO_M_CONNECTACK, fo_wall_to_proto(now), xid);
	snprintf(m->relationship, sizeof(m->relationship), "%s", rel->name);
	m->protocol_version = FO_PEER_PROTOCOL_VERSION;
	m->reject = (uint8_t)reason;
	m->message = fo_wire_str(fo_reject_name(reason));
	m->present |= FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) | FO_WIRE_BIT(FO_O_PROTOCOL_VERSION) |
	    FO_WIRE_BIT(FO_O_REJECT_REASON) | FO_WIRE_BIT(FO_O_MESSAGE);
	st = fo_wire_encode(m, rel->dialect, NULL, buf, cap, len);
	fo_free(m);
	return st;
}
