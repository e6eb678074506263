//! What moves through a corridor and what it carries: IMO ship numbers (check digit
//! validated), vehicle plates and convoys, cargo lines with their tonnage.

use crate::error::{Result, clean_line, invalid};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// An IMO ship identification number: seven digits, the last a check digit (the first six
/// weighted 7, 6, 5, 4, 3, 2 from the left; the sum's last digit is the check digit).
/// `IMO 9074729` and `9074729` are both accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "u32")]
pub struct ImoNumber(u32);

impl ImoNumber {
    pub fn parse(raw: &str) -> Result<ImoNumber> {
        let t = raw.trim();
        let t = t
            .strip_prefix("IMO")
            .or_else(|| t.strip_prefix("imo"))
            .unwrap_or(t)
            .trim();
        if t.len() != 7 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("IMO number", "seven digits (e.g. IMO 9074729)"));
        }
        let n: u32 = t
            .parse()
            .map_err(|_| invalid("IMO number", "seven digits"))?;
        Self::from_number(n)
    }

    /// From the number itself (as spreadsheets hold it).
    pub fn from_number(n: u32) -> Result<ImoNumber> {
        if !(1_000_000..=9_999_999).contains(&n) {
            return Err(invalid("IMO number", "seven digits (e.g. IMO 9074729)"));
        }
        if Self::check_digit(n / 10) != n % 10 {
            return Err(invalid(
                "IMO number",
                format!(
                    "check digit of {n} should be {}, not {}",
                    Self::check_digit(n / 10),
                    n % 10
                ),
            ));
        }
        Ok(ImoNumber(n))
    }

    /// The check digit of the first six digits.
    pub fn check_digit(first_six: u32) -> u32 {
        let mut sum = 0;
        let mut rest = first_six;
        for weight in 2..=7 {
            sum += (rest % 10) * weight;
            rest /= 10;
        }
        sum % 10
    }

    /// Does this seven-digit number carry a valid check digit?
    pub fn is_valid(n: u32) -> bool {
        Self::from_number(n).is_ok()
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl From<ImoNumber> for u32 {
    fn from(v: ImoNumber) -> u32 {
        v.0
    }
}

impl fmt::Display for ImoNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IMO {}", self.0)
    }
}

impl<'de> Deserialize<'de> for ImoNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        ImoNumber::from_number(n).map_err(serde::de::Error::custom)
    }
}

/// A vehicle registration plate as written on it: 2–16 letters, digits, spaces or `-`,
/// upper-cased, inner spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct VehiclePlate(String);

impl VehiclePlate {
    pub fn parse(raw: &str) -> Result<VehiclePlate> {
        let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let t = t.to_uppercase();
        let n = t.chars().count();
        if !(2..=16).contains(&n)
            || !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        {
            return Err(invalid("plate", "2 to 16 letters, digits, spaces or '-'"));
        }
        Ok(VehiclePlate(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for VehiclePlate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        VehiclePlate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// What is registered: one vessel, or one road convoy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Carrier {
    Vessel {
        imo: ImoNumber,
        name: String,
        /// The flag state, as a country name.
        flag: String,
    },
    Convoy {
        /// Every vehicle's plate, the lead vehicle first.
        plates: Vec<VehiclePlate>,
        /// What the convoy is made of ("12 trucks, 1 fuel tanker, 2 escort cars").
        composition: String,
        /// The country that registered the lead vehicle.
        flag: String,
    },
}

impl Carrier {
    pub fn vessel(imo: &str, name: &str, flag: &str) -> Result<Carrier> {
        Ok(Carrier::Vessel {
            imo: ImoNumber::parse(imo)?,
            name: clean_line("vessel name", name, 120)?,
            flag: clean_line("flag", flag, 80)?,
        })
    }

    pub fn convoy(plates: &[&str], composition: &str, flag: &str) -> Result<Carrier> {
        if plates.is_empty() {
            return Err(invalid("plates", "a convoy has at least one vehicle"));
        }
        if plates.len() > 500 {
            return Err(invalid("plates", "at most 500 vehicles"));
        }
        let plates = plates
            .iter()
            .map(|p| VehiclePlate::parse(p))
            .collect::<Result<Vec<_>>>()?;
        let mut seen = std::collections::BTreeSet::new();
        for p in &plates {
            if !seen.insert(p) {
                return Err(invalid("plates", format!("{} is listed twice", p.as_str())));
            }
        }
        Ok(Carrier::Convoy {
            plates,
            composition: clean_line("composition", composition, 400)?,
            flag: clean_line("flag", flag, 80)?,
        })
    }

    /// A short label: the vessel's name and IMO number, or the lead plate and the count.
    pub fn label(&self) -> String {
        match self {
            Carrier::Vessel { imo, name, .. } => format!("{name} ({imo})"),
            Carrier::Convoy { plates, .. } => {
                format!("convoy {} ({} vehicles)", plates[0].as_str(), plates.len())
            }
        }
    }
}

/// A mass in metric tons, held in kilograms so sums are exact (the JCC publishes tonnage with
/// up to two decimals).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Tonnage(i64);

impl Tonnage {
    pub const ZERO: Tonnage = Tonnage(0);

    pub fn from_kg(kg: i64) -> Tonnage {
        Tonnage(kg)
    }

    /// From metric tons as a spreadsheet number, rounded to the kilogram. Refuses negative,
    /// non-finite and absurd values (over 10 million t in one line).
    pub fn from_tonnes(t: f64) -> Result<Tonnage> {
        if !t.is_finite() || !(0.0..=10_000_000.0).contains(&t) {
            return Err(invalid(
                "tonnage",
                format!("{t} is not a tonnage between 0 and 10,000,000 t"),
            ));
        }
        Ok(Tonnage((t * 1000.0).round() as i64))
    }

    /// From text typed by a person: `25000`, `25,000`, `2436.99`.
    pub fn parse(raw: &str) -> Result<Tonnage> {
        let t: String = raw
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != ' ')
            .collect();
        let v: f64 = t.parse().map_err(|_| {
            invalid(
                "tonnage",
                format!("'{}' is not a number of tons", raw.trim()),
            )
        })?;
        Self::from_tonnes(v)
    }

    pub fn kg(self) -> i64 {
        self.0
    }

    pub fn tonnes(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl std::ops::Add for Tonnage {
    type Output = Tonnage;
    fn add(self, o: Tonnage) -> Tonnage {
        Tonnage(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Tonnage {
    fn add_assign(&mut self, o: Tonnage) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Tonnage {
    fn sum<I: Iterator<Item = Tonnage>>(iter: I) -> Tonnage {
        Tonnage(iter.map(|t| t.0).sum())
    }
}

impl fmt::Display for Tonnage {
    /// `16,945,661 t`, or `2,436.99 t` when there is a fraction.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        let digits = whole.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if frac != 0 {
            let s = format!("{frac:03}");
            out.push('.');
            out.push_str(s.trim_end_matches('0'));
        }
        write!(f, "{out} t")
    }
}

/// One consignment: what, how much, to which country, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoLine {
    pub commodity: String,
    pub tonnage: Tonnage,
    /// The destination country, as a name.
    pub destination: String,
    pub consignee: String,
    /// Humanitarian cargo (food aid for an appeal, relief items): such a registration needs a
    /// 46/182 designation.
    pub humanitarian: bool,
}

impl CargoLine {
    pub fn new(
        commodity: &str,
        tonnage: Tonnage,
        destination: &str,
        consignee: &str,
        humanitarian: bool,
    ) -> Result<CargoLine> {
        if tonnage.kg() <= 0 {
            return Err(invalid("tonnage", "must be more than 0 t"));
        }
        Ok(CargoLine {
            commodity: clean_line("commodity", commodity, 120)?,
            tonnage,
            destination: clean_line("destination country", destination, 80)?,
            consignee: clean_line("consignee", consignee, 200)?,
            humanitarian,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_check_digit_is_validated() {
        // The IMO's own worked example: 9 0 7 4 7 2 → 9×7+0×6+7×5+4×4+7×3+2×2 = 139 → 9.
        assert_eq!(ImoNumber::check_digit(907472), 9);
        assert_eq!(ImoNumber::parse("IMO 9074729").unwrap().get(), 9074729);
        assert_eq!(
            ImoNumber::parse("9074729").unwrap().to_string(),
            "IMO 9074729"
        );
        // Every wrong last digit is refused, naming the right one.
        for last in (0..10).filter(|d| *d != 9) {
            let n = 9074720 + last;
            let e = ImoNumber::parse(&n.to_string()).unwrap_err();
            assert!(e.to_string().contains("should be 9"), "{e}");
        }
        // A transposition of two digits is caught too.
        assert!(ImoNumber::parse("9704729").is_err());
        // Vessels of the published JCC table (RAZONI, NAVI STAR, ROJEN).
        for n in ["9086526", "9590979", "9754927"] {
            assert!(ImoNumber::parse(n).is_ok(), "{n}");
        }
        for bad in ["", "IMO", "907472", "90747290", "90747a9", "0000000"] {
            assert!(ImoNumber::parse(bad).is_err(), "{bad:?}");
        }
        // Deserialising checks too.
        assert!(serde_json::from_str::<ImoNumber>("9074728").is_err());
        assert_eq!(
            serde_json::from_str::<ImoNumber>("9074729").unwrap().get(),
            9074729
        );
    }

    #[test]
    fn tonnage_is_exact_in_kilograms() {
        let a = Tonnage::from_tonnes(2436.99).unwrap();
        let b = Tonnage::parse("25,000").unwrap();
        assert_eq!((a + b).kg(), 27_436_990);
        assert_eq!((a + b).to_string(), "27,436.99 t");
        assert_eq!(Tonnage::from_kg(16_945_661_000).to_string(), "16,945,661 t");
        assert!(Tonnage::from_tonnes(-1.0).is_err());
        assert!(Tonnage::from_tonnes(f64::NAN).is_err());
        assert!(Tonnage::parse("lots").is_err());
    }

    #[test]
    fn convoys_need_distinct_plates() {
        let c = Carrier::convoy(&["ab 123 cd", "XY-99"], "2 trucks", "Armenia").unwrap();
        assert_eq!(c.label(), "convoy AB 123 CD (2 vehicles)");
        assert!(Carrier::convoy(&[], "none", "X").is_err());
        assert!(Carrier::convoy(&["AB1", "ab1"], "2 trucks", "X").is_err());
        assert!(Carrier::convoy(&["A<script>"], "x", "X").is_err());
    }
}
