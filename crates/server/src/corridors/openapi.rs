//! The corridors operations of the OpenAPI description (`/api/openapi.json`): every path under
//! `/api/v1/corridors/…` with its body and answers.

use serde_json::{Map, Value, json};

fn param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn op(
    summary: &str,
    params: &[&str],
    body: Option<Value>,
    ok: &str,
    errors: &[(&str, &str)],
) -> Value {
    let mut responses = Map::new();
    let (code, description) = ok.split_once(' ').unwrap_or(("200", ok));
    responses.insert(code.into(), json!({"description": description}));
    for (c, d) in errors {
        responses.insert(
            (*c).into(),
            json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    let mut o = json!({
        "summary": summary,
        "tags": ["corridors"],
        "parameters": params.iter().map(|p| param(p)).collect::<Vec<_>>(),
        "responses": responses,
    });
    if let Some(schema) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    o
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

const S: &str = "string";
const NF: (&str, &str) = (
    "404",
    "unknown, or not the caller's to see (another operator's registration answers 404 too)",
);
const BAD: (&str, &str) = ("422", "refused: the message names the field and why");
const NO: (&str, &str) = ("403", "the caller takes part but may not do this");

/// Every corridors path with its operations.
pub fn paths() -> Map<String, Value> {
    let c = "/api/v1/corridors/{id}";
    let r = "/api/v1/corridors/{id}/registrations/{rid}";
    let p = "/api/v1/corridors/{id}/plans/{pid}";
    let i = "/api/v1/corridors/{id}/inspections/{iid}";
    let n = "/api/v1/corridors/{id}/notifications/{nid}";
    let id = &["id"][..];
    let rid = &["id", "rid"][..];
    let pid = &["id", "pid"][..];
    let iid = &["id", "iid"][..];
    let nid = &["id", "nid"][..];
    let s = || json!({"type": S});
    let reason = object(&["reason"], json!({"reason": s()}));
    let movements = json!({"type": "array", "items": object(&["registration", "depart_at"], json!({"registration": s(), "depart_at": {"type": S, "description": "RFC 3339, or 2022-08-03T06:00 (UTC)"}}))});
    let upload = object(
        &["content_base64"],
        json!({"file_name": s(), "content_base64": s(), "sheet": {"type": S, "enum": ["Data", "Data_HXL", "Live"]}}),
    );
    let list: Vec<(String, &str, Value)> = vec![
        (
            "/api/v1/corridors".into(),
            "get",
            op(
                "The corridors the caller takes part in (administrators: all), with the caller's standing",
                &[],
                None,
                "200 {corridors: [{id, name, status, standing}]}",
                &[],
            ),
        ),
        (
            "/api/v1/corridors".into(),
            "post",
            op(
                "Open a corridor (administrators, the secretariat)",
                &[],
                Some(object(
                    &[
                        "name",
                        "designation",
                        "parties",
                        "route",
                        "safety_radius",
                        "registration_lead_hours",
                        "plan_deadline",
                        "approval_deadline",
                        "inspections_per_day",
                    ],
                    json!({
                        "name": s(), "designation": {"type": S, "enum": ["humanitarian", "commercial"]},
                        "parties": {"type": "array", "items": {"type": S, "description": "CODE:Name (UA:Ukraine)"}},
                        "route": {"type": S, "description": "GeoJSON LineString, or waypoints 'lat,lon; lat,lon'"},
                        "safety_radius": {"type": S, "description": "10 nmi, 5 km"},
                        "ports": {"type": "array", "items": {"type": S, "description": "Odesa, or Odesa @ 46.49,30.74"}},
                        "crossing_points": {"type": "array", "items": s()},
                        "inspection_area": {"type": S, "description": "GeoJSON Point or Polygon"},
                        "registration_lead_hours": {"type": "integer"}, "plan_deadline": {"type": S, "description": "HH:MM UTC"},
                        "approval_deadline": {"type": S, "description": "HH:MM UTC"}, "inspections_per_day": {"type": "integer"},
                        "coordinator": {"type": S, "description": "the first coordinator's username"}
                    }),
                )),
                "201 {ok, corridor}",
                &[NO, BAD],
            ),
        ),
        (
            "/api/v1/corridors/import".into(),
            "post",
            op(
                "Import the JCC's table into the Black Sea Grain Initiative's corridor (opened when missing; administrators)",
                &[],
                Some(upload.clone()),
                "201 {ok, import: {voyages, cargo_lines, tonnage, errors: [{sheet, row, column, reason}], …}}",
                &[NO, BAD],
            ),
        ),
        (
            c.into(),
            "get",
            op(
                "The corridor as the caller may see it: route (GeoJSON), safety radius, ports, rules, status and its history with reasons, the centre's people (the centre only)",
                id,
                None,
                "200 corridor view",
                &[NF],
            ),
        ),
        (
            format!("{c}/status"),
            "post",
            op(
                "Open, suspend or close the corridor with a reason (coordinators)",
                id,
                Some(object(
                    &["status", "reason"],
                    json!({"status": {"type": S, "enum": ["open", "suspended", "closed"]}, "reason": s()}),
                )),
                "200 {ok, corridor}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/members"),
            "post",
            op(
                "Admit an account to the centre (coordinators)",
                id,
                Some(object(
                    &["username", "role"],
                    json!({"username": s(), "role": {"type": S, "enum": ["coordinator", "representative", "inspector"]}, "party": s()}),
                )),
                "200 {ok, corridor}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/operators"),
            "post",
            op(
                "Admit an operator: a shipping agent, convoy lead or humanitarian organisation (coordinators)",
                id,
                Some(object(
                    &["username", "organisation"],
                    json!({"username": s(), "organisation": s()}),
                )),
                "200 {ok, corridor}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/coordinators"),
            "post",
            op(
                "Appoint a coordinator (administrators)",
                id,
                Some(object(&["username"], json!({"username": s()}))),
                "200 {ok, corridor}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/registrations"),
            "get",
            op(
                "The registrations the caller may see: the centre all, an operator its own",
                id,
                None,
                "200 {registrations}",
                &[NF],
            ),
        ),
        (
            format!("{c}/registrations"),
            "post",
            op(
                "Register a vessel or convoy (operators). IMO check digit validated; a late registration is stored, flagged and waits for the centre",
                id,
                Some(object(
                    &["carrier", "cargo", "from", "to", "expected_at_inspection"],
                    json!({
                        "carrier": {"oneOf": [
                            object(&["kind", "imo", "name", "flag"], json!({"kind": {"const": "vessel"}, "imo": {"type": S, "description": "IMO 9074729"}, "name": s(), "flag": s()})),
                            object(&["kind", "plates", "composition", "flag"], json!({"kind": {"const": "convoy"}, "plates": {"type": "array", "items": s()}, "composition": s(), "flag": s()})),
                        ]},
                        "cargo": {"type": "array", "items": object(&["commodity", "tonnage", "destination", "consignee"], json!({"commodity": s(), "tonnage": {"type": S, "description": "metric tons: 25000, 2436.99"}, "destination": s(), "consignee": s(), "humanitarian": {"type": "boolean"}}))},
                        "from": s(), "to": s(), "calls": {"type": "array", "items": s()},
                        "expected_at_inspection": {"type": S, "description": "RFC 3339, or 2022-08-03T06:00 (UTC)"},
                        "humanitarian": object(&["organisation", "principles_affirmed"], json!({"organisation": s(), "appeal": s(), "principles_affirmed": {"type": "boolean", "description": "the 46/182 principles"}}))
                    }),
                )),
                "201 {ok, registration: {…, status, late}}",
                &[NF, NO, BAD],
            ),
        ),
        (
            r.into(),
            "get",
            op(
                "One registration with its plans, inspections and incidents",
                rid,
                None,
                "200 registration detail",
                &[NF],
            ),
        ),
        (
            format!("{r}/late"),
            "post",
            op(
                "Accept or refuse a late registration with a reason (coordinators)",
                rid,
                Some(object(
                    &["accepted", "reason"],
                    json!({"accepted": {"type": "boolean"}, "reason": s()}),
                )),
                "200 {ok, registration}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{r}/withdraw"),
            "post",
            op(
                "Withdraw the registration (its operator)",
                rid,
                None,
                "200 {ok, registration}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{r}/arrive"),
            "post",
            op(
                "Record the arrival at the destination (its operator or a coordinator)",
                rid,
                None,
                "200 {ok, registration}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{r}/queue"),
            "post",
            op(
                "The vessel or convoy reached the inspection area: it joins the inspection queue",
                rid,
                None,
                "201 {ok, id, inspection}",
                &[NF, BAD],
            ),
        ),
        (
            format!("{r}/positions"),
            "get",
            op(
                "The registration's position reports in time order",
                rid,
                None,
                "200 {positions: [{at, position: {lat, lon}}]}",
                &[NF],
            ),
        ),
        (
            format!("{r}/positions"),
            "post",
            op(
                "Position reports, checked against the route and its safety radius; deviations and unscheduled stops become incidents every party sees",
                rid,
                Some(json!({"oneOf": [
                    object(&["format", "text"], json!({"format": {"type": S, "enum": ["csv", "json"]}, "text": {"type": S, "description": "CSV with a header naming time, lat, lon; or a JSON array"}})),
                    object(&["reports"], json!({"reports": {"type": "array", "items": object(&["time", "lat", "lon"], json!({"time": s(), "lat": {"type": "number"}, "lon": {"type": "number"}}))}})),
                ]})),
                "200 {ok, check: {reports, total_reports, incidents}}",
                &[NF, BAD],
            ),
        ),
        (
            format!("{c}/plans"),
            "get",
            op(
                "The daily plans the caller may see, newest day first (status proposed, held, approved or lapsed)",
                id,
                None,
                "200 {plans}",
                &[NF],
            ),
        ),
        (
            format!("{c}/plans"),
            "post",
            op(
                "Propose a day's movements by the plan deadline on the day before (a party's representative)",
                id,
                Some(object(
                    &["day", "movements"],
                    json!({"day": {"type": S, "format": "date"}, "movements": movements.clone()}),
                )),
                "201 {ok, plan}",
                &[NF, NO, BAD],
            ),
        ),
        (
            p.into(),
            "get",
            op(
                "One plan: every party of the centre sees the same; an operator its own movements and the status",
                pid,
                None,
                "200 plan view",
                &[NF],
            ),
        ),
        (
            format!("{p}/approve"),
            "post",
            op(
                "Approve the current version for the representative's party, by the approval deadline",
                pid,
                None,
                "200 {ok, plan}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{p}/hold"),
            "post",
            op(
                "Hold the plan for the representative's party, with a reason",
                pid,
                Some(reason.clone()),
                "200 {ok, plan}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{p}/amend"),
            "post",
            op(
                "Replace the movements: a new version every party approves anew",
                pid,
                Some(object(
                    &["movements", "note"],
                    json!({"movements": movements, "note": s()}),
                )),
                "200 {ok, plan}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/inspections"),
            "get",
            op(
                "The queue with expected days and waiting times (the centre) and the inspections the caller may see",
                id,
                None,
                "200 {queue, inspections}",
                &[NF],
            ),
        ),
        (
            i.into(),
            "get",
            op(
                "One inspection: team, result rounds, signatures and refusals",
                iid,
                None,
                "200 inspection view",
                &[NF],
            ),
        ),
        (
            format!("{i}/schedule"),
            "post",
            op(
                "Schedule on a day within its capacity, one inspector per party (coordinators)",
                iid,
                Some(object(
                    &["day"],
                    json!({"day": {"type": S, "format": "date"}, "team": {"type": "array", "items": object(&["party", "inspector"], json!({"party": s(), "inspector": s()}))}}),
                )),
                "200 {ok, inspection}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{i}/result"),
            "post",
            op(
                "Record the result and sign it (a team member); a hold needs its reason",
                iid,
                Some(object(
                    &["outcome"],
                    json!({"outcome": {"type": S, "enum": ["cleared", "hold"]}, "reason": s(), "findings": s()}),
                )),
                "200 {ok, inspection}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{i}/sign"),
            "post",
            op(
                "Sign the result for the member's party",
                iid,
                None,
                "200 {ok, inspection}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{i}/refuse"),
            "post",
            op(
                "Refuse to sign, with a reason: the result is disputed",
                iid,
                Some(reason),
                "200 {ok, inspection}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/incidents"),
            "get",
            op(
                "Deviations and unscheduled stops: every party of the centre sees all, an operator its own",
                id,
                None,
                "200 {incidents}",
                &[NF],
            ),
        ),
        (
            format!("{c}/notifications"),
            "get",
            op(
                "Humanitarian notifications the caller may see, with who acknowledged them (an acknowledgement is not an approval)",
                id,
                None,
                "200 {notifications}",
                &[NF],
            ),
        ),
        (
            format!("{c}/notifications"),
            "post",
            op(
                "Notify a movement or a static site for a time window (operators: humanitarian organisations)",
                id,
                Some(object(
                    &["kind", "geometry", "from", "until", "description"],
                    json!({"kind": {"type": S, "enum": ["movement", "static_site"]}, "geometry": {"type": S, "description": "GeoJSON, or waypoints for a movement"}, "from": s(), "until": s(), "description": s()}),
                )),
                "201 {ok, notification}",
                &[NF, NO, BAD],
            ),
        ),
        (
            n.into(),
            "get",
            op(
                "One notification with its acknowledgements and the statement that they are not approvals",
                nid,
                None,
                "200 notification",
                &[NF],
            ),
        ),
        (
            format!("{n}/acknowledge"),
            "post",
            op(
                "Acknowledge receipt for the representative's party (not an approval)",
                nid,
                None,
                "200 {ok, notification}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/report"),
            "get",
            op(
                "The report on the published voyages: the same object `chamber corridors report --json` prints (voyages, cargo_lines, tonnage, by_commodity, by_destination, by_income_group, by_departure_port, by_month, voyages_per_week, median_days_to_inspection, days_to_inspection, inspections_per_day)",
                id,
                None,
                "200 report",
                &[NF],
            ),
        ),
        (
            format!("{c}/voyages"),
            "get",
            op(
                "Published voyages by sequence number (?offset=&limit=, at most 1,000)",
                id,
                None,
                "200 {total, offset, voyages}",
                &[NF],
            ),
        ),
        (
            format!("{c}/voyages/{{seq}}"),
            "get",
            op(
                "One published voyage",
                &["id", "seq"],
                None,
                "200 voyage",
                &[NF],
            ),
        ),
        (
            format!("{c}/imports"),
            "get",
            op(
                "Every import with its file digest, counts and problems (sheet, row, column, reason)",
                id,
                None,
                "200 {imports}",
                &[NF],
            ),
        ),
        (
            format!("{c}/imports"),
            "post",
            op(
                "Import the JCC's table as published (Data, Data_HXL or Live) into this corridor (coordinators, administrators)",
                id,
                Some(upload),
                "201 {ok, import}",
                &[NF, NO, BAD],
            ),
        ),
        (
            format!("{c}/export/{{file}}"),
            "get",
            op(
                "Exports: voyages.csv (HXL hashtag row), voyages.xlsx (the JCC's layout), commodity.csv, destination.csv, income_group.csv, departure_port.csv, month.csv",
                &["id", "file"],
                None,
                "200 the file",
                &[NF],
            ),
        ),
    ];
    let mut paths = Map::new();
    for (path, method, operation) in list {
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[method] = operation;
    }
    paths
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_described() {
        let paths = super::paths();
        for path in [
            "/api/v1/corridors",
            "/api/v1/corridors/{id}/registrations",
            "/api/v1/corridors/{id}/plans/{pid}/approve",
            "/api/v1/corridors/{id}/inspections/{iid}/refuse",
            "/api/v1/corridors/{id}/export/{file}",
        ] {
            assert!(paths.contains_key(path), "{path}");
        }
        assert!(paths["/api/v1/corridors/{id}/registrations"]["post"]["requestBody"].is_object());
        assert!(paths["/api/v1/corridors"]["get"].is_object());
    }
}
