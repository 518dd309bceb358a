/*
 * fo_test_http.h - a one-connection HTTP server on 127.0.0.1 for the unit
 * tests of fo_http and fo_replicate: it takes one connection, keeps the
 * request it reads, sends a scripted answer and closes.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_TEST_HTTP_H
#define FO_TEST_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct test_server {
	int lfd;
	unsigned short port;
	const char *answer;        /* sent as it is; NULL: never answer (the client times out) */
	char request[65536];       /* what the client sent (every connection's, in turn) */
	size_t request_len;
	const char *const *script; /* test_server_script: one answer per connection */
	size_t n_script;
	pthread_t thread;
} test_server;

/* The request is complete: its headers and Content-Length bytes of body. */
static bool
test_request_complete(const char *r, size_t len)
{
	const char *end = strstr(r, "\r\n\r\n"), *cl = strstr(r, "Content-Length: ");

	if (end == NULL)
		return false;
	return cl == NULL || len >= (size_t)(end + 4 - r) + strtoul(cl + 16, NULL, 10);
}

static void
test_server_serve(test_server *s, int fd)
{
	size_t start = s->request_len;         /* this connection's request */

	while (s->request_len + 1 < sizeof(s->request)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 3000) <= 0)
			break;
		r = recv(fd, s->request + s->request_len, sizeof(s->request) - s->request_len - 1, 0);
		if (r <= 0)
			break;
		s->request_len += (size_t)r;
		s->request[s->request_len] = '\0';
		if (test_request_complete(s->request + start, s->request_len - start))
			break;
	}
	if (s->answer != NULL) {
		(void)send(fd, s->answer, strlen(s->answer), MSG_NOSIGNAL);
	} else {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		(void)poll(&p, 1, 3000);   /* hold the connection until the client gives up */
	}
	close(fd);
}

static void *
test_server_run(void *arg)
{
	test_server *s = arg;
	size_t n = s->script != NULL ? s->n_script : 1;

	for (size_t i = 0; i < n; i++) {
		int fd = accept(s->lfd, NULL, NULL);

		if (fd < 0)
			break;
		if (s->script != NULL)
			s->answer = s->script[i];
		test_server_serve(s, fd);
	}
	return NULL;
}

/* Listen on 127.0.0.1 (an ephemeral port) and serve in a thread (answer or script set). */
static int
test_server_listen(test_server *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	if ((s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->lfd, 4) != 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, test_server_run, s) == 0 ? 0 : -1;
}

/* Serve one connection with `answer`. */
static inline int
test_server_start(test_server *s, const char *answer)
{
	memset(s, 0, sizeof(*s));
	s->answer = answer;
	return test_server_listen(s);
}

/* Serve n connections in turn, the i-th with script[i] (NULL: hold it, no answer). */
static inline int
test_server_script(test_server *s, const char *const *script, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->script = script;
	s->n_script = n;
	return test_server_listen(s);
}

static void
test_server_stop(test_server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

#endif /* FO_TEST_HTTP_H */
