/*
 * fo_alloc.h - the engine's allocation calls, with failure injection for
 * tests (as c-ares' SetAllocFail(n)).
 *
 * fo_malloc, fo_calloc, fo_realloc, fo_strdup, fo_free behave as libc's
 * (fo_free is libc's free: a string libyang returned may be passed to it).
 * Every allocation of the engine goes through them. A test calls
 * fo_alloc_fail_after(n): the next n allocations succeed and the one after
 * them (the (n+1)th: n = 0 fails the very next) returns NULL, once; later
 * ones succeed again. fo_alloc_fail_after(-1) cancels, keeping what
 * fo_alloc_failed() says: whether the injected failure happened since the
 * last fo_alloc_fail_after(n >= 0), so a test walking n = 0, 1, 2, ...
 * knows when n passed the last allocation. The counter is
 * process-wide and atomic; meant for single-threaded tests.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ALLOC_H
#define FO_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *fo_malloc(size_t size);
void *fo_calloc(size_t nmemb, size_t size);
void *fo_realloc(void *ptr, size_t size);       /* on failure ptr is left as it was */
char *fo_strdup(const char *s);
void fo_free(void *ptr);
/* Zero a NUL-terminated text that may hold a secret (in a way the compiler keeps), then free it. */
void fo_free_secret(char *s);

/* The engine's allocator hooks for tables (core/fo_binding, core/fo_bextra). */
#ifndef FO_ALLOC_DEFINED
#define FO_ALLOC_DEFINED
/*
 * An injectable allocator (style: c-ares), so that tests can fail the Nth
 * allocation. A NULL fo_alloc pointer, or a NULL member, means libc's.
 */
typedef struct fo_alloc {
	void *(*malloc)(size_t size);
	void *(*calloc)(size_t nmemb, size_t size);
	void (*free)(void *ptr);
} fo_alloc;
#endif

void fo_alloc_fail_after(long n);               /* tests only */
bool fo_alloc_failed(void);                     /* the injected failure happened */

#endif /* FO_ALLOC_H */
