/*
 * fo_alloc.c - libc's allocator behind a failure-injection counter (fo_alloc.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"

static _Atomic long countdown = -1;     /* allocations left before the failure; < 0: none */
static _Atomic bool failed;

/* Is this allocation the one to fail? */
static bool
inject(void)
{
	if (atomic_load_explicit(&countdown, memory_order_relaxed) < 0)
		return false;
	if (atomic_fetch_sub(&countdown, 1) != 0)
		return false;
	atomic_store(&failed, true);
	return true;
}

void *
fo_malloc(size_t size)
{
	return inject() ? NULL : malloc(size);
}

void *
fo_calloc(size_t nmemb, size_t size)
{
	return inject() ? NULL : calloc(nmemb, size);
}

void *
fo_realloc(void *ptr, size_t size)
{
	return inject() ? NULL : realloc(ptr, size);
}

char *
fo_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = fo_malloc(n);

	return d != NULL ? memcpy(d, s, n) : NULL;
}

void
fo_free(void *ptr)
{
	free(ptr);
}

void
fo_free_secret(char *s)
{
	if (s != NULL) {
		volatile char *v = s;

		while (*v != '\0')
			*v++ = '\0';
	}
	free(s);
}

void
fo_alloc_fail_after(long n)
{
	if (n >= 0)
		atomic_store(&failed, false);
	atomic_store(&countdown, n < 0 ? -1 : n);
}

bool
fo_alloc_failed(void)
{
	return atomic_load(&failed);
}
