/*
 * check_store.c - binding journals, state files and directory names.
 * Every test works in its own directory under /tmp.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_store.h"

#define BASE_ADDR 0x0a000000u           /* 10.0.0.0 */
#define HDR 16

static char base[64];
static char err[1024];

/* --- Fixtures and helpers -------------------------------------------------- */

static void
rm_rf(const char *path)
{
	struct stat st;
	struct dirent *de;
	char sub[1024];
	DIR *d;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		if ((d = opendir(path)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0)
					continue;
				snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
				rm_rf(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void
setup(void)
{
	snprintf(base, sizeof(base), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	err[0] = '\0';
}

static void
teardown(void)
{
	rm_rf(base);
}

/* base + "/" + rel, in a static buffer per slot. */
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
	b->pexp_acked = 1700000200u + i * 5;
	b->cltt = 1600000000u ^ i;
	b->stos = i * 2654435761u;
	b->flags = i & FO_BF_MASK;
	b->client.htype = (uint8_t)(1 + i % 3);
	b->client.hlen = (uint8_t)(i % (FO_CHADDR_MAX + 1));
	for (unsigned k = 0; k < b->client.hlen; k++)
		b->client.hw[k] = (uint8_t)(i + k * 7);
	b->client.cidlen = (uint8_t)(i * 37 % 256);
	for (unsigned k = 0; k < b->client.cidlen; k++)
		b->client.cid[k] = (uint8_t)(i * 13 + k);
}

/* Every field, the used bytes of hw[] and cid[] only. */
static bool
info_eq(const fo_binding_info *a, const fo_binding_info *b)
{
	return a->state == b->state && a->expiry == b->expiry &&
	    a->pexp_sent == b->pexp_sent && a->pexp_acked == b->pexp_acked &&
	    a->cltt == b->cltt && a->stos == b->stos && a->flags == b->flags &&
	    a->client.htype == b->client.htype && a->client.hlen == b->client.hlen &&
	    a->client.cidlen == b->client.cidlen &&
	    memcmp(a->client.hw, b->client.hw, a->client.hlen) == 0 &&
	    memcmp(a->client.cid, b->client.cid, a->client.cidlen) == 0 &&
	    fo_extra_same(&a->extra, &b->extra);
}

/* Replay collector. */
#define COLLECT_MAX 64
struct collect {
	size_t n;
	fo_ip4 addr[COLLECT_MAX];
	fo_binding_info b[COLLECT_MAX];
	size_t fail_at;                 /* 1-based record to fail on, 0: never */
};

static fo_status
collect_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	struct collect *c = ctx;

	if (c->fail_at != 0 && c->n + 1 == c->fail_at)
		return FO_ERR_NOMEM;
	ck_assert_uint_lt(c->n, COLLECT_MAX);
	c->addr[c->n] = addr;
	c->b[c->n] = *b;
	c->n++;
	return FO_OK;
}

/* Replay checker: record k must be info_make(k) for address BASE_ADDR + k. */
static fo_status
seq_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	size_t *n = ctx;
	fo_binding_info want;

	info_make((uint32_t)*n, &want);
	if (addr != BASE_ADDR + (uint32_t)(*n % 65536) || !info_eq(b, &want))
		return FO_ERR_PROTO;
	(*n)++;
	return FO_OK;
}

/* Write a journal of records info_make(0..n-1) at path; its size. */
static off_t
write_seq(const char *path, size_t n)
{
	fo_journal *j;
	fo_binding_info b;
	struct stat st;
	bool created;

	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, &created, err,
	    sizeof(err)), FO_OK);
	for (size_t i = 0; i < n; i++) {
		info_make((uint32_t)i, &b);
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + (uint32_t)i, &b), FO_OK);
	}
	ck_assert_uint_eq(fo_journal_records(j), n);
	fo_journal_close(j);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* Open, replay through seq_cb, close: status, replayed count, torn count. */
static fo_status
reopen_seq(const char *path, size_t *n, size_t *torn)
{
	fo_journal *j = NULL;
	fo_status rc;

	*n = 0;
	rc = fo_journal_open(&j, path, NULL, seq_cb, n, NULL, err, sizeof(err));
	if (rc == FO_OK) {
		ck_assert_uint_eq(fo_journal_records(j), *n);
		*torn = fo_journal_torn(j);
	} else {
		ck_assert_ptr_null(j);
	}
	fo_journal_close(j);
	return rc;
}

static void
file_put(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* The whole file, malloc'd. */
static uint8_t *
file_get(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(read(fd, buf, *len), (ssize_t)*len);
	close(fd);
	return buf;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* Offset of record k (0-based) in a file image. */
static size_t
rec_off(const uint8_t *img, size_t k)
{
	size_t off = HDR;

	while (k-- > 0)
		off += 2 + (img[off] | (size_t)img[off + 1] << 8) + 4;
	return off;
}

/* --- CRC-32 ---------------------------------------------------------------- */

START_TEST(crc32_vectors)
{
	ck_assert_uint_eq(fo_crc32(0, "123456789", 9), 0xCBF43926u);
	ck_assert_uint_eq(fo_crc32(fo_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
	ck_assert_uint_eq(fo_crc32(0, "", 0), 0);
	ck_assert_uint_eq(fo_crc32(0, "a", 1), 0xE8B7BE43u);
}
END_TEST

/* Known answers (zlib's crc32) for lengths that cross the 8-byte steps. */
START_TEST(crc32_known_answers)
{
	uint8_t buf[1024];

	ck_assert_uint_eq(fo_crc32(0, "The quick brown fox jumps over the lazy dog", 43),
	    0x414FA339u);
	memset(buf, 0, 32);
	ck_assert_uint_eq(fo_crc32(0, buf, 32), 0x190A55ADu);
	memset(buf, 0xff, 32);
	ck_assert_uint_eq(fo_crc32(0, buf, 32), 0xFF6CAB0Bu);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	ck_assert_uint_eq(fo_crc32(0, buf, 32), 0x91267E8Au);
	ck_assert_uint_eq(fo_crc32(0, buf, 1024), 0xB70B4C26u);
}
END_TEST

/* The plain bit-at-a-time definition, to check the sliced one against. */
static uint32_t
crc32_bitwise(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
	}
	return ~crc;
}

/* Every length 0..80 at every alignment 0..7, whole and split in two. */
START_TEST(crc32_matches_bitwise)
{
	uint8_t buf[96];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t al = 0; al < 8; al++) {
		for (size_t len = 0; len + al <= 88; len++) {
			uint32_t want = crc32_bitwise(0, buf + al, len);

			ck_assert_uint_eq(fo_crc32(0, buf + al, len), want);
			for (size_t cut = 0; cut <= len; cut += 3)
				ck_assert_uint_eq(fo_crc32(fo_crc32(0, buf + al, cut),
				    buf + al + cut, len - cut), want);
			ck_assert_uint_eq(fo_crc32(0x12345678u, buf + al, len),
			    crc32_bitwise(0x12345678u, buf + al, len));
		}
	}
}
END_TEST

/* --- Journal: round trip --------------------------------------------------- */

START_TEST(journal_round_trip)
{
	const char *path = at(0, "r1/scope-10.0.0.0.jnl");
	fo_binding_info in[3], none;
	struct collect c = { 0 };
	fo_journal *j;
	bool created = false;

	/* Every field at its maximum, a client-id of 255 bytes. */
	memset(&in[0], 0xA5, sizeof(in[0]));
	in[0].state = FO_BS_BACKUP;
	in[0].expiry = in[0].pexp_sent = UINT32_MAX;
	in[0].pexp_acked = 0x80000001u;
	in[0].cltt = 0x01020304u;
	in[0].stos = 0xFFFFFFFEu;
	in[0].flags = FO_BF_MASK;
	in[0].client.htype = 255;
	in[0].client.hlen = FO_CHADDR_MAX;
	in[0].client.cidlen = FO_CLIENT_ID_MAX;
	for (int k = 0; k < FO_CLIENT_ID_MAX; k++)
		in[0].client.cid[k] = (uint8_t)(255 - k);
	/* The lease's extras at their maximum: a 255-byte hostname, 1024 bytes of context. */
	in[0].extra.fqdn = FO_FQDN_MASK;
	in[0].extra.hostname_len = FO_HOSTNAME_MAX;
	in[0].extra.context_len = FO_USER_CONTEXT_MAX;
	memset(&in[1], 0, sizeof(in[1]));
	in[1].state = FO_BS_FREE;           /* no client, all times 0 */
	info_make(12, &in[2]);

	ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, &created, err,
	    sizeof(err)), FO_OK);
	ck_assert(created);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(fo_journal_records(j), 0);
	ck_assert_int_eq(fo_journal_append(j, 0xFFFFFFFFu, &in[0]), FO_OK);
	ck_assert_int_eq(fo_journal_append(j, 0, &in[1]), FO_OK);
	ck_assert_int_eq(fo_journal_append(j, 0x0a000001u, &in[2]), FO_OK);
	ck_assert_uint_eq(fo_journal_records(j), 3);
	ck_assert_int_eq(fo_journal_sync(j), FO_OK);
	ck_assert_int_eq(fo_journal_sync(j), FO_OK);    /* clean: nothing to do */
	fo_journal_close(j);
	ck_assert_int_eq(file_size(path), HDR + (2 + 29 + 16 + 255 + 4 + 4 + 255 + 1024) +
	    (2 + 29 + 4) +
	    (2 + 29 + in[2].client.hlen + in[2].client.cidlen + 4));

	ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, &created, err,
	    sizeof(err)), FO_OK);
	ck_assert(!created);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.addr[0], 0xFFFFFFFFu);
	ck_assert_uint_eq(c.addr[1], 0);
	ck_assert_uint_eq(c.addr[2], 0x0a000001u);
	for (int k = 0; k < 3; k++)
		ck_assert_msg(info_eq(&c.b[k], &in[k]), "record %d differs", k);
	memset(&none, 0, sizeof(none));
	ck_assert_uint_eq(c.b[1].client.hlen + c.b[1].client.cidlen, 0);
	ck_assert_uint_eq(fo_journal_torn(j), 0);
	fo_journal_close(j);
}
END_TEST

/* Many records with every client length, through a replay that checks each. */
START_TEST(journal_sequence)
{
	const char *path = at(0, "seq.jnl");
	size_t n, torn = 9;

	write_seq(path, 600);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 600);
	ck_assert_uint_eq(torn, 0);
}
END_TEST

/* The last record of an address wins, replayed into a table. */
static fo_status
table_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	return fo_bt_update(ctx, addr, b);
}

START_TEST(journal_last_record_wins)
{
	const char *path = at(0, "wins.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 10 };
	fo_binding_info b, got, last;
	fo_journal *j;
	fo_bt *bt;
	const fo_bstate seq[] = { FO_BS_ACTIVE, FO_BS_EXPIRED, FO_BS_ACTIVE, FO_BS_RELEASED };

	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_OK);
	for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
		info_make((uint32_t)k, &b);
		b.state = seq[k];
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 5, &b), FO_OK);
		last = b;
	}
	fo_journal_close(j);

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, table_cb, bt, NULL, err, sizeof(err)),
	    FO_OK);
	ck_assert_int_eq(fo_bt_get(bt, BASE_ADDR + 5, &got), FO_OK);
	ck_assert(info_eq(&got, &last));
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_RELEASED), 1);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_ACTIVE), 0);
	fo_journal_close(j);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(journal_bad_arguments)
{
	const char *path = at(0, "args.jnl");
	fo_binding_info b;
	fo_journal *j;

	ck_assert_int_eq(fo_journal_open(NULL, path, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_open(&j, NULL, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_open(&j, "", NULL, NULL, NULL, NULL, NULL, 0),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, NULL, 0), FO_OK);
	info_make(3, &b);
	ck_assert_int_eq(fo_journal_append(NULL, 1, &b), FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_append(j, 1, NULL), FO_ERR_INVAL);
	b.state = (fo_bstate)0;
	ck_assert_int_eq(fo_journal_append(j, 1, &b), FO_ERR_INVAL);
	b.state = (fo_bstate)(FO_BS_MAX + 1);
	ck_assert_int_eq(fo_journal_append(j, 1, &b), FO_ERR_INVAL);
	info_make(3, &b);
	b.flags = FO_BF_MASK + 1;
	ck_assert_int_eq(fo_journal_append(j, 1, &b), FO_ERR_INVAL);
	info_make(3, &b);
	b.client.hlen = FO_CHADDR_MAX + 1;
	ck_assert_int_eq(fo_journal_append(j, 1, &b), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_journal_records(j), 0);
	ck_assert_int_eq(fo_journal_sync(NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_compact(j, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_journal_compact(NULL, NULL), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_journal_records(NULL), 0);
	ck_assert_uint_eq(fo_journal_torn(NULL), 0);
	ck_assert(!fo_journal_compact_due(NULL, 0));
	ck_assert_str_eq(fo_journal_error(j), "");
	fo_journal_close(j);
	fo_journal_close(NULL);
}
END_TEST

START_TEST(journal_sync_every_append)
{
	const char *path = at(0, "sync.jnl");
	fo_store_policy pol = { .sync_every_append = true };
	fo_binding_info b;
	fo_journal *j;
	size_t n, torn;

	ck_assert_int_eq(fo_journal_open(&j, path, &pol, NULL, NULL, NULL, err, sizeof(err)),
	    FO_OK);
	for (uint32_t i = 0; i < 20; i++) {
		info_make(i, &b);
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + i, &b), FO_OK);
	}
	ck_assert_int_eq(fo_journal_sync(j), FO_OK);
	fo_journal_close(j);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 20);
}
END_TEST

/* --- Journal: torn tails and corruption ------------------------------------ */

/* Cut the last record at every byte: the others survive, appends go on. */
START_TEST(journal_torn_every_offset)
{
	const char *path = at(0, "torn.jnl");
	size_t len, last, n, torn, cuts = 0;
	fo_binding_info b;
	fo_journal *j;
	uint8_t *img;

	write_seq(path, 4);                 /* record 3: hlen 3, cidlen 111 */
	img = file_get(path, &len);
	last = rec_off(img, 3);
	ck_assert_uint_gt(len - last, 100);
	for (size_t cut = last; cut < len; cut++) {
		file_put(path, img, cut);
		ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
		ck_assert_uint_eq(n, 3);
		ck_assert_uint_eq(torn, cut > last ? 1 : 0);
		if (cut > last)
			ck_assert_ptr_nonnull(strstr(err, "torn record at offset"));
		ck_assert_int_eq(file_size(path), (off_t)last);

		/* Append record 3 again: the file is whole. */
		ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err,
		    sizeof(err)), FO_OK);
		info_make(3, &b);
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 3, &b), FO_OK);
		fo_journal_close(j);
		ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
		ck_assert_uint_eq(n, 4);
		ck_assert_uint_eq(torn, 0);
		cuts++;
	}
	ck_assert_uint_eq(cuts, len - last);
	free(img);
}
END_TEST

/* A power loss can leave zero-filled blocks after the last good record. */
START_TEST(journal_torn_zero_fill)
{
	const char *path = at(0, "zero.jnl");
	size_t len, last, n, torn;
	uint8_t *img, *big;

	write_seq(path, 5);
	img = file_get(path, &len);
	last = rec_off(img, 4);
	big = calloc(1, len + 4096);
	ck_assert_ptr_nonnull(big);

	/* Zeros where the last record was, and beyond. */
	memcpy(big, img, last);
	file_put(path, big, last + 4096);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(torn, 1);
	ck_assert_int_eq(file_size(path), (off_t)last);

	/* The last record's first half written, the rest and more zero. */
	memcpy(big, img, last + (len - last) / 2);
	file_put(path, big, len + 4096);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(torn, 1);
	free(big);
	free(img);
}
END_TEST

/*
 * fo_journal_open() still fails on damage in the middle (with the first
 * damaged record's message), after replaying the records that follow it
 * (check_journal.c tests the recovery itself).
 */
START_TEST(journal_corrupt_middle)
{
	const char *path = at(0, "bad.jnl");
	struct collect c = { 0 };
	size_t len, off1;
	char want[1024];
	fo_journal *j;
	uint8_t *img;

	write_seq(path, 5);
	img = file_get(path, &len);
	off1 = rec_off(img, 1);

	img[off1 + 10] ^= 0x01;             /* a byte of record 2's expiry */
	file_put(path, img, len);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, NULL, err,
	    sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_null(j);
	snprintf(want, sizeof(want), "%s: record 2 at offset %zu: CRC mismatch", path, off1);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(c.n, 4);          /* records 1, 3, 4, 5 */
	ck_assert_uint_eq(c.addr[1], BASE_ADDR + 2);
	img[off1 + 10] ^= 0x01;

	img[off1] = 0xff;                   /* record 2's length */
	img[off1 + 1] = 0xff;
	file_put(path, img, len);
	c.n = 0;
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, NULL, err,
	    sizeof(err)), FO_ERR_IO);
	snprintf(want, sizeof(want), "%s: record 2 at offset %zu: bad length 65535", path,
	    off1);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(c.n, 4);
	free(img);
	ck_assert_int_eq(file_size(path), (off_t)len);  /* nothing cut off */
}
END_TEST

/* A record with a good CRC but impossible contents fails even at the tail. */
START_TEST(journal_bad_contents)
{
	const char *path = at(0, "contents.jnl");
	size_t len, off, blen, n, torn;
	uint32_t crc;
	uint8_t *img;
	const struct {
		size_t at;
		uint8_t v;
		const char *why;
	} cases[] = {
		{ 4, 0, "bad binding state" },
		{ 4, 8, "bad binding state" },
		{ 5, 0x20, "bad flags" },
		{ 27, 17, "bad hardware address length" },
		{ 27, 0, "lengths do not add up" },
	};

	write_seq(path, 3);                 /* record 2: hlen 2, cidlen 74 */
	img = file_get(path, &len);
	off = rec_off(img, 2);
	blen = img[off] | (size_t)img[off + 1] << 8;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t *copy = malloc(len);

		memcpy(copy, img, len);
		copy[off + 2 + cases[k].at] = cases[k].v;
		crc = fo_crc32(0, copy + off, 2 + blen);
		for (int b = 0; b < 4; b++)
			copy[off + 2 + blen + b] = (uint8_t)(crc >> (8 * b));
		file_put(path, copy, len);
		free(copy);
		ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
		ck_assert_msg(strstr(err, cases[k].why) != NULL, "case %zu: %s", k, err);
		ck_assert_ptr_nonnull(strstr(err, "record 3 at offset"));
	}
	free(img);
}
END_TEST

START_TEST(journal_bad_header)
{
	const char *path = at(0, "hdr.jnl");
	uint8_t *img;
	size_t len, n, torn;
	uint32_t crc;
	struct collect c = { 0 };
	fo_journal *j;
	bool created = false;

	write_seq(path, 2);
	img = file_get(path, &len);

	memcpy(img, "XFOJ", 4);
	file_put(path, img, len);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "hdr.jnl: not a failover journal (bad magic)"));
	memcpy(img, "KFOJ", 4);

	img[4] = 3;                         /* version 3, with a good header CRC */
	crc = fo_crc32(0, img, 12);
	for (int b = 0; b < 4; b++)
		img[12 + b] = (uint8_t)(crc >> (8 * b));
	file_put(path, img, len);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "hdr.jnl: unsupported journal version 3"));
	/* Version 1 (before the lease's extras): its records load as they are. */
	img[4] = 1;
	crc = fo_crc32(0, img, 12);
	for (int b = 0; b < 4; b++)
		img[12 + b] = (uint8_t)(crc >> (8 * b));
	file_put(path, img, len);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(torn, 0);
	img[4] = 2;
	crc = fo_crc32(0, img, 12);
	for (int b = 0; b < 4; b++)
		img[12 + b] = (uint8_t)(crc >> (8 * b));

	img[13] ^= 0x40;                    /* header CRC */
	file_put(path, img, len);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "bad header"));
	img[13] ^= 0x40;

	file_put(path, "KFOJ\x03", 5);      /* short, and not a prefix */
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "truncated header (5 bytes)"));
	file_put(path, "KF0", 3);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "bad magic"));

	/* A prefix of the header (crash while creating): a new journal. */
	for (size_t k = 0; k < HDR; k++) {
		file_put(path, img, k);
		ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, &created,
		    err, sizeof(err)), FO_OK);
		ck_assert(created);
		ck_assert_uint_eq(c.n, 0);
		fo_journal_close(j);
		ck_assert_int_eq(file_size(path), HDR);
	}
	/* A header alone: still new (no binding was ever stored). */
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, &created, err,
	    sizeof(err)), FO_OK);
	ck_assert(created);
	fo_journal_close(j);
	free(img);
}
END_TEST

START_TEST(journal_callback_error)
{
	const char *path = at(0, "cb.jnl");
	struct collect c = { .fail_at = 2 };
	fo_journal *j = (fo_journal *)&c;
	char want[1024];
	size_t len;
	uint8_t *img;

	write_seq(path, 3);
	img = file_get(path, &len);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, collect_cb, &c, NULL, err,
	    sizeof(err)), FO_ERR_NOMEM);
	ck_assert_ptr_null(j);
	snprintf(want, sizeof(want), "%s: record 2 at offset %zu: replay failed: out of memory",
	    path, rec_off(img, 1));
	ck_assert_str_eq(err, want);
	free(img);
}
END_TEST

/* A write that fails half-way (file size limit) is cut back off the file. */
START_TEST(journal_write_failure)
{
	const char *path = at(0, "full.jnl");
	fo_pool_range r = { BASE_ADDR, BASE_ADDR + 99 };
	struct rlimit old, lim;
	fo_binding_info b;
	fo_journal *j;
	fo_bt *bt;
	size_t n, torn;
	off_t size;
	char want[1024];

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_OK);
	for (uint32_t i = 0; i < 3; i++) {
		info_make(i, &b);
		ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + i, &b), FO_OK);
	}
	size = file_size(path);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)size + 10;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	info_make(3, &b);
	ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 3, &b), FO_ERR_IO);
	snprintf(want, sizeof(want), "%s: write at offset %lld: ", path, (long long)size);
	ck_assert_msg(strncmp(fo_journal_error(j), want, strlen(want)) == 0, "%s",
	    fo_journal_error(j));
	ck_assert_int_eq(file_size(path), size);
	ck_assert_uint_eq(fo_journal_records(j), 3);
	/* Compaction fails too, and leaves the journal as it was. */
	ck_assert_int_eq(fo_journal_compact(j, bt), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(fo_journal_error(j), "full.jnl.tmp: "));
	ck_assert_int_eq(access(at(1, "full.jnl.tmp"), F_OK), -1);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 3, &b), FO_OK);
	fo_journal_close(j);
	fo_bt_destroy(bt);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(torn, 0);
}
END_TEST

/* --- Compaction ------------------------------------------------------------ */

START_TEST(journal_compaction)
{
	const char *path = at(0, "r/scope-10.0.0.0.jnl");
	fo_pool_range r = { BASE_ADDR + 1, BASE_ADDR + 254 };
	fo_binding_info b, x, y;
	fo_journal *j;
	fo_bt *bt, *bt2;
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *e;
	off_t before, after;
	fo_ip4 addr;
	bool created;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, &created, err,
	    sizeof(err)), FO_OK);
	ck_assert(created);
	for (uint32_t round = 0; round < 10; round++) {
		for (fo_ip4 a = r.first; a <= r.last; a++) {
			info_make(a * 10 + round, &b);
			ck_assert_int_eq(fo_bt_update(bt, a, &b), FO_OK);
			ck_assert_int_eq(fo_journal_append(j, a, &b), FO_OK);
		}
	}
	ck_assert_uint_eq(fo_journal_records(j), 2540);
	ck_assert(fo_journal_compact_due(j, 254));  /* 2540 > 2 * 254 + 1024 */
	ck_assert(!fo_journal_compact_due(j, 800));
	before = file_size(path);
	ck_assert_int_eq(fo_journal_compact(j, bt), FO_OK);
	after = file_size(path);
	ck_assert_uint_eq(fo_journal_records(j), 254);
	ck_assert(!fo_journal_compact_due(j, 254));
	ck_assert_int_lt(after * 5, before);
	ck_assert_int_eq(access(at(1, "r/scope-10.0.0.0.jnl.tmp"), F_OK), -1);

	/* Appends go to the new file. */
	info_make(7, &b);
	ck_assert_int_eq(fo_bt_update(bt, BASE_ADDR + 9, &b), FO_OK);
	ck_assert_int_eq(fo_journal_append(j, BASE_ADDR + 9, &b), FO_OK);
	ck_assert_uint_eq(fo_journal_records(j), 255);
	fo_journal_close(j);
	ck_assert_int_gt(file_size(path), after);

	/* A replay into a new table gives the same table. */
	ck_assert_int_eq(fo_bt_create(&bt2, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, table_cb, bt2, &created, err,
	    sizeof(err)), FO_OK);
	ck_assert(!created);
	ck_assert_uint_eq(fo_journal_records(j), 255);
	while (fo_bt_iter_next(bt, &it, &addr, &e)) {
		ck_assert_int_eq(fo_bt_get(bt, addr, &x), FO_OK);
		ck_assert_int_eq(fo_bt_get(bt2, addr, &y), FO_OK);
		ck_assert_msg(info_eq(&x, &y), "address %08x differs", addr);
	}
	for (int s = FO_BS_FREE; s <= FO_BS_MAX; s++)
		ck_assert_uint_eq(fo_bt_count(bt, (fo_bstate)s),
		    fo_bt_count(bt2, (fo_bstate)s));
	fo_journal_close(j);
	fo_bt_destroy(bt);
	fo_bt_destroy(bt2);
}
END_TEST

/* A leftover temporary file of a crashed compaction changes nothing. */
START_TEST(journal_compaction_leftover_tmp)
{
	const char *path = at(0, "left.jnl");
	fo_pool_range r = { BASE_ADDR, BASE_ADDR + 3 };
	size_t n, torn;
	fo_journal *j;
	fo_bt *bt;

	write_seq(path, 3);
	file_put(at(1, "left.jnl.tmp"), "garbage", 7);
	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_uint_eq(n, 3);

	/* Compaction overwrites it; an empty range of states is fine too. */
	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, table_cb, bt, NULL, err,
	    sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_journal_compact(j, bt), FO_OK);
	ck_assert_uint_eq(fo_journal_records(j), 4);
	fo_journal_close(j);
	ck_assert_int_eq(access(at(1, "left.jnl.tmp"), F_OK), -1);
	ck_assert_int_eq(file_size(path), HDR + 35 + (35 + 1 + 37) + (35 + 2 + 74) + 35);
	fo_bt_destroy(bt);
}
END_TEST

/* --- Crash: kill -9 of a writer ------------------------------------------- */

/* The child appends records 0, 1, 2, ... reporting each one through fd. */
static void
crash_child(const char *path, int fd)
{
	fo_binding_info b;
	fo_journal *j;
	char e[256];

	if (fo_journal_open(&j, path, NULL, NULL, NULL, NULL, e, sizeof(e)) != FO_OK)
		_exit(2);
	for (uint32_t i = 0;; i++) {
		info_make(i, &b);
		if (fo_journal_append(j, BASE_ADDR + i % 65536, &b) != FO_OK)
			_exit(3);
		if (write(fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
			_exit(4);
	}
}

START_TEST(journal_crash_kill9)
{
	const char *path = at(0, "crash/scope.jnl");
	size_t reported = 0, target, n, torn;
	unsigned seed = (unsigned)getpid() * 2654435761u + (unsigned)_i;
	int pfd[2], status;
	uint32_t v;
	pid_t pid;

	srand(seed);
	target = 1 + (size_t)rand() % 5000;
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		crash_child(path, pfd[1]);
	}
	close(pfd[1]);
	while (reported < target && read(pfd[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		ck_assert_uint_eq(v, reported);
		reported++;
	}
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	while (read(pfd[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		ck_assert_uint_eq(v, reported);
		reported++;
	}
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "child ended otherwise (status %d)", status);

	ck_assert_int_eq(reopen_seq(path, &n, &torn), FO_OK);
	ck_assert_msg(n >= reported, "seed %u: %zu replayed, %zu reported", seed, n, reported);
	ck_assert_uint_le(n, reported + 1);     /* at most the one in flight */
	ck_assert_uint_le(torn, 1);
}
END_TEST

/* --- State files ----------------------------------------------------------- */

START_TEST(state_round_trip)
{
	const char *path = at(0, "rel/state");
	fo_saved_state in = {
		.state = FO_STATE_COMM_INTERRUPTED, .since = { 1700000000 },
		.partner_state = FO_STATE_RECOVER_WAIT, .partner_since = { -5 },
		.last_operation = { INT64_MAX }, .valid = true,
	}, out;
	size_t len;
	char *text;

	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(err, "");
	memset(&out, 0x5a, sizeof(out));
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert(out.valid);
	ck_assert_int_eq(out.state, in.state);
	ck_assert_int_eq(out.since.sec, in.since.sec);
	ck_assert_int_eq(out.partner_state, in.partner_state);
	ck_assert_int_eq(out.partner_since.sec, in.partner_since.sec);
	ck_assert_int_eq(out.last_operation.sec, in.last_operation.sec);
	text = (char *)file_get(path, &len);
	text[len] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "\nstate CommunicationInterrupted\n"));
	ck_assert_ptr_nonnull(strstr(text, "\npartner-since -5\n"));
	free(text);
	ck_assert_int_eq(access(at(1, "rel/state.tmp"), F_OK), -1);

	/* Saving again replaces it. */
	in.state = FO_STATE_NORMAL;
	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(out.state, FO_STATE_NORMAL);
	ck_assert_uint_eq(out.mclt, 0);         /* not written when not adopted */
	text = (char *)file_get(path, &len);
	text[len] = '\0';
	ck_assert_ptr_null(strstr(text, "mclt"));
	free(text);

	/* An adopted MCLT (ISC dialect secondary) is kept. */
	in.mclt = 30;
	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(out.mclt, 30);
	in.mclt = UINT32_MAX;
	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert_uint_eq(out.mclt, UINT32_MAX);
}
END_TEST

START_TEST(state_missing_and_arguments)
{
	fo_saved_state s = { .valid = true, .state = FO_STATE_NORMAL };

	ck_assert_int_eq(fo_state_load(at(0, "nothing/state"), &s, err, sizeof(err)), FO_OK);
	ck_assert(!s.valid);
	ck_assert_int_eq(s.state, FO_STATE_NOSTATE);
	ck_assert_int_eq(fo_state_load(NULL, &s, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_state_load(at(0, "x"), NULL, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_state_save(NULL, &s, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_state_save(at(0, "x"), NULL, err, sizeof(err)), FO_ERR_INVAL);
	s.state = (fo_state)FO_STATE_COUNT;
	ck_assert_int_eq(fo_state_save(at(0, "x"), &s, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(access(at(0, "x"), F_OK), -1);
}
END_TEST

#define GOOD_STATE "version 1\nstate Normal\nsince 10\npartner-state Normal\n" \
	"partner-since 11\nlast-operation 12\n"

static const struct {
	const char *text;
	const char *why;
} bad_states[] = {
	{ "", "missing \"version\"" },
	{ "garbage", "line 1: no newline at the end" },
	{ GOOD_STATE "x", "line 7: no newline at the end" },
	{ GOOD_STATE "\n", "line 7: expected \"key value\"" },
	{ GOOD_STATE "color blue\n", "line 7: unknown key: \"color blue\"" },
	{ GOOD_STATE "since 10\n", "line 7: repeated key: \"since 10\"" },
	{ GOOD_STATE "mclt 0\n", "line 7: bad MCLT: \"mclt 0\"" },
	{ GOOD_STATE "mclt -30\n", "line 7: bad MCLT" },
	{ GOOD_STATE "mclt 4294967296\n", "line 7: bad MCLT" },
	{ GOOD_STATE "mclt 30\nmclt 30\n", "line 8: repeated key" },
	{ "version 2\n", "line 1: unsupported version" },
	{ "state normal\n", "line 1: bad state: \"state normal\"" },
	{ "state Normal \n", "line 1: bad state" },
	{ "since 1e3\n", "line 1: bad time: \"since 1e3\"" },
	{ "since +1\n", "line 1: bad time" },
	{ "since  1\n", "line 1: bad time" },
	{ "since -\n", "line 1: bad time" },
	{ "since 99999999999999999999\n", "line 1: bad time" },
	{ "version 1\nstate Normal\r\n", "line 2: bad state" },
	{ "version 1\nstate Normal\nsince 10\n", "missing \"partner-state\"" },
	{ "# comment\nversion 1\nstate Normal\nsince 1\npartner-state Normal\n"
	    "partner-since 1\n", "missing \"last-operation\"" },
};

START_TEST(state_corrupt)
{
	const char *path = at(0, "state");
	fo_saved_state s;
	char want[1024];

	file_put(path, bad_states[_i].text, strlen(bad_states[_i].text));
	memset(&s, 0x5a, sizeof(s));
	ck_assert_int_eq(fo_state_load(path, &s, err, sizeof(err)), FO_ERR_IO);
	ck_assert(!s.valid);
	snprintf(want, sizeof(want), "%s: %s", path, bad_states[_i].why);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want \"%s\"", err,
	    want);
}
END_TEST

START_TEST(state_good_variants)
{
	const char *path = at(0, "state");
	const char *text = "# written by hand\nlast-operation 12\nversion 1\npartner-since 11\n"
	    "state PartnerDown\nsince -10\npartner-state Shutdown\n";
	fo_saved_state s;

	file_put(path, text, strlen(text));
	ck_assert_int_eq(fo_state_load(path, &s, err, sizeof(err)), FO_OK);
	ck_assert(s.valid);
	ck_assert_int_eq(s.state, FO_STATE_PARTNER_DOWN);
	ck_assert_int_eq(s.since.sec, -10);
	ck_assert_int_eq(s.partner_state, FO_STATE_SHUTDOWN);
	ck_assert_int_eq(s.last_operation.sec, 12);
}
END_TEST

START_TEST(state_too_large_or_nul)
{
	const char *path = at(0, "state");
	fo_saved_state s;
	char *big = malloc(5000);

	memset(big, '#', 5000);
	file_put(path, big, 5000);
	free(big);
	ck_assert_int_eq(fo_state_load(path, &s, err, sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "larger than 4096 bytes"));
	file_put(path, "version 1\n\0", 11);
	ck_assert_int_eq(fo_state_load(path, &s, err, sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "NUL byte"));
}
END_TEST

/* A crash between writing the temporary file and the rename. */
START_TEST(state_leftover_tmp)
{
	const char *path = at(0, "state");
	fo_saved_state in = { .state = FO_STATE_RECOVER, .since = { 5 },
	    .partner_state = FO_STATE_PARTNER_DOWN }, out;

	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	file_put(at(1, "state.tmp"), "version 1\nstate Nor", 19);
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert(out.valid);
	ck_assert_int_eq(out.state, FO_STATE_RECOVER);
	ck_assert_int_eq(out.partner_state, FO_STATE_PARTNER_DOWN);
	in.state = FO_STATE_RECOVER_DONE;
	ck_assert_int_eq(fo_state_save(path, &in, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_state_load(path, &out, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(out.state, FO_STATE_RECOVER_DONE);
	ck_assert_int_eq(access(at(1, "state.tmp"), F_OK), -1);
}
END_TEST

/* --- Directory names ------------------------------------------------------- */

static const struct {
	const char *name;
	const char *dir;
} dirnames[] = {
	{ "r1", "r1" },
	{ "site-A_backup.2", "site-A_backup.2" },
	{ "a/b", "a%2Fb" },
	{ ".", "%2E" },
	{ "..", "%2E%2E" },
	{ "...", "..." },
	{ ".hidden", ".hidden" },
	{ "a b%", "a%20b%25" },
	{ "caf\xc3\xa9", "caf%C3%A9" },
	{ "\x01\x7f\xff", "%01%7F%FF" },
	{ "", "" },
};

START_TEST(store_dirname)
{
	char out[3 * 126 + 1];

	fo_store_dirname(dirnames[_i].name, out, sizeof(out));
	ck_assert_str_eq(out, dirnames[_i].dir);
}
END_TEST

START_TEST(store_dirname_limits)
{
	char name[127], out[3 * 126 + 1], small[5];

	char other[sizeof(out)];

	/* Escaped, 126 bytes would be 378: cut at 237 and tagged with the name's hash. */
	memset(name, '/', 126);
	name[126] = '\0';
	fo_store_dirname(name, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 237 + 17);
	ck_assert_int_eq(strncmp(out, "%2F%2F%2F", 9), 0);
	ck_assert_int_eq(out[237], '~');
	name[125] = '.';
	fo_store_dirname(name, other, sizeof(other));
	ck_assert_uint_eq(strlen(other), 237 + 17);
	ck_assert_str_ne(out, other);           /* same head, another name */
	/* 42 CJK characters (126 bytes of UTF-8): the same rule. */
	for (int i = 0; i < 42; i++)
		memcpy(name + 3 * i, "\xe6\x9d\xb1", 3);
	fo_store_dirname(name, out, sizeof(out));
	ck_assert_uint_le(strlen(out), 255);
	/* 85 escapes (255 bytes) fit: no tag. */
	memset(name, '/', 85);
	name[85] = '\0';
	fo_store_dirname(name, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 255);
	ck_assert_ptr_null(strchr(out, '~'));
	fo_store_dirname("a/b/c", small, sizeof(small));    /* never half an escape */
	ck_assert_str_eq(small, "a%2F");
	fo_store_dirname("abcdefgh", small, sizeof(small));
	ck_assert_str_eq(small, "abcd");
	fo_store_dirname(NULL, small, sizeof(small));
	ck_assert_str_eq(small, "");
	fo_store_dirname("x", NULL, 0);
}
END_TEST

/* --- Directories and permissions ------------------------------------------ */

START_TEST(store_creates_directories)
{
	const char *path = at(0, "var/lib/kea/failover/r1/scope-10.0.0.0.jnl");
	struct stat st;
	fo_journal *j;
	fo_saved_state s = { .state = FO_STATE_STARTUP };

	umask(022);
	ck_assert_int_eq(fo_journal_open(&j, path, NULL, NULL, NULL, NULL, err, sizeof(err)),
	    FO_OK);
	fo_journal_close(j);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(stat(at(1, "var/lib/kea/failover/r1"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	ck_assert_int_eq(stat(at(1, "var"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);

	ck_assert_int_eq(fo_state_save(at(1, "other//rel/state"), &s, err, sizeof(err)), FO_OK);
	ck_assert_int_eq(stat(at(1, "other/rel/state"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(store_parent_not_a_directory)
{
	fo_saved_state s = { .state = FO_STATE_STARTUP };
	char want[1024];
	fo_journal *j = NULL;

	file_put(at(0, "file"), "x", 1);
	ck_assert_int_eq(fo_journal_open(&j, at(1, "file/r1/scope.jnl"), NULL, NULL, NULL, NULL,
	    err, sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_null(j);
	snprintf(want, sizeof(want), "%s/file: cannot create directory: ", base);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_int_eq(fo_state_save(at(1, "file/state"), &s, err, sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "file: cannot create directory: "));
	ck_assert_int_eq(mkdir(at(1, "dir.jnl"), 0700), 0);
	ck_assert_int_eq(fo_journal_open(&j, at(1, "dir.jnl"), NULL, NULL, NULL, NULL, err,
	    sizeof(err)), FO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err, "dir.jnl: cannot open: "));
}
END_TEST

/* The checks of a read-only directory; 0 when all hold. */
static int
read_only_checks(void)
{
	fo_saved_state s = { .state = FO_STATE_STARTUP };
	fo_journal *j = NULL;
	char e[1024], want[1024];
	int bad = 0;

	bad |= fo_journal_open(&j, at(0, "ro/scope.jnl"), NULL, NULL, NULL, NULL, e,
	    sizeof(e)) != FO_ERR_IO || j != NULL;
	snprintf(want, sizeof(want), "%s/ro/scope.jnl: cannot open: Permission denied", base);
	bad |= strcmp(e, want) != 0;
	bad |= fo_state_save(at(0, "ro/state"), &s, e, sizeof(e)) != FO_ERR_IO;
	snprintf(want, sizeof(want), "%s/ro/state.tmp: cannot create: Permission denied", base);
	bad |= strcmp(e, want) != 0;
	bad |= fo_journal_open(&j, at(0, "ro/sub/scope.jnl"), NULL, NULL, NULL, NULL, e,
	    sizeof(e)) != FO_ERR_IO;
	snprintf(want, sizeof(want), "%s/ro/sub: cannot create directory: Permission denied",
	    base);
	bad |= strcmp(e, want) != 0;
	if (bad)
		fprintf(stderr, "read_only_checks: last message: %s\n", e);
	return bad;
}

START_TEST(store_read_only_directory)
{
	int status;
	pid_t pid;

	ck_assert_int_eq(chmod(base, 0755), 0);
	ck_assert_int_eq(mkdir(at(0, "ro"), 0555), 0);
	ck_assert_int_eq(chmod(at(0, "ro"), 0555), 0);
	if (geteuid() != 0) {
		ck_assert_int_eq(read_only_checks(), 0);
		return;
	}
	/* root ignores permissions: run the checks as nobody. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(read_only_checks());
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* --- Main ------------------------------------------------------------------ */

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tj = tcase_create("journal"), *ts = tcase_create("state");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tj, setup, teardown);
	tcase_set_timeout(tj, 120);
	tcase_add_test(tj, crc32_vectors);
	tcase_add_test(tj, crc32_known_answers);
	tcase_add_test(tj, crc32_matches_bitwise);
	tcase_add_test(tj, journal_round_trip);
	tcase_add_test(tj, journal_sequence);
	tcase_add_test(tj, journal_last_record_wins);
	tcase_add_test(tj, journal_bad_arguments);
	tcase_add_test(tj, journal_sync_every_append);
	tcase_add_test(tj, journal_torn_every_offset);
	tcase_add_test(tj, journal_torn_zero_fill);
	tcase_add_test(tj, journal_corrupt_middle);
	tcase_add_test(tj, journal_bad_contents);
	tcase_add_test(tj, journal_bad_header);
	tcase_add_test(tj, journal_callback_error);
	tcase_add_test(tj, journal_write_failure);
	tcase_add_test(tj, journal_compaction);
	tcase_add_test(tj, journal_compaction_leftover_tmp);
	tcase_add_loop_test(tj, journal_crash_kill9, 0, 5);
	suite_add_tcase(s, tj);

	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, state_round_trip);
	tcase_add_test(ts, state_missing_and_arguments);
	tcase_add_loop_test(ts, state_corrupt, 0, sizeof(bad_states) / sizeof(bad_states[0]));
	tcase_add_test(ts, state_good_variants);
	tcase_add_test(ts, state_too_large_or_nul);
	tcase_add_test(ts, state_leftover_tmp);
	tcase_add_loop_test(ts, store_dirname, 0, sizeof(dirnames) / sizeof(dirnames[0]));
	tcase_add_test(ts, store_dirname_limits);
	tcase_add_test(ts, store_creates_directories);
	tcase_add_test(ts, store_parent_not_a_directory);
	tcase_add_test(ts, store_read_only_directory);
	suite_add_tcase(s, ts);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
