/*
 * fo_admin.c - run-time administration of relationships (fo_admin.h):
 * build the new set as the hook's parameters, validate it with the YANG
 * module (fo_config_parse), persist it, let the engine take it.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <unistd.h>

#include "fo_admin.h"
#include "fo_admin_int.h"
#include "fo_alloc.h"
#include "fo_engine_int.h"
#include "fo_log.h"
#include "fo_relfile.h"
#include "fo_canon.h"
#include "fo_config.h"
#include "fo_report.h"
#include "fo_sbuf.h"
#include "fo_store.h"

#define YANG_REL "/" FO_YANG_TOP "/relationships[name='%s']"

/*
 * Who asks for a change decides how a removal is made:
 * - BY_BOTH: a change on both partners (fo_admin_apply, fo_both.h: its dry
 *   run, this server's side once the partner made its own, or a
 *   relationship without partner-control-url): as asked.
 * - BY_PARTNER: the partner's side of one (fo_engine_admin_partner): a
 *   removal retires the scopes here.
 * - BY_OPERATOR, BY_OPERATOR_FORCED: the operator's change on this server
 *   only (fo_engine_admin): a removal only when local_removal_safe(), or
 *   when forced.
 */
typedef enum admin_by {
	BY_BOTH,
	BY_PARTNER,
	BY_OPERATOR,
	BY_OPERATOR_FORCED,
} admin_by;

/* ---- Applying a new set -------------------------------------------------- */

static fo_status
map_parse_error(fo_status st)
{
	return st == FO_ERR_NOMEM ? FO_ERR_NOMEM : FO_ERR_CONFIG;
}

/* Every scope-id of the new set must be a Kea subnet's network address. */
static fo_status
check_subnets(fo_engine *eng, const fo_relationship_set *set, char *msg, size_t msglen)
{
	size_t n;
	const fo_subnet *sn = fo_engine_subnets(eng, &n);
	char a[16];

	if (sn == NULL)
		return FO_OK;           /* not attached yet: fo_engine_attach checks */
	for (size_t i = 0; i < set->n; i++) {
		for (size_t k = 0; k < set->rel[i].n_scopes; k++) {
			fo_ip4 s = set->rel[i].scopes[k].scope_id;
			bool found = false;

			for (size_t j = 0; j < n && !found; j++)
				found = sn[j].prefix == s;
			if (!found) {
				fo_ip4_str(s, a, sizeof(a));
				fo_errf(msg, msglen, YANG_REL "/scope-id[.='%s']: no Kea subnet4 has "
				    "this network address", set->rel[i].name, a);
				return FO_ERR_CONFIG;
			}
		}
	}
	return FO_OK;
}

char *
fo_engine_parameters_json(const fo_engine *eng)
{
	return eng != NULL ? fo_relfile_set_json(fo_engine_set_of(eng), true) : NULL;
}

/* The live set changed: the host shows it as the hook's parameters. */
static void
published(fo_engine *eng)
{
	const fo_host *host = fo_engine_host(eng);
	char *params;

	if (host->relationships_changed == NULL)
		return;
	if ((params = fo_engine_parameters_json(eng)) == NULL) {
		fo_log(host, FO_EVT_PARAMETERS_NOT_PUBLISHED, FO_S("out of memory"));
		return;
	}
	host->relationships_changed(host->ctx, params);
	fo_relfile_wipe_free(params);
}

/*
 * Validate the entries as the new set, save it, hand it to the engine. With
 * dry (not NULL) only validate: *dry gets the new set (the caller clears
 * it), nothing is saved or changed.
 */
static fo_status
commit(fo_engine *eng, const fo_relfile_entry *es, size_t n, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen)
{
	const fo_relationship_set *cur = fo_engine_set_of(eng);
	fo_relationship_set set;
	char why[1024] = "";
	char *doc;
	fo_status st;

	for (size_t i = 0; i < n; i++)
		if (es[i].oom)
			return FO_ERR_NOMEM;
	if ((doc = fo_relfile_doc_json(cur->state_directory, es, n)) == NULL)
		return FO_ERR_NOMEM;
	st = fo_config_parse(doc, &set, why, sizeof(why));
	fo_relfile_wipe_free(doc);
	if (st != FO_OK) {
		fo_errf(msg, msglen, "%s", why);
		return map_parse_error(st);
	}
	if ((st = check_subnets(eng, &set, msg, msglen)) != FO_OK)
		goto fail;
	if (dry != NULL) {
		*dry = set;
		return FO_OK;
	}
	if ((st = fo_relfile_save(&set, fo_engine_configured_crc(eng), why, sizeof(why)))
	    != FO_OK) {
		fo_errf(msg, msglen, "the new relationships could not be saved, nothing changed: "
		    "%s", why);
		goto fail;
	}
	if ((st = fo_engine_replace_set(eng, &set, now, why, sizeof(why))) != FO_OK) {
		char why2[512] = "";

		fo_errf(msg, msglen, "the new relationships could not be applied, the previous "
		    "ones are back: %s", why);
		if (fo_relfile_save(fo_engine_set_of(eng), fo_engine_configured_crc(eng), why2,
		    sizeof(why2)) != FO_OK)
			fo_log(fo_engine_host(eng), FO_EVT_RELFILE_NOT_SAVED, FO_S(why2));
		goto fail;
	}
	published(eng);
	return FO_OK;
fail:
	fo_relationship_set_clear(&set);
	return st;
}

static ssize_t
index_of(fo_engine *eng, const char *name, char *msg, size_t msglen)
{
	const fo_relationship_set *set = fo_engine_set_of(eng);
	const fo_relationship *r = name != NULL ? fo_relationship_set_find(set, name) : NULL;

	if (r == NULL) {
		fo_errf(msg, msglen, "no failover relationship named '%s'", name ? name : "");
		return -1;
	}
	return r - set->rel;
}

/*
 * Decode a JSON string value (the name of a new entry, a mode) with the
 * engine's JSON reader; false when it is none or longer than len - 1 bytes.
 * Its UTF-8 is checked with the rest of the parameters (fo_config_parse).
 */
static bool
json_string(const char *j, char *out, size_t len)
{
	fo_jv *v = NULL;
	const char *s;
	size_t n = 0;
	bool ok;

	if (j == NULL || fo_jv_parse(j, strlen(j), &v, NULL, 0) != FO_OK)
		return false;
	s = fo_jv_string(v, &n);
	ok = s != NULL && n < len && memchr(s, '\0', n) == NULL;
	if (ok)
		memcpy(out, s, n + 1);
	fo_jv_free(v);
	return ok;
}

/* Keep the state of a removed relationship or scope apart: rename it. */
static void
set_aside(fo_engine *eng, const char *path, fo_wall now)
{
	char to[PATH_MAX + 40];

	int k = snprintf(to, sizeof(to), "%s.removed-%lld", path, (long long)now.sec);

	if (path[0] == '\0' || k < 0 || (size_t)k >= sizeof(to))
		return;
	if (rename(path, to) == 0)
		fo_log(fo_engine_host(eng), FO_EVT_STATE_SET_ASIDE, FO_S(path), FO_S(to));
}

/*
 * The newest state of `dir` set aside (set_aside) at most
 * FO_ADMIN_RESTORE_WINDOW seconds before now, into from; false: none.
 */
static bool
newest_aside(const char *dir, fo_wall now, char *from, size_t len)
{
	const char *base = strrchr(dir, '/');
	char parent[PATH_MAX], prefix[PATH_MAX];
	int64_t best = -1;
	struct dirent *e;
	DIR *d;

	if (base == NULL)
		return false;
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - dir), dir);
	snprintf(prefix, sizeof(prefix), "%s.removed-", base + 1);
	if ((d = opendir(parent)) == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long long t;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		t = strtoll(e->d_name + strlen(prefix), &end, 10);
		if (*end == '\0' && t <= now.sec && now.sec - t <= FO_ADMIN_RESTORE_WINDOW &&
		    t > best)
			best = t;
	}
	closedir(d);
	return best >= 0 && snprintf(from, len, "%s.removed-%lld", dir, (long long)best) <
	    (int)len;
}

static void
rel_dir(const fo_relationship_set *set, const char *name, char *out, size_t len)
{
	char dn[3 * FO_NAME_MAX + 1];

	int k;

	fo_store_dirname(name, dn, sizeof(dn));
	k = snprintf(out, len, "%s/%s", set->state_directory[0] != '\0' ? set->state_directory :
	    FO_DEFAULT_STATE_DIR, dn);
	if (k < 0 || (size_t)k >= len)
		out[0] = '\0';         /* too long: fo_runtime_init refuses it as well */
}

static fo_status
admin_add(fo_engine *eng, const fo_kv *kv, size_t n, bool restore, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen)
{
	const fo_relationship_set *cur;
	char name[FO_NAME_MAX * 4 + 1], dir[PATH_MAX], from[PATH_MAX + 40];
	bool restored = false;
	ssize_t ni = -1;
	size_t m;
	fo_relfile_entry *es;
	fo_status st;
	struct stat sb;

	if (eng == NULL || (n > 0 && kv == NULL))
		return FO_ERR_INVAL;
	cur = fo_engine_set_of(eng);
	m = cur->n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, "name") == 0)
			ni = (ssize_t)i;
	if (ni < 0) {
		fo_errf(msg, msglen, "name: missing (the new relationship's name)");
		return FO_ERR_CONFIG;
	}
	if (!json_string(kv[ni].json, name, sizeof(name))) {
		fo_errf(msg, msglen, "name: must be a string");
		return FO_ERR_CONFIG;
	}
	if (fo_relationship_set_find(cur, name) != NULL) {
		fo_errf(msg, msglen, "name: a failover relationship named '%s' exists already "
		    "(failover-set changes it)", name);
		return FO_ERR_EXISTS;
	}
	if (strcmp(name, FO_RELFILE_NAME) == 0 || strncmp(name, FO_RELFILE_NAME ".", 19) == 0) {
		fo_errf(msg, msglen, "name: '%s' is reserved (the state directory's file of the "
		    "relationships)", name);
		return FO_ERR_CONFIG;
	}
	if ((es = fo_relfile_entries_of(cur, 1)) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		fo_relfile_entry_put(&es[m], kv[i].key, kv[i].json);
	/* A relationship of the same name removed earlier left its state aside. */
	rel_dir(cur, name, dir, sizeof(dir));
	if (dry == NULL && stat(dir, &sb) == 0)
		set_aside(eng, dir, now);
	else if (dry == NULL && restore && newest_aside(dir, now, from, sizeof(from)))
		restored = rename(from, dir) == 0;
	st = commit(eng, es, m + 1, now, dry, msg, msglen);
	fo_relfile_entries_free(es, m + 1);
	if (restored && st != FO_OK)
		(void)rename(dir, from);        /* aside again, as it was */
	else if (restored)
		fo_log(fo_engine_host(eng), FO_EVT_STATE_RESTORED, FO_S(from), FO_S(dir));
	if (st == FO_OK && dry == NULL) {
		const fo_relationship *r = fo_relationship_set_find(fo_engine_set_of(eng), name);

		fo_errf(msg, msglen, "failover relationship '%s' added (%zu scope(s), %s, %s); "
		    "the failover connections were re-established", name, r ? r->n_scopes : 0,
		    r ? fo_mode_name(r->mode) : "", r ? fo_server_type_name(r->server_type) : "");
	}
	return st;
}

/* Drop from e every leaf whose settings flags include one of `flags`. */
static void
drop_dependent(fo_relfile_entry *e, unsigned flags)
{
	for (size_t i = 0; i < fo_settings_count; i++)
		if ((fo_settings[i].flags & flags) != 0)
			fo_relfile_entry_del(e, fo_settings[i].name);
}

static bool
changed(const fo_kv *kv, size_t n, const char *key, const char **val)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) == 0) {
			if (val != NULL)
				*val = kv[i].json;
			return true;
		}
	}
	return false;
}

static fo_status
admin_set(fo_engine *eng, const char *name, const fo_kv *kv, size_t n, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen)
{
	const fo_relationship_set *cur;
	const char *v = NULL;
	ssize_t idx;
	fo_relfile_entry *es, *e;
	size_t m;
	fo_status st;

	if (eng == NULL || (n > 0 && kv == NULL))
		return FO_ERR_INVAL;
	if ((idx = index_of(eng, name, msg, msglen)) < 0)
		return FO_ERR_NOTFOUND;
	if (n == 0) {
		fo_errf(msg, msglen, "arguments: nothing to change (give one or more leaves of "
		    "the relationship, e.g. max-client-lead-time)");
		return FO_ERR_CONFIG;
	}
	if (changed(kv, n, "scope-id", NULL)) {
		fo_errf(msg, msglen, "scope-id: cannot be changed by failover-set; use "
		    "failover-scope-add and failover-scope-remove");
		return FO_ERR_CONFIG;
	}
	if (changed(kv, n, "name", NULL)) {
		fo_errf(msg, msglen, "name: a relationship cannot be renamed (remove it and add "
		    "it again)");
		return FO_ERR_CONFIG;
	}
	cur = fo_engine_set_of(eng);
	m = cur->n;
	if ((es = fo_relfile_entries_of(cur, 0)) == NULL)
		return FO_ERR_NOMEM;
	e = &es[idx];
	if (changed(kv, n, "mode", &v)) {
		char mode[32];

		if (!json_string(v, mode, sizeof(mode)) ||
		    strcmp(mode, fo_mode_name(cur->rel[idx].mode)) != 0)
			drop_dependent(e, FO_SF_LB | FO_SF_HS);
	}
	if (changed(kv, n, "enable-auth", &v) && strcmp(v, "false") == 0)
		drop_dependent(e, FO_SF_AUTH);
	if (changed(kv, n, "auto-state-transition", &v) && strcmp(v, "false") == 0)
		drop_dependent(e, FO_SF_AST);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kv[i].json, "null") == 0)
			fo_relfile_entry_del(e, kv[i].key);
		else
			fo_relfile_entry_put(e, kv[i].key, kv[i].json);
	}
	st = commit(eng, es, m, now, dry, msg, msglen);
	fo_relfile_entries_free(es, m);
	if (st == FO_OK && dry == NULL) {
		fo_sbuf b = { 0 };

		for (size_t i = 0; i < n; i++) {
			fo_sbuf_cat(&b, i > 0 ? ", " : "");
			fo_sbuf_cat(&b, kv[i].key);
		}
		fo_errf(msg, msglen, "failover relationship '%s' changed (%s); the failover "
		    "connections were re-established", name, b.s != NULL ? b.s : "");
		fo_free(b.s);
	}
	return st;
}

/*
 * Retire the n scopes of relationship rel (the partner's side of a removal
 * on both partners), saved before the change; FAILOVER_SCOPE_RETIRED each.
 */
static fo_status
retire_scopes(fo_engine *eng, const fo_ip4 *scopes, size_t n, const char *rel, fo_wall now,
    char *msg, size_t msglen)
{
	char err[PATH_MAX + 300] = "", a[16];
	fo_status st;

	if ((st = fo_retired_add(fo_engine_retired(eng), scopes, n, rel, now, err, sizeof(err)))
	    != FO_OK) {
		fo_errf(msg, msglen, "the retirement of the scopes could not be saved, nothing "
		    "changed: %s", err[0] != '\0' ? err : fo_status_name(st));
		return st == FO_ERR_NOMEM ? st : FO_ERR_IO;
	}
	for (size_t k = 0; k < n; k++) {
		fo_ip4_str(scopes[k], a, sizeof(a));
		fo_log(fo_engine_host(eng), FO_EVT_SCOPE_RETIRED, FO_S(a), FO_S(rel));
	}
	return FO_OK;
}

char *
fo_engine_retired_get_json(fo_engine *eng)
{
	return eng != NULL ? fo_retired_json(fo_engine_retired(eng)) : NULL;
}

/*
 * The partner's side of a removal on both partners (retire): the scopes are
 * retired (saved) before the change, and taken back if it fails.
 */
static fo_status
commit_retiring(fo_engine *eng, const fo_relfile_entry *es, size_t n, fo_wall now,
    fo_relationship_set *dry, const char *rel, const fo_ip4 *scopes, size_t n_scopes,
    bool retire, char *msg, size_t msglen)
{
	fo_status st;

	if (retire && dry == NULL &&
	    (st = retire_scopes(eng, scopes, n_scopes, rel, now, msg, msglen)) != FO_OK)
		return st;
	st = commit(eng, es, n, now, dry, msg, msglen);
	if (retire && dry == NULL && st != FO_OK)
		fo_engine_retired_sync(eng);    /* lifts those still in the relationship */
	return st;
}

/*
 * May scopes of relationship idx be taken out of failover on this server
 * only (the operator's local-only removal, without force)? Only when the
 * partner cannot be serving them any more, as this server's state of the
 * relationship tells:
 * - PARTNER-DOWN since at least the MCLT (the one in force), the partner
 *   not connected: the partner was declared down (failover-partner-down,
 *   or auto-state-transition after state-switch-interval) and serves
 *   nobody; every lease it may have given that this server does not know
 *   has ended (it gives none longer than the MCLT beyond what this server
 *   acknowledged: draft-12's MCLT rule), and this server already gives
 *   addresses from the whole pool (fo_serve_may_allocate): serving without
 *   failover adds no overlap. Within the MCLT it would: clients this
 *   server does not know may hold the partner's free addresses. A partner
 *   connected again is not down: it comes back (RECOVER) to serve again.
 * Every other state refuses, the partner serves or may:
 * - NORMAL, COMMUNICATIONS-INTERRUPTED, RESOLUTION-INTERRUPTED,
 *   POTENTIAL-CONFLICT, CONFLICT-DONE, RECOVER-WAIT, RECOVER-DONE: it serves
 *   its own free addresses, or will once the states settle;
 * - RECOVER: the partner is in PARTNER-DOWN, serving the whole pool. A
 *   relationship that never reached its partner is in RECOVER too, and
 *   this server cannot tell whether that partner has served the pool all
 *   along (an ISC dhcpd being migrated, say);
 * - PAUSED, SHUTDOWN: the partner takes over (COMMUNICATIONS-INTERRUPTED,
 *   PARTNER-DOWN) when told, and this server comes back to it;
 * - NOSTATE, INIT, STARTUP, or no state here: not known yet.
 * False with the reason in why.
 */
static bool
local_removal_safe(fo_engine *eng, size_t idx, fo_wall now, const char **state, char *why,
    size_t len)
{
	fo_runtime *rt = fo_engine_runtime_at(eng, idx);
	char since[32], from[32];
	fo_runtime_snap sn;
	uint32_t mclt;
	int64_t owns;

	*state = "unknown";
	if (rt == NULL) {
		snprintf(why, len, "has no state on this server yet: the partner may still serve "
		    "its scopes");
		return false;
	}
	fo_runtime_snapshot(rt, &sn);
	mclt = atomic_load_explicit(&rt->mclt, memory_order_relaxed);
	*state = fo_state_name(sn.state);
	if (sn.state != FO_STATE_PARTNER_DOWN) {
		snprintf(why, len, "is in %s on this server: the partner may still serve its "
		    "scopes", *state);
		return false;
	}
	if (sn.connected) {
		snprintf(why, len, "is in PartnerDown on this server but the partner is connected "
		    "again: it is coming back to serve its scopes");
		return false;
	}
	owns = sn.state_since.sec > INT64_MAX - (int64_t)mclt ? INT64_MAX :
	    sn.state_since.sec + (int64_t)mclt;
	if (now.sec >= owns)
		return true;
	fo_report_time(sn.state_since, since, sizeof(since));
	fo_report_time(fo_wall_at(owns), from, sizeof(from));
	snprintf(why, len, "is in PartnerDown only since %s: until %s (the MCLT, %u s, later) "
	    "clients this server does not know may hold the partner's free addresses", since,
	    from, (unsigned)mclt);
	return false;
}

/*
 * A removal of scopes of relationship idx asked by `by`: FO_OK to make it
 * (*forced: the state of the relationship, only because the operator
 * forced it; else NULL), or FO_ERR_STATE, msg saying why and what to do.
 */
static fo_status
local_removal_ok(fo_engine *eng, size_t idx, const char *name, admin_by by, fo_wall now,
    const char **forced, char *msg, size_t msglen)
{
	const char *state;
	char why[320];

	*forced = NULL;
	if (by != BY_OPERATOR && by != BY_OPERATOR_FORCED)
		return FO_OK;
	if (local_removal_safe(eng, idx, now, &state, why, sizeof(why)))
		return FO_OK;
	if (by == BY_OPERATOR_FORCED) {
		*forced = state;
		return FO_OK;
	}
	fo_errf(msg, msglen, "refused, nothing changed: relationship '%s' %s; taking them out "
	    "of failover on this server only would let both servers give the same free "
	    "addresses to different clients. Remove them on both partners (the same command "
	    "without local-only), or declare the partner down first (failover-partner-down, "
	    "then wait the MCLT), or add \"force\": true if the partner is gone for good", name,
	    why);
	return FO_ERR_STATE;
}

/* FAILOVER_LOCAL_REMOVAL_FORCED: the scopes of rel, removed in `state` because forced. */
static void
log_forced(fo_engine *eng, const char *rel, const fo_ip4 *scopes, size_t n, const char *state)
{
	fo_sbuf b = { 0 };
	char a[16];

	for (size_t k = 0; k < n; k++) {
		fo_ip4_str(scopes[k], a, sizeof(a));
		fo_sbuf_cat(&b, k > 0 ? ", " : "");
		fo_sbuf_cat(&b, a);
	}
	fo_log(fo_engine_host(eng), FO_EVT_LOCAL_REMOVAL_FORCED, FO_S(rel),
	    FO_S(b.s != NULL && !b.oom ? b.s : "?"), FO_S(state));
	fo_free(b.s);
}

static fo_status
admin_remove(fo_engine *eng, const char *name, admin_by by, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen)
{
	const fo_relationship_set *cur;
	char dir[PATH_MAX], keep[FO_NAME_MAX + 1];
	const char *forced = NULL;
	bool retire = by == BY_PARTNER;
	fo_ip4 *scopes;
	ssize_t idx;
	fo_relfile_entry *es;
	size_t m, ns;
	fo_status st;

	if (eng == NULL)
		return FO_ERR_INVAL;
	if ((idx = index_of(eng, name, msg, msglen)) < 0)
		return FO_ERR_NOTFOUND;
	if ((st = local_removal_ok(eng, (size_t)idx, name, by, now, &forced, msg, msglen)) !=
	    FO_OK)
		return st;
	cur = fo_engine_set_of(eng);
	m = cur->n;
	ns = cur->rel[idx].n_scopes;
	snprintf(keep, sizeof(keep), "%s", name);
	rel_dir(cur, keep, dir, sizeof(dir));
	if ((scopes = fo_calloc(ns ? ns : 1, sizeof(*scopes))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t k = 0; k < ns; k++)
		scopes[k] = cur->rel[idx].scopes[k].scope_id;
	if ((es = fo_relfile_entries_of(cur, 0)) == NULL) {
		fo_free(scopes);
		return FO_ERR_NOMEM;
	}
	fo_relfile_entry_free(&es[idx]);
	memmove(&es[idx], &es[idx + 1], (m - (size_t)idx - 1) * sizeof(*es));
	memset(&es[m - 1], 0, sizeof(*es));
	st = commit_retiring(eng, es, m - 1, now, dry, keep, scopes, ns, retire, msg, msglen);
	fo_relfile_entries_free(es, m - 1);
	if (st == FO_OK && dry == NULL && forced != NULL)
		log_forced(eng, keep, scopes, ns, forced);
	fo_free(scopes);
	if (st == FO_OK && dry == NULL) {
		set_aside(eng, dir, now);
		fo_errf(msg, msglen, retire ? "failover relationship '%s' removed; its scopes are "
		    "retired on this server, which answers none of their clients (the partner "
		    "serves them): delete them from this server's Kea configuration" :
		    "failover relationship '%s' removed; its scopes are served without failover "
		    "(by this server, and by the partner unless it removed them too)", keep);
	}
	return st;
}

static fo_status
admin_scopes(fo_engine *eng, const char *name, const fo_ip4 *scopes, size_t n,
    bool add, admin_by by, fo_wall now, fo_relationship_set *dry, char *msg, size_t msglen)
{
	const fo_relationship_set *cur;
	const fo_relationship *r;
	const char *forced = NULL;
	bool retire = by == BY_PARTNER;
	fo_scope_ref *list;
	char a[16], dir[PATH_MAX], path[PATH_MAX + 32];
	size_t cnt, m;
	ssize_t idx;
	fo_relfile_entry *es;
	fo_status st;

	if (eng == NULL || (n > 0 && scopes == NULL))
		return FO_ERR_INVAL;
	if ((idx = index_of(eng, name, msg, msglen)) < 0)
		return FO_ERR_NOTFOUND;
	if (n == 0) {
		fo_errf(msg, msglen, "scope-id: missing (one or more scope-ids)");
		return FO_ERR_CONFIG;
	}
	cur = fo_engine_set_of(eng);
	r = &cur->rel[idx];
	m = cur->n;
	if ((list = fo_calloc(r->n_scopes + n, sizeof(*list))) == NULL)
		return FO_ERR_NOMEM;
	cnt = 0;
	for (size_t i = 0; i < r->n_scopes; i++) {
		bool drop = false;

		for (size_t k = 0; !add && k < n; k++)
			drop = drop || scopes[k] == r->scopes[i].scope_id;
		if (!drop)
			list[cnt++] = r->scopes[i];
	}
	for (size_t k = 0; k < n; k++) {
		bool there = false;

		for (size_t i = 0; i < r->n_scopes; i++)
			there = there || scopes[k] == r->scopes[i].scope_id;
		fo_ip4_str(scopes[k], a, sizeof(a));
		if (add && there) {
			fo_errf(msg, msglen, "scope-id: %s is already a scope of relationship '%s'",
			    a, name);
			fo_free(list);
			return FO_ERR_CONFIG;
		}
		if (!add && !there) {
			fo_errf(msg, msglen, "scope-id: %s is not a scope of relationship '%s'",
			    a, name);
			fo_free(list);
			return FO_ERR_CONFIG;
		}
		if (add)
			list[cnt++].scope_id = scopes[k];
	}
	if (!add && cnt == 0) {
		fo_errf(msg, msglen, "scope-id: these are all the scopes of relationship '%s'; a "
		    "relationship needs one (failover-remove removes the relationship)", name);
		fo_free(list);
		return FO_ERR_CONFIG;
	}
	if (!add && (st = local_removal_ok(eng, (size_t)idx, name, by, now, &forced, msg,
	    msglen)) != FO_OK) {
		fo_free(list);
		return st;
	}
	if ((es = fo_relfile_entries_of(cur, 0)) == NULL) {
		fo_free(list);
		return FO_ERR_NOMEM;
	}
	fo_relfile_put_scopes(&es[idx], list, cnt);
	fo_free(list);
	rel_dir(cur, name, dir, sizeof(dir));
	st = commit_retiring(eng, es, m, now, dry, name, scopes, n, retire && !add, msg, msglen);
	fo_relfile_entries_free(es, m);
	if (st != FO_OK || dry != NULL)
		return st;
	if (forced != NULL)
		log_forced(eng, name, scopes, n, forced);
	for (size_t k = 0; !add && k < n; k++) {
		fo_ip4_str(scopes[k], a, sizeof(a));
		snprintf(path, sizeof(path), "%s/scope-%s.jnl", dir, a);
		set_aside(eng, path, now);
	}
	fo_ip4_str(scopes[0], a, sizeof(a));
	fo_errf(msg, msglen, "%zu scope(s) %s relationship '%s' (%s%s)%s; the failover "
	    "connections were re-established", n, add ? "added to" : "removed from", name, a,
	    n > 1 ? ", ..." : "", add ? "" : retire ? ", retired on this server, which answers "
	    "none of their clients (the partner serves them): delete them from this server's Kea "
	    "configuration" : ", served without failover (by this server, and by the partner "
	    "unless it removed them too)");
	return FO_OK;
}

fo_status
fo_engine_admin_add(fo_engine *eng, const fo_kv *kv, size_t n, fo_wall now,
    char *msg, size_t msglen)
{
	return admin_add(eng, kv, n, false, now, NULL, msg, msglen);
}

fo_status
fo_engine_admin_set(fo_engine *eng, const char *name, const fo_kv *kv, size_t n, fo_wall now,
    char *msg, size_t msglen)
{
	return admin_set(eng, name, kv, n, now, NULL, msg, msglen);
}

fo_status
fo_engine_admin_remove(fo_engine *eng, const char *name, fo_wall now, char *msg, size_t msglen)
{
	return admin_remove(eng, name, BY_OPERATOR, now, NULL, msg, msglen);
}

fo_status
fo_engine_admin_scopes(fo_engine *eng, const char *name, const fo_ip4 *scopes, size_t n,
    bool add, fo_wall now, char *msg, size_t msglen)
{
	return admin_scopes(eng, name, scopes, n, add, BY_OPERATOR, now, NULL, msg, msglen);
}

const char *
fo_admin_op_command(fo_admin_op op)
{
	switch (op) {
	case FO_ADMIN_ADD: return "failover-add";
	case FO_ADMIN_SET: return "failover-set";
	case FO_ADMIN_REMOVE: return "failover-remove";
	case FO_ADMIN_SCOPE_ADD: return "failover-scope-add";
	case FO_ADMIN_SCOPE_REMOVE: return "failover-scope-remove";
	}
	return "?";
}

static fo_status
admin_apply(fo_engine *eng, const fo_admin_req *req, admin_by by, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen)
{
	if (eng == NULL || req == NULL)
		return FO_ERR_INVAL;
	switch (req->op) {
	case FO_ADMIN_ADD:
		return admin_add(eng, req->kv, req->n, req->restore_state, now, dry, msg, msglen);
	case FO_ADMIN_SET:
		return admin_set(eng, req->name, req->kv, req->n, now, dry, msg, msglen);
	case FO_ADMIN_REMOVE:
		return admin_remove(eng, req->name, by, now, dry, msg, msglen);
	case FO_ADMIN_SCOPE_ADD:
	case FO_ADMIN_SCOPE_REMOVE:
		return admin_scopes(eng, req->name, req->scopes, req->n_scopes,
		    req->op == FO_ADMIN_SCOPE_ADD, by, now, dry, msg, msglen);
	}
	return FO_ERR_INVAL;
}

fo_status
fo_admin_apply(fo_engine *eng, const fo_admin_req *req, fo_wall now, fo_relationship_set *dry,
    char *msg, size_t msglen)
{
	return admin_apply(eng, req, BY_BOTH, now, dry, msg, msglen);
}

fo_status
fo_engine_admin(fo_engine *eng, const fo_admin_req *req, bool force, fo_wall now, char *msg,
    size_t msglen)
{
	if (eng == NULL || req == NULL)
		return FO_ERR_INVAL;
	if (force && req->op != FO_ADMIN_REMOVE && req->op != FO_ADMIN_SCOPE_REMOVE) {
		fo_errf(msg, msglen, "force: only with failover-remove and failover-scope-remove");
		return FO_ERR_CONFIG;
	}
	return admin_apply(eng, req, force ? BY_OPERATOR_FORCED : BY_OPERATOR, now, NULL, msg,
	    msglen);
}

fo_status
fo_engine_admin_partner(fo_engine *eng, const fo_admin_req *req, fo_wall now, char *msg,
    size_t msglen)
{
	return admin_apply(eng, req, BY_PARTNER, now, NULL, msg, msglen);
}

fo_status
fo_engine_admin_partner_down(fo_engine *eng, const char *name, fo_wall now,
    char *msg, size_t msglen)
{
	fo_fsm_input in = { .event = FO_EV_OPERATOR_PARTNER_DOWN, .now = now };
	const char *reason = NULL;
	char why[512] = "";
	fo_runtime *rt;
	fo_peer *p;
	fo_state s;
	fo_step step;
	ssize_t idx;
	fo_status st;

	if (eng == NULL)
		return FO_ERR_INVAL;
	if ((idx = index_of(eng, name, msg, msglen)) < 0)
		return FO_ERR_NOTFOUND;
	if ((rt = fo_engine_runtime_at(eng, (size_t)idx)) == NULL)
		return FO_ERR_STATE;
	p = fo_engine_peer_at(eng, (size_t)idx);
	if (p != NULL)
		fo_peer_lock(p);        /* the session's order: peer, then runtime */
	s = fo_runtime_state(rt);
	if (s == FO_STATE_NORMAL) {
		fo_errf(msg, msglen, "relationship '%s' is in Normal: the partner is reachable and "
		    "answering, it is not down (PartnerDown is for a partner that is down while "
		    "this server is in CommunicationInterrupted)", name);
		st = FO_ERR_STATE;
	} else if (!fo_fsm_operator_partner_down_ok(s, &reason)) {
		fo_errf(msg, msglen, "relationship '%s' is in %s: %s", name, fo_state_name(s),
		    reason != NULL ? reason : "PartnerDown is not possible now");
		st = FO_ERR_STATE;
	} else if ((st = fo_runtime_event(rt, &in, "operator command failover-partner-down",
	    &step, why, sizeof(why))) != FO_OK) {
		fo_errf(msg, msglen, "relationship '%s': the state could not be saved, nothing "
		    "changed: %s", name, why);
	} else {
		fo_errf(msg, msglen, "relationship '%s': %s -> %s on the operator's command",
		    name, fo_state_name(s), fo_state_name(fo_runtime_state(rt)));
	}
	if (p != NULL)
		fo_peer_unlock(p);
	fo_engine_wake(eng);
	return st;
}
