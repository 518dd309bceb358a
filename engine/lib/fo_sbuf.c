/*
 * fo_sbuf.c - a growing text buffer (fo_sbuf.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_sbuf.h"

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

void
fo_sbuf_json_str(fo_sbuf *b, const char *s, size_t len)
{
	fo_sbuf_byte(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[8];

		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			fo_sbuf_add(b, e, 2);
		} else if (c < 0x20) {
			snprintf(e, sizeof(e), "\\u%04x", c);
			fo_sbuf_add(b, e, 6);
		} else {
			fo_sbuf_byte(b, (char)c);
		}
	}
	fo_sbuf_byte(b, '"');
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
