/*
 * fo_journal_int.h - what the journal's files share (fo_journal.c reads
 * and appends, fo_compact.c rewrites), and the in-memory reader the fuzz
 * target drives. Not for the rest of the engine: use fo_store.h.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_JOURNAL_INT_H
#define FO_JOURNAL_INT_H

#include <sys/types.h>

#include "fo_store.h"

#define FO_JNL_HDR_SIZE 16
#define FO_JNL_VERSION 2                /* 2: records may carry the lease's extras */
#define FO_JNL_VERSION_OLD 1            /* still read: its records are version 2's without extras */
#define FO_JNL_BODY_MIN 29              /* addr .. cidlen with no hw, no cid */
#define FO_JNL_EXTRA_MAX (1 + 1 + FO_HOSTNAME_MAX + 2 + FO_USER_CONTEXT_MAX)
#define FO_JNL_BODY_MAX (FO_JNL_BODY_MIN + FO_CHADDR_MAX + FO_CLIENT_ID_MAX + FO_JNL_EXTRA_MAX)
#define FO_JNL_REC_MIN (2 + FO_JNL_BODY_MIN + 4)
#define FO_JNL_REC_MAX (2 + FO_JNL_BODY_MAX + 4)

/* An online compaction in progress (fo_compact.c). */
struct fo_jnl_compaction {
	bool on;
	int fd;                         /* "<path>.tmp", open for appends */
	off_t size;                     /* bytes written to it */
	size_t records;                 /* table records written to it */
	off_t base;                     /* the journal's size when it began */
	size_t base_records;            /* the journal's record count then */
	bool broken_at_start;
	fo_bt_iter it;                  /* the next address of the table */
};

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
	bool damaged;                   /* damage found at open, not compacted away */
	struct fo_jnl_compaction cx;
	/*
	 * Tests only: stop an online compaction's last step dead (no clean-up,
	 * as kill -9 would) after sub-step n: 1 the tail copied, 2 the new
	 * file fsync'ed, 3 renamed over the journal. 0: never (the default).
	 */
	int test_stop;
	char err[512];
};

static inline void
fo_jnl_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
fo_jnl_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint16_t
fo_jnl_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t
fo_jnl_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

void fo_jnl_hdr_encode(uint8_t *h);     /* FO_JNL_HDR_SIZE bytes */
/* Encode one record into p (FO_JNL_REC_MAX bytes); its size. b must be valid. */
size_t fo_jnl_rec_encode(uint8_t *p, fo_ip4 addr, const fo_binding_info *b);
bool fo_jnl_info_valid(const fo_binding_info *b);
void fo_jnl_compaction_abort(fo_journal *j);    /* drop an online compaction, if any */

/*
 * Read a journal image held in memory (img[0..len): header and records) as
 * fo_journal_open_report() reads a file, without changing anything:
 * FO_OK with *rep when the header is good (rep->torn then says the tail
 * would be cut), FO_ERR_IO for a bad header (an empty image or a prefix of
 * the header is FO_OK with no record). For the fuzz target and tests.
 */
fo_status fo_journal_scan(const uint8_t *img, size_t len, fo_journal_cb cb, void *ctx,
    fo_journal_report *rep, char *err, size_t errlen);

#endif /* FO_JOURNAL_INT_H */
