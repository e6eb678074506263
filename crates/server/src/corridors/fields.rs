//! One reader for a page form's fields and a program's JSON object, so each action has one
//! handler. A program sends the application layer's input as JSON (`RegistrationInput`,
//! `PlanInput`, …); a page form sends flat `name=value` pairs, which are shaped here into the
//! same JSON before either is read — so both go through one deserialisation and one use case.
//! A missing or malformed value is refused with a message naming the field.

use crate::error::Format;
use chamber_app::AppError;
use serde_json::{Map, Value, json};

/// A form (`name=value` pairs) or a JSON object.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Map<String, Value>);

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

impl Fields {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(as_text)
    }

    /// A text field that must be given.
    pub fn text(&self, name: &str) -> Result<String, AppError> {
        self.opt(name)
            .ok_or_else(|| AppError::invalid(format!("{name}: required")))
    }

    /// Text that may be empty (a reason the domain checks itself).
    pub fn text_or_empty(&self, name: &str) -> String {
        self.opt(name).unwrap_or_default()
    }

    /// A checkbox (`on`, `yes`, `true`, `1`) or a JSON boolean; absent is false.
    pub fn flag(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(v) => as_text(v).is_some_and(|s| {
                matches!(s.to_ascii_lowercase().as_str(), "on" | "yes" | "true" | "1")
            }),
            None => false,
        }
    }

    /// A whole number from a form (`"44"`) or a program (`44`).
    pub fn number(&self, name: &str) -> Result<u32, AppError> {
        let s = self.text(name)?;
        s.parse::<u32>()
            .map_err(|_| AppError::invalid(format!("{name}: a whole number, got {s:?}")))
    }

    /// Lines of a text area (or a JSON array of strings), blank lines dropped.
    pub fn lines(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
            Some(Value::String(s)) => s
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Every `prefix<key>` field as `(key, value)`, in key order.
    pub fn prefixed(&self, prefix: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_string(), as_text(v)?)))
            .collect();
        v.sort();
        v
    }

    /// The application layer's input: a program's JSON as it is, a page form shaped by `form`.
    pub fn input<T: serde::de::DeserializeOwned>(
        self,
        format: Format,
        form: impl FnOnce(&Fields) -> Result<Value, AppError>,
    ) -> Result<T, AppError> {
        let value = match format {
            Format::Json => Value::Object(self.0),
            Format::Page => form(&self)?,
        };
        serde_json::from_value(value).map_err(|e| AppError::invalid(format!("body: {e}")))
    }
}

/// A corridor as the secretariat's form gives it: parties, ports and crossing points one a line.
pub fn corridor_form(f: &Fields) -> Result<Value, AppError> {
    Ok(json!({
        "name": f.text_or_empty("name"),
        "designation": f.text("designation")?,
        "parties": f.lines("parties"),
        "route": f.text("route")?,
        "safety_radius": f.text("safety_radius")?,
        "ports": f.lines("ports"),
        "crossing_points": f.lines("crossing_points"),
        "inspection_area": f.opt("inspection_area"),
        "registration_lead_hours": f.number("registration_lead_hours")?,
        "plan_deadline": f.text("plan_deadline")?,
        "approval_deadline": f.text("approval_deadline")?,
        "inspections_per_day": f.number("inspections_per_day")?,
        "coordinator": f.opt("coordinator"),
    }))
}

/// How many cargo lines the registration form offers.
pub const CARGO_ROWS: usize = 4;

/// A registration as the operator's form gives it: the carrier, up to [`CARGO_ROWS`] cargo
/// lines (`cargo_<n>_commodity`, `…_tonnage`, `…_destination`, `…_consignee`,
/// `…_humanitarian`; empty lines skipped), the itinerary and the 46/182 designation.
pub fn registration_form(f: &Fields) -> Result<Value, AppError> {
    let carrier = match f.opt("carrier").as_deref().unwrap_or("vessel") {
        "convoy" => json!({
            "kind": "convoy",
            "plates": f.lines("plates"),
            "composition": f.text_or_empty("composition"),
            "flag": f.text_or_empty("flag"),
        }),
        _ => json!({
            "kind": "vessel",
            "imo": f.text_or_empty("imo"),
            "name": f.text_or_empty("vessel_name"),
            "flag": f.text_or_empty("flag"),
        }),
    };
    let mut cargo = Vec::new();
    for n in 1..=CARGO_ROWS {
        let get = |what: &str| f.text_or_empty(&format!("cargo_{n}_{what}"));
        let line = [
            get("commodity"),
            get("tonnage"),
            get("destination"),
            get("consignee"),
        ];
        if line.iter().all(String::is_empty) {
            continue;
        }
        let [commodity, tonnage, destination, consignee] = line;
        cargo.push(json!({
            "commodity": commodity,
            "tonnage": tonnage,
            "destination": destination,
            "consignee": consignee,
            "humanitarian": f.flag(&format!("cargo_{n}_humanitarian")),
        }));
    }
    let humanitarian = f.opt("organisation").map(|organisation| {
        json!({
            "organisation": organisation,
            "appeal": f.opt("appeal"),
            "principles_affirmed": f.flag("principles_affirmed"),
        })
    });
    Ok(json!({
        "carrier": carrier,
        "cargo": cargo,
        "from": f.text_or_empty("from"),
        "to": f.text_or_empty("to"),
        "calls": f.lines("calls"),
        "expected_at_inspection": f.text("expected_at_inspection")?,
        "humanitarian": humanitarian,
    }))
}

/// Movements as a plan form gives them: a box `move_<registration>` ticked for each vessel or
/// convoy that moves, its departure `depart_<registration>` as `HH:MM` (UTC) on the plan's day.
pub fn movements_form(f: &Fields, day: &str) -> Vec<Value> {
    f.prefixed("move_")
        .into_iter()
        .filter(|(_, v)| matches!(v.as_str(), "on" | "yes" | "true" | "1"))
        .map(|(id, _)| {
            let at = f.text_or_empty(&format!("depart_{id}"));
            let depart_at = if at.len() <= 5 {
                format!("{day}T{at}")
            } else {
                at
            };
            json!({"registration": id, "depart_at": depart_at})
        })
        .collect()
}

/// A plan as a representative's form gives it.
pub fn plan_form(f: &Fields) -> Result<Value, AppError> {
    let day = f.text("day")?;
    Ok(json!({"movements": movements_form(f, &day), "day": day}))
}

/// A schedule as the coordinator's form gives it: the day and `inspector_<PARTY>` per party
/// (none chosen: the first inspector of every party).
pub fn schedule_form(f: &Fields) -> Result<Value, AppError> {
    let team: Vec<Value> = f
        .prefixed("inspector_")
        .into_iter()
        .map(|(party, inspector)| json!({"party": party, "inspector": inspector}))
        .collect();
    Ok(json!({"day": f.text("day")?, "team": team}))
}

/// The form's fields as they are (the input's fields are flat).
pub fn flat(f: &Fields) -> Result<Value, AppError> {
    Ok(Value::Object(f.0.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamber_app::corridors::movements::{PlanInput, RegistrationInput};

    fn form(pairs: &[(&str, &str)]) -> Fields {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&body).unwrap()
    }

    #[test]
    fn a_registration_form_and_its_json_read_alike() {
        let f = form(&[
            ("carrier", "vessel"),
            ("imo", "IMO 9074729"),
            ("vessel_name", "RAZONI"),
            ("flag", "Sierra Leone"),
            ("cargo_1_commodity", "corn"),
            ("cargo_1_tonnage", "26,527"),
            ("cargo_1_destination", "Lebanon"),
            ("cargo_1_consignee", "Tripoli Grain"),
            ("cargo_3_commodity", ""),
            ("from", "Odesa"),
            ("to", "Tripoli"),
            ("calls", "Istanbul\n\n"),
            ("expected_at_inspection", "2022-08-03T06:00"),
        ]);
        let from_form: RegistrationInput = f.input(Format::Page, registration_form).unwrap();
        let json: Fields = serde_json::from_value(json!({
            "carrier": {"kind": "vessel", "imo": "IMO 9074729", "name": "RAZONI", "flag": "Sierra Leone"},
            "cargo": [{"commodity": "corn", "tonnage": "26,527", "destination": "Lebanon", "consignee": "Tripoli Grain"}],
            "from": "Odesa", "to": "Tripoli", "calls": ["Istanbul"],
            "expected_at_inspection": "2022-08-03T06:00"
        }))
        .unwrap();
        let from_json: RegistrationInput = json.input(Format::Json, registration_form).unwrap();
        assert_eq!(format!("{from_form:?}"), format!("{from_json:?}"));
        assert_eq!(from_form.cargo.len(), 1);
        assert_eq!(from_form.calls, ["Istanbul"]);
    }

    #[test]
    fn a_plan_form_gives_its_ticked_movements_on_its_day() {
        let f = form(&[
            ("day", "2022-08-03"),
            ("move_aa", "on"),
            ("depart_aa", "06:30"),
            ("depart_bb", "07:00"),
        ]);
        let p: PlanInput = f.input(Format::Page, plan_form).unwrap();
        assert_eq!(p.movements.len(), 1);
        assert_eq!(p.movements[0].registration, "aa");
        assert_eq!(p.movements[0].depart_at, "2022-08-03T06:30");
        let missing = form(&[("move_aa", "on")]);
        assert_eq!(
            missing
                .input::<PlanInput>(Format::Page, plan_form)
                .unwrap_err()
                .to_string(),
            "day: required"
        );
    }
}
