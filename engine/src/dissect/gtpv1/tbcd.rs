//! Telephony BCD (TBCD) digit strings, as 3GPP TS 29.002 defines
//! `TBCD-STRING` and TS 24.008 §10.5.1.3 lays out the PLMN (MCC/MNC):
//! two digits per octet, the low nibble first, `0xF` as filler. IMSI, MSISDN
//! and IMEI(SV) are TBCD strings; they are short by construction (at most
//! 8 or 9 octets in GTPv1), so decoding is bounded by the caller's slice.

/// TBCD nibble values 0xA..=0xE (TS 29.002: `*`, `#`, `a`, `b`, `c`).
const EXTRA: [char; 5] = ['*', '#', 'a', 'b', 'c'];

fn digit(n: u8) -> char {
    match n {
        0..=9 => char::from(b'0' + n),
        _ => EXTRA.get(usize::from(n) - 10).copied().unwrap_or('?'),
    }
}

/// Decodes a TBCD string; the first filler nibble (`0xF`) ends it.
pub fn decode(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for &o in b {
        for n in [o & 0x0f, o >> 4] {
            if n == 0x0f {
                return s;
            }
            s.push(digit(n));
        }
    }
    s
}

/// Mobile country and network codes of a 3-octet PLMN identity (TS 24.008
/// figure 10.5.3): octet 1 is MCC digit 2|1, octet 2 MNC digit 3|MCC digit
/// 3, octet 3 MNC digit 2|1. A 2-digit MNC has `0xF` as its third digit.
/// The digit strings keep leading zeros (`"06"`, not 6).
pub fn plmn(b: [u8; 3]) -> (String, String) {
    let mcc: String = [b[0] & 0x0f, b[0] >> 4, b[1] & 0x0f].into_iter().map(digit).collect();
    let mut mnc: String = [b[2] & 0x0f, b[2] >> 4].into_iter().map(digit).collect();
    if b[1] >> 4 != 0x0f {
        mnc.push(digit(b[1] >> 4));
    }
    (mcc, mnc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `gtpv1/zeek_gtp_create_pdp_ctx.pcap` frame 2: the IMSI IE value
    /// (tshark e212.imsi 460004100000101) and the MSISDN digits after the
    /// nature/plan octet 0x91 (tshark e164.msisdn 8615221000101).
    #[test]
    fn imsi_and_msisdn() {
        assert_eq!(decode(&[0x64, 0x00, 0x40, 0x01, 0x00, 0x00, 0x01, 0xf1]), "460004100000101");
        assert_eq!(decode(&[0x68, 0x51, 0x22, 0x01, 0x00, 0x01, 0xf1]), "8615221000101");
    }

    /// Same frame, Routing Area Identity: MCC 460, MNC 06 (tshark).
    #[test]
    fn plmn_two_and_three_digit_mnc() {
        assert_eq!(plmn([0x64, 0xf0, 0x60]), ("460".into(), "06".into()));
        // 310-410 (a 3-digit MNC): octets 13 00 14.
        assert_eq!(plmn([0x13, 0x00, 0x14]), ("310".into(), "410".into()));
    }

    #[test]
    fn odd_nibbles_and_filler() {
        assert_eq!(decode(&[0xba, 0xdc, 0x0e]), "*#abc0");
        assert_eq!(decode(&[0x21, 0xff, 0x43]), "12");
        assert_eq!(decode(&[]), "");
    }
}
