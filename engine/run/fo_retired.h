/*
 * fo_retired.h - the scopes this server retired: the partner's side of a
 * failover-remove or failover-scope-remove on both partners (Windows'
 * Remove-DhcpServerv4Failover deletes the scopes from the partner server).
 * A retired scope is in no relationship and answers no client, so that two
 * servers never serve one pool without failover; it stays retired until a
 * relationship takes the scope again (failover-add, failover-scope-add) or
 * the subnet is gone from Kea's configuration.
 *
 * The list lives in <state-directory>/relationships.json.retired, written
 * whole and atomically (fsync'ed) before a change is announced:
 *   {"scopes": [{"scope-id": "10.0.0.0", "relationship": "rel1",
 *                "retired-at": 1765130000}]}
 * A file that cannot be read or parsed is "damaged": it might name any
 * scope, so every subnet in no relationship is treated as retired until the
 * operator repairs or deletes it, and nothing is written over it.
 *
 * Internal (run/): the engine's facade (api/) owns one. Not thread-safe:
 * Kea's main thread, no packet in flight (the packet path reads the
 * engine's subnet ids made from it, fo_engine.c).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_RETIRED_H
#define FO_RETIRED_H

#include <limits.h>

#include "fo_host.h"
#include "fo_relationship.h"
#include "fo_types.h"

#define FO_RETIRED_FILE "relationships.json.retired"    /* in the state directory */

typedef struct fo_retired_scope {
	fo_ip4 scope_id;
	char relationship[FO_NAME_MAX * 4 + 1];         /* the one it was removed from */
	int64_t at;                                     /* unix time of the retirement */
} fo_retired_scope;

typedef struct fo_retired {
	fo_retired_scope *s;
	size_t n;
	bool damaged;                   /* the file could not be read: fail closed */
	char why[256];                  /* when damaged: what is wrong with it */
	char path[PATH_MAX];
} fo_retired;

/*
 * Read the list of state_dir ("" : the default). A missing file is an
 * empty list (FO_OK). A damaged one: FO_ERR_IO, r->damaged, r->why and
 * err say what; FO_ERR_NOMEM. r is usable (empty, maybe damaged) after any.
 */
fo_status fo_retired_load(fo_retired *r, const char *state_dir, char *err, size_t errlen);
void fo_retired_clear(fo_retired *r);

/* Is scope_id retired (not counting a damaged file)? */
bool fo_retired_has(const fo_retired *r, fo_ip4 scope_id);

/*
 * Retire the n scopes of relationship `rel` (those retired already keep
 * their entry) and save the list; on any failure nothing changed and err
 * says why (a damaged file is never overwritten: FO_ERR_IO).
 */
fo_status fo_retired_add(fo_retired *r, const fo_ip4 *scopes, size_t n, const char *rel,
    fo_wall now, char *err, size_t errlen);

/*
 * Lift the retirement of every scope for which keep(ctx, scope) is false
 * and save the list when it changed; each lifted scope-id in out[] (up to
 * max), their number in *lifted. On a failure to save, nothing changed.
 */
fo_status fo_retired_lift(fo_retired *r, bool (*keep)(void *ctx, fo_ip4 scope), void *ctx,
    fo_ip4 *out, size_t max, size_t *lifted, char *err, size_t errlen);

/*
 * fo_retired_lift of every scope that a relationship of `set` took back or
 * that is none of Kea's subnets sn[0..n) (sn NULL: not known yet, kept).
 */
fo_status fo_retired_sync(fo_retired *r, const fo_relationship_set *set, const fo_subnet *sn,
    size_t n, fo_ip4 *out, size_t max, size_t *lifted, char *err, size_t errlen);

/*
 * The Kea subnet ids of sn[0..n) that are in no relationship of `set` and
 * retired (every one of them when r is damaged), into *ids (malloc'd,
 * NULL when none) and *m. FO_ERR_NOMEM.
 */
fo_status fo_retired_subnet_ids(const fo_retired *r, const fo_relationship_set *set,
    const fo_subnet *sn, size_t n, uint32_t **ids, size_t *m);

/* The list as failover-retired-get's arguments (malloc'd; NULL: no memory). */
char *fo_retired_json(const fo_retired *r);

#endif /* FO_RETIRED_H */
