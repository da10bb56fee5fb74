//! Every example script in `lua/` on its protocol's shared captures, with the
//! output asserted against the captures' oracles (Zeek logs, tshark rows).
//! dnsSearch, dnsDropDomain, dnsTopClients and dnsQueries are covered in
//! lua_hooks.rs and wasm_hooks.rs.

mod common;
use common::*;

fn script_output(script: &str, capture: &str) -> Vec<String> {
    let out = flowhook(&["-i", pcap(capture).to_str().unwrap(), "--lua", repo(&format!("lua/{script}")).to_str().unwrap(), "--threads", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("() error"), "{script}: {err}");
    String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
}

/// zeek_http-pipelined-requests.pcap.zeek-http.log, first row: GET
/// www.mozilla.org /style/enhanced.css 200, Firefox 3.5.5 (Mozilla/5.0 ...).
#[test]
fn http_user_agent() {
    let out = script_output("httpUserAgent.lua", "http/zeek_http-pipelined-requests.pcap");
    assert_eq!(
        out,
        ["192.168.1.104 GET http://www.mozilla.org/style/enhanced.css -> 200 [Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/20091102 Firefox/3.5.5]"]
    );
}

/// zeek_smtp.pcap.zeek-smtp.log: gurpartap@patriots.in -> raj_deol2002in@yahoo.co.in
/// to 74.53.140.153; albert@example.com -> three recipients (Zeek's set order
/// differs from the order sent; compared as sets).
#[test]
fn smtp_senders() {
    let out = script_output("smtpSenders.lua", "smtp/zeek_smtp.pcap");
    assert_eq!(out[0], "mail from gurpartap@patriots.in to raj_deol2002in@yahoo.co.in via 74.53.140.153");
    let second = out.iter().find(|l| l.starts_with("mail from albert@example.com to ")).unwrap();
    let rcpts: std::collections::BTreeSet<&str> = second["mail from albert@example.com to ".len()..].split(" via ").next().unwrap().split(',').collect();
    assert_eq!(rcpts, ["davis_mark1@outlook.com", "ericlim220@yahoo.com", "felica4uu@hotmail.com"].into_iter().collect());
}

/// zeek_dhcp.pcap.zeek-dhcp.log: MAC 90:b1:1c:99:49:29, host name
/// btest.is.cool, assigned 128.2.6.189.
#[test]
fn dhcp_hosts() {
    let out = script_output("dhcpHosts.lua", "dhcp/zeek_dhcp.pcap");
    assert!(out.iter().all(|l| l.contains(" 90:b1:1c:99:49:29")), "{out:?}");
    assert!(out.contains(&"btest.is.cool 90:b1:1c:99:49:29 128.2.6.189".to_string()), "{out:?}");
}

/// zeek_radius.pcap.zeek-radius.log: John.McGuirk from 00:14:22:e9:54:5e via
/// NAS 10.0.0.1; the flow's first response is an Access-Challenge (tshark
/// frame 2, code 11).
#[test]
fn radius_logins() {
    let out = script_output("radiusLogins.lua", "radius/zeek_radius.pcap");
    assert_eq!(out, ["user John.McGuirk from 00-14-22-E9-54-5E nas 10.0.0.1 Access-Challenge"]);
}

/// zeek_ftp-ipv4.pcap.zeek-ftp.log: user anonymous from 141.142.220.235 to
/// 199.233.217.249; the session ends with QUIT, answered 221.
#[test]
fn ftp_logins() {
    let out = script_output("ftpLogins.lua", "ftp/zeek_ftp-ipv4.pcap");
    assert!(out.contains(&"ftp 141.142.220.235 -> 199.233.217.249 user anonymous last QUIT 221".to_string()), "{out:?}");
}

/// zeek_pop3.pcap.zeek-events.out: USER digitalinvestigator@networksims.com;
/// ndpi_imap.pcap tshark frame 11: `C00001 LOGIN samir ...`.
#[test]
fn mail_logins() {
    let pop = script_output("mailLogins.lua", "pop3/zeek_pop3.pcap");
    assert!(pop.contains(&"pop3 192.168.0.4 user digitalinvestigator@networksims.com".to_string()), "{pop:?}");
    let imap = script_output("mailLogins.lua", "imap/ndpi_imap.pcap");
    assert_eq!(imap, ["imap 10.40.4.2 login samir"]);
}

/// zeek_gtp_create_pdp_ctx.pcap.tshark.tsv frames 2-3: IMSI 460004100000101,
/// MSISDN 8615221000101, APN eetest, end user address 192.168.252.130.
#[test]
fn gtp_sessions() {
    let out = script_output("gtpSessions.lua", "gtpv1/zeek_gtp_create_pdp_ctx.pcap");
    assert_eq!(out, ["imsi 460004100000101 msisdn 8615221000101 apn eetest ip 192.168.252.130"]);
}

/// zeek_sip-wireshark.pcap.zeek-sip.log: the INVITE 105090259-446faf7a@192.168.1.2
/// from sip:816666@voip.brurjula.net to sip:97239287044@voip.brujula.net was
/// cancelled.
#[test]
fn sip_calls() {
    let out = script_output("sipCalls.lua", "sip/zeek_sip-wireshark.pcap");
    let call = out.iter().find(|l| l.contains("105090259-446faf7a@192.168.1.2")).unwrap_or_else(|| panic!("{out:?}"));
    assert!(call.starts_with("call 105090259-446faf7a@192.168.1.2 sip:816666@voip.brurjula.net -> sip:97239287044@voip.brujula.net state CALL_CANCELED "), "{call}");
}
