/*
 * gen_messages.c - write one failover message of each type, encoded by
 * fo_wire, for independent decoders and for the fuzz corpus.
 *
 *   gen_messages pcap FILE DIALECT   one TCP stream 10.0.0.1:51000 ->
 *                                    10.0.0.2:647 (handshake, then one
 *                                    message per segment) in libpcap
 *                                    format; prints "FRAME TYPE" lines
 *   gen_messages corpus DIR          seed files for fuzz_wire: every type
 *                                    in every dialect, keyed variants and
 *                                    malformed messages
 * DIALECT: isc | draft | microsoft. Checksums are computed (IPv4 and TCP).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_wire.h"
#include "wire_samples.h"

#define PORT_SRC 51000
#define PORT_FO 647
#define IP_SRC 0x0a000001u
#define IP_DST 0x0a000002u

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One Ethernet/IPv4/TCP frame carrying n payload bytes. */
static void
write_frame(FILE *f, unsigned idx, bool to_server, uint8_t flags,
    uint32_t seq, uint32_t ack, const uint8_t *pl, size_t n)
{
	static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 2 };
	uint8_t fr[14 + 20 + 20 + FO_WIRE_MAX], ph[12];
	uint8_t *ip = fr + 14, *tcp = fr + 34;
	uint32_t src = to_server ? IP_SRC : IP_DST;
	uint32_t dst = to_server ? IP_DST : IP_SRC;
	size_t tlen = 20 + n;

	memset(fr, 0, 54);
	memcpy(fr, to_server ? mac_b : mac_a, 6);
	memcpy(fr + 6, to_server ? mac_a : mac_b, 6);
	put16(fr + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + tlen));
	put16(ip + 4, idx);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, to_server ? PORT_SRC : PORT_FO);
	put16(tcp + 2, to_server ? PORT_FO : PORT_SRC);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	memcpy(tcp + 20, pl, n);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (unsigned)tlen);
	put16(tcp + 16, fold(sum16(tcp, tlen, sum16(ph, 12, 0))));
	le32(f, WS_TIME + idx);
	le32(f, 0);
	le32(f, (uint32_t)(54 + n));
	le32(f, (uint32_t)(54 + n));
	fwrite(fr, 1, 54 + n, f);
}

static bool
parse_dialect(const char *s, fo_dialect *d)
{
	if (strcmp(s, "isc") == 0)
		*d = FO_DIALECT_ISC;
	else if (strcmp(s, "draft") == 0)
		*d = FO_DIALECT_DRAFT;
	else if (strcmp(s, "microsoft") == 0 || strcmp(s, "ms") == 0)
		*d = FO_DIALECT_MS;
	else
		return false;
	return true;
}

static int
gen_pcap(const char *file, fo_dialect d)
{
	static const uint8_t gh[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	uint8_t buf[FO_WIRE_MAX];
	uint32_t cseq = 1000, sseq = 5000;
	fo_wire_msg m;
	size_t len;
	FILE *f;

	if ((f = fopen(file, "wb")) == NULL) {
		perror(file);
		return 1;
	}
	fwrite(gh, 1, sizeof(gh), f);
	write_frame(f, 1, true, 0x02, cseq, 0, NULL, 0);
	write_frame(f, 2, false, 0x12, sseq, cseq + 1, NULL, 0);
	cseq++;
	sseq++;
	write_frame(f, 3, true, 0x10, cseq, sseq, NULL, 0);
	for (unsigned t = 1; t <= FO_M_MAX; t++) {
		ws_sample(&m, (fo_mtype)t, d);
		if (fo_wire_encode(&m, d, NULL, buf, sizeof(buf), &len) !=
		    FO_OK) {
			fprintf(stderr, "cannot encode %s\n",
			    fo_mtype_name((fo_mtype)t));
			fclose(f);
			return 1;
		}
		write_frame(f, 3 + t, true, 0x18, cseq, sseq, buf, len);
		cseq += (uint32_t)len;
		printf("%u %u\n", 3 + t, t);
	}
	return fclose(f) == 0 ? 0 : 1;
}

static int
write_seed(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		return 1;
	}
	fwrite(b, 1, n, f);
	return fclose(f) == 0 ? 0 : 1;
}

/* Malformed variants of one valid message b[0..n). */
static int
write_malformed(const char *dir, const uint8_t *b, size_t n)
{
	uint8_t m[FO_WIRE_MAX];
	int rc = 0;

	memcpy(m, b, n);
	m[1] = (uint8_t)(n + 4);                       /* length lies: more */
	rc |= write_seed(dir, "bad-length-more", m, n);
	m[1] = (uint8_t)(n - 1);                       /* length lies: less */
	rc |= write_seed(dir, "bad-length-less", m, n);
	memcpy(m, b, n);
	m[3] = (uint8_t)(n + 1);                       /* offset past end */
	rc |= write_seed(dir, "bad-offset", m, n);
	memcpy(m, b, n);
	m[2] = 0x42;                                   /* unknown type */
	rc |= write_seed(dir, "bad-type-66", m, n);
	m[2] = 0xc8;                                   /* ignored type */
	rc |= write_seed(dir, "type-200-ignored", m, n);
	memcpy(m, b, n);
	m[15] = 0xff;                                  /* first option overruns */
	rc |= write_seed(dir, "bad-option-overrun", m, n);
	memcpy(m, b, n - 3);                           /* truncated option */
	m[0] = 0;
	m[1] = (uint8_t)(n - 3);
	rc |= write_seed(dir, "bad-truncated", m, n - 3);
	return rc;
}

static int
gen_corpus(const char *dir)
{
	static const fo_dialect ds[] = {
		FO_DIALECT_ISC, FO_DIALECT_DRAFT, FO_DIALECT_MS,
	};
	uint8_t buf[FO_WIRE_MAX];
	fo_digest_key key;
	char name[64];
	fo_wire_msg m;
	size_t len;
	int rc = 0;

	ws_key(&key);
	for (size_t i = 0; i < 3; i++) {
		for (unsigned t = 1; t <= FO_M_MAX; t++) {
			ws_sample(&m, (fo_mtype)t, ds[i]);
			for (unsigned k = 0; k < 2; k++) {
				if (fo_wire_encode(&m, ds[i], k ? &key : NULL,
				    buf, sizeof(buf), &len) != FO_OK)
					return 1;
				snprintf(name, sizeof(name), "%s-%s%s",
				    fo_dialect_name(ds[i]),
				    fo_mtype_name((fo_mtype)t),
				    k ? "-digest" : "");
				rc |= write_seed(dir, name, buf, len);
			}
		}
	}
	ws_sample(&m, FO_M_STATE, FO_DIALECT_ISC);
	if (fo_wire_encode(&m, FO_DIALECT_ISC, NULL, buf, sizeof(buf), &len) !=
	    FO_OK)
		return 1;
	return rc | write_malformed(dir, buf, len);
}

int
main(int argc, char **argv)
{
	fo_dialect d;

	if (argc == 4 && strcmp(argv[1], "pcap") == 0 &&
	    parse_dialect(argv[3], &d))
		return gen_pcap(argv[2], d);
	if (argc == 3 && strcmp(argv[1], "corpus") == 0)
		return gen_corpus(argv[2]);
	fprintf(stderr, "usage: gen_messages pcap FILE isc|draft|microsoft\n"
	    "       gen_messages corpus DIR\n");
	return 2;
}
