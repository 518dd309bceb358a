/*
 * check_net.c - the protocol driver end to end: two engines in one
 * process over 127.0.0.1 (fo_engine_start, fo_net.c, fo_peer.c).
 * Real sockets, real clocks, short timers (max-response-delay 3 s, MCLT
 * 2 s, state-switch-interval 1 s); each wait is bounded.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fo_engine.h"
#include "fo_log.h"
#include "fo_net.h"
#include "fo_wire.h"
#include "fo_test_util.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))
#define POOL_FIRST IP(10, 0, 0, 10)
#define POOL_LAST IP(10, 0, 0, 209)     /* 200 addresses */
#define SUBNET_ID 7
#define MCLT 2

typedef struct side {
	const char *tag;
	pthread_mutex_t lock;
	char log[1 << 16];
	unsigned changes;               /* lease_changed calls */
	fo_lease_change last;
} side;

static side sa = { .tag = "A", .lock = PTHREAD_MUTEX_INITIALIZER };
static side sb = { .tag = "B", .lock = PTHREAD_MUTEX_INITIALIZER };
static char dir_a[256], dir_b[256];
static unsigned port_a, port_b;

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	side *s = ctx;
	char msg[512];

	fo_log_format(id, args, nargs, msg, sizeof(msg));
	pthread_mutex_lock(&s->lock);
	if (strlen(s->log) + strlen(msg) + 2 < sizeof(s->log)) {
		strcat(s->log, msg);
		strcat(s->log, "\n");
	}
	if (getenv("CHECK_NET_VERBOSE") != NULL)
		fprintf(stderr, "[%s] %s\n", s->tag, msg);
	pthread_mutex_unlock(&s->lock);
}

static void
changed(void *ctx, const fo_lease_change *c)
{
	side *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->changes++;
	s->last = *c;
	pthread_mutex_unlock(&s->lock);
}

static bool
logged(side *s, const char *what)
{
	bool r;

	pthread_mutex_lock(&s->lock);
	r = strstr(s->log, what) != NULL;
	pthread_mutex_unlock(&s->lock);
	return r;
}

static void
setup(void)
{
	snprintf(dir_a, sizeof(dir_a), "/tmp/check_net_a.XXXXXX");
	snprintf(dir_b, sizeof(dir_b), "/tmp/check_net_b.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir_a));
	ck_assert_ptr_nonnull(mkdtemp(dir_b));
	port_a = 20000 + (unsigned)(getpid() % 20000) * 2 % 40000;
	port_b = port_a + 1;
	sa.log[0] = sb.log[0] = '\0';
	sa.changes = sb.changes = 0;
}

static void
teardown(void)
{
	rm_tree(dir_a);
	rm_tree(dir_b);
}

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static fo_wall
wnow(void)
{
	return fo_wall_at((int64_t)time(NULL));
}

static fo_mono
mnow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fo_mono_at((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static const fo_pool_range pool = { POOL_FIRST, POOL_LAST };

static fo_engine *
engine(side *s, const char *type, const char *dir, const char *laddr, unsigned lport,
    const char *paddr, unsigned pport, const char *dialect, const char *extra)
{
	fo_host host = { .ctx = s, .log = capture, .lease_changed = changed };
	fo_subnet sn = { .subnet_id = SUBNET_ID, .prefix = IP(10, 0, 0, 0), .plen = 24,
	    .pools = &pool, .n_pools = 1 };
	char params[2048], err[512] = "";
	fo_engine *eng = NULL;

	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": ["
	    "{\"name\": \"r1\", \"partner-server\": \"%s\", \"local-address\": "
	    "\"%s\", \"local-port\": %u, \"partner-port\": %u, \"server-type\": \"%s\","
	    " \"scope-id\": [\"10.0.0.0\"], \"max-client-lead-time\": %u,"
	    " \"max-response-delay\": 3, \"auto-state-transition\": true,"
	    " \"state-switch-interval\": 1, \"dialect\": \"%s\"%s}]}",
	    dir, paddr, laddr, lport, pport, type, MCLT, dialect, extra);
	ck_assert_msg(fo_engine_create(&eng, params, &host, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_attach(eng, &sn, 1, wnow(), err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_start(eng, err, sizeof(err)) == FO_OK, "start: %s", err);
	return eng;
}

static fo_engine *
primary(const char *dialect)
{
	return engine(&sa, "primary", dir_a, "127.0.0.1", port_a, "127.0.0.2", port_b, dialect, "");
}

static fo_engine *
secondary(const char *dialect)
{
	return engine(&sb, "secondary", dir_b, "127.0.0.2", port_b, "127.0.0.1", port_a, dialect, "");
}

/* The relationship's state as failover-get shows it. */
static bool
in_state(fo_engine *eng, const char *state)
{
	char *js = NULL, want[128];
	bool r;

	ck_assert_int_eq(fo_engine_get_json(eng, "r1", 0, false, wnow(), &js, NULL, 0), FO_OK);
	snprintf(want, sizeof(want), "\"state\":\"%s\"", state);
	r = strstr(js, want) != NULL;
	free(js);
	return r;
}

/* Tick both (Kea's IO thread does this every second) until cond or timeout. */
static bool
wait_for(fo_engine *a, fo_engine *b, const char *sa_state, const char *sb_state, int secs)
{
	for (int i = 0; i < secs * 20; i++) {
		if (a != NULL)
			fo_engine_tick(a, wnow(), mnow());
		if (b != NULL)
			fo_engine_tick(b, wnow(), mnow());
		if ((a == NULL || in_state(a, sa_state)) && (b == NULL || in_state(b, sb_state)))
			return true;
		nap(50);
	}
	return false;
}

static fo_lease
lease_for(const uint8_t *mac, fo_ip4 a, uint32_t lft)
{
	fo_lease l = { .subnet_id = SUBNET_ID, .addr = a, .valid_lft = lft };

	l.client.chaddr = mac;
	l.client.hlen = 6;
	l.client.htype = 1;
	return l;
}

static void
both_normal(fo_engine *a, fo_engine *b)
{
	ck_assert_msg(wait_for(a, b, "Normal", "Normal", 15), "A:\n%s\nB:\n%s", sa.log, sb.log);
}

START_TEST(two_engines_reach_normal)
{
	fo_engine *a = primary("draft"), *b = secondary("draft");

	both_normal(a, b);
	ck_assert(logged(&sa, "partner state"));
	ck_assert(logged(&sb, "UPDREQALL") || logged(&sa, "UPDREQALL"));
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

/* An allocation on A becomes an ACTIVE binding on B; the ack lets renewals have the full time. */
static void
check_replication(const char *dialect)
{
	fo_engine *a = primary(dialect), *b = secondary(dialect);
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	fo_binding_info ba, bb;
	fo_lease l;
	int i;

	both_normal(a, b);
	l = lease_for(mac, POOL_FIRST, 7200);
	ck_assert_int_ne(fo_engine_lease_select(a, &l, wnow()), FO_V_REFUSE);
	ck_assert_uint_eq(l.valid_lft, MCLT);           /* first lease: MCLT */
	fo_engine_lease_event(a, FO_LE_COMMIT, &l, wnow());
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(fo_engine_get_binding(a, SUBNET_ID, l.addr, &ba), FO_OK);
		ck_assert_int_eq(fo_engine_get_binding(b, SUBNET_ID, l.addr, &bb), FO_OK);
		if (bb.state == FO_BS_ACTIVE && !(ba.flags & FO_BF_UPDATE_PENDING))
			break;
		nap(20);
	}
	ck_assert_int_eq(bb.state, FO_BS_ACTIVE);
	ck_assert_uint_eq(bb.client.hlen, 6);
	ck_assert_mem_eq(bb.client.hw, mac, 6);
	ck_assert_uint_eq(bb.expiry, ba.expiry);
	ck_assert_uint_eq(bb.pexp_acked, ba.pexp_sent);         /* B knows A's potential expiry */
	ck_assert_uint_eq(ba.pexp_acked, ba.pexp_sent);         /* and A knows B acked it */
	ck_assert(!(ba.flags & FO_BF_UPDATE_PENDING));
	pthread_mutex_lock(&sb.lock);
	ck_assert_uint_ge(sb.changes, 1);
	ck_assert_uint_eq(sb.last.addr, l.addr);
	ck_assert_int_eq(sb.last.state, FO_BS_ACTIVE);
	ck_assert_uint_eq(sb.last.subnet_id, SUBNET_ID);
	pthread_mutex_unlock(&sb.lock);
	/* The renewal gets the full lease: the partner acked a potential expiry far enough. */
	l.valid_lft = 7200;
	ck_assert_int_eq(fo_engine_lease_renew(a, &l, wnow()), FO_V_PASS);
	ck_assert_uint_eq(l.valid_lft, 7200);
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}

START_TEST(allocation_replicates_draft) { check_replication("draft"); }
END_TEST

START_TEST(allocation_replicates_isc) { check_replication("isc"); }
END_TEST

#define AUTH(secret) ", \"enable-auth\": true, \"shared-secret\": \"" secret "\""

/* The counter `name` of r1 in failover-get. */
static unsigned long
counter(fo_engine *eng, const char *name)
{
	char *js = NULL, want[128];
	const char *p;
	unsigned long v = 0;

	ck_assert_int_eq(fo_engine_get_json(eng, "r1", 0, false, wnow(), &js, NULL, 0), FO_OK);
	snprintf(want, sizeof(want), "\"%s\":\"", name);
	if ((p = strstr(js, want)) != NULL)
		v = strtoul(p + strlen(want), NULL, 10);
	free(js);
	return v;
}

/* EnableAuth: with the same secret every message carries a digest that checks. */
START_TEST(auth_same_secret_reaches_normal)
{
	fo_engine *a = engine(&sa, "primary", dir_a, "127.0.0.1", port_a, "127.0.0.2", port_b,
	    "draft", AUTH("s3cret-one"));
	fo_engine *b = engine(&sb, "secondary", dir_b, "127.0.0.2", port_b, "127.0.0.1", port_a,
	    "draft", AUTH("s3cret-one"));

	ck_assert_msg(wait_for(a, b, "Normal", "Normal", 20), "A:\n%s\nB:\n%s", sa.log, sb.log);
	ck_assert_uint_eq(counter(a, "authentication-failures"), 0);
	ck_assert_uint_eq(counter(b, "authentication-failures"), 0);
	ck_assert_ptr_null(strstr(sa.log, "s3cret-one"));
	ck_assert_ptr_null(strstr(sb.log, "s3cret-one"));
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

/* Different secrets: every message fails its digest; the partners never connect. */
START_TEST(auth_wrong_secret_is_refused)
{
	fo_engine *a = engine(&sa, "primary", dir_a, "127.0.0.1", port_a, "127.0.0.2", port_b,
	    "draft", AUTH("s3cret-one"));
	fo_engine *b = engine(&sb, "secondary", dir_b, "127.0.0.2", port_b, "127.0.0.1", port_a,
	    "draft", AUTH("other-secret"));

	ck_assert(!wait_for(a, b, "Normal", "Normal", 4));
	ck_assert_msg(counter(a, "authentication-failures") + counter(b, "authentication-failures") > 0,
	    "A:\n%s\nB:\n%s", sa.log, sb.log);
	ck_assert_ptr_null(strstr(sa.log, "other-secret"));
	ck_assert_ptr_null(strstr(sb.log, "s3cret-one"));
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

START_TEST(partner_stop_partner_down_and_recovery)
{
	fo_engine *a = primary("draft"), *b = secondary("draft");

	both_normal(a, b);
	fo_engine_destroy(b);
	ck_assert_msg(wait_for(a, NULL, "CommunicationInterrupted", NULL, 5) ||
	    in_state(a, "PartnerDown"), "%s", sa.log);
	ck_assert_msg(wait_for(a, NULL, "PartnerDown", NULL, 5), "%s", sa.log);
	ck_assert(logged(&sa, "state Normal -> CommunicationInterrupted"));
	ck_assert(logged(&sa, "state CommunicationInterrupted -> PartnerDown"));
	/* B comes back: RECOVER, RECOVER-WAIT (MCLT), RECOVER-DONE, then both NORMAL. */
	b = secondary("draft");
	ck_assert_msg(wait_for(a, b, "Normal", "Normal", 20), "A:\n%s\nB:\n%s", sa.log, sb.log);
	ck_assert_msg(logged(&sb, "-> Recover (communications OK)"), "%s", sb.log);
	ck_assert(logged(&sb, "-> RecoverWait"));
	ck_assert(logged(&sb, "-> RecoverDone") || logged(&sb, "RecoverWait -> Normal"));
	/*
	 * A leaves PartnerDown when it learns B's state: RecoverDone gives Normal
	 * directly; when B's later STATE arrives first (a loaded machine), A goes
	 * through PotentialConflict, the draft's other way back (section 9.7).
	 */
	ck_assert_msg(logged(&sa, "PartnerDown -> Normal") ||
	    logged(&sa, "PartnerDown -> PotentialConflict"), "%s", sa.log);
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

START_TEST(connection_from_wrong_address_refused)
{
	fo_engine *a = primary("draft");
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	char buf[16];
	ssize_t r = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, "127.0.0.3", &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	to.sin_port = htons((uint16_t)port_a);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	r = recv(fd, buf, sizeof(buf), 0);             /* closed at once: EOF */
	ck_assert_int_le(r, 0);
	close(fd);
	for (int i = 0; i < 50 && !logged(&sa, "connection from 127.0.0.3 refused"); i++)
		nap(20);
	ck_assert_msg(logged(&sa, "connection from 127.0.0.3 refused: not the partner"), "%s",
	    sa.log);
	fo_engine_destroy(a);
}
END_TEST

/* Reference 1: a second link from the partner gets CONNECTACK with reject reason 7. */
START_TEST(duplicate_connection_refused_7)
{
	fo_engine *a = primary("draft"), *b = secondary("draft");
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	fo_wire_msg *m = calloc(1, sizeof(*m));
	uint8_t buf[FO_WIRE_MAX];
	size_t got = 0, ml = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	both_normal(a, b);
	inet_pton(AF_INET, "127.0.0.2", &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	to.sin_port = htons((uint16_t)port_a);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	while ((r = recv(fd, buf + got, sizeof(buf) - got, 0)) > 0)
		got += (size_t)r;
	close(fd);
	ck_assert_int_eq(fo_wire_frame(buf, got, &ml), FO_OK);
	ck_assert_uint_gt(ml, 0);
	ck_assert_uint_eq(ml, got);
	ck_assert_int_eq(fo_wire_decode(buf, ml, FO_DIALECT_DRAFT, NULL, m, NULL, NULL, 0), FO_OK);
	ck_assert_int_eq(m->type, FO_M_CONNECTACK);
	ck_assert_uint_eq(m->reject, FO_REJ_DUPLICATE_CONNECTION);
	ck_assert(logged(&sa, "duplicate connection from 127.0.0.2 refused"));
	/* The first connection is untouched. */
	ck_assert(wait_for(a, b, "Normal", "Normal", 2));
	free(m);
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

START_TEST(start_twice_refused_stop_idempotent)
{
	fo_engine *a = primary("draft");
	char err[256] = "";

	ck_assert_int_eq(fo_engine_start(a, err, sizeof(err)), FO_ERR_STATE);
	ck_assert_str_eq(err, "the failover protocol is already running");
	fo_engine_stop(a);
	fo_engine_stop(a);
	ck_assert_int_eq(fo_engine_start(a, err, sizeof(err)), FO_OK);
	fo_engine_destroy(a);
}
END_TEST

/* ---- Several relationships on one port (fo_net.c: listeners, pending connections) ---- */

#define POOL2_FIRST IP(10, 0, 1, 10)
#define POOL2_LAST IP(10, 0, 1, 109)
#define SUBNET2_ID 8

static const fo_pool_range pool2 = { POOL2_FIRST, POOL2_LAST };

/* One relationship of a two-relationship engine: r1 over 10.0.0.0/24, r2 over 10.0.1.0/24. */
static int
rel_json(char *out, size_t cap, const char *name, const char *type, const char *scope,
    const char *laddr, unsigned lport, const char *paddr, unsigned pport)
{
	char la[128] = "";

	if (laddr[0] != '\0')          /* absent: every address */
		snprintf(la, sizeof(la), "\"local-address\": \"%s\", ", laddr);
	return snprintf(out, cap, "{\"name\": \"%s\", \"partner-server\": \"%s\", "
	    "%s\"local-port\": %u, \"partner-port\": %u, "
	    "\"server-type\": \"%s\", \"scope-id\": [\"%s\"], \"max-client-lead-time\": %u,"
	    " \"max-response-delay\": 3, \"auto-state-transition\": true,"
	    " \"state-switch-interval\": 1, \"dialect\": \"draft\"}", name, paddr, la, lport,
	    pport, type, scope, MCLT);
}

static fo_engine *
engine2(side *s, const char *dir, const char *t1, const char *laddr1, const char *t2,
    const char *laddr2, unsigned lport, const char *paddr, unsigned pport)
{
	fo_host host = { .ctx = s, .log = capture, .lease_changed = changed };
	fo_subnet sn[2] = {
		{ .subnet_id = SUBNET_ID, .prefix = IP(10, 0, 0, 0), .plen = 24, .pools = &pool,
		    .n_pools = 1 },
		{ .subnet_id = SUBNET2_ID, .prefix = IP(10, 0, 1, 0), .plen = 24, .pools = &pool2,
		    .n_pools = 1 },
	};
	char params[4096], r1[1024], r2[1024], err[512] = "";
	fo_engine *eng = NULL;

	rel_json(r1, sizeof(r1), "r1", t1, "10.0.0.0", laddr1, lport, paddr, pport);
	rel_json(r2, sizeof(r2), "r2", t2, "10.0.1.0", laddr2, lport, paddr, pport);
	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": "
	    "[%s, %s]}", dir, r1, r2);
	ck_assert_msg(fo_engine_create(&eng, params, &host, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_attach(eng, sn, 2, wnow(), err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_msg(fo_engine_start(eng, err, sizeof(err)) == FO_OK, "start: %s", err);
	return eng;
}

/* Relationship `rel` of eng is Normal, knows its partner is, and is connected (failover-get). */
static bool
rel_up(fo_engine *eng, const char *rel)
{
	char *js = NULL;
	bool r;

	ck_assert_int_eq(fo_engine_get_json(eng, rel, 0, false, wnow(), &js, NULL, 0), FO_OK);
	r = strstr(js, "\"state\":\"Normal\"") != NULL &&
	    strstr(js, "\"partner-state\":\"Normal\"") != NULL &&
	    strstr(js, "\"connected\":true") != NULL;
	free(js);
	return r;
}

/* The end of a side's log, short enough for a failure message. */
static const char *
tail_of(const side *s)
{
	size_t n = strlen(s->log);

	return n > 1500 ? s->log + n - 1500 : s->log;
}

static bool
all_up(fo_engine *a, fo_engine *b, int secs)
{
	for (int i = 0; i < secs * 20; i++) {
		fo_engine_tick(a, wnow(), mnow());
		fo_engine_tick(b, wnow(), mnow());
		if (rel_up(a, "r1") && rel_up(a, "r2") && rel_up(b, "r1") && rel_up(b, "r2"))
			return true;
		nap(50);
	}
	return false;
}

/* A socket from `from` connected to to:port. */
static int
dial(const char *from, const char *to, unsigned port)
{
	struct sockaddr_in f = { .sin_family = AF_INET }, t = { .sin_family = AF_INET };
	struct timeval tv = { 8, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, from, &f.sin_addr);
	inet_pton(AF_INET, to, &t.sin_addr);
	t.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&f, sizeof(f)), 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&t, sizeof(t)), 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send a draft-dialect CONNECT naming `rel` (the partner's parameters). */
static void
send_connect(int fd, const char *rel)
{
	fo_wire_msg *m = calloc(1, sizeof(*m));
	uint8_t buf[FO_WIRE_MAX];
	size_t len = 0;

	ck_assert_ptr_nonnull(m);
	fo_wire_msg_init(m, FO_M_CONNECT, (uint32_t)time(NULL), 0x4242);
	snprintf(m->relationship, sizeof(m->relationship), "%s", rel);
	m->protocol_version = 1;
	m->mclt = MCLT;
	(void)fo_hba_from_split(&m->hba, 128);
	m->present = FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME) | FO_WIRE_BIT(FO_O_PROTOCOL_VERSION) |
	    FO_WIRE_BIT(FO_O_MCLT) | FO_WIRE_BIT(FO_O_HBA);
	ck_assert_int_eq(fo_wire_encode(m, FO_DIALECT_DRAFT, NULL, buf, sizeof(buf), &len), FO_OK);
	ck_assert_int_eq(send(fd, buf, len, 0), (ssize_t)len);
	free(m);
}

/* Read to EOF (or the 8 s receive timeout); the first message decoded into *m. */
static size_t
read_reply(int fd, fo_wire_msg *m, bool *eof)
{
	uint8_t buf[8192];
	size_t got = 0, ml = 0;
	ssize_t r = 0;

	while (got < sizeof(buf) && (r = recv(fd, buf + got, sizeof(buf) - got, 0)) > 0)
		got += (size_t)r;
	*eof = r == 0;
	if (got == 0)
		return 0;
	ck_assert_int_eq(fo_wire_frame(buf, got, &ml), FO_OK);
	ck_assert_uint_ge(got, ml);
	ck_assert_int_eq(fo_wire_decode(buf, ml, FO_DIALECT_DRAFT, NULL, m, NULL, NULL, 0), FO_OK);
	return got;
}

/* An allocation on p (r2's primary) in r2's scope becomes an ACTIVE binding on q. */
static void
replicates_r2(fo_engine *p, fo_engine *q)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	fo_binding_info bp, bq;
	fo_lease l = lease_for(mac, POOL2_FIRST, 7200);

	l.subnet_id = SUBNET2_ID;
	ck_assert_int_ne(fo_engine_lease_select(p, &l, wnow()), FO_V_REFUSE);
	fo_engine_lease_event(p, FO_LE_COMMIT, &l, wnow());
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(fo_engine_get_binding(p, SUBNET2_ID, l.addr, &bp), FO_OK);
		ck_assert_int_eq(fo_engine_get_binding(q, SUBNET2_ID, l.addr, &bq), FO_OK);
		if (bq.state == FO_BS_ACTIVE && !(bp.flags & FO_BF_UPDATE_PENDING))
			break;
		nap(20);
	}
	ck_assert_int_eq(bq.state, FO_BS_ACTIVE);
	ck_assert_mem_eq(bq.client.hw, mac, 6);
	ck_assert(!(bp.flags & FO_BF_UPDATE_PENDING));
}

/*
 * Two relationships between the same two engines, one port on each side:
 * _i 0: A primary of r1, secondary of r2 (each side connects once);
 * _i 1: A primary of both (B's listener gets two connections to sort out).
 */
START_TEST(two_relationships_share_one_port)
{
	const char *a2 = _i == 0 ? "secondary" : "primary", *b2 = _i == 0 ? "primary" : "secondary";
	fo_engine *a = engine2(&sa, dir_a, "primary", "127.0.0.1", a2, "127.0.0.1", port_a,
	    "127.0.0.2", port_b);
	fo_engine *b = engine2(&sb, dir_b, "secondary", "127.0.0.2", b2, "127.0.0.2", port_b,
	    "127.0.0.1", port_a);
	fo_wire_msg *m = calloc(1, sizeof(*m));
	bool eof = false;
	int fd;

	/* Each session is Normal, connected, and learned its own partner's state. */
	ck_assert_msg(all_up(a, b, 20), "A:\n%s\nB:\n%s", tail_of(&sa), tail_of(&sb));
	ck_assert_msg(logged(&sb, "waiting for its CONNECT"), "%s", tail_of(&sb));
	ck_assert(_i == 1 || logged(&sa, "waiting for its CONNECT"));
	ck_assert_msg(!logged(&sa, "refused") && !logged(&sb, "refused") &&
	    !logged(&sa, "closed before") && !logged(&sb, "closed before"), "A:\n%s\nB:\n%s",
	    tail_of(&sa), tail_of(&sb));
	/* r2's primary's allocation reaches r2's scope on the other side. */
	replicates_r2(_i == 0 ? b : a, _i == 0 ? a : b);
	/* A further connection naming r1 is a duplicate: reason 7, as with one relationship. */
	fd = dial("127.0.0.1", "127.0.0.2", port_b);
	send_connect(fd, "r1");
	ck_assert_uint_gt(read_reply(fd, m, &eof), 0);
	close(fd);
	ck_assert(eof);
	ck_assert_int_eq(m->type, FO_M_CONNECTACK);
	ck_assert_uint_eq(m->reject, FO_REJ_DUPLICATE_CONNECTION);
	ck_assert_uint_eq(m->xid, 0x4242);
	ck_assert_msg(logged(&sb, "relationship r1: duplicate connection from 127.0.0.1 refused"),
	    "%s", tail_of(&sb));
	ck_assert(all_up(a, b, 2));
	free(m);
	fo_engine_destroy(b);
	fo_engine_destroy(a);
}
END_TEST

/* A CONNECT naming neither relationship: CONNECTACK with reason 8, then closed. */
START_TEST(pending_unknown_name_refused_8)
{
	fo_engine *a = engine2(&sa, dir_a, "secondary", "127.0.0.1", "secondary", "127.0.0.1",
	    port_a, "127.0.0.2", port_b);
	fo_wire_msg *m = calloc(1, sizeof(*m));
	bool eof = false;
	int fd = dial("127.0.0.2", "127.0.0.1", port_a);

	send_connect(fd, "nope");
	ck_assert_uint_gt(read_reply(fd, m, &eof), 0);
	close(fd);
	ck_assert(eof);
	ck_assert_int_eq(m->type, FO_M_CONNECTACK);
	ck_assert_uint_eq(m->reject, FO_REJ_INVALID_PARTNER);
	ck_assert_uint_eq(m->xid, 0x4242);
	for (int i = 0; i < 50 && !logged(&sa, "names relationship \"nope\""); i++)
		nap(20);
	ck_assert_msg(logged(&sa, "connection from 127.0.0.2 closed before it named its "
	    "relationship: its CONNECT names relationship \"nope\", none of ours"), "%s", tail_of(&sa));
	/* Neither session saw it. */
	ck_assert_msg(!logged(&sa, "CONNECT rejected"), "%s", tail_of(&sa));
	free(m);
	fo_engine_destroy(a);
}
END_TEST

/* A first message that is not a CONNECT: closed, no answer. */
START_TEST(pending_not_connect_closed)
{
	fo_engine *a = engine2(&sa, dir_a, "secondary", "127.0.0.1", "secondary", "127.0.0.1",
	    port_a, "127.0.0.2", port_b);
	static const uint8_t contact[12] = { 0, 12, FO_M_CONTACT, 12, 0, 0, 0, 1, 0, 0, 0, 9 };
	fo_wire_msg *m = calloc(1, sizeof(*m));
	bool eof = false;
	int fd = dial("127.0.0.2", "127.0.0.1", port_a);

	ck_assert_int_eq(send(fd, contact, sizeof(contact), 0), (ssize_t)sizeof(contact));
	ck_assert_uint_eq(read_reply(fd, m, &eof), 0);
	close(fd);
	ck_assert(eof);
	for (int i = 0; i < 50 && !logged(&sa, "is not a CONNECT"); i++)
		nap(20);
	ck_assert_msg(logged(&sa, "its first message is not a CONNECT with a relationship name "
	    "(type 11)"), "%s", tail_of(&sa));
	free(m);
	fo_engine_destroy(a);
}
END_TEST

/* A connection that sends nothing waits FO_NET_PENDING_TIMEOUT_MS (3 s), then is closed. */
START_TEST(pending_silent_closed_after_deadline)
{
	fo_engine *a = engine2(&sa, dir_a, "secondary", "127.0.0.1", "secondary", "127.0.0.1",
	    port_a, "127.0.0.2", port_b);
	fo_wire_msg *m = calloc(1, sizeof(*m));
	bool eof = false;
	fo_mono t0 = mnow();
	int64_t ms;
	int fd = dial("127.0.0.2", "127.0.0.1", port_a);

	ck_assert_uint_eq(read_reply(fd, m, &eof), 0);
	ms = mnow().msec - t0.msec;
	close(fd);
	ck_assert(eof);
	ck_assert_msg(ms >= 2500 && ms < 7000, "closed after %lld ms", (long long)ms);
	ck_assert_msg(logged(&sa, "connection from 127.0.0.2 closed before it named its "
	    "relationship: no CONNECT within 3000 ms"), "%s", tail_of(&sa));
	free(m);
	fo_engine_destroy(a);
}
END_TEST

/*
 * r1 on every address (no local-address) and r2 on 127.0.0.1, same port: they share the wildcard
 * socket. A connection to 127.0.0.5 can only be r1's (at once: r1's own
 * session answers the unknown name); one to 127.0.0.1 may be either (it
 * waits for its CONNECT, and the driver answers).
 */
START_TEST(wildcard_and_address_share_port)
{
	fo_engine *a = engine2(&sa, dir_a, "secondary", "", "secondary", "127.0.0.1",
	    port_a, "127.0.0.2", port_b);
	fo_wire_msg *m = calloc(1, sizeof(*m));
	bool eof = false;
	int fd;

	fd = dial("127.0.0.2", "127.0.0.5", port_a);
	send_connect(fd, "nope");
	ck_assert_uint_gt(read_reply(fd, m, &eof), 0);
	close(fd);
	ck_assert_uint_eq(m->reject, FO_REJ_INVALID_PARTNER);
	for (int i = 0; i < 50 && !logged(&sa, "CONNECT rejected"); i++)
		nap(20);
	ck_assert_msg(logged(&sa, "relationship r1: CONNECT rejected (reason 8)"), "%s", tail_of(&sa));
	ck_assert_msg(!logged(&sa, "waiting for its CONNECT"), "%s", tail_of(&sa));
	fd = dial("127.0.0.2", "127.0.0.1", port_a);
	send_connect(fd, "nope");
	ck_assert_uint_gt(read_reply(fd, m, &eof), 0);
	close(fd);
	ck_assert_uint_eq(m->reject, FO_REJ_INVALID_PARTNER);
	for (int i = 0; i < 50 && !logged(&sa, "none of ours"); i++)
		nap(20);
	ck_assert_msg(logged(&sa, "waiting for its CONNECT") && logged(&sa, "none of ours"),
	    "%s", tail_of(&sa));
	free(m);
	fo_engine_destroy(a);
}
END_TEST

/* ---- The reconnection schedule (fo_net_retry_at): pure, no socket ------- */

static bool
next_syn_gap_ok(int hole, int64_t max_gap, int64_t min_step, int64_t max_step, unsigned distinct)
{
	if (max_gap > 2000)
		return false;
	if (hole)       /* each attempt runs to its deadline, the next starts at once */
		return min_step == FO_NET_CONNECT_TIMEOUT_MS && max_step == FO_NET_CONNECT_TIMEOUT_MS;
	return min_step >= FO_NET_RETRY_MIN_MS && max_step <= FO_NET_RETRY_MIN_MS +
	    FO_NET_RETRY_JITTER_MS && max_step - min_step > FO_NET_RETRY_JITTER_MS / 2 &&
	    distinct > 100;
}

START_TEST(retry_at_table)
{
	static const struct {
		int64_t started, now;
		uint32_t rnd;
		int64_t want;
	} t[] = {
		{ 0, 0, 0, 1000 },              /* 1 s after the last start ... */
		{ 0, 0, 1000, 2000 },           /* ... up to 2 s */
		{ 0, 0, 1001, 1000 },           /* rnd mod 1001 */
		{ 0, 1, 999, 1999 },            /* refused at once: still 1-2 s after the start */
		{ 0, 1500, 0, 1500 },           /* already due: at once */
		{ 0, 1999, 1000, 2000 },
		{ 0, 3000, 0, 3000 },           /* connect given up after 3 s: at once */
		{ 0, 3000, 1000, 3000 },
		{ 0, 600000, 77, 600000 },      /* a connection up for 10 minutes dropped: at once */
		{ 10000, 10000, 4294967295u, 11619 },
		{ 10000, 10005, 123456789u, 11456 },
		{ -5000, -4990, 0, -4000 },     /* the monotonic clock may be anything */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(fo_net_retry_at(t[i].started, t[i].now, t[i].rnd) == t[i].want,
		    "row %zu: %lld, want %lld", i,
		    (long long)fo_net_retry_at(t[i].started, t[i].now, t[i].rnd),
		    (long long)t[i].want);
}
END_TEST

/*
 * Ten minutes without the partner, the clock passed in: attempts refused at
 * once (the partner's host answers RST) start 1 to 2 s apart, with varied
 * gaps; attempts into a black hole (no answer) last FO_NET_CONNECT_TIMEOUT_MS
 * and the next starts at once, the kernel resending the SYN 1 s into each.
 * Either way no 2 s pass without a SYN, so a partner that comes back at any
 * moment is reached within 2 s (the old back-off: up to 10 s).
 */
START_TEST(retry_schedule_while_away)
{
	for (int hole = 0; hole < 2; hole++) {
		uint32_t x = 2463534242u;
		int64_t start = 0, last_syn = 0, max_gap = 0, min_step = INT64_MAX,
		    max_step = 0;
		unsigned distinct = 0;
		int64_t prev_step = -1;

		while (start < 600000) {
			int64_t end = hole ? start + FO_NET_CONNECT_TIMEOUT_MS : start + 1;
			int64_t next, syns[2] = { start, start + 1000 };

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			next = fo_net_retry_at(start, end, x);
			for (int k = 0; k < (hole ? 2 : 1); k++) {
				if (syns[k] - last_syn > max_gap)
					max_gap = syns[k] - last_syn;
				last_syn = syns[k];
			}
			ck_assert_int_ge(next, end);            /* never two attempts at once */
			if (next - start < min_step)
				min_step = next - start;
			if (next - start > max_step)
				max_step = next - start;
			distinct += prev_step != next - start;
			prev_step = next - start;
			start = next;
		}
		if (next_syn_gap_ok(hole, max_gap, min_step, max_step, distinct))
			continue;
		ck_abort_msg("hole %d: max SYN gap %lld ms, attempts %lld..%lld ms apart, %u changes",
		    hole, (long long)max_gap, (long long)min_step, (long long)max_step, distinct);
	}
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("two-engines");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, two_engines_reach_normal);
	tcase_add_test(tc, allocation_replicates_draft);
	tcase_add_test(tc, allocation_replicates_isc);
	tcase_add_test(tc, partner_stop_partner_down_and_recovery);
	tcase_add_test(tc, connection_from_wrong_address_refused);
	tcase_add_test(tc, duplicate_connection_refused_7);
	tcase_add_test(tc, start_twice_refused_stop_idempotent);
	tcase_add_test(tc, auth_same_secret_reaches_normal);
	tcase_add_test(tc, auth_wrong_secret_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedule");
	tcase_add_test(tc, retry_at_table);
	tcase_add_test(tc, retry_schedule_while_away);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared-port");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, two_relationships_share_one_port, 0, 2);
	tcase_add_test(tc, pending_unknown_name_refused_8);
	tcase_add_test(tc, pending_not_connect_closed);
	tcase_add_test(tc, pending_silent_closed_after_deadline);
	tcase_add_test(tc, wildcard_and_address_share_port);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
