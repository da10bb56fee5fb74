//! Twin of `lua/dumpAll.lua`: every key of every plugin's table, sorted,
//! as `proto key=value (integer|string)`, then an empty line.
use flowhook_guest::{export_hooks, println, Table, Value, Verdict};

fn dump(t: &Table) -> Verdict {
    let mut entries: Vec<(&str, Value)> = t.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in entries {
        let kind = if matches!(v, Value::Int(_)) { "integer" } else { "string" };
        println!("{} {k}={v} ({kind})", t.protocol());
    }
    println!("");
    Verdict::Keep
}

export_hooks!(
    checkDHCPFlow => dump, checkDNSFlow => dump, checkFTPFlow => dump, checkGTPV1Flow => dump, checkHTTPFlow => dump,
    checkIMAPFlow => dump, checkPOPFlow => dump, checkRADIUSFlow => dump, checkSIPFlow => dump, checkSMTPFlow => dump,
);
