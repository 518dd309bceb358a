/*
 * fo_mirror.h - a relationship as the partner sees it, and the partner's
 * side of a change (failover-add, -set, -remove sent to both servers,
 * docs/commands.md "Both partners").
 *
 * Internal tier, pure. One rule per leaf of the settings table
 * (fo_relationship.h), decided here once:
 * - SAME: the relationship's, the same on both (name, mode, scope-id, MCLT,
 *   the secret, dialect, the timers, reserve-percent, ...);
 * - SWAP: the partner's value is our other leaf (partner-server <->
 *   local-address, partner-port <-> local-port);
 * - FLIP: the other value of a two-valued enumeration (server-type primary
 *   <-> secondary, server-role active <-> standby);
 * - COMPLEMENT: 100 - ours (load-balance-percent: ours 60, the partner's 40);
 * - LOCAL: this server's own, never sent (server-name, the partner-control-*
 *   leaves: how this server reaches its partner means nothing there).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_MIRROR_H
#define FO_MIRROR_H

#include "fo_relationship.h"

typedef enum fo_mirror_how {
	FO_MR_SAME = 0,
	FO_MR_SWAP,
	FO_MR_FLIP,
	FO_MR_COMPLEMENT,
	FO_MR_LOCAL,
} fo_mirror_how;

typedef struct fo_mirror_rule {
	const char *leaf;           /* a leaf of fo_settings */
	fo_mirror_how how;
	const char *other;          /* FO_MR_SWAP: the leaf whose value the partner gets */
} fo_mirror_rule;

extern const fo_mirror_rule fo_mirror_rules[];
extern const size_t fo_mirror_rules_count;

/* The rule of leaf `leaf`, or NULL. */
const fo_mirror_rule *fo_mirror_rule_of(const char *leaf);
const char *fo_mirror_how_name(fo_mirror_how how);   /* "same", "swap", ... */

/*
 * *theirs (zeroed or cleared before) = ours as the partner sees it, a deep
 * copy (fo_relationship_clear frees it and wipes its secret), the LOCAL
 * leaves emptied or at their defaults. FO_ERR_INVAL, FO_ERR_NOMEM.
 */
fo_status fo_mirror_of(const fo_relationship *ours, fo_relationship *theirs);

/*
 * The arguments (a JSON object, malloc'd into *out) of the command that
 * makes on the partner the change `before` -> `after` made here (both in
 * this server's view, mirrored here):
 * - before NULL (failover-add): every leaf `after` has, but the LOCAL ones;
 * - both (failover-set): "name" and each non-LOCAL leaf whose value or
 *   presence differs, null for a leaf `after` no longer has (scope-id is
 *   never in it: failover-scope-* change it);
 * - after NULL (failover-remove): "name".
 * Each with "local-only": true, so that the partner changes itself only.
 * FO_ERR_CONFIG (err names local-address) when the partner would need this
 * server's address as its partner-server and local-address is not set;
 * FO_ERR_INVAL; FO_ERR_NOMEM. The text may hold the shared secret: wipe it.
 */
fo_status fo_mirror_args(const fo_relationship *before, const fo_relationship *after,
    char **out, char *err, size_t errlen);

#endif /* FO_MIRROR_H */
