/*
 * fo_utf8.h - UTF-8 (RFC 3629): encode a code point, decode one sequence
 * strictly, validate a string.
 *
 * Internal tier. Strict means what RFC 3629 section 3 allows and nothing
 * else: no overlong form, no surrogate (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequence. Every text the engine keeps (names,
 * server names, secrets, URLs, paths) is checked with these at the
 * boundary, and its length is counted in bytes.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_UTF8_H
#define FO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FO_UTF8_REPLACEMENT 0xfffdu     /* U+FFFD, written for an invalid sequence */

/* Write code point cp (<= U+10FFFF, no surrogate) into out; its length, 1..4. */
size_t fo_utf8_put(uint32_t cp, char out[4]);

/*
 * Decode the sequence at s[*i] (s has len bytes): *cp and *i past it.
 * false for an invalid or truncated one (*i and *cp unchanged).
 */
bool fo_utf8_next(const char *s, size_t len, size_t *i, uint32_t *cp);

/*
 * Whether s[0..len) is valid UTF-8. *bad (may be NULL): the offset of the
 * first invalid byte when it is not.
 */
bool fo_utf8_valid(const char *s, size_t len, size_t *bad);

#endif /* FO_UTF8_H */
