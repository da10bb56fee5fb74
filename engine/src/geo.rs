//! GeoIP and AS enrichment from MaxMind databases (GeoLite2-ASN,
//! GeoLite2-City), read with the `maxminddb` crate, memory-mapped. Looked up
//! once per flow endpoint when the flow's table is built, never per packet.
//! An address the database does not cover gives `0` / `""`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use maxminddb::{geoip2, Mmap, Reader};

use crate::table::FieldDef;

pub const SRC_AS: FieldDef = FieldDef::int("flow.src_as", "AS number of flow.from (0 without an AS database or entry)");
pub const DST_AS: FieldDef = FieldDef::int("flow.dst_as", "AS number of flow.to");
pub const SRC_COUNTRY: FieldDef = FieldDef::str("flow.src_country", "ISO country code of flow.from (\"\" without a city database or entry)");
pub const DST_COUNTRY: FieldDef = FieldDef::str("flow.dst_country", "ISO country code of flow.to");

#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("cannot load {what} database {path}: {msg}")]
    Load { what: &'static str, path: PathBuf, msg: String },
}

/// What the databases say about one address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeoInfo {
    pub asn: u32,
    /// ISO 3166 country code.
    pub country: String,
    /// City, English name.
    pub city: String,
}

#[derive(Default)]
pub struct Geo {
    asn: Option<Reader<Mmap>>,
    city: Option<Reader<Mmap>>,
}

fn open(what: &'static str, path: &Path) -> Result<Reader<Mmap>, GeoError> {
    let err = |msg: String| GeoError::Load { what, path: path.to_path_buf(), msg };
    if !path.is_file() {
        return Err(err("no such file".into()));
    }
    // SAFETY: the database file is mapped read-only and must not be modified
    // in place while the probe runs; operators replace GeoIP databases by
    // renaming a new file over the old one, which leaves this mapping intact.
    #[allow(unsafe_code)]
    let r = unsafe { Reader::open_mmap(path) }.map_err(|e| err(e.to_string()))?;
    // A truncated file can still open; a lookup finds the damage early.
    let probe: IpAddr = IpAddr::from([1, 0, 0, 1]);
    r.lookup(probe).map_err(|e| err(e.to_string()))?;
    Ok(r)
}

impl Geo {
    pub fn open(asn: Option<&Path>, city: Option<&Path>) -> Result<Geo, GeoError> {
        Ok(Geo { asn: asn.map(|p| open("AS", p)).transpose()?, city: city.map(|p| open("city", p)).transpose()? })
    }

    pub fn is_empty(&self) -> bool {
        self.asn.is_none() && self.city.is_none()
    }

    pub fn lookup(&self, ip: IpAddr) -> GeoInfo {
        let mut g = GeoInfo::default();
        if let Some(r) = &self.asn {
            if let Ok(Some(a)) = r.lookup(ip).and_then(|l| l.decode::<geoip2::Asn>()) {
                g.asn = a.autonomous_system_number.unwrap_or(0);
            }
        }
        if let Some(r) = &self.city {
            if let Ok(Some(c)) = r.lookup(ip).and_then(|l| l.decode::<geoip2::City>()) {
                g.country = c.country.iso_code.unwrap_or("").to_string();
                g.city = c.city.names.english.unwrap_or("").to_string();
            }
        }
        g
    }
}
