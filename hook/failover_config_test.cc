// failover_config_test.cc - validation of the parameters under `kea-dhcp4 -t`.
//
// Only the Kea side of the job is here: finding the configuration file on
// the command line, reading it with Kea's JSON reader and locating this
// library's entry. The validation itself is the engine's (fo_engine_check).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <cc/data.h>
#include <log/message_initializer.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "failover_config_test.h"
#include "failover_convert.h"
#include "failover_log.h"

extern "C" {
#include "fo_engine.h"
}

using isc::data::ConstElementPtr;
using isc::data::Element;

namespace kea_failover {

namespace {

// The FILE of `-t FILE` (or `-tFILE`) on this process's command line, or "".
std::string
config_test_file() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> argv;
    for (std::string arg; std::getline(in, arg, '\0');) {
        argv.push_back(arg);
    }
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-t" && i + 1 < argv.size()) {
            return (argv[i + 1]);
        }
        if (argv[i].size() > 2 && argv[i].compare(0, 2, "-t") == 0) {
            return (argv[i].substr(2));
        }
    }
    return ("");
}

std::string
canonical(const std::string& path) {
    char buf[PATH_MAX];
    return (realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path);
}

// The parameters of the hooks-libraries entry that names this library.
ConstElementPtr
own_parameters(ConstElementPtr config, const std::string& self) {
    ConstElementPtr dhcp4 = config ? config->get("Dhcp4") : ConstElementPtr();
    ConstElementPtr libs = dhcp4 ? dhcp4->get("hooks-libraries") : ConstElementPtr();
    if (!libs || libs->getType() != Element::list) {
        return (ConstElementPtr());
    }
    for (auto const& lib : libs->listValue()) {
        ConstElementPtr name = lib->get("library");
        if (name && name->getType() == Element::string &&
            canonical(name->stringValue()) == self) {
            ConstElementPtr params = lib->get("parameters");
            return (params ? params : Element::createMap());
        }
    }
    return (ConstElementPtr());
}

} // namespace

bool
is_this_library(const std::string& library) {
    Dl_info info;
    if (dladdr(reinterpret_cast<const void*>(&is_this_library), &info) == 0 ||
        info.dli_fname == nullptr) {
        return (false);
    }
    return (canonical(library) == canonical(info.dli_fname));
}

bool
config_test_mode_accepts(const void* self_symbol) {
    try {
        std::string file = config_test_file();
        Dl_info info;
        if (file.empty() || dladdr(self_symbol, &info) == 0 || info.dli_fname == nullptr) {
            return (true);
        }
        ConstElementPtr params =
            own_parameters(Element::fromJSONFile(file, true), canonical(info.dli_fname));
        if (!params) {
            return (true);
        }
        char err[1024] = "";
        fo_status st = fo_engine_check(json_of(params).c_str(), err, sizeof(err));
        if (st != FO_OK) {
            // Kea loads hook message catalogues only for libraries it loads.
            isc::log::MessageInitializer::loadDictionary(true);
            LOG_ERROR(failover_logger, FAILOVER_LOAD_FAILED)
                .arg(err[0] != '\0' ? err : fo_status_name(st));
            return (false);
        }
    } catch (const std::exception&) {
        // Kea reports an unreadable file itself.
    }
    return (true);
}

} // namespace kea_failover
