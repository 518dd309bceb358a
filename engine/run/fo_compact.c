/*
 * fo_compact.c - journal compaction: the table rewritten through a
 * temporary file, fsync, rename, fsync of the directory; at once
 * (fo_journal_compact) or a step per tick (fo_journal_maybe_compact).
 * Policy: fo_store.h.
 *
 * Online: begin (create "<path>.tmp", write the header, note the journal's
 * size as base), steps (the next compact_step addresses of the table, in
 * address order, written and fdatasync'ed), finish (copy what was appended
 * to the journal since base after them, fsync, rename, fsync the
 * directory, swap descriptors). An address changed after it was written is
 * in the copied tail, after its table record: the last record wins, so the
 * new file replays to the table as it is at the rename.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
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

#define COMPACT_CHUNK (1u << 16)
#define COMPACT_STEP 65536u             /* default records per online step */
#define DUE_SLACK 1024u

/* Set j->err from errno about the temporary file; FO_ERR_IO. */
static fo_status
tmp_fail(fo_journal *j, const char *what)
{
	fo_errf(j->err, sizeof(j->err), "%s: %s: %s", j->tmp, what, strerror(errno));
	return FO_ERR_IO;
}

void
fo_jnl_compaction_abort(fo_journal *j)
{
	if (j == NULL || !j->cx.on)
		return;
	if (j->cx.fd >= 0)
		close(j->cx.fd);
	(void)unlink(j->tmp);
	j->cx.fd = -1;
	j->cx.on = false;
}

static fo_status
cx_begin(fo_journal *j)
{
	uint8_t h[FO_JNL_HDR_SIZE];
	struct fo_jnl_compaction *cx = &j->cx;

	cx->fd = open(j->tmp, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, FO_FILE_MODE);
	if (cx->fd < 0)
		return tmp_fail(j, "cannot create");
	cx->on = true;
	fo_jnl_hdr_encode(h);
	if (fo_file_write_all(cx->fd, h, sizeof(h)) < 0) {
		fo_status rc = tmp_fail(j, "write");

		fo_jnl_compaction_abort(j);
		return rc;
	}
	cx->size = FO_JNL_HDR_SIZE;
	cx->records = 0;
	cx->base = j->size;
	cx->base_records = j->records;
	cx->broken_at_start = j->broken;
	cx->it = (fo_bt_iter)FO_BT_ITER_INIT;
	return FO_OK;
}

/* Write up to `step` more records of bt (0: all); *done when the table is. */
static fo_status
cx_step(fo_journal *j, const fo_bt *bt, size_t step, bool *done)
{
	struct fo_jnl_compaction *cx = &j->cx;
	const fo_binding *e;
	fo_binding_info b;
	fo_status rc = FO_OK;
	size_t used = 0, n = 0;
	uint8_t *buf;
	fo_ip4 addr;

	if ((buf = fo_malloc(COMPACT_CHUNK)) == NULL)
		return FO_ERR_NOMEM;
	*done = false;
	while ((step == 0 || n < step) && !(*done = !fo_bt_iter_next(bt, &cx->it, &addr, &e))) {
		if ((rc = fo_bt_get(bt, addr, &b)) != FO_OK) {
			fo_errf(j->err, sizeof(j->err), "%s: reading the table: %s", j->tmp,
			    fo_status_name(rc));
			goto done;
		}
		if (COMPACT_CHUNK - used < FO_JNL_REC_MAX) {
			if (fo_file_write_all(cx->fd, buf, used) < 0)
				goto fail;
			cx->size += (off_t)used;
			used = 0;
		}
		used += fo_jnl_rec_encode(buf + used, addr, &b);
		n++;
	}
	if (fo_file_write_all(cx->fd, buf, used) < 0)
		goto fail;
	cx->size += (off_t)used;
	cx->records += n;
	/* Each step's data on disk now, so the last step's fsync is short. */
	if (fo_file_fdatasync(cx->fd) == 0)
		goto done;
fail:
	rc = tmp_fail(j, "write");
done:
	fo_free(buf);
	return rc;
}

/* Append the journal's bytes [cx.base, size) to the temporary file. */
static fo_status
cx_copy_tail(fo_journal *j)
{
	struct fo_jnl_compaction *cx = &j->cx;
	off_t off = cx->base;
	uint8_t *buf;
	fo_status rc = FO_OK;

	if (off == j->size)
		return FO_OK;
	if ((buf = fo_malloc(COMPACT_CHUNK)) == NULL)
		return FO_ERR_NOMEM;
	while (off < j->size) {
		size_t n = j->size - off < COMPACT_CHUNK ? (size_t)(j->size - off) : COMPACT_CHUNK;

		if (fo_file_pread_all(j->fd, buf, n, off) < 0) {
			fo_errf(j->err, sizeof(j->err), "%s: read at offset %lld: %s", j->path,
			    (long long)off, strerror(errno));
			rc = FO_ERR_IO;
			break;
		}
		if (fo_file_write_all(cx->fd, buf, n) < 0) {
			rc = tmp_fail(j, "write");
			break;
		}
		off += (off_t)n;
	}
	fo_free(buf);
	cx->size += off - cx->base;
	return rc;
}

/* The tail, fsync, rename, directory fsync; the new file becomes the journal. */
static fo_status
cx_finish(fo_journal *j)
{
	struct fo_jnl_compaction *cx = &j->cx;
	fo_status rc;

	if (j->broken && !cx->broken_at_start) {
		/* An append or sync failed meanwhile: the tail cannot be trusted. */
		fo_errf(j->err, sizeof(j->err), "%s: compaction dropped: the journal failed "
		    "meanwhile", j->path);
		return FO_ERR_IO;
	}
	if ((rc = cx_copy_tail(j)) != FO_OK)
		return rc;
	if (j->test_stop == 1)
		return FO_ERR_IO;
	if (fo_file_fsync(cx->fd) < 0)
		return tmp_fail(j, "fsync");
	if (j->test_stop == 2)
		return FO_ERR_IO;
	if (rename(j->tmp, j->path) < 0) {
		fo_errf(j->err, sizeof(j->err), "%s: rename to %s: %s", j->tmp, j->path,
		    strerror(errno));
		return FO_ERR_IO;
	}
	if (j->test_stop == 3)
		return FO_ERR_IO;
	close(j->fd);
	j->fd = cx->fd;
	j->size = cx->size;
	j->records = cx->records + (j->records - cx->base_records);
	j->dirty = false;
	j->broken = false;
	j->damaged = false;
	cx->fd = -1;
	cx->on = false;
	return fo_file_fsync_dir(j->dir, j->err, sizeof(j->err));
}

/* One step; the compaction is dropped on failure (a test stop leaves it as it is). */
static fo_status
cx_run(fo_journal *j, const fo_bt *bt, size_t step)
{
	fo_status rc;
	bool done = false;

	if (!j->cx.on && (rc = cx_begin(j)) != FO_OK)
		return rc;
	rc = cx_step(j, bt, step, &done);
	if (rc == FO_OK && done)
		rc = cx_finish(j);
	if (rc != FO_OK && j->test_stop == 0)
		fo_jnl_compaction_abort(j);
	return rc;
}

fo_status
fo_journal_compact(fo_journal *j, const fo_bt *bt)
{
	if (j == NULL || bt == NULL)
		return FO_ERR_INVAL;
	fo_jnl_compaction_abort(j);
	return cx_run(j, bt, 0);
}

fo_status
fo_journal_maybe_compact(fo_journal *j, const fo_bt *bt)
{
	if (j == NULL || bt == NULL)
		return FO_ERR_INVAL;
	if (j->damaged)
		return FO_OK;
	if (!j->cx.on && !j->broken && !fo_journal_compact_due(j, fo_bt_size(bt)))
		return FO_OK;
	return cx_run(j, bt, j->pol.compact_step > 0 ? j->pol.compact_step : COMPACT_STEP);
}

bool
fo_journal_compacting(const fo_journal *j)
{
	return j != NULL && j->cx.on;
}

bool
fo_journal_compact_due(const fo_journal *j, size_t live)
{
	if (j == NULL)
		return false;
	if (live > (SIZE_MAX - DUE_SLACK) / 2)
		return false;
	return j->records > 2 * live + DUE_SLACK;
}
