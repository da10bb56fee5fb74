//! Twin of `lua/dnsSearch.lua` (nProbe's guide example): one
//! `k: <key> v: <value>` line per key of every DNS flow, followed by the
//! empty line the Lua script's extra '\n' makes.
use flowhook_guest::{export_hooks, print, Table, Verdict};

fn check_dns(t: &Table) -> Verdict {
    for (k, v) in t.iter() {
        print!("k: {k} v: {v}\n\n");
    }
    Verdict::Keep
}

export_hooks!(checkDNSFlow => check_dns);
