//! One reader for a page form's fields and a program's JSON object, so each action has one
//! handler: every value is looked up by name, and a missing or malformed one is refused with
//! a message naming the field.

use chamber_app::AppError;
use serde_json::Value;
use std::collections::HashMap;

/// A form (`name=value` pairs) or a JSON object.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub HashMap<String, Value>);

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
    /// The raw value (a JSON structure such as a list of operations).
    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A text field, trimmed; `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(as_text)
    }

    /// A text field that must be given.
    pub fn text(&self, name: &str) -> Result<String, AppError> {
        self.opt(name)
            .ok_or_else(|| AppError::invalid(format!("{name}: required")))
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

    /// A whole number, when given.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, AppError> {
        self.opt(name)
            .map(|s| {
                s.parse::<T>()
                    .map_err(|_| AppError::invalid(format!("{name}: a whole number, got {s:?}")))
            })
            .transpose()
    }

    /// A list: a JSON array of strings, or text separated by commas, spaces or new lines.
    pub fn list(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
            Some(v) => as_text(v)
                .map(|s| {
                    s.split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        }
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

    /// A date, `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> Result<time::Date, AppError> {
        let v = self.text(name)?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(&v, &fmt)
            .map_err(|_| AppError::invalid(format!("{name}: a date as YYYY-MM-DD, got {v:?}")))
    }

    /// A UTC instant to the minute, `YYYY-MM-DDTHH:MM` (what a `datetime-local` input sends),
    /// or RFC 3339 from a program.
    pub fn instant(&self, name: &str) -> Result<time::OffsetDateTime, AppError> {
        let v = self.text(name)?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
        time::PrimitiveDateTime::parse(&v, &fmt)
            .map(|t| t.assume_utc())
            .or_else(|_| {
                time::OffsetDateTime::parse(&v, &time::format_description::well_known::Rfc3339)
            })
            .map_err(|_| AppError::invalid(format!("{name}: YYYY-MM-DDTHH:MM (UTC), got {v:?}")))
    }

    /// A value of a serde enum named in snake case (`member_state`).
    pub fn choice<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, AppError> {
        let v = self.text(name)?;
        serde_json::from_value(Value::String(v.clone()))
            .map_err(|_| AppError::invalid(format!("{name}: unknown value {v:?}")))
    }

    /// A JSON structure given by a program (or, from a form, as JSON text).
    pub fn structured<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, AppError> {
        let bad = |e: serde_json::Error| AppError::invalid(format!("{name}: {e}"));
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(bad),
            Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(bad),
        }
    }

    /// Every `prefix<key>` field as `(key, value)` (a form's answers: `answer_email`).
    pub fn prefixed(&self, prefix: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_string(), as_text(v)?)))
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&body).unwrap()
    }

    #[test]
    fn a_form_and_json_read_alike() {
        let f = form(&[
            ("name", " Aylar "),
            ("consent", "on"),
            ("capacity", "12"),
            ("covers", "a, b"),
        ]);
        let j: Fields = serde_json::from_str(
            r#"{"name": "Aylar", "consent": true, "capacity": 12, "covers": ["a", "b"]}"#,
        )
        .unwrap();
        for x in [&f, &j] {
            assert_eq!(x.text("name").unwrap(), "Aylar");
            assert!(x.flag("consent"));
            assert_eq!(x.number::<u32>("capacity").unwrap(), Some(12));
            assert_eq!(x.list("covers"), ["a", "b"]);
            assert!(!x.flag("absent"));
        }
        assert_eq!(
            f.text("missing").unwrap_err().to_string(),
            "missing: required"
        );
        let bad = form(&[("capacity", "many")]);
        assert!(
            bad.number::<u32>("capacity")
                .unwrap_err()
                .to_string()
                .contains("capacity")
        );
    }

    #[test]
    fn instants_from_a_form_or_a_program() {
        let f = form(&[("start", "2026-03-10T10:00")]);
        let j: Fields = serde_json::from_str(r#"{"start": "2026-03-10T10:00:00Z"}"#).unwrap();
        assert_eq!(f.instant("start").unwrap(), j.instant("start").unwrap());
        assert!(form(&[("start", "tomorrow")]).instant("start").is_err());
    }
}
