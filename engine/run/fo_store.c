/*
 * fo_store.c - binding journals and relationship state files.
 * Formats and policy: fo_store.h.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_store.h"

#define HDR_SIZE 16
#define HDR_VERSION 1
#define BODY_MIN 29                     /* addr .. cidlen with no hw, no cid */
#define BODY_MAX (BODY_MIN + FO_CHADDR_MAX + FO_CLIENT_ID_MAX)
#define REC_MAX (2 + BODY_MAX + 4)
#define READ_CHUNK (1u << 20)
#define COMPACT_CHUNK (1u << 16)
#define STATE_MAX 4096
#define FILE_MODE 0640
#define DIR_MODE 0750

struct fo_journal {
	int fd;
	char *path;
	char *tmp;                      /* "<path>.tmp", for compaction */
	char *dir;                      /* directory holding path, for fsync */
	fo_store_policy pol;
	off_t size;                     /* bytes in the file */
	size_t records;
	size_t torn;
	bool dirty;                     /* written since the last fsync */
	bool broken;                    /* a write or fsync failed: no appends */
	char err[512];
};

/* --- Helpers --------------------------------------------------------------- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static char *
strdup_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* The directory holding `path` ("." for a bare name), malloc'd. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (slash == NULL)
		return strdup_cat(".", "");
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

/* write(2) all of buf, through EINTR and short writes. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* pread(2) exactly len bytes at off; -1 with errno, or EIO on an early end. */
static int
pread_all(int fd, void *buf, size_t len, off_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_retry(int fd)
{
	int r;

	while ((r = fsync(fd)) < 0 && errno == EINTR)
		;
	return r;
}

static fo_status
fsync_dir(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fo_errf(err, errlen, "%s: cannot open directory: %s", dir, strerror(errno));
		return FO_ERR_IO;
	}
	if (fsync_retry(fd) < 0 && errno != EINVAL) {
		fo_errf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
		close(fd);
		return FO_ERR_IO;
	}
	close(fd);
	return FO_OK;
}

/* mkdir of one level; fsync of its parent when it was created. */
static fo_status
mkdir_one(char *dir, char *err, size_t errlen)
{
	struct stat st;
	char *slash;

	if (mkdir(dir, DIR_MODE) == 0) {
		slash = strrchr(dir, '/');
		if (slash == NULL)
			return fsync_dir(".", err, errlen);
		*slash = '\0';
		fo_status rc = fsync_dir(slash == dir ? "/" : dir, err, errlen);
		*slash = '/';
		return rc;
	}
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return FO_OK;
	if (errno == EEXIST)
		errno = ENOTDIR;
	fo_errf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
	return FO_ERR_IO;
}

/* mkdir -p `dir`: every missing level, mode 0750. */
static fo_status
mkdir_p(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	fo_status rc = FO_OK;
	char *d, *p;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return FO_OK;
	if ((d = strdup_cat(dir, "")) == NULL)
		return FO_ERR_NOMEM;
	for (p = d + 1; rc == FO_OK; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (p[-1] != '/')
			rc = mkdir_one(d, err, errlen);
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return rc;
}

/* --- Records --------------------------------------------------------------- */

static bool
info_valid(const fo_binding_info *b)
{
	return b->state >= FO_BS_FREE && b->state <= FO_BS_MAX &&
	    (b->flags & ~FO_BF_MASK) == 0 && b->client.hlen <= FO_CHADDR_MAX;
}

/* Encode one record into p (REC_MAX bytes); its size. */
static size_t
rec_encode(uint8_t *p, fo_ip4 addr, const fo_binding_info *b)
{
	const fo_client_id *c = &b->client;
	size_t body = BODY_MIN + c->hlen + c->cidlen;
	uint8_t *q = p + 2;

	put16(p, (uint16_t)body);
	put32(q, addr);
	q[4] = (uint8_t)b->state;
	q[5] = (uint8_t)b->flags;
	put32(q + 6, b->expiry);
	put32(q + 10, b->pexp_sent);
	put32(q + 14, b->pexp_acked);
	put32(q + 18, b->cltt);
	put32(q + 22, b->stos);
	q[26] = c->htype;
	q[27] = c->hlen;
	memcpy(q + 28, c->hw, c->hlen);
	q += 28 + c->hlen;
	*q++ = c->cidlen;
	memcpy(q, c->cid, c->cidlen);
	q += c->cidlen;
	put32(q, fo_crc32(0, p, 2 + body));
	return 2 + body + 4;
}

/* Decode a body of `len` bytes whose CRC matched; what is wrong, or NULL. */
static const char *
rec_decode(const uint8_t *q, size_t len, fo_ip4 *addr, fo_binding_info *b)
{
	fo_client_id *c = &b->client;

	memset(b, 0, sizeof(*b));
	*addr = get32(q);
	if (q[4] < FO_BS_FREE || q[4] > FO_BS_MAX)
		return "bad binding state";
	if ((q[5] & ~FO_BF_MASK) != 0)
		return "bad flags";
	b->state = (fo_bstate)q[4];
	b->flags = q[5];
	b->expiry = get32(q + 6);
	b->pexp_sent = get32(q + 10);
	b->pexp_acked = get32(q + 14);
	b->cltt = get32(q + 18);
	b->stos = get32(q + 22);
	c->htype = q[26];
	c->hlen = q[27];
	if (c->hlen > FO_CHADDR_MAX || BODY_MIN + (size_t)c->hlen > len)
		return "bad hardware address length";
	memcpy(c->hw, q + 28, c->hlen);
	q += 28 + c->hlen;
	c->cidlen = *q++;
	if (BODY_MIN + (size_t)c->hlen + c->cidlen != len)
		return "lengths do not add up";
	memcpy(c->cid, q, c->cidlen);
	return NULL;
}

/* --- Reading a journal ----------------------------------------------------- */

struct reader {
	int fd;
	off_t size;
	uint8_t *buf;                   /* READ_CHUNK bytes */
	off_t base;                     /* file offset of buf[0] */
	size_t len;
};

/* Bytes [off, off + n) of the file (n <= READ_CHUNK, off + n <= size); NULL on error. */
static const uint8_t *
rd_get(struct reader *r, off_t off, size_t n)
{
	size_t want;

	if (off >= r->base && off + (off_t)n <= r->base + (off_t)r->len)
		return r->buf + (off - r->base);
	want = r->size - off < (off_t)READ_CHUNK ? (size_t)(r->size - off) : READ_CHUNK;
	r->len = 0;
	if (pread_all(r->fd, r->buf, want, off) < 0)
		return NULL;
	r->base = off;
	r->len = want;
	return r->buf;
}

/* 1 when the file holds only zero bytes from `off` on, 0 if not, -1 on error. */
static int
rd_zeros_from(struct reader *r, off_t off)
{
	while (off < r->size) {
		off_t left = r->size - off;
		size_t n = left < (off_t)READ_CHUNK ? (size_t)left : READ_CHUNK;
		const uint8_t *p = rd_get(r, off, n);

		if (p == NULL)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (p[i] != 0)
				return 0;
		off += (off_t)n;
	}
	return 1;
}

typedef enum rd_result { RD_OK, RD_TORN, RD_BAD, RD_ERR } rd_result;

/* A bad record at the tail (only zeros after `after`) is torn, else corrupt. */
static rd_result
rd_bad_or_torn(struct reader *r, off_t after)
{
	int z = rd_zeros_from(r, after);

	return z < 0 ? RD_ERR : z > 0 ? RD_TORN : RD_BAD;
}

/* Read the record at off: its size in *total; what is wrong in why. */
static rd_result
rd_record(struct reader *r, off_t off, size_t *total, fo_ip4 *addr, fo_binding_info *b,
    char *why, size_t whylen)
{
	const uint8_t *p;
	const char *bad;
	size_t len;

	if (r->size - off < 2)
		return RD_TORN;
	if ((p = rd_get(r, off, 2)) == NULL)
		return RD_ERR;
	len = get16(p);
	if (len < BODY_MIN || len > BODY_MAX) {
		snprintf(why, whylen, "bad length %zu", len);
		return rd_bad_or_torn(r, off);
	}
	*total = 2 + len + 4;
	if (r->size - off < (off_t)*total)
		return RD_TORN;                 /* runs past the end: a torn write */
	if ((p = rd_get(r, off, *total)) == NULL)
		return RD_ERR;
	if (fo_crc32(0, p, 2 + len) != get32(p + 2 + len)) {
		snprintf(why, whylen, "CRC mismatch");
		return rd_bad_or_torn(r, off + (off_t)*total);
	}
	if ((bad = rec_decode(p + 2, len, addr, b)) != NULL) {
		snprintf(why, whylen, "%s", bad);
		return RD_BAD;
	}
	return RD_OK;
}

/* Cut a torn tail off at `off`. */
static fo_status
cut_tail(fo_journal *j, off_t off, char *err, size_t errlen)
{
	if (ftruncate(j->fd, off) < 0 || fsync_retry(j->fd) < 0) {
		fo_errf(err, errlen, "%s: cutting the torn record at offset %lld: %s", j->path,
		    (long long)off, strerror(errno));
		return FO_ERR_IO;
	}
	fo_errf(err, errlen, "%s: torn record at offset %lld (%lld bytes) cut off", j->path,
	    (long long)off, (long long)(j->size - off));
	j->torn = 1;
	j->size = off;
	return FO_OK;
}

/* Replay every record after the header through cb. */
static fo_status
replay(fo_journal *j, fo_journal_cb cb, void *ctx, char *err, size_t errlen)
{
	struct reader r = { j->fd, j->size, NULL, 0, 0 };
	off_t off = HDR_SIZE;
	fo_status rc = FO_OK;
	fo_binding_info b;
	char why[64] = "";
	size_t total = 0;
	fo_ip4 addr = 0;

	if ((r.buf = malloc(READ_CHUNK)) == NULL)
		return FO_ERR_NOMEM;
	while (rc == FO_OK && off < j->size) {
		switch (rd_record(&r, off, &total, &addr, &b, why, sizeof(why))) {
		case RD_OK:
			if (cb != NULL && (rc = cb(ctx, addr, &b)) != FO_OK) {
				fo_errf(err, errlen, "%s: record %zu at offset %lld: "
				    "replay failed: %s", j->path, j->records + 1,
				    (long long)off, fo_status_name(rc));
				goto done;
			}
			j->records++;
			off += (off_t)total;
			break;
		case RD_TORN:
			rc = cut_tail(j, off, err, errlen);
			goto done;
		case RD_BAD:
			fo_errf(err, errlen, "%s: record %zu at offset %lld: %s", j->path,
			    j->records + 1, (long long)off, why);
			rc = FO_ERR_IO;
			goto done;
		case RD_ERR:
			fo_errf(err, errlen, "%s: read: %s", j->path, strerror(errno));
			rc = FO_ERR_IO;
			goto done;
		}
	}
done:
	free(r.buf);
	return rc;
}

/* --- Header ---------------------------------------------------------------- */

static void
hdr_encode(uint8_t *h)
{
	memcpy(h, "KFOJ", 4);
	put16(h + 4, HDR_VERSION);
	put16(h + 6, HDR_SIZE);
	put32(h + 8, 0);
	put32(h + 12, fo_crc32(0, h, 12));
}

/*
 * Check the header of a file of j->size bytes. *fresh: the file is empty or
 * a prefix of the header (a crash while creating it): write it anew.
 */
static fo_status
hdr_check(fo_journal *j, bool *fresh, char *err, size_t errlen)
{
	uint8_t want[HDR_SIZE], h[HDR_SIZE];
	size_t n = j->size < HDR_SIZE ? (size_t)j->size : HDR_SIZE;

	hdr_encode(want);
	if (pread_all(j->fd, h, n, 0) < 0) {
		fo_errf(err, errlen, "%s: read: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	*fresh = n < HDR_SIZE && memcmp(h, want, n) == 0;
	if (*fresh)
		return FO_OK;
	if (memcmp(h, want, n < 4 ? n : 4) != 0) {
		fo_errf(err, errlen, "%s: not a failover journal (bad magic)", j->path);
		return FO_ERR_IO;
	}
	if (n < HDR_SIZE) {
		fo_errf(err, errlen, "%s: truncated header (%zu bytes)", j->path, n);
		return FO_ERR_IO;
	}
	if (get16(h + 4) != HDR_VERSION) {
		fo_errf(err, errlen, "%s: unsupported journal version %u (this build reads %u)",
		    j->path, get16(h + 4), HDR_VERSION);
		return FO_ERR_IO;
	}
	if (memcmp(h, want, HDR_SIZE) != 0) {
		fo_errf(err, errlen, "%s: bad header (size, flags or CRC)", j->path);
		return FO_ERR_IO;
	}
	return FO_OK;
}

/* Write the header into an empty (or header-prefix) file, durably. */
static fo_status
hdr_write(fo_journal *j, char *err, size_t errlen)
{
	uint8_t h[HDR_SIZE];

	hdr_encode(h);
	if (ftruncate(j->fd, 0) < 0 || write_all(j->fd, h, HDR_SIZE) < 0 ||
	    fsync_retry(j->fd) < 0) {
		fo_errf(err, errlen, "%s: writing the header: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	j->size = HDR_SIZE;
	return fsync_dir(j->dir, err, errlen);
}

/* --- Journal --------------------------------------------------------------- */

static void
journal_free(fo_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j->tmp);
	free(j->dir);
	free(j);
}

/* Allocate a journal and create its directory and file; j->size set. */
static fo_status
journal_create(fo_journal **out, const char *path, char *err, size_t errlen)
{
	fo_journal *j;
	struct stat st;
	fo_status rc;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return FO_ERR_NOMEM;
	j->fd = -1;
	j->path = strdup_cat(path, "");
	j->tmp = strdup_cat(path, ".tmp");
	j->dir = dir_of(path);
	if (j->path == NULL || j->tmp == NULL || j->dir == NULL) {
		rc = FO_ERR_NOMEM;
		goto done;
	}
	if ((rc = mkdir_p(j->dir, err, errlen)) != FO_OK)
		goto done;
	j->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, FILE_MODE);
	if (j->fd < 0 || fstat(j->fd, &st) < 0) {
		fo_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		rc = FO_ERR_IO;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		fo_errf(err, errlen, "%s: not a regular file", path);
		rc = FO_ERR_IO;
		goto done;
	}
	j->size = st.st_size;
done:
	if (rc != FO_OK) {
		journal_free(j);
		j = NULL;
	}
	*out = j;
	return rc;
}

fo_status
fo_journal_open(fo_journal **out, const char *path, const fo_store_policy *pol,
    fo_journal_cb cb, void *ctx, bool *created, char *err, size_t errlen)
{
	fo_journal *j = NULL;
	bool fresh = false;
	fo_status rc;

	fo_errf(err, errlen, "%s", "");
	if (out == NULL || path == NULL || *path == '\0')
		return FO_ERR_INVAL;
	*out = NULL;
	if ((rc = journal_create(&j, path, err, errlen)) != FO_OK)
		return rc;
	if (pol != NULL)
		j->pol = *pol;
	if ((rc = hdr_check(j, &fresh, err, errlen)) != FO_OK)
		goto done;
	if (fresh)
		rc = hdr_write(j, err, errlen);
	else
		rc = replay(j, cb, ctx, err, errlen);
	if (rc != FO_OK)
		goto done;
	if (created != NULL)
		*created = j->records == 0;
	*out = j;
done:
	if (rc != FO_OK)
		journal_free(j);
	return rc;
}

fo_status
fo_journal_append(fo_journal *j, fo_ip4 addr, const fo_binding_info *b)
{
	uint8_t rec[REC_MAX];
	size_t n;
	int e;

	if (j == NULL || b == NULL || !info_valid(b))
		return FO_ERR_INVAL;
	if (j->broken) {
		fo_errf(j->err, sizeof(j->err), "%s: out of service after an earlier error",
		    j->path);
		return FO_ERR_IO;
	}
	n = rec_encode(rec, addr, b);
	if (write_all(j->fd, rec, n) < 0) {
		e = errno;
		/* Cut a partial record back off, or later appends would follow it. */
		if (ftruncate(j->fd, j->size) < 0)
			j->broken = true;
		fo_errf(j->err, sizeof(j->err), "%s: write at offset %lld: %s", j->path,
		    (long long)j->size, strerror(e));
		return FO_ERR_IO;
	}
	j->size += (off_t)n;
	j->records++;
	j->dirty = true;
	if (j->pol.sync_every_append)
		return fo_journal_sync(j);
	return FO_OK;
}

fo_status
fo_journal_sync(fo_journal *j)
{
	if (j == NULL)
		return FO_ERR_INVAL;
	if (!j->dirty)
		return FO_OK;
	if (fsync_retry(j->fd) < 0) {
		j->broken = true;
		fo_errf(j->err, sizeof(j->err), "%s: fsync: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	j->dirty = false;
	return FO_OK;
}

/* Write the header and one record per address of bt to fd. */
static fo_status
write_table(fo_journal *j, int fd, const fo_bt *bt, off_t *size, size_t *records)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *e;
	fo_binding_info b;
	fo_status rc = FO_OK;
	size_t used = HDR_SIZE;
	uint8_t *buf;
	fo_ip4 addr;

	if ((buf = malloc(COMPACT_CHUNK)) == NULL)
		return FO_ERR_NOMEM;
	hdr_encode(buf);
	*size = 0;
	*records = 0;
	while (fo_bt_iter_next(bt, &it, &addr, &e)) {
		if ((rc = fo_bt_get(bt, addr, &b)) != FO_OK) {
			fo_errf(j->err, sizeof(j->err), "%s: reading the table: %s", j->tmp,
			    fo_status_name(rc));
			goto done;
		}
		if (COMPACT_CHUNK - used < REC_MAX) {
			if (write_all(fd, buf, used) < 0)
				goto fail;
			*size += (off_t)used;
			used = 0;
		}
		used += rec_encode(buf + used, addr, &b);
		(*records)++;
	}
	if (write_all(fd, buf, used) < 0)
		goto fail;
	*size += (off_t)used;
	if (fsync_retry(fd) == 0)
		goto done;
fail:
	fo_errf(j->err, sizeof(j->err), "%s: %s", j->tmp, strerror(errno));
	rc = FO_ERR_IO;
done:
	free(buf);
	return rc;
}

fo_status
fo_journal_compact(fo_journal *j, const fo_bt *bt)
{
	size_t records = 0;
	off_t size = 0;
	fo_status rc;
	int fd;

	if (j == NULL || bt == NULL)
		return FO_ERR_INVAL;
	fd = open(j->tmp, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);
	if (fd < 0) {
		fo_errf(j->err, sizeof(j->err), "%s: cannot create: %s", j->tmp,
		    strerror(errno));
		return FO_ERR_IO;
	}
	if ((rc = write_table(j, fd, bt, &size, &records)) != FO_OK)
		goto fail;
	if (rename(j->tmp, j->path) < 0) {
		fo_errf(j->err, sizeof(j->err), "%s: rename to %s: %s", j->tmp, j->path,
		    strerror(errno));
		rc = FO_ERR_IO;
		goto fail;
	}
	close(j->fd);
	j->fd = fd;
	j->size = size;
	j->records = records;
	j->dirty = false;
	j->broken = false;
	return fsync_dir(j->dir, j->err, sizeof(j->err));
fail:
	close(fd);
	unlink(j->tmp);
	return rc;
}

size_t
fo_journal_records(const fo_journal *j)
{
	return j == NULL ? 0 : j->records;
}

bool
fo_journal_compact_due(const fo_journal *j, size_t live)
{
	if (j == NULL)
		return false;
	if (live > (SIZE_MAX - 1024) / 2)
		return false;
	return j->records > 2 * live + 1024;
}

size_t
fo_journal_torn(const fo_journal *j)
{
	return j == NULL ? 0 : j->torn;
}

const char *
fo_journal_error(const fo_journal *j)
{
	return j == NULL ? "" : j->err;
}

void
fo_journal_close(fo_journal *j)
{
	if (j == NULL)
		return;
	(void)fo_journal_sync(j);
	journal_free(j);
}

/* --- State file ------------------------------------------------------------ */

/* Write buf to path atomically: "<path>.tmp", fsync, rename, fsync directory. */
static fo_status
write_atomic(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	char *tmp = strdup_cat(path, ".tmp"), *dir = dir_of(path);
	fo_status rc = FO_ERR_NOMEM;
	int fd = -1, e;

	if (tmp == NULL || dir == NULL)
		goto done;
	if ((rc = mkdir_p(dir, err, errlen)) != FO_OK)
		goto done;
	rc = FO_ERR_IO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);
	if (fd < 0) {
		fo_errf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		goto done;
	}
	if (write_all(fd, buf, len) < 0 || fsync_retry(fd) < 0) {
		fo_errf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	e = close(fd);
	fd = -1;
	if (e < 0) {
		fo_errf(err, errlen, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fo_errf(err, errlen, "%s: rename to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	rc = fsync_dir(dir, err, errlen);
	goto done;
fail:
	unlink(tmp);
done:
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(dir);
	return rc;
}

fo_status
fo_state_save(const char *path, const fo_saved_state *s, char *err, size_t errlen)
{
	const char *st, *pst;
	char buf[512];
	int n;

	fo_errf(err, errlen, "%s", "");
	if (path == NULL || *path == '\0' || s == NULL)
		return FO_ERR_INVAL;
	st = fo_state_name(s->state);
	pst = fo_state_name(s->partner_state);
	if (st == NULL || pst == NULL) {
		fo_errf(err, errlen, "%s: state out of range", path);
		return FO_ERR_INVAL;
	}
	n = snprintf(buf, sizeof(buf),
	    "# kea-failover relationship state, replaced atomically\n"
	    "version %d\nstate %s\nsince %" PRId64 "\npartner-state %s\n"
	    "partner-since %" PRId64 "\nlast-operation %" PRId64 "\n", 1, st, s->since.sec,
	    pst, s->partner_since.sec, s->last_operation.sec);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return FO_ERR_RANGE;
	return write_atomic(path, buf, (size_t)n, err, errlen);
}

enum state_key { K_VERSION, K_STATE, K_SINCE, K_PSTATE, K_PSINCE, K_LASTOP, K_COUNT };

static const char *const state_keys[K_COUNT] = {
	[K_VERSION] = "version",
	[K_STATE] = "state",
	[K_SINCE] = "since",
	[K_PSTATE] = "partner-state",
	[K_PSINCE] = "partner-since",
	[K_LASTOP] = "last-operation",
};

/* A decimal int64: optional '-', digits, nothing else. */
static bool
parse_i64(const char *s, int64_t *out)
{
	const char *p = s[0] == '-' ? s + 1 : s;
	char *end;
	long long v;

	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* Apply one "key value" line; what is wrong, or NULL. */
static const char *
state_line(char *key, char *val, fo_saved_state *s, bool *seen)
{
	int64_t v = 0;
	int k;

	for (k = 0; k < K_COUNT && strcmp(key, state_keys[k]) != 0; k++)
		;
	if (k == K_COUNT)
		return "unknown key";
	if (seen[k])
		return "repeated key";
	seen[k] = true;
	switch ((enum state_key)k) {
	case K_VERSION:
		return parse_i64(val, &v) && v == 1 ? NULL : "unsupported version";
	case K_STATE:
		return fo_state_parse(val, &s->state) ? NULL : "bad state";
	case K_PSTATE:
		return fo_state_parse(val, &s->partner_state) ? NULL : "bad state";
	case K_SINCE:
		return parse_i64(val, &s->since.sec) ? NULL : "bad time";
	case K_PSINCE:
		return parse_i64(val, &s->partner_since.sec) ? NULL : "bad time";
	case K_LASTOP:
		return parse_i64(val, &s->last_operation.sec) ? NULL : "bad time";
	case K_COUNT:
		break;
	}
	return "unknown key";
}

/* Parse the NUL-terminated text of a state file (modified in place). */
static fo_status
state_parse(const char *path, char *text, fo_saved_state *s, char *err, size_t errlen)
{
	bool seen[K_COUNT] = { false };
	const char *why;
	unsigned line = 0;
	char *p = text, *nl, *sp;

	for (; *p != '\0'; p = nl + 1) {
		line++;
		if ((nl = strchr(p, '\n')) == NULL) {
			fo_errf(err, errlen, "%s: line %u: no newline at the end (truncated?)",
			    path, line);
			return FO_ERR_IO;
		}
		*nl = '\0';
		if (*p == '#')
			continue;
		if ((sp = strchr(p, ' ')) == NULL) {
			fo_errf(err, errlen, "%s: line %u: expected \"key value\"", path, line);
			return FO_ERR_IO;
		}
		*sp = '\0';
		if ((why = state_line(p, sp + 1, s, seen)) != NULL) {
			fo_errf(err, errlen, "%s: line %u: %s: \"%.32s %.32s\"", path, line, why,
			    p, sp + 1);
			return FO_ERR_IO;
		}
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (!seen[k]) {
			fo_errf(err, errlen, "%s: missing \"%s\"", path, state_keys[k]);
			return FO_ERR_IO;
		}
	}
	s->valid = true;
	return FO_OK;
}

/* Read a whole small file into buf (cap bytes); its length in *len. */
static fo_status
read_small(const char *path, char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return FO_ERR_NOTFOUND;
		fo_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return FO_ERR_IO;
	}
	while (*len < cap && ((n = read(fd, buf + *len, cap - *len)) > 0 ||
	    (n < 0 && errno == EINTR)))
		*len += n > 0 ? (size_t)n : 0;
	close(fd);
	if (n < 0) {
		fo_errf(err, errlen, "%s: read: %s", path, strerror(errno));
		return FO_ERR_IO;
	}
	return FO_OK;
}

fo_status
fo_state_load(const char *path, fo_saved_state *s, char *err, size_t errlen)
{
	char buf[STATE_MAX + 2];
	fo_status rc;
	size_t len;

	fo_errf(err, errlen, "%s", "");
	if (path == NULL || s == NULL)
		return FO_ERR_INVAL;
	memset(s, 0, sizeof(*s));
	rc = read_small(path, buf, STATE_MAX + 1, &len, err, errlen);
	if (rc == FO_ERR_NOTFOUND)
		return FO_OK;
	if (rc != FO_OK)
		return rc;
	if (len > STATE_MAX) {
		fo_errf(err, errlen, "%s: larger than %d bytes", path, STATE_MAX);
		return FO_ERR_IO;
	}
	if (memchr(buf, '\0', len) != NULL) {
		fo_errf(err, errlen, "%s: holds a NUL byte", path);
		return FO_ERR_IO;
	}
	buf[len] = '\0';
	rc = state_parse(path, buf, s, err, errlen);
	if (rc != FO_OK)
		memset(s, 0, sizeof(*s));
	return rc;
}

/* --- Names ----------------------------------------------------------------- */

void
fo_store_dirname(const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(name != NULL ? name : "");
	bool dots = strcmp((const char *)p, ".") == 0 || strcmp((const char *)p, "..") == 0;
	size_t o = 0;

	if (out == NULL || outlen == 0)
		return;
	for (; *p != '\0'; p++) {
		bool keep = !dots && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-');

		if (o + (keep ? 1 : 3) >= outlen)
			break;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	out[o] = '\0';
}

/* --- Clean-stop marker ------------------------------------------------------ */

static void
clean_path(const char *state_path, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s.clean", state_path);
}

fo_status
fo_clean_stop_save(const char *state_path, fo_wall now, char *err, size_t errlen)
{
	char path[4200], text[32];
	int fd, n;
	fo_status st = FO_OK;

	clean_path(state_path, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%lld\n", (long long)now.sec);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0 ||
	    write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st = FO_ERR_IO;
	}
	if (fd >= 0)
		close(fd);
	return st;
}

bool
fo_clean_stop_take(const char *state_path, fo_wall *when)
{
	char path[4200], text[32] = "";
	long long t = 0;
	ssize_t n = -1;
	int fd;

	clean_path(state_path, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	(void)unlink(path);
	if (n <= 0 || sscanf(text, "%lld", &t) != 1)
		return false;
	*when = fo_wall_at(t);
	return true;
}
