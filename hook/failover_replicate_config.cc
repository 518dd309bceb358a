// failover_replicate_config.cc - what failover-replicate copies and how the
// partner merges it (failover_replicate_config.h).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "failover_replicate_config.h"

using namespace isc::data;

namespace kea_failover {

namespace {

const char DEFAULT_SPACE[] = "dhcp4";

std::string
dotted(uint32_t a) {
    return (isc::asiolink::IOAddress(a).toText());
}

// The members of a map that are lists (an absent or other member: none).
std::vector<ElementPtr>
list_of(const ConstElementPtr& map, const std::string& key) {
    ConstElementPtr v = map && map->getType() == Element::map ? map->get(key) : ConstElementPtr();
    if (!v || v->getType() != Element::list) {
        return (std::vector<ElementPtr>());
    }
    return (v->listValue());
}

std::string
string_member(const ConstElementPtr& map, const std::string& key) {
    ConstElementPtr v = map && map->getType() == Element::map ? map->get(key) : ConstElementPtr();
    return (v && v->getType() == Element::string ? v->stringValue() : std::string());
}

// ---- Classes --------------------------------------------------------------

void
add_class_names(const ConstElementPtr& map, std::set<std::string>& names) {
    std::string one = string_member(map, "client-class");
    if (!one.empty()) {
        names.insert(one);
    }
    for (const char* key : {REQUIRE_CLASSES_KEY, "client-classes"}) {
        for (auto const& e : list_of(map, key)) {
            if (e->getType() == Element::string) {
                names.insert(e->stringValue());
            }
        }
    }
}

// The names in member('NAME') of a class's test expression.
void
add_members_of_test(const std::string& test, std::set<std::string>& names) {
    static const std::string open = "member('";
    for (size_t at = test.find(open); at != std::string::npos; at = test.find(open, at + 1)) {
        size_t start = at + open.size();
        size_t end = test.find('\'', start);
        if (end != std::string::npos && end > start) {
            names.insert(test.substr(start, end - start));
        }
    }
}

// The global classes named, transitively through their tests, in the order
// of the configuration's client-classes list.
std::vector<ElementPtr>
used_classes(const ConstElementPtr& dhcp4, std::set<std::string> names) {
    std::vector<ElementPtr> all = list_of(dhcp4, "client-classes");
    for (bool grew = true; grew;) {
        grew = false;
        for (auto const& c : all) {
            if (names.count(string_member(c, "name")) == 0) {
                continue;
            }
            size_t before = names.size();
            add_members_of_test(string_member(c, "test"), names);
            grew = grew || names.size() != before;
        }
    }
    std::vector<ElementPtr> out;
    for (auto const& c : all) {
        if (names.count(string_member(c, "name")) != 0) {
            out.push_back(c);
        }
    }
    return (out);
}

// ---- Option definitions ---------------------------------------------------

std::string
space_of(const ConstElementPtr& map) {
    std::string s = string_member(map, "space");
    return (s.empty() ? std::string(DEFAULT_SPACE) : s);
}

bool
def_matches(const ConstElementPtr& def, const ConstElementPtr& data) {
    if (space_of(def) != space_of(data)) {
        return (false);
    }
    std::string name = string_member(data, "name");
    if (!name.empty() && name == string_member(def, "name")) {
        return (true);
    }
    ConstElementPtr dc = def->get("code");
    ConstElementPtr oc = data->get("code");
    return (dc && oc && dc->getType() == Element::integer &&
            oc->getType() == Element::integer && dc->intValue() == oc->intValue());
}

void
add_option_data(const ConstElementPtr& map, std::vector<ConstElementPtr>& out) {
    for (auto const& od : list_of(map, "option-data")) {
        if (od->getType() == Element::map) {
            out.push_back(od);
        }
    }
}

std::vector<ElementPtr>
used_option_defs(const ConstElementPtr& dhcp4, const std::vector<ConstElementPtr>& data) {
    std::vector<ElementPtr> all = list_of(dhcp4, "option-def");
    std::vector<bool> used(all.size(), false);
    std::set<std::string> spaces;
    for (size_t i = 0; i < all.size(); ++i) {
        for (auto const& od : data) {
            used[i] = used[i] || def_matches(all[i], od);
        }
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < all.size(); ++i) {
            if (used[i] && !string_member(all[i], "encapsulate").empty()) {
                grew = spaces.insert(string_member(all[i], "encapsulate")).second || grew;
            }
            if (!used[i] && spaces.count(space_of(all[i])) != 0) {
                used[i] = grew = true;
            }
        }
    }
    std::vector<ElementPtr> out;
    for (size_t i = 0; i < all.size(); ++i) {
        if (used[i]) {
            out.push_back(all[i]);
        }
    }
    return (out);
}

// ---- Locating and merging ---------------------------------------------------

// Where a subnet4 entry is: its list (top level or a shared network's) and index.
struct Place {
    ElementPtr list;
    size_t index = 0;
};

bool
find_place(const ElementPtr& dhcp4, uint32_t scope, Place& place) {
    std::vector<ConstElementPtr> lists;
    if (ConstElementPtr l = dhcp4->get("subnet4")) {
        lists.push_back(l);
    }
    for (auto const& net : list_of(dhcp4, "shared-networks")) {
        if (ConstElementPtr l = net->get("subnet4")) {
            lists.push_back(l);
        }
    }
    for (auto const& l : lists) {
        if (l->getType() != Element::list) {
            continue;
        }
        for (size_t i = 0; i < l->size(); ++i) {
            uint32_t prefix = 0;
            ConstElementPtr s = l->get(i);
            if (s->getType() == Element::map && subnet_prefix(s->get("subnet"), prefix) &&
                prefix == scope) {
                place.list = boost::const_pointer_cast<Element>(l);
                place.index = i;
                return (true);
            }
        }
    }
    return (false);
}

// A member list of the candidate (created empty when absent).
ElementPtr
list_member(const ElementPtr& dhcp4, const std::string& key) {
    ConstElementPtr l = dhcp4->get(key);
    if (!l || l->getType() != Element::list) {
        ElementPtr fresh = Element::createList();
        dhcp4->set(key, fresh);
        return (fresh);
    }
    return (boost::const_pointer_cast<Element>(l));
}

std::vector<std::string>
changed_members(const ConstElementPtr& was, const ConstElementPtr& now) {
    std::set<std::string> keys;
    for (auto const& m : was->mapValue()) {
        keys.insert(m.first);
    }
    for (auto const& m : now->mapValue()) {
        keys.insert(m.first);
    }
    std::vector<std::string> out;
    for (auto const& k : keys) {
        ConstElementPtr a = was->get(k);
        ConstElementPtr b = now->get(k);
        if (!replicate_local_member(k) && !(a && b && a->equals(*b))) {
            out.push_back(k);
        }
    }
    return (out);
}

// `seen`: the network addresses of the entries before subnet4[i].
void
merge_subnet(const ElementPtr& dhcp4, const ConstElementPtr& sent, size_t i,
             std::map<uint32_t, size_t>& seen, ReplicateChanges& changes) {
    uint32_t prefix = 0;
    std::string where = "subnet4[" + std::to_string(i) + "]";
    if (!sent || sent->getType() != Element::map) {
        throw std::runtime_error(where + ": must be a map (a subnet4 entry)");
    }
    if (!subnet_prefix(sent->get("subnet"), prefix)) {
        throw std::runtime_error(where + "/subnet: missing or not an IPv4 prefix");
    }
    auto first = seen.emplace(prefix, i);
    if (!first.second) {
        throw std::runtime_error(where + "/subnet: " + dotted(prefix) + " is sent twice "
                                 "(also subnet4[" + std::to_string(first.first->second) + "])");
    }
    ElementPtr fresh = isc::data::copy(sent);
    ScopeChange sc;
    sc.scope_id = dotted(prefix);
    Place place;
    if (find_place(dhcp4, prefix, place)) {
        ConstElementPtr was = place.list->get(place.index);
        std::vector<std::string> drop;
        for (auto const& m : fresh->mapValue()) {
            if (replicate_local_member(m.first) && !was->get(m.first)) {
                drop.push_back(m.first);
            }
        }
        for (auto const& k : drop) {
            fresh->remove(k);
        }
        for (auto const& m : was->mapValue()) {
            if (replicate_local_member(m.first)) {
                fresh->set(m.first, m.second);
            }
        }
        sc.members = changed_members(was, fresh);
        sc.change = sc.members.empty() ? "unchanged" : "changed";
        place.list->set(place.index, fresh);
    } else {
        fresh->remove("interface");
        sc.change = "added";
        list_member(dhcp4, "subnet4")->add(fresh);
    }
    changes.scopes.push_back(sc);
}

// Replace the entry with the same key or append; record which.
template <typename KeyOf>
void
merge_named(const ElementPtr& dhcp4, const std::string& list_key, const ElementPtr& sent,
            KeyOf key_of, std::vector<std::string>& added, std::vector<std::string>& changed) {
    if (!sent || sent->getType() != Element::list) {
        throw std::runtime_error(list_key + ": must be a list");
    }
    ElementPtr list = list_member(dhcp4, list_key);
    std::set<std::string> seen;
    for (size_t i = 0; i < sent->size(); ++i) {
        ConstElementPtr e = sent->get(i);
        std::string key = e->getType() == Element::map ? key_of(e) : std::string();
        if (key.empty()) {
            throw std::runtime_error(list_key + "[" + std::to_string(i) +
                                     "]: must be a map with a name");
        }
        if (!seen.insert(key).second) {
            throw std::runtime_error(list_key + "[" + std::to_string(i) + "]: '" + key +
                                     "' is sent twice");
        }
        bool found = false;
        for (size_t k = 0; k < list->size() && !found; ++k) {
            if (key_of(list->get(k)) != key) {
                continue;
            }
            found = true;
            if (!list->get(k)->equals(*e)) {
                list->set(k, isc::data::copy(e));
                changed.push_back(key);
            }
        }
        if (!found) {
            list->add(isc::data::copy(e));
            added.push_back(key);
        }
    }
}

ElementPtr
string_list(const std::vector<std::string>& v) {
    ElementPtr l = Element::createList();
    for (auto const& s : v) {
        l->add(Element::create(s));
    }
    return (l);
}

} // namespace

bool
replicate_local_member(const std::string& key) {
    return (key == "id" || key == "interface");
}

bool
subnet_prefix(const ConstElementPtr& subnet, uint32_t& prefix) {
    if (!subnet || subnet->getType() != Element::string) {
        return (false);
    }
    const std::string& text = subnet->stringValue();
    size_t slash = text.find('/');
    if (slash == std::string::npos || slash + 1 >= text.size() ||
        text.find_first_not_of("0123456789", slash + 1) != std::string::npos ||
        text.size() - slash > 3) {
        return (false);
    }
    int len = std::stoi(text.substr(slash + 1));
    try {
        isc::asiolink::IOAddress a(text.substr(0, slash));
        if (!a.isV4() || len > 32) {
            return (false);
        }
        uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
        prefix = a.toUint32() & mask;
        return (true);
    } catch (const std::exception&) {
        return (false);
    }
}

ConstElementPtr
find_subnet(const ConstElementPtr& dhcp4, uint32_t scope) {
    Place place;
    if (!dhcp4 || dhcp4->getType() != Element::map ||
        !find_place(boost::const_pointer_cast<Element>(dhcp4), scope, place)) {
        return (ConstElementPtr());
    }
    return (place.list->get(place.index));
}

ReplicatePayload
collect_payload(const ConstElementPtr& dhcp4, const std::vector<uint32_t>& scopes) {
    ReplicatePayload p;
    p.subnets = Element::createList();
    std::set<std::string> class_names;
    std::vector<ConstElementPtr> option_data;
    for (uint32_t scope : scopes) {
        ConstElementPtr s = find_subnet(dhcp4, scope);
        if (!s) {
            throw std::runtime_error("scope-id: " + dotted(scope) +
                                     " is no subnet4 of this server's configuration");
        }
        p.subnets->add(isc::data::copy(s));
        add_class_names(s, class_names);
        add_option_data(s, option_data);
        for (const char* key : {"pools", "reservations"}) {
            for (auto const& e : list_of(s, key)) {
                add_class_names(e, class_names);
                add_option_data(e, option_data);
            }
        }
    }
    p.classes = Element::createList();
    for (auto const& c : used_classes(dhcp4, class_names)) {
        p.classes->add(isc::data::copy(c));
        add_option_data(c, option_data);
    }
    p.option_defs = Element::createList();
    for (auto const& d : used_option_defs(dhcp4, option_data)) {
        p.option_defs->add(isc::data::copy(d));
    }
    return (p);
}

ElementPtr
merge_payload(const ConstElementPtr& dhcp4, const ReplicatePayload& p,
              ReplicateChanges& changes) {
    ElementPtr d4 = isc::data::copy(dhcp4);
    if (!p.subnets || p.subnets->getType() != Element::list || p.subnets->empty()) {
        throw std::runtime_error("subnet4: must be a non-empty list of subnet4 entries");
    }
    // Option definitions first: a class or a subnet may use them.
    merge_named(d4, "option-def", p.option_defs,
                [](const ConstElementPtr& e) {
                    std::string n = string_member(e, "name");
                    return (n.empty() ? n : n + "/" + space_of(e));
                },
                changes.defs_added, changes.defs_changed);
    merge_named(d4, "client-classes", p.classes,
                [](const ConstElementPtr& e) { return (string_member(e, "name")); },
                changes.classes_added, changes.classes_changed);
    std::map<uint32_t, size_t> seen;
    for (size_t i = 0; i < p.subnets->size(); ++i) {
        merge_subnet(d4, p.subnets->get(i), i, seen, changes);
    }
    ElementPtr top = Element::createMap();
    top->set("Dhcp4", d4);
    return (top);
}

bool
ReplicateChanges::any() const {
    for (auto const& s : scopes) {
        if (s.change != "unchanged") {
            return (true);
        }
    }
    return (!classes_added.empty() || !classes_changed.empty() || !defs_added.empty() ||
            !defs_changed.empty());
}

ElementPtr
ReplicateChanges::toElement() const {
    ElementPtr out = Element::createMap();
    ElementPtr l = Element::createList();
    for (auto const& s : scopes) {
        ElementPtr m = Element::createMap();
        m->set("scope-id", Element::create(s.scope_id));
        m->set("change", Element::create(s.change));
        if (s.change == "changed") {
            m->set("members", string_list(s.members));
        }
        l->add(m);
    }
    out->set("scopes", l);
    ElementPtr cls = Element::createMap();
    cls->set("added", string_list(classes_added));
    cls->set("changed", string_list(classes_changed));
    out->set("client-classes", cls);
    ElementPtr defs = Element::createMap();
    defs->set("added", string_list(defs_added));
    defs->set("changed", string_list(defs_changed));
    out->set("option-def", defs);
    return (out);
}

} // namespace kea_failover
