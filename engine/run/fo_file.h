/*
 * fo_file.h - the file-system calls the store needs, made whole: writes
 * and reads through EINTR and short counts, fsync of files and
 * directories, mkdir -p, path pieces.
 *
 * Internal: the store (fo_store.c, fo_journal.c, fo_compact.c), the
 * runtime's directory (fo_runtime.c) and the relationships file
 * (fo_relfile.c). Every
 * function returning int gives 0, or -1 with errno set; fo_status
 * functions put the path, the call and strerror() in err.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_FILE_H
#define FO_FILE_H

#include <sys/types.h>

#include "fo_types.h"

#define FO_FILE_MODE 0640               /* less the umask */
#define FO_DIR_MODE 0750

char *fo_file_cat(const char *a, const char *b);  /* malloc'd a then b; NULL: no memory */
char *fo_file_dir(const char *path);    /* the directory holding path ("." for a bare name) */
int fo_file_write_all(int fd, const void *buf, size_t len);
/* Exactly len bytes at off; an early end of file is -1 with EIO. */
int fo_file_pread_all(int fd, void *buf, size_t len, off_t off);
int fo_file_fsync(int fd);              /* fsync(2) through EINTR */
int fo_file_fdatasync(int fd);          /* fdatasync(2) through EINTR */
fo_status fo_file_fsync_dir(const char *dir, char *err, size_t errlen);
/* mkdir -p: every missing level, FO_DIR_MODE, each new one's parent fsync'ed. */
fo_status fo_file_mkdir_p(const char *dir, char *err, size_t errlen);
/*
 * Replace path with buf[0..len) atomically: the directory made (mkdir -p),
 * "<path>.tmp" written with `mode` (less the umask) and fsync'ed, renamed
 * over path, the directory fsync'ed. Any failure is an error (the
 * temporary file removed).
 */
fo_status fo_file_write_atomic(const char *path, const void *buf, size_t len, int mode,
    char *err, size_t errlen);

#endif /* FO_FILE_H */
