// bench_get.cc - failover-get and the restart at 1M addresses, through the
// engine API: a hot-standby primary (reserve-percent 0) over one scope of
// 1,048,574 addresses (10.16.0.0/12), every address leased through the
// packet path (lease4_select + leases4_committed) to a distinct client
// (6-byte chaddr, 7-byte client-id).
//
// Measures (medians of RUNS; CPU time of the calling thread, which is Kea's
// main thread for a command, so that other load on the machine does not count):
//  - failover-get without bindings (also status-get's section);
//  - a page of bindings (1000, the default and the maximum, and 100) from the
//    start and from the middle, empty table (the longest scan) and full:
//    the engine's JSON, and what Kea then does with it in the shim
//    (Element::fromJSON, the answer's text with createAnswer()->str());
//  - the bytes a page holds at its peak (malloc'd, glibc mallinfo2);
//  - the restart replay pulled in batches (fo_engine_replay_next), engine side;
//  - the restart: fo_engine_attach() reading the journal back, CPU time, as
//    written and after the online compaction (fo_engine_tick).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <cc/command_interpreter.h>
#include <cc/data.h>

#include <malloc.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "fo_engine.h"
}

namespace {

const fo_ip4 FIRST = 0x0a100001u;            // 10.16.0.1
const fo_ip4 LAST = 0x0a1ffffeu;             // 10.31.255.254
const int RUNS = 11;
const int64_t T0 = 1795244400;               // 2026-11-21T07:00:00Z
char dir[64];

double
now_ms(clockid_t c = CLOCK_MONOTONIC) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

double
median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return (v[v.size() / 2]);
}

size_t
heap_bytes() {
    struct mallinfo2 mi = mallinfo2();
    return (mi.uordblks + mi.hblkhd);
}

long
rss_kb() {
    long size = 0, resident = 0;
    FILE* f = fopen("/proc/self/statm", "r");
    if (f == nullptr) {
        return (-1);
    }
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) {
        resident = -1;
    }
    fclose(f);
    return (resident * sysconf(_SC_PAGESIZE) / 1024);
}

void
die(const char* what, const char* err) {
    fprintf(stderr, "bench_get: %s: %s\n", what, err);
    exit(EXIT_FAILURE);
}

fo_engine*
open_engine() {
    char params[1024], err[512] = "";
    fo_engine* eng = nullptr;
    snprintf(params, sizeof(params), "{\"state-directory\": \"%s\", \"relationships\": [{"
             "\"name\": \"r1\", \"partner-server\": \"192.0.2.2\", \"local-address\": "
             "\"192.0.2.1\", \"server-type\": \"primary\", \"mode\": \"hot-standby\", "
             "\"server-role\": \"active\", \"reserve-percent\": 0, \"scope-id\": "
             "[\"10.16.0.0\"]}]}", dir);
    if (fo_engine_create(&eng, params, nullptr, err, sizeof(err)) != FO_OK) {
        die("create", err);
    }
    fo_pool_range pool = { FIRST, LAST };
    fo_subnet sn = {};
    sn.subnet_id = 1;
    sn.prefix = 0x0a100000u;
    sn.plen = 12;
    sn.pools = &pool;
    sn.n_pools = 1;
    if (fo_engine_attach(eng, &sn, 1, fo_wall_at(T0), err, sizeof(err)) != FO_OK) {
        die("attach", err);
    }
    fo_engine_enable_test_seam(eng);
    if (fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED, FO_STATE_NORMAL,
                                 fo_wall_at(T0), err, sizeof(err)) != FO_OK) {
        die("state", err);
    }
    return (eng);
}

// Every address to its own client: select + commit, as Kea's DORA does.
void
lease_all(fo_engine* eng) {
    for (fo_ip4 a = FIRST; a <= LAST; a++) {
        uint32_t i = a - FIRST;
        uint8_t mac[6] = { 0x52, 0x54, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
                           (uint8_t)(i >> 8), (uint8_t)i };
        uint8_t cid[7] = { 1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5] };
        fo_lease l = {};
        l.subnet_id = 1;
        l.addr = a;
        l.valid_lft = 3600;
        l.cltt = fo_wall_at(T0 + 60);
        l.client.chaddr = mac;
        l.client.hlen = 6;
        l.client.htype = 1;
        l.client.cid = cid;
        l.client.cid_len = sizeof(cid);
        if (fo_engine_lease_select(eng, &l, fo_wall_at(T0 + 60)) == FO_V_REFUSE) {
            die("select", "refused");
        }
        fo_engine_lease_event(eng, FO_LE_COMMIT, &l, fo_wall_at(T0 + 60));
    }
}

struct page_cost {
    double engine_ms, kea_ms, parse_ms;
    size_t json_bytes, answer_bytes, count, peak_bytes;
};

// One failover-get with a page: the engine's text, then the shim's and Kea's work on it.
page_cost
one_page(fo_engine* eng, bool bindings, fo_ip4 from, uint32_t limit) {
    using namespace isc::data;
    page_cost c = {};
    char* json = nullptr;
    char err[256] = "";
    fo_ip4 next = 0;
    size_t base = heap_bytes();
    double t0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    fo_status st = bindings ?
        fo_engine_get_page_json(eng, nullptr, 0, from, limit, fo_wall_at(T0), &json, &c.count,
                                &next, err, sizeof(err)) :
        fo_engine_get_json(eng, nullptr, 0, false, fo_wall_at(T0), &json, err, sizeof(err));
    double t1 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    if (st != FO_OK) {
        die("get", err);
    }
    c.json_bytes = strlen(json);
    {
        ConstElementPtr args = Element::fromJSON(std::string(json));
        free(json);
        c.parse_ms = now_ms(CLOCK_THREAD_CPUTIME_ID) - t1;
        ConstElementPtr answer = isc::config::createAnswer(0, "failover relationships", args);
        std::string text = answer->str();
        c.answer_bytes = text.size();
        c.peak_bytes = heap_bytes() - base;
    }
    c.engine_ms = t1 - t0;
    c.kea_ms = now_ms(CLOCK_THREAD_CPUTIME_ID) - t1;
    return (c);
}

void
pages(fo_engine* eng, const char* label, bool bindings, fo_ip4 from, uint32_t limit) {
    std::vector<double> e, k, p;
    page_cost c = {};
    for (int r = 0; r < RUNS; r++) {
        c = one_page(eng, bindings, from, limit);
        e.push_back(c.engine_ms);
        k.push_back(c.kea_ms);
        p.push_back(c.parse_ms);
    }
    printf("%-40s %5zu bindings: engine %6.2f ms, Kea %7.2f ms (parse %7.2f), total %7.2f ms;"
           " text %7zu B, answer %7zu B, peak heap %8zu B\n", label, c.count, median(e),
           median(k), median(p), median(e) + median(k), c.json_bytes, c.answer_bytes,
           c.peak_bytes);
}

// The restart replay, pulled by the shim on its apply timer: batches of 256.
void
replay(fo_engine* eng) {
    std::vector<fo_lease_change> batch(256);
    fo_replay_cursor cur = FO_REPLAY_CURSOR_INIT;
    std::vector<double> per;
    per.reserve(1 << 14);
    size_t n, total = 0, batches = 0, base = heap_bytes(), peak = 0;
    double worst = 0, t0 = now_ms(), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    do {
        double b0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
        n = fo_engine_replay_next(eng, &cur, batch.data(), batch.size());
        per.push_back(now_ms(CLOCK_THREAD_CPUTIME_ID) - b0);
        worst = std::max(worst, per.back());
        peak = std::max(peak, heap_bytes() - base);
        total += n;
        batches++;
    } while (n > 0);
    printf("replay (engine side): %zu active bindings in %zu batches of <= %zu: %.0f ms (CPU %.0f"
           " ms), a batch %.3f ms (median; slowest %.3f ms); memory: the batch, %zu B, and %zu B"
           " more\n", total, batches, batch.size(), now_ms() - t0,
           now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0, median(per), worst,
           batch.size() * sizeof(fo_lease_change), peak);
}

off_t
journal_bytes() {
    std::string cmd = std::string("find ") + dir + " -name '*.jnl' -printf '%s\\n'";
    FILE* f = popen(cmd.c_str(), "r");
    long long n = 0, v;
    while (f != nullptr && fscanf(f, "%lld", &v) == 1) {
        n += v;
    }
    if (f != nullptr) {
        pclose(f);
    }
    return (static_cast<off_t>(n));
}

// A restart: create + attach, every scope's journal read back into its table.
void
restart(const char* label) {
    off_t size = journal_bytes();
    double w0 = now_ms(), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    fo_engine* eng = open_engine();
    printf("%s: journal %lld bytes; %.0f ms, CPU %.0f ms\n", label, (long long)size,
           now_ms() - w0, now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
    fo_engine_destroy(eng);
}

} // namespace

// bench_get [--keep | --restore DIR]: --keep leaves the state directory for
// --restore, which only times restarts from it (for perf or callgrind).
int
main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--restore") {
        snprintf(dir, sizeof(dir), "%s", argv[2]);
        restart("restart");
        return (EXIT_SUCCESS);
    }
    bool keep = argc == 2 && std::string(argv[1]) == "--keep";
    snprintf(dir, sizeof(dir), "/tmp/bench_get.XXXXXX");
    if (mkdtemp(dir) == nullptr) {
        die("mkdtemp", "failed");
    }
    const fo_ip4 mid = FIRST + (LAST - FIRST) / 2;
    long rss0 = rss_kb();
    fo_engine* eng = open_engine();
    long rss1 = rss_kb();
    printf("bench_get: one scope of %u addresses, in %s; RSS +%ld KiB for the empty engine\n",
           LAST - FIRST + 1, dir, rss1 - rss0);
    pages(eng, "failover-get, no bindings (status-get)", false, 0, 0);
    pages(eng, "page of 1000 from start, empty table", true, 0, 1000);
    double t0 = now_ms();
    lease_all(eng);
    printf("leased every address through the packet path: %.1f s, RSS +%ld KiB\n",
           (now_ms() - t0) / 1e3, rss_kb() - rss1);
    pages(eng, "failover-get, no bindings (status-get)", false, 0, 0);
    pages(eng, "page of 1000 (default, maximum) from start", true, 0, 1000);
    pages(eng, "page of 1000 from the middle", true, mid, 1000);
    pages(eng, "page of 100 from the middle", true, mid, 100);
    replay(eng);
    fo_engine_shutdown(eng, fo_wall_at(T0 + 120));
    fo_engine_destroy(eng);
    restart("restart, the journal as written (a select and a commit per address)");
    // The online compaction, a step per tick, as a running server does it.
    eng = open_engine();
    for (int k = 0; k < 64; k++) {
        fo_engine_tick(eng, fo_wall_at(T0 + 130 + k), fo_mono_at(1000 * (int64_t)k));
    }
    fo_engine_shutdown(eng, fo_wall_at(T0 + 200));
    fo_engine_destroy(eng);
    restart("restart, the journal compacted");
    restart("restart again");
    if (keep) {
        printf("state directory kept: %s\n", dir);
        return (EXIT_SUCCESS);
    }
    std::string rm = std::string("rm -rf ") + dir;
    return (system(rm.c_str()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
