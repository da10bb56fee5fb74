//! flowhook: a network flow probe with nProbe-compatible Lua hooks.
//!
//! This binary only parses the command line, builds the configuration, the
//! hooks and the outputs, runs the engine and prints the exit summary.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;
use engine::config::Source;
use engine::decode::Malformed;
use engine::dissect::Proto;
use engine::export::json::JsonOutput;
use engine::export::Output;
use engine::hook::HookFactory;
use engine::{Config, RunSummary};

mod alloc;

#[derive(Parser, Debug)]
#[command(name = "flowhook", version, disable_version_flag = true, about = "Network flow probe with nProbe-style Lua hooks")]
struct Args {
    /// Print version (-V is nProbe's flow version, so only --version).
    #[arg(long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
    /// Interface to capture on, or a pcap/pcapng file to read.
    #[arg(short = 'i', long = "interface", required_unless_present_any = ["list_keys", "list_elements"])]
    interface: Option<String>,
    /// Print the table keys of every plugin (Markdown, as in the README) and exit.
    #[arg(long = "list-keys")]
    list_keys: bool,
    /// Print the elements -T accepts (nProbe names, ids, lengths) and exit.
    #[arg(long = "list-elements")]
    list_elements: bool,
    /// NetFlow/IPFIX collector [udp://|tcp://]host[:port] (default port 2055; repeatable; tcp:// needs -V 10). "none": no export.
    #[arg(short = 'n', long = "collector", value_name = "HOST:PORT")]
    collectors: Vec<String>,
    /// Export format: 5 (NetFlow v5), 9 (NetFlow v9) or 10 (IPFIX).
    #[arg(short = 'V', long = "flow-version", default_value_t = 9, value_parser = clap::value_parser!(u8).range(5..=10))]
    flow_version: u8,
    /// Template of the exported records and of -P files, nProbe's element names: "%IPV4_SRC_ADDR %L7_PROTO ..." (see --list-elements).
    #[arg(short = 'T', long = "flow-templ", value_name = "TEMPLATE")]
    template: Option<String>,
    /// Also write flows as text files under DIR/YYYY/MM/DD/HH/MM.flows, in the template's columns.
    #[arg(short = 'P', long = "dump-path", value_name = "DIR")]
    dump_path: Option<PathBuf>,
    /// Seconds of packet time per -P file.
    #[arg(short = 'F', long = "dump-frequency", value_name = "SECS", default_value_t = engine::export::textdump::DEFAULT_ROTATE_SECS)]
    dump_frequency: u64,
    /// Largest UDP payload of an export packet, in bytes (1472 fits a 1500-byte MTU).
    #[arg(long = "max-export-payload", value_name = "BYTES", default_value_t = engine::export::netflow::DEFAULT_MAX_PAYLOAD)]
    max_export_payload: usize,
    /// BPF filter applied to the capture (live or file).
    #[arg(short = 'f', long = "filter")]
    filter: Option<String>,
    /// Read capture files with libpcap only (default: classic pcap files
    /// without a filter are read in large blocks, frames passed on in place).
    #[arg(long = "libpcap-reader")]
    libpcap_reader: bool,
    /// Idle timeout in seconds: a flow with no packet for this long is exported.
    #[arg(short = 'd', long = "idle-timeout", default_value_t = 60)]
    idle_timeout: u64,
    /// Lifetime timeout in seconds: a longer flow is exported and goes on as a new flow.
    #[arg(short = 't', long = "lifetime-timeout", default_value_t = 120)]
    lifetime_timeout: u64,
    /// Bound of the flow table; at the bound the least recently seen flow is exported early.
    #[arg(long = "max-flows", default_value_t = engine::config::DEFAULT_MAX_FLOWS)]
    max_flows: usize,
    /// Flow worker threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Write one JSON object per exported flow to this file ("-" for stdout).
    #[arg(long)]
    json: Option<String>,
    /// Plugins that dissect, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    plugins: Option<Vec<String>>,
    /// nProbe-style Lua script with check<PROTO>Flow() functions.
    #[arg(long)]
    lua: Option<PathBuf>,
    /// Sandboxed WebAssembly hook module (repeatable). Runs after --lua.
    #[arg(long)]
    wasm: Vec<PathBuf>,
    /// Wall-clock budget per wasm hook call, in milliseconds.
    #[arg(long = "hook-timeout-ms", default_value_t = engine::hook::wasm::DEFAULT_TIMEOUT_MS)]
    hook_timeout_ms: u64,
    /// Memory cap per wasm instance, in MiB.
    #[arg(long = "wasm-max-memory", value_name = "MIB", default_value_t = engine::hook::wasm::DEFAULT_MAX_MEMORY >> 20)]
    wasm_max_memory_mb: usize,
    /// Consecutive failed calls after which a wasm hook is disabled.
    #[arg(long = "hook-max-failures", default_value_t = engine::hook::wasm::DEFAULT_MAX_FAILURES)]
    hook_max_failures: u32,
    /// Instruction budget per Lua call (0: none).
    #[arg(long = "lua-max-instructions", default_value_t = lua_compat::DEFAULT_MAX_INSTRUCTIONS)]
    lua_max_instructions: u64,
    /// Memory limit of the Lua state in MiB (0: none).
    #[arg(long = "lua-max-memory", value_name = "MIB", default_value_t = lua_compat::DEFAULT_MAX_MEMORY >> 20)]
    lua_max_memory_mb: usize,
    /// Run the script without io, os, debug, require/load/dofile and bytecode.
    #[arg(long = "lua-sandbox")]
    lua_sandbox: bool,
    /// MaxMind ASN database (GeoLite2-ASN.mmdb): fills dns.as, flow.src_as, flow.dst_as.
    #[arg(long = "as-list", value_name = "MMDB")]
    as_list: Option<PathBuf>,
    /// MaxMind City database (GeoLite2-City.mmdb): fills dns.clientcountry, dns.clientcity, flow.*_country.
    #[arg(long = "city-list", value_name = "MMDB")]
    city_list: Option<PathBuf>,
    #[arg(long = "dhcp-dump-dir", value_name = "DIR")]
    dhcp_dump_dir: Option<PathBuf>,
    #[arg(long = "dns-dump-dir", value_name = "DIR")]
    dns_dump_dir: Option<PathBuf>,
    #[arg(long = "ftp-dump-dir", value_name = "DIR")]
    ftp_dump_dir: Option<PathBuf>,
    #[arg(long = "gtpv1-dump-dir", value_name = "DIR")]
    gtpv1_dump_dir: Option<PathBuf>,
    #[arg(long = "http-dump-dir", value_name = "DIR")]
    http_dump_dir: Option<PathBuf>,
    #[arg(long = "imap-dump-dir", value_name = "DIR")]
    imap_dump_dir: Option<PathBuf>,
    #[arg(long = "pop-dump-dir", value_name = "DIR")]
    pop_dump_dir: Option<PathBuf>,
    #[arg(long = "radius-dump-dir", value_name = "DIR")]
    radius_dump_dir: Option<PathBuf>,
    #[arg(long = "sip-dump-dir", value_name = "DIR")]
    sip_dump_dir: Option<PathBuf>,
    #[arg(long = "smtp-dump-dir", value_name = "DIR")]
    smtp_dump_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    alloc::tune();
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("flowhook: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args = Args::parse();
    if args.list_keys {
        print!("{}", key_tables());
        return Ok(ExitCode::SUCCESS);
    }
    if args.list_elements {
        print!("{}", engine::export::netflow::element_list());
        return Ok(ExitCode::SUCCESS);
    }
    let iface = args.interface.clone().unwrap_or_default();
    let source = if std::path::Path::new(&iface).exists() {
        Source::File(PathBuf::from(&iface))
    } else if iface.contains('/') || iface.contains('.') {
        bail!("capture file {iface} not found");
    } else {
        Source::Interface(iface)
    };
    let mut cfg = Config::new(source);
    cfg.bpf = args.filter.clone();
    if args.libpcap_reader {
        cfg.file_reader = engine::config::FileReader::Libpcap;
    }
    if args.idle_timeout == 0 || args.lifetime_timeout == 0 {
        bail!("-d and -t must be at least 1 second");
    }
    cfg.idle_timeout = Duration::from_secs(args.idle_timeout);
    cfg.lifetime_timeout = Duration::from_secs(args.lifetime_timeout);
    if args.max_flows == 0 {
        bail!("--max-flows must be at least 1");
    }
    cfg.max_flows = args.max_flows;
    if let Some(t) = args.threads {
        cfg.threads = t.clamp(1, 256);
    }
    if let Some(list) = &args.plugins {
        let mut ps = Vec::new();
        for name in list.iter().filter(|s| !s.is_empty()) {
            match Proto::parse(name) {
                Some(p) => ps.push(p),
                None => bail!(
                    "unknown plugin '{name}' in --plugins (known: {})",
                    Proto::ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
                ),
            }
        }
        cfg.plugins = ps;
    }
    let dirs = [
        (Proto::Dhcp, &args.dhcp_dump_dir),
        (Proto::Dns, &args.dns_dump_dir),
        (Proto::Ftp, &args.ftp_dump_dir),
        (Proto::Gtpv1, &args.gtpv1_dump_dir),
        (Proto::Http, &args.http_dump_dir),
        (Proto::Imap, &args.imap_dump_dir),
        (Proto::Pop, &args.pop_dump_dir),
        (Proto::Radius, &args.radius_dump_dir),
        (Proto::Sip, &args.sip_dump_dir),
        (Proto::Smtp, &args.smtp_dump_dir),
    ];
    for (p, d) in dirs {
        if let Some(d) = d {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create --{}-dump-dir {}", p.name(), d.display()))?;
            cfg.dump_dirs.push((p, d.clone()));
        }
    }
    cfg.as_db = args.as_list.clone();
    cfg.city_db = args.city_list.clone();
    cfg.progress = std::io::stderr().is_terminal();

    let mut outputs: Vec<Box<dyn Output>> = Vec::new();
    if let Some(j) = &args.json {
        let w: Box<dyn Write + Send> = if j == "-" {
            Box::new(engine::export::stdout::Stdout)
        } else {
            Box::new(BufWriter::new(File::create(j).with_context(|| format!("cannot create --json file {j}"))?))
        };
        outputs.push(Box::new(JsonOutput::new(w)));
    }
    outputs.extend(export_outputs(&args)?);

    let mut hooks: Vec<HookFactory> = Vec::new();
    if let Some(script) = &args.lua {
        let mut o = lua_compat::LuaOptions::new(script.clone());
        o.plugins = cfg.plugins.clone();
        o.max_instructions = args.lua_max_instructions;
        o.max_memory = args.lua_max_memory_mb << 20;
        o.sandbox = args.lua_sandbox;
        hooks.push(lua_compat::factory(o));
    }
    for w in &args.wasm {
        let mut o = engine::hook::wasm::WasmOptions::new(w.clone());
        o.timeout = Duration::from_millis(args.hook_timeout_ms.max(1));
        o.max_memory = args.wasm_max_memory_mb << 20;
        o.max_failures = args.hook_max_failures.max(1);
        o.plugins = cfg.plugins.clone();
        hooks.push(engine::hook::wasm::factory(o));
    }

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed)).context("cannot install the signal handler")?;
    }
    let summary = engine::run(&cfg, hooks, outputs, stop)?;
    print_summary(&summary);
    Ok(ExitCode::SUCCESS)
}

/// The `-n` collectors and the `-P` dump, from `-n -V -T -P -F`.
fn export_outputs(args: &Args) -> Result<Vec<Box<dyn Output>>> {
    use engine::export::netflow::{template, ExportConfig, NetflowOutput};
    let mut outputs: Vec<Box<dyn Output>> = Vec::new();
    let spec = args.template.as_deref().unwrap_or(template::DEFAULT_TEMPLATE);
    let templates = template::parse(spec).map_err(|e| anyhow::anyhow!("-T: {e}"))?;
    if !matches!(args.flow_version, 5 | 9 | 10) {
        bail!("-V {}: the flow version must be 5, 9 or 10 (IPFIX)", args.flow_version);
    }
    let none = args.collectors.iter().any(|c| c == "none");
    if none && args.collectors.len() > 1 {
        bail!("-n none cannot be combined with collectors");
    }
    let collectors: Vec<String> = args.collectors.iter().filter(|c| *c != "none").cloned().collect();
    if !collectors.is_empty() {
        if args.flow_version == 5 && args.template.is_some() {
            eprintln!("[WARN] -T does not apply to NetFlow v5 (fixed record format); ignored for export");
        }
        let cfg = ExportConfig { version: args.flow_version, collectors, template: templates.clone(), max_payload: args.max_export_payload };
        outputs.push(Box::new(NetflowOutput::new(&cfg).map_err(|e| anyhow::anyhow!(e))?));
    }
    if let Some(dir) = &args.dump_path {
        if args.dump_frequency == 0 {
            bail!("-F must be at least 1 second");
        }
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create -P {}", dir.display()))?;
        outputs.push(Box::new(engine::export::textdump::TextDump::new(dir.clone(), templates.given, args.dump_frequency)));
    }
    Ok(outputs)
}

/// The README's key tables, generated from the engine's field lists.
fn key_tables() -> String {
    use engine::table::{FieldDef, Kind};
    let mut out = String::new();
    let mut table = |title: &str, defs: &[FieldDef]| {
        out.push_str(&format!("#### {title}\n\n| key | type | meaning |\n|---|---|---|\n"));
        for d in defs {
            let kind = if d.kind == Kind::Int { "integer" } else { "string" };
            out.push_str(&format!("| `{}` | {kind} | {} |\n", d.key, d.doc.replace('|', "\\|")));
        }
        out.push('\n');
    };
    table("Common keys (every table)", engine::flow::fields::COMMON);
    for p in engine::dissect::plugins() {
        table(&format!("{} (`{}` table, `{}()`)", p.proto.name().to_uppercase(), p.proto.name(), p.proto.check_fn()), p.fields);
    }
    out
}

fn print_summary(s: &RunSummary) {
    let st = &s.stats;
    let mut e = std::io::stderr().lock();
    let _ = writeln!(
        e,
        "[SUMMARY] packets {} bytes {} flows exported {} dropped by hooks {} evicted early {} in {:.2}s",
        st.packets, st.bytes, st.flows_exported, st.flows_dropped, st.flows_evicted, s.elapsed_secs
    );
    let _ = writeln!(e, "[SUMMARY] flows held at once (peak) {}", st.peak_flows);
    if st.malformed_total() > 0 {
        let parts: Vec<String> =
            Malformed::ALL.iter().filter(|m| st.malformed[m.index()] > 0).map(|m| format!("{} {}", m.name(), st.malformed[m.index()])).collect();
        let _ = writeln!(e, "[SUMMARY] malformed packets {}: {}", st.malformed_total(), parts.join(", "));
    }
    if st.datagrams_reassembled + st.datagrams_incomplete > 0 {
        let _ = writeln!(e, "[SUMMARY] fragmented datagrams reassembled {} incomplete {}", st.datagrams_reassembled, st.datagrams_incomplete);
    }
    if st.dissect_truncated > 0 {
        let _ = writeln!(e, "[SUMMARY] dissectors gave up {} (bytes or items past their bounds)", st.dissect_truncated);
    }
    if st.tcp_gaps > 0 {
        let _ = writeln!(e, "[SUMMARY] TCP stream gaps skipped {}", st.tcp_gaps);
    }
    for h in &s.hooks {
        let errs: u64 = h.errors.iter().map(|(_, n)| n).sum();
        let mean = h.total_ns.checked_div(h.calls).unwrap_or(0);
        let detail: Vec<String> = h.errors.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(
            e,
            "[SUMMARY] hook {}: calls {} drops {} errors {}{} mean {} ns/call{}",
            h.name,
            h.calls,
            h.drops,
            errs,
            if detail.is_empty() { String::new() } else { format!(" ({})", detail.join(", ")) },
            mean,
            if h.disabled { " DISABLED" } else { "" }
        );
    }
    for d in s.dumps.iter().filter(|d| d.errors > 0) {
        let _ = writeln!(e, "[SUMMARY] {} dump write errors {}", d.proto, d.errors);
    }
    for o in &s.outputs {
        let mut line = if o.name.starts_with("dump ") {
            format!("[SUMMARY] {}: files {} flows {}", o.name, o.packets, o.flows)
        } else {
            format!("[SUMMARY] export {}: packets {} flows {}", o.name, o.packets, o.flows)
        };
        if o.records != o.flows {
            line.push_str(&format!(" records {}", o.records));
        }
        if o.skipped > 0 {
            line.push_str(&format!(" skipped (IPv6 in v5) {}", o.skipped));
        }
        line.push_str(&format!(" errors {}", o.errors));
        let _ = writeln!(e, "{line}");
    }
    if s.output_errors > 0 {
        let _ = writeln!(e, "[SUMMARY] output errors {}", s.output_errors);
    }
    if let Some((recv, drop, ifdrop)) = s.pcap_stats {
        let _ = writeln!(e, "[SUMMARY] pcap received {recv} dropped {drop} interface dropped {ifdrop}");
    }
    if let Some(b) = &s.broken {
        let _ = writeln!(e, "[WARN] capture file broken {b}; flows up to there were exported");
    }
}
