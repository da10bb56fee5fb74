//! Twin of `lua/dnsDropDomain.lua`: drops DNS flows for a blocked domain.
use flowhook_guest::{export_hooks, println, Table, Verdict};

const BLOCKED: &[&str] = &["google.com"];

fn check_dns(t: &Table) -> Verdict {
    let q = t.str("dns.query").to_ascii_lowercase();
    for d in BLOCKED {
        if q == *d || q.ends_with(&format!(".{d}")) {
            println!("dropped DNS flow {} {} -> {}", t.int("flow.id"), t.str("dns.dns_client"), q);
            return Verdict::Drop;
        }
    }
    Verdict::Keep
}

export_hooks!(checkDNSFlow => check_dns);
