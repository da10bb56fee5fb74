//! GeoIP and AS enrichment with MaxMind's official test databases
//! (`../shared/geoip/`, values from the JSON they were built from). The DNS
//! flows of `dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap` are rewritten so
//! that the client and server sit in covered networks.

mod common;
use common::*;

fn geo(f: &str) -> String {
    repo(&format!("../shared/geoip/{f}")).to_str().unwrap().to_string()
}

const CAP: &str = "dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap";
const CLIENT: [u8; 4] = [10, 16, 1, 11];
const SERVER: [u8; 4] = [8, 8, 8, 8];

/// 89.160.20.115: GeoLite2-ASN-Test.json 89.160.20.112/29 -> AS29518;
/// GeoLite2-City-Test.json 89.160.20.112/28 -> SE, Linköping.
/// 1.0.0.1: ASN 1.0.0.0/24 -> AS15169 (Google Inc.); no City entry.
#[test]
fn covered_addresses_fill_the_keys() {
    let cap = rewrite_ipv4(&pcap(CAP), &[(CLIENT, [89, 160, 20, 115]), (SERVER, [1, 0, 0, 1])], "geo1.pcap");
    let (asn, city) = (geo("GeoLite2-ASN-Test.mmdb"), geo("GeoLite2-City-Test.mmdb"));
    let flows = json_flows(&cap, &["--as-list", &asn, "--city-list", &city]);
    assert_eq!(flows.len(), 3);
    for f in &flows {
        assert_eq!(s(f, "dns.dns_client"), "89.160.20.115");
        assert_eq!(i(f, "dns.as"), 29518);
        assert_eq!(s(f, "dns.clientcountry"), "SE");
        assert_eq!(s(f, "dns.clientcity"), "Linköping");
        assert_eq!((i(f, "flow.src_as"), i(f, "flow.dst_as")), (29518, 15169));
        assert_eq!((s(f, "flow.src_country"), s(f, "flow.dst_country")), ("SE", ""));
    }
    // The same values reach Lua and wasm: dumpAll.lua and the dump-all guest
    // print identical blocks, and a Lua script reads them.
    let out = flowhook(&["-i", cap.to_str().unwrap(), "--as-list", &asn, "--city-list", &city, "--lua", repo("tests/lua/geo.lua").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().next().unwrap(),
        "89.160.20.115 as=29518 country=SE city=Linköping src_as=29518 dst_as=15169 src_country=SE dst_country="
    );
    let out = flowhook(&[
        "-i",
        cap.to_str().unwrap(),
        "--as-list",
        &asn,
        "--city-list",
        &city,
        "--lua",
        repo("lua/dumpAll.lua").to_str().unwrap(),
        "--wasm",
        guests().join("dump_all.wasm").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let blocks: Vec<&str> = text.split("\n\n").filter(|b| !b.trim().is_empty()).collect();
    assert_eq!(blocks.len(), 6);
    for pair in blocks.chunks(2) {
        assert_eq!(pair[0].trim(), pair[1].trim());
        assert!(pair[0].contains("dns dns.clientcity=Linköping (string)"), "{}", pair[0]);
        assert!(pair[0].contains("dns dns.as=29518 (integer)"));
    }
}

/// 81.2.69.142 is London, GB in the City database and in no ASN network;
/// the untouched capture's private 10.16.1.11 is in neither.
#[test]
fn uncovered_addresses_give_zero_and_empty() {
    let (asn, city) = (geo("GeoLite2-ASN-Test.mmdb"), geo("GeoLite2-City-Test.mmdb"));
    let cap = rewrite_ipv4(&pcap(CAP), &[(CLIENT, [81, 2, 69, 142])], "geo2.pcap");
    let f = &json_flows(&cap, &["--as-list", &asn, "--city-list", &city])[0];
    assert_eq!((i(f, "dns.as"), s(f, "dns.clientcountry"), s(f, "dns.clientcity")), (0, "GB", "London"));
    assert_eq!(i(f, "flow.dst_as"), 0, "8.8.8.8 is not in the test ASN database");
    let f = &json_flows(&pcap(CAP), &["--as-list", &asn, "--city-list", &city])[0];
    assert_eq!((i(f, "dns.as"), s(f, "dns.clientcountry"), s(f, "dns.clientcity")), (0, "", ""));
    assert_eq!((i(f, "flow.src_as"), s(f, "flow.src_country")), (0, ""));
    // Without databases the keys are there, empty.
    let f = &json_flows(&pcap(CAP), &[])[0];
    assert_eq!((i(f, "dns.as"), s(f, "flow.dst_country")), (0, ""));
}

#[test]
fn bad_database_is_a_clear_error_at_start() {
    let full = std::fs::read(geo("GeoLite2-City-Test.mmdb")).unwrap();
    let cut = std::env::temp_dir().join(format!("flowhook-{}-cut.mmdb", std::process::id()));
    std::fs::write(&cut, &full[..full.len() / 3]).unwrap();
    for (opt, file) in [("--city-list", cut.to_str().unwrap().to_string()), ("--as-list", "/nonexistent/GeoLite2-ASN.mmdb".to_string())] {
        let out = flowhook(&["-i", pcap(CAP).to_str().unwrap(), "--json", "-", opt, &file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        assert!(err.contains(&file) && err.contains("database"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

/// The AS numbers reach the export templates too: `%SRC_AS %DST_AS` in the
/// `-P` text dump (the same element table feeds NetFlow v9 and IPFIX).
#[test]
fn as_numbers_reach_the_export_template() {
    let cap = rewrite_ipv4(&pcap(CAP), &[(CLIENT, [89, 160, 20, 115]), (SERVER, [1, 0, 0, 1])], "geo3.pcap");
    let dir = std::env::temp_dir().join(format!("flowhook-{}-geo-dump", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = flowhook(&[
        "-i",
        cap.to_str().unwrap(),
        "--as-list",
        &geo("GeoLite2-ASN-Test.mmdb"),
        "-P",
        dir.to_str().unwrap(),
        "-T",
        "%IPV4_SRC_ADDR %IPV4_DST_ADDR %SRC_AS %DST_AS %DNS_QUERY",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text: String = files_under(&dir).iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows.len(), 3, "{text}");
    for r in rows {
        assert_eq!(&r.split('|').collect::<Vec<_>>()[..4], ["89.160.20.115", "1.0.0.1", "29518", "15169"], "{r}");
        assert!(r.ends_with("|google.com"), "{r}");
    }
}
