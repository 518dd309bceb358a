/*
 * fo_canon.h - a JSON reader (RFC 8259) and the canonical text of a JSON
 * value, for the digests of failover-replicate (fo_replicate.h).
 *
 * Internal tier. Both ends of a replication compute a digest over the same
 * data although the text travels through kea-ctrl-agent, which parses and
 * prints it again (member order, spacing and escapes change on the way).
 * The canonical text does not depend on those: members sorted by name
 * (bytewise, on the names' UTF-8), no whitespace, strings with every \u
 * escape decoded and only the quote, the backslash and the control
 * characters escaped (\u00xx, lowercase hex), numbers as written, literals
 * true/false/null. A value is parsed once into a tree (fo_jv) that also
 * answers member look-ups.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_CANON_H
#define FO_CANON_H

#include "fo_types.h"

#define FO_JV_DEPTH 64            /* deepest nesting accepted */

typedef enum fo_jv_type {
	FO_JV_NULL = 0,
	FO_JV_FALSE,
	FO_JV_TRUE,
	FO_JV_NUMBER,
	FO_JV_STRING,
	FO_JV_ARRAY,
	FO_JV_OBJECT,
} fo_jv_type;

typedef struct fo_jv fo_jv;

/*
 * Parse len bytes of JSON text: exactly one value, surrounded by optional
 * whitespace. FO_ERR_PROTO with err saying where ("byte 17: ...") for text
 * that is not JSON, a nesting deeper than FO_JV_DEPTH, a \u escape that is
 * a lone surrogate, or an object with two members of the same name;
 * FO_ERR_NOMEM. \u escapes are decoded to UTF-8 (a surrogate pair to one
 * code point); other bytes are kept as they are, valid UTF-8 or not
 * (fo_utf8_valid tells; the writers replace an invalid byte by U+FFFD).
 */
fo_status fo_jv_parse(const char *text, size_t len, fo_jv **out, char *err, size_t errlen);
void fo_jv_free(fo_jv *v);

fo_jv_type fo_jv_type_of(const fo_jv *v);
/* The member `key` of an object (NULL: none, or v is no object). */
const fo_jv *fo_jv_get(const fo_jv *v, const char *key);
/* The number of elements of an array or members of an object (0 otherwise). */
size_t fo_jv_count(const fo_jv *v);
/*
 * Element or member i in document order (NULL: none); for an object *key
 * and *klen (either may be NULL) give its decoded name, else NULL and 0.
 */
const fo_jv *fo_jv_at(const fo_jv *v, size_t i, const char **key, size_t *klen);
/* A string's decoded bytes (NUL-terminated; *len may be NULL); NULL for another type. */
const char *fo_jv_string(const fo_jv *v, size_t *len);
/* An integer number (no fraction, no exponent) within int64_t. */
bool fo_jv_int(const fo_jv *v, int64_t *out);

/*
 * The canonical text of v (malloc'd, NUL-terminated). `drop`: the name of
 * a member of v (an object) left out, or NULL. FO_ERR_NOMEM.
 */
fo_status fo_jv_canon(const fo_jv *v, const char *drop, char **out);

/*
 * The text of v in document order (malloc'd): no whitespace, strings as
 * in the canonical text (every \u escape decoded: UTF-8, controls as
 * \u00xx). FO_ERR_NOMEM.
 */
fo_status fo_jv_text(const fo_jv *v, char **out);

/* Parse and canonicalise in one call (fo_jv_parse's errors). */
fo_status fo_canon_json(const char *text, const char *drop, char **out, char *err,
    size_t errlen);

#endif /* FO_CANON_H */
