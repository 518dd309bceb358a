/*
 * fo_sbuf.c - a growing text buffer (fo_sbuf.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_sbuf.h"
#include "fo_utf8.h"

void
fo_sbuf_add(fo_sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *s;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((s = fo_realloc(b->s, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
fo_sbuf_cat(fo_sbuf *b, const char *p)
{
	fo_sbuf_add(b, p, strlen(p));
}

void
fo_sbuf_byte(fo_sbuf *b, char c)
{
	fo_sbuf_add(b, &c, 1);
}

/* The escape of control character c: \n, \t, \r when short, else \u00xx. */
static void
json_control(fo_sbuf *b, unsigned char c, unsigned how)
{
	char e[8];

	if ((how & FO_SBUF_JSON_SHORT) != 0 && (c == '\n' || c == '\t' || c == '\r')) {
		e[0] = '\\';
		e[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		fo_sbuf_add(b, e, 2);
		return;
	}
	snprintf(e, sizeof(e), "\\u%04x", c);
	fo_sbuf_add(b, e, 6);
}

void
fo_sbuf_json_text(fo_sbuf *b, const char *s, size_t len, unsigned how)
{
	size_t i = 0;

	fo_sbuf_byte(b, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t at = i;
		uint32_t cp;
		char u[4];

		if (c == '"' || c == '\\') {
			fo_sbuf_byte(b, '\\');
			fo_sbuf_byte(b, (char)c);
			i++;
		} else if (c < 0x20) {
			json_control(b, c, how);
			i++;
		} else if ((how & FO_SBUF_JSON_BYTES) != 0) {
			fo_sbuf_byte(b, (char)c);
			i++;
		} else if (fo_utf8_next(s, len, &i, &cp)) {
			fo_sbuf_add(b, s + at, i - at);
		} else {
			fo_sbuf_add(b, u, fo_utf8_put(FO_UTF8_REPLACEMENT, u));
			i++;
		}
	}
	fo_sbuf_byte(b, '"');
}

void
fo_sbuf_json_str(fo_sbuf *b, const char *s, size_t len)
{
	fo_sbuf_json_text(b, s, len, FO_SBUF_JSON_BYTES);
}

char *
fo_sbuf_take(fo_sbuf *b)
{
	char *s = b->s;

	if (b->oom) {
		fo_free(b->s);
		s = NULL;
	}
	memset(b, 0, sizeof(*b));
	return s;
}
