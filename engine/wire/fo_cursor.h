/*
 * fo_cursor.h - bounds-checked reading and writing of wire bytes (style:
 * OpenBSD's struct ibuf).
 *
 * Internal tier: used by the wire codec. A reader never reads outside the
 * view it was given: every get returns FO_ERR_PROTO on a short read and
 * leaves the value untouched. A writer never writes past its capacity: a
 * put that does not fit sets the writer's error flag and writes nothing,
 * and every later put is a no-op, so a sequence of puts is checked once
 * with fo_wcur_ok(). Multi-byte values are network byte order unless the
 * name says _le.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_CURSOR_H
#define FO_CURSOR_H

#include "fo_types.h"

/* A read view: bytes p[off..len) are still to be read. */
typedef struct fo_rcur {
	const uint8_t *p;
	size_t len;
	size_t off;
} fo_rcur;

/* View n bytes at p (p may be NULL when n == 0). */
void fo_rcur_init(fo_rcur *c, const uint8_t *p, size_t n);
size_t fo_rcur_left(const fo_rcur *c);
/* Pointer to the next unread byte (NULL for an empty view). */
const uint8_t *fo_rcur_ptr(const fo_rcur *c);

fo_status fo_get_u8(fo_rcur *c, uint8_t *v);
fo_status fo_get_u16(fo_rcur *c, uint16_t *v);
fo_status fo_get_u32(fo_rcur *c, uint32_t *v);
fo_status fo_get_u32_le(fo_rcur *c, uint32_t *v);
fo_status fo_get_bytes(fo_rcur *c, void *dst, size_t n);
fo_status fo_get_skip(fo_rcur *c, size_t n);
/* Carve the next n bytes into *sub (a TLV value) and move past them. */
fo_status fo_get_view(fo_rcur *c, size_t n, fo_rcur *sub);

/*
 * Read the rest of the view as UTF-16LE text into out (UTF-8, NUL
 * terminated, at most cap - 1 bytes). Trailing NUL code units are
 * dropped; FO_ERR_PROTO for an odd length, a NUL before the end, an
 * unpaired surrogate, or a result that does not fit.
 */
fo_status fo_get_utf16le(fo_rcur *c, char *out, size_t cap);

/* A write buffer: p[0..off) written, cap bytes available. */
typedef struct fo_wcur {
	uint8_t *p;
	size_t cap;
	size_t off;
	bool err;
} fo_wcur;

void fo_wcur_init(fo_wcur *w, uint8_t *p, size_t cap);
/* True while every put so far fitted. */
bool fo_wcur_ok(const fo_wcur *w);

void fo_put_u8(fo_wcur *w, uint8_t v);
void fo_put_u16(fo_wcur *w, uint16_t v);
void fo_put_u32(fo_wcur *w, uint32_t v);
void fo_put_u32_le(fo_wcur *w, uint32_t v);
void fo_put_bytes(fo_wcur *w, const void *src, size_t n);
void fo_put_zeros(fo_wcur *w, size_t n);
/* Overwrite a u16 already written at off (length back-patching). */
void fo_put_u16_at(fo_wcur *w, size_t off, uint16_t v);

/*
 * Write UTF-8 string s as UTF-16LE, plus one NUL code unit when nul is
 * true. FO_ERR_INVAL (nothing written) for invalid UTF-8 (overlong forms,
 * surrogates, code points above U+10FFFF); a short buffer sets the error
 * flag as any put does.
 */
fo_status fo_put_utf16le(fo_wcur *w, const char *s, bool nul);

#endif /* FO_CURSOR_H */
