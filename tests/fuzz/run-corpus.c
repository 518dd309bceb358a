/*
 * run-corpus.c - feed every file of the fuzz corpus to
 * LLVMFuzzerTestOneInput (fuzz_wire.c) without libFuzzer, one child
 * process per file, so that `make check` replays the corpus and the
 * crash reproducers. A file fails when its child does not exit 0
 * (abort, sanitizer report, signal).
 *
 * Usage: run-corpus [DIR...]; default $srcdir/tests/fuzz/corpus, else
 * tests/fuzz/corpus. Prints "ok"/"not ok" per file and
 * "N passed, M failed"; exits 1 when M > 0 or no file was found.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (1u << 20)
#ifndef FO_CORPUS
#define FO_CORPUS "corpus"              /* below tests/fuzz/ */
#endif

static int
run_file(const char *path)
{
	static uint8_t buf[MAX_INPUT];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return 2;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* 1 passed, 0 failed, -1 not a regular file. */
static int
check_file(const char *path)
{
	struct stat sb;
	pid_t pid;
	int status;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	fflush(stdout);
	if ((pid = fork()) < 0)
		return 0;
	if (pid == 0)
		_exit(run_file(path));
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
run_dir(const char *dir, unsigned *pass, unsigned *fail)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int r;

	if ((d = opendir(dir)) == NULL) {
		printf("not ok - cannot open %s\n", dir);
		(*fail)++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((r = check_file(path)) < 0)
			continue;
		printf("%s - %s\n", r ? "ok" : "not ok", de->d_name);
		if (r)
			(*pass)++;
		else
			(*fail)++;
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	unsigned pass = 0, fail = 0;
	const char *srcdir = getenv("srcdir");
	char def[4096];

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_dir(argv[i], &pass, &fail);
	} else {
		snprintf(def, sizeof(def), "%s/tests/fuzz/" FO_CORPUS,
		    srcdir != NULL ? srcdir : ".");
		run_dir(def, &pass, &fail);
	}
	printf("%u passed, %u failed\n", pass, fail);
	return fail == 0 && pass > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
