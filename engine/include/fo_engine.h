/*
 * fo_engine.h - the engine's public API: the only header the hook includes
 * besides fo_types.h.
 *
 * The engine is C11 with no I/O of its own: the host (the Kea shim) gives it
 * a small table of functions (logging now; sending, persisting and the clock
 * come with the packet path and the protocol driver).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ENGINE_H
#define FO_ENGINE_H

#include "fo_host.h"
#include "fo_types.h"

typedef struct fo_engine fo_engine;

/*
 * Validate the hook's parameters (the JSON text of the "parameters" map of
 * the hooks-libraries entry) against the YANG module kea-dhcp-failover and
 * build the relationships. On failure *out stays NULL and `err` holds
 * "<YANG path>: <reason>". `host` is copied; it may be NULL.
 */
fo_status fo_engine_create(fo_engine **out, const char *params_json, const fo_host *host,
    char *err, size_t errlen);
void fo_engine_destroy(fo_engine *eng);

/*
 * An orderly stop (the hook is unloaded: config-reload, shutdown): stops the
 * protocol, saves every relationship's state with a clean-stop mark, so that
 * a start within seconds resumes the states instead of going through
 * Startup. Call before fo_engine_destroy(); a crash simply never calls it.
 */
void fo_engine_shutdown(fo_engine *eng, fo_wall now);

/*
 * Validate parameters without building an engine (kea-dhcp4 -t): the same
 * checks and the same error text as fo_engine_create().
 */
fo_status fo_engine_check(const char *params_json, char *err, size_t errlen);

size_t fo_engine_relationship_count(const fo_engine *eng);

/*
 * ---- The packet path (issue 3) -------------------------------------------
 *
 * Thread safety: every function below may be called from any of Kea's packet
 * threads at once. There is no engine-wide lock on the packet path: each
 * failover scope has its own lock, each relationship's state is read
 * atomically. fo_engine_attach() and fo_engine_destroy() are called from
 * Kea's main thread while no packet is in flight.
 *
 * Time: the caller passes `now` (wall seconds) read once per packet.
 */

/*
 * Bind the relationships to Kea's subnets: every scope-id must name the
 * network address of one subnet (else FO_ERR_CONFIG, "<YANG path of the
 * scope-id>: no Kea subnet4 has this network address"). Builds each
 * scope's binding table from its pools, restores bindings and states from
 * the state directory (a restart or config-reload loses nothing), splits
 * free addresses between the partners on first use, and opens the journals.
 * Called again after a reconfiguration with the new subnets.
 *
 * Files: <state-directory>/<relationship, file-safe>/state and
 * .../scope-<a.b.c.d>.jnl (fo_store.h); state-directory defaults to
 * FO_DEFAULT_STATE_DIR, "/var/lib/kea/failover" (fo_runtime.h; -D to change).
 * The first attach of an engine runs each relationship's START event (the
 * state comes back from disk, saved before it is published); a later attach
 * replaces the scopes and keeps the live state. All scopes are opened before
 * any is replaced: on error the previous scopes stay in service.
 * FO_ERR_CONFIG (a scope-id without subnet, a subnet without pool),
 * FO_ERR_IO (a journal or the state file cannot be read or written).
 */
fo_status fo_engine_attach(fo_engine *eng, const fo_subnet *subnets, size_t n, fo_wall now,
    char *err, size_t errlen);

/*
 * Failing closed, per scope. A scope whose bindings cannot be trusted does
 * not stop the others: fo_engine_attach() closes it and returns FO_OK.
 * A closed scope answers no client (fo_engine_query: FO_V_DROP, counted in
 * queries-dropped-scope-closed; fo_engine_lease_select and _renew:
 * FO_V_REFUSE; its lease events are ignored) until a later attach opens it
 * (after the operator's repair: a restart or config-reload). Reasons: no
 * Kea subnet4 has its network address, the subnet has no pool, its journal
 * cannot be read (damaged: a CRC mismatch, garbage) or written, or its
 * relationship's state cannot be saved (every scope of that relationship).
 * failover-get shows it (scope "closed": true, "closed-reason").
 *
 * FO_ERR_* from fo_engine_attach() means the engine could not attach at
 * all (no memory): then every failover scope is closed, and so is every
 * query the engine cannot place (before the first attach too: a subnet
 * id it does not know may be a failover scope's).
 *
 * What attach closed or had to recover, one line each, for the host's log
 * at ERROR (the engine does not log these lines itself): valid until the
 * next attach.
 */
typedef enum fo_attach_note_kind {
	FO_NOTE_SCOPE_CLOSED = 0,       /* a scope answers no client; text says what to do */
	FO_NOTE_BINDINGS_LOST,          /* a scope's bindings were lost: RECOVER (fo_engine_attach) */
} fo_attach_note_kind;

typedef struct fo_attach_note {
	fo_attach_note_kind kind;
	const char *text;
} fo_attach_note;

/* The notes of the last attach: how many there are; the first `max` into out. */
size_t fo_engine_attach_notes(const fo_engine *eng, fo_attach_note *out, size_t max);

/*
 * The restart replay: after attach, every ACTIVE binding of every scope goes
 * back to Kea's lease database (with only_if_missing set), so that Kea gets
 * back any lease that a crash kept from reaching it (the journal has it,
 * Kea's file may not). The shim pulls it in batches from Kea's IO thread:
 *
 *	fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;
 *	while ((n = fo_engine_replay_next(eng, &cur, batch, max)) > 0)
 *		apply batch[0..n) to Kea's lease database;
 *
 * Each call fills out[0..max) with the next ACTIVE bindings and returns how
 * many; 0 when every scope has been replayed (cur->done). The walk goes by
 * Kea subnet id, then address, so that it stays right across calls while
 * bindings change and even when the scopes are replaced (a binding that
 * stays ACTIVE is replayed once; one that changes in between reaches Kea
 * through host.lease_changed or the packet path anyway). Each call takes
 * one scope lock at a time, for at most `max` bindings: the memory is the
 * caller's batch, never a copy of every binding.
 */
typedef struct fo_replay_cursor {
	uint32_t subnet_id;             /* the scope being replayed, by Kea subnet id */
	fo_ip4 next;                    /* the next address to look at in it */
	bool done;
} fo_replay_cursor;
#define FO_REPLAY_CURSOR_INIT { 0, 0, false }
size_t fo_engine_replay_next(fo_engine *eng, fo_replay_cursor *cur, fo_lease_change *out,
    size_t max);

/*
 * The restart's other half: after the replay, the shim pages through Kea's
 * lease database and asks, for each live lease, whether the binding table
 * contradicts it: an address of an open failover scope's pools whose binding
 * is not that client's ACTIVE lease. Such a record was left by a crash
 * between the binding's change (journaled first) and Kea's copy of it (the
 * host.lease_changed queue had not been applied); the shim then rewrites it
 * from the binding (removed when the binding is not ACTIVE). False for
 * anything else: other subnets, closed scopes, ended leases.
 */
bool fo_engine_kea_lease_stale(fo_engine *eng, const fo_lease *l, fo_wall now);

/* The whole replay at once, each binding to host.lease_changed (tests, tools). */
void fo_engine_replay_bindings(fo_engine *eng);

/*
 * subnet4_select: may this server answer this query (load balancing,
 * serving rules of the relationship's state)? FO_V_PASS or FO_V_DROP.
 */
fo_verdict fo_engine_query(fo_engine *eng, uint32_t subnet_id, fo_msg msg, uint16_t secs,
    const fo_client_ref *client, fo_wall now);

/*
 * buffer4_receive: the same decision as fo_engine_query, from the packet's
 * raw bytes before Kea parses them, for the queries it is sure of: FO_V_DROP
 * when the client is the partner's in NORMAL (its load-balancing bucket, or
 * this server is a HotStandby standby) for a DISCOVER, an INIT-REBOOT or a
 * REBIND, relayed (giaddr) into a subnet that Kea selects by giaddr alone
 * (fo_select.h) and that is an open failover scope. FO_V_PASS for everything
 * else, unchanged: a packet the bounds-checked parser refuses (fo_pkt4.h),
 * not relayed, a link- or subnet-selection option, any other message, secs
 * above load-balance-max-seconds, another state, a closed scope, a subnet
 * that is not a failover scope, relay addresses or a client-class guard in
 * Kea's configuration; fo_engine_query (subnet4_select) decides those. A
 * drop counts in clients-left-to-partner and clients-left-at-receive.
 * Also FO_V_DROP in NORMAL for a relayed REQUEST into such a scope whose
 * server identifier is the partner's address (fo_relationship_partner_ip4)
 * and not overridden by the relay (RFC 5107), which Kea would drop for it:
 * counted in requests-for-partner-at-receive.
 */
fo_verdict fo_engine_receive(fo_engine *eng, const uint8_t *p, size_t n);

/*
 * lease4_select: never offer or acknowledge an address this server does not
 * own. When Kea picked an address the partner owns (or one not free), the
 * engine writes into l->addr an address this server owns and returns
 * FO_V_CHANGED; FO_V_REFUSE when it owns no free address, or when
 * l->in_kea_db and not l->fake (the address cannot be changed on Kea's
 * reuse path). Reservations are honoured. l->valid_lft follows the MCLT rule. A non-fake allocation is
 * recorded (and journaled) before Kea stores the lease.
 */
fo_verdict fo_engine_lease_select(fo_engine *eng, fo_lease *l, fo_wall now);

/* lease4_renew: the MCLT rule for a renewal; FO_V_CHANGED when valid_lft was cut. */
fo_verdict fo_engine_lease_renew(fo_engine *eng, fo_lease *l, fo_wall now);

/*
 * command_processed, after an operator's lease4-add or lease4-update stored
 * `l` in Kea's lease database (these commands reach no other callout): the
 * binding table follows under the rules of lease4_select, so the partner
 * learns the lease (a binding update) and neither server gives the address
 * to anyone else. FO_V_PASS: taken (or not a failover scope's pool address);
 * FO_V_CHANGED: taken with the MCLT rule's shorter time (l->valid_lft, `why`
 * says so); FO_V_REFUSE (`why` says why: another client's live lease, the
 * partner's address, a closed scope): the command must report a failure.
 * Kea's record is rewritten from the binding through host.lease_changed
 * whenever it differs: removed or put back on a refusal.
 */
fo_verdict fo_engine_admin_lease(fo_engine *eng, fo_lease *l, char *why, size_t whylen,
    fo_wall now);

/*
 * pkt4_send: the last word on what a client is told. An ACK for an address of
 * a failover scope goes out only when the binding table holds that address
 * for that client (else FO_V_DROP), and never tells a lease longer than the
 * binding covers: the binding is extended when the MCLT rule allows the time
 * Kea put in the ACK, otherwise the times are cut (FO_V_CHANGED). FO_V_PASS
 * for an address outside every failover scope, or an ACK that agrees.
 */
fo_verdict fo_engine_ack_check(fo_engine *eng, fo_ack *a, fo_wall now);

/*
 * pkt4_send: a DHCPNAK to a REQUEST for `addr` (ciaddr, or the requested
 * address). A NAK makes a client drop its lease at once, so it goes out
 * (FO_V_PASS) only when this server knows the address is not the client's:
 * another client's live lease, abandoned, or this server's own free
 * address, or outside every failover scope. Otherwise FO_V_DROP: the client
 * gets no answer, as from ISC dhcpd for a lease its peer holds; the partner
 * may have leased it to that client.
 */
fo_verdict fo_engine_nak_check(fo_engine *eng, fo_ip4 addr, const fo_client_ref *client,
    fo_wall now);

/*
 * A binding change: update the table, journal it, queue the update for the
 * partner. FO_V_REFUSE for an FO_LE_EXPIRE of a lease the binding says has
 * not ended (Kea's record is older): the shim skips Kea's reclamation, and
 * the binding is written back into Kea's database (host.lease_changed).
 */
fo_verdict fo_engine_lease_event(fo_engine *eng, fo_lease_event ev, const fo_lease *l,
    fo_wall now);

/* Periodic work, about once a second from Kea's IO service: journal syncs, expiry. */
void fo_engine_tick(fo_engine *eng, fo_wall now, fo_mono mono);

/*
 * failover-get: the "arguments" of the answer as JSON text (malloc'd, the
 * caller frees it): {"relationships": [ {config..., "state": {...}} ]} in the
 * YANG module's JSON encoding, never the shared secret. name: one
 * relationship or NULL for all; scope: the relationship holding this
 * scope-id, or 0. with_bindings: add each scope's non-free bindings.
 * FO_ERR_NOTFOUND (err says what) for an unknown name or scope.
 */
fo_status fo_engine_get_json(fo_engine *eng, const char *name, fo_ip4 scope, bool with_bindings,
    fo_wall now, char **out, char *err, size_t errlen);

/*
 * The scope-ids of relationship `name`, as configured: the first `max` into
 * out[], their number into *n (which may exceed max). FO_ERR_NOTFOUND (err
 * says so) when there is no relationship `name`.
 */
fo_status fo_engine_relationship_scopes(fo_engine *eng, const char *name, fo_ip4 *out,
    size_t max, size_t *n, char *err, size_t errlen);

/*
 * The name of the relationship holding `scope` into name (FO_NAME_MAX + 1
 * bytes). FO_ERR_NOTFOUND when no relationship holds it.
 */
fo_status fo_engine_scope_relationship(fo_engine *eng, fo_ip4 scope,
    char name[FO_NAME_MAX + 1]);

/*
 * failover-get with bindings, a page at a time (as Kea's lease4-get-page):
 * the answer of fo_engine_get_json() where each scope lists its bindings of
 * the page, plus "bindings-page": {"from", "limit", "count", "next"}. The
 * page: the first `limit` non-free bindings after the address `from` (0:
 * from the start) of the selected scopes, in address order (the scopes in
 * scope-id order). "next" (also *next, else 0) is there when more follow:
 * the `from` of the next page. *count: bindings in the page. Each scope's
 * lock is taken once; memory and time grow with `limit`, not with the
 * tables. fo_engine_get_json() with with_bindings is the first page of
 * FO_ENGINE_PAGE_DEFAULT. FO_ERR_INVAL: limit outside 1..FO_ENGINE_PAGE_MAX.
 */
fo_status fo_engine_get_page_json(fo_engine *eng, const char *name, fo_ip4 scope, fo_ip4 from,
    uint32_t limit, fo_wall now, char **out, size_t *count, fo_ip4 *next, char *err,
    size_t errlen);

/*
 * One binding of a failover scope (tests, diagnostics): FO_ERR_NOTFOUND when
 * subnet_id is not a failover scope or addr is outside its pools.
 */
fo_status fo_engine_get_binding(fo_engine *eng, uint32_t subnet_id, fo_ip4 addr,
    fo_binding_info *out);

/*
 * TEST SEAM, refused unless the engine was created with test_seam on (the
 * hook enables it only when KEA_FAILOVER_TEST_SEAM=1 is in its environment):
 * set a relationship's state and its partner's state as if the protocol had.
 */
fo_status fo_engine_test_set_state(fo_engine *eng, const char *name, fo_state mine,
    fo_state partner, fo_wall now, char *err, size_t errlen);
void fo_engine_enable_test_seam(fo_engine *eng);

/*
 * ---- The partner protocol (fo_net.h) ------------------------------------
 *
 * Start the protocol driver: one thread for the engine that listens on
 * each relationship's local-address:local-port, connects the primary to
 * its partner, and runs the failover protocol (draft-12) with it. Call
 * after the first fo_engine_attach(), from Kea's main thread.
 * FO_ERR_IO (err says which address) when a listening socket cannot be
 * opened; FO_ERR_STATE before attach or when already started. From then
 * on the state machine's timers run in the driver, not in fo_engine_tick().
 */
fo_status fo_engine_start(fo_engine *eng, char *err, size_t errlen);

/* Stop the driver: close every connection and join the thread. Idempotent;
 * fo_engine_destroy() calls it. */
void fo_engine_stop(fo_engine *eng);

#endif /* FO_ENGINE_H */
