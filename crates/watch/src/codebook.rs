//! Codebooks as data tables (see `codebooks/`): CAMEO event codes with QuadClass, Goldstein and
//! PLOVER crosswalk; countries with ISO 3166 alpha-3/alpha-2/numeric, FIPS 10-4 and GW codes;
//! country names as the datasets spell them.

use std::collections::HashMap;
use std::sync::OnceLock;

const CAMEO_EVENTS: &str = include_str!("../codebooks/cameo_events.tsv");
const COUNTRIES: &str = include_str!("../codebooks/countries.tsv");
const FIPS_EXTRA: &str = include_str!("../codebooks/fips_extra.tsv");
const COUNTRY_NAMES: &str = include_str!("../codebooks/country_names.tsv");

/// One CAMEO event code.
#[derive(Debug, Clone)]
pub struct CameoCode {
    pub code: &'static str,
    pub quad_class: u8,
    pub goldstein: Option<f32>,
    pub plover_event: &'static str,
    pub plover_mode: &'static str,
    pub plover_context: &'static str,
    pub description: &'static str,
}

/// All tables, parsed once.
pub struct Codebooks {
    cameo: Map<&'static str, CameoCode>,
    iso3: Map<&'static str, &'static str>,
    fips: Map<&'static str, &'static str>,
    isonum: Map<u32, &'static str>,
    gw: Map<u32, &'static str>,
    names: Map<String, &'static str>,
    /// CAMEO actor country codes of three capital letters → ISO3, by `letter index`.
    cameo3: Vec<Option<&'static str>>,
    /// FIPS codes of a capital letter and a capital letter or digit → ISO3.
    fips2: Vec<Option<&'static str>>,
}

/// `AAA` → 0..17576.
fn idx3(code: &[u8]) -> Option<usize> {
    match code {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z', c @ b'A'..=b'Z'] => {
            Some(((a - b'A') as usize * 26 + (b - b'A') as usize) * 26 + (c - b'A') as usize)
        }
        _ => None,
    }
}

/// `AA`/`A1` → 0..936.
fn idx2(code: &[u8]) -> Option<usize> {
    let second = |b: u8| match b {
        b'A'..=b'Z' => Some((b - b'A') as usize),
        b'0'..=b'9' => Some(26 + (b - b'0') as usize),
        _ => None,
    };
    match code {
        [a @ b'A'..=b'Z', b] => Some((a - b'A') as usize * 36 + second(*b)?),
        _ => None,
    }
}

/// Lookups run once per field per row: a fast hasher for short keys.
type Map<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
}

/// The codebooks (parsed on first use).
pub fn codebooks() -> &'static Codebooks {
    static CB: OnceLock<Codebooks> = OnceLock::new();
    CB.get_or_init(|| {
        let mut cameo = Map::default();
        for r in rows(CAMEO_EVENTS) {
            let c = CameoCode {
                code: r[0],
                quad_class: r[1].parse().unwrap_or(0),
                goldstein: r[2].parse().ok(),
                plover_event: r[3],
                plover_mode: r[4],
                plover_context: r[5],
                description: r.get(6).copied().unwrap_or(""),
            };
            cameo.insert(r[0], c);
        }
        let (mut iso3, mut fips, mut isonum, mut gw, mut names) = (
            Map::default(),
            Map::default(),
            Map::default(),
            Map::default(),
            Map::default(),
        );
        for r in rows(COUNTRIES) {
            let code = r[0];
            iso3.insert(code, r[5]);
            if !r[3].is_empty() {
                fips.insert(r[3], code);
            }
            if let Ok(n @ 1..) = r[2].parse::<u32>() {
                isonum.insert(n, code);
            }
            if let Ok(n) = r[4].parse::<u32>() {
                gw.entry(n).or_insert(code);
            }
            names.insert(r[5].to_lowercase(), code);
        }
        for r in rows(FIPS_EXTRA) {
            fips.insert(r[0], r[1]);
        }
        for r in rows(COUNTRY_NAMES) {
            if r.len() >= 2 && r[1].len() == 3 {
                names.insert(r[0].to_lowercase(), r[1]);
            }
        }
        // Kosovo and the former Antilles are absent from ISO proper but used by the datasets.
        iso3.entry("ANT").or_insert("Netherlands Antilles");
        let mut cb = Codebooks {
            cameo,
            iso3,
            fips,
            isonum,
            gw,
            names,
            cameo3: Vec::new(),
            fips2: Vec::new(),
        };
        // Direct tables for the per-row lookups, filled from the maps (same answers).
        let mut cameo3 = vec![None; 26 * 26 * 26];
        for (i, slot) in cameo3.iter_mut().enumerate() {
            let code = [
                b'A' + (i / 676) as u8,
                b'A' + (i / 26 % 26) as u8,
                b'A' + (i % 26) as u8,
            ];
            *slot = cb.cameo_country_slow(std::str::from_utf8(&code).unwrap_or(""));
        }
        let mut fips2 = vec![None; 26 * 36];
        for (code, iso) in &cb.fips {
            if let Some(i) = idx2(code.as_bytes()) {
                fips2[i] = Some(*iso);
            }
        }
        cb.cameo3 = cameo3;
        cb.fips2 = fips2;
        cb
    })
}

impl Codebooks {
    /// The CAMEO entry for a code (`"0834"`, `"14"`), if the codebook has it.
    pub fn cameo(&self, code: &str) -> Option<&CameoCode> {
        self.cameo.get(code)
    }

    /// Number of CAMEO codes known.
    pub fn cameo_len(&self) -> usize {
        self.cameo.len()
    }

    /// Country name for an ISO3 code.
    pub fn country_name(&self, iso3: &str) -> Option<&'static str> {
        self.iso3.get(iso3).copied()
    }

    /// Is this a known ISO 3166 alpha-3 code?
    pub fn is_iso3(&self, code: &str) -> bool {
        self.iso3.contains_key(code)
    }

    /// FIPS 10-4 (GDELT geography) → ISO3.
    pub fn fips_to_iso3(&self, fips: &str) -> Option<&'static str> {
        if let Some(i) = idx2(fips.as_bytes()) {
            return self.fips2.get(i).copied().flatten();
        }
        self.fips.get(fips).copied()
    }

    /// ISO 3166 numeric (ACLED `iso`) → ISO3.
    pub fn isonum_to_iso3(&self, n: u32) -> Option<&'static str> {
        self.isonum.get(&n).copied()
    }

    /// Gleditsch–Ward / COW number (UCDP `gwno`) → ISO3.
    pub fn gw_to_iso3(&self, n: u32) -> Option<&'static str> {
        self.gw.get(&n).copied()
    }

    /// A country name as the datasets write it → ISO3.
    pub fn name_to_iso3(&self, name: &str) -> Option<&'static str> {
        self.names.get(&name.trim().to_lowercase()).copied()
    }

    /// A CAMEO actor country code (`"GEO"`, `"ROM"`, `"ZAR"`…) → ISO3 when it denotes a country.
    pub fn cameo_country_to_iso3(&self, code: &str) -> Option<&'static str> {
        if let Some(i) = idx3(code.as_bytes()) {
            return self.cameo3.get(i).copied().flatten();
        }
        // Most actors have no country code: no ISO3 is empty.
        if code.is_empty() {
            return None;
        }
        self.cameo_country_slow(code)
    }

    fn cameo_country_slow(&self, code: &str) -> Option<&'static str> {
        let code = code.trim();
        let alias = match code {
            "ROM" => "ROU",
            "ZAR" => "COD",
            "TMP" => "TLS",
            "KSV" | "KOS" => "XKX",
            "BUR" => "MMR",
            other => other,
        };
        self.iso3.get_key_value(alias).map(|(k, _)| *k)
    }
}

/// QuadClass from a CAMEO root code (01–05 verbal cooperation … 14–20 material conflict).
pub fn quad_class_of_root(root: u8) -> u8 {
    match root {
        1..=5 => 1,
        6..=8 => 2,
        9..=13 => 3,
        14..=20 => 4,
        _ => 0,
    }
}

/// QuadClass of a PLOVER event category.
pub fn quad_class_of_plover(event: &str) -> u8 {
    match event.trim().to_ascii_uppercase().as_str() {
        "AGREE" | "CONSULT" | "SUPPORT" | "REQUEST" => 1,
        "CONCEDE" | "COOPERATE" | "AID" | "RETREAT" => 2,
        "DEMAND" | "DISAPPROVE" | "REJECT" | "THREATEN" | "ACCUSE" => 3,
        "PROTEST" | "MOBILIZE" | "SANCTION" | "COERCE" | "ASSAULT" => 4,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_with_known_facts() {
        let cb = codebooks();
        assert!(cb.cameo_len() > 300, "{}", cb.cameo_len());
        let c = cb.cameo("145").unwrap();
        assert_eq!(c.quad_class, 4);
        assert_eq!(c.goldstein, Some(-7.5));
        assert_eq!(c.plover_event, "PROTEST");
        assert_eq!(cb.cameo("042").unwrap().goldstein, Some(1.9));
        assert_eq!(cb.fips_to_iso3("GG"), Some("GEO"));
        assert_eq!(cb.fips_to_iso3("UK"), Some("GBR"));
        assert_eq!(cb.fips_to_iso3("AS"), Some("AUS"));
        assert_eq!(cb.fips_to_iso3("GZ"), Some("PSE"));
        assert_eq!(cb.isonum_to_iso3(275), Some("PSE"));
        assert_eq!(cb.isonum_to_iso3(887), Some("YEM"));
        assert_eq!(cb.gw_to_iso3(771), Some("BGD"));
        assert_eq!(cb.name_to_iso3("Bangladesh"), Some("BGD"));
        assert_eq!(cb.name_to_iso3("vietnam"), Some("VNM"));
        assert_eq!(cb.cameo_country_to_iso3(" AZE"), Some("AZE"));
        assert_eq!(cb.cameo_country_to_iso3("AFR"), None);
        assert_eq!(quad_class_of_root(19), 4);
        assert_eq!(quad_class_of_plover("agree"), 1);
    }
}
