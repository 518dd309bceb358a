/*
 * fo_replicate_int.h - what failover-replicate's sending side
 * (fo_replicate_send.c) needs of fo_replicate.c.
 *
 * Internal tier (api/): not for the shim.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_REPLICATE_INT_H
#define FO_REPLICATE_INT_H

#include "fo_relationship.h"
#include "fo_replicate.h"

/* A relationship's partner as the sender needs it: a copy, outliving set changes. */
typedef struct fo_repl_peer {
	char name[FO_NAME_MAX + 1];
	char url[FO_CONTROL_URL_MAX + 1];
	char user[FO_CONTROL_USER_MAX + 1];
	char password[FO_CONTROL_PASSWORD_MAX + 1];
	char ca_file[FO_CONTROL_FILE_MAX + 1];
	char cert_file[FO_CONTROL_FILE_MAX + 1];
	char key_file[FO_CONTROL_FILE_MAX + 1];
	char secret[FO_SECRET_MAX + 1];         /* "" without enable-auth */
} fo_repl_peer;

/* The copy of relationship `name` (fo_engine_replicate_send's errors before sending). */
fo_status fo_repl_peer_of(fo_engine *eng, const char *name, fo_repl_peer *out, char *err,
    size_t errlen);
/* The copy of relationship r (FO_ERR_CONFIG, err naming partner-control-url, when not set). */
fo_status fo_repl_peer_from(const fo_relationship *r, fo_repl_peer *out, char *err,
    size_t errlen);
/* fo_engine_replicate_send() with the copy. */
fo_status fo_repl_peer_send(const fo_repl_peer *p, const char *command, const char *args_json,
    fo_wall now, int timeout_ms, char **answer, char *err, size_t errlen);
/*
 * POST body (a whole Kea command) to the copy's URL: fo_repl_peer_send's
 * transport. *sent (may be NULL): the whole request was written (false: the
 * partner cannot have acted on it).
 */
fo_status fo_repl_peer_post(const fo_repl_peer *p, const char *body, int timeout_ms,
    char **answer, bool *sent, char *err, size_t errlen);
/* Zero the copy's secrets. */
void fo_repl_peer_clear(fo_repl_peer *p);

#endif /* FO_REPLICATE_INT_H */
