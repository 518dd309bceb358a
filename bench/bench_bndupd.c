/*
 * bench_bndupd.c - binding updates per second between two engines over
 * loopback (fo_engine_start): N binding changes on the primary, timed
 * until the secondary has acknowledged every one. Draft dialect (batches
 * of up to 16 bindings per BNDUPD) and ISC dialect (one per BNDUPD) are
 * measured separately. Budget: >= 50,000 updates/s.
 *
 * Usage: bench_bndupd [N]   (default 200000)
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fo_engine.h"
#include "../tests/unit/fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define SUBNET_ID 7
#define BUDGET 50000.0

static double
secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static fo_mono
mnow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fo_mono_at((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench_bndupd: %s: %s\n", what, err);
	exit(EXIT_FAILURE);
}

/* An engine already in NORMAL (test seam), its driver started. */
static fo_engine *
engine(const char *type, const char *dir, const char *laddr, unsigned lport, const char *paddr,
    unsigned pport, const char *dialect, const fo_pool_range *pool)
{
	fo_subnet sn = { .subnet_id = SUBNET_ID, .prefix = IP(10, 0, 0, 0), .plen = 14,
	    .pools = pool, .n_pools = 1 };
	char params[2048], err[512] = "";
	fo_engine *eng = NULL;
	int64_t now = (int64_t)time(NULL);

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"bench\", \"partner-server\": \"%s\", \"local-address\": \"%s\","
	    " \"local-port\": %u, \"partner-port\": %u, \"server-type\": \"%s\","
	    " \"scope-id\": [\"10.0.0.0\"], \"dialect\": \"%s\", \"max-response-delay\": 30}]}",
	    dir, paddr, laddr, lport, pport, type, dialect);
	if (fo_engine_create(&eng, params, NULL, err, sizeof(err)) != FO_OK)
		die("create", err);
	if (fo_engine_attach(eng, &sn, 1, fo_wall_at(now), err, sizeof(err)) != FO_OK)
		die("attach", err);
	fo_engine_enable_test_seam(eng);
	if (fo_engine_test_set_state(eng, "bench", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(now), err, sizeof(err)) != FO_OK)
		die("set state", err);
	if (fo_engine_start(eng, err, sizeof(err)) != FO_OK)
		die("start", err);
	return eng;
}

/* "pending-updates": 0 and "connected": true in failover-get. */
static bool
settled(fo_engine *eng)
{
	char *js = NULL;
	bool r;

	if (fo_engine_get_json(eng, "bench", 0, false, fo_wall_at((int64_t)time(NULL)), &js,
	    NULL, 0) != FO_OK)
		return false;
	r = strstr(js, "\"pending-updates\":0,") != NULL || strstr(js, "\"pending-updates\":0}");
	r = r && strstr(js, "\"connected\":true") != NULL;
	free(js);
	return r;
}

static bool
connected(fo_engine *eng)
{
	char *js = NULL;
	bool r;

	if (fo_engine_get_json(eng, "bench", 0, false, fo_wall_at((int64_t)time(NULL)), &js,
	    NULL, 0) != FO_OK)
		return false;
	r = strstr(js, "\"connected\":true") != NULL;
	free(js);
	return r;
}

static double
run(const char *dialect, uint32_t n, unsigned port)
{
	fo_pool_range pool = { IP(10, 0, 0, 10), IP(10, 0, 0, 10) + n - 1 };
	char da[64], db[64];
	fo_engine *a, *b;
	double t0, t1, t2;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };

	snprintf(da, sizeof(da), "/tmp/bench_bndupd_a.XXXXXX");
	snprintf(db, sizeof(db), "/tmp/bench_bndupd_b.XXXXXX");
	if (mkdtemp(da) == NULL || mkdtemp(db) == NULL)
		die("mkdtemp", "failed");
	a = engine("primary", da, "127.0.0.1", port, "127.0.0.2", port + 1, dialect, &pool);
	b = engine("secondary", db, "127.0.0.2", port + 1, "127.0.0.1", port, dialect, &pool);
	for (int i = 0; i < 500 && !(connected(a) && connected(b)); i++)
		nap(10);
	if (!connected(a) || !connected(b))
		die(dialect, "the engines did not connect");
	t0 = secs();
	for (uint32_t i = 0; i < n; i++) {
		fo_lease l = { .subnet_id = SUBNET_ID, .addr = pool.first + i, .valid_lft = 3600,
		    .cltt = fo_wall_at((int64_t)time(NULL)) };

		mac[2] = (uint8_t)(i >> 24);
		mac[3] = (uint8_t)(i >> 16);
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		l.client.chaddr = mac;
		l.client.hlen = 6;
		l.client.htype = 1;
		fo_engine_lease_event(a, FO_LE_COMMIT, &l, l.cltt);
	}
	t1 = secs();
	while (!settled(a) && secs() - t0 < 120)
		nap(2);
	t2 = secs();
	fo_engine_tick(a, fo_wall_at((int64_t)time(NULL)), mnow());
	for (uint32_t i = 0; i < n; i += 997) {        /* the secondary really has them */
		fo_binding_info bi;

		if (fo_engine_get_binding(b, SUBNET_ID, pool.first + i, &bi) != FO_OK ||
		    bi.state != FO_BS_ACTIVE)
			die(dialect, "a binding did not reach the secondary");
	}
	printf("%-6s N=%u  packet path %.3f s (%.0f changes/s)  all acked after %.3f s: "
	    "%.0f BNDUPD bindings/s %s\n", dialect, n, t1 - t0, n / (t1 - t0), t2 - t0,
	    n / (t2 - t0), n / (t2 - t0) >= BUDGET ? "(ok)" : "(BELOW BUDGET)");
	fo_engine_destroy(b);
	fo_engine_destroy(a);
	rm_tree(da);
	rm_tree(db);
	return n / (t2 - t0);
}

int
main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 200000;
	unsigned port = 30000 + (unsigned)(getpid() % 10000) * 2 % 20000;
	double d, i;

	if (n == 0 || n > (1u << 18) - 20)
		die("N", "must be 1..262124");
	d = run("draft", n, port);
	i = run("isc", n, port + 2);
	return d >= BUDGET && i >= BUDGET ? EXIT_SUCCESS : EXIT_FAILURE;
}
