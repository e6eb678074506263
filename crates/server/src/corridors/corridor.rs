//! The corridor list (and the secretariat's form that opens one), the corridor's page — route
//! map with its safety radius, rules, ports, status and its history with reasons, the centre's
//! people — and the coordinators' actions on it: status with a reason, members, operators;
//! the secretariat appoints coordinators.

use super::fields::{Fields, corridor_form};
use super::view::{MapLayers, MapWords, readable, route_map, route_of};
use super::words::t;
use super::{Refill, confirmed, failed, json_of, refill, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chamber_app::AppError;
use chamber_app::corridors::{MemberInput, NewCorridor};
use chamber_core::Role;
use chamber_corridors::permissions::{CorridorView, Standing};
use chamber_store::User;
use serde_json::{Value, json};

/// A page's `?done=…` confirmation.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

impl Done {
    /// The confirmation's catalogue key (`corr-done-<what>`), for known actions only.
    pub fn key(&self) -> Option<String> {
        let what = self.done.as_deref()?;
        const KNOWN: &[&str] = &[
            "opened",
            "status",
            "member",
            "operator",
            "coordinator",
            "registered",
            "late",
            "withdrawn",
            "arrived",
            "queued",
            "positions",
            "proposed",
            "approved",
            "held",
            "amended",
            "scheduled",
            "result",
            "signed",
            "refused",
            "notified",
            "acknowledged",
            "imported",
        ];
        KNOWN.contains(&what).then(|| format!("corr-done-{what}"))
    }
}

/// The caller's place in a corridor, for what a page offers.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Me {
    pub username: String,
    pub admin: bool,
    pub coordinator: bool,
    pub centre: bool,
    pub operator: bool,
    /// The party a representative speaks for.
    pub representative: Option<String>,
    /// The party an inspector inspects for.
    pub inspector: Option<String>,
}

impl Me {
    pub fn of(user: &User, view: &CorridorView) -> Me {
        let mut me = Me {
            username: user.username.clone(),
            admin: user.role == Role::Admin,
            ..Me::default()
        };
        match &view.my_standing {
            Some(Standing::Coordinator) => me.coordinator = true,
            Some(Standing::Representative { party }) => me.representative = Some(party.to_string()),
            Some(Standing::Inspector { party }) => me.inspector = Some(party.to_string()),
            Some(Standing::Operator { .. }) => me.operator = true,
            None => {}
        }
        me.centre = view.my_standing.as_ref().is_some_and(Standing::is_centre);
        me
    }
}

/// The corridor every page of it is headed with, and the caller's place in it.
pub struct Header {
    pub view: CorridorView,
    pub me: Me,
}

impl Header {
    pub async fn load(
        state: &SharedState,
        ctx: &Ctx,
        user: &User,
        id: &str,
        format: Format,
    ) -> Result<Header, WebError> {
        let view = state
            .corridors
            .corridor(user, id)
            .await
            .map_err(|e| failed(state, ctx, format, e))?;
        let me = Me::of(user, &view);
        Ok(Header { view, me })
    }

    /// What a page's heading and views need (`corridor`, `me`, `current`).
    pub fn page(&self, current: &str) -> Value {
        json!({
            "corridor": {
                "id": self.view.id.to_string(),
                "name": self.view.name,
                "status": self.view.status.as_str(),
                "designation": json_of(&self.view.designation),
            },
            "me": json_of(&self.me),
            "current": current,
        })
    }
}

/// Merges page-only objects.
pub fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// `GET /corridors`: the corridors the caller takes part in (administrators: all), the form
/// that opens one and the import of the JCC's table (administrators).
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    list_page(
        &state,
        &ctx,
        format,
        user,
        StatusCode::OK,
        json!({"done_key": done.key(), "form": {}}),
    )
    .await
}

/// The list of corridors with `again` (a refused form's values and refusal, or the
/// confirmation) for the page.
async fn list_page(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    user: &User,
    status: StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let list = state
        .corridors
        .corridors(user)
        .await
        .map_err(|e| failed(state, ctx, format, e))?;
    let mut r = show(
        state,
        ctx,
        format,
        "corridors/list.html",
        json!({"corridors": json_of(&list)}),
        merge(json!({"is_admin": user.role == Role::Admin}), again),
    );
    *r.status_mut() = status;
    Ok(r)
}

/// `POST /corridors`: the secretariat opens a corridor — name, designation, parties
/// (`CODE:Name`), route (GeoJSON LineString or `lat,lon; …`), safety radius (`10 nmi`), ports
/// and crossing points, inspection area, rules, first coordinator.
pub async fn open(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let input: Result<NewCorridor, AppError> = f.input(format, corridor_form);
    let opened = match input {
        Ok(input) => state.corridors.open_corridor(user, &input).await,
        Err(e) => Err(e),
    };
    // A refused form comes back filled in and open, the refusal above it.
    let view = match refill(&state, &ctx, format, sent, opened)? {
        Refill::Done(v) => v,
        Refill::Again(again) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return list_page(&state, &ctx, format, user, status, again).await;
        }
    };
    let id = view.id.to_string();
    Ok(format.created(
        &confirmed(&format!("/corridors/{id}"), "opened"),
        json!({"ok": true, "corridor": json_of(&view)}),
    ))
}

/// The route map of a corridor as one viewer sees it.
pub fn map_of(
    state: &SharedState,
    ctx: &Ctx,
    view: &CorridorView,
    layers: &MapLayers<'_>,
) -> Option<String> {
    let route = route_of(&view.route)?;
    let words = MapWords {
        title: t(state, ctx, "corr-map-title", &[("name", view.name.clone())]),
        radius: t(
            state,
            ctx,
            "corr-map-radius",
            &[("radius", view.safety_radius.to_string())],
        ),
        inspection_area: t(state, ctx, "corr-inspection-area", &[]),
        outside: t(state, ctx, "corr-map-outside", &[]),
    };
    Some(route_map(
        &route,
        view.safety_radius.metres(),
        &view.points,
        view.inspection_area.as_ref(),
        layers,
        &words,
    ))
}

/// `GET /corridors/{id}`: the corridor as the caller may see it.
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let data = json_of(&h.view);
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", data, Value::Null));
    }
    let mut data = data;
    readable(&mut data);
    let length_nmi = route_of(&h.view.route).map(|r| (r.length_m() / 1852.0).round());
    let extra = merge(
        h.page("overview"),
        json!({
            "map": map_of(&state, &ctx, &h.view, &MapLayers::default()),
            "radius": h.view.safety_radius.to_string(),
            "length_nmi": length_nmi,
            "done_key": done.key(),
            "may_appoint": user.role == Role::Admin,
        }),
    );
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/corridor.html",
        json!({"view": data}),
        extra,
    ))
}

/// `POST /corridors/{id}/status`: `status` (open, suspended, closed) and its `reason`
/// (coordinators).
pub async fn change_status(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let status = f.text("status").map_err(fail)?;
    let view = state
        .corridors
        .change_status(user, &id, &status, &f.text_or_empty("reason"))
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}"), "status"),
        json!({"corridor": json_of(&view)}),
    ))
}

/// `POST /corridors/{id}/members`: `username`, `role` (coordinator, representative,
/// inspector) and `party` (coordinators).
pub async fn add_member(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let username = f.text("username").map_err(fail)?;
    let role: MemberInput = f.input(format, super::fields::flat).map_err(fail)?;
    let view = state
        .corridors
        .add_member(user, &id, &username, &role)
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}"), "member"),
        json!({"corridor": json_of(&view)}),
    ))
}

/// `POST /corridors/{id}/operators`: `username` and `organisation` (coordinators).
pub async fn add_operator(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let username = f.text("username").map_err(fail)?;
    let view = state
        .corridors
        .add_operator(user, &id, &username, &f.text_or_empty("organisation"))
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}"), "operator"),
        json!({"corridor": json_of(&view)}),
    ))
}

/// `POST /corridors/{id}/coordinators`: `username` (the secretariat: administrators).
pub async fn appoint(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let username = f.text("username").map_err(fail)?;
    let view = state
        .corridors
        .appoint_coordinator(user, &id, &username)
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}"), "coordinator"),
        json!({"corridor": json_of(&view)}),
    ))
}
