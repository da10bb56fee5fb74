//! Flow export to collectors: NetFlow v5 (`v5.rs`), NetFlow v9 (`v9.rs`,
//! RFC 3954) and IPFIX (`ipfix.rs`, RFC 7011), over UDP or, for IPFIX, TCP
//! (`sender.rs`), with nProbe's element names in `-T` (`elements.rs`,
//! `template.rs`).
//!
//! Only flows the hooks kept reach an output. Every collector receives every
//! flow, with its own sequence numbers. Packet time is the export clock: a
//! capture file read today is exported with its own timestamps, as nProbe
//! does with `--dont-reforge-timestamps`.

pub mod elements;
pub mod ipfix;
pub mod sender;
pub mod template;
pub mod v5;
pub mod v9;

use std::io;

use self::sender::{Proto, Sender};
use self::template::Templates;
use self::v5::V5;
use self::v9::{Flavor, Packer};
use super::{FlowRecord, Output, OutputReport};

/// Default bound of an export packet's UDP payload: an Ethernet MTU of 1500
/// less the IPv4 (20) and UDP (8) headers, so no export packet fragments.
pub const DEFAULT_MAX_PAYLOAD: usize = 1472;
/// Smallest payload bound accepted: a v9 header, the templates and one
/// record need a few hundred bytes; below this nothing useful fits.
pub const MIN_MAX_PAYLOAD: usize = 256;
/// Largest: a UDP datagram's payload over IPv4.
pub const MAX_MAX_PAYLOAD: usize = 65_507;

/// What `-n`, `-V`, `-T` and `--max-export-payload` asked for.
#[derive(Clone, Debug)]
pub struct ExportConfig {
    /// 5, 9 or 10 (IPFIX).
    pub version: u8,
    /// `-n` values (`none` already removed).
    pub collectors: Vec<String>,
    pub template: Templates,
    pub max_payload: usize,
}

/// The "system uptime" NetFlow v5/v9 times count from. The probe's boot is
/// put [`BOOT_MARGIN_MS`] before the first exported flow's first packet; if a
/// later flow starts before it, or uptime would pass 32 bits (49.7 days),
/// the boot moves (the packet under way is sent first, as every record of a
/// packet shares its header's uptime). Collectors compute each flow's time
/// as `unix_secs*1000 - sysUptime + FIRST_SWITCHED`, so times are exact to
/// the millisecond whatever the boot.
#[derive(Clone, Copy, Debug, Default)]
pub struct Uptime {
    boot_ms: Option<u64>,
}

/// Flows reach the exporter in the order they end, so one exported later
/// may have begun earlier, by up to the lifetime timeout (120 s default):
/// an hour covers any sensible `-t` without moving the boot.
pub const BOOT_MARGIN_MS: u64 = 3_600_000;

impl Uptime {
    pub fn boot_ms(&self) -> u64 {
        self.boot_ms.unwrap_or(0)
    }
    /// Whether a record starting at `first_ms`, in a packet stamped up to
    /// `now_ms`, can be expressed with the current boot.
    pub fn fits(&self, first_ms: u64, now_ms: u64) -> bool {
        match self.boot_ms {
            None => false,
            Some(b) => first_ms >= b && now_ms.div_ceil(1000) * 1000 - b <= u64::from(u32::MAX),
        }
    }
    pub fn rebase(&mut self, first_ms: u64) {
        self.boot_ms = Some(first_ms.saturating_sub(BOOT_MARGIN_MS));
    }
}

/// A finished export packet and the number of flows it carries.
pub type Packet = (Vec<u8>, u64);

enum Encoder {
    V5(V5),
    Templated(Packer),
}

struct Collector {
    sender: Sender,
    enc: Encoder,
    label: String,
    /// Flows in packets that were sent without error.
    flows: u64,
    /// Records encoded (v5: one per direction).
    records: u64,
    skipped: u64,
}

/// The `-n` output: one encoder and transport per collector.
pub struct NetflowOutput {
    collectors: Vec<Collector>,
    packets: Vec<Packet>,
}

pub fn version_name(v: u8) -> &'static str {
    match v {
        5 => "NetFlow v5",
        9 => "NetFlow v9",
        _ => "IPFIX",
    }
}

impl NetflowOutput {
    pub fn new(cfg: &ExportConfig) -> Result<NetflowOutput, String> {
        if !matches!(cfg.version, 5 | 9 | 10) {
            return Err(format!("-V {}: the flow version must be 5, 9 or 10 (IPFIX)", cfg.version));
        }
        if !(MIN_MAX_PAYLOAD..=MAX_MAX_PAYLOAD).contains(&cfg.max_payload) {
            return Err(format!("--max-export-payload {}: must be {MIN_MAX_PAYLOAD}..={MAX_MAX_PAYLOAD}", cfg.max_payload));
        }
        let mut collectors = Vec::new();
        for (i, spec) in cfg.collectors.iter().enumerate() {
            let target = sender::parse_target(spec)?;
            if target.proto == Proto::Tcp && cfg.version != 10 {
                return Err(format!("collector {spec}: TCP transport needs IPFIX (-V 10); NetFlow v{} is UDP only", cfg.version));
            }
            let periodic = target.proto == Proto::Udp;
            // Observation domain / source id: the collector's index, so two
            // streams from this probe never mix at one collector.
            let domain = i as u32;
            let enc = match cfg.version {
                5 => Encoder::V5(V5::new(cfg.max_payload)?),
                9 => Encoder::Templated(Packer::new(Flavor::V9, cfg.template.clone(), cfg.max_payload, domain, periodic)?),
                _ => Encoder::Templated(Packer::new(Flavor::Ipfix, cfg.template.clone(), cfg.max_payload, domain, periodic)?),
            };
            let label = format!("{} ({})", target.name, version_name(cfg.version));
            collectors.push(Collector { sender: Sender::new(target)?, enc, label, flows: 0, records: 0, skipped: 0 });
        }
        Ok(NetflowOutput { collectors, packets: Vec::new() })
    }
}

impl Collector {
    /// Sends finished packets; `flows` counts the flows of those that left.
    fn send_packets(&mut self, packets: &mut Vec<Packet>) {
        for (p, flows) in packets.drain(..) {
            if self.sender.needs_templates() {
                if let Encoder::Templated(pk) = &mut self.enc {
                    let t = pk.templates_message();
                    self.sender.send(&t);
                }
            }
            if self.sender.send(&p) {
                self.flows += flows;
            }
        }
    }
}

impl Output for NetflowOutput {
    fn write(&mut self, rec: &FlowRecord) -> io::Result<()> {
        for c in self.collectors.iter_mut() {
            match &mut c.enc {
                Encoder::V5(v) => {
                    let n = v.add(rec, &mut self.packets);
                    if n == 0 {
                        c.skipped += 1;
                    } else {
                        c.records += n as u64;
                    }
                }
                Encoder::Templated(p) => {
                    p.add(rec, &mut self.packets);
                    c.records += 1;
                }
            }
            c.send_packets(&mut self.packets);
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        for c in self.collectors.iter_mut() {
            match &mut c.enc {
                Encoder::V5(v) => v.flush(&mut self.packets),
                Encoder::Templated(p) => p.flush(&mut self.packets),
            }
            c.send_packets(&mut self.packets);
        }
        Ok(())
    }

    /// A quiet link: send what is waiting.
    fn tick(&mut self) {
        let _ = self.flush();
    }

    fn reports(&self) -> Vec<OutputReport> {
        self.collectors
            .iter()
            .map(|c| OutputReport {
                name: c.label.clone(),
                packets: c.sender.packets,
                flows: c.flows,
                records: c.records,
                bytes: c.sender.bytes,
                errors: c.sender.errors,
                skipped: c.skipped,
            })
            .collect()
    }
}

/// `flowhook --list-elements`: every `-T` element with its ids, length and
/// the table key it reads.
pub fn element_list() -> String {
    let mut s = String::from("| element | NetFlow v9 id | IPFIX id | length | value |\n|---|---|---|---|---|\n");
    for e in elements::ELEMENTS {
        let ipfix = match e.ipfix_id() {
            (Some(pen), id) => format!("{pen}.{id}"),
            (None, id) => id.to_string(),
        };
        let len = if e.varlen { format!("{} varlen", e.len) } else { e.len.to_string() };
        let value = match (e.key(), e.src) {
            (Some(k), _) => format!("`{k}`"),
            (None, elements::Src::Zero) => "0 (not known to a probe)".to_string(),
            (None, src) => format!("{src:?}"),
        };
        s.push_str(&format!("| `%{}` | {} | {ipfix} | {len} | {value} |\n", e.name, e.id));
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::flow::fields;
    use crate::table::FieldTable;

    /// A DNS-like IPv4/IPv6 flow: 2 packets, 150 bytes, 249.5 ms long.
    pub(crate) fn rec(src: &str, dst: &str) -> FlowRecord {
        let mut t = FieldTable::default();
        t.push(&fields::SPORT, 1234u16);
        t.push(&fields::DPORT, 53u16);
        t.push(&fields::PROTOCOL, 17u8);
        t.push(&fields::IN_PKTS, 2u64);
        t.push(&fields::IN_BYTES, 150u64);
        t.push(&fields::L7_PROTO_NAME, "DNS");
        FlowRecord {
            proto: None,
            table: t,
            dump: Vec::new(),
            end_secs: 1_000,
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            first_us: 1_000_000_500,
            last_us: 1_000_250_000,
        }
    }

    #[test]
    fn uptime_rebases_for_earlier_flows_and_long_runs() {
        let mut u = Uptime::default();
        assert!(!u.fits(10_000_000, 10_000_000));
        u.rebase(10_000_000);
        assert!(u.fits(10_000_000, 10_000_500));
        assert!(u.fits(10_000_000 - BOOT_MARGIN_MS, 10_000_000));
        assert!(!u.fits(10_000_000 - BOOT_MARGIN_MS - 1, 10_000_000));
        assert!(!u.fits(10_000_000, 10_000_000 + 50 * 86_400_000));
    }
}
