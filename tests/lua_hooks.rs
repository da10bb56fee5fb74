//! Lua hooks: nProbe's documented example verbatim, verdicts, misbehaving
//! scripts (each must leave the probe running and every flow exported), the
//! sandbox, and state that accumulates across flows whatever `--threads` is.

mod common;
use common::*;


fn run(args: &[&str]) -> (String, String, bool) {
    let out = flowhook(args);
    (String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into(), out.status.success())
}

fn summary_num(stderr: &str, label: &str) -> u64 {
    let at = stderr.find(label).unwrap_or_else(|| panic!("no '{label}' in: {stderr}"));
    stderr[at + label.len()..].split_whitespace().next().unwrap().parse().unwrap()
}

fn kv_line(k: &str, v: &serde_json::Value) -> String {
    format!("k: {k} v: {}", v.as_str().map_or_else(|| v.to_string(), String::from))
}

/// The guide's `dnsSearch.lua`, unchanged, on every shared DNS capture: one
/// `k: v:` line per key of every DNS flow, exactly the common and DNS keys,
/// with the values `--json` shows for the same flows (whose DNS values the
/// tshark tests check). Lua's `pairs` order is unspecified, so the lines are
/// compared as a multiset.
#[test]
fn guide_example_prints_every_key_of_every_dns_flow() {
    for rel in [
        "dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap",
        "dns/tcpdump_dns_tcp.pcap",
        "dns/ndpi_dns_fragmented.pcap",
        "dns/ndpi_dns-pppoe.pcap",
        "dns/zeek_dns53.pcap",
        "dns/ndpi_malformed_dns.pcap",
    ] {
        let dump = std::env::temp_dir().join(format!("flowhook-dnsdump-{}", std::process::id()));
        let (stdout, stderr, ok) =
            run(&["-i", pcap(rel).to_str().unwrap(), "--lua", repo("lua/dnsSearch.lua").to_str().unwrap(), "--dns-dump-dir", dump.to_str().unwrap(), "--threads", "1"]);
        assert!(ok, "{rel}: {stderr}");
        assert!(stderr.contains("[LUA] Successfully interpreted "), "{stderr}");
        assert!(stderr.contains("1 plugin(s) enabled"), "{stderr}");
        let mut got: Vec<String> = stdout.lines().filter(|l| l.starts_with("k: ")).map(String::from).collect();
        let pids = got.iter().filter(|l| l.starts_with("k: nprobe.pid v: ")).count();
        assert!(got.iter().filter(|l| l.starts_with("k: nprobe.pid v: ")).all(|l| l[17..].parse::<u32>().is_ok()));
        got.retain(|l| !l.starts_with("k: nprobe.pid "));
        let flows: Vec<Flow> = json_flows(&pcap(rel), &["--threads", "1"]).into_iter().filter(|f| i(f, "flow.l7_proto") == 5).collect();
        let mut want: Vec<String> = flows.iter().flat_map(|f| f.iter().filter(|(k, _)| *k != "nprobe.pid").map(|(k, v)| kv_line(k, v))).collect();
        assert_eq!(pids, flows.len(), "{rel}: one block per DNS flow");
        got.sort();
        want.sort();
        assert_eq!(got, want, "{rel}");
        assert!(dump.exists(), "{rel}: the dump dir was written");
        let _ = std::fs::remove_dir_all(dump);
    }
    // Known values of the sample's first flow (tshark frames 1-2).
    let (stdout, _, _) = run(&["-i", repo("samples/dns-google-a-aaaa-mx.pcap").to_str().unwrap(), "--lua", repo("lua/dnsSearch.lua").to_str().unwrap()]);
    for line in [
        "k: flow.from v: 10.16.1.11",
        "k: flow.to v: 8.8.8.8",
        "k: flow.sport v: 55398",
        "k: flow.dport v: 53",
        "k: flow.protocol v: 17",
        "k: flow.beginTime v: 1494364058",
        "k: flow.duration v: 1",
        "k: flow.l7_proto v: 5",
        "k: dns.query v: google.com",
        "k: dns.dns_client v: 10.16.1.11",
        "k: dns.as v: 0",
        "k: dns.clientcountry v: ",
    ] {
        assert!(stdout.lines().any(|l| l == line), "missing {line:?}");
    }
}

/// `lua/dnsDropDomain.lua` drops the flows for google.com: all three flows of
/// the sample are gone from `--json`, and counted.
#[test]
fn verdict_false_drops_the_flow() {
    let cap = pcap("dns/ndpi_dns-pppoe.pcap");
    let all = json_flows(&cap, &[]);
    let (stdout, stderr, ok) = run(&["-i", cap.to_str().unwrap(), "--json", "-", "--lua", repo("lua/dnsDropDomain.lua").to_str().unwrap()]);
    assert!(ok, "{stderr}");
    // www.l.google.com (frame 1) is under google.com; e7.whatsapp.net is not.
    let kept = parse_json_lines(&stdout);
    assert_eq!(all.len(), 2);
    assert_eq!(kept.len(), 1);
    assert_eq!(s(&kept[0], "dns.query"), "e7.whatsapp.net");
    assert_eq!(summary_num(&stderr, "dropped by hooks "), 1);
    assert!(stdout.contains("dropped DNS flow"), "{stdout}");
}

#[test]
fn runtime_errors_are_counted_and_flows_kept() {
    let cap = pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap");
    let (stdout, stderr, ok) = run(&["-i", cap.to_str().unwrap(), "--json", "-", "--lua", repo("tests/lua/errors.lua").to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert_eq!(parse_json_lines(&stdout).len(), 3, "every flow exported");
    assert!(stdout.contains("ok 22038"));
    assert!(stderr.contains("tests/lua/errors.lua:9: boom on purpose"), "{stderr}");
    assert!(stderr.contains("tests/lua/errors.lua:11:") && stderr.contains("no_such_function"), "{stderr}");
    assert!(stderr.contains("errors 2 (checkDNSFlow runtime 2)"), "{stderr}");
}

#[test]
fn syntax_error_stops_before_capture() {
    let (stdout, stderr, ok) =
        run(&["-i", pcap("dns/zeek_dns53.pcap").to_str().unwrap(), "--json", "-", "--lua", repo("tests/lua/syntax.lua").to_str().unwrap()]);
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(stderr.contains("tests/lua/syntax.lua:4:"), "{stderr}");
    assert!(!stderr.contains("[SUMMARY]"));
}

#[test]
fn infinite_loop_is_stopped_by_the_instruction_budget() {
    let cap = pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap");
    let t0 = std::time::Instant::now();
    let (stdout, stderr, ok) =
        run(&["-i", cap.to_str().unwrap(), "--json", "-", "--lua", repo("tests/lua/loop.lua").to_str().unwrap(), "--lua-max-instructions", "1000000"]);
    assert!(ok, "{stderr}");
    assert_eq!(parse_json_lines(&stdout).len(), 3);
    assert!(stderr.contains("checkDNSFlow instructions 3"), "{stderr}");
    eprintln!("3 looping calls stopped in {:?}", t0.elapsed());
}

#[test]
fn memory_bomb_is_stopped_by_the_memory_limit() {
    let cap = pcap("dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap");
    let (stdout, stderr, ok) = run(&[
        "-i",
        cap.to_str().unwrap(),
        "--json",
        "-",
        "--lua",
        repo("tests/lua/membomb.lua").to_str().unwrap(),
        "--lua-max-memory",
        "16",
        "--lua-max-instructions",
        "0",
    ]);
    assert!(ok, "{stderr}");
    assert_eq!(parse_json_lines(&stdout).len(), 3);
    assert!(stderr.contains("checkDNSFlow memory 3"), "{stderr}");
}

#[test]
fn sandbox_removes_dangerous_libraries() {
    let cap = pcap("dns/zeek_dns53.pcap");
    let script = repo("tests/lua/sandbox.lua");
    let (open, _, _) = run(&["-i", cap.to_str().unwrap(), "--lua", script.to_str().unwrap()]);
    assert!(open.contains("io=table os=table load=function require=function"), "{open}");
    let (closed, stderr, ok) = run(&["-i", cap.to_str().unwrap(), "--lua", script.to_str().unwrap(), "--lua-sandbox"]);
    assert!(ok, "{stderr}");
    assert!(closed.contains("io=nil os=nil load=nil require=nil debug=nil"), "{closed}");
}

#[test]
fn check_function_of_a_disabled_plugin_is_warned_about() {
    let cap = pcap("dns/zeek_dns53.pcap");
    let (stdout, stderr, ok) = run(&["-i", cap.to_str().unwrap(), "--lua", repo("tests/lua/http_only.lua").to_str().unwrap(), "--plugins", "dns"]);
    assert!(ok);
    assert!(stderr.contains("defines checkHTTPFlow() but the http plugin is disabled"), "{stderr}");
    assert!(stderr.contains("1 plugin(s) enabled"));
    assert_eq!(stdout.trim(), "dns");
}

/// `lua/dnsTopClients.lua` counts DNS transactions per client across flows
/// and prints the totals at the end: identical with 1 and 2 threads.
#[test]
fn stateful_script_totals_do_not_depend_on_threads() {
    let cap = pcap("mixed/ndpi_1kxun.pcap");
    let script = repo("lua/dnsTopClients.lua");
    let (one, _, ok1) = run(&["-i", cap.to_str().unwrap(), "--lua", script.to_str().unwrap(), "--threads", "1"]);
    let (two, _, ok2) = run(&["-i", cap.to_str().unwrap(), "--lua", script.to_str().unwrap(), "--threads", "2"]);
    assert!(ok1 && ok2);
    assert_eq!(one, two);
    // 192.168.115.8 sent 14 DNS/LLMNR/mDNS queries in this capture
    // (tshark -Y "(dns||llmnr||mdns) && ip.src==192.168.115.8 && dns.flags.response==0": 14 rows).
    assert!(one.contains("  1 192.168.115.8 "), "{one}");
    assert!(one.lines().next().unwrap().starts_with("DNS transactions: "), "{one}");
}
