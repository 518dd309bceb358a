/*
 * fo_fsm.h - the failover endpoint state machine (draft-12 section 9) as a
 * pure step function.
 *
 * Public tier. fo_fsm_step() maps (what the server knows, one event) to
 * (next state, list of actions). Actions are data: the driver carries them
 * out in order. The step reads no clock, does no I/O and keeps no state of
 * its own; everything it may read is in fo_fsm_ctx and fo_fsm_input.
 *
 * The driver's loop, once per event:
 *   1. fill fo_fsm_input (event, now, ...) and call fo_fsm_step();
 *   2. carry out the actions in order. The first action of every state
 *      change is FO_ACT_PERSIST_STATE: if that write fails, stop there and
 *      do not commit (the state stays as it was, nothing was announced);
 *   3. fo_fsm_commit() to fold the step into the context;
 *   4. fo_timers_apply() (fo_timers.h) for the timer actions.
 *
 * The transitions, by current state, are in docs/states.md; each rule in
 * fo_fsm.c cites its draft-12 section.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_FSM_H
#define FO_FSM_H

#include "fo_types.h"
#include "fo_relationship.h"
#include "fo_timers.h"

#define FO_STARTUP_SECONDS 300          /* time in STARTUP: Windows' 5 min */
#define FO_POOL_REBALANCE_SECONDS 300   /* NORMAL: POOLREQ / rebalance period (Windows 5 min) */

typedef enum fo_event {
	/*
	 * The engine starts the relationship. ctx->state is NOSTATE or INIT;
	 * ctx->saved_state/saved_since hold what stable storage recorded
	 * (NOSTATE if this server never ran failover). Ignored in other states.
	 */
	FO_EV_START = 0,
	/*
	 * Communications became OK (draft 8.3: connection up, CONNECT and
	 * CONNECTACK exchanged, the partner's first STATE received). The
	 * partner's STATE is in input.partner_*.
	 */
	FO_EV_COMM_OK,
	/* The partner announced a (new) state while communications are OK. */
	FO_EV_PARTNER_STATE,
	/* Connection lost or tReceive expired (draft 8.3). */
	FO_EV_COMM_FAILED,
	/* A timer expired; which one is in input.timer. */
	FO_EV_TIMER,
	/* Operator command: the partner is down (Set-DhcpServerv4Failover -PartnerDown). */
	FO_EV_OPERATOR_PARTNER_DOWN,
	/* The partner answered our UPDREQ/UPDREQALL with UPDDONE. */
	FO_EV_UPDDONE,
	/* This server is going out of service for long (draft 9.14). */
	FO_EV_SHUTDOWN,
	/* This server is going out of service briefly (draft 9.13). */
	FO_EV_PAUSE,
} fo_event;
#define FO_EVENT_COUNT 9

/* "start", "comm-ok", "partner-state", "comm-failed", "timer",
 * "operator-partner-down", "upddone", "shutdown", "pause"; NULL if out of range. */
const char *fo_event_name(fo_event e);

typedef enum fo_action_kind {
	/*
	 * Write to stable storage, before anything else is done: `state` is
	 * the state to restart from (draft 9.3.2 "previous-state") and
	 * `since` its start time. It equals the new state except when entering
	 * STARTUP (the saved state is kept), PAUSED and SHUTDOWN (the state
	 * before them, 9.13.1, 9.14.1), and in SHUTDOWN when the partner
	 * enters PARTNER-DOWN (RECOVER, 9.14.2). The driver also records `now`
	 * as this server's last time of operation.
	 */
	FO_ACT_PERSIST_STATE = 0,
	/*
	 * Send a STATE message: server-state `state`, start-time-of-state
	 * `since`, the STARTUP server-flag when `startup`. Only produced when
	 * communications are OK, and always after FO_ACT_PERSIST_STATE.
	 */
	FO_ACT_SEND_STATE,
	/* The state changed: refresh what is served to clients (fo_serve.h). */
	FO_ACT_SERVE_CHANGE,
	/* Arm `timer` for `seconds` (fo_timers_apply). */
	FO_ACT_TIMER_ARM,
	/* Disarm `timer`. */
	FO_ACT_TIMER_CANCEL,
	/* Send UPDREQ: ask for the updates we have not seen (7.3). */
	FO_ACT_SEND_UPDREQ,
	/* Send UPDREQALL: ask for every binding (7.4). */
	FO_ACT_SEND_UPDREQALL,
	/* Resend every binding update the partner has not acknowledged (9.8.1). */
	FO_ACT_RESEND_UNACKED,
	/* Secondary: ask the primary for free addresses (7.6, 9.8.1). */
	FO_ACT_SEND_POOLREQ,
	/* Primary: rebalance free addresses between the servers (reference 8). */
	FO_ACT_REBALANCE_POOL,
} fo_action_kind;
#define FO_ACTION_KIND_COUNT 10

/* "persist-state", "send-state", "serve-change", "timer-arm", "timer-cancel",
 * "send-updreq", "send-updreqall", "resend-unacked", "send-poolreq",
 * "rebalance-pool"; NULL if out of range. */
const char *fo_action_name(fo_action_kind k);

typedef struct fo_action {
	fo_action_kind kind;
	fo_timer timer;          /* TIMER_ARM, TIMER_CANCEL */
	uint32_t seconds;        /* TIMER_ARM */
	fo_state state;          /* PERSIST_STATE, SEND_STATE */
	fo_wall since;           /* PERSIST_STATE, SEND_STATE */
	bool startup;            /* SEND_STATE: STARTUP bit of server-flags */
} fo_action;

#define FO_STEP_MAX_ACTIONS 16

typedef struct fo_step {
	fo_state next;           /* the state after the step */
	bool changed;            /* next differs from ctx->state */
	bool refused;            /* an operator command was refused */
	const char *reason;      /* why (static English text), NULL unless refused */
	size_t n;                /* actions in act[] */
	fo_action act[FO_STEP_MAX_ACTIONS];
} fo_step;

/* What the step may read about this server and its partner. */
typedef struct fo_fsm_ctx {
	fo_state state;                 /* current state */
	fo_wall state_since;            /* when it was entered */
	fo_state saved_state;           /* restart state in stable storage (see FO_ACT_PERSIST_STATE) */
	fo_wall saved_since;            /* its start time */
	fo_state partner_state;         /* partner's last announced state */
	bool partner_startup;           /* ... announced with the STARTUP flag */
	bool partner_known;             /* a STATE was received on the current connection */
	bool comm_ok;                   /* communications OK (draft 8.3) */
	fo_server_type type;            /* primary or secondary */
	uint32_t mclt;                  /* seconds */
	bool auto_state_transition;     /* AutoStateTransition */
	uint32_t state_switch_interval; /* StateSwitchInterval, seconds; 0 = not set */
	/*
	 * Last recorded time of operation of this server: when it went down
	 * or, if that is unknown, when it started; 0 if it never ran failover.
	 * Used by the STARTUP rule (9.3.2 step 5) and the RECOVER-WAIT wait.
	 */
	fo_wall last_down;
	/*
	 * This server has no binding data to trust (stable storage lost, or it
	 * never ran): RECOVER asks with UPDREQALL instead of UPDREQ (9.5.2).
	 * fo_fsm_commit() sets it on a START from NOSTATE/INIT and clears it
	 * when UPDDONE moves RECOVER on.
	 */
	bool local_state_lost;
} fo_fsm_ctx;

typedef struct fo_fsm_input {
	fo_event event;
	fo_wall now;
	fo_timer timer;          /* FO_EV_TIMER: which timer expired */
	fo_state partner_state;  /* COMM_OK, PARTNER_STATE: the server-state option */
	fo_wall partner_since;   /* COMM_OK, PARTNER_STATE: start-time-of-state */
	bool partner_startup;    /* COMM_OK, PARTNER_STATE: STARTUP bit of server-flags */
} fo_fsm_input;

/*
 * A context for relationship `rel` (server type, MCLT, AutoStateTransition,
 * StateSwitchInterval) in state INIT, the partner unknown, communications
 * down, nothing saved (NOSTATE). The driver then sets saved_state,
 * saved_since and last_down from stable storage before FO_EV_START.
 */
void fo_fsm_ctx_init(fo_fsm_ctx *ctx, const fo_relationship *rel);

/*
 * One step. `out` is always filled: on a NULL argument or an event out of
 * range, next = ctx->state (or NOSTATE when ctx is NULL), no actions.
 *
 * Summary (docs/states.md has the full tables):
 * - START: NOSTATE/INIT -> STARTUP, startup timer armed.
 * - COMM_OK and PARTNER_STATE give the same next state: a change of the
 *   partner's state is taken as "communications failed, then OK again"
 *   (9.2), except that NORMAL goes to PARTNER-DOWN when the partner is in
 *   RECOVER (reference 5, as ISC). A partner that announces the STARTUP
 *   flag (or NOSTATE/INIT) causes no transition, except that STARTUP is
 *   left for the previous state.
 * - COMM_FAILED: NORMAL -> COMM-INT, POTENTIAL-CONFLICT -> RESOLUTION-
 *   INTERRUPTED, every other state stays (9.3.2 step 2, 9.5-9.12).
 * - TIMER: startup -> previous state; state-switch in COMM-INT (with
 *   AutoStateTransition) -> PARTNER-DOWN; recover-wait in RECOVER-WAIT ->
 *   RECOVER-DONE (NORMAL or POTENTIAL-CONFLICT at once when the partner's
 *   known state calls for it, 9.7.2); pool-rebalance in NORMAL -> POOLREQ
 *   (secondary) or REBALANCE_POOL (primary), re-armed. Other timers: no-op.
 * - OPERATOR_PARTNER_DOWN: accepted in NORMAL, COMM-INT and RESOLUTION-
 *   INTERRUPTED (9.8.4, 9.9.3, 9.11.3); refused elsewhere with a reason.
 * - UPDDONE: RECOVER -> RECOVER-WAIT; POTENTIAL-CONFLICT -> CONFLICT-DONE
 *   (primary) or NORMAL (secondary) (9.5.2, 9.10.3).
 * - SHUTDOWN, PAUSE: any started state -> SHUTDOWN / PAUSED.
 *
 * Every state change yields, in this order: PERSIST_STATE; SEND_STATE if
 * communications are OK after the event; SERVE_CHANGE; cancellation of the
 * timer of the state left; arming of the timer of the state entered; the
 * messages the new state sends (UPDREQ/UPDREQALL, RESEND_UNACKED, POOLREQ).
 */
void fo_fsm_step(const fo_fsm_ctx *ctx, const fo_fsm_input *in, fo_step *out);

/*
 * Fold a step the driver carried out into `ctx`: state and state_since
 * (now, when changed), saved_state/saved_since (from PERSIST_STATE),
 * the partner's state (COMM_OK, PARTNER_STATE), comm_ok (COMM_OK,
 * PARTNER_STATE, COMM_FAILED) and local_state_lost (see above).
 * A NULL argument does nothing.
 */
void fo_fsm_commit(fo_fsm_ctx *ctx, const fo_fsm_input *in, const fo_step *st);

/*
 * The state a restart begins from, given the state stable storage holds:
 * the "communications failed" transition of 9.3.2 step 2 (NORMAL ->
 * COMM-INT, POTENTIAL-CONFLICT -> RESOLUTION-INTERRUPTED), RECOVER for a
 * server that never ran (NOSTATE, INIT; 9.3.2 step 1), COMM-INT for
 * PAUSED and SHUTDOWN (never saved by this code: see PERSIST_STATE), RECOVER
 * for STARTUP (never saved either); every other state maps to itself.
 */
fo_state fo_fsm_previous_state(fo_state saved);

/*
 * What to put in the STATE message that opens a new connection (8.2):
 * the current state, or, in STARTUP, the previous state with the STARTUP
 * flag (9.3.1). Both pointers must be non-NULL.
 */
void fo_fsm_announce(const fo_fsm_ctx *ctx, fo_state *state, bool *startup);

/*
 * Seconds RECOVER-WAIT lasts when entered at `now` (9.6.2): MCLT after
 * ctx->last_down, i.e. mclt - (now - last_down), at least 0 and at most
 * mclt (a last_down in the future counts as now).
 */
uint32_t fo_fsm_recover_wait_seconds(const fo_fsm_ctx *ctx, fo_wall now);

/*
 * Would FO_EV_OPERATOR_PARTNER_DOWN be accepted in `s`? When not and
 * `reason` is not NULL, *reason is a static English sentence for the
 * operator.
 */
bool fo_fsm_operator_partner_down_ok(fo_state s, const char **reason);

/*
 * Carry out the FO_ACT_TIMER_ARM (seconds -> deadline now + seconds * 1000)
 * and FO_ACT_TIMER_CANCEL actions of a step of the state machine, in their
 * order; every other action is left to the driver. FO_ERR_INVAL for a NULL
 * argument or an action naming a timer out of range (the other actions are
 * still applied).
 */
fo_status fo_fsm_apply_timers(fo_timers *t, const fo_step *st, fo_mono now);

#endif /* FO_FSM_H */
