/*
 * fo_file.c - whole writes and reads, fsync, mkdir -p (fo_file.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_file.h"

char *
fo_file_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = fo_malloc(la + lb + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

char *
fo_file_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (slash == NULL)
		return fo_file_cat(".", "");
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((d = fo_malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

int
fo_file_write_all(int fd, const void *buf, size_t len)
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

int
fo_file_pread_all(int fd, void *buf, size_t len, off_t off)
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

int
fo_file_fsync(int fd)
{
	int r;

	while ((r = fsync(fd)) < 0 && errno == EINTR)
		;
	return r;
}

int
fo_file_fdatasync(int fd)
{
	int r;

	while ((r = fdatasync(fd)) < 0 && errno == EINTR)
		;
	return r;
}

fo_status
fo_file_fsync_dir(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fo_errf(err, errlen, "%s: cannot open directory: %s", dir, strerror(errno));
		return FO_ERR_IO;
	}
	if (fo_file_fsync(fd) < 0 && errno != EINVAL) {
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

	if (mkdir(dir, FO_DIR_MODE) == 0) {
		slash = strrchr(dir, '/');
		if (slash == NULL)
			return fo_file_fsync_dir(".", err, errlen);
		*slash = '\0';
		fo_status rc = fo_file_fsync_dir(slash == dir ? "/" : dir, err, errlen);
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

fo_status
fo_file_mkdir_p(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	fo_status rc = FO_OK;
	char *d, *p;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return FO_OK;
	if ((d = fo_file_cat(dir, "")) == NULL)
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
	fo_free(d);
	return rc;
}

fo_status
fo_file_write_atomic(const char *path, const void *buf, size_t len, int mode, char *err,
    size_t errlen)
{
	char *tmp = fo_file_cat(path, ".tmp"), *dir = fo_file_dir(path);
	fo_status rc = FO_ERR_NOMEM;
	int fd = -1, e;

	if (tmp == NULL || dir == NULL)
		goto done;
	if ((rc = fo_file_mkdir_p(dir, err, errlen)) != FO_OK)
		goto done;
	rc = FO_ERR_IO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		fo_errf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		goto done;
	}
	if (fo_file_write_all(fd, buf, len) < 0 || fo_file_fsync(fd) < 0) {
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
	rc = fo_file_fsync_dir(dir, err, errlen);
	goto done;
fail:
	unlink(tmp);
done:
	if (fd >= 0)
		close(fd);
	fo_free(tmp);
	fo_free(dir);
	return rc;
}
