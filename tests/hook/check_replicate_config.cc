// check_replicate_config.cc - the Kea-schema side of failover-replicate
// (hook/failover_replicate_config.cc) on Kea's own Element trees: what the
// sender collects for some scopes, how the partner merges it (subnets added
// or replaced by scope id, in place, with their options, pools and
// reservations; the partner's own id and interface kept; subnets not sent
// left alone; classes and option definitions added or replaced), what it
// reports as changed, the refusal of malformed or conflicting input with an
// error naming the field, and idempotence. Linked against Kea's libraries
// (libkea-cc, libkea-asiolink); a Check suite like the engine's.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <cc/data.h>

#include <check.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "failover_replicate_config.h"
#include "fo_check_run.h"

using namespace isc::data;
using namespace kea_failover;

// Check's ck_assert_str_eq keeps a pointer past the full expression: compare
// std::strings (a temporary's c_str() would dangle).
#define ck_assert_text(X, Y)                                                        \
    do {                                                                            \
        std::string x_ = (X), y_ = (Y);                                             \
        ck_assert_msg(x_ == y_, "'%s' != '%s'", x_.c_str(), y_.c_str());            \
    } while (0)

namespace {

const uint32_t NET1 = 0x0a010000;   // 10.1.0.0
const uint32_t NET2 = 0x0a020000;   // 10.2.0.0
const uint32_t NET3 = 0x0a030000;   // 10.3.0.0 (in a shared network)

// The partner's (and, changed below, the sender's) Dhcp4: two top-level
// subnets and one in a shared network, classes (one naming another through
// member()), option definitions (one encapsulating a space).
std::string
base_text() {
    return (std::string(R"J({
  "interfaces-config": {"interfaces": ["eth0"]},
  "option-def": [
    {"name": "vendor-x", "code": 224, "type": "empty", "encapsulate": "x-space"},
    {"name": "x-sub", "code": 1, "space": "x-space", "type": "string"},
    {"name": "unused", "code": 250, "type": "uint8"}
  ],
  "client-classes": [
    {"name": "phones", "test": "substring(option[60].hex,0,6) == 'phones'"},
    {"name": "voip", "test": "member('phones') and member('KNOWN')",
     "option-data": [{"name": "vendor-x"}]},
    {"name": "other", "test": "option[60].hex == 'x'"}
  ],
  "subnet4": [
    {"id": 1, "subnet": "10.1.0.0/16", "interface": "eth0",
     "pools": [{"pool": "10.1.1.1 - 10.1.1.200"}],
     "option-data": [{"name": "routers", "data": "10.1.0.1"}],
     "client-class": "voip"},
    {"id": 2, "subnet": "10.2.0.0/24",
     "pools": [{"pool": "10.2.0.10 - 10.2.0.20", ")J") +
            REQUIRE_CLASSES_KEY + R"J(": ["other"]}],
     "reservations": [{"hw-address": "00:11:22:33:44:55", "ip-address": "10.2.0.5",
                       "option-data": [{"name": "x-sub", "space": "x-space", "data": "r"}]}]}
  ],
  "shared-networks": [
    {"name": "net", "subnet4": [
      {"id": 3, "subnet": "10.3.0.0/24", "pools": [{"pool": "10.3.0.10 - 10.3.0.99"}]}]}
  ]
})J");
}

ConstElementPtr
base() {
    return (Element::fromJSON(base_text()));
}

ElementPtr
json(const std::string& text) {
    return (Element::fromJSON(text));
}

std::vector<std::string>
names(const ElementPtr& list) {
    std::vector<std::string> out;
    for (auto const& e : list->listValue()) {
        ConstElementPtr n = e->get("name");
        out.push_back(n ? n->stringValue() : e->str());
    }
    return (out);
}

// merge_payload's error for `p`, "" when it merges.
std::string
refusal(const ConstElementPtr& dhcp4, const ReplicatePayload& p) {
    ReplicateChanges ch;
    try {
        merge_payload(dhcp4, p, ch);
    } catch (const std::runtime_error& ex) {
        return (ex.what());
    }
    return ("");
}

ReplicatePayload
payload(const std::string& subnets, const std::string& classes = "[]",
        const std::string& defs = "[]") {
    ReplicatePayload p;
    p.subnets = json(subnets);
    p.classes = json(classes);
    p.option_defs = json(defs);
    return (p);
}

} // namespace

START_TEST(prefixes)
{
    uint32_t p = 0;
    ck_assert(subnet_prefix(Element::create(std::string("10.1.2.3/16")), p));
    ck_assert_uint_eq(p, NET1);
    ck_assert(subnet_prefix(Element::create(std::string("192.0.2.77/0")), p));
    ck_assert_uint_eq(p, 0);
    ck_assert(subnet_prefix(Element::create(std::string("192.0.2.77/32")), p));
    ck_assert_uint_eq(p, 0xc000024d);
    for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/1x",
                            "10.0.0.0/0016", "2001:db8::/64", "ten/8", ""}) {
        ck_assert_msg(!subnet_prefix(Element::create(std::string(bad)), p), "%s", bad);
    }
    ck_assert(!subnet_prefix(Element::create(16), p));
    ck_assert(!subnet_prefix(ConstElementPtr(), p));
    ck_assert(replicate_local_member("id") && replicate_local_member("interface"));
    ck_assert(!replicate_local_member("pools") && !replicate_local_member("subnet"));
}
END_TEST

// The sender: subnets in the order asked (top level or shared network), the
// classes they use (transitively, built-in KNOWN skipped), the option
// definitions their option-data name and the spaces those encapsulate.
START_TEST(collect)
{
    ConstElementPtr d4 = base();
    ReplicatePayload p = collect_payload(d4, {NET3, NET1});
    ck_assert_uint_eq(p.subnets->size(), 2);
    ck_assert_text(p.subnets->get(0)->get("subnet")->stringValue(), "10.3.0.0/24");
    ck_assert(p.subnets->get(1)->equals(*d4->get("subnet4")->get(0)));
    ck_assert(names(p.classes) == (std::vector<std::string>{"phones", "voip"}));
    ck_assert(names(p.option_defs) == (std::vector<std::string>{"vendor-x", "x-sub"}));
    // A pool's required class; a reservation's option in another space (by name and space).
    p = collect_payload(d4, {NET2});
    ck_assert(names(p.classes) == (std::vector<std::string>{"other"}));
    ck_assert(names(p.option_defs) == (std::vector<std::string>{"x-sub"}));
    // A shared network's subnet with nothing else.
    p = collect_payload(d4, {NET3});
    ck_assert_uint_eq(p.classes->size(), 0);
    ck_assert_uint_eq(p.option_defs->size(), 0);
    ck_assert(find_subnet(d4, NET3)->equals(*p.subnets->get(0)));
    ck_assert(!find_subnet(d4, 0x0a090000));
    try {
        collect_payload(d4, {NET1, 0x0a090000});
        ck_abort_msg("a scope without subnet4 was collected");
    } catch (const std::runtime_error& ex) {
        ck_assert_str_eq(ex.what(), "scope-id: 10.9.0.0 is no subnet4 of this server's "
                         "configuration");
    }
}
END_TEST

// Replaced in place by scope id, whatever the prefix length or Kea id; the
// partner's id and interface kept; subnets not sent left alone.
START_TEST(replace)
{
    ConstElementPtr d4 = base();
    ReplicatePayload p = payload(R"J([
      {"id": 71, "subnet": "10.1.0.0/16", "interface": "eth9",
       "pools": [{"pool": "10.1.1.1 - 10.1.1.250"}],
       "option-data": [{"name": "routers", "data": "10.1.0.254"}],
       "client-class": "voip"},
      {"id": 73, "subnet": "10.3.0.7/24",
       "pools": [{"pool": "10.3.0.10 - 10.3.0.99"}],
       "reservations": [{"hw-address": "00:aa:bb:cc:dd:ee", "ip-address": "10.3.0.5"}]}
    ])J");
    ReplicateChanges ch;
    ElementPtr out = merge_payload(d4, p, ch);
    ConstElementPtr m = out->get("Dhcp4");
    ck_assert(d4->equals(*base()));                             // the input is untouched
    ck_assert_uint_eq(m->get("subnet4")->size(), 2);
    ConstElementPtr s1 = m->get("subnet4")->get(0);
    ck_assert_int_eq(s1->get("id")->intValue(), 1);
    ck_assert_text(s1->get("interface")->stringValue(), "eth0");
    ck_assert_text(s1->get("pools")->get(0)->get("pool")->stringValue(),
                     "10.1.1.1 - 10.1.1.250");
    ck_assert_text(s1->get("option-data")->get(0)->get("data")->stringValue(),
                     "10.1.0.254");
    ck_assert(m->get("subnet4")->get(1)->equals(*d4->get("subnet4")->get(1)));
    ConstElementPtr net = m->get("shared-networks")->get(0)->get("subnet4");
    ck_assert_uint_eq(net->size(), 1);                          // stays in its network
    ck_assert_int_eq(net->get(0)->get("id")->intValue(), 3);
    ck_assert(!net->get(0)->get("interface"));                  // the partner has none
    ck_assert_text(net->get(0)->get("reservations")->get(0)->get("ip-address")
                     ->stringValue(), "10.3.0.5");
    ck_assert_uint_eq(ch.scopes.size(), 2);
    ck_assert_text(ch.scopes[0].scope_id, "10.1.0.0");
    ck_assert_text(ch.scopes[0].change, "changed");
    ck_assert(ch.scopes[0].members == (std::vector<std::string>{"option-data", "pools"}));
    ck_assert_text(ch.scopes[1].scope_id, "10.3.0.0");
    ck_assert(ch.scopes[1].members == (std::vector<std::string>{"reservations", "subnet"}));
    ck_assert(ch.any());
    ck_assert(ch.toElement()->equals(*json(R"J({
      "scopes": [{"scope-id": "10.1.0.0", "change": "changed", "members": ["option-data", "pools"]},
                 {"scope-id": "10.3.0.0", "change": "changed", "members": ["reservations", "subnet"]}],
      "client-classes": {"added": [], "changed": []},
      "option-def": {"added": [], "changed": []}})J")));
}
END_TEST

// A scope the partner lacks is appended to subnet4 (without the sender's
// interface); a member the partner's copy lacks is removed with it.
START_TEST(add)
{
    ConstElementPtr d4 = base();
    ReplicatePayload p = payload(R"J([
      {"id": 9, "subnet": "10.9.0.0/24", "interface": "eth1",
       "pools": [{"pool": "10.9.0.10 - 10.9.0.20"}]},
      {"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10 - 10.2.0.20"}]}
    ])J");
    ReplicateChanges ch;
    ConstElementPtr m = merge_payload(d4, p, ch)->get("Dhcp4");
    ck_assert_uint_eq(m->get("subnet4")->size(), 3);
    ConstElementPtr added = m->get("subnet4")->get(2);
    ck_assert_text(added->get("subnet")->stringValue(), "10.9.0.0/24");
    ck_assert(!added->get("interface"));
    ck_assert(!m->get("subnet4")->get(1)->get("reservations"));
    ck_assert_text(ch.scopes[0].change, "added");
    ck_assert(ch.scopes[0].members.empty());
    ck_assert(ch.scopes[1].members == (std::vector<std::string>{"pools", "reservations"}));
    // A partner with no subnet4 list at all.
    ElementPtr bare = json(R"J({"interfaces-config": {"interfaces": []}})J");
    ReplicateChanges ch2;
    m = merge_payload(bare, p, ch2)->get("Dhcp4");
    ck_assert_uint_eq(m->get("subnet4")->size(), 2);
    ck_assert_uint_eq(m->get("client-classes")->size(), 0);
    ck_assert_text(ch2.scopes[1].change, "added");
}
END_TEST

// Classes and option definitions: replaced by name (and space) or appended,
// reported as added or changed; the same ones again are not reported.
START_TEST(classes_and_defs)
{
    ConstElementPtr d4 = base();
    ReplicatePayload p = payload(R"J([{"subnet": "10.3.0.0/24",
        "pools": [{"pool": "10.3.0.10 - 10.3.0.99"}]}])J",
      R"J([{"name": "phones", "test": "substring(option[60].hex,0,6) == 'phones'"},
          {"name": "voip", "test": "member('phones')"},
          {"name": "printers", "test": "option[60].hex == 'p'"}])J",
      R"J([{"name": "x-sub", "code": 1, "space": "x-space", "type": "string", "array": true},
          {"name": "x-sub", "code": 1, "space": "y-space", "type": "string"}])J");
    ReplicateChanges ch;
    ConstElementPtr m = merge_payload(d4, p, ch)->get("Dhcp4");
    ck_assert(names(boost::const_pointer_cast<Element>(m->get("client-classes"))) ==
              (std::vector<std::string>{"phones", "voip", "other", "printers"}));
    ck_assert_text(m->get("client-classes")->get(1)->get("test")->stringValue(),
                     "member('phones')");
    ck_assert(ch.classes_added == (std::vector<std::string>{"printers"}));
    ck_assert(ch.classes_changed == (std::vector<std::string>{"voip"}));
    ck_assert(ch.defs_added == (std::vector<std::string>{"x-sub/y-space"}));
    ck_assert(ch.defs_changed == (std::vector<std::string>{"x-sub/x-space"}));
    ck_assert_uint_eq(m->get("option-def")->size(), 4);
    ck_assert(m->get("option-def")->get(1)->get("array")->boolValue());
    ck_assert_text(ch.scopes[0].change, "unchanged");
    ck_assert(ch.any());
}
END_TEST

// The same payload into the result: nothing changes, nothing is reported.
START_TEST(idempotent)
{
    ConstElementPtr d4 = base();
    ReplicatePayload sent = collect_payload(d4, {NET1, NET2, NET3});
    ElementPtr partner = isc::data::copy(d4);
    boost::const_pointer_cast<Element>(partner->get("subnet4")->get(0))
        ->set("pools", json(R"J([{"pool": "10.1.9.1 - 10.1.9.9"}])J"));
    partner->set("client-classes", Element::createList());
    ReplicateChanges first, again, same;
    ElementPtr once = merge_payload(partner, sent, first);
    ck_assert(first.any());
    ElementPtr twice = merge_payload(once->get("Dhcp4"), sent, again);
    ck_assert(twice->equals(*once));
    ck_assert(!again.any());
    ck_assert_uint_eq(again.scopes.size(), 3);
    for (auto const& s : again.scopes) {
        ck_assert_text(s.change, "unchanged");
    }
    // The sender's own configuration: unchanged from the start.
    ck_assert(merge_payload(d4, sent, same)->get("Dhcp4")->equals(*d4));
    ck_assert(!same.any());
    ck_assert(same.toElement()->get("scopes")->get(2)->equals(
        *json(R"J({"scope-id": "10.3.0.0", "change": "unchanged"})J")));
}
END_TEST

// Malformed or conflicting input: refused, naming the field; nothing merged.
START_TEST(refused)
{
    ConstElementPtr d4 = base();
    const std::string ok = R"J({"subnet": "10.1.0.0/16"})J";
    struct {
        ReplicatePayload p;
        const char* error;
    } cases[] = {
        {payload("[]"), "subnet4: must be a non-empty list of subnet4 entries"},
        {payload("{}"), "subnet4: must be a non-empty list of subnet4 entries"},
        {payload("[" + ok + ", 7]"), "subnet4[1]: must be a map (a subnet4 entry)"},
        {payload(R"J([{"pools": []}])J"), "subnet4[0]/subnet: missing or not an IPv4 prefix"},
        {payload(R"J([{"subnet": "2001:db8::/64"}])J"),
         "subnet4[0]/subnet: missing or not an IPv4 prefix"},
        {payload("[" + ok + R"J(, {"subnet": "10.2.0.0/24"}, {"subnet": "10.1.7.0/16"}])J"),
         "subnet4[2]/subnet: 10.1.0.0 is sent twice (also subnet4[0])"},
        {payload("[" + ok + "]", "{}"), "client-classes: must be a list"},
        {payload("[" + ok + "]", R"J([{"test": "true"}])J"),
         "client-classes[0]: must be a map with a name"},
        {payload("[" + ok + "]", R"J([{"name": "a"}, {"name": "b"}, {"name": "a"}])J"),
         "client-classes[2]: 'a' is sent twice"},
        {payload("[" + ok + "]", "[]", R"J(["x"])J"), "option-def[0]: must be a map with a name"},
        {payload("[" + ok + "]", "[]", R"J([{"name": "o", "code": 240}, {"name": "o",
           "code": 241, "space": "dhcp4"}])J"), "option-def[1]: 'o/dhcp4' is sent twice"},
    };
    for (auto const& c : cases) {
        ck_assert_text(refusal(d4, c.p), c.error);
    }
    ReplicatePayload none = payload("[" + ok + "]");
    none.classes = ElementPtr();
    ck_assert_text(refusal(d4, none), "client-classes: must be a list");
    ck_assert(d4->equals(*base()));
}
END_TEST

int
main() {
    Suite* s = suite_create("replicate_config");
    TCase* tc = tcase_create("merge");
    tcase_add_test(tc, prefixes);
    tcase_add_test(tc, collect);
    tcase_add_test(tc, replace);
    tcase_add_test(tc, add);
    tcase_add_test(tc, classes_and_defs);
    tcase_add_test(tc, idempotent);
    tcase_add_test(tc, refused);
    suite_add_tcase(s, tc);
    return (fo_check_run(s));
}
