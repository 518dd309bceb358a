/*
 * fo_params.h - the text of the hook's parameters before libyang reads it:
 * read with the engine's JSON reader, every string checked as UTF-8, and
 * written again for libyang.
 *
 * Internal tier (core/, used by fo_config.c). Kea hands the parameters'
 * strings over as their bytes (the shim undoes Kea's \u00XX escaping of
 * each byte >= 0x80), the relationships file and the commands are UTF-8
 * JSON, and a hand-written file may use any \u escape. libyang 2.1 reads
 * neither invalid UTF-8 (its message names no leaf) nor a surrogate pair
 * escape (it refuses "\ud83d\ude00"), so the engine reads the text first:
 * a string that is not UTF-8 is refused here with the YANG path of its
 * leaf, and libyang gets the same document with every escape decoded.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_PARAMS_H
#define FO_PARAMS_H

#include "fo_types.h"

/*
 * Check and rewrite `json` (the parameters' map, not wrapped); `top` is
 * the path of the map ("/kea-dhcp-failover:failover").
 * *out: the text for libyang, malloc'd: members in document order, no
 *   whitespace, strings as UTF-8 with only the quote, the backslash and the
 *   control characters escaped. NULL (and FO_OK) when json is not valid
 *   JSON: libyang then reads json itself and reports where it fails.
 * FO_ERR_CONFIG: a string (a value or a member name) is not valid UTF-8;
 *   err is "<YANG path>: not valid UTF-8 (byte N)", N counted from 1 in
 *   the value (or "a member name is not valid UTF-8") - the path
 *   names a relationships entry by its name, or by its position when the
 *   name itself is not valid ("relationships[2]/name: ... (entry 2 of
 *   relationships, counting from 1: ...)"); the value is never quoted (it
 *   may be a secret).
 * FO_ERR_NOMEM, FO_ERR_INVAL (json, top or out NULL).
 */
fo_status fo_params_text(const char *json, const char *top, char **out, char *err,
    size_t errlen);

#endif /* FO_PARAMS_H */
