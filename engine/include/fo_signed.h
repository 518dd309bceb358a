/*
 * fo_signed.h - commands to the partner's control channel signed with a
 * relationship's shared secret (EnableAuth): failover-replicate's requests
 * and those of the changes on both partners (docs/commands.md,
 * "Authentication"). Pure functions: no engine, no clock.
 *
 * Public tier (the shim includes it through fo_replicate.h).
 *
 * The digest: HMAC-SHA256 keyed with the shared secret over the bytes
 *     "kea-failover-replicate\n" <command> "\n" <canonical arguments>
 * where <canonical arguments> is the canonical JSON text (fo_canon.h) of the
 * command's arguments without their "digest" member; the arguments carry
 * "time" (Unix seconds of the sender's clock), which the digest covers.
 * "digest" is the lowercase hex text of the 32 bytes. The receiver refuses a
 * missing or wrong digest and a time more than FO_SIGNED_MAX_SKEW seconds
 * away from its own clock. The label is failover-replicate's, kept for every
 * command (the command's name separates them).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SIGNED_H
#define FO_SIGNED_H

#include "fo_types.h"

#define FO_SIGNED_MAX_SKEW 60            /* seconds */
#define FO_SIGNED_DIGEST_HEX 64          /* hex characters of a digest */

/*
 * The digest of `args_json` (a JSON object; a "digest" member in it is left
 * out) for `command`, keyed with `secret` (NUL-terminated, not empty), into
 * hex (FO_SIGNED_DIGEST_HEX + 1 bytes). FO_ERR_PROTO (err: the JSON
 * fault) when args_json is not a JSON object; FO_ERR_INVAL; FO_ERR_NOMEM.
 */
fo_status fo_signed_digest(const char *secret, const char *command, const char *args_json,
    char hex[FO_SIGNED_DIGEST_HEX + 1], char *err, size_t errlen);

/*
 * Check the "time" and "digest" members of `args_json` for `command`:
 * FO_OK; FO_ERR_RANGE, err "time: ..." (missing, not an integer, or more
 * than max_skew seconds from now); FO_ERR_PROTO, err "digest: ..." (missing,
 * not a string, or not the digest of the arguments: compared in constant
 * time); FO_ERR_PROTO with "arguments: ..." when args_json is no JSON object.
 */
fo_status fo_signed_verify(const char *secret, const char *command, const char *args_json,
    fo_wall now, int64_t max_skew, char *err, size_t errlen);

/*
 * The request to send: args_json (a JSON object, without "time" and
 * "digest") with "time": now added, and "digest" when secret is not NULL,
 * wrapped as {"command": command, "service": ["dhcp4"], "arguments": ...}.
 * malloc'd into *out. FO_ERR_PROTO when args_json is not a JSON object.
 */
fo_status fo_signed_request(const char *secret, const char *command, const char *args_json,
    fo_wall now, char **out, char *err, size_t errlen);

#endif /* FO_SIGNED_H */
