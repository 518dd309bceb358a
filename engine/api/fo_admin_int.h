/*
 * fo_admin_int.h - what the both-partner changes (fo_both.c) need of
 * fo_admin.c: one entry point for every change, with a dry run.
 *
 * Internal tier (api/): not for the shim.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ADMIN_INT_H
#define FO_ADMIN_INT_H

#include "fo_admin.h"
#include "fo_relationship.h"

/*
 * The change `req` as fo_engine_admin_add/_set/_remove/_scopes make it.
 * With dry (not NULL): validate only, exactly as the change would, and give
 * the new set in *dry (the caller clears it); nothing saved, nothing
 * changed, no state set aside.
 */
fo_status fo_admin_apply(fo_engine *eng, const fo_admin_req *req, fo_wall now,
    fo_relationship_set *dry, char *msg, size_t msglen);

#endif /* FO_ADMIN_INT_H */
