/*
 * fuzz_pkt4.c - libFuzzer target for the raw DHCPv4 parser that
 * buffer4_receive runs on every packet (fo_pkt4_parse): whatever parses
 * must point inside the input only (chaddr, client-id), keep hlen <= 16, and
 * give the same fields when written again as a plain packet (header, the
 * options it read, END) and parsed again; every truncation of a packet that
 * parses must parse the same or be refused. Any crash, sanitizer report or
 * mismatch (abort) is a finding.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Iengine/include
 *        -Iengine/core -Iengine/wire tests/fuzz/fuzz_pkt4.c engine/wire/fo_pkt4.c
 *        engine/wire/fo_cursor.c engine/core/fo_serve.c engine/core/fo_mclt.c
 *        engine/core/fo_hash.c engine/lib/fo_types.c -o fuzz_pkt4
 * tests/fuzz/run-corpus.c links the same function without libFuzzer
 * (corpus tests/fuzz/corpus-pkt4).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_pkt4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
finding(const char *what)
{
	fprintf(stderr, "fuzz_pkt4: %s\n", what);
	abort();
}

static bool
inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p != NULL && p >= data && n <= size && p - data <= (ptrdiff_t)(size - n);
}

/* The parsed fields written again as a plain packet. */
static size_t
rewrite(const fo_pkt4 *p, uint8_t *b)
{
	static const uint8_t four[4] = { 192, 0, 2, 1 };
	size_t n = 240;

	memset(b, 0, 240);
	b[0] = p->op;
	b[1] = p->htype;
	b[2] = p->hlen;
	b[8] = (uint8_t)(p->secs >> 8);
	b[9] = (uint8_t)p->secs;
	for (int i = 0; i < 4; i++) {
		b[12 + i] = (uint8_t)(p->ciaddr >> (24 - 8 * i));
		b[24 + i] = (uint8_t)(p->giaddr >> (24 - 8 * i));
		b[236 + i] = (uint8_t)(FO_PKT4_COOKIE >> (24 - 8 * i));
	}
	memcpy(b + 28, p->chaddr, p->hlen);
	if (p->type != 0) {
		b[n++] = 53, b[n++] = 1, b[n++] = p->type;
	}
	if (p->cid != NULL) {
		b[n++] = 61, b[n++] = p->cid_len;
		memcpy(b + n, p->cid, p->cid_len);
		n += p->cid_len;
	}
	if (p->requested_ip) {
		b[n++] = 50, b[n++] = 4;
		memcpy(b + n, four, 4), n += 4;
	}
	if (p->server_id) {
		b[n++] = 54, b[n++] = 4;
		memcpy(b + n, four, 4), n += 4;
	}
	if (p->subnet_selection) {
		b[n++] = 118, b[n++] = 4;
		memcpy(b + n, four, 4), n += 4;
	}
	if (p->link_selection) {
		b[n++] = 82, b[n++] = 6, b[n++] = 5, b[n++] = 4;
		memcpy(b + n, four, 4), n += 4;
	}
	b[n++] = 255;
	return n;
}

static bool
same(const fo_pkt4 *a, const fo_pkt4 *b)
{
	return a->op == b->op && a->htype == b->htype && a->hlen == b->hlen &&
	    a->secs == b->secs && a->ciaddr == b->ciaddr && a->giaddr == b->giaddr &&
	    memcmp(a->chaddr, b->chaddr, a->hlen) == 0 && a->type == b->type &&
	    (a->cid == NULL) == (b->cid == NULL) && a->cid_len == b->cid_len &&
	    (a->cid == NULL || memcmp(a->cid, b->cid, a->cid_len) == 0) &&
	    a->server_id == b->server_id && a->requested_ip == b->requested_ip &&
	    a->link_selection == b->link_selection && a->subnet_selection == b->subnet_selection &&
	    fo_pkt4_msg(a, false) == fo_pkt4_msg(b, false) && fo_pkt4_msg(a, true) == fo_pkt4_msg(b, true);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[240 + 3 + 257 + 6 * 3 + 8 + 1];
	fo_pkt4 p, q;
	fo_status st;

	st = fo_pkt4_parse(data, size, &p);
	if (st != FO_OK && st != FO_ERR_PROTO)
		finding("status");
	if (st != FO_OK)
		return 0;
	if (p.hlen > 16 || !inside(p.chaddr, 16, data, size))
		finding("chaddr outside the input");
	if (p.cid != NULL && (p.cid_len == 0 || !inside(p.cid, p.cid_len, data, size)))
		finding("client-id outside the input");
	fo_client_ref c = fo_pkt4_client(&p);
	if (c.chaddr != p.chaddr || c.hlen != p.hlen || c.cid != p.cid)
		finding("client differs from the fields");
	if (fo_pkt4_parse(again, rewrite(&p, again), &q) != FO_OK || !same(&p, &q))
		finding("written again, it parses differently");
	for (size_t n = 0; n < size; n++)
		if (fo_pkt4_parse(data, n, &q) == FO_OK && !same(&p, &q))
			finding("a truncation parses differently");
	return 0;
}
