//! The README's promises: its first two commands, CI running the second, and
//! key tables that match the code's field lists.

mod common;
use common::*;

#[test]
fn readme_starts_with_the_two_commands_and_ci_runs_the_test_one() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let first_block = readme.split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
    let cmds: Vec<&str> = first_block.lines().map(|l| l.split('#').next().unwrap().trim()).filter(|l| !l.is_empty()).collect();
    assert_eq!(cmds, ["scripts/run-sample", "scripts/test"]);
    let ci = std::fs::read_to_string(repo(".ci/run")).unwrap();
    assert!(ci.contains("exec scripts/test"), "{ci}");
    assert!(repo("samples/dns-google-a-aaaa-mx.pcap").exists());
}

#[test]
fn readme_key_tables_match_the_field_lists() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let a = readme.find("<!-- keys:begin -->\n").unwrap() + "<!-- keys:begin -->\n".len();
    let b = readme.find("<!-- keys:end -->").unwrap();
    let out = flowhook(&["--list-keys"]);
    assert_eq!(&readme[a..b], String::from_utf8_lossy(&out.stdout), "README keys differ: regenerate with flowhook --list-keys");
}
