/*
 * fo_journal.c - binding journals: records, reading with resynchronisation,
 * appends. Compaction is in fo_compact.c. Formats and policy: fo_store.h.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_file.h"
#include "fo_journal_int.h"

#define READ_CHUNK (1u << 20)

/* --- Records --------------------------------------------------------------- */

bool
fo_jnl_info_valid(const fo_binding_info *b)
{
	return b->state >= FO_BS_FREE && b->state <= FO_BS_MAX &&
	    (b->flags & ~FO_BF_MASK) == 0 && b->client.hlen <= FO_CHADDR_MAX &&
	    (b->extra.fqdn & ~FO_FQDN_MASK) == 0 && b->extra.context_len <= FO_USER_CONTEXT_MAX;
}

/* Bytes the extras take after the client-id: none when the lease has none. */
static size_t
extra_size(const fo_lease_extra *x)
{
	return fo_extra_present(x) ? 4u + x->hostname_len + x->context_len : 0;
}

/* The extras' bytes: fqdn, hostname length and bytes, context length (u16) and bytes. */
static uint8_t *
extra_encode(uint8_t *q, const fo_lease_extra *x)
{
	*q++ = x->fqdn;
	*q++ = x->hostname_len;
	memcpy(q, x->hostname, x->hostname_len);
	q += x->hostname_len;
	fo_jnl_put16(q, x->context_len);
	memcpy(q + 2, x->context, x->context_len);
	return q + 2 + x->context_len;
}

/* Whether the n bytes at q are one well-formed extras block. */
static bool
extra_plausible(const uint8_t *q, size_t n)
{
	size_t hl;

	if (n == 0)
		return true;
	if (n < 4 || (q[0] & ~FO_FQDN_MASK) != 0 || (hl = q[1]) + 4 > n)
		return false;
	/* Written only for a lease that has some (fo_jnl_rec_encode): never empty. */
	return fo_jnl_get16(q + 2 + hl) <= FO_USER_CONTEXT_MAX &&
	    4 + hl + fo_jnl_get16(q + 2 + hl) == n && (q[0] != 0 || n > 4);
}

static void
extra_decode(const uint8_t *q, size_t n, fo_lease_extra *x)
{
	if (n == 0) {
		fo_extra_clear(x);
		return;
	}
	x->fqdn = q[0];
	x->hostname_len = q[1];
	memcpy(x->hostname, q + 2, x->hostname_len);
	x->hostname[x->hostname_len] = '\0';
	x->context_len = fo_jnl_get16(q + 2 + x->hostname_len);
	memcpy(x->context, q + 4 + x->hostname_len, x->context_len);
	x->context[x->context_len] = '\0';
}

size_t
fo_jnl_rec_encode(uint8_t *p, fo_ip4 addr, const fo_binding_info *b)
{
	const fo_client_id *c = &b->client;
	size_t body = FO_JNL_BODY_MIN + c->hlen + c->cidlen + extra_size(&b->extra);
	uint8_t *q = p + 2;

	fo_jnl_put16(p, (uint16_t)body);
	fo_jnl_put32(q, addr);
	q[4] = (uint8_t)b->state;
	q[5] = (uint8_t)b->flags;
	fo_jnl_put32(q + 6, b->expiry);
	fo_jnl_put32(q + 10, b->pexp_sent);
	fo_jnl_put32(q + 14, b->pexp_acked);
	fo_jnl_put32(q + 18, b->cltt);
	fo_jnl_put32(q + 22, b->stos);
	q[26] = c->htype;
	q[27] = c->hlen;
	memcpy(q + 28, c->hw, c->hlen);
	q += 28 + c->hlen;
	*q++ = c->cidlen;
	memcpy(q, c->cid, c->cidlen);
	q += c->cidlen;
	if (fo_extra_present(&b->extra))
		q = extra_encode(q, &b->extra);
	fo_jnl_put32(q, fo_crc32(0, p, 2 + body));
	return 2 + body + 4;
}

/*
 * Decode a body of `len` bytes whose CRC matched; what is wrong, or NULL
 * (then b is unchanged). b must hold zeros past its client's lengths (a
 * zeroed struct, or the previous decode): only the bytes the previous
 * identity had beyond the new one's lengths are cleared, not the whole
 * 300-byte struct for every record.
 */
static const char *
rec_decode(const uint8_t *q, size_t len, fo_ip4 *addr, fo_binding_info *b)
{
	fo_client_id *c = &b->client;
	size_t hlen = q[27], cidlen;

	if (q[4] < FO_BS_FREE || q[4] > FO_BS_MAX)
		return "bad binding state";
	if ((q[5] & ~FO_BF_MASK) != 0)
		return "bad flags";
	if (hlen > FO_CHADDR_MAX || FO_JNL_BODY_MIN + hlen > len)
		return "bad hardware address length";
	cidlen = q[28 + hlen];
	if (FO_JNL_BODY_MIN + hlen + cidlen > len ||
	    !extra_plausible(q + FO_JNL_BODY_MIN + hlen + cidlen, len - FO_JNL_BODY_MIN - hlen - cidlen))
		return "lengths do not add up";
	if (c->hlen > hlen)
		memset(c->hw + hlen, 0, c->hlen - hlen);
	if (c->cidlen > cidlen)
		memset(c->cid + cidlen, 0, c->cidlen - cidlen);
	*addr = fo_jnl_get32(q);
	b->state = (fo_bstate)q[4];
	b->flags = q[5];
	b->expiry = fo_jnl_get32(q + 6);
	b->pexp_sent = fo_jnl_get32(q + 10);
	b->pexp_acked = fo_jnl_get32(q + 14);
	b->cltt = fo_jnl_get32(q + 18);
	b->stos = fo_jnl_get32(q + 22);
	c->htype = q[26];
	c->hlen = (uint8_t)hlen;
	c->cidlen = (uint8_t)cidlen;
	memcpy(c->hw, q + 28, hlen);
	memcpy(c->cid, q + 29 + hlen, cidlen);
	extra_decode(q + FO_JNL_BODY_MIN + hlen + cidlen, len - FO_JNL_BODY_MIN - hlen - cidlen,
	    &b->extra);
	return NULL;
}

/* Could a body of `len` bytes decode (rec_decode's checks, without copying)? */
static bool
rec_plausible(const uint8_t *q, size_t len)
{
	size_t fixed;

	if (!(q[4] >= FO_BS_FREE && q[4] <= FO_BS_MAX && (q[5] & ~FO_BF_MASK) == 0 &&
	    q[27] <= FO_CHADDR_MAX && FO_JNL_BODY_MIN + (size_t)q[27] <= len))
		return false;
	fixed = FO_JNL_BODY_MIN + (size_t)q[27] + q[28 + q[27]];
	return fixed <= len && extra_plausible(q + fixed, len - fixed);
}

static void
hdr_encode(uint8_t *h, uint16_t version)
{
	memcpy(h, "KFOJ", 4);
	fo_jnl_put16(h + 4, version);
	fo_jnl_put16(h + 6, FO_JNL_HDR_SIZE);
	fo_jnl_put32(h + 8, 0);
	fo_jnl_put32(h + 12, fo_crc32(0, h, 12));
}

void
fo_jnl_hdr_encode(uint8_t *h)
{
	hdr_encode(h, FO_JNL_VERSION);
}

/*
 * Check the n first bytes h of a journal (n = min(size, header)). *fresh:
 * the file is empty or a prefix of the header (a crash while creating it).
 */
static fo_status
hdr_check(const char *path, const uint8_t *h, size_t n, bool *fresh, char *err,
    size_t errlen)
{
	uint8_t want[FO_JNL_HDR_SIZE];

	fo_jnl_hdr_encode(want);
	*fresh = n < FO_JNL_HDR_SIZE && memcmp(h, want, n) == 0;
	if (*fresh)
		return FO_OK;
	if (memcmp(h, want, n < 4 ? n : 4) != 0) {
		fo_errf(err, errlen, "%s: not a failover journal (bad magic)", path);
		return FO_ERR_IO;
	}
	if (n < FO_JNL_HDR_SIZE) {
		fo_errf(err, errlen, "%s: truncated header (%zu bytes)", path, n);
		return FO_ERR_IO;
	}
	if (fo_jnl_get16(h + 4) != FO_JNL_VERSION && fo_jnl_get16(h + 4) != FO_JNL_VERSION_OLD) {
		fo_errf(err, errlen, "%s: unsupported journal version %u (this build reads %u and %u)",
		    path, fo_jnl_get16(h + 4), FO_JNL_VERSION_OLD, FO_JNL_VERSION);
		return FO_ERR_IO;
	}
	if (fo_jnl_get16(h + 4) == FO_JNL_VERSION_OLD)
		hdr_encode(want, FO_JNL_VERSION_OLD);
	if (memcmp(h, want, FO_JNL_HDR_SIZE) != 0) {
		fo_errf(err, errlen, "%s: bad header (size, flags or CRC)", path);
		return FO_ERR_IO;
	}
	return FO_OK;
}

/* --- Reading --------------------------------------------------------------- */

/* A journal's bytes: a file read in chunks, or an image in memory (fd < 0). */
struct reader {
	int fd;
	off_t size;
	const uint8_t *buf;             /* the chunk, or the whole image */
	uint8_t *chunk;                 /* cap bytes (files only) */
	size_t cap;                     /* min(READ_CHUNK, size) */
	off_t base;                     /* file offset of buf[0] */
	size_t len;
};

/* Bytes [off, off + n) (n <= cap, off + n <= size); NULL on error. */
static inline const uint8_t *
rd_get(struct reader *r, off_t off, size_t n)
{
	size_t want;

	if (off >= r->base && off + (off_t)n <= r->base + (off_t)r->len)
		return r->buf + (off - r->base);
	if (r->fd < 0) {
		errno = EIO;
		return NULL;
	}
	want = r->size - off < (off_t)r->cap ? (size_t)(r->size - off) : r->cap;
	r->len = 0;
	if (fo_file_pread_all(r->fd, r->chunk, want, off) < 0)
		return NULL;
	r->buf = r->chunk;
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
		size_t n = left < (off_t)r->cap ? (size_t)left : r->cap;
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

typedef enum rd_result { RD_OK, RD_BAD, RD_ERR } rd_result;

/* The length field at off: its record's size, or 0 when out of range or absent. */
static inline size_t
rd_total(struct reader *r, off_t off, rd_result *rr)
{
	const uint8_t *p;
	size_t len;

	*rr = RD_OK;
	if (r->size - off < 2)
		return 0;
	if ((p = rd_get(r, off, 2)) == NULL) {
		*rr = RD_ERR;
		return 0;
	}
	len = fo_jnl_get16(p);
	return len < FO_JNL_BODY_MIN || len > FO_JNL_BODY_MAX ? 0 : 2 + len + 4;
}

/* What is wrong, into why (NULL: not wanted, as while resynchronising). */
static rd_result
rd_why(char *why, size_t whylen, const char *what)
{
	if (why != NULL)
		snprintf(why, whylen, "%s", what);
	return RD_BAD;
}

/* Read the record at off: RD_OK with its size in *total; what is wrong in why. */
static rd_result
rd_record(struct reader *r, off_t off, size_t *total, fo_ip4 *addr, fo_binding_info *b,
    char *why, size_t whylen)
{
	const uint8_t *p;
	const char *bad;
	rd_result rr;
	size_t len;

	if ((*total = rd_total(r, off, &rr)) == 0) {
		if (rr != RD_OK)
			return RD_ERR;
		if (r->size - off < 2)
			return rd_why(why, whylen, "truncated length");
		if (why != NULL)
			snprintf(why, whylen, "bad length %u",
			    (unsigned)fo_jnl_get16(r->buf + (off - r->base)));
		return RD_BAD;
	}
	len = *total - 6;
	if (r->size - off < (off_t)*total)
		return rd_why(why, whylen, "runs past the end of the file");
	if ((p = rd_get(r, off, *total)) == NULL)
		return RD_ERR;
	/* Resynchronising (no why): the fields first, cheaper than the CRC. */
	if (why == NULL && !rec_plausible(p + 2, len))
		return RD_BAD;
	if (fo_crc32(0, p, 2 + len) != fo_jnl_get32(p + 2 + len))
		return rd_why(why, whylen, "CRC mismatch");
	if ((bad = rec_decode(p + 2, len, addr, b)) != NULL)
		return rd_why(why, whylen, bad);
	return RD_OK;
}

/*
 * Does the bad record at off look like a write cut short (the file's last
 * one)? It runs past the end, or only zero bytes follow its length field
 * (bad length) or its end (bad CRC). 1 yes, 0 no, -1 error.
 */
static int
rd_torn_like(struct reader *r, off_t off)
{
	const uint8_t *p;
	rd_result rr;
	size_t total = rd_total(r, off, &rr);

	if (rr != RD_OK)
		return -1;
	if (r->size - off < 2)
		return 1;
	if (total == 0)
		return rd_zeros_from(r, off);
	if (r->size - off < (off_t)total)
		return 1;
	if ((p = rd_get(r, off, total)) == NULL)
		return -1;
	if (fo_crc32(0, p, total - 4) == fo_jnl_get32(p + total - 4))
		return 0;               /* a whole record with bad contents */
	return rd_zeros_from(r, off + (off_t)total);
}

/*
 * The next intact record after the bad one at `start`: the one its length
 * points to when intact, else the first found a byte at a time; r->size
 * when none.
 */
static rd_result
rd_resync(struct reader *r, off_t start, off_t *next)
{
	fo_binding_info b;
	fo_ip4 addr;
	size_t total, t2;
	rd_result rr;

	memset(&b, 0, sizeof(b));       /* rec_decode() clears only past the lengths */
	total = rd_total(r, start, &rr);
	if (rr != RD_OK)
		return RD_ERR;
	if (total > 0 && r->size - start > (off_t)total) {
		rr = rd_record(r, start + (off_t)total, &t2, &addr, &b, NULL, 0);
		if (rr != RD_BAD) {
			*next = start + (off_t)total;
			return rr;
		}
	}
	for (off_t q = start + 1; r->size - q >= FO_JNL_REC_MIN; q++) {
		rr = rd_record(r, q, &t2, &addr, &b, NULL, 0);
		if (rr != RD_BAD) {
			*next = q;
			return rr;
		}
	}
	*next = r->size;
	return RD_OK;
}

/* Count the records of [start, end) by their lengths; exact when they lead to end. */
static rd_result
rd_chain(struct reader *r, off_t start, off_t end, size_t *n, bool *exact)
{
	off_t q = start;
	rd_result rr;
	size_t total;

	*n = 0;
	*exact = false;
	while (q < end) {
		(*n)++;
		total = rd_total(r, q, &rr);
		if (rr != RD_OK)
			return RD_ERR;
		if (total == 0)
			return RD_OK;
		q += (off_t)total;
	}
	*exact = q == end || end == r->size;
	return RD_OK;
}

/* Add the drop [start, end) to rep. */
static void
rep_drop(fo_journal_report *rep, off_t start, off_t end, size_t n, bool exact, bool torn,
    const char *why)
{
	size_t i = rep->drops++;

	if (!torn)
		rep->damaged++;
	rep->torn = torn;
	rep->records_dropped += n;
	rep->bytes_dropped += (uint64_t)(end - start);
	rep->exact = rep->exact && exact;
	if (i >= FO_JOURNAL_DROPS_MAX)
		return;
	rep->drop[i] = (fo_journal_drop){ .offset = start, .bytes = (uint64_t)(end - start),
	    .record = rep->records + rep->records_dropped - n + 1, .records = n,
	    .exact = exact, .torn = torn };
	snprintf(rep->drop[i].why, sizeof(rep->drop[i].why), "%s", why);
}

/* A bad record at `off`: drop up to the next intact one; *off moves there. */
static rd_result
scan_bad(struct reader *r, off_t *off, const char *why, fo_journal_report *rep)
{
	off_t next = 0;
	size_t n = 0;
	bool exact = false;
	int torn = 0;

	if (rd_resync(r, *off, &next) == RD_ERR || rd_chain(r, *off, next, &n, &exact) == RD_ERR)
		return RD_ERR;
	if (next == r->size && (torn = rd_torn_like(r, *off)) < 0)
		return RD_ERR;
	rep_drop(rep, *off, next, n, exact, torn > 0, why);
	*off = next;
	return RD_OK;
}

/*
 * Replay every record after the header through cb, resynchronising after
 * bad ones. On FO_OK, *cut is where a torn tail begins (r->size if none).
 */
static fo_status
scan(struct reader *r, const char *path, fo_journal_cb cb, void *ctx,
    fo_journal_report *rep, off_t *cut, char *err, size_t errlen)
{
	off_t off = FO_JNL_HDR_SIZE;
	off_t start;
	fo_binding_info b;
	char why[48] = "";
	size_t total = 0;
	fo_ip4 addr = 0;
	fo_status rc;

	memset(rep, 0, sizeof(*rep));
	memset(&b, 0, sizeof(b));       /* rec_decode() clears only past the lengths */
	rep->exact = true;
	*cut = r->size;
	while (off < r->size) {
		switch (rd_record(r, off, &total, &addr, &b, why, sizeof(why))) {
		case RD_OK:
			if (cb != NULL && (rc = cb(ctx, addr, &b)) != FO_OK) {
				fo_errf(err, errlen, "%s: record %zu at offset %lld: "
				    "replay failed: %s", path,
				    rep->records + rep->records_dropped + 1, (long long)off,
				    fo_status_name(rc));
				return rc;
			}
			rep->records++;
			off += (off_t)total;
			break;
		case RD_BAD:
			start = off;
			if (scan_bad(r, &off, why, rep) != RD_OK)
				goto fail;
			if (rep->torn)
				*cut = start;
			break;
		case RD_ERR:
			goto fail;
		}
	}
	return FO_OK;
fail:
	fo_errf(err, errlen, "%s: read: %s", path, strerror(errno));
	return FO_ERR_IO;
}

fo_status
fo_journal_scan(const uint8_t *img, size_t len, fo_journal_cb cb, void *ctx,
    fo_journal_report *rep, char *err, size_t errlen)
{
	struct reader r = { -1, (off_t)len, img, NULL, len, 0, len };
	fo_journal_report local;
	bool fresh = false;
	off_t cut;
	fo_status rc;

	fo_errf(err, errlen, "%s", "");
	if (rep == NULL)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (img == NULL && len > 0)
		return FO_ERR_INVAL;
	rc = hdr_check("journal", img, len < FO_JNL_HDR_SIZE ? len : FO_JNL_HDR_SIZE, &fresh,
	    err, errlen);
	if (rc != FO_OK || fresh)
		return rc;
	return scan(&r, "journal", cb, ctx, rep, &cut, err, errlen);
}

/* --- Messages -------------------------------------------------------------- */

void
fo_journal_drop_format(const char *path, const fo_journal_report *rep, size_t i,
    char *out, size_t outlen)
{
	const fo_journal_drop *d;

	if (out == NULL || outlen == 0)
		return;
	if (rep == NULL || i >= rep->drops || i >= FO_JOURNAL_DROPS_MAX) {
		out[0] = '\0';
		return;
	}
	d = &rep->drop[i];
	snprintf(out, outlen, "%s: record %zu at offset %lld: %s: %s%zu record(s) "
	    "(%llu bytes) dropped%s", path != NULL ? path : "journal", d->record,
	    (long long)d->offset, d->why, d->exact ? "" : "at least ", d->records,
	    (unsigned long long)d->bytes, d->torn ? ", a torn tail cut off" :
	    i + 1 < rep->drops ? ", the records after it recovered" : "");
}

/* The open's note for the log: "" when nothing was dropped. */
static void
rep_summary(const char *path, const fo_journal_report *rep, char *err, size_t errlen)
{
	char first[400];

	if (rep->drops == 0) {
		fo_errf(err, errlen, "%s", "");
		return;
	}
	if (rep->damaged == 0) {
		fo_errf(err, errlen, "%s: torn record at offset %lld (%llu bytes, %s%zu record(s)) "
		    "cut off; %zu record(s) replayed", path, (long long)rep->drop[0].offset,
		    (unsigned long long)rep->bytes_dropped, rep->exact ? "" : "at least ",
		    rep->records_dropped, rep->records);
		return;
	}
	fo_journal_drop_format(path, rep, 0, first, sizeof(first));
	fo_errf(err, errlen, "%s: damaged: %zu stretch(es), %s%zu record(s), %llu bytes "
	    "dropped%s, %zu record(s) replayed; first: %s", path, rep->drops,
	    rep->exact ? "" : "at least ", rep->records_dropped,
	    (unsigned long long)rep->bytes_dropped, rep->torn ? " (a torn tail cut off)" : "",
	    rep->records, first + strlen(path) + 2);
}

/* --- Opening --------------------------------------------------------------- */

/* Replay the file through cb; cut a torn tail off. */
static fo_status
replay(fo_journal *j, fo_journal_cb cb, void *ctx, fo_journal_report *rep, char *err,
    size_t errlen)
{
	struct reader r = { j->fd, j->size, NULL, NULL, READ_CHUNK, 0, 0 };
	fo_status rc;
	off_t cut;

	if (j->size < (off_t)READ_CHUNK)
		r.cap = j->size > 0 ? (size_t)j->size : 1;
	if ((r.chunk = fo_malloc(r.cap)) == NULL)
		return FO_ERR_NOMEM;
	rc = scan(&r, j->path, cb, ctx, rep, &cut, err, errlen);
	fo_free(r.chunk);
	if (rc != FO_OK)
		return rc;
	j->records = rep->records;
	j->damaged = rep->damaged > 0;
	if (cut < j->size) {
		if (ftruncate(j->fd, cut) < 0 || fo_file_fsync(j->fd) < 0) {
			fo_errf(err, errlen, "%s: cutting the torn record at offset %lld: %s",
			    j->path, (long long)cut, strerror(errno));
			return FO_ERR_IO;
		}
		j->torn = 1;
		j->size = cut;
	}
	rep_summary(j->path, rep, err, errlen);
	return FO_OK;
}

/* Check the header of a file of j->size bytes (*fresh: write it anew). */
static fo_status
hdr_read(fo_journal *j, bool *fresh, char *err, size_t errlen)
{
	uint8_t h[FO_JNL_HDR_SIZE];
	size_t n = j->size < FO_JNL_HDR_SIZE ? (size_t)j->size : FO_JNL_HDR_SIZE;

	if (fo_file_pread_all(j->fd, h, n, 0) < 0) {
		fo_errf(err, errlen, "%s: read: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	return hdr_check(j->path, h, n, fresh, err, errlen);
}

/* Write the header into an empty (or header-prefix) file, durably. */
static fo_status
hdr_write(fo_journal *j, char *err, size_t errlen)
{
	uint8_t h[FO_JNL_HDR_SIZE];

	fo_jnl_hdr_encode(h);
	if (ftruncate(j->fd, 0) < 0 || fo_file_write_all(j->fd, h, FO_JNL_HDR_SIZE) < 0 ||
	    fo_file_fsync(j->fd) < 0) {
		fo_errf(err, errlen, "%s: writing the header: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	j->size = FO_JNL_HDR_SIZE;
	return fo_file_fsync_dir(j->dir, err, errlen);
}

static void
journal_free(fo_journal *j)
{
	if (j == NULL)
		return;
	fo_jnl_compaction_abort(j);
	if (j->fd >= 0)
		close(j->fd);
	fo_free(j->path);
	fo_free(j->tmp);
	fo_free(j->dir);
	fo_free(j);
}

/* Allocate a journal and create its directory and file; j->size set. */
static fo_status
journal_create(fo_journal **out, const char *path, char *err, size_t errlen)
{
	fo_journal *j;
	struct stat st;
	fo_status rc;

	if ((j = fo_calloc(1, sizeof(*j))) == NULL)
		return FO_ERR_NOMEM;
	j->fd = -1;
	j->cx.fd = -1;
	j->path = fo_file_cat(path, "");
	j->tmp = fo_file_cat(path, ".tmp");
	j->dir = fo_file_dir(path);
	if (j->path == NULL || j->tmp == NULL || j->dir == NULL) {
		rc = FO_ERR_NOMEM;
		goto done;
	}
	if ((rc = fo_file_mkdir_p(j->dir, err, errlen)) != FO_OK)
		goto done;
	j->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, FO_FILE_MODE);
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

size_t
fo_journal_records_max(const char *path)
{
	struct stat st;

	if (path == NULL || stat(path, &st) != 0 || st.st_size <= FO_JNL_HDR_SIZE)
		return 0;
	return (size_t)((st.st_size - FO_JNL_HDR_SIZE) / FO_JNL_REC_MIN);
}

fo_status
fo_journal_open_report(fo_journal **out, const char *path, const fo_store_policy *pol,
    fo_journal_cb cb, void *ctx, bool *created, fo_journal_report *rep, char *err,
    size_t errlen)
{
	fo_journal_report local;
	fo_journal *j = NULL;
	bool fresh = false;
	fo_status rc;

	fo_errf(err, errlen, "%s", "");
	if (rep == NULL)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (out == NULL || path == NULL || *path == '\0')
		return FO_ERR_INVAL;
	*out = NULL;
	if ((rc = journal_create(&j, path, err, errlen)) != FO_OK)
		return rc;
	if (pol != NULL)
		j->pol = *pol;
	if ((rc = hdr_read(j, &fresh, err, errlen)) != FO_OK)
		goto done;
	if (fresh)
		rc = hdr_write(j, err, errlen);
	else
		rc = replay(j, cb, ctx, rep, err, errlen);
	if (rc != FO_OK)
		goto done;
	if (created != NULL)
		*created = j->records == 0 && rep->damaged == 0;
	*out = j;
done:
	if (rc != FO_OK)
		journal_free(j);
	return rc;
}

fo_status
fo_journal_open(fo_journal **out, const char *path, const fo_store_policy *pol,
    fo_journal_cb cb, void *ctx, bool *created, char *err, size_t errlen)
{
	fo_journal_report rep;
	const fo_journal_drop *d;
	fo_status rc;
	size_t i;

	rc = fo_journal_open_report(out, path, pol, cb, ctx, created, &rep, err, errlen);
	if (rc != FO_OK || rep.damaged == 0)
		return rc;
	for (i = 0; i < FO_JOURNAL_DROPS_MAX && rep.drop[i].torn; i++)
		;
	d = &rep.drop[i < FO_JOURNAL_DROPS_MAX ? i : 0];
	fo_errf(err, errlen, "%s: record %zu at offset %lld: %s", path, d->record,
	    (long long)d->offset, d->why);
	fo_journal_close(*out);
	*out = NULL;
	return FO_ERR_IO;
}

/* --- Appending ------------------------------------------------------------- */

fo_status
fo_journal_append(fo_journal *j, fo_ip4 addr, const fo_binding_info *b)
{
	uint8_t rec[FO_JNL_REC_MAX];
	size_t n;
	int e;

	if (j == NULL || b == NULL || !fo_jnl_info_valid(b))
		return FO_ERR_INVAL;
	if (j->broken) {
		fo_errf(j->err, sizeof(j->err), "%s: out of service after an earlier error",
		    j->path);
		return FO_ERR_IO;
	}
	n = fo_jnl_rec_encode(rec, addr, b);
	if (fo_file_write_all(j->fd, rec, n) < 0) {
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
	if (fo_file_fsync(j->fd) < 0) {
		j->broken = true;
		fo_errf(j->err, sizeof(j->err), "%s: fsync: %s", j->path, strerror(errno));
		return FO_ERR_IO;
	}
	j->dirty = false;
	return FO_OK;
}

size_t
fo_journal_records(const fo_journal *j)
{
	return j == NULL ? 0 : j->records;
}

size_t
fo_journal_torn(const fo_journal *j)
{
	return j == NULL ? 0 : j->torn;
}

bool
fo_journal_damaged(const fo_journal *j)
{
	return j != NULL && j->damaged;
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
