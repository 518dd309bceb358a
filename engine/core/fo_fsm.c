/*
 * fo_fsm.c - the failover endpoint state machine, draft-12 section 9.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_fsm.h"

const char *
fo_event_name(fo_event e)
{
	switch (e) {
	case FO_EV_START: return "start";
	case FO_EV_COMM_OK: return "comm-ok";
	case FO_EV_PARTNER_STATE: return "partner-state";
	case FO_EV_COMM_FAILED: return "comm-failed";
	case FO_EV_TIMER: return "timer";
	case FO_EV_OPERATOR_PARTNER_DOWN: return "operator-partner-down";
	case FO_EV_UPDDONE: return "upddone";
	case FO_EV_SHUTDOWN: return "shutdown";
	case FO_EV_PAUSE: return "pause";
	}
	return NULL;
}

const char *
fo_action_name(fo_action_kind k)
{
	switch (k) {
	case FO_ACT_PERSIST_STATE: return "persist-state";
	case FO_ACT_SEND_STATE: return "send-state";
	case FO_ACT_SERVE_CHANGE: return "serve-change";
	case FO_ACT_TIMER_ARM: return "timer-arm";
	case FO_ACT_TIMER_CANCEL: return "timer-cancel";
	case FO_ACT_SEND_UPDREQ: return "send-updreq";
	case FO_ACT_SEND_UPDREQALL: return "send-updreqall";
	case FO_ACT_RESEND_UNACKED: return "resend-unacked";
	case FO_ACT_SEND_POOLREQ: return "send-poolreq";
	case FO_ACT_REBALANCE_POOL: return "rebalance-pool";
	}
	return NULL;
}

void
fo_fsm_ctx_init(fo_fsm_ctx *ctx, const fo_relationship *rel)
{
	if (ctx == NULL)
		return;
	*ctx = (fo_fsm_ctx){
		.state = FO_STATE_INIT,
		.saved_state = FO_STATE_NOSTATE,
		.partner_state = FO_STATE_NOSTATE,
		.type = FO_PRIMARY,
		.mclt = FO_DEFAULT_MCLT,
	};
	if (rel == NULL)
		return;
	ctx->type = rel->server_type;
	ctx->mclt = rel->mclt;
	ctx->auto_state_transition = rel->auto_state_transition;
	ctx->state_switch_interval = rel->state_switch_interval;
}

/* 9.3.2 steps 1 and 2. */
fo_state
fo_fsm_previous_state(fo_state saved)
{
	switch (saved) {
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
		return FO_STATE_RECOVER;
	case FO_STATE_NORMAL:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		return FO_STATE_COMM_INTERRUPTED;
	case FO_STATE_POTENTIAL_CONFLICT:
		return FO_STATE_RESOLUTION_INTERRUPTED;
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_RECOVER_DONE:
		return saved;
	}
	return FO_STATE_RECOVER;
}

void
fo_fsm_announce(const fo_fsm_ctx *ctx, fo_state *state, bool *startup)
{
	/* 9.3.1: in STARTUP, the previous state with the STARTUP flag. */
	*startup = ctx->state == FO_STATE_STARTUP;
	*state = *startup ? fo_fsm_previous_state(ctx->saved_state) : ctx->state;
}

/* 9.6.2: MCLT after the time this server went down. */
uint32_t
fo_fsm_recover_wait_seconds(const fo_fsm_ctx *ctx, fo_wall now)
{
	int64_t elapsed = now.sec - ctx->last_down.sec;

	if (elapsed <= 0)
		return ctx->mclt;
	if (elapsed >= (int64_t)ctx->mclt)
		return 0;
	return ctx->mclt - (uint32_t)elapsed;
}

/* 9.8.4, 9.9.3, 9.11.3: the states with an "external command" transition. */
bool
fo_fsm_operator_partner_down_ok(fo_state s, const char **reason)
{
	const char *why = NULL;

	switch (s) {
	case FO_STATE_NORMAL:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_RESOLUTION_INTERRUPTED:
		return true;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
		why = "failover is not running for this relationship";
		break;
	case FO_STATE_STARTUP:
		why = "the server is starting up; wait until it has left Startup";
		break;
	case FO_STATE_PARTNER_DOWN:
		why = "the relationship is already in PartnerDown";
		break;
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_CONFLICT_DONE:
		why = "the partner is reachable and conflict resolution is in "
		    "progress";
		break;
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_RECOVER_DONE:
		why = "this server is recovering its bindings from the partner "
		    "and cannot take over";
		break;
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		why = "this server is going out of service";
		break;
	}
	if (why == NULL)
		why = "unknown state";
	if (reason != NULL)
		*reason = why;
	return false;
}

/* One step being computed. */
struct run {
	const fo_fsm_ctx *ctx;
	const fo_fsm_input *in;
	fo_state cur;
	fo_state peer;       /* partner's state; STARTUP when flagged so */
	bool peer_known;
	bool comm_ok;        /* communications OK after the event */
	fo_step *out;
};

static void
push(struct run *r, fo_action a)
{
	if (r->out->n < FO_STEP_MAX_ACTIONS)
		r->out->act[r->out->n++] = a;
}

static void
push_kind(struct run *r, fo_action_kind k)
{
	push(r, (fo_action){ .kind = k });
}

static void
push_timer(struct run *r, fo_action_kind k, fo_timer t, uint32_t seconds)
{
	push(r, (fo_action){ .kind = k, .timer = t, .seconds = seconds });
}

/* The partner's state is not known yet or it is still starting (9.3.1, 9.4.3). */
static bool
waiting(fo_state p)
{
	return p == FO_STATE_NOSTATE || p == FO_STATE_INIT ||
	    p == FO_STATE_STARTUP;
}

/* Will the partner answer UPDREQ? Not while starting or leaving service. */
static bool
peer_ready(const struct run *r)
{
	return r->comm_ok && r->peer_known && !waiting(r->peer) &&
	    r->peer != FO_STATE_PAUSED && r->peer != FO_STATE_SHUTDOWN;
}

/* --- Communications OK: next state by the partner's state -------------- */

/* 9.9.3 */
static fo_state
ok_comm_int(fo_state p)
{
	switch (p) {
	case FO_STATE_NORMAL:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_RECOVER_DONE:
		return FO_STATE_NORMAL;
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
		return FO_STATE_POTENTIAL_CONFLICT;
	case FO_STATE_SHUTDOWN:
		return FO_STATE_PARTNER_DOWN;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_PAUSED:
		break;
	}
	return FO_STATE_COMM_INTERRUPTED;
}

/*
 * 9.8.4, 9.2: a change of the partner's state is "communications failed"
 * (-> COMM-INT) then the COMM-INT rule; partner PAUSED -> COMM-INT,
 * SHUTDOWN -> PARTNER-DOWN; partner RECOVER -> PARTNER-DOWN (reference 5, ISC).
 */
static fo_state
ok_normal(fo_state p)
{
	if (p == FO_STATE_RECOVER)
		return FO_STATE_PARTNER_DOWN;
	return ok_comm_int(p);
}

/* 9.4.3; a partner with the STARTUP flag is ignored. */
static fo_state
ok_partner_down(fo_state p)
{
	switch (p) {
	case FO_STATE_NORMAL:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_CONFLICT_DONE:
		return FO_STATE_POTENTIAL_CONFLICT;
	case FO_STATE_RECOVER_DONE:
		return FO_STATE_NORMAL;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		break;
	}
	return FO_STATE_PARTNER_DOWN;
}

/*
 * 9.11.3: contact again -> POTENTIAL-CONFLICT; a partner still starting or
 * PAUSED is no contact; partner SHUTDOWN -> PARTNER-DOWN (9.14).
 */
static fo_state
ok_resolution_interrupted(fo_state p)
{
	if (waiting(p) || p == FO_STATE_PAUSED)
		return FO_STATE_RESOLUTION_INTERRUPTED;
	if (p == FO_STATE_SHUTDOWN)
		return FO_STATE_PARTNER_DOWN;
	return FO_STATE_POTENTIAL_CONFLICT;
}

/* 9.10.3 with 9.2: communications failed (-> RESOLUTION-INTERRUPTED), then its rule. */
static fo_state
ok_potential_conflict(fo_state p)
{
	return ok_resolution_interrupted(p);
}

/* 9.12.3: NORMAL once the secondary is NORMAL; partner SHUTDOWN -> PARTNER-DOWN (9.14). */
static fo_state
ok_conflict_done(fo_state p)
{
	if (p == FO_STATE_NORMAL)
		return FO_STATE_NORMAL;
	if (p == FO_STATE_SHUTDOWN)
		return FO_STATE_PARTNER_DOWN;
	return FO_STATE_CONFLICT_DONE;
}

/* 9.5.2 */
static fo_state
ok_recover(fo_state p)
{
	if (p == FO_STATE_POTENTIAL_CONFLICT || p == FO_STATE_CONFLICT_DONE ||
	    p == FO_STATE_RESOLUTION_INTERRUPTED)
		return FO_STATE_POTENTIAL_CONFLICT;
	return FO_STATE_RECOVER;
}

/* 9.7.2; partner in conflict resolution -> POTENTIAL-CONFLICT (figure 9.2-1). */
static fo_state
ok_recover_done(fo_state p)
{
	if (p == FO_STATE_NORMAL || p == FO_STATE_RECOVER_DONE)
		return FO_STATE_NORMAL;
	if (p == FO_STATE_POTENTIAL_CONFLICT || p == FO_STATE_CONFLICT_DONE ||
	    p == FO_STATE_RESOLUTION_INTERRUPTED)
		return FO_STATE_POTENTIAL_CONFLICT;
	return FO_STATE_RECOVER_DONE;
}

static bool
never_ran(fo_state saved)
{
	return saved == FO_STATE_NOSTATE || saved == FO_STATE_INIT;
}

static bool
state_lost(const struct run *r)
{
	return r->ctx->local_state_lost ||
	    (r->cur == FO_STATE_STARTUP && never_ran(r->ctx->saved_state));
}

static fo_state ok_rule(const struct run *r, fo_state s);

/*
 * 9.3.2 step 5: become the previous state; a partner in PARTNER-DOWN since
 * after our last operation -> RECOVER, since before (or at) it ->
 * POTENTIAL-CONFLICT; a server without binding data always RECOVERs. Then
 * the COMM-OK rule of that state. A partner still starting: previous state.
 */
static fo_state
ok_startup(const struct run *r)
{
	fo_state prev = fo_fsm_previous_state(r->ctx->saved_state);

	if (waiting(r->peer))
		return prev;
	if (r->peer == FO_STATE_PARTNER_DOWN) {
		if (state_lost(r) ||
		    r->in->partner_since.sec > r->ctx->last_down.sec)
			return FO_STATE_RECOVER;
		return FO_STATE_POTENTIAL_CONFLICT;
	}
	return ok_rule(r, prev);
}

/* The COMM-OK transition of state `s` for the partner's state. */
static fo_state
ok_rule(const struct run *r, fo_state s)
{
	switch (s) {
	case FO_STATE_STARTUP:
		return ok_startup(r);
	case FO_STATE_NORMAL:
		return ok_normal(r->peer);
	case FO_STATE_COMM_INTERRUPTED:
		return ok_comm_int(r->peer);
	case FO_STATE_PARTNER_DOWN:
		return ok_partner_down(r->peer);
	case FO_STATE_POTENTIAL_CONFLICT:
		return ok_potential_conflict(r->peer);
	case FO_STATE_CONFLICT_DONE:
		return ok_conflict_done(r->peer);
	case FO_STATE_RESOLUTION_INTERRUPTED:
		return ok_resolution_interrupted(r->peer);
	case FO_STATE_RECOVER:
		return ok_recover(r->peer);
	case FO_STATE_RECOVER_DONE:
		return ok_recover_done(r->peer);
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_RECOVER_WAIT:     /* 9.6.2: only the timer moves it */
	case FO_STATE_PAUSED:           /* 9.13.2, 9.14.3: left by restarting */
	case FO_STATE_SHUTDOWN:
		break;
	}
	return s;
}

/* --- Events that every state treats alike ------------------------------ */

static fo_state
on_start(const struct run *r)
{
	/* 9.1 */
	if (r->cur == FO_STATE_NOSTATE || r->cur == FO_STATE_INIT)
		return FO_STATE_STARTUP;
	return r->cur;
}

static fo_state
on_comm_failed(const struct run *r)
{
	switch (r->cur) {
	case FO_STATE_NORMAL:                   /* 9.8.4 */
		return FO_STATE_COMM_INTERRUPTED;
	case FO_STATE_POTENTIAL_CONFLICT:       /* 9.10.3 */
		return FO_STATE_RESOLUTION_INTERRUPTED;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:                  /* 9.3.2 step 6: the timer decides */
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:             /* 9.4.2 */
	case FO_STATE_CONFLICT_DONE:            /* 9.12.3 */
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER:                  /* 9.5.2 */
	case FO_STATE_RECOVER_WAIT:             /* 9.6.2 */
	case FO_STATE_RECOVER_DONE:             /* 9.7.2 */
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		break;
	}
	return r->cur;
}

static fo_state
on_operator(struct run *r)
{
	if (fo_fsm_operator_partner_down_ok(r->cur, &r->out->reason))
		return FO_STATE_PARTNER_DOWN;
	r->out->refused = true;
	return r->cur;
}

/* 9.13, 9.14: any started state can leave service. */
static fo_state
on_leave_service(const struct run *r, fo_state to)
{
	if (r->cur == FO_STATE_NOSTATE || r->cur == FO_STATE_INIT ||
	    r->cur == FO_STATE_SHUTDOWN || r->cur == to)
		return r->cur;
	return to;
}

static fo_state
on_common(struct run *r)
{
	switch (r->in->event) {
	case FO_EV_START:
		return on_start(r);
	case FO_EV_COMM_OK:
	case FO_EV_PARTNER_STATE:
		return ok_rule(r, r->cur);
	case FO_EV_COMM_FAILED:
		return on_comm_failed(r);
	case FO_EV_OPERATOR_PARTNER_DOWN:
		return on_operator(r);
	case FO_EV_SHUTDOWN:
		return on_leave_service(r, FO_STATE_SHUTDOWN);
	case FO_EV_PAUSE:
		return on_leave_service(r, FO_STATE_PAUSED);
	case FO_EV_TIMER:
	case FO_EV_UPDDONE:
		break;
	}
	return r->cur;
}

/* --- Per-state events: timers and UPDDONE ------------------------------ */

static fo_state
st_startup(struct run *r)
{
	/* 9.3.2 step 6: at the end of the startup time, the previous state. */
	if (r->in->event == FO_EV_TIMER && r->in->timer == FO_TIMER_STARTUP)
		return fo_fsm_previous_state(r->ctx->saved_state);
	return on_common(r);
}

static fo_state
st_comm_int(struct run *r)
{
	/* 9.9.3, 10: the safe period expired. */
	if (r->in->event == FO_EV_TIMER &&
	    r->in->timer == FO_TIMER_STATE_SWITCH &&
	    r->ctx->auto_state_transition)
		return FO_STATE_PARTNER_DOWN;
	return on_common(r);
}

static fo_state
st_potential_conflict(struct run *r)
{
	/* 9.10.3: the primary -> CONFLICT-DONE, the secondary -> NORMAL. */
	if (r->in->event == FO_EV_UPDDONE)
		return r->ctx->type == FO_PRIMARY ?
		    FO_STATE_CONFLICT_DONE : FO_STATE_NORMAL;
	return on_common(r);
}

static fo_state
st_recover(struct run *r)
{
	/* 9.5.2 */
	if (r->in->event == FO_EV_UPDDONE)
		return FO_STATE_RECOVER_WAIT;
	return on_common(r);
}

static fo_state
st_recover_wait(struct run *r)
{
	/* 9.6.2 */
	if (r->in->event == FO_EV_TIMER &&
	    r->in->timer == FO_TIMER_RECOVER_WAIT)
		return FO_STATE_RECOVER_DONE;
	return on_common(r);
}

/* --- Carrying out a step ----------------------------------------------- */

/* The timer a state owns, FO_TIMER_COUNT for none. */
static fo_timer
state_timer(fo_state s)
{
	switch (s) {
	case FO_STATE_STARTUP:
		return FO_TIMER_STARTUP;
	case FO_STATE_COMM_INTERRUPTED:
		return FO_TIMER_STATE_SWITCH;
	case FO_STATE_RECOVER_WAIT:
		return FO_TIMER_RECOVER_WAIT;
	case FO_STATE_NORMAL:
		return FO_TIMER_POOL_REBALANCE;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_DONE:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		break;
	}
	return (fo_timer)FO_TIMER_COUNT;
}

/* 9.5.2: RECOVER asks for the bindings it lacks. */
static void
send_recover_request(struct run *r)
{
	if (peer_ready(r))
		push_kind(r, state_lost(r) ?
		    FO_ACT_SEND_UPDREQALL : FO_ACT_SEND_UPDREQ);
}

/*
 * 9.10.1: the primary sends UPDREQ on entering POTENTIAL-CONFLICT; 9.10.3:
 * the secondary once the primary is in CONFLICT-DONE.
 */
static void
send_conflict_request(struct run *r)
{
	if (!r->comm_ok)
		return;
	if (r->ctx->type == FO_PRIMARY ||
	    (r->peer_known && r->peer == FO_STATE_CONFLICT_DONE))
		push_kind(r, FO_ACT_SEND_UPDREQ);
}

/* Entry actions of the state entered. */
static void
enter(struct run *r, fo_state next)
{
	switch (next) {
	case FO_STATE_STARTUP:                  /* 9.3.2 step 3 */
		push_timer(r, FO_ACT_TIMER_ARM, FO_TIMER_STARTUP,
		    FO_STARTUP_SECONDS);
		break;
	case FO_STATE_COMM_INTERRUPTED:         /* 9.9.1 */
		if (r->ctx->auto_state_transition &&
		    r->ctx->state_switch_interval > 0)
			push_timer(r, FO_ACT_TIMER_ARM, FO_TIMER_STATE_SWITCH,
			    r->ctx->state_switch_interval);
		break;
	case FO_STATE_RECOVER_WAIT:             /* 9.6.2 */
		push_timer(r, FO_ACT_TIMER_ARM, FO_TIMER_RECOVER_WAIT,
		    fo_fsm_recover_wait_seconds(r->ctx, r->in->now));
		break;
	case FO_STATE_NORMAL:                   /* 9.8.1 */
		push_timer(r, FO_ACT_TIMER_ARM, FO_TIMER_POOL_REBALANCE,
		    FO_POOL_REBALANCE_SECONDS);
		push_kind(r, FO_ACT_RESEND_UNACKED);
		if (r->ctx->type == FO_SECONDARY)
			push_kind(r, FO_ACT_SEND_POOLREQ);
		break;
	case FO_STATE_POTENTIAL_CONFLICT:
		send_conflict_request(r);
		break;
	case FO_STATE_RECOVER:
		send_recover_request(r);
		break;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_PARTNER_DOWN:             /* 9.4.1: nothing */
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER_DONE:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		break;
	}
}

/*
 * What stable storage records on entering `next`: the state itself, or
 * the state to restart from when entering STARTUP (the saved one, 9.3.2),
 * PAUSED or SHUTDOWN (the one before, 9.13.1, 9.14.1). Leaving STARTUP for
 * the saved state itself (a restart that continues it) keeps its start time.
 */
static fo_action
record(const struct run *r, fo_state next)
{
	const fo_fsm_ctx *c = r->ctx;
	bool leaving = next == FO_STATE_PAUSED || next == FO_STATE_SHUTDOWN;
	fo_action a = { .kind = FO_ACT_PERSIST_STATE, .state = next,
	    .since = r->in->now };

	if (next == FO_STATE_STARTUP || (leaving &&
	    (r->cur == FO_STATE_STARTUP || r->cur == FO_STATE_PAUSED)) ||
	    (r->cur == FO_STATE_STARTUP && next == c->saved_state &&
	    next == fo_fsm_previous_state(c->saved_state))) {
		a.state = c->saved_state;
		a.since = c->saved_since;
	} else if (leaving) {
		a.state = r->cur;
		a.since = c->state_since;
	}
	return a;
}

/* 9.2: record, then announce (9.3.1: STARTUP announces the previous state). */
static void
transition(struct run *r, fo_state next)
{
	const fo_fsm_ctx *c = r->ctx;
	fo_action rec = record(r, next);
	fo_action ann = { .kind = FO_ACT_SEND_STATE, .state = next,
	    .since = rec.state == next ? rec.since : r->in->now };
	fo_timer t;

	if (next == FO_STATE_STARTUP) {
		ann.state = fo_fsm_previous_state(c->saved_state);
		ann.since = c->saved_since;
		ann.startup = true;
	}
	push(r, rec);
	if (r->comm_ok)
		push(r, ann);
	push_kind(r, FO_ACT_SERVE_CHANGE);
	if (next == FO_STATE_PAUSED || next == FO_STATE_SHUTDOWN) {
		push_timer(r, FO_ACT_TIMER_CANCEL, FO_TIMER_STARTUP, 0);
		push_timer(r, FO_ACT_TIMER_CANCEL, FO_TIMER_STATE_SWITCH, 0);
		push_timer(r, FO_ACT_TIMER_CANCEL, FO_TIMER_RECOVER_WAIT, 0);
		push_timer(r, FO_ACT_TIMER_CANCEL, FO_TIMER_POOL_REBALANCE, 0);
	} else if ((t = state_timer(r->cur)) != FO_TIMER_COUNT)
		push_timer(r, FO_ACT_TIMER_CANCEL, t, 0);
	enter(r, next);
}

/* Actions of a step that keeps the state. */
static void
stay(struct run *r)
{
	const fo_fsm_ctx *c = r->ctx;
	fo_event ev = r->in->event;
	bool fresh = ev == FO_EV_COMM_OK || ev == FO_EV_PARTNER_STATE;
	bool was_waiting = !c->partner_known || c->partner_startup ||
	    waiting(c->partner_state);

	switch (r->cur) {
	case FO_STATE_RECOVER:
		/* 9.5.2: (re-)issue the request once the partner can answer. */
		if (ev == FO_EV_COMM_OK ||
		    (ev == FO_EV_PARTNER_STATE && was_waiting))
			send_recover_request(r);
		break;
	case FO_STATE_POTENTIAL_CONFLICT:
		/* 9.10.1, 9.10.3 */
		if (ev == FO_EV_COMM_OK || (ev == FO_EV_PARTNER_STATE &&
		    r->ctx->type == FO_SECONDARY &&
		    (!c->partner_known ||
		    c->partner_state != FO_STATE_CONFLICT_DONE)))
			send_conflict_request(r);
		break;
	case FO_STATE_NORMAL:
		if (ev != FO_EV_TIMER ||
		    r->in->timer != FO_TIMER_POOL_REBALANCE)
			break;
		push_kind(r, c->type == FO_SECONDARY ?
		    FO_ACT_SEND_POOLREQ : FO_ACT_REBALANCE_POOL);
		push_timer(r, FO_ACT_TIMER_ARM, FO_TIMER_POOL_REBALANCE,
		    FO_POOL_REBALANCE_SECONDS);
		break;
	case FO_STATE_SHUTDOWN:
		/* 9.14.2: the partner took over: restart in RECOVER. */
		if (fresh && r->peer == FO_STATE_PARTNER_DOWN &&
		    c->saved_state != FO_STATE_RECOVER)
			push(r, (fo_action){ .kind = FO_ACT_PERSIST_STATE,
			    .state = FO_STATE_RECOVER, .since = r->in->now });
		break;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_RECOVER_DONE:
	case FO_STATE_PAUSED:
		break;
	}
}

static fo_state
dispatch(struct run *r)
{
	switch (r->cur) {
	case FO_STATE_STARTUP:
		return st_startup(r);
	case FO_STATE_COMM_INTERRUPTED:
		return st_comm_int(r);
	case FO_STATE_POTENTIAL_CONFLICT:
		return st_potential_conflict(r);
	case FO_STATE_RECOVER:
		return st_recover(r);
	case FO_STATE_RECOVER_WAIT:
		return st_recover_wait(r);
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_NORMAL:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_CONFLICT_DONE:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_RECOVER_DONE:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		break;
	}
	return on_common(r);
}

static bool
state_ok(fo_state s)
{
	return (unsigned)s < FO_STATE_COUNT;
}

void
fo_fsm_step(const fo_fsm_ctx *ctx, const fo_fsm_input *in, fo_step *out)
{
	struct run r = { .ctx = ctx, .in = in, .out = out };
	fo_state next;
	bool fresh;

	if (out == NULL)
		return;
	*out = (fo_step){ .next = ctx != NULL && state_ok(ctx->state) ?
	    ctx->state : FO_STATE_NOSTATE };
	if (ctx == NULL || in == NULL || !state_ok(ctx->state) ||
	    (unsigned)in->event >= FO_EVENT_COUNT)
		return;
	r.cur = ctx->state;
	fresh = in->event == FO_EV_COMM_OK || in->event == FO_EV_PARTNER_STATE;
	if (fresh) {
		r.peer_known = true;
		r.peer = in->partner_startup || !state_ok(in->partner_state) ?
		    FO_STATE_STARTUP : in->partner_state;
		r.comm_ok = true;
	} else {
		r.peer_known = ctx->partner_known;
		r.peer = ctx->partner_startup || !state_ok(ctx->partner_state) ?
		    FO_STATE_STARTUP : ctx->partner_state;
		r.comm_ok = in->event != FO_EV_COMM_FAILED && ctx->comm_ok;
	}
	if (!r.peer_known)
		r.peer = FO_STATE_NOSTATE;

	next = dispatch(&r);
	/* 9.7.2: entering RECOVER-DONE when the partner already allows more. */
	if (next == FO_STATE_RECOVER_DONE && r.cur != next && r.comm_ok &&
	    r.peer_known)
		next = ok_recover_done(r.peer);
	out->next = next;
	out->changed = next != r.cur;
	if (out->changed)
		transition(&r, next);
	else
		stay(&r);
}

void
fo_fsm_commit(fo_fsm_ctx *ctx, const fo_fsm_input *in, const fo_step *st)
{
	fo_state old;

	if (ctx == NULL || in == NULL || st == NULL)
		return;
	old = ctx->state;
	for (size_t i = 0; i < st->n && i < FO_STEP_MAX_ACTIONS; i++) {
		if (st->act[i].kind != FO_ACT_PERSIST_STATE)
			continue;
		ctx->saved_state = st->act[i].state;
		ctx->saved_since = st->act[i].since;
	}
	switch (in->event) {
	case FO_EV_START:
		if (st->changed && never_ran(ctx->saved_state))
			ctx->local_state_lost = true;
		break;
	case FO_EV_COMM_OK:
	case FO_EV_PARTNER_STATE:
		ctx->partner_state = in->partner_state;
		ctx->partner_startup = in->partner_startup;
		ctx->partner_known = true;
		ctx->comm_ok = true;
		break;
	case FO_EV_COMM_FAILED:
		ctx->partner_known = false;
		ctx->comm_ok = false;
		break;
	case FO_EV_UPDDONE:
		if (old == FO_STATE_RECOVER && st->changed)
			ctx->local_state_lost = false;
		break;
	case FO_EV_TIMER:
	case FO_EV_OPERATOR_PARTNER_DOWN:
	case FO_EV_SHUTDOWN:
	case FO_EV_PAUSE:
		break;
	}
	if (st->changed) {
		ctx->state = st->next;
		ctx->state_since = in->now;
		if (ctx->saved_state == st->next)
			ctx->state_since = ctx->saved_since;
	}
}

fo_status
fo_fsm_apply_timers(fo_timers *t, const fo_step *st, fo_mono now)
{
	fo_status rc = FO_OK;

	if (t == NULL || st == NULL || st->n > FO_STEP_MAX_ACTIONS)
		return FO_ERR_INVAL;
	for (size_t i = 0; i < st->n; i++) {
		const fo_action *a = &st->act[i];

		switch (a->kind) {
		case FO_ACT_TIMER_ARM:
			if (fo_timers_arm_s(t, a->timer, now, a->seconds) != FO_OK)
				rc = FO_ERR_INVAL;
			break;
		case FO_ACT_TIMER_CANCEL:
			if ((unsigned)a->timer >= FO_TIMER_COUNT)
				rc = FO_ERR_INVAL;
			else
				fo_timers_cancel(t, a->timer);
			break;
		case FO_ACT_PERSIST_STATE:
		case FO_ACT_SEND_STATE:
		case FO_ACT_SERVE_CHANGE:
		case FO_ACT_SEND_UPDREQ:
		case FO_ACT_SEND_UPDREQALL:
		case FO_ACT_RESEND_UNACKED:
		case FO_ACT_SEND_POOLREQ:
		case FO_ACT_REBALANCE_POOL:
			break;
		}
	}
	return rc;
}
