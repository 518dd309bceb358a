/*
 * fuzz_store.c - libFuzzer target for what the store reads back from disk:
 * binding journals (framing, CRC, resynchronisation, torn tails) and
 * relationship state files. Nothing may crash or read out of bounds, and
 * what is read has properties that are checked:
 *  - journal: every byte is accounted for (header + the intact records,
 *    re-encoded, + the bytes of every drop = the input's length); every
 *    record handed to the callback is valid; a torn tail ends the input;
 *    the intact records written out again read back the same, with no drop;
 *    the file reader (mode 3) agrees with the in-memory one, cuts a torn
 *    tail where it begins and reads clean after that;
 *  - state file: what loads, written again in the file's format, loads to
 *    the same values.
 * The first byte chooses (its low three bits): 0 and 4 a raw journal image,
 * 1, 5 and 7 records after a good header, 2 and 6 a state file, 3 records
 * after a good header through a real file (fo_journal_open_report; the
 * slow mode, so an eighth of the inputs).
 * Built with -fsanitize=fuzzer,address,undefined it is a libFuzzer target;
 * `make check` runs its corpus through tests/fuzz/run-corpus.c
 * (run-corpus-store, corpus tests/fuzz/corpus-store).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_journal_int.h"
#include "fo_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
finding(const char *what)
{
	fprintf(stderr, "fuzz_store: %s\n", what);
	abort();
}

/* The records of a replay, re-encoded back to back. */
struct out {
	uint8_t *buf;
	size_t len, cap, n;
};

static fo_status
out_cb(void *ctx, fo_ip4 addr, const fo_binding_info *b)
{
	struct out *o = ctx;

	if (!fo_jnl_info_valid(b))
		finding("an invalid binding was replayed");
	if (o->cap - o->len < FO_JNL_REC_MAX) {
		size_t cap = o->cap * 2 + FO_JNL_REC_MAX + FO_JNL_HDR_SIZE;
		uint8_t *p = realloc(o->buf, cap);

		if (p == NULL)
			abort();
		o->buf = p;
		o->cap = cap;
	}
	if (o->len == 0) {
		fo_jnl_hdr_encode(o->buf);
		o->len = FO_JNL_HDR_SIZE;
	}
	o->len += fo_jnl_rec_encode(o->buf + o->len, addr, b);
	o->n++;
	return FO_OK;
}

/* Scan an image; check its accounting; *o holds the intact records. */
static bool
journal_scan(const uint8_t *img, size_t len, struct out *o, fo_journal_report *rep)
{
	char err[512];
	size_t records;

	if (fo_journal_scan(img, len, out_cb, o, rep, err, sizeof(err)) != FO_OK)
		return false;
	if (len <= FO_JNL_HDR_SIZE)
		return true;
	records = o->len > 0 ? o->len - FO_JNL_HDR_SIZE : 0;
	if (rep->records != o->n)
		finding("the report's record count is not the callback's");
	if (FO_JNL_HDR_SIZE + records + rep->bytes_dropped != len)
		finding("bytes neither replayed nor dropped");
	if (rep->drops > 0 && rep->records_dropped < rep->drops)
		finding("a drop of no record");
	if (rep->damaged > rep->drops || (rep->torn && rep->damaged == rep->drops))
		finding("torn and damaged drops do not add up");
	for (size_t i = 0; i < rep->drops && i < FO_JOURNAL_DROPS_MAX; i++) {
		const fo_journal_drop *d = &rep->drop[i];

		if (d->bytes == 0 || d->offset < FO_JNL_HDR_SIZE ||
		    (uint64_t)d->offset + d->bytes > len)
			finding("a drop outside the input");
		if (d->torn && (i + 1 != rep->drops || (uint64_t)d->offset + d->bytes != len))
			finding("a torn tail that is not the end");
	}
	return true;
}

/* The intact records written out again read back the same, with no drop. */
static void
journal_again(const struct out *o)
{
	struct out o2 = { 0 };
	fo_journal_report rep;

	if (o->n == 0)
		return;
	if (!journal_scan(o->buf, o->len, &o2, &rep))
		finding("the records written again do not read");
	if (rep.drops != 0 || o2.n != o->n || o2.len != o->len ||
	    memcmp(o2.buf, o->buf, o->len) != 0)
		finding("the records written again read differently");
	free(o2.buf);
}

/* Mode 3: the same through a file; the torn tail cut, then clean. */
static void
journal_file(const uint8_t *img, size_t len, const fo_journal_report *mrep,
    const struct out *mo)
{
	static char path[64];
	struct out o = { 0 };
	fo_journal_report rep;
	fo_journal *j = NULL;
	char err[512];
	int fd;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/fuzz_store.%ld.jnl",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, img, len) != (ssize_t)len || close(fd) != 0)
		abort();
	if (fo_journal_open_report(&j, path, NULL, out_cb, &o, NULL, &rep, err,
	    sizeof(err)) != FO_OK)
		finding("the file reader refused what the memory reader took");
	if (rep.records != mrep->records || rep.drops != mrep->drops ||
	    rep.bytes_dropped != mrep->bytes_dropped || o.len != mo->len ||
	    (o.len > 0 && memcmp(o.buf, mo->buf, o.len) != 0))
		finding("the file reader and the memory reader disagree");
	fo_journal_close(j);
	free(o.buf);
	memset(&o, 0, sizeof(o));
	if (fo_journal_open_report(&j, path, NULL, out_cb, &o, NULL, &rep, err,
	    sizeof(err)) != FO_OK || rep.drops != mrep->damaged || rep.torn ||
	    rep.records != mrep->records)
		finding("a torn tail was not cut where it began");
	fo_journal_close(j);
	free(o.buf);
	unlink(path);
}

static void
journal(const uint8_t *data, size_t size, int mode)
{
	struct out o = { 0 };
	fo_journal_report rep;
	uint8_t *img = NULL;
	size_t len = size;

	if (mode != 0) {
		if ((img = malloc(FO_JNL_HDR_SIZE + size)) == NULL)
			return;
		fo_jnl_hdr_encode(img);
		if (size > 0)
			memcpy(img + FO_JNL_HDR_SIZE, data, size);
		len = FO_JNL_HDR_SIZE + size;
	}
	if (journal_scan(img != NULL ? img : data, len, &o, &rep)) {
		journal_again(&o);
		if (mode == 3)
			journal_file(img, len, &rep, &o);
	} else if (mode != 0) {
		finding("a good header refused");
	}
	free(o.buf);
	free(img);
}

static void
state(const uint8_t *data, size_t size)
{
	fo_saved_state s, t;
	char err[256], buf[512];
	int n;

	if (fo_state_decode("state", data, size, &s, err, sizeof(err)) != FO_OK)
		return;
	if (!s.valid || fo_state_name(s.state) == NULL || fo_state_name(s.partner_state) == NULL)
		finding("a state loaded that is not one");
	n = snprintf(buf, sizeof(buf), "version 1\nstate %s\nsince %" PRId64 "\npartner-state %s\n"
	    "partner-since %" PRId64 "\nlast-operation %" PRId64 "\n", fo_state_name(s.state),
	    s.since.sec, fo_state_name(s.partner_state), s.partner_since.sec,
	    s.last_operation.sec);
	if (fo_state_decode("state", buf, (size_t)n, &t, err, sizeof(err)) != FO_OK ||
	    t.state != s.state || t.since.sec != s.since.sec ||
	    t.partner_state != s.partner_state || t.partner_since.sec != s.partner_since.sec ||
	    t.last_operation.sec != s.last_operation.sec)
		finding("a state written again loads differently");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] & 7) {
	case 0:
	case 4:
		journal(data + 1, size - 1, 0);
		break;
	case 1:
	case 5:
	case 7:
		journal(data + 1, size - 1, 1);
		break;
	case 3:
		journal(data + 1, size - 1, 3);
		break;
	case 2:
	case 6:
		state(data + 1, size - 1);
		break;
	}
	return 0;
}
