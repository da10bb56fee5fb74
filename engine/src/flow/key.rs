//! The direction-independent flow key.

use std::net::IpAddr;

/// (VLAN, protocol, lower endpoint, higher endpoint): the same for both
/// directions of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub vlan: u16,
    pub proto: u8,
    pub a: (IpAddr, u16),
    pub b: (IpAddr, u16),
}

impl FlowKey {
    pub fn new(vlan: u16, proto: u8, src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> FlowKey {
        let (x, y) = ((src, sport), (dst, dport));
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        FlowKey { vlan, proto, a, b }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric() {
        let (c, s): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "8.8.8.8".parse().unwrap());
        assert_eq!(FlowKey::new(0, 17, c, 5000, s, 53), FlowKey::new(0, 17, s, 53, c, 5000));
        assert_ne!(FlowKey::new(0, 17, c, 5000, s, 53), FlowKey::new(1, 17, c, 5000, s, 53));
    }
}
