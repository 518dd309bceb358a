/*
 * fo_runtime.h - one failover relationship at run time: its configuration,
 * state machine context and timers, saved state, scopes and counters.
 *
 * Internal tier (the facade fo_engine.c uses it). The packet path reads the
 * state with fo_runtime_view(): two atomic loads, no lock, no allocation.
 * Everything that changes the state (start, timers, the test seam) holds
 * the runtime's lock and writes the saved state to disk before the new
 * state is published (draft-12 9.2: persisted before it is announced).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_RUNTIME_H
#define FO_RUNTIME_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "fo_host.h"
#include "fo_fsm.h"
#include "fo_hash.h"
#include "fo_relationship.h"
#include "fo_scope.h"
#include "fo_store.h"
#include "fo_timers.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Where state lives when the configuration names no state-directory. */
#ifndef FO_DEFAULT_STATE_DIR
#define FO_DEFAULT_STATE_DIR "/var/lib/kea/failover"
#endif

/*
 * A failover scope that answers no client (fo_engine_attach): its bindings
 * cannot be trusted (journal damaged or not writable), it has no Kea
 * subnet, or its relationship's state cannot be saved.
 */
#define FO_CLOSED_WHY_MAX 768
typedef struct fo_closed_scope {
	fo_ip4 scope_id;
	uint32_t subnet_id;             /* 0: no Kea subnet4 has its network address */
	char why[FO_CLOSED_WHY_MAX];    /* what failed and what the operator must do */
} fo_closed_scope;

typedef struct fo_runtime {
	const fo_relationship *rel;     /* the engine's configuration, read-only */
	fo_hba hba;                     /* from fo_relationship_primary_bucket_percent() */
	const fo_host *host;

	/* Read by the packet path without the lock. */
	_Atomic int state;              /* fo_state */
	_Atomic int64_t partner_down_since;

	fo_counters ctr;
	_Atomic bool driven;            /* the protocol driver fires the state machine's timers */
	_Atomic uint32_t unacked;       /* binding updates sent and not yet acknowledged */
	/*
	 * The MCLT in force (seconds): the configured one, or, for a secondary
	 * of the ISC dialect, the primary's from its CONNECT (fo_peer.c; draft-12
	 * 7.1.1: the primary's governs). fsm.mclt is kept equal under `lock`.
	 */
	_Atomic uint32_t mclt;

	/* Under `lock`. */
	pthread_mutex_t lock;
	fo_fsm_ctx fsm;
	fo_timers timers;
	fo_saved_state saved;           /* what the state file holds */
	fo_wall partner_since;          /* the partner's start time of state */
	bool started;                   /* FO_EV_START done */
	/*
	 * Set by fo_engine_attach before the start: a scope's bindings were
	 * lost (an empty journal while the saved state had bindings, or Kea
	 * holds leases the journal does not). fo_runtime_start() then starts
	 * towards RECOVER: restart state RECOVER, UPDREQALL, a full MCLT in
	 * RECOVER-WAIT; the clean-stop resume is not taken.
	 */
	bool bindings_lost;
	bool mono_known;                /* timers were armed against a real fo_mono */
	fo_wall mono_base_wall;         /* wall time when timers were armed with mono 0 */
	fo_mono last_mono;
	fo_wall discontinuity;          /* counters started */
	char dir[PATH_MAX];             /* <state-directory>/<fo_store_dirname(name)> */
	char stat_prefix[FO_NAME_MAX + 11];   /* "failover.<name>." (Kea's statistics) */
	size_t stat_prefix_len;
	char state_path[PATH_MAX];

	/* Replaced by fo_runtime_set_scopes() while no packet is in flight. */
	fo_scope **scopes;
	size_t n_scopes;
	/* The scopes that answer no client, replaced with them (fo_runtime_set_closed). */
	fo_closed_scope *closed;
	size_t n_closed;
} fo_runtime;

/* Prepare `rt` for `rel` (which must outlive it); state INIT, nothing read yet. */
fo_status fo_runtime_init(fo_runtime *rt, const fo_relationship *rel, const char *state_dir,
    const fo_host *host, char *err, size_t errlen);
void fo_runtime_fini(fo_runtime *rt);           /* closes the scopes */

/* Journal path of one of its scopes. */
fo_status fo_runtime_journal_path(const fo_runtime *rt, fo_ip4 scope, char *out, size_t len);

/* Take these scopes (closing the previous ones); the array is taken over. */
void fo_runtime_set_scopes(fo_runtime *rt, fo_scope **scopes, size_t n);
/* Take this list of closed scopes (freeing the previous one); the array is taken over. */
void fo_runtime_set_closed(fo_runtime *rt, fo_closed_scope *closed, size_t n);

/*
 * Load the saved state and run FO_EV_START once (later calls do nothing):
 * PERSIST_STATE is written before the state is published. A corrupt state
 * file is logged and treated as lost (the relationship goes through
 * RECOVER). FO_ERR_IO when the state cannot be saved (err says why).
 */
fo_status fo_runtime_start(fo_runtime *rt, fo_wall now, char *err, size_t errlen);
/*
 * Put the primary's MCLT in force (ISC dialect secondary, at CONNECT) and,
 * when it changed, save it in the state file with the saved state: a restart
 * before the next CONNECT keeps it (fo_runtime_start). True when it changed.
 */
bool fo_runtime_adopt_mclt(fo_runtime *rt, uint32_t mclt, fo_wall now);
/* An orderly stop: save the state with last_operation = now and the clean-stop marker. */
fo_status fo_runtime_stop_clean(fo_runtime *rt, fo_wall now, char *err, size_t errlen);

/* The serving view of the packet path (no lock). */
void fo_runtime_view(fo_runtime *rt, fo_serve_view *v);
fo_state fo_runtime_state(fo_runtime *rt);

/*
 * Fire expired timers through the state machine, save last_operation at
 * most every 60 s, tick every scope and publish statistics.
 */
void fo_runtime_tick(fo_runtime *rt, fo_wall now, fo_mono mono);

/*
 * One event through the state machine, under the lock: step, persist
 * first, commit, timers, publish (as start and the timers do). The step is
 * copied to *out (may be NULL) so that the caller carries out its protocol
 * actions (SEND_STATE, UPDREQ, ...); on failure (the state could not be
 * saved) nothing changed and out->n is 0. COMM_OK and PARTNER_STATE also
 * record the partner's start time of state.
 */
fo_status fo_runtime_event(fo_runtime *rt, const fo_fsm_input *in, const char *why,
    fo_step *out, char *err, size_t errlen);

/*
 * The protocol driver's timer turn (rt->driven set): fire at most one
 * expired state-machine timer; true when one fired, its step in *out.
 * While rt->driven is set fo_runtime_tick() leaves the timers alone.
 */
bool fo_runtime_pop_timer(fo_runtime *rt, fo_wall now, fo_mono mono, fo_step *out);
/* The earliest state-machine timer deadline; false when none (or before the first mono). */
bool fo_runtime_next_deadline(fo_runtime *rt, fo_mono *out);

/* The test seam (fo_engine_test_set_state). */
fo_status fo_runtime_set_state(fo_runtime *rt, fo_state mine, fo_state partner, fo_wall now,
    const char *why, char *err, size_t errlen);

/* A consistent copy of what failover-get shows of the state machine. */
typedef struct fo_runtime_snap {
	fo_state state;
	fo_wall state_since;
	fo_state partner_state;
	fo_wall partner_since;
	bool connected;
	bool partner_down_due;          /* partner_down_at is valid */
	fo_wall partner_down_at;
	fo_wall discontinuity;
} fo_runtime_snap;
void fo_runtime_snapshot(fo_runtime *rt, fo_runtime_snap *out);

#endif /* FO_RUNTIME_H */
