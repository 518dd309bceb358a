/*
 * check_journal.c - reading damaged journals (every drop reported, the
 * records after damage recovered) and online compaction (the journal stays
 * bounded; a stop at any step leaves a complete journal). check_store.c
 * has the formats, appends, state files.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_journal_int.h"
#include "fo_store.h"
#include "fo_test_util.h"

#define BASE_ADDR 0x0a000000u           /* 10.0.0.0 */

static char base[64];
static char err[1024];

static void
setup(void)
{
	snprintf(base, sizeof(base), "/tmp/check_journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	err[0] = '\0';
}

static void
teardown(void)
{
	rm_tree(base);
}

static const char *
at(int slot, const char *rel)
{
	static char buf[4][512];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", base, rel);
	return buf[slot];
}

/* A binding whose every field derives from i; client lengths vary with i. */
static void
info_make(uint32_t i, fo_binding_info *b)
{
	memset(b, 0, sizeof(*b));
	b->state = (fo_bstate)(FO_BS_FREE + i % FO_BS_MAX);
	b->expiry = 1700000000u + i;
	b->pexp_sent = 1700000100u + i * 3;
	b->stos = i * 2654435761u;
	b->flags = i & FO_BF_MASK;
	b->client.htype = 1;
	b->client.hlen = (uint8_t)(i % (FO_CHADDR_MAX + 1));
	for (unsigned k = 0; k < b->client.hlen; k++)
		b->client.hw[k] = (uint8_t)(i + k * 7);
	b->client.cidlen = (uint8_t)(i * 37 % 64);
	for (unsigned k = 0; k < b->client.cidlen; k++)
		b->client.cid[k] = (uint8_t)(i * 13 + k);
}

static bool
info_eq(const fo_binding_info *a, const fo_binding_info *b)
{
	return a->state == b->state && a->expiry == b->expiry &&
	    a->pexp_sent == b->pexp_sent && a->pexp_acked == b->pexp_acked &&
	    a->cltt == b->cltt && a->stos == b->stos && a->flags == b->flags &&
	    a->client.htype == b->client.htype && a->client.hlen == b->client.hlen &&
	    a->client.cidlen == b->client.cidlen &&
	    memcmp(a->client.hw, b->client.hw, a->client.hlen) == 0 &&
	    memcmp(a->client.cid, b->client.cid, a->client.cidlen) == 0;
}

/* Records replayed: which of info_make(0..n-1) at BASE_ADDR + k came back. */
#define SEEN_MAX 4096
struct seen {
	size_t n;
	bool got[SEEN_MAX];
	bool wrong;                     /* a record that was never written */
};

static fo_status
seen_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	struct seen *s = ctx;
	uint32_t k = addr - BASE_ADDR;
	fo_binding_info want;

	info_make(k, &want);
	if (k >= SEEN_MAX || !info_eq(b, &want) || s->got[k])
		s->wrong = true;
	else
		s->got[k] = true;
	s->n++;
	return FO_OK;
}

static fo_status
table_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	return fo_bt_update(ctx, addr, b);
}

/* A journal image of records info_make(0..n-1): malloc'd; offsets in off[0..n]. */
static uint8_t *
image(size_t n, size_t *off, size_t *len)
{
	uint8_t *img = malloc(FO_JNL_HDR_SIZE + n * FO_JNL_REC_MAX);
	fo_binding_info b;
	size_t o = FO_JNL_HDR_SIZE;

	ck_assert_ptr_nonnull(img);
	fo_jnl_hdr_encode(img);
	for (size_t k = 0; k < n; k++) {
		off[k] = o;
		info_make((uint32_t)k, &b);
		o += fo_jnl_rec_encode(img + o, BASE_ADDR + (uint32_t)k, &b);
	}
	off[n] = o;
	*len = o;
	return img;
}

static void
file_put(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* Open the file at path with a report; close it. */
static fo_status
reopen(const char *path, struct seen *s, fo_journal_report *rep)
{
	fo_journal *j = NULL;
	fo_status rc;

	memset(s, 0, sizeof(*s));
	rc = fo_journal_open_report(&j, path, NULL, seen_cb, s, NULL, rep, err, sizeof(err));
	if (rc == FO_OK)
		ck_assert_uint_eq(fo_journal_records(j), rep->records);
	fo_journal_close(j);
	return rc;
}

/* --- Resynchronisation ----------------------------------------------------- */

/*
 * Every single byte of a middle record changed: that record alone is
 * dropped and reported as damage, every other one comes back, the file
 * is left as it is; the in-memory reader agrees.
 */
START_TEST(resync_every_byte_of_a_record)
{
	const char *path = at(0, "flip.jnl");
	size_t off[9], len, k = 4;
	fo_journal_report rep, mrep;
	struct seen s, m;
	uint8_t *img;

	img = image(8, off, &len);
	for (size_t p = off[k]; p < off[k + 1]; p++) {
		for (int v = 0; v < 2; v++) {
			uint8_t keep = img[p];

			img[p] = v == 0 ? (uint8_t)(keep ^ 0x01) : (uint8_t)(keep ^ 0xff);
			file_put(path, img, len);
			ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
			ck_assert_msg(!s.wrong, "byte %zu", p);
			ck_assert_uint_eq(rep.records, 7);
			for (size_t i = 0; i < 8; i++)
				ck_assert_msg(s.got[i] == (i != k), "byte %zu record %zu", p, i);
			ck_assert_uint_eq(rep.drops, 1);
			ck_assert_uint_eq(rep.damaged, 1);
			ck_assert(!rep.torn);
			ck_assert_int_eq(rep.drop[0].offset, (int64_t)off[k]);
			ck_assert_uint_eq(rep.drop[0].bytes, off[k + 1] - off[k]);
			ck_assert_uint_eq(rep.drop[0].record, k + 1);
			ck_assert_uint_ge(rep.drop[0].records, 1);
			ck_assert_uint_eq(rep.records_dropped, rep.drop[0].records);
			ck_assert_ptr_nonnull(strstr(err, "damaged: 1 stretch(es)"));
			ck_assert_int_eq(file_size(path), (off_t)len);

			memset(&m, 0, sizeof(m));
			ck_assert_int_eq(fo_journal_scan(img, len, seen_cb, &m, &mrep, err,
			    sizeof(err)), FO_OK);
			ck_assert_uint_eq(m.n, 7);
			ck_assert_uint_eq(mrep.drops, 1);
			ck_assert_uint_eq(mrep.drop[0].bytes, rep.drop[0].bytes);
			img[p] = keep;
		}
	}
	free(img);
}
END_TEST

/*
 * The case: the second-to-last record's length runs past the end.
 * The intact last record is recovered, the bad one reported as damage (not
 * a torn tail), nothing cut.
 */
START_TEST(resync_length_past_the_end)
{
	const char *path = at(0, "past.jnl");
	fo_journal_report rep;
	size_t off[5], len;
	struct seen s;
	char line[600];
	uint8_t *img;

	img = image(4, off, &len);
	fo_jnl_put16(img + off[2], FO_JNL_BODY_MAX);
	ck_assert_uint_gt(off[2] + FO_JNL_REC_MAX, len);
	file_put(path, img, len);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert(s.got[0] && s.got[1] && !s.got[2] && s.got[3] && !s.wrong);
	ck_assert_uint_eq(rep.damaged, 1);
	ck_assert(!rep.torn);
	ck_assert_str_eq(rep.drop[0].why, "runs past the end of the file");
	ck_assert_uint_eq(rep.drop[0].bytes, off[3] - off[2]);
	ck_assert_int_eq(file_size(path), (off_t)len);
	fo_journal_drop_format(path, &rep, 0, line, sizeof(line));
	snprintf(err, sizeof(err), "%s: record 3 at offset %zu: runs past the end of the file: "
	    "at least 1 record(s) (%zu bytes) dropped", path, off[2], off[3] - off[2]);
	ck_assert_str_eq(line, err);

	/* The old API still refuses it, with the first damaged record. */
	{
		fo_journal *j;

		ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err,
		    sizeof(err)), FO_ERR_IO);
		ck_assert_ptr_null(j);
		ck_assert_ptr_nonnull(strstr(err, "record 3 at offset"));
	}
	free(img);
}
END_TEST

/* A torn last record: cut, reported as torn with its record and bytes. */
START_TEST(resync_torn_tail_reported)
{
	const char *path = at(0, "torn.jnl");
	fo_journal_report rep;
	size_t off[6], len;
	struct seen s;
	char line[600];
	uint8_t *img;

	img = image(5, off, &len);
	file_put(path, img, off[4] + 7);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert_uint_eq(rep.records, 4);
	ck_assert_uint_eq(rep.drops, 1);
	ck_assert_uint_eq(rep.damaged, 0);
	ck_assert(rep.torn && rep.exact && rep.drop[0].torn && rep.drop[0].exact);
	ck_assert_uint_eq(rep.drop[0].records, 1);
	ck_assert_uint_eq(rep.records_dropped, 1);
	ck_assert_uint_eq(rep.drop[0].bytes, 7);
	ck_assert_uint_eq(rep.drop[0].record, 5);
	snprintf(line, sizeof(line), "%s: torn record at offset %zu (7 bytes, 1 record(s)) cut "
	    "off; 4 record(s) replayed", path, off[4]);
	ck_assert_str_eq(err, line);
	ck_assert_int_eq(file_size(path), (off_t)off[4]);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);    /* cut: clean now */
	ck_assert_uint_eq(rep.drops, 0);
	ck_assert_str_eq(err, "");
	free(img);
}
END_TEST

/* 4 KiB zeroed in the middle: every record outside it comes back. */
START_TEST(resync_zeroed_block)
{
	const char *path = at(0, "zero.jnl");
	size_t off[401], len, lo = 3000, hi = 3000 + 4096, lost = 0;
	fo_journal_report rep;
	struct seen s;
	uint8_t *img;

	img = image(400, off, &len);
	ck_assert_uint_gt(len, hi + 1000);
	memset(img + lo, 0, hi - lo);
	file_put(path, img, len);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert(!s.wrong);
	for (size_t k = 0; k < 400; k++) {
		bool hit = off[k + 1] > lo && off[k] < hi;

		ck_assert_msg(s.got[k] == !hit, "record %zu", k);
		lost += hit;
	}
	ck_assert_uint_eq(rep.records, 400 - lost);
	ck_assert_uint_eq(rep.drops, 1);
	ck_assert_uint_eq(rep.damaged, 1);
	ck_assert_uint_ge(rep.records_dropped, 1);
	ck_assert_uint_le(rep.records_dropped, lost);
	free(img);
}
END_TEST

/* Several damaged places, garbage at the end: each is one drop, in order. */
START_TEST(resync_several_drops)
{
	const char *path = at(0, "many.jnl");
	size_t off[41], len, bad[] = { 3, 10, 11, 25 }, pos = 0;
	fo_journal_report rep;
	struct seen s;
	uint8_t *img, *big;

	img = image(40, off, &len);
	for (size_t i = 0; i < 4; i++)
		img[off[bad[i]] + 9] ^= 0x40;
	big = malloc(len + 100);
	ck_assert_ptr_nonnull(big);
	memcpy(big, img, len);
	for (size_t i = 0; i < 100; i++)
		big[len + i] = (uint8_t)(0x5a ^ i);     /* not zeros: damage, not a torn tail */
	file_put(path, big, len + 100);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert_uint_eq(rep.records, 36);
	ck_assert_uint_eq(rep.drops, 4);            /* 10 and 11 are one stretch */
	ck_assert_uint_eq(rep.damaged, 4);
	ck_assert(!rep.torn);
	ck_assert_int_eq(rep.drop[0].offset, (int64_t)off[3]);
	ck_assert_int_eq(rep.drop[1].offset, (int64_t)off[10]);
	ck_assert_uint_eq(rep.drop[1].bytes, off[12] - off[10]);
	ck_assert_uint_eq(rep.drop[1].records, 2);
	ck_assert(rep.drop[1].exact);
	ck_assert_uint_eq(rep.drop[1].record, 11);
	ck_assert_int_eq(rep.drop[2].offset, (int64_t)off[25]);
	ck_assert_int_eq(rep.drop[3].offset, (int64_t)len);
	ck_assert_uint_eq(rep.drop[3].bytes, 100);
	ck_assert_int_eq(file_size(path), (off_t)len + 100);    /* damage is kept */
	for (size_t k = 0; k < 40; k++) {
		bool dropped = pos < 4 && bad[pos] == k;

		pos += dropped;
		ck_assert_msg(s.got[k] == !dropped, "record %zu", k);
	}
	free(big);
	free(img);
}
END_TEST

/* A damaged journal still takes appends; they come back after the damage. */
START_TEST(resync_appends_after_damage)
{
	const char *path = at(0, "app.jnl");
	fo_journal_report rep;
	fo_binding_info b;
	size_t off[11], len;
	fo_journal *j;
	struct seen s;
	uint8_t *img;

	img = image(10, off, &len);
	img[off[9] + 20] ^= 1;                      /* the last one: a torn-looking CRC */
	img[off[5] + 20] ^= 1;
	file_put(path, img, len);
	ck_assert_int_eq(fo_journal_open_report(&j, path, NULL, NULL, NULL, NULL, &rep, err,
	    sizeof(err)), FO_OK);
	ck_assert(fo_journal_damaged(j));
	ck_assert_uint_eq(rep.drops, 2);
	ck_assert_uint_eq(rep.damaged, 1);
	ck_assert(rep.torn);
	ck_assert_ptr_nonnull(strstr(err, "(a torn tail cut off)"));
	info_make(9, &b);
	ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 9, &b), FO_OK);
	fo_journal_close(j);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert_uint_eq(rep.records, 9);
	ck_assert(s.got[9] && !s.got[5] && !s.wrong);
	ck_assert_uint_eq(rep.damaged, 1);
	free(img);
}
END_TEST

/* Damage is mended only by an explicit compaction; the tick's does not run. */
START_TEST(resync_damage_mended_by_compaction)
{
	const char *path = at(0, "mend.jnl");
	fo_pool_range r = { BASE_ADDR, BASE_ADDR + 9 };
	fo_store_policy pol = { .compact_step = 3 };
	fo_journal_report rep;
	size_t off[11], len;
	fo_journal *j;
	struct seen s;
	uint8_t *img;
	fo_bt *bt;

	img = image(10, off, &len);
	img[off[2] + 20] ^= 1;
	file_put(path, img, len);
	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open_report(&j, path, &pol, table_cb, bt, NULL, &rep, err,
	    sizeof(err)), FO_OK);
	ck_assert(fo_journal_damaged(j));
	for (int i = 0; i < 3000; i++) {
		fo_binding_info b;

		info_make(1, &b);
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 1, &b), FO_OK);
	}
	ck_assert(fo_journal_compact_due(j, 10));
	ck_assert_int_eq(fo_journal_maybe_compact(j, bt), FO_OK);
	ck_assert(!fo_journal_compacting(j));
	ck_assert_uint_eq(fo_journal_records(j), 3009);
	ck_assert_int_eq(fo_journal_compact(j, bt), FO_OK);
	ck_assert(!fo_journal_damaged(j));
	ck_assert_uint_eq(fo_journal_records(j), 10);
	fo_journal_close(j);
	ck_assert_int_eq(reopen(path, &s, &rep), FO_OK);
	ck_assert_uint_eq(rep.drops, 0);
	ck_assert_uint_eq(rep.records, 10);
	fo_bt_destroy(bt);
	free(img);
}
END_TEST

/* The in-memory reader: headers, empties, a prefix of the header. */
START_TEST(scan_headers)
{
	fo_journal_report rep;
	size_t off[3], len;
	struct seen s = { 0 };
	uint8_t *img;

	img = image(2, off, &len);
	ck_assert_int_eq(fo_journal_scan(img, 0, seen_cb, &s, &rep, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_journal_scan(img, 7, seen_cb, &s, &rep, err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(fo_journal_scan(img, len, seen_cb, &s, &rep, err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(s.n, 2);
	img[13] ^= 1;
	ck_assert_int_eq(fo_journal_scan(img, len, seen_cb, &s, &rep, err, sizeof(err)),
	    FO_ERR_IO);
	ck_assert_str_eq(err, "journal: bad header (size, flags or CRC)");
	img[0] = 'X';
	ck_assert_int_eq(fo_journal_scan(img, 3, seen_cb, &s, &rep, err, sizeof(err)),
	    FO_ERR_IO);
	free(img);
}
END_TEST

/* --- Online compaction ----------------------------------------------------- */

/* A binding for round r of address a: sizes vary, state and flags valid. */
static void
lease(fo_ip4 a, uint32_t r, fo_binding_info *b)
{
	info_make(a * 7 + r, b);
}

/* Copy the file at from to `to` (a kill -9 leaves what the kernel has). */
static void
file_copy(const char *from, const char *to)
{
	size_t len = (size_t)file_size(from);
	uint8_t *buf = malloc(len + 1);
	int fd = open(from, O_RDONLY);

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, len), (ssize_t)len);
	close(fd);
	file_put(to, buf, len);
	free(buf);
}

/* The journal at path replays to exactly bt (every field of every address). */
static void
assert_replays_to(const char *path, const fo_bt *bt, const fo_pool_range *r)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	fo_journal_report rep;
	const fo_binding *e;
	fo_binding_info x, y;
	fo_journal *j;
	fo_bt *bt2;
	fo_ip4 a;

	ck_assert_int_eq(fo_bt_create(&bt2, r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open_report(&j, path, NULL, table_cb, bt2, NULL, &rep, err,
	    sizeof(err)), FO_OK);
	ck_assert_msg(rep.drops == 0, "%s", err);
	fo_journal_close(j);
	while (fo_bt_iter_next(bt, &it, &a, &e)) {
		ck_assert_int_eq(fo_bt_get(bt, a, &x), FO_OK);
		ck_assert_int_eq(fo_bt_get(bt2, a, &y), FO_OK);
		ck_assert_msg(info_eq(&x, &y), "address %08x differs", a);
	}
	fo_bt_destroy(bt2);
}

/* The scope's write: table, then journal. */
static void
update(fo_bt *bt, fo_journal *j, fo_ip4 a, uint32_t r)
{
	fo_binding_info b;

	lease(a, r, &b);
	ck_assert_int_eq(fo_bt_update(bt, a, &b), FO_OK);
	ck_assert_int_eq(fo_journal_append(j, a, &b), FO_OK);
}

/*
 * 200,000 updates of a 256-address table, the tick every 50: the journal
 * never holds more than 2 x 256 + 1024 records after a tick (and 50 more
 * between ticks), its size stays within that many records, and it replays
 * to the table.
 */
START_TEST(compact_bounded)
{
	const char *path = at(0, "bound/scope.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 256 };
	const size_t live = 256, bound = 2 * 256 + 1024, every = 50;
	size_t max_records = 0, compactions = 0;
	off_t max_size = 0, rec_max = 2 + FO_JNL_BODY_MIN + FO_CHADDR_MAX + 63 + 4;
	uint32_t x = 1;
	fo_journal *j;
	fo_bt *bt;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, table_cb, bt, NULL, err, sizeof(err)),
	    FO_OK);
	for (uint32_t i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		update(bt, j, r.first + (x >> 8) % live, i);
		if (fo_journal_records(j) > max_records)
			max_records = fo_journal_records(j);
		if ((i + 1) % every == 0) {
			size_t before = fo_journal_records(j);

			ck_assert_int_eq(fo_journal_maybe_compact(j, bt), FO_OK);
			ck_assert(!fo_journal_compacting(j));
			ck_assert_uint_le(fo_journal_records(j), bound);
			compactions += fo_journal_records(j) < before;
			if (file_size(path) > max_size)
				max_size = file_size(path);
		}
	}
	ck_assert_uint_le(max_records, bound + every);
	ck_assert_int_le(max_size, FO_JNL_HDR_SIZE + (off_t)(bound + every) * rec_max);
	ck_assert_uint_ge(compactions, 200000 / (bound - live + every));
	ck_assert_int_eq(access(at(1, "bound/scope.jnl.tmp"), F_OK), -1);
	fo_journal_close(j);
	assert_replays_to(path, bt, &r);
	fo_bt_destroy(bt);
}
END_TEST

/* Fill until compaction is due; the journal open on a table of r. */
static void
fill(fo_journal **j, fo_bt **bt, const char *path, const fo_pool_range *r,
    const fo_store_policy *pol)
{
	size_t live = r->last - r->first + 1;

	ck_assert_int_eq(fo_bt_create(bt, r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(j, path, pol, table_cb, *bt, NULL, err, sizeof(err)),
	    FO_OK);
	for (uint32_t i = 0; !fo_journal_compact_due(*j, live); i++)
		update(*bt, *j, r->first + i % live, i);
}

/*
 * 300 addresses, 37 per step: 9 steps with updates between them. A kill
 * after any step leaves a journal that replays to the table as it was; at
 * the end the journal holds the table plus what was appended meanwhile.
 */
START_TEST(compact_online_steps)
{
	const char *path = at(0, "steps/scope.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 300 };
	fo_store_policy pol = { .compact_step = 37 };
	size_t steps = 0, tail = 0;
	fo_journal *j;
	fo_bt *bt;

	fill(&j, &bt, path, &r, &pol);
	do {
		ck_assert_int_eq(fo_journal_maybe_compact(j, bt), FO_OK);
		steps++;
		if (fo_journal_compacting(j)) {
			for (uint32_t k = 0; k < 5; k++, tail++)
				update(bt, j, r.first + (uint32_t)((steps * 61 + k * 17) % 300),
				    9000 + (uint32_t)tail);
		}
		file_copy(path, at(1, "steps/crash.jnl"));
		assert_replays_to(at(1, "steps/crash.jnl"), bt, &r);
	} while (fo_journal_compacting(j));
	ck_assert_uint_eq(steps, (300 + 36) / 37 + (300 % 37 == 0));
	ck_assert_uint_eq(fo_journal_records(j), 300 + tail);
	ck_assert_int_eq(access(at(2, "steps/scope.jnl.tmp"), F_OK), -1);
	update(bt, j, r.first, 1);
	fo_journal_close(j);
	assert_replays_to(path, bt, &r);
	fo_bt_destroy(bt);
}
END_TEST

/*
 * The last step stopped dead after the tail copy (1), the fsync (2), the
 * rename (3): the journal on disk is the old one or the new one, complete.
 */
START_TEST(compact_stop_in_last_step)
{
	const char *path = at(0, "stop/scope.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 100 };
	fo_store_policy pol = { .compact_step = 40 };
	size_t records_before;
	fo_status rc;
	fo_journal *j;
	fo_bt *bt;

	fill(&j, &bt, path, &r, &pol);
	records_before = fo_journal_records(j);
	j->test_stop = _i;
	while ((rc = fo_journal_maybe_compact(j, bt)) == FO_OK) {
		ck_assert(fo_journal_compacting(j));
		update(bt, j, r.first + 5, 77);
		records_before++;
	}
	ck_assert_int_eq(rc, FO_ERR_IO);
	file_copy(path, at(1, "stop/crash.jnl"));
	assert_replays_to(at(1, "stop/crash.jnl"), bt, &r);
	{
		fo_journal_report rep;
		struct seen s;
		fo_journal *c;

		ck_assert_int_eq(fo_journal_open_report(&c, at(1, "stop/crash.jnl"), NULL, NULL,
		    &s, NULL, &rep, err, sizeof(err)), FO_OK);
		/* Old (all its records) before the rename, new (table + tail) after. */
		ck_assert_uint_eq(rep.records, _i < 3 ? records_before : 100 + 2);
		fo_journal_close(c);
	}
	fo_journal_close(j);
	ck_assert_int_eq(access(at(2, "stop/scope.jnl.tmp"), F_OK), -1);
	assert_replays_to(path, bt, &r);
	fo_bt_destroy(bt);
}
END_TEST

/* A journal out of service (failed write or fsync) is mended by the tick. */
START_TEST(compact_repairs_broken)
{
	const char *path = at(0, "broken.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 20 };
	fo_binding_info b;
	fo_journal *j;
	fo_bt *bt;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_OK);
	update(bt, j, r.first + 3, 1);
	j->broken = true;                   /* as after a failed fsync */
	lease(r.first + 4, 1, &b);
	ck_assert_int_eq(fo_journal_append(j, r.first + 4, &b), FO_ERR_IO);
	ck_assert_int_eq(fo_journal_maybe_compact(j, bt), FO_OK);
	ck_assert(!fo_journal_compacting(j));
	ck_assert_uint_eq(fo_journal_records(j), 20);
	update(bt, j, r.first + 4, 1);
	fo_journal_close(j);
	assert_replays_to(path, bt, &r);
	fo_bt_destroy(bt);
}
END_TEST

static Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tr = tcase_create("resync");
	TCase *tc = tcase_create("compaction");

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, resync_every_byte_of_a_record);
	tcase_add_test(tr, resync_length_past_the_end);
	tcase_add_test(tr, resync_torn_tail_reported);
	tcase_add_test(tr, resync_zeroed_block);
	tcase_add_test(tr, resync_several_drops);
	tcase_add_test(tr, resync_appends_after_damage);
	tcase_add_test(tr, resync_damage_mended_by_compaction);
	tcase_add_test(tr, scan_headers);
	suite_add_tcase(s, tr);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, compact_bounded);
	tcase_add_test(tc, compact_online_steps);
	tcase_add_loop_test(tc, compact_stop_in_last_step, 1, 4);
	tcase_add_test(tc, compact_repairs_broken);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(journal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
