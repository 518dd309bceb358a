/*
 * fo_runtime.c - one failover relationship at run time.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fo_alloc.h"
#include "fo_file.h"
#include "fo_log.h"
#include "fo_runtime.h"

#define FO_LAST_OPERATION_SECONDS 60    /* save last_operation at most this often */

fo_status
fo_runtime_init(fo_runtime *rt, const fo_relationship *rel, const char *state_dir,
    const fo_host *host, char *err, size_t errlen)
{
	char dn[3 * FO_NAME_MAX + 1];
	int n;

	memset(rt, 0, sizeof(*rt));
	rt->host = host;
	if (fo_hba_from_percent(&rt->hba, fo_relationship_primary_bucket_percent(rel)) != FO_OK)
		return FO_ERR_INVAL;
	atomic_init(&rt->state, FO_STATE_INIT);
	atomic_init(&rt->partner_down_since, 0);
	atomic_init(&rt->driven, false);
	atomic_init(&rt->unacked, 0);
	atomic_init(&rt->mclt, rel->mclt);
	for (int i = 0; i < FO_COUNTER_COUNT; i++)
		atomic_init(&rt->ctr.c[i], 0);
	fo_timers_init(&rt->timers);
	fo_fsm_ctx_init(&rt->fsm, rel);
	if (state_dir == NULL || state_dir[0] == '\0')
		state_dir = FO_DEFAULT_STATE_DIR;
	fo_store_dirname(rel->name, dn, sizeof(dn));
	n = snprintf(rt->dir, sizeof(rt->dir), "%s/%s", state_dir, dn);
	if (n < 0 || (size_t)n >= sizeof(rt->dir) || (size_t)n + 7 >= sizeof(rt->state_path)) {
		fo_errf(err, errlen, "relationship %s: state directory path too long", rel->name);
		return FO_ERR_CONFIG;
	}
	memcpy(rt->state_path, rt->dir, (size_t)n);
	memcpy(rt->state_path + n, "/state", 7);
	n = snprintf(rt->stat_prefix, sizeof(rt->stat_prefix), "failover.%s.", rel->name);
	rt->stat_prefix_len = n < 0 ? 0 : (size_t)n < sizeof(rt->stat_prefix) ? (size_t)n :
	    sizeof(rt->stat_prefix) - 1;
	if (pthread_mutex_init(&rt->lock, NULL) != 0)
		return FO_ERR_NOMEM;
	rt->rel = rel;          /* set last: fo_runtime_fini() skips a runtime without it */
	return FO_OK;
}

void
fo_runtime_set_scopes(fo_runtime *rt, fo_scope **scopes, size_t n)
{
	for (size_t i = 0; i < rt->n_scopes; i++)
		fo_scope_close(rt->scopes[i]);
	fo_free(rt->scopes);
	rt->scopes = scopes;
	rt->n_scopes = n;
}

void
fo_runtime_set_closed(fo_runtime *rt, fo_closed_scope *closed, size_t n)
{
	fo_free(rt->closed);
	rt->closed = closed;
	rt->n_closed = n;
}

void
fo_runtime_fini(fo_runtime *rt)
{
	if (rt == NULL || rt->rel == NULL)
		return;
	fo_runtime_set_scopes(rt, NULL, 0);
	fo_runtime_set_closed(rt, NULL, 0);
	pthread_mutex_destroy(&rt->lock);
	rt->rel = NULL;
}

fo_status
fo_runtime_journal_path(const fo_runtime *rt, fo_ip4 s, char *out, size_t len)
{
	char a[16];
	int n;

	fo_ip4_str(s, a, sizeof(a));
	n = snprintf(out, len, "%s/scope-%s.jnl", rt->dir, a);

	return n < 0 || (size_t)n >= len ? FO_ERR_RANGE : FO_OK;
}

/* Write the state file; rt->saved follows only on success. */
static fo_status
persist(fo_runtime *rt, fo_state s, fo_wall since, fo_wall now, char *err, size_t errlen)
{
	uint32_t mclt = atomic_load(&rt->mclt);
	fo_saved_state sv = { .state = s, .since = since, .partner_state = rt->fsm.partner_state,
	    .partner_since = rt->partner_since, .last_operation = now,
	    .mclt = mclt != rt->rel->mclt ? mclt : 0, .valid = true };
	char why[256] = "";
	fo_status st;

	if ((st = fo_file_mkdir_p(rt->dir, why, sizeof(why))) == FO_OK)
		st = fo_state_save(rt->state_path, &sv, why, sizeof(why));
	if (st != FO_OK) {
		fo_counter_inc(&rt->ctr, FO_CTR_STORE_ERRORS);
		fo_log(rt->host, FO_EVT_STATE_SAVE_FAILED, FO_S(rt->rel->name),
		    FO_S(fo_state_name(s)), FO_S(why[0] ? why : fo_status_name(st)));
		fo_errf(err, errlen, "relationship %s: cannot save its state in %s: %s",
		    rt->rel->name, rt->state_path, why[0] ? why : fo_status_name(st));
		return st;
	}
	rt->saved = sv;
	return FO_OK;
}

/* Make the state visible to the packet path (after it was persisted). */
static void
publish(fo_runtime *rt, fo_state s)
{
	if (s == FO_STATE_PARTNER_DOWN)
		atomic_store_explicit(&rt->partner_down_since, rt->fsm.state_since.sec,
		    memory_order_relaxed);
	atomic_store_explicit(&rt->state, (int)s, memory_order_release);
}

/* The monotonic time to arm timers with: real after the first tick, else relative. */
static fo_mono
cur_mono(const fo_runtime *rt, fo_wall now)
{
	if (rt->mono_known)
		return rt->last_mono;
	return fo_mono_at((now.sec - rt->mono_base_wall.sec) * 1000);
}

/*
 * One event through the state machine (fo_fsm.h, the driver's loop):
 * step, persist first (a failed write stops here: nothing committed,
 * nothing announced), commit, timers, publish. The protocol actions
 * (SEND_STATE, UPDREQ, POOLREQ, ...) belong to the connection driver.
 */
static fo_status
drive_step(fo_runtime *rt, const fo_fsm_input *in, const char *why, fo_step *out, char *err,
    size_t errlen)
{
	fo_state old = rt->fsm.state;
	fo_status st;
	fo_step step;

	fo_fsm_step(&rt->fsm, in, &step);
	if (out != NULL)
		*out = step;
	for (size_t i = 0; i < step.n; i++) {
		const fo_action *a = &step.act[i];

		if (a->kind != FO_ACT_PERSIST_STATE)
			continue;
		if ((st = persist(rt, a->state, a->since, in->now, err, errlen)) != FO_OK)
			return st;
	}
	fo_fsm_commit(&rt->fsm, in, &step);
	(void)fo_fsm_apply_timers(&rt->timers, &step, cur_mono(rt, in->now));
	if (step.changed) {
		publish(rt, step.next);
		fo_counter_inc(&rt->ctr, FO_CTR_STATE_TRANSITIONS);
		fo_log(rt->host, FO_EVT_STATE_CHANGED, FO_S(rt->rel->name), FO_S(fo_state_name(old)),
		    FO_S(fo_state_name(step.next)), FO_S(why));
	}
	return FO_OK;
}

static fo_status
drive(fo_runtime *rt, const fo_fsm_input *in, const char *why, char *err, size_t errlen)
{
	return drive_step(rt, in, why, NULL, err, errlen);
}

fo_status
fo_runtime_event(fo_runtime *rt, const fo_fsm_input *in, const char *why, fo_step *out,
    char *err, size_t errlen)
{
	fo_status st;

	pthread_mutex_lock(&rt->lock);
	if (in->event == FO_EV_COMM_OK || in->event == FO_EV_PARTNER_STATE)
		rt->partner_since = in->partner_since;
	st = drive_step(rt, in, why, out, err, errlen);
	pthread_mutex_unlock(&rt->lock);
	if (st != FO_OK && out != NULL)
		out->n = 0;
	return st;
}

/*
 * After a clean stop (config-reload, orderly restart) no more than this many
 * seconds ago, the saved state is resumed as it was: the server never stopped
 * serving for longer than a reload, the partner cannot have taken over its
 * addresses (that needs MCLT), and the connection tells it the partner's
 * state again. After a crash there is no clean-stop marker: Startup, as
 * draft-12 section 9.3 says.
 */
#define FO_RESUME_SECONDS 10

static void seam_timers(fo_runtime *rt, fo_state s, fo_wall now);

static bool
resumable(const fo_runtime *rt, const fo_saved_state *sv, fo_wall now)
{
	fo_wall stopped;

	if (!fo_clean_stop_take(rt->state_path, &stopped) || !sv->valid)
		return false;
	if (now.sec < stopped.sec || now.sec - stopped.sec > FO_RESUME_SECONDS)
		return false;
	return sv->state != FO_STATE_NOSTATE && sv->state != FO_STATE_INIT &&
	    sv->state != FO_STATE_STARTUP;
}

/* Called with rt->lock held: the saved state again, with its start time. */
static fo_status
resume(fo_runtime *rt, const fo_saved_state *sv, fo_wall now, char *err, size_t errlen)
{
	fo_status st;

	if ((st = persist(rt, sv->state, sv->since, now, err, errlen)) != FO_OK)
		return st;
	rt->fsm.state = sv->state;
	rt->fsm.state_since = sv->since;
	rt->started = true;
	seam_timers(rt, sv->state, now);
	publish(rt, sv->state);
	fo_log(rt->host, FO_EVT_STATE_RESUMED, FO_S(rt->rel->name), FO_S(fo_state_name(sv->state)),
	    FO_S(fo_state_name(sv->partner_state)));
	return FO_OK;
}

fo_status
fo_runtime_stop_clean(fo_runtime *rt, fo_wall now, char *err, size_t errlen)
{
	fo_status st = FO_OK;

	pthread_mutex_lock(&rt->lock);
	if (rt->started &&
	    (st = persist(rt, rt->fsm.state, rt->fsm.state_since, now, err, errlen)) == FO_OK)
		st = fo_clean_stop_save(rt->state_path, now, err, errlen);
	pthread_mutex_unlock(&rt->lock);
	return st;
}

/*
 * A scope lost its bindings (fo_runtime.h): start as a server without
 * binding data whose restart state is RECOVER (saved so at once), asking
 * the partner for every binding (UPDREQALL), and waiting a full MCLT from
 * now in RECOVER-WAIT (draft-12 9.5, 9.6: the time it lost them is unknown).
 */
static void
lost_bindings(fo_runtime *rt, fo_wall now)
{
	rt->fsm.saved_state = FO_STATE_RECOVER;
	rt->fsm.saved_since = now;
	rt->fsm.local_state_lost = true;
	rt->fsm.last_down = now;
}

/*
 * Called with rt->lock held. A secondary of the ISC dialect restarts with the
 * primary's MCLT it last adopted, as dhcpd keeps it in its lease file: until
 * the next CONNECT its leases and its PARTNER-DOWN waits must keep to the
 * bound the primary keeps to, not to its own configured one.
 */
static void
restore_mclt(fo_runtime *rt, uint32_t mclt)
{
	if (rt->rel->dialect != FO_DIALECT_ISC || rt->rel->server_type != FO_SECONDARY ||
	    mclt == rt->rel->mclt)
		return;
	rt->fsm.mclt = mclt;
	atomic_store(&rt->mclt, mclt);
	fo_log(rt->host, FO_EVT_MCLT_RESTORED, FO_S(rt->rel->name), FO_U(mclt),
	    FO_U(rt->rel->mclt));
}

bool
fo_runtime_adopt_mclt(fo_runtime *rt, uint32_t mclt, fo_wall now)
{
	bool changed;

	pthread_mutex_lock(&rt->lock);
	changed = atomic_load(&rt->mclt) != mclt;
	rt->fsm.mclt = mclt;
	atomic_store(&rt->mclt, mclt);
	/* Saved at once: a kill -9 before the next state change must not forget it. */
	if (changed && rt->started && rt->saved.valid)
		(void)persist(rt, rt->saved.state, rt->saved.since, now, NULL, 0);
	pthread_mutex_unlock(&rt->lock);
	return changed;
}

fo_status
fo_runtime_start(fo_runtime *rt, fo_wall now, char *err, size_t errlen)
{
	fo_fsm_input in = { .event = FO_EV_START, .now = now };
	fo_saved_state sv;
	char why[256] = "";
	fo_status st = FO_OK;

	pthread_mutex_lock(&rt->lock);
	if (rt->started)
		goto done;
	rt->discontinuity = now;
	rt->mono_base_wall = now;
	if (fo_state_load(rt->state_path, &sv, why, sizeof(why)) != FO_OK) {
		fo_log(rt->host, FO_EVT_STATE_UNREADABLE, FO_S(rt->rel->name), FO_S(why));
		memset(&sv, 0, sizeof(sv));
	}
	if (sv.valid) {
		rt->saved = sv;
		rt->fsm.saved_state = sv.state;
		rt->fsm.saved_since = sv.since;
		rt->fsm.partner_state = sv.partner_state;
		rt->partner_since = sv.partner_since;
		rt->fsm.last_down = sv.last_operation.sec != 0 ? sv.last_operation : sv.since;
	}
	if (sv.valid && sv.mclt != 0)
		restore_mclt(rt, sv.mclt);
	/* Restarting in RECOVER, what the journals hold may be partial: ask for everything. */
	if (sv.valid && sv.state == FO_STATE_RECOVER)
		rt->fsm.local_state_lost = true;
	if (rt->bindings_lost)
		lost_bindings(rt, now);
	if (resumable(rt, &sv, now) && !rt->bindings_lost) {
		st = resume(rt, &sv, now, err, errlen);
		goto done;
	}
	if ((st = drive(rt, &in, "start", err, errlen)) == FO_OK)
		rt->started = true;
done:
	pthread_mutex_unlock(&rt->lock);
	return st;
}

fo_state
fo_runtime_state(fo_runtime *rt)
{
	return (fo_state)atomic_load_explicit(&rt->state, memory_order_acquire);
}

void
fo_runtime_view(fo_runtime *rt, fo_serve_view *v)
{
	v->state = fo_runtime_state(rt);
	v->partner_down_since = fo_wall_at(atomic_load_explicit(&rt->partner_down_since,
	    memory_order_relaxed));
	v->type = rt->rel->server_type;
	v->mode = rt->rel->mode;
	v->role = rt->rel->server_role;
	v->hba = &rt->hba;
	v->lb_max_seconds = rt->rel->mode == FO_MODE_LOAD_BALANCE ?
	    rt->rel->load_balance_max_seconds : 0;
	v->mclt = atomic_load_explicit(&rt->mclt, memory_order_relaxed);
}

/* The first tick gives the real monotonic clock: move deadlines armed before it. */
static void
rebase_timers(fo_runtime *rt, fo_wall now, fo_mono mono)
{
	int64_t off;

	if (!rt->mono_known) {
		off = mono.msec - (now.sec - rt->mono_base_wall.sec) * 1000;
		for (int i = 0; i < FO_TIMER_COUNT; i++)
			if (rt->timers.slot[i].armed)
				rt->timers.slot[i].deadline.msec += off;
		rt->mono_known = true;
	}
	rt->last_mono = mono;
}

static void
tick_fsm(fo_runtime *rt, fo_wall now, fo_mono mono)
{
	fo_fsm_input in = { .event = FO_EV_TIMER, .now = now };
	fo_timer t;
	char why[64];

	pthread_mutex_lock(&rt->lock);
	rebase_timers(rt, now, mono);
	while (rt->started && !atomic_load(&rt->driven) &&
	    fo_timers_pop_expired(&rt->timers, mono, &t)) {
		in.timer = t;
		snprintf(why, sizeof(why), "%s timer", fo_timer_name(t));
		if (drive(rt, &in, why, NULL, 0) != FO_OK) {
			/* Not persisted, not taken: try again on the next tick. */
			(void)fo_timers_arm(&rt->timers, t, mono, 1000);
			break;
		}
	}
	if (rt->started && rt->saved.valid &&
	    now.sec - rt->saved.last_operation.sec >= FO_LAST_OPERATION_SECONDS)
		(void)persist(rt, rt->saved.state, rt->saved.since, now, NULL, 0);
	pthread_mutex_unlock(&rt->lock);
}

static void
stat_set(const fo_runtime *rt, const char *leaf, int64_t v)
{
	char name[FO_NAME_MAX + 64];
	size_t n = strlen(leaf);

	/* Every second for each statistic: the prefix is made once (fo_runtime_init). */
	if (rt->stat_prefix_len + n >= sizeof(name))
		return;                 /* cannot happen: leaves are short */
	memcpy(name, rt->stat_prefix, rt->stat_prefix_len);
	memcpy(name + rt->stat_prefix_len, leaf, n + 1);
	rt->host->stat_set(rt->host->ctx, name, v);
}

/* Kea statistics: ownership counts and counters of the relationship. */
static void
publish_stats(fo_runtime *rt)
{
	fo_scope_counts sc;
	uint64_t n[FO_BS_MAX + 1] = { 0 }, total = 0;
	bool prim = rt->rel->server_type == FO_PRIMARY;

	if (rt->host == NULL || rt->host->stat_set == NULL)
		return;
	for (size_t i = 0; i < rt->n_scopes; i++) {
		fo_scope_counts_get(rt->scopes[i], &sc);
		total += sc.total;
		for (int k = 1; k <= FO_BS_MAX; k++)
			n[k] += sc.by_state[k];
	}
	stat_set(rt, "total", (int64_t)total);
	stat_set(rt, "free-mine", (int64_t)n[prim ? FO_BS_FREE : FO_BS_BACKUP]);
	stat_set(rt, "free-partner", (int64_t)n[prim ? FO_BS_BACKUP : FO_BS_FREE]);
	stat_set(rt, "active", (int64_t)n[FO_BS_ACTIVE]);
	stat_set(rt, "expired", (int64_t)n[FO_BS_EXPIRED]);
	stat_set(rt, "released", (int64_t)n[FO_BS_RELEASED]);
	stat_set(rt, "abandoned", (int64_t)n[FO_BS_ABANDONED]);
	stat_set(rt, "reset", (int64_t)n[FO_BS_RESET]);
	for (int k = 0; k < FO_COUNTER_COUNT; k++)
		stat_set(rt, fo_counter_name((fo_counter)k),
		    (int64_t)fo_counter_get(&rt->ctr, (fo_counter)k));
}

bool
fo_runtime_pop_timer(fo_runtime *rt, fo_wall now, fo_mono mono, fo_step *out)
{
	fo_fsm_input in = { .event = FO_EV_TIMER, .now = now };
	bool fired = false;
	fo_timer t;
	char why[64];

	pthread_mutex_lock(&rt->lock);
	rebase_timers(rt, now, mono);
	if (rt->started && fo_timers_pop_expired(&rt->timers, mono, &t)) {
		in.timer = t;
		snprintf(why, sizeof(why), "%s timer", fo_timer_name(t));
		if (drive_step(rt, &in, why, out, NULL, 0) != FO_OK) {
			(void)fo_timers_arm(&rt->timers, t, mono, 1000);
			out->n = 0;
		}
		fired = true;
	}
	pthread_mutex_unlock(&rt->lock);
	return fired;
}

bool
fo_runtime_next_deadline(fo_runtime *rt, fo_mono *out)
{
	bool r;

	pthread_mutex_lock(&rt->lock);
	r = rt->mono_known && fo_timers_next_deadline(&rt->timers, out);
	pthread_mutex_unlock(&rt->lock);
	return r;
}

void
fo_runtime_tick(fo_runtime *rt, fo_wall now, fo_mono mono)
{
	fo_bstate own = rt->rel->server_type == FO_PRIMARY ? FO_BS_FREE : FO_BS_BACKUP;

	tick_fsm(rt, now, mono);
	for (size_t i = 0; i < rt->n_scopes; i++)
		fo_scope_tick(rt->scopes[i], own, now);
	publish_stats(rt);
}

/* The timers of the state entered, as fo_fsm would arm them. */
static void
seam_timers(fo_runtime *rt, fo_state s, fo_wall now)
{
	fo_mono m = cur_mono(rt, now);

	fo_timers_cancel(&rt->timers, FO_TIMER_STARTUP);
	fo_timers_cancel(&rt->timers, FO_TIMER_STATE_SWITCH);
	fo_timers_cancel(&rt->timers, FO_TIMER_RECOVER_WAIT);
	fo_timers_cancel(&rt->timers, FO_TIMER_POOL_REBALANCE);
	if (s == FO_STATE_STARTUP)
		(void)fo_timers_arm(&rt->timers, FO_TIMER_STARTUP, m, FO_STARTUP_SECONDS * 1000u);
	if (s == FO_STATE_COMM_INTERRUPTED && rt->rel->auto_state_transition &&
	    rt->rel->state_switch_interval > 0)
		(void)fo_timers_arm(&rt->timers, FO_TIMER_STATE_SWITCH, m,
		    rt->rel->state_switch_interval * 1000u);
	if (s == FO_STATE_RECOVER_WAIT)
		(void)fo_timers_arm(&rt->timers, FO_TIMER_RECOVER_WAIT, m,
		    fo_fsm_recover_wait_seconds(&rt->fsm, now) * 1000u);
}

fo_status
fo_runtime_set_state(fo_runtime *rt, fo_state mine, fo_state partner, fo_wall now,
    const char *why, char *err, size_t errlen)
{
	fo_state old, oldp;
	fo_wall oldps;
	fo_status st;

	pthread_mutex_lock(&rt->lock);
	old = rt->fsm.state;
	oldp = rt->fsm.partner_state;
	oldps = rt->partner_since;
	rt->fsm.partner_state = partner;
	rt->partner_since = now;
	if ((st = persist(rt, mine, now, now, err, errlen)) != FO_OK) {
		rt->fsm.partner_state = oldp;
		rt->partner_since = oldps;
		goto done;
	}
	rt->fsm.state = mine;
	rt->fsm.state_since = now;
	rt->fsm.saved_state = mine;
	rt->fsm.saved_since = now;
	rt->started = true;
	seam_timers(rt, mine, now);
	publish(rt, mine);
	if (mine != old)
		fo_counter_inc(&rt->ctr, FO_CTR_STATE_TRANSITIONS);
	fo_log(rt->host, FO_EVT_STATE_SET, FO_S(rt->rel->name), FO_S(fo_state_name(old)),
	    FO_S(fo_state_name(mine)), FO_S(why), FO_S(fo_state_name(partner)));
done:
	pthread_mutex_unlock(&rt->lock);
	return st;
}

void
fo_runtime_snapshot(fo_runtime *rt, fo_runtime_snap *out)
{
	fo_mono dl;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&rt->lock);
	out->state = rt->fsm.state;
	out->state_since = rt->fsm.state_since;
	out->partner_state = rt->fsm.partner_state;
	out->partner_since = rt->partner_since;
	out->connected = rt->fsm.comm_ok;
	out->discontinuity = rt->discontinuity;
	if (rt->fsm.state == FO_STATE_COMM_INTERRUPTED &&
	    fo_timers_armed(&rt->timers, FO_TIMER_STATE_SWITCH, &dl)) {
		out->partner_down_due = true;
		out->partner_down_at = fo_wall_at(rt->fsm.state_since.sec +
		    (int64_t)rt->rel->state_switch_interval);
	}
	pthread_mutex_unlock(&rt->lock);
}
