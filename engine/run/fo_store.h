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
 * length and a CRC-32; the last record of an address wins. A torn record at
 * the tail (a crash in the middle of a write) is detected and cut off on
 * open; a bad record elsewhere fails the open with FO_ERR_IO and a message.
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
 * temporary file, fsync, rename, fsync of the directory. The journal does
 * not know the table's size, so the engine drives it: after replaying into
 * the table on open, and from its tick, it calls fo_journal_compact() when
 * fo_journal_compact_due(j, fo_bt_size(bt)) holds (records > 2 x live +
 * 1024: the journal has grown past twice its live size).
 *
 * Journal file format, version 1; integers little-endian, encoded byte by
 * byte:
 *   header, 16 bytes:
 *     0  "KFOJ"   magic
 *     4  u16      version (1)
 *     6  u16      header size (16)
 *     8  u32      flags (0)
 *     12 u32      CRC-32 of bytes 0..11
 *   record, 2 + len + 4 bytes, len = 29 + hlen + cidlen (29..300):
 *     0  u16      len (bytes of the body that follows)
 *     2  u32      address
 *     6  u8       binding state (fo_bstate, 1..7)
 *     7  u8       flags (FO_BF_*)
 *     8  u32 x 5  expiry, pexp_sent, pexp_acked, cltt, stos
 *     28 u8       htype
 *     29 u8       hlen (0..16), then hlen bytes of chaddr
 *     .. u8       cidlen (0..255), then cidlen bytes of client-id
 *     .. u32      CRC-32 (IEEE, as zlib's crc32) of len and body
 *   Every record is one write(2). On open, a bad record is a torn tail (cut
 *   off with ftruncate, counted by fo_journal_torn()) when it runs past the
 *   end of the file, or when only zero bytes follow it (a power loss can
 *   leave zero-filled blocks); any other bad record fails the open with
 *   FO_ERR_IO and "<path>: record N at offset O: <what>" (N counts from 1).
 *   A file holding a prefix of the header (a crash while creating it) is
 *   treated as new.
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
} fo_store_policy;

/* Called once per address during replay, in journal order (later wins). */
typedef fo_status (*fo_journal_cb)(void *ctx, fo_ip4 addr, const fo_binding_info *b);

/*
 * Open (creating directories and the file when absent) and replay the
 * journal at `path`: cb (may be NULL) is called for every record; when it
 * returns an error, the open fails with that status. *created (may be NULL)
 * tells whether the journal is new: it holds no record (no bindings were
 * ever stored: split the pool, then fo_journal_compact() the table). pol
 * NULL is the default policy. On FO_OK, err holds a note for the log when a
 * torn tail was cut off, and is "" otherwise.
 */
fo_status fo_journal_open(fo_journal **out, const char *path, const fo_store_policy *pol,
    fo_journal_cb cb, void *ctx, bool *created, char *err, size_t errlen);
/* One record, one write(2); fsync too under sync_every_append. */
fo_status fo_journal_append(fo_journal *j, fo_ip4 addr, const fo_binding_info *b);
fo_status fo_journal_sync(fo_journal *j);           /* fsync if anything was appended since */
/*
 * Rewrite the journal from the current table (every address of bt, one
 * record each), atomically.
 */
fo_status fo_journal_compact(fo_journal *j, const fo_bt *bt);
size_t fo_journal_records(const fo_journal *j);     /* records in the file now */
/* Is records > 2 * live + 1024? live: the table's address count. */
bool fo_journal_compact_due(const fo_journal *j, size_t live);
size_t fo_journal_torn(const fo_journal *j);        /* torn tails cut off at open: 0 or 1 */
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
 * directory. A shorter out is cut before an escape, never inside one; a NULL
 * name gives "" (names are never empty: the configuration requires one).
 */
void fo_store_dirname(const char *name, char *out, size_t outlen);

#endif /* FO_STORE_H */
