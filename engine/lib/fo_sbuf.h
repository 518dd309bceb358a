/*
 * fo_sbuf.h - a growing, always NUL-terminated text buffer. The first
 * allocation failure sticks (oom), later appends do nothing, and
 * fo_sbuf_take() then returns NULL: callers check once, at the end.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SBUF_H
#define FO_SBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fo_sbuf {
	char *s;                /* NULL until the first append */
	size_t len, cap;
	bool oom;
} fo_sbuf;

void fo_sbuf_add(fo_sbuf *b, const char *p, size_t n);
void fo_sbuf_cat(fo_sbuf *b, const char *p);
void fo_sbuf_byte(fo_sbuf *b, char c);
/*
 * A JSON string (RFC 8259) of s[0..len): the quote, the backslash and the
 * control characters escaped (\u00xx), valid UTF-8 copied as it is and
 * each byte of an invalid sequence written as U+FFFD, so that the text is
 * valid UTF-8 with no escape above U+001F (Kea's JSON reader takes \u00XX
 * escapes only). `how`: FO_SBUF_JSON_SHORT writes \n \t \r as such;
 * FO_SBUF_JSON_BYTES copies every byte >= 0x20 as it is, valid or not.
 */
#define FO_SBUF_JSON_SHORT 0x1u
#define FO_SBUF_JSON_BYTES 0x2u
void fo_sbuf_json_text(fo_sbuf *b, const char *s, size_t len, unsigned how);
/*
 * The canonical form (fo_canon.h): FO_SBUF_JSON_BYTES, so that the text is
 * a function of the bytes alone and parses back to the same bytes.
 */
void fo_sbuf_json_str(fo_sbuf *b, const char *s, size_t len);

/* The text (the caller frees it), or NULL after an allocation failure; b is emptied. */
char *fo_sbuf_take(fo_sbuf *b);

#endif
