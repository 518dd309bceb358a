/*
 * fo_engine.c - the engine facade: configuration in, relationships held.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_config.h"
#include "fo_engine.h"
#include "fo_engine_int.h"
#include "fo_hash.h"
#include "fo_log.h"
#include "fo_net.h"
#include "fo_peer.h"
#include "fo_pkt4.h"
#include "fo_relationship.h"
#include "fo_relfile.h"
#include "fo_report.h"
#include "fo_retired.h"
#include "fo_runtime.h"
#include "fo_select.h"

#define FO_YANG_PATH_FMT "/" FO_YANG_TOP "/relationships[name='%s']/scope-id[.='%s']"

/* Kea subnet id -> failover scope, sorted by subnet id (the packet path's lookup). */
typedef struct fo_scope_map {
	uint32_t subnet_id;
	fo_scope *scope;                /* NULL: the scope is closed (answers no client) */
	fo_runtime *rt;
	fo_ip4 partner_ip;              /* fo_relationship_partner_ip4 (fo_engine_receive) */
} fo_scope_map;

/* A line of fo_engine_attach_notes(). */
typedef struct fo_note {
	fo_attach_note_kind kind;
	char text[FO_CLOSED_WHY_MAX + 128];
} fo_note;

struct fo_engine {
	fo_host host;
	fo_relationship_set rels;
	fo_runtime *rt;                 /* one per relationship, rels order */
	fo_scope_map *map;
	size_t n_map;
	bool test_seam;
	fo_store_policy policy;
	fo_wakeup wakeup;               /* the packet path signals queued updates */
	fo_peer **peers;                /* one session per relationship, rels order */
	fo_net *net;                    /* the protocol driver, NULL when stopped */
	/* The Kea subnets of the last attach, deep copies (run-time changes, fo_admin.c). */
	fo_subnet *subnets;
	size_t n_subnets;
	fo_select select;               /* giaddr -> Kea subnet, over subnets (fo_engine_receive) */
	bool attached;                  /* every scope is placed, open or closed (map) */
	fo_note *notes;                 /* of the last attach */
	size_t n_notes;
	uint32_t configured_crc;        /* of the hook's parameters (fo_relfile_params_crc) */
	fo_retired retired;             /* the scopes retired here (run/fo_retired.h) */
	uint32_t *retired_ids;          /* their Kea subnets, sorted (the packet path's lookup) */
	size_t n_retired_ids;
};

static void
fo_engine_log_relationship(const fo_engine *eng, const fo_relationship *r)
{
	char role[64];

	snprintf(role, sizeof(role), "%s %s", fo_server_type_name(r->server_type),
	    fo_mode_name(r->mode));
	fo_log(&eng->host, FO_EVT_RELATIONSHIP_CONFIGURED, FO_S(r->name), FO_S(role),
	    FO_S(r->partner_server), FO_U(r->partner_port), FO_U(r->n_scopes), FO_U(r->mclt),
	    FO_S(r->auto_state_transition ? "on" : "off"), FO_S(r->enable_auth ? "on" : "off"),
	    FO_S(fo_dialect_name(r->dialect)));
}

/* One runtime per relationship (state INIT until fo_engine_attach()). */
static void free_subnets(fo_subnet *s, size_t n);

static fo_status
engine_runtimes(fo_engine *eng, char *err, size_t errlen)
{
	fo_status st;

	if ((eng->rt = fo_calloc(eng->rels.n ? eng->rels.n : 1, sizeof(*eng->rt))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < eng->rels.n; i++) {
		st = fo_runtime_init(&eng->rt[i], &eng->rels.rel[i], eng->rels.state_directory,
		    &eng->host, err, errlen);
		if (st != FO_OK)
			return st;
	}
	return FO_OK;
}

fo_status
fo_engine_create(fo_engine **out, const char *params_json, const fo_host *host,
    char *err, size_t errlen)
{
	fo_engine *eng;
	fo_status st;

	if (out == NULL || params_json == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if ((eng = fo_calloc(1, sizeof(*eng))) == NULL)
		return FO_ERR_NOMEM;
	atomic_init(&eng->wakeup.fd, -1);
	atomic_init(&eng->wakeup.armed, false);
	if (host != NULL)
		eng->host = *host;
	st = fo_config_parse(params_json, &eng->rels, err, errlen);
	if (st != FO_OK) {
		fo_free(eng);
		return st;
	}
	/* The live set of an earlier run (failover-add & co.) may replace the parameters. */
	if ((st = fo_relfile_params_crc(&eng->rels, &eng->configured_crc)) != FO_OK ||
	    (st = fo_relfile_load(&eng->rels, eng->configured_crc, &eng->host, err, errlen))
	    != FO_OK) {
		fo_relationship_set_clear(&eng->rels);
		fo_free(eng);
		return st;
	}
	if ((st = engine_runtimes(eng, err, errlen)) != FO_OK) {
		fo_engine_destroy(eng);
		return st;
	}
	for (size_t i = 0; i < eng->rels.n; i++)
		fo_engine_log_relationship(eng, &eng->rels.rel[i]);
	/* The scopes retired here: a damaged list closes every subnet in no relationship. */
	if (fo_retired_load(&eng->retired, eng->rels.state_directory, NULL, 0) != FO_OK)
		fo_log(&eng->host, FO_EVT_RETIRED_DAMAGED, FO_S(eng->retired.path),
		    FO_S(eng->retired.why));
	*out = eng;
	return FO_OK;
}

/* ---- The restart replay, pulled in batches -------------------------------- */

struct replay_ctx {
	fo_lease_change *out;
	size_t n;
	uint32_t subnet_id;
	fo_ip4 last;
};

static void
replay_one(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	struct replay_ctx *rc = ctx;
	fo_lease_change *c = &rc->out[rc->n++];

	memset(c, 0, sizeof(*c));
	c->subnet_id = rc->subnet_id;
	c->addr = addr;
	c->state = FO_BS_ACTIVE;
	c->client = b->client;
	c->expiry = fo_wall_at(b->expiry);
	c->cltt = fo_wall_at(b->cltt);
	c->extra = b->extra;
	c->only_if_missing = true;
	rc->last = addr;
}

/* The first map entry at or after the cursor's subnet; n_map when none. */
static size_t
replay_scope(const fo_engine *eng, const fo_replay_cursor *cur)
{
	size_t lo = 0, hi = eng->n_map;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (eng->map[mid].subnet_id < cur->subnet_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
fo_engine_replay_next(fo_engine *eng, fo_replay_cursor *cur, fo_lease_change *out, size_t max)
{
	struct replay_ctx rc = { out, 0, 0, 0 };

	if (eng == NULL || cur == NULL || out == NULL || cur->done)
		return 0;
	for (size_t i = replay_scope(eng, cur); i < eng->n_map && rc.n < max; i++) {
		const fo_scope_map *m = &eng->map[i];
		fo_ip4 from = m->subnet_id == cur->subnet_id ? cur->next : 0;
		size_t want = max - rc.n, got;

		cur->subnet_id = m->subnet_id;
		cur->next = from;
		if (m->scope == NULL)
			got = 0;
		else {
			rc.subnet_id = m->subnet_id;
			got = fo_scope_visit_range(m->scope, from, UINT32_MAX, 1u << FO_BS_ACTIVE,
			    want, replay_one, &rc);
		}
		if (got == want && rc.last != UINT32_MAX) {
			cur->next = rc.last + 1;        /* this scope may hold more */
			return rc.n;
		}
		if (m->subnet_id == UINT32_MAX)
			break;
		cur->subnet_id = m->subnet_id + 1;  /* this scope is done */
		cur->next = 0;
	}
	if (rc.n < max)
		cur->done = true;
	return rc.n;
}

void
fo_engine_replay_bindings(fo_engine *eng)
{
	fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;
	fo_lease_change batch[32];
	size_t n;

	if (eng == NULL || eng->host.lease_changed == NULL)
		return;
	while ((n = fo_engine_replay_next(eng, &cur, batch, 32)) > 0)
		for (size_t i = 0; i < n; i++)
			eng->host.lease_changed(eng->host.ctx, &batch[i]);
}

void
fo_engine_shutdown(fo_engine *eng, fo_wall now)
{
	char err[512];

	if (eng == NULL)
		return;
	fo_engine_stop(eng);
	for (size_t i = 0; eng->rt != NULL && i < eng->rels.n; i++) {
		err[0] = '\0';
		if (fo_runtime_stop_clean(&eng->rt[i], now, err, sizeof(err)) != FO_OK)
			fo_log(&eng->host, FO_EVT_CLEAN_STOP_NOT_RECORDED,
			    FO_S(eng->rels.rel[i].name), FO_S(err));
	}
}

void
fo_engine_destroy(fo_engine *eng)
{
	int fd;

	if (eng == NULL)
		return;
	fo_engine_stop(eng);
	for (size_t i = 0; eng->peers != NULL && i < eng->rels.n; i++)
		fo_peer_destroy(eng->peers[i]);
	fo_free(eng->peers);
	if ((fd = atomic_load(&eng->wakeup.fd)) >= 0)
		close(fd);
	for (size_t i = 0; eng->rt != NULL && i < eng->rels.n; i++)
		fo_runtime_fini(&eng->rt[i]);
	fo_free(eng->rt);
	fo_free(eng->map);
	fo_free(eng->notes);
	fo_relationship_set_clear(&eng->rels);
	fo_select_free(&eng->select);
	free_subnets(eng->subnets, eng->n_subnets);
	fo_retired_clear(&eng->retired);
	fo_free(eng->retired_ids);
	fo_free(eng);
}

fo_status
fo_engine_check(const char *params_json, char *err, size_t errlen)
{
	fo_relationship_set rels;
	fo_status st;

	if (params_json == NULL)
		return FO_ERR_INVAL;
	memset(&rels, 0, sizeof(rels));
	st = fo_config_parse(params_json, &rels, err, errlen);
	fo_relationship_set_clear(&rels);
	return st;
}

size_t
fo_engine_relationship_count(const fo_engine *eng)
{
	return eng != NULL ? eng->rels.n : 0;
}

/* ---- The packet path ---------------------------------------------------- */

static const fo_subnet *
find_subnet(const fo_subnet *subnets, size_t n, fo_ip4 prefix)
{
	for (size_t i = 0; i < n; i++)
		if (subnets[i].prefix == prefix)
			return &subnets[i];
	return NULL;
}

static void
log_scope(const fo_engine *eng, fo_runtime *rt, fo_scope *sc, const char *how)
{
	fo_scope_counts c;
	bool prim = rt->rel->server_type == FO_PRIMARY;
	char a[16];

	fo_scope_counts_get(sc, &c);
	fo_ip4_str(fo_scope_id(sc), a, sizeof(a));
	fo_log(&eng->host, FO_EVT_SCOPE_OPENED, FO_S(rt->rel->name), FO_S(a),
	    FO_U(fo_scope_subnet_id(sc)), FO_U(c.total), FO_U(c.by_state[prim ? FO_BS_FREE : FO_BS_BACKUP]),
	    FO_U(c.by_state[prim ? FO_BS_BACKUP : FO_BS_FREE]), FO_U(c.by_state[FO_BS_ACTIVE]),
	    FO_S(how));
}

/* One relationship's scopes after opening: in service, or closed with the reason. */
typedef struct fo_opened {
	fo_scope **open;
	size_t n_open;
	fo_closed_scope *closed;
	size_t n_closed;
} fo_opened;

static void
opened_free(fo_opened *o)
{
	for (size_t i = 0; o->open != NULL && i < o->n_open; i++)
		fo_scope_close(o->open[i]);
	fo_free(o->open);
	fo_free(o->closed);
	memset(o, 0, sizeof(*o));
}

static void
add_note(fo_engine *eng, fo_attach_note_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Keep one line for fo_engine_attach_notes() (a line lost to no memory is only logged). */
static void
add_note(fo_engine *eng, fo_attach_note_kind kind, const char *fmt, ...)
{
	fo_note *n = fo_realloc(eng->notes, (eng->n_notes + 1) * sizeof(*n));
	char line[sizeof(n->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n == NULL) {
		fo_log(&eng->host, kind == FO_NOTE_SCOPE_CLOSED ? FO_EVT_SCOPE_CLOSED :
		    FO_EVT_BINDINGS_LOST, FO_S(line));
		return;
	}
	eng->notes = n;
	n[eng->n_notes].kind = kind;
	memcpy(n[eng->n_notes++].text, line, sizeof(line));
}

/* What the operator must do about a journal that could not be opened. */
static const char *
journal_advice(fo_status st, const char *path, const char *dir)
{
	if (st == FO_ERR_NOMEM)
		return "restart kea-dhcp4 when memory is available";
	if (access(dir, W_OK | X_OK) != 0 || (access(path, F_OK) == 0 &&
	    access(path, R_OK | W_OK) != 0))
		return "make the state directory and the journal readable and writable by "
		    "kea-dhcp4, then restart it (or config-reload)";
	return "move the damaged journal aside and restart kea-dhcp4 (or config-reload): the "
	    "scope then recovers its bindings from the partner, and from Kea's lease database";
}

/* Close scope k of rt: the reason, and a note for the host's log. */
static void
close_scope(fo_engine *eng, const fo_runtime *rt, fo_opened *o, fo_ip4 scope_id,
    uint32_t subnet_id, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
close_scope(fo_engine *eng, const fo_runtime *rt, fo_opened *o, fo_ip4 scope_id,
    uint32_t subnet_id, const char *fmt, ...)
{
	fo_closed_scope *c = &o->closed[o->n_closed++];
	char a[16];
	va_list ap;

	c->scope_id = scope_id;
	c->subnet_id = subnet_id;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	fo_ip4_str(scope_id, a, sizeof(a));
	if (subnet_id != 0)
		add_note(eng, FO_NOTE_SCOPE_CLOSED, "relationship %s: scope %s (subnet %u) is "
		    "closed, it answers no client: %s", rt->rel->name, a, (unsigned)subnet_id, c->why);
	else
		add_note(eng, FO_NOTE_SCOPE_CLOSED, "relationship %s: scope %s is closed, it "
		    "answers no client: %s", rt->rel->name, a, c->why);
}

struct seed_ctx {
	fo_scope *sc;
	fo_wall now;
	size_t seeded, failed;
};

static void
seed_one(void *arg, const fo_lease *l, bool declined)
{
	struct seed_ctx *c = arg;
	fo_status st = fo_scope_seed(c->sc, l, declined, c->now);

	c->seeded += st == FO_OK;
	c->failed += st != FO_OK && st != FO_ERR_NOTFOUND;
}

static bool
had_bindings(const fo_runtime *rt, fo_state *saved)
{
	fo_saved_state sv;
	char why[256];

	if (fo_state_load(rt->state_path, &sv, why, sizeof(why)) != FO_OK || !sv.valid)
		return false;
	*saved = sv.state;
	return sv.state != FO_STATE_NOSTATE && sv.state != FO_STATE_INIT;
}

/*
 * A scope opened without a binding (a new journal): were its bindings lost?
 * Yes when Kea's lease database holds leases of it (they are rebuilt into
 * the table), or when its journal existed (zero-length, header only) while
 * the saved state had bindings. Then the relationship starts towards
 * RECOVER (fo_runtime.h, bindings_lost) and a note says so. A journal that
 * is missing with no Kea lease is a new scope (one added to the
 * relationship looks the same).
 */
static bool
lost_bindings(fo_engine *eng, fo_runtime *rt, fo_scope *sc, const char *path, bool existed,
    fo_wall now)
{
	struct seed_ctx c = { .sc = sc, .now = now };
	fo_state saved = FO_STATE_NOSTATE;
	bool had = had_bindings(rt, &saved);
	char a[16];

	if (rt->started)
		return false;           /* a running relationship: its scopes were replaced */
	if (eng->host.kea_leases != NULL)
		eng->host.kea_leases(eng->host.ctx, fo_scope_subnet_id(sc), seed_one, &c);
	if (c.seeded == 0 && !(existed && had))
		return false;
	rt->bindings_lost = true;
	fo_ip4_str(fo_scope_id(sc), a, sizeof(a));
	add_note(eng, FO_NOTE_BINDINGS_LOST, "relationship %s: scope %s (subnet %u): the journal "
	    "%s %s, the saved state is %s and Kea's lease database holds %zu lease(s) of the "
	    "scope: its bindings were lost. %zu binding(s) rebuilt from Kea's leases%s; the "
	    "relationship goes through Recover: it asks the partner for every binding (UPDREQALL) "
	    "and answers clients again MCLT (%u s) after the partner's answer; while the partner "
	    "is absent it stays in Recover and answers no client of the relationship",
	    rt->rel->name, a, (unsigned)fo_scope_subnet_id(sc), path,
	    existed ? "holds no binding" : "is missing", fo_state_name(saved), c.seeded + c.failed,
	    c.seeded, c.failed ? " (some could not be journaled)" : "", (unsigned)rt->rel->mclt);
	return true;
}

/* Open scope k of one relationship, or close it with the reason. */
static fo_status
open_scope(fo_engine *eng, fo_runtime *rt, size_t k, const fo_subnet *subnets, size_t n,
    fo_wall now, fo_opened *o)
{
	const fo_relationship *r = rt->rel;
	char path[PATH_MAX], a[16], why[512] = "";
	bool created = false, existed;
	fo_status st;
	fo_scope_config cfg = { .scope_id = r->scopes[k].scope_id, .journal_path = path,
	    .policy = &eng->policy, .host = &eng->host, .rel_name = r->name,
	    .counters = &rt->ctr, .wakeup = &eng->wakeup,
	    .secondary_percent = fo_relationship_secondary_address_percent(r) };

	fo_ip4_str(cfg.scope_id, a, sizeof(a));
	if ((cfg.subnet = find_subnet(subnets, n, cfg.scope_id)) == NULL) {
		close_scope(eng, rt, o, cfg.scope_id, 0, FO_YANG_PATH_FMT ": no Kea subnet4 has "
		    "this network address; add that subnet4 to Kea's configuration or remove the "
		    "scope-id, then config-reload", r->name, a);
		return FO_OK;
	}
	if ((st = fo_runtime_journal_path(rt, cfg.scope_id, path, sizeof(path))) != FO_OK) {
		close_scope(eng, rt, o, cfg.scope_id, cfg.subnet->subnet_id, "the journal path "
		    "under %s is too long; choose a shorter state-directory", rt->dir);
		return FO_OK;
	}
	existed = access(path, F_OK) == 0;
	st = fo_scope_open(&o->open[o->n_open], &cfg, now, &created, why, sizeof(why));
	if (st == FO_ERR_CONFIG) {
		close_scope(eng, rt, o, cfg.scope_id, cfg.subnet->subnet_id, "%s; give the "
		    "subnet4 a pool, then config-reload", why[0] ? why : fo_status_name(st));
		return FO_OK;
	}
	if (st != FO_OK) {
		close_scope(eng, rt, o, cfg.scope_id, cfg.subnet->subnet_id, "%s; %s",
		    why[0] ? why : fo_status_name(st), journal_advice(st, path, rt->dir));
		return FO_OK;
	}
	fo_scope *sc = o->open[o->n_open++];
	log_scope(eng, rt, sc, !created ? "restored" : !lost_bindings(eng, rt, sc, path, existed,
	    now) ? "new (pool split)" : "rebuilt from Kea's lease database (bindings lost, "
	    "recovering)");
	return FO_OK;
}

/* Open the scopes of one relationship; those that cannot be opened are closed. */
static fo_status
open_scopes(fo_engine *eng, fo_runtime *rt, const fo_subnet *subnets, size_t n, fo_wall now,
    fo_opened *o)
{
	size_t ns = rt->rel->n_scopes ? rt->rel->n_scopes : 1;

	memset(o, 0, sizeof(*o));
	if ((o->open = fo_calloc(ns, sizeof(*o->open))) == NULL ||
	    (o->closed = fo_calloc(ns, sizeof(*o->closed))) == NULL) {
		opened_free(o);
		return FO_ERR_NOMEM;
	}
	for (size_t k = 0; k < rt->rel->n_scopes; k++)
		(void)open_scope(eng, rt, k, subnets, n, now, o);
	return FO_OK;
}

/*
 * The relationship could not start (its state cannot be saved): every
 * scope of it is closed.
 */
static void
close_relationship(fo_engine *eng, fo_runtime *rt, fo_opened *o, const char *why)
{
	for (size_t i = 0; i < o->n_open; i++) {
		close_scope(eng, rt, o, fo_scope_id(o->open[i]), fo_scope_subnet_id(o->open[i]),
		    "%s; make %s writable by kea-dhcp4, then restart it (or config-reload)", why,
		    rt->dir);
		fo_scope_close(o->open[i]);
	}
	o->n_open = 0;
}

static int
map_cmp(const void *a, const void *b)
{
	const fo_scope_map *x = a, *y = b;

	return x->subnet_id < y->subnet_id ? -1 : x->subnet_id > y->subnet_id;
}

/* Install the new scopes, open and closed, and the subnet map (no packet is in flight). */
static fo_status
install(fo_engine *eng, fo_opened *o)
{
	size_t total = 0, m = 0;
	fo_scope_map *map;

	for (size_t i = 0; i < eng->rels.n; i++)
		total += o[i].n_open + o[i].n_closed;
	if ((map = fo_calloc(total ? total : 1, sizeof(*map))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < eng->rels.n; i++) {
		fo_ip4 partner = fo_relationship_partner_ip4(&eng->rels.rel[i]);

		for (size_t k = 0; k < o[i].n_open; k++) {
			map[m].subnet_id = fo_scope_subnet_id(o[i].open[k]);
			map[m].scope = o[i].open[k];
			map[m].partner_ip = partner;
			map[m++].rt = &eng->rt[i];
		}
		for (size_t k = 0; k < o[i].n_closed; k++) {
			if (o[i].closed[k].subnet_id == 0)
				continue;       /* no Kea subnet: Kea never selects it */
			map[m].subnet_id = o[i].closed[k].subnet_id;
			map[m++].rt = &eng->rt[i];
		}
		/* The driver's session uses the scopes: swap them under its lock. */
		if (eng->peers != NULL)
			fo_peer_lock(eng->peers[i]);
		fo_runtime_set_scopes(&eng->rt[i], o[i].open, o[i].n_open);
		fo_runtime_set_closed(&eng->rt[i], o[i].closed, o[i].n_closed);
		if (eng->peers != NULL)
			fo_peer_unlock(eng->peers[i]);
		memset(&o[i], 0, sizeof(o[i]));
	}
	qsort(map, m, sizeof(*map), map_cmp);
	fo_free(eng->map);
	eng->map = map;
	eng->n_map = m;
	return FO_OK;
}

/* Keep deep copies of Kea's subnets for run-time changes (fo_engine_replace_set). */
static void
free_subnets(fo_subnet *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fo_free((void *)s[i].pools);
		fo_free((void *)s[i].reserved);
	}
	fo_free(s);
}

static fo_status
save_subnets(fo_engine *eng, const fo_subnet *subnets, size_t n)
{
	fo_subnet *c = fo_calloc(n ? n : 1, sizeof(*c));

	if (c == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		fo_pool_range *p = NULL;
		fo_ip4 *r = NULL;

		c[i] = subnets[i];
		c[i].pools = NULL;
		c[i].reserved = NULL;
		if (subnets[i].n_pools > 0 &&
		    (p = fo_malloc(subnets[i].n_pools * sizeof(*p))) == NULL)
			goto nomem;
		if (p != NULL)
			memcpy(p, subnets[i].pools, subnets[i].n_pools * sizeof(*p));
		c[i].pools = p;
		if (subnets[i].n_reserved > 0 &&
		    (r = fo_malloc(subnets[i].n_reserved * sizeof(*r))) == NULL)
			goto nomem;
		if (r != NULL)
			memcpy(r, subnets[i].reserved, subnets[i].n_reserved * sizeof(*r));
		c[i].reserved = r;
	}
	fo_select_free(&eng->select);
	free_subnets(eng->subnets, eng->n_subnets);
	eng->subnets = c;
	eng->n_subnets = n;
	/* Without memory the index answers "don't know": subnet4_select decides alone. */
	(void)fo_select_build(&eng->select, c, n);
	return FO_OK;
nomem:
	free_subnets(c, n);
	return FO_ERR_NOMEM;
}

/* Start each relationship once (its state from disk); one that cannot is closed. */
static void
start_relationships(fo_engine *eng, fo_opened *o, fo_wall now)
{
	char why[512];

	for (size_t i = 0; i < eng->rels.n; i++) {
		why[0] = '\0';
		if (fo_runtime_start(&eng->rt[i], now, why, sizeof(why)) != FO_OK)
			close_relationship(eng, &eng->rt[i], &o[i], why[0] ? why :
			    "its state cannot be saved");
	}
}

fo_status
fo_engine_attach(fo_engine *eng, const fo_subnet *subnets, size_t n, fo_wall now,
    char *err, size_t errlen)
{
	fo_opened *o;
	fo_status st = FO_OK;
	size_t i;

	if (eng == NULL || (n > 0 && subnets == NULL))
		return FO_ERR_INVAL;
	eng->n_notes = 0;
	if (subnets != eng->subnets && save_subnets(eng, subnets, n) != FO_OK) {
		st = FO_ERR_NOMEM;
		goto fail;
	}
	if ((o = fo_calloc(eng->rels.n ? eng->rels.n : 1, sizeof(*o))) == NULL) {
		st = FO_ERR_NOMEM;
		goto fail;
	}
	for (i = 0; i < eng->rels.n && st == FO_OK; i++)
		st = open_scopes(eng, &eng->rt[i], eng->subnets, eng->n_subnets, now, &o[i]);
	if (st == FO_OK) {
		start_relationships(eng, o, now);
		st = install(eng, o);
	}
	for (i = 0; i < eng->rels.n; i++)
		opened_free(&o[i]);
	fo_free(o);
	if (st == FO_OK) {
		eng->attached = true;
		fo_engine_retired_sync(eng);
		return FO_OK;
	}
fail:
	/* Nothing could be placed: every failover scope is closed (fo_engine_query). */
	eng->attached = false;
	fo_errf(err, errlen, "the failover scopes could not be bound to Kea's subnets (%s): "
	    "every failover scope is closed and answers no client; restart kea-dhcp4",
	    fo_status_name(st));
	return st;
}

size_t
fo_engine_attach_notes(const fo_engine *eng, fo_attach_note *out, size_t max)
{
	if (eng == NULL)
		return 0;
	for (size_t i = 0; out != NULL && i < eng->n_notes && i < max; i++) {
		out[i].kind = eng->notes[i].kind;
		out[i].text = eng->notes[i].text;
	}
	return eng->n_notes;
}

/* The scope of a Kea subnet, NULL when it is not a failover scope. No lock. */
static const fo_scope_map *
lookup(const fo_engine *eng, uint32_t subnet_id)
{
	size_t lo = 0, hi = eng != NULL ? eng->n_map : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (eng->map[mid].subnet_id == subnet_id)
			return &eng->map[mid];
		if (eng->map[mid].subnet_id < subnet_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Not attached (before the first attach, or it could not place the
 * scopes): is this subnet possibly a failover scope's? Yes when its network
 * address is a scope-id, or when the engine does not know it.
 */
static bool
maybe_failover(const fo_engine *eng, uint32_t subnet_id)
{
	if (eng == NULL || (eng->rels.n == 0 && eng->retired.n == 0 && !eng->retired.damaged))
		return false;
	for (size_t i = 0; i < eng->n_subnets; i++)
		if (eng->subnets[i].subnet_id == subnet_id)
			return fo_relationship_set_find_scope(&eng->rels,
			    eng->subnets[i].prefix) != NULL || eng->retired.damaged ||
			    fo_retired_has(&eng->retired, eng->subnets[i].prefix);
	return true;
}

static int
id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A subnet in no relationship: retired here (fo_engine_retired_sync's ids)?
 * Nothing but a length test when none is.
 */
static bool
retired(const fo_engine *eng, uint32_t subnet_id)
{
	return eng != NULL && eng->n_retired_ids > 0 && bsearch(&subnet_id, eng->retired_ids,
	    eng->n_retired_ids, sizeof(*eng->retired_ids), id_cmp) != NULL;
}

fo_retired *
fo_engine_retired(fo_engine *eng)
{
	return &eng->retired;
}

#define LIFT_MAX 64                     /* lifted retirements logged by one sync */

void
fo_engine_retired_sync(fo_engine *eng)
{
	fo_ip4 gone[LIFT_MAX];
	char err[PATH_MAX + 300] = "", a[16];
	uint32_t *ids;
	size_t n = 0;

	if (fo_retired_sync(&eng->retired, &eng->rels, eng->subnets, eng->n_subnets, gone,
	    LIFT_MAX, &n, err, sizeof(err)) != FO_OK)
		fo_log(&eng->host, FO_EVT_RETIRED_NOT_SAVED, FO_S(err));
	for (size_t i = 0; i < n && i < LIFT_MAX; i++) {
		const fo_relationship *r = fo_relationship_set_find_scope(&eng->rels, gone[i]);

		fo_ip4_str(gone[i], a, sizeof(a));
		if (r != NULL)
			fo_log(&eng->host, FO_EVT_SCOPE_RETIREMENT_LIFTED, FO_S(a), FO_S(r->name));
		else
			fo_log(&eng->host, FO_EVT_SCOPE_RETIREMENT_MOOT, FO_S(a));
	}
	if (fo_retired_subnet_ids(&eng->retired, &eng->rels, eng->subnets, eng->n_subnets, &ids,
	    &n) != FO_OK) {
		/* The previous ids stay: logged, as a list that cannot be used. */
		fo_log(&eng->host, FO_EVT_RETIRED_DAMAGED, FO_S(eng->retired.path),
		    FO_S("out of memory"));
		return;
	}
	if (ids != NULL)
		qsort(ids, n, sizeof(*ids), id_cmp);
	fo_free(eng->retired_ids);
	eng->retired_ids = ids;
	eng->n_retired_ids = n;
}

fo_verdict
fo_engine_query(fo_engine *eng, uint32_t subnet_id, fo_msg msg, uint16_t secs,
    const fo_client_ref *client, fo_wall now)
{
	const fo_scope_map *m = lookup(eng, subnet_id);
	fo_serve_view v;
	uint8_t bucket;

	(void)now;
	if (m == NULL && eng != NULL && !eng->attached)
		return maybe_failover(eng, subnet_id) ? FO_V_DROP : FO_V_PASS;
	if (m == NULL && !retired(eng, subnet_id))
		return FO_V_PASS;
	if (m == NULL) {
		if (eng->host.stat_add != NULL)
			eng->host.stat_add(eng->host.ctx, FO_RETIRED_STAT, 1);
		return FO_V_DROP;
	}
	if (client == NULL)
		return FO_V_PASS;
	if (m->scope == NULL) {
		fo_counter_inc(&m->rt->ctr, FO_CTR_DROPPED_CLOSED);
		return FO_V_DROP;
	}
	fo_runtime_view(m->rt, &v);
	bucket = fo_hash_client(client->cid, client->cid_len, client->chaddr, client->hlen);
	if (fo_serve_answer(&v, msg, bucket, secs))
		return FO_V_PASS;
	/* In NORMAL the only reason is that the client is the partner's (its bucket, or HotStandby). */
	fo_counter_inc(&m->rt->ctr, v.state == FO_STATE_NORMAL ? FO_CTR_LEFT_TO_PARTNER :
	    FO_CTR_DROPPED_BY_STATE);
	return FO_V_DROP;
}

/*
 * A REQUEST naming the partner as its server (option 54 is the partner's
 * address, no relay's server identifier override, RFC 5107 section 4): Kea
 * would drop it after its parse for a server identifier not its own.
 */
static bool
for_partner(const fo_pkt4 *pkt, const fo_scope_map *m)
{
	return pkt->type == FO_DHCPREQUEST && pkt->server_id && !pkt->server_id_override &&
	    m->partner_ip != 0 && pkt->server_id_addr == m->partner_ip;
}

fo_verdict
fo_engine_receive(fo_engine *eng, const uint8_t *p, size_t n)
{
	const fo_scope_map *m;
	fo_client_ref client;
	fo_serve_view v;
	uint32_t subnet_id;
	fo_pkt4 pkt;
	fo_msg msg;

	if (eng == NULL || !eng->attached || fo_pkt4_parse(p, n, &pkt) != FO_OK ||
	    !fo_pkt4_relayed(&pkt) || pkt.link_selection || pkt.subnet_selection)
		return FO_V_PASS;
	msg = fo_pkt4_msg(&pkt, false);
	/* BOOTP: Kea drops it, or a BOOTP hook makes it a REQUEST (subnet4_select's msg). */
	if ((!fo_msg_balanced(msg) && msg != FO_MSG_REQUEST_SELECTING) || msg == FO_MSG_BOOTP ||
	    !fo_select_by_giaddr(&eng->select, pkt.giaddr, &subnet_id))
		return FO_V_PASS;
	if ((m = lookup(eng, subnet_id)) == NULL || m->scope == NULL)
		return FO_V_PASS;
	fo_runtime_view(m->rt, &v);
	if (v.state != FO_STATE_NORMAL)
		return FO_V_PASS;
	if (msg == FO_MSG_REQUEST_SELECTING) {
		if (!for_partner(&pkt, m))
			return FO_V_PASS;
		fo_counter_inc(&m->rt->ctr, FO_CTR_PARTNER_REQUESTS_AT_RECEIVE);
		return FO_V_DROP;
	}
	client = fo_pkt4_client(&pkt);
	if ((client.hlen == 0 && client.cid == NULL) || fo_serve_answer(&v, msg,
	    fo_hash_client(client.cid, client.cid_len, client.chaddr, client.hlen), pkt.secs))
		return FO_V_PASS;
	fo_counter_inc(&m->rt->ctr, FO_CTR_LEFT_TO_PARTNER);
	fo_counter_inc(&m->rt->ctr, FO_CTR_LEFT_AT_RECEIVE);
	return FO_V_DROP;
}

/* A closed scope, or not attached and possibly a failover scope: no lease. */
static bool
refused(const fo_engine *eng, const fo_scope_map *m, const fo_lease *l)
{
	if (m != NULL)
		return m->scope == NULL;
	if (l != NULL && eng != NULL && eng->attached)
		return retired(eng, l->subnet_id);
	return l != NULL && eng != NULL && !eng->attached && maybe_failover(eng, l->subnet_id);
}

/* lease4_select and lease4_renew: the scope's rule `fn`, or refused, or Kea's business. */
static fo_verdict
lease_rule(fo_engine *eng, fo_lease *l, fo_wall now,
    fo_verdict (*fn)(fo_scope *, const fo_serve_view *, fo_lease *, fo_wall))
{
	const fo_scope_map *m = l != NULL ? lookup(eng, l->subnet_id) : NULL;
	fo_serve_view v;

	if (refused(eng, m, l))
		return FO_V_REFUSE;
	if (m == NULL)
		return FO_V_PASS;
	fo_runtime_view(m->rt, &v);
	return fn(m->scope, &v, l, now);
}

fo_verdict
fo_engine_lease_select(fo_engine *eng, fo_lease *l, fo_wall now)
{
	return lease_rule(eng, l, now, fo_scope_select);
}

fo_verdict
fo_engine_lease_renew(fo_engine *eng, fo_lease *l, fo_wall now)
{
	return lease_rule(eng, l, now, fo_scope_renew);
}

bool
fo_engine_kea_lease_stale(fo_engine *eng, const fo_lease *l, fo_wall now)
{
	const fo_scope_map *m = l != NULL ? lookup(eng, l->subnet_id) : NULL;

	return m != NULL && m->scope != NULL && fo_scope_contradicts(m->scope, l, now);
}

fo_verdict
fo_engine_admin_lease(fo_engine *eng, fo_lease *l, char *why, size_t whylen, fo_wall now)
{
	const fo_scope_map *m = l != NULL ? lookup(eng, l->subnet_id) : NULL;
	fo_serve_view v;
	fo_lease_change c = { .state = FO_BS_FREE };

	fo_errf(why, whylen, "%s", "");
	if (refused(eng, m, l)) {
		fo_errf(why, whylen, "the failover scope of subnet %u is closed (its bindings "
		    "cannot be trusted) or not attached yet", (unsigned)l->subnet_id);
		if (eng->host.lease_changed != NULL) {
			c.subnet_id = l->subnet_id;
			c.addr = l->addr;
			eng->host.lease_changed(eng->host.ctx, &c);     /* out of Kea's database */
		}
		return FO_V_REFUSE;
	}
	if (m == NULL)
		return FO_V_PASS;
	fo_runtime_view(m->rt, &v);
	return fo_scope_admin(m->scope, &v, l, why, whylen, now);
}

fo_verdict
fo_engine_ack_check(fo_engine *eng, fo_ack *a, fo_wall now)
{
	fo_serve_view v;
	fo_verdict vd;

	for (size_t i = 0; eng != NULL && a != NULL && i < eng->n_map; i++) {
		const fo_scope_map *m = &eng->map[i];

		if (m->scope == NULL)
			continue;       /* closed: its queries were dropped (fo_engine_query) */
		fo_runtime_view(m->rt, &v);
		if (fo_scope_ack(m->scope, &v, a, now, &vd))
			return vd;
	}
	return FO_V_PASS;
}

fo_verdict
fo_engine_nak_check(fo_engine *eng, fo_ip4 addr, const fo_client_ref *client, fo_wall now)
{
	fo_serve_view v;
	fo_verdict vd;

	for (size_t i = 0; eng != NULL && client != NULL && i < eng->n_map; i++) {
		const fo_scope_map *m = &eng->map[i];

		if (m->scope == NULL)
			continue;
		fo_runtime_view(m->rt, &v);
		if (fo_scope_nak(m->scope, &v, addr, client, now, &vd))
			return vd;
	}
	return FO_V_PASS;
}

fo_verdict
fo_engine_lease_event(fo_engine *eng, fo_lease_event ev, const fo_lease *l, fo_wall now)
{
	const fo_scope_map *m = l != NULL ? lookup(eng, l->subnet_id) : NULL;

	return m != NULL && m->scope != NULL ? fo_scope_event(m->scope, ev, l, now) : FO_V_PASS;
}

void
fo_engine_tick(fo_engine *eng, fo_wall now, fo_mono mono)
{
	for (size_t i = 0; eng != NULL && i < eng->rels.n; i++)
		fo_runtime_tick(&eng->rt[i], now, mono);
}

fo_status
fo_engine_get_binding(fo_engine *eng, uint32_t subnet_id, fo_ip4 addr, fo_binding_info *out)
{
	const fo_scope_map *m = lookup(eng, subnet_id);

	if (out == NULL)
		return FO_ERR_INVAL;
	if (m == NULL || m->scope == NULL)
		return FO_ERR_NOTFOUND;
	return fo_scope_get(m->scope, addr, out);
}

/* The relationship failover-get selects by name and/or scope; *only NULL: all. */
static fo_status
get_select(fo_engine *eng, const char *name, fo_ip4 scope, const fo_relationship **only,
    char *err, size_t errlen)
{
	char a[16];

	*only = NULL;
	if (name != NULL && (*only = fo_relationship_set_find(&eng->rels, name)) == NULL) {
		fo_errf(err, errlen, "no failover relationship named '%s'", name);
		return FO_ERR_NOTFOUND;
	}
	if (scope != 0) {
		const fo_relationship *r = fo_relationship_set_find_scope(&eng->rels, scope);

		fo_ip4_str(scope, a, sizeof(a));
		if (r == NULL || (*only != NULL && r != *only)) {
			fo_errf(err, errlen, "no failover relationship %s scope %s",
			    *only != NULL ? "with that name has" : "has", a);
			return FO_ERR_NOTFOUND;
		}
		*only = r;
	}
	return FO_OK;
}

/* failover-get's answer; pg NULL: without bindings, else its page is collected first. */
static fo_status
get_json(fo_engine *eng, const char *name, fo_ip4 scope, fo_report_page *pg, char **out,
    char *err, size_t errlen)
{
	const fo_relationship *only;
	fo_runtime *sel[1];
	fo_status st;
	fo_json j;

	if (eng == NULL || out == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if ((st = get_select(eng, name, scope, &only, err, errlen)) != FO_OK)
		return st;
	if (pg != NULL) {
		fo_runtime **rts = sel;
		size_t n = 1;

		sel[0] = only != NULL ? &eng->rt[only - eng->rels.rel] : NULL;
		if (only == NULL) {
			if ((rts = fo_calloc(eng->rels.n ? eng->rels.n : 1, sizeof(*rts))) == NULL)
				return FO_ERR_NOMEM;
			for (n = 0; n < eng->rels.n; n++)
				rts[n] = &eng->rt[n];
		}
		st = fo_report_page_collect(pg, rts, n);
		if (rts != sel)
			fo_free(rts);
		if (st != FO_OK) {
			fo_errf(err, errlen, "%s for a page of %u bindings", fo_status_name(st),
			    (unsigned)pg->limit);
			return st;
		}
	}
	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_key(&j, "relationships");
	fo_json_arr_begin(&j);
	for (size_t i = 0; i < eng->rels.n; i++)
		if (only == NULL || only == &eng->rels.rel[i])
			fo_report_relationship_page(&j, &eng->rt[i], pg);
	fo_json_arr_end(&j);
	if (pg != NULL) {
		fo_json_key(&j, "bindings-page");
		fo_report_page_info(&j, pg);
	}
	fo_json_obj_end(&j);
	return fo_json_finish(&j, out);
}

fo_status
fo_engine_get_json(fo_engine *eng, const char *name, fo_ip4 scope, bool with_bindings,
    fo_wall now, char **out, char *err, size_t errlen)
{
	fo_report_page pg = { .from = 0, .limit = FO_ENGINE_PAGE_DEFAULT };
	fo_status st;

	(void)now;
	st = get_json(eng, name, scope, with_bindings ? &pg : NULL, out, err, errlen);
	fo_report_page_free(&pg);
	return st;
}

fo_status
fo_engine_get_page_json(fo_engine *eng, const char *name, fo_ip4 scope, fo_ip4 from,
    uint32_t limit, fo_wall now, char **out, size_t *count, fo_ip4 *next, char *err,
    size_t errlen)
{
	fo_report_page pg = { .from = from, .limit = limit };
	fo_status st;

	(void)now;
	if (limit == 0 || limit > FO_ENGINE_PAGE_MAX) {
		fo_errf(err, errlen, "limit: must be 1 to %u", FO_ENGINE_PAGE_MAX);
		return FO_ERR_INVAL;
	}
	st = get_json(eng, name, scope, &pg, out, err, errlen);
	if (count != NULL)
		*count = pg.n;
	if (next != NULL)
		*next = st == FO_OK && pg.more && pg.n > 0 ? pg.items[pg.n - 1].addr : 0;
	fo_report_page_free(&pg);
	return st;
}

void
fo_engine_enable_test_seam(fo_engine *eng)
{
	if (eng != NULL)
		eng->test_seam = true;
}

fo_status
fo_engine_test_set_state(fo_engine *eng, const char *name, fo_state mine, fo_state partner,
    fo_wall now, char *err, size_t errlen)
{
	const fo_relationship *r;

	if (eng == NULL || name == NULL)
		return FO_ERR_INVAL;
	if (!eng->test_seam) {
		fo_errf(err, errlen, "the test seam is disabled (set KEA_FAILOVER_TEST_SEAM=1 in "
		    "kea-dhcp4's environment to enable it)");
		return FO_ERR_STATE;
	}
	if ((unsigned)mine >= FO_STATE_COUNT || (unsigned)partner >= FO_STATE_COUNT) {
		fo_errf(err, errlen, "state out of range");
		return FO_ERR_INVAL;
	}
	if ((r = fo_relationship_set_find(&eng->rels, name)) == NULL) {
		fo_errf(err, errlen, "no failover relationship named '%s'", name);
		return FO_ERR_NOTFOUND;
	}
	return fo_runtime_set_state(&eng->rt[r - eng->rels.rel], mine, partner, now, "test seam",
	    err, errlen);
}

/* ---- The partner protocol ------------------------------------------------ */

static fo_status
make_peers(fo_engine *eng)
{
	fo_status st;

	if (eng->peers != NULL)
		return FO_OK;
	if ((eng->peers = fo_calloc(eng->rels.n ? eng->rels.n : 1, sizeof(*eng->peers))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < eng->rels.n; i++)
		if ((st = fo_peer_create(&eng->peers[i], &eng->rt[i])) != FO_OK)
			return st;
	return FO_OK;
}

fo_status
fo_engine_start(fo_engine *eng, char *err, size_t errlen)
{
	fo_status st;
	int fd;

	if (eng == NULL)
		return FO_ERR_INVAL;
	if (eng->net != NULL || eng->map == NULL) {
		fo_errf(err, errlen, eng->net != NULL ? "the failover protocol is already running" :
		    "the engine is not attached to Kea's subnets yet");
		return FO_ERR_STATE;
	}
	if ((st = make_peers(eng)) != FO_OK)
		return st;
	if (atomic_load(&eng->wakeup.fd) < 0) {
		if ((fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
			fo_errf(err, errlen, "eventfd failed");
			return FO_ERR_IO;
		}
		atomic_store(&eng->wakeup.fd, fd);
	}
	for (size_t i = 0; i < eng->rels.n; i++)
		atomic_store(&eng->rt[i].driven, true);
	st = fo_net_create(&eng->net, eng->rt, eng->peers, eng->rels.n, &eng->wakeup, &eng->host,
	    err, errlen);
	if (st == FO_OK && (st = fo_net_start(eng->net)) != FO_OK) {
		fo_net_destroy(eng->net);
		eng->net = NULL;
	}
	if (st != FO_OK) {
		eng->net = NULL;
		for (size_t i = 0; i < eng->rels.n; i++)
			atomic_store(&eng->rt[i].driven, false);
		fo_log(&eng->host, FO_EVT_PROTOCOL_FAILED,
		    FO_S(err != NULL && errlen > 0 ? err : fo_status_name(st)));
	}
	return st;
}

void
fo_engine_stop(fo_engine *eng)
{
	if (eng == NULL || eng->net == NULL)
		return;
	fo_net_destroy(eng->net);
	eng->net = NULL;
	for (size_t i = 0; i < eng->rels.n; i++)
		atomic_store(&eng->rt[i].driven, false);
}

/* ---- Run-time changes of the set (fo_engine_int.h) ------------------------ */

fo_status
fo_engine_relationship_scopes(fo_engine *eng, const char *name, fo_ip4 *out, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const fo_relationship *r = eng != NULL && name != NULL ?
	    fo_relationship_set_find(&eng->rels, name) : NULL;

	if (n == NULL || (out == NULL && max > 0))
		return FO_ERR_INVAL;
	*n = 0;
	if (r == NULL) {
		fo_errf(err, errlen, "no failover relationship named '%s'", name ? name : "");
		return FO_ERR_NOTFOUND;
	}
	for (size_t i = 0; i < r->n_scopes && i < max; i++)
		out[i] = r->scopes[i].scope_id;
	*n = r->n_scopes;
	return FO_OK;
}

fo_status
fo_engine_scope_relationship(fo_engine *eng, fo_ip4 scope, char name[FO_NAME_MAX + 1])
{
	const fo_relationship *r = eng != NULL ?
	    fo_relationship_set_find_scope(&eng->rels, scope) : NULL;

	if (name == NULL)
		return FO_ERR_INVAL;
	name[0] = '\0';
	if (r == NULL)
		return FO_ERR_NOTFOUND;
	snprintf(name, FO_NAME_MAX + 1, "%s", r->name);
	return FO_OK;
}

const fo_relationship_set *
fo_engine_set_of(const fo_engine *eng)
{
	return &eng->rels;
}

fo_runtime *
fo_engine_runtime_at(fo_engine *eng, size_t i)
{
	return eng->rt != NULL && i < eng->rels.n ? &eng->rt[i] : NULL;
}

fo_peer *
fo_engine_peer_at(fo_engine *eng, size_t i)
{
	return eng->peers != NULL && i < eng->rels.n ? eng->peers[i] : NULL;
}

void
fo_engine_wake(fo_engine *eng)
{
	if (atomic_load(&eng->wakeup.fd) >= 0)
		fo_wakeup_signal(&eng->wakeup);
}

const fo_host *
fo_engine_host(const fo_engine *eng)
{
	return &eng->host;
}

const fo_subnet *
fo_engine_subnets(const fo_engine *eng, size_t *n)
{
	*n = eng->n_subnets;
	return eng->subnets;
}

uint32_t
fo_engine_configured_crc(const fo_engine *eng)
{
	return eng->configured_crc;
}

/* Stop and close everything built on eng->rels (the set itself stays). */
static void
teardown(fo_engine *eng, fo_wall now)
{
	fo_engine_shutdown(eng, now);
	for (size_t i = 0; eng->peers != NULL && i < eng->rels.n; i++)
		fo_peer_destroy(eng->peers[i]);
	fo_free(eng->peers);
	eng->peers = NULL;
	for (size_t i = 0; eng->rt != NULL && i < eng->rels.n; i++)
		fo_runtime_fini(&eng->rt[i]);
	fo_free(eng->rt);
	eng->rt = NULL;
	fo_free(eng->map);
	eng->map = NULL;
	eng->n_map = 0;
	eng->attached = false;
}

static fo_status
build(fo_engine *eng, bool attached, bool ran, fo_wall now, char *err, size_t errlen)
{
	fo_status st;

	if ((st = engine_runtimes(eng, err, errlen)) != FO_OK)
		return st;
	if (attached && (st = fo_engine_attach(eng, eng->subnets, eng->n_subnets, now, err,
	    errlen)) != FO_OK)
		return st;
	/* A run-time change that would close a scope is refused (the previous set comes back). */
	for (size_t i = 0; attached && i < eng->n_notes; i++) {
		if (eng->notes[i].kind == FO_NOTE_SCOPE_CLOSED) {
			fo_errf(err, errlen, "%s", eng->notes[i].text);
			return FO_ERR_IO;
		}
	}
	if (ran && (st = fo_engine_start(eng, err, errlen)) != FO_OK)
		return st;
	return FO_OK;
}

fo_status
fo_engine_replace_set(fo_engine *eng, fo_relationship_set *set, fo_wall now,
    char *err, size_t errlen)
{
	fo_relationship_set old;
	bool attached, ran;
	fo_status st;
	char why[512] = "";

	if (eng == NULL || set == NULL)
		return FO_ERR_INVAL;
	attached = eng->map != NULL;
	ran = eng->net != NULL;
	teardown(eng, now);
	old = eng->rels;
	eng->rels = *set;
	memset(set, 0, sizeof(*set));
	if ((st = build(eng, attached, ran, now, err, errlen)) == FO_OK) {
		fo_relationship_set_clear(&old);
		for (size_t i = 0; i < eng->rels.n; i++)
			fo_engine_log_relationship(eng, &eng->rels.rel[i]);
		return FO_OK;
	}
	fo_log(&eng->host, FO_EVT_RELATIONSHIPS_CHANGE_FAILED,
	    FO_S(err != NULL && errlen > 0 ? err : fo_status_name(st)));
	teardown(eng, now);
	fo_relationship_set_clear(&eng->rels);
	eng->rels = old;
	if (build(eng, attached, ran, now, why, sizeof(why)) != FO_OK)
		fo_log(&eng->host, FO_EVT_RELATIONSHIPS_NOT_RESTORED, FO_S(why));
	return st;
}
