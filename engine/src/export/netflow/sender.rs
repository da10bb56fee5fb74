//! Transports to one collector: UDP (a connected socket; NetFlow v5/v9 and
//! IPFIX) and TCP (IPFIX only, RFC 7011 §10.4: messages back to back on one
//! connection). Send errors are counted and reported once, never fatal: a
//! collector that is down (UDP: the kernel's ICMP port unreachable shows up
//! as ECONNREFUSED on a later send) or a broken TCP connection costs the
//! packets, not the capture. TCP reconnects after [`TCP_RETRY_SECS`].

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

/// NetFlow's usual collector port (nProbe's `-n` default).
pub const DEFAULT_PORT: u16 = 2055;
/// A TCP collector that refused or dropped the connection is tried again
/// after this long; packets in between are counted as errors.
pub const TCP_RETRY_SECS: u64 = 5;
/// Bound on a TCP connect or write, so a stuck collector cannot stall the
/// exporter thread (and with it the capture) for long.
const TCP_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Udp,
    Tcp,
}

/// A parsed `-n` value.
#[derive(Clone, Debug)]
pub struct Target {
    pub proto: Proto,
    pub addr: SocketAddr,
    /// As given, for messages.
    pub name: String,
}

/// Parses `[udp://|tcp://]host[:port]` (`[v6]:port` for IPv6 literals) and
/// resolves the host.
pub fn parse_target(spec: &str) -> Result<Target, String> {
    let (proto, rest) = if let Some(r) = spec.strip_prefix("udp://") {
        (Proto::Udp, r)
    } else if let Some(r) = spec.strip_prefix("tcp://") {
        (Proto::Tcp, r)
    } else if let Some((scheme, _)) = spec.split_once("://") {
        return Err(format!("collector {spec}: unsupported transport {scheme}:// (udp:// or tcp://)"));
    } else {
        (Proto::Udp, spec)
    };
    let rest = rest.trim_end_matches('/');
    let with_port = if rest.starts_with('[') {
        if rest.contains("]:") {
            rest.to_string()
        } else {
            format!("{rest}:{DEFAULT_PORT}")
        }
    } else if rest.matches(':').count() == 1 {
        rest.to_string()
    } else if rest.contains(':') {
        format!("[{rest}]:{DEFAULT_PORT}")
    } else {
        format!("{rest}:{DEFAULT_PORT}")
    };
    let addr = with_port
        .to_socket_addrs()
        .map_err(|e| format!("collector {spec}: {e}"))?
        .next()
        .ok_or_else(|| format!("collector {spec}: no address"))?;
    let scheme = if proto == Proto::Udp { "udp" } else { "tcp" };
    Ok(Target { proto, addr, name: format!("{scheme}://{addr}") })
}

enum Link {
    Udp(UdpSocket),
    Tcp { stream: Option<TcpStream>, retry_at: Option<Instant> },
}

pub struct Sender {
    pub target: Target,
    link: Link,
    pub packets: u64,
    pub bytes: u64,
    pub errors: u64,
    reported: bool,
}

impl Sender {
    pub fn new(target: Target) -> Result<Sender, String> {
        let link = match target.proto {
            Proto::Udp => {
                let local: SocketAddr = if target.addr.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|e| format!("{e}"))?;
                let s = UdpSocket::bind(local).map_err(|e| format!("collector {}: cannot open a UDP socket: {e}", target.name))?;
                s.connect(target.addr).map_err(|e| format!("collector {}: {e}", target.name))?;
                Link::Udp(s)
            }
            Proto::Tcp => Link::Tcp { stream: None, retry_at: None },
        };
        Ok(Sender { target, link, packets: 0, bytes: 0, errors: 0, reported: false })
    }

    /// Before a packet: true when a new TCP connection was just made (the
    /// caller then sends its templates first). A failed connect is counted.
    pub fn needs_templates(&mut self) -> bool {
        match &mut self.link {
            Link::Udp(_) => false,
            Link::Tcp { stream, retry_at } => {
                if stream.is_some() {
                    return false;
                }
                if retry_at.is_some_and(|t| Instant::now() < t) {
                    return false;
                }
                match TcpStream::connect_timeout(&self.target.addr, TCP_TIMEOUT) {
                    Ok(s) => {
                        let _ = s.set_write_timeout(Some(TCP_TIMEOUT));
                        let _ = s.set_nodelay(true);
                        *stream = Some(s);
                        *retry_at = None;
                        true
                    }
                    Err(e) => {
                        *retry_at = Some(Instant::now() + Duration::from_secs(TCP_RETRY_SECS));
                        self.errors += 1;
                        self.report(&e);
                        false
                    }
                }
            }
        }
    }

    /// Sends one export packet; false if it could not (counted).
    pub fn send(&mut self, pkt: &[u8]) -> bool {
        let r: io::Result<()> = match &mut self.link {
            Link::Udp(s) => s.send(pkt).map(|_| ()),
            Link::Tcp { stream, retry_at } => match stream.as_mut() {
                Some(s) => {
                    let r = s.write_all(pkt);
                    if r.is_err() {
                        *stream = None;
                        *retry_at = Some(Instant::now() + Duration::from_secs(TCP_RETRY_SECS));
                    }
                    r
                }
                None => Err(io::Error::new(io::ErrorKind::NotConnected, "not connected")),
            },
        };
        match r {
            Ok(()) => {
                self.packets += 1;
                self.bytes += pkt.len() as u64;
                true
            }
            Err(e) => {
                self.errors += 1;
                self.report(&e);
                false
            }
        }
    }

    fn report(&mut self, e: &io::Error) {
        if !self.reported {
            self.reported = true;
            eprintln!("[EXPORT] collector {}: {e} (export goes on; further errors counted silently)", self.target.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_specs() {
        let t = parse_target("127.0.0.1").unwrap();
        assert_eq!((t.proto, t.addr.port()), (Proto::Udp, DEFAULT_PORT));
        let t = parse_target("tcp://127.0.0.1:4739").unwrap();
        assert_eq!((t.proto, t.addr.port(), t.name.as_str()), (Proto::Tcp, 4739, "tcp://127.0.0.1:4739"));
        let t = parse_target("udp://[::1]:9995").unwrap();
        assert!(t.addr.is_ipv6());
        assert_eq!(parse_target("::1").unwrap().addr.port(), DEFAULT_PORT);
        assert_eq!(parse_target("localhost:9996").unwrap().addr.port(), 9996);
        assert!(parse_target("sctp://127.0.0.1").is_err());
    }

    #[test]
    fn a_collector_that_is_not_listening_costs_counted_errors() {
        // A port nobody listens on: bind one, note it, close it.
        let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut s = Sender::new(parse_target(&format!("127.0.0.1:{port}")).unwrap()).unwrap();
        for _ in 0..5 {
            s.send(b"x");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(s.errors >= 1, "ICMP port unreachable is reported on a later send");
        let tport = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut t = Sender::new(parse_target(&format!("tcp://127.0.0.1:{tport}")).unwrap()).unwrap();
        assert!(!t.needs_templates());
        t.send(b"x");
        assert_eq!(t.errors, 2);
    }
}
