/*
 * fo_store.h - durable bindings and relationship states.
 *
 * Internal tier (the engine uses it; the hook does not).
 *
 * Layout under the state directory:
 *   <dir>/<rel>/state                 the relationship's saved state (atomic replace)
 *   <dir>/<rel>/scope-<a.b.c.d>.jnl   one binding journal per failover scope
 * <rel> is the relationship name made file-safe (fo_store_dirname()).
 *
 * Journal: a header (magic, version) then fixed-layout records, each with a
 * length and a CRC-32; the last record of an address wins. Reading never
 * loses a binding silently: every stretch of bytes it cannot use is
 * dropped, counted and reported (fo_journal_report), and what follows it
 * is recovered (below, "Reading").
 *
 * Durability policy: every append is a write(2) before the function returns,
 * so a kill -9 of kea-dhcp4 loses nothing that was appended. fsync(2) runs
 * when fo_journal_sync() is called (the engine's tick, about every second)
 * and when sync_every_append is set: an operating-system crash or power
 * loss may lose at most the last interval. State files are fsync'ed (file
 * and directory) before fo_state_save() returns: a state is durable before
 * it is announced to the partner.
 *
 * Compaction rewrites a journal as one record per address of the table
 * (every field, so the free-owner of every free address too) through a
 * temporary file, fsync, rename, fsync of the directory: a crash at any
 * point leaves the old journal or the new one, each complete. The journal
 * does not know the table's size, so the engine drives it:
 *  - fo_journal_compact() at once (after the replay on open: a new journal,
 *    records dropped);
 *  - fo_journal_maybe_compact() from its once-a-second tick: when
 *    fo_journal_compact_due() holds (records > 2 x addresses + 1024), it
 *    starts an online compaction that writes at most compact_step records
 *    of the table per call (65,536 by default, about 3.5 MB, fdatasync'ed
 *    in the same call), so the caller's lock is never held for the whole
 *    table; appends go on to the old journal meanwhile, and the last step
 *    copies them after the table's records (later wins), fsyncs, renames.
 *    A scope of at most compact_step addresses compacts within one call,
 *    so after every tick its journal holds at most 2 x addresses + 1024
 *    records; a larger one may grow further by what is appended during
 *    its ceil(addresses / compact_step) ticks of compaction.
 *
 * Journal file format, version 2; integers little-endian, encoded byte by
 * byte:
 *   header, 16 bytes:
 *     0  "KFOJ"   magic
 *     4  u16      version (2; 1 is read too: its records never carry extras)
 *     6  u16      header size (16)
 *     8  u32      flags (0)
 *     12 u32      CRC-32 of bytes 0..11
 *   record, 2 + len + 4 bytes, len = 29 + hlen + cidlen [+ 4 + extras] (29..1583):
 *     0  u16      len (bytes of the body that follows)
 *     2  u32      address
 *     6  u8       binding state (fo_bstate, 1..7)
 *     7  u8       flags (FO_BF_*)
 *     8  u32 x 5  expiry, pexp_sent, pexp_acked, cltt, stos
 *     28 u8       htype
 *     29 u8       hlen (0..16), then hlen bytes of chaddr
 *     .. u8       cidlen (0..255), then cidlen bytes of client-id
 *     only when the lease has some (hostname, FQDN flags or user context):
 *     .. u8       FQDN flags (FO_FQDN_*), u8 hostname length, its bytes,
 *                 u16 user context length (0..1024), its bytes
 *     .. u32      CRC-32 (IEEE, as zlib's crc32) of len and body
 *   Every record is one write(2).
 *
 * Reading (fo_journal_open_report): a record is intact when its length is
 * in range, it fits in the file, its CRC matches and its fields are valid.
 * At a record that is not, the reader resynchronises: the next intact
 * record is the one its length points to if that one is intact, else the
 * first intact record found by scanning forward a byte at a time; every
 * byte in between is dropped (one "drop": offset, bytes, records counted
 * by following the lengths, what was wrong) and replay goes on from there.
 * A drop with no intact record after it, that looks like a write cut short
 * (it runs past the end of the file, or only zero bytes follow it: a power
 * loss can leave zero-filled blocks) is a torn tail: it is cut off with
 * ftruncate. Any other drop is damage: the file is left as it is (appends
 * go after it; the next open reports it again) until fo_journal_compact()
 * rewrites the journal, and online compaction does not run meanwhile. A
 * file holding a prefix of the header (a crash while creating it) is new;
 * any other bad header fails the open with FO_ERR_IO.
 *
 * State file format: text, one "key value" per line (one space, no other
 * blank), '#' comment lines; every key exactly once, any order:
 *   version 1
 *   state <fo_state_name()>         partner-state <fo_state_name()>
 *   since <seconds since 1970>      partner-since <seconds>
 *   last-operation <seconds>
 * Anything else (unknown or repeated key, bad value, missing key, missing
 * final newline, more than 4096 bytes) fails the load with FO_ERR_IO and
 * "<path>: line N: <what>". A leftover "<path>.tmp" is ignored and
 * overwritten by the next save.
 *
 * Files are created mode 0640, directories mode 0750 (less the umask).
 * Errors: FO_ERR_INVAL for NULL arguments or a binding outside its ranges
 * (state 1..7, flags within FO_BF_MASK, hlen <= 16); FO_ERR_IO for any
 * system call failure, with the path, the call and strerror() in the
 * message (err, or fo_journal_error() for calls without an err buffer).
 * After a failed write or fsync a journal refuses appends (FO_ERR_IO) until
 * a successful fo_journal_compact() rewrites it from the table, or it is
 * reopened: a failed write is cut back off the file when possible, but
 * after a failed fsync the kernel may have dropped the data.
 *
 * A journal is not thread-safe: the engine calls it under the lock of its
 * scope.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_STORE_H
#define FO_STORE_H

#include "fo_binding.h"
#include "fo_crc32.h"
#include "fo_types.h"

typedef struct fo_journal fo_journal;

typedef struct fo_store_policy {
	bool sync_every_append;         /* fsync after every append (slow; tests, paranoia) */
	size_t compact_step;            /* records per online compaction step; 0: 65,536 */
} fo_store_policy;

/* Called once per address during replay, in journal order (later wins). */
typedef fo_status (*fo_journal_cb)(void *ctx, fo_ip4 addr, const fo_binding_info *b);

/* A stretch of a journal that replay could not use. */
typedef struct fo_journal_drop {
	int64_t offset;                 /* of its first byte */
	uint64_t bytes;
	size_t record;                  /* number of its first record, from 1 */
	size_t records;                 /* records in it: exact, or a lower bound (>= 1) */
	bool exact;                     /* records counted by their lengths to its end */
	bool torn;                      /* a torn tail, cut off; false: damage */
	char why[48];                   /* what was wrong with its first record */
} fo_journal_drop;

#define FO_JOURNAL_DROPS_MAX 8
/* What a replay read and dropped. */
typedef struct fo_journal_report {
	size_t records;                 /* intact records replayed */
	size_t drops;                   /* stretches dropped, a torn tail included */
	size_t damaged;                 /* of which damage (not a torn tail) */
	size_t records_dropped;         /* sum of drop records (a lower bound unless exact) */
	uint64_t bytes_dropped;
	bool torn;                      /* the last drop is a torn tail, cut off */
	bool exact;                     /* every drop's record count is exact */
	fo_journal_drop drop[FO_JOURNAL_DROPS_MAX];   /* the first drops */
} fo_journal_report;

/* At most how many records the journal at path holds (its size over the smallest record). */
size_t fo_journal_records_max(const char *path);

/*
 * Open (creating directories and the file when absent) and replay the
 * journal at `path`: cb (may be NULL) is called for every intact record;
 * when it returns an error, the open fails with that status. *created (may
 * be NULL) tells whether the journal is new: it holds no record (no
 * bindings were ever stored: split the pool, then fo_journal_compact() the
 * table). pol NULL is the default policy. rep (may be NULL) receives what
 * was replayed and dropped.
 *
 * FO_OK whenever the header is good and the file could be read, damage or
 * not: the caller decides (rep->damaged > 0: bindings may be missing; a
 * torn tail alone is the normal trace of a crash). err then holds one line
 * for the log when anything was dropped ("" otherwise). FO_ERR_IO for a bad
 * header or a failed system call, FO_ERR_NOMEM, or cb's error.
 */
fo_status fo_journal_open_report(fo_journal **out, const char *path,
    const fo_store_policy *pol, fo_journal_cb cb, void *ctx, bool *created,
    fo_journal_report *rep, char *err, size_t errlen);
/*
 * fo_journal_open_report() that fails on damage, as it always has: FO_ERR_IO
 * and "<path>: record N at offset O: <what>" for the first damaged record
 * (the records after it were replayed through cb all the same). A torn
 * tail is cut off: FO_OK, with a note in err.
 */
fo_status fo_journal_open(fo_journal **out, const char *path, const fo_store_policy *pol,
    fo_journal_cb cb, void *ctx, bool *created, char *err, size_t errlen);
/*
 * One line for the log about drop i of rep (i < FO_JOURNAL_DROPS_MAX):
 * "<path>: record N at offset O: <what>: K record(s) (B bytes) dropped, ..."
 */
void fo_journal_drop_format(const char *path, const fo_journal_report *rep, size_t i,
    char *out, size_t outlen);
/* One record, one write(2); fsync too under sync_every_append. */
fo_status fo_journal_append(fo_journal *j, fo_ip4 addr, const fo_binding_info *b);
fo_status fo_journal_sync(fo_journal *j);           /* fsync if anything was appended since */
/*
 * Rewrite the journal from the current table (every address of bt, one
 * record each), atomically, at once (an online compaction under way is
 * dropped). Clears the damaged and broken marks.
 */
fo_status fo_journal_compact(fo_journal *j, const fo_bt *bt);
/*
 * The tick's compaction: one step of an online compaction, started when
 * fo_journal_compact_due(j, fo_bt_size(bt)) or the journal is broken (a
 * compaction repairs it); nothing when the journal is damaged. bt must be
 * the table the journal's appends come from, with the caller's lock held
 * (as for appends); the lock may be dropped between calls. FO_OK when there
 * was nothing to do or the step went well; FO_ERR_IO (message in
 * fo_journal_error()) drops the compaction, the journal keeps working and
 * a later call starts again.
 */
fo_status fo_journal_maybe_compact(fo_journal *j, const fo_bt *bt);
bool fo_journal_compacting(const fo_journal *j);    /* an online compaction is under way */
size_t fo_journal_records(const fo_journal *j);     /* records in the file now */
/* Is records > 2 * live + 1024? live: the table's address count. */
bool fo_journal_compact_due(const fo_journal *j, size_t live);
size_t fo_journal_torn(const fo_journal *j);        /* torn tails cut off at open: 0 or 1 */
bool fo_journal_damaged(const fo_journal *j);       /* damage at open, not yet compacted */
/* The message of the last failed append, sync or compaction ("" if none). */
const char *fo_journal_error(const fo_journal *j);
void fo_journal_close(fo_journal *j);               /* syncs first; NULL is fine */

/* The relationship's saved state (draft-12: persisted before it is announced). */
typedef struct fo_saved_state {
	fo_state state;
	fo_wall since;                  /* start time of this state */
	fo_state partner_state;
	fo_wall partner_since;
	fo_wall last_operation;         /* last time this server was known to run (tick) */
	uint32_t mclt;                  /* MCLT in force when not the configured one, else 0 */
	bool valid;                     /* false: no saved state (never ran) */
} fo_saved_state;

/*
 * Write atomically (temporary file, fsync, rename, fsync directory),
 * creating the directories. s->valid is not stored; FO_ERR_INVAL for a
 * state out of range.
 */
fo_status fo_state_save(const char *path, const fo_saved_state *s, char *err, size_t errlen);
/* Read; a missing file gives s->valid = false and FO_OK. */
fo_status fo_state_load(const char *path, fo_saved_state *s, char *err, size_t errlen);
/* The parser of fo_state_load() on a file's bytes (path: for messages only). */
fo_status fo_state_decode(const char *path, const void *bytes, size_t len, fo_saved_state *s,
    char *err, size_t errlen);

/*
 * Clean-stop marker (<state path>.clean): written when the hook is unloaded
 * in an orderly way (config-reload, shutdown), taken (read and removed) when
 * the relationship starts again. A relationship restarted soon after a clean
 * stop resumes its saved state instead of going through Startup; after a
 * crash there is no marker.
 */
fo_status fo_clean_stop_save(const char *state_path, fo_wall now, char *err, size_t errlen);
/* true and *when when a marker was there (it is removed either way). */
bool fo_clean_stop_take(const char *state_path, fo_wall *when);

/*
 * A relationship name as a directory name: [A-Za-z0-9._-] kept, every other
 * byte as %XX, "." and ".." escaped. out must hold 3 * FO_NAME_MAX + 1 bytes.
 * XX is upper-case hex; '%' is escaped too, so two names never share a
 * directory. A name whose escaped form is longer than a file name may be
 * (FO_STORE_DIRNAME_MAX: 42 CJK characters of a 126-byte name are 378) is
 * cut before an escape at 238 bytes and tagged "~" and the 16 hex digits of
 * its FNV-1a hash (a '~' of a name is escaped, so no short name looks like
 * that). A shorter out is cut before an escape, never inside one; a NULL
 * name gives "" (names are never empty: the configuration requires one).
 */
#define FO_STORE_DIRNAME_MAX 255     /* NAME_MAX of Linux file systems */
#define FO_STORE_DIRNAME_TAG 17      /* "~" and 16 hex digits */
void fo_store_dirname(const char *name, char *out, size_t outlen);

#endif /* FO_STORE_H */
