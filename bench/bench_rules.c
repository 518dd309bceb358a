/*
 * bench_rules.c - ns per call of the per-query rules: RFC 3074 hash and
 * bucket decision, the MCLT rule, the serving rule.
 *
 * Each measurement alternates a baseline (the same loop, the same input
 * reads, the same volatile sink, no call) with the measured loop, five
 * times, and reports the medians. Budget: hash+bucket and MCLT under 50 ns.
 *
 *	cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Iengine/include -Iengine/lib -Iengine/core -Iengine/wire -Iengine/run engine/lib/fo_types.c \
 *	    engine/core/fo_hash.c engine/core/fo_mclt.c engine/core/fo_serve.c \
 *	    bench/bench_rules.c -o bench_rules && ./bench_rules [iterations]
 *
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fo_hash.h"
#include "fo_mclt.h"
#include "fo_serve.h"

#define NKEYS 1024              /* power of two: index with & (NKEYS - 1) */
#define ROUNDS 5
#define DEFAULT_ITERS 50000000UL

struct input {
	uint8_t mac[NKEYS][6];
	uint8_t cid[NKEYS][7];
	fo_wall acked[NKEYS];
	uint32_t desired[NKEYS];
	fo_hba hba;
	fo_serve_view view[4];
};

enum bench_kind { B_HASH_MAC, B_HASH_CID, B_MCLT, B_ANSWER };

static const char *const bench_name[] = {
	[B_HASH_MAC] = "hash+bucket chaddr",
	[B_HASH_CID] = "hash+bucket client-id",
	[B_MCLT] = "mclt_lease_time",
	[B_ANSWER] = "serve_answer",
};

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void
input_fill(struct input *in)
{
	static const fo_state st[4] = { FO_STATE_NORMAL, FO_STATE_NORMAL,
	    FO_STATE_COMM_INTERRUPTED, FO_STATE_PARTNER_DOWN };
	uint32_t s = 12345;

	for (size_t i = 0; i < NKEYS; i++) {
		for (size_t j = 0; j < 6; j++)
			in->mac[i][j] = (uint8_t)lcg(&s);
		in->cid[i][0] = 1;
		memcpy(&in->cid[i][1], in->mac[i], 6);
		/* Half acknowledged in the future, a quarter past, a quarter none. */
		switch (i & 3) {
		case 0:
			in->acked[i] = fo_wall_at(0);
			break;
		case 1:
			in->acked[i] = fo_wall_at(1700000000 - (int64_t)(lcg(&s) % 86400));
			break;
		default:
			in->acked[i] = fo_wall_at(1700000000 + (int64_t)(lcg(&s) % 200000));
			break;
		}
		in->desired[i] = 600 + lcg(&s) % (7 * 86400);
	}
	fo_hba_from_percent(&in->hba, 50);
	for (size_t i = 0; i < 4; i++) {
		memset(&in->view[i], 0, sizeof(in->view[i]));
		in->view[i].state = st[i];
		in->view[i].type = (i & 1) ? FO_SECONDARY : FO_PRIMARY;
		in->view[i].mode = FO_MODE_LOAD_BALANCE;
		in->view[i].hba = &in->hba;
		in->view[i].lb_max_seconds = 3;
		in->view[i].mclt = 3600;
	}
}

/* One timed loop; `base` runs the same loop without the call. */
static double
run(const struct input *in, enum bench_kind k, unsigned long n, int base)
{
	volatile uint32_t sink = 0;
	const fo_wall now = fo_wall_at(1700000000);
	double t0, t1;
	size_t j;

	t0 = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		j = i & (NKEYS - 1);
		if (base) {
			sink += in->mac[j][0];
			continue;
		}
		switch (k) {
		case B_HASH_MAC:
			sink += fo_hba_mine(&in->hba,
			    fo_hash_client(NULL, 0, in->mac[j], 6), FO_PRIMARY);
			break;
		case B_HASH_CID:
			sink += fo_hba_mine(&in->hba,
			    fo_hash_client(in->cid[j], 7, in->mac[j], 6), FO_PRIMARY);
			break;
		case B_MCLT:
			sink += fo_mclt_lease_time(in->desired[j], 3600, now,
			    in->acked[j]);
			break;
		case B_ANSWER:
			sink += fo_serve_answer(&in->view[j & 3],
			    (fo_msg)(j % FO_MSG_COUNT), in->mac[j][0],
			    (uint16_t)(j & 7));
			break;
		}
	}
	t1 = now_ns();
	(void)sink;
	return (t1 - t0) / (double)n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

int
main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : DEFAULT_ITERS;
	struct input *in = malloc(sizeof(*in));
	double a[ROUNDS], b[ROUNDS], base, op;
	int over = 0;

	if (in == NULL || n == 0)
		return EXIT_FAILURE;
	input_fill(in);
	printf("# %lu iterations, %d alternating rounds, medians\n", n, ROUNDS);
	for (int k = B_HASH_MAC; k <= B_ANSWER; k++) {
		for (int r = 0; r < ROUNDS; r++) {
			a[r] = run(in, (enum bench_kind)k, n, 1);
			b[r] = run(in, (enum bench_kind)k, n, 0);
		}
		base = median(a, ROUNDS);
		op = median(b, ROUNDS);
		printf("%-24s %7.2f ns/op\n", "baseline", base);
		printf("%-24s %7.2f ns/op  (net %.2f)\n", bench_name[k], op,
		    op - base);
		if (k != B_ANSWER && op >= 50.0)
			over = 1;
	}
	free(in);
	if (over)
		printf("# over the 50 ns budget\n");
	return over ? EXIT_FAILURE : EXIT_SUCCESS;
}
