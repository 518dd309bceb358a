/*
 * bench_store.c - binding journal costs for a /16 scope (10.1.0.0/16):
 * appends (default policy and sync_every_append), sync, replay of 1M
 * records, compaction of the whole table. Works in a directory under /tmp.
 * Records are ACTIVE with a 6-byte chaddr and a 7-byte client-id (48 bytes).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fo_binding.h"
#include "fo_ownership.h"
#include "fo_store.h"

#define FIRST 0x0a010000u
#define SPAN 65536u
#define APPENDS 1000000u
#define SYNC_APPENDS 2000u
#define RUNS 5

static char dir[64];
static char path[128];

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, msg);
	exit(EXIT_FAILURE);
}

/* The lease of address number i (0..SPAN-1), round r. */
static void
lease(uint32_t i, uint32_t r, fo_binding_info *b)
{
	static const fo_binding_info proto = { .state = FO_BS_ACTIVE,
	    .client = { .htype = 1, .hlen = 6, .cidlen = 7,
	    .hw = { 0x52, 0x54, 0x00 }, .cid = { 0x01, 0x52, 0x54, 0x00 } } };

	*b = proto;
	b->expiry = 1700003600u + r;
	b->pexp_sent = b->pexp_acked = 1700007200u + r;
	b->cltt = b->stos = 1700000000u + r;
	b->client.hw[3] = b->client.cid[4] = (uint8_t)(i >> 16);
	b->client.hw[4] = b->client.cid[5] = (uint8_t)(i >> 8);
	b->client.hw[5] = b->client.cid[6] = (uint8_t)i;
}

static fo_journal *
open_journal(const fo_store_policy *pol, fo_journal_cb cb, void *ctx)
{
	char err[512];
	fo_journal *j;

	if (fo_journal_open(&j, path, pol, cb, ctx, NULL, err, sizeof(err)) != FO_OK)
		die("open", err);
	return j;
}

/* n appends cycling over the /16; ns per append. */
static double
appends(fo_journal *j, uint32_t n)
{
	fo_binding_info b;
	double t0 = now_ms();

	for (uint32_t k = 0; k < n; k++) {
		lease(k % SPAN, k / SPAN, &b);
		if (fo_journal_append(j, FIRST + k % SPAN, &b) != FO_OK)
			die("append", fo_journal_error(j));
	}
	return (now_ms() - t0) * 1e6 / n;
}

static fo_status
count_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	(void)addr;
	(void)b;
	(*(size_t *)ctx)++;
	return FO_OK;
}

static fo_status
table_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	return fo_bt_update(ctx, addr, b);
}

static fo_bt *
table(void)
{
	const fo_pool_range r = { FIRST, FIRST + SPAN - 1 };
	fo_bt *bt;

	if (fo_bt_create(&bt, &r, 1, NULL) != FO_OK ||
	    fo_own_split(bt, 50, fo_wall_at(1700000000)) != FO_OK)
		die("table", "build failed");
	return bt;
}

static off_t
file_size(void)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Median ms of RUNS replays of the journal at path, through cb. */
static double
replay_ms(bool into_table, size_t *records)
{
	double t[RUNS], t0;

	for (int i = 0; i < RUNS; i++) {
		fo_bt *bt = into_table ? table() : NULL;
		size_t n = 0;
		fo_journal *j;

		t0 = now_ms();
		j = into_table ? open_journal(NULL, table_cb, bt) :
		    open_journal(NULL, count_cb, &n);
		t[i] = now_ms() - t0;
		*records = fo_journal_records(j);
		fo_journal_close(j);
		fo_bt_destroy(bt);
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

/* Median ms of RUNS compactions of a /16 table, every address ACTIVE. */
static double
compact_ms(off_t *size)
{
	fo_bt *bt = table();
	fo_binding_info b;
	double t[RUNS], t0;
	fo_journal *j = open_journal(NULL, NULL, NULL);

	for (uint32_t i = 0; i < SPAN; i++) {
		lease(i, 0, &b);
		if (fo_bt_update(bt, FIRST + i, &b) != FO_OK)
			die("table", "update failed");
	}
	for (int i = 0; i < RUNS; i++) {
		t0 = now_ms();
		if (fo_journal_compact(j, bt) != FO_OK)
			die("compact", fo_journal_error(j));
		t[i] = now_ms() - t0;
	}
	*size = file_size();
	fo_journal_close(j);
	fo_bt_destroy(bt);
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

int
main(void)
{
	const fo_store_policy paranoid = { .sync_every_append = true };
	double ns_default, ns_sync, sync_ms, t0, replay_count, replay_table, compact;
	size_t records = 0;
	off_t size, jsize;
	fo_journal *j;

	snprintf(dir, sizeof(dir), "/tmp/bench_store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", "failed");
	snprintf(path, sizeof(path), "%s/r1/scope-10.1.0.0.jnl", dir);

	j = open_journal(NULL, NULL, NULL);
	ns_default = appends(j, APPENDS);
	t0 = now_ms();
	if (fo_journal_sync(j) != FO_OK)
		die("sync", fo_journal_error(j));
	sync_ms = now_ms() - t0;
	fo_journal_close(j);
	jsize = file_size();

	replay_count = replay_ms(false, &records);
	replay_table = replay_ms(true, &records);

	unlink(path);
	j = open_journal(&paranoid, NULL, NULL);
	ns_sync = appends(j, SYNC_APPENDS);
	fo_journal_close(j);
	unlink(path);

	compact = compact_ms(&size);

	printf("bench_store: /16 scope (%u addresses), ACTIVE records of 48 bytes, in %s\n",
	    SPAN, dir);
	printf("append, default policy: %.0f ns/append (%.0f appends/s, %u appends)\n",
	    ns_default, 1e9 / ns_default, APPENDS);
	printf("fo_journal_sync after them: %.1f ms\n", sync_ms);
	printf("append, sync_every_append: %.0f ns/append (%.0f appends/s, %u appends)\n",
	    ns_sync, 1e9 / ns_sync, SYNC_APPENDS);
	printf("replay of %zu records (%lld bytes): %.1f ms counting, %.1f ms into a /16 "
	    "table (median of %d)\n", records, (long long)jsize, replay_count, replay_table,
	    RUNS);
	printf("compaction of the /16 table: %.1f ms, %lld bytes (median of %d)\n", compact,
	    (long long)size, RUNS);
	unlink(path);
	snprintf(path, sizeof(path), "%s/r1", dir);
	rmdir(path);
	rmdir(dir);
	return EXIT_SUCCESS;
}
