//! Twin of `lua/dnsTopClients.lua`: counts DNS transactions per client across
//! flows (guest globals persist between calls) and prints the top ten from
//! `flowhookEnd`, which the probe calls once after the last flow.
use std::cell::RefCell;
use std::collections::HashMap;

use flowhook_guest::{export_hooks, println, Table, Verdict};

thread_local! {
    static STATE: RefCell<(HashMap<String, i64>, i64)> = RefCell::new((HashMap::new(), 0));
}

fn check_dns(t: &Table) -> Verdict {
    let n = t.int("dns.num_queries");
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        *s.0.entry(t.str("dns.dns_client").to_string()).or_insert(0) += n;
        s.1 += n;
    });
    Verdict::Keep
}

#[no_mangle]
#[allow(non_snake_case)]
pub extern "C" fn flowhookEnd() {
    STATE.with(|s| {
        let s = s.borrow();
        let mut list: Vec<(&String, &i64)> = s.0.iter().collect();
        list.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        println!("DNS transactions: {} from {} clients", s.1, list.len());
        for (i, (c, n)) in list.iter().take(10).enumerate() {
            println!("{:3} {:<40} {}", i + 1, c, n);
        }
    });
}

export_hooks!(checkDNSFlow => check_dns);
