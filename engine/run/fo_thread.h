/*
 * fo_thread.h - the start and the stop of a worker thread that waits on a
 * mutex and a condition variable for work or a stop flag (failover-
 * replicate's sender, the changes on both partners).
 *
 * Internal tier.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_THREAD_H
#define FO_THREAD_H

#include <pthread.h>

#include "fo_types.h"

typedef struct fo_thread {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool stop;              /* under mu: the worker ends its loop */
} fo_thread;

/* Initialise mu and cv and run fn(arg); FO_ERR_IO (nothing left to undo) when it cannot start. */
fo_status fo_thread_start(fo_thread *t, void *(*fn)(void *), void *arg);
/* Set stop, wake the worker, join it, destroy mu and cv. */
void fo_thread_stop(fo_thread *t);
/*
 * Name the calling thread (at most 15 bytes; Linux: what top -H, ps -L and
 * /proc/PID/task/TID/comm show), so that an operator and bench/bench_pair.sh
 * can tell the hook's threads from Kea's. Best effort: nothing on failure.
 */
void fo_thread_name(const char *name);

#endif /* FO_THREAD_H */
