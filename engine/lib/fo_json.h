/*
 * fo_json.h - a small JSON text writer (RFC 8259) for command output.
 *
 * Internal tier. Values are appended to a growing buffer; commas and
 * nesting are tracked, so no output has a trailing comma. The first error
 * (allocation failure, nesting deeper than FO_JSON_DEPTH, a value where a
 * key is needed) sticks: later calls do nothing and fo_json_finish()
 * reports it, so callers check once at the end (style: bgpd's ibuf errs).
 * Strings are escaped (quote, backslash, \n \t \r, other control
 * characters as \uXXXX) and written as UTF-8: valid sequences as they are,
 * an invalid byte as U+FFFD (fo_sbuf_json_text), so the output is always
 * valid UTF-8 with no escape above U+001F (which Kea's JSON reader needs).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_JSON_H
#define FO_JSON_H

#include "fo_sbuf.h"
#include "fo_types.h"

#define FO_JSON_DEPTH 32

typedef struct fo_json {
	fo_sbuf b;
	fo_status err;                  /* first error, FO_OK while none */
	int depth;                      /* open objects and arrays */
	bool comma[FO_JSON_DEPTH + 1];  /* a value was written at this depth */
	bool in_object[FO_JSON_DEPTH + 1];
	bool after_key;                 /* a key was written, its value is due */
} fo_json;

void fo_json_init(fo_json *j);
/* Release the buffer (after an error, or when the text is not wanted). */
void fo_json_free(fo_json *j);
/*
 * Hand the NUL-terminated text to the caller (*out, malloc'd) and reset j.
 * The first error if there was one (nothing is handed over then), or
 * FO_ERR_INVAL when an object or array is still open.
 */
fo_status fo_json_finish(fo_json *j, char **out);

void fo_json_obj_begin(fo_json *j);
void fo_json_obj_end(fo_json *j);
void fo_json_arr_begin(fo_json *j);
void fo_json_arr_end(fo_json *j);
/* A member name inside an object; the next call writes its value. */
void fo_json_key(fo_json *j, const char *key);

void fo_json_str(fo_json *j, const char *s);       /* NULL writes null */
void fo_json_uint(fo_json *j, uint64_t v);
void fo_json_int(fo_json *j, int64_t v);
void fo_json_bool(fo_json *j, bool v);
/* A value given as JSON text (the caller's: it is not checked). */
void fo_json_raw(fo_json *j, const char *text);
/* A 64-bit number as a JSON string (RFC 7951 section 6.1: int64, uint64). */
void fo_json_u64_str(fo_json *j, uint64_t v);

/* Key and value in one call. */
void fo_json_kv_str(fo_json *j, const char *key, const char *s);
void fo_json_kv_uint(fo_json *j, const char *key, uint64_t v);
void fo_json_kv_bool(fo_json *j, const char *key, bool v);
void fo_json_kv_u64_str(fo_json *j, const char *key, uint64_t v);

#endif /* FO_JSON_H */
