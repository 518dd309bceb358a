/*
 * fo_test_util.h - helpers the unit tests and benchmarks share.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_TEST_UTIL_H
#define FO_TEST_UTIL_H

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Remove a test's temporary directory tree (or file). */
static void
rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];
	struct stat sb;

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

#endif /* FO_TEST_UTIL_H */
