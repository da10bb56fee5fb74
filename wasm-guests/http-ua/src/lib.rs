//! Twin of `lua/httpUserAgent.lua`: HTTP requests whose User-Agent contains "Mozilla".
use flowhook_guest::{export_hooks, println, Table, Verdict};

const PATTERN: &str = "Mozilla";

fn check_http(t: &Table) -> Verdict {
    let ua = t.str("http.user_agent");
    if ua.contains(PATTERN) {
        println!(
            "{} {} http://{}{} -> {} [{}]",
            t.str("flow.from"),
            t.str("http.method"),
            t.str("http.host"),
            t.str("http.url"),
            t.int("http.ret_code"),
            ua
        );
    }
    Verdict::Keep
}

export_hooks!(checkHTTPFlow => check_http);
