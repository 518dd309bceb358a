/*
 * fo_engine_int.h - the engine's internals that the administration commands
 * (fo_admin.c) and replication (fo_replicate.c) need, defined in fo_engine.c.
 *
 * Internal tier (api/): not for the shim.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ENGINE_INT_H
#define FO_ENGINE_INT_H

#include "fo_engine.h"
#include "fo_peer.h"
#include "fo_relationship.h"
#include "fo_retired.h"
#include "fo_runtime.h"

/* The live set (read-only: change it with fo_engine_replace_set). */
const fo_relationship_set *fo_engine_set_of(const fo_engine *eng);
/* Runtime and session (NULL before the protocol started) of relationship i. */
fo_runtime *fo_engine_runtime_at(fo_engine *eng, size_t i);
fo_peer *fo_engine_peer_at(fo_engine *eng, size_t i);
/* Wake the protocol driver (a timer was armed outside of it). */
void fo_engine_wake(fo_engine *eng);
/* The host's callbacks (fo_log()). */
const fo_host *fo_engine_host(const fo_engine *eng);
/* The Kea subnets of the last fo_engine_attach() (NULL, 0 before). */
const fo_subnet *fo_engine_subnets(const fo_engine *eng, size_t *n);
/* fo_relfile_params_crc of the hook's parameters at load (fo_relfile_save). */
uint32_t fo_engine_configured_crc(const fo_engine *eng);
/*
 * Take `set` (moved: *set is zeroed) as the live set: stop the protocol,
 * clean-stop and close every runtime, build the new runtimes, attach them
 * to the saved subnets (when attached before) and start the protocol again
 * (when it ran). On failure the previous set is rebuilt and `set` is left
 * empty; err says what failed.
 */
fo_status fo_engine_replace_set(fo_engine *eng, fo_relationship_set *set, fo_wall now,
    char *err, size_t errlen);

/* Kea's statistic of the queries dropped in retired scopes (fo_engine_query). */
#define FO_RETIRED_STAT "failover-retired.queries-dropped"

/* The scopes retired here (read at create; fo_admin.c retires them). */
fo_retired *fo_engine_retired(fo_engine *eng);
/*
 * After every attach (fo_engine_attach runs it) and a failed change: lift
 * the retirements a relationship took back or whose Kea subnet is gone
 * (logged), and make the packet path's retired subnet ids (a damaged list:
 * every subnet in no relationship).
 */
void fo_engine_retired_sync(fo_engine *eng);

#endif /* FO_ENGINE_INT_H */
