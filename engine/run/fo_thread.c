/*
 * fo_thread.c - a worker thread's start and stop (fo_thread.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "fo_thread.h"

fo_status
fo_thread_start(fo_thread *t, void *(*fn)(void *), void *arg)
{
	t->stop = false;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->th, NULL, fn, arg) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		return FO_ERR_IO;
	}
	return FO_OK;
}

void
fo_thread_stop(fo_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
}

void
fo_thread_name(const char *name)
{
#ifdef __linux__
	(void)prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
	(void)name;
#endif
}
