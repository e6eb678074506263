//! The conferences operations of the OpenAPI description (`/api/openapi.json`): every path
//! under `/api/v1/conferences/…`, the Indico export, with their bodies and answers.

use serde_json::{Map, Value, json};

fn param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn op(summary: &str, params: &[&str], ok: &str, errors: &[(&str, &str)]) -> Value {
    let mut responses = Map::new();
    let (code, description) = ok.split_once(' ').unwrap_or(("200", ok));
    responses.insert(code.into(), json!({"description": description}));
    for (c, d) in errors {
        responses.insert(
            (*c).into(),
            json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    json!({
        "summary": summary,
        "tags": ["conferences"],
        "parameters": params.iter().map(|p| param(p)).collect::<Vec<_>>(),
        "responses": responses,
    })
}

const NF: (&str, &str) = ("404", "unknown, or not the caller's to see");
const BAD: (&str, &str) = ("422", "refused: the message names the field and why");
const NO: (&str, &str) = ("403", "not the caller's to do");

/// Every conferences path with its operations.
pub fn paths() -> Map<String, Value> {
    let c = "/api/v1/conferences/{id}";
    let r = "/api/v1/conferences/registrations/{rid}";
    let s = "/api/v1/conferences/{id}/sessions/{sid}";
    let d = "/api/v1/conferences/{id}/delegations/{did}";
    let id = &["id"][..];
    let rid = &["rid"][..];
    let sid = &["id", "sid"][..];
    let did = &["id", "did"][..];
    let entry = &["id", "sid", "entry"][..];
    let list: Vec<(String, &str, Value)> = vec![
        (
            "/api/v1/conferences".into(),
            "get",
            op(
                "Every conference, titled in the caller's language, with the caller's roles",
                &[],
                "200 [{id, title, starts_on, ends_on, location, roles}]",
                &[],
            ),
        ),
        (
            "/api/v1/conferences".into(),
            "post",
            op(
                "Create a conference (administrators): {title, title_fr…, starts_on, ends_on, location}",
                &[],
                "201 {id}",
                &[NO, BAD],
            ),
        ),
        (
            "/api/v1/conferences/purge-documents".into(),
            "post",
            op(
                "Remove documents past retention (administrators): {retention_days}",
                &[],
                "200 {retention_days, cutoff, removed}",
                &[NO],
            ),
        ),
        (
            c.into(),
            "get",
            op(
                "A conference: titles, dates, categories, limits, rooms, timetable, the caller's roles and registration",
                id,
                "200 conference",
                &[NF],
            ),
        ),
        (
            format!("{c}/titles"),
            "post",
            op(
                "The title in one language (secretariat): {lang, title}",
                id,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/policy"),
            "post",
            op(
                "A category's registration (secretariat): {category, open, capacity, waiting_list, required_documents, approvers, fields}",
                id,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/limits"),
            "post",
            op(
                "Delegation limits (secretariat): {representatives, alternates, advisers}",
                id,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/staff"),
            "post",
            op(
                "Give an account a role (secretariat): {username, role: secretariat|accreditation_officer|chair|credentials_committee|door_staff}",
                id,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/staff/revoke"),
            "post",
            op(
                "Take a role back (secretariat): {username, role}",
                id,
                "200 ok",
                &[NO, NF],
            ),
        ),
        (
            format!("{c}/rooms"),
            "post",
            op(
                "Add a room (secretariat): {name, capacity}",
                id,
                "201 {room}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/sessions"),
            "post",
            op(
                "Plan a meeting (secretariat): {title, start, end (UTC), room, agenda}; the answer names clashes",
                id,
                "201 {session, clashes}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/participants"),
            "get",
            op(
                "The list of participants in the UN layout (?lang=), consenting approved people only",
                id,
                "200 {title, lang, sections}",
                &[NF],
            ),
        ),
        (
            format!("{c}/export/{{format}}"),
            "get",
            op(
                "Export: indico | ical | csv | xlsx (registrations: secretariat and officers)",
                &["id", "format"],
                "200 file",
                &[NO, NF],
            ),
        ),
        (
            format!("{c}/registrations"),
            "post",
            op(
                "Register: {category, given_name, family_name, country | organisation, answers, consent}",
                id,
                "201 {registration}",
                &[BAD],
            ),
        ),
        (
            format!("{c}/me"),
            "get",
            op(
                "The caller's registration and waiting-list place",
                id,
                "200 {registration, waiting_place}",
                &[NF],
            ),
        ),
        (
            format!("{c}/queue"),
            "get",
            op(
                "The accreditation officer's queue, keyset pages (?state=&after=&limit=)",
                id,
                "200 {items, total, next}",
                &[NO, BAD],
            ),
        ),
        (
            r.into(),
            "get",
            op(
                "One registration (its holder, its officers, the secretariat)",
                rid,
                "200 registration",
                &[NF],
            ),
        ),
        (
            format!("{r}/documents"),
            "post",
            op(
                "Upload a required document: multipart (kind, document) or JSON {kind, content_base64}; PDF/JPEG/PNG by content, within the size limit",
                rid,
                "201 {document}",
                &[NF, BAD],
            ),
        ),
        (
            format!("{r}/approve"),
            "post",
            op(
                "Approve (the category's officers; every required document present): issues the badge's ticket",
                rid,
                "200 {registration}",
                &[NO, NF, BAD],
            ),
        ),
        (
            format!("{r}/reject"),
            "post",
            op(
                "Reject with the reason the person reads: {reason}",
                rid,
                "200 ok",
                &[NO, NF, BAD],
            ),
        ),
        (
            format!("{r}/withdraw"),
            "post",
            op(
                "Withdraw (the person or the secretariat); the badge stops working",
                rid,
                "200 ok",
                &[NF, BAD],
            ),
        ),
        (
            format!("{r}/badge.svg"),
            "get",
            op(
                "The print-ready badge (SVG, QR ticket); refused for a withdrawn registration",
                rid,
                "200 image/svg+xml",
                &[NF, BAD],
            ),
        ),
        (
            "/api/v1/conferences/documents/{doc}".into(),
            "get",
            op(
                "A document: the category's accreditation officers only; anyone else 404",
                &["doc"],
                "200 the document",
                &[NF],
            ),
        ),
        (
            format!("{c}/check-in"),
            "post",
            op(
                "The door scans a ticket: {ticket} → {answer: valid|already_in|not_approved|withdrawn|unknown, since, message, name, affiliation, category}",
                id,
                "200 answer",
                &[NO, NF],
            ),
        ),
        (
            format!("{c}/delegations"),
            "get",
            op(
                "Delegations with members, credentials and verdicts, and the committee's report",
                id,
                "200 {delegations, report}",
                &[NF],
            ),
        ),
        (
            format!("{c}/delegations"),
            "post",
            op(
                "Open a State's delegation (secretariat): {country (ISO 3166 alpha-3), category}",
                id,
                "201 {delegation}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{d}/members"),
            "post",
            op(
                "Add a member within the limits: {username, function: head|representative|alternate|adviser}",
                did,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{d}/members/remove"),
            "post",
            op("Remove a member: {username}", did, "200 ok", &[NO, NF]),
        ),
        (
            format!("{d}/credentials"),
            "post",
            op(
                "Credentials received (secretariat): {issuer, signatory, issued_on, covers}; issuers without rule 27's authority refused",
                did,
                "201 {credential}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/credentials-report"),
            "get",
            op(
                "The credentials committee's latest report (or null)",
                id,
                "200 {report}",
                &[NF],
            ),
        ),
        (
            format!("{c}/credentials-report"),
            "post",
            op(
                "The committee's report: {verdicts: [{delegation, verdict: accepted|provisional|questioned, reason}]}",
                id,
                "200 {report}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{s}/speakers"),
            "get",
            op(
                "A meeting's speakers' list: current speaker, remaining seconds, the list (screen)",
                sid,
                "200 list",
                &[NF],
            ),
        ),
        (
            format!("{s}/speakers"),
            "post",
            op(
                "Inscribe a delegation: {delegation, kind: statement|explanation_of_vote|right_of_reply}",
                sid,
                "201 {entry}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{s}/speakers/{{entry}}/slot"),
            "post",
            op(
                "Give up a slot; the entry goes to the end: {delegation}",
                entry,
                "200 ok",
                &[NO, NF],
            ),
        ),
        (
            format!("{s}/speakers/{{entry}}/withdraw"),
            "post",
            op(
                "Withdraw an entry: {delegation}",
                entry,
                "200 ok",
                &[NO, NF],
            ),
        ),
        (
            format!("{s}/swap"),
            "post",
            op(
                "The chair swaps two entries with both delegations' consent: {a, b, consent}",
                sid,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{s}/limits"),
            "post",
            op(
                "The chair's time limits in seconds: {statement, explanation_of_vote, right_of_reply, second_right_of_reply}",
                sid,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{s}/next"),
            "post",
            op(
                "The chair gives the floor to the next speaker",
                sid,
                "200 {current}",
                &[NO],
            ),
        ),
        (
            format!("{s}/finish"),
            "post",
            op(
                "The chair ends the current intervention",
                sid,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/outcome"),
            "get",
            op(
                "The outcome document: current version, amendments the caller may see, adopted version",
                id,
                "200 outcome",
                &[NF],
            ),
        ),
        (
            format!("{c}/outcome"),
            "post",
            op(
                "The chair's first draft: {title, preamble, operative} (lines, [brackets]), note",
                id,
                "201 {version}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/outcome/amendments"),
            "post",
            op(
                "A delegation member proposes: {base_version, operations, explanation} or {paragraph, text, explanation}",
                id,
                "201 {amendment}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/outcome/versions"),
            "post",
            op(
                "The chair issues a version: {decisions, edits, note}",
                id,
                "201 {version}",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/outcome/adopt"),
            "post",
            op(
                "The chair adopts a version with nothing in brackets: {version}",
                id,
                "200 ok",
                &[NO, BAD],
            ),
        ),
        (
            format!("{c}/outcome.akn"),
            "get",
            op(
                "Akoma Ntoso of the adopted text (?lang=)",
                id,
                "200 application/akn+xml",
                &[NF],
            ),
        ),
        (
            "/export/event/{file}".into(),
            "get",
            op(
                "The conference in Indico's export layout ({id}.json: count, results[title, startDate, endDate, contributions])",
                &["file"],
                "200 application/json",
                &[NF],
            ),
        ),
    ];
    let mut paths = Map::new();
    for (path, method, operation) in list {
        let entry = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        entry[method] = operation;
    }
    paths
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_described() {
        let p = super::paths();
        assert!(p["/api/v1/conferences/{id}/check-in"]["post"]["summary"].is_string());
        assert!(p["/api/v1/conferences/{id}/delegations"]["get"].is_object());
        assert!(p["/api/v1/conferences/{id}/delegations"]["post"].is_object());
        assert!(p.len() >= 40, "{} paths", p.len());
    }
}
