//! `chamber serve --demo`: a platform where a newcomer sees every capability at once — the
//! demonstration peace process and its accounts, events with an alert in Watch, resolutions in
//! the Library, a consultation with its opinion map.
//!
//! With the shared data at hand (`CHAMBER_SHARED_DIR`, or `../shared` beside the current
//! folder) it loads the real Georgia events (GDELT 1.0, July–October 2012, the escalation of
//! 19–21 September), the General Assembly's resolutions in six languages, and a Pol.is
//! conversation (CC BY 4.0, the Computational Democracy Project). Without it, a small set the
//! project makes itself: synthetic monthly fatality events with an escalation, the demo's own
//! negotiating text as a library document, and a synthetic consultation with two camps. Each
//! part is loaded once: a data directory that already holds it is left as it is.

use crate::config::Config;
use crate::{Fatal, actor, app_error, failure};
use chamber_store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the shared data is, if anywhere.
fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHAMBER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared"));
    dir.join("data").is_dir().then_some(dir)
}

/// Load everything the demonstration shows; prints what it did.
pub async fn load(
    config: &Config,
    store: &Arc<Store>,
    keys: Arc<chamber_mediation::confidential::Keyring>,
) -> Result<Vec<String>, Fatal> {
    let data = chamber_app::DataDir::new(&config.data);
    let shared = shared_dir();
    let mut said = Vec::new();
    let mediation = chamber_app::mediation::Mediation::new(store.clone(), Some(keys));
    let demo_mediator = store
        .login_lookup(chamber_mediation::demo::MEDIATOR)
        .await
        .map_err(|e| failure(e.to_string()))?;
    let seeded = match &demo_mediator {
        Some((u, _)) => !mediation.list(u).await.map_err(app_error)?.is_empty(),
        None => false,
    };
    if !seeded {
        let s = chamber_app::demo::seed(store, &mediation, &actor())
            .await
            .map_err(app_error)?;
        said.push(format!(
            "demonstration peace process {} (sealed)",
            s.process
        ));
    }
    // Watch.
    let watch = data.watch();
    if !watch.join("parts").exists() && !has_files(&watch) {
        std::fs::create_dir_all(&watch)
            .map_err(|e| failure(format!("{}: {e}", watch.display())))?;
        let files: Vec<PathBuf> = match &shared {
            Some(s) => ["july2012.csv", "aug2012.csv", "sept2012.csv", "oct2012.csv"]
                .iter()
                .map(|f| s.join("data/events/gdelt1-georgia/individual_csvs").join(f))
                .filter(|p| p.exists())
                .collect(),
            None => vec![synthetic_events(&config.data)?],
        };
        let root = watch.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            chamber_watch::store::Store::new(&root).ingest(&files, None, false)
        })
        .await
        .map_err(|e| failure(e.to_string()))?;
        said.push(format!(
            "{} events in Watch ({})",
            outcome.total().stored,
            if shared.is_some() {
                "GDELT 1.0, Georgia, July–October 2012"
            } else {
                "synthetic, for the demonstration"
            }
        ));
    }
    // Library.
    if !data.library().index().exists() {
        let paths: Vec<PathBuf> = match &shared {
            Some(s) => vec![s.join("data/undocs/unxml-ga/fixtures")],
            None => vec![demo_text_as_akn(&config.data)?],
        };
        let code = chamber_library::cli::run(chamber_library::cli::LibraryCommand::Ingest {
            data: config.data.clone(),
            paths,
        });
        if code == 0 {
            said.push("resolutions in the Library".into());
        } else {
            said.push(format!("the Library could not be loaded (exit {code})"));
        }
    }
    // Consultations.
    if store
        .list_consultations()
        .await
        .map_err(|e| failure(e.to_string()))?
        .is_empty()
    {
        let imported = match &shared {
            Some(s)
                if s.join("data/consultations/scoop-hivemind.biodiversity")
                    .exists() =>
            {
                chamber_app::consult::import_folder(
                    store,
                    &actor(),
                    &s.join("data/consultations/scoop-hivemind.biodiversity"),
                    Some("Biodiversity (Pol.is, CC BY 4.0, The Computational Democracy Project)"),
                )
                .await
                .map_err(app_error)?
            }
            _ => {
                let dir = config.data.join("demo").join("consultation");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| failure(format!("{}: {e}", dir.display())))?;
                chamber_consult::polis::write_export(&dir, &synthetic_consultation(), None)
                    .map_err(|e| failure(format!("{}: {e}", dir.display())))?;
                chamber_app::consult::import_folder(
                    store,
                    &actor(),
                    &dir,
                    Some("A corridor for the harvest (synthetic)"),
                )
                .await
                .map_err(app_error)?
            }
        };
        said.push(format!(
            "a consultation: {} statements, {} participants, {} votes",
            imported.statements, imported.participants, imported.votes
        ));
    }
    Ok(said)
}

fn has_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

/// Monthly fatality events in UCDP GED's own layout: two quiet years, then an escalation.
fn synthetic_events(data: &Path) -> Result<PathBuf, Fatal> {
    const HEADER: &str = "id,relid,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,country,country_id,region,adm_1,latitude,longitude,date_start,date_end,best,high,low";
    let mut text = format!("{HEADER}\n");
    let mut id = 1;
    for month in 0..30u32 {
        let (year, m) = (2022 + month / 12, month % 12 + 1);
        let deaths: &[u32] = match month {
            0..=25 => &[2, 1],
            26 => &[40, 55, 60, 35],
            27 => &[90, 120, 75],
            _ => &[20, 10],
        };
        for (k, d) in deaths.iter().enumerate() {
            let day = 3 + 7 * k as u32;
            text.push_str(&format!(
                "{id},DEMO-{id},{year},1,Demonstration conflict (synthetic),Government of Georgia - Demonstration rebels,Government of Georgia,Demonstration rebels,Georgia,372,Europe,Shida Kartli,42.2,43.97,{year}-{m:02}-{day:02} 00:00:00.000,{year}-{m:02}-{day:02} 00:00:00.000,{d},{},{}\n",
                d + d / 4,
                d - d / 5,
            ));
            id += 1;
        }
    }
    let path = data.join("demo").join("ged-synthetic.csv");
    std::fs::create_dir_all(path.parent().expect("has a parent"))
        .and_then(|_| std::fs::write(&path, text))
        .map_err(|e| failure(format!("{}: {e}", path.display())))?;
    Ok(path)
}

/// The demonstration's negotiating text as Akoma Ntoso, for the Library.
fn demo_text_as_akn(data: &Path) -> Result<PathBuf, Fatal> {
    let xml = chamber_app::demo::negotiating_text_akn().map_err(app_error)?;
    let path = data.join("demo").join("negotiating-text.xml");
    std::fs::create_dir_all(path.parent().expect("has a parent"))
        .and_then(|_| std::fs::write(&path, xml))
        .map_err(|e| failure(format!("{}: {e}", path.display())))?;
    Ok(path)
}

/// Sixty participants, ten statements, two camps that agree on two statements.
fn synthetic_consultation() -> chamber_consult::Export {
    use chamber_consult::polis::{Comment, Vote, VoteSource};
    let bodies = [
        "The corridor should open before the harvest.",
        "Inspections must include observers from both sides.",
        "Convoys should travel only in daylight.",
        "Tolls on the corridor should fund reconstruction.",
        "The corridor should stay open during talks, whatever happens.",
        "Local councils should approve each convoy.",
        "Humanitarian cargo needs no inspection.",
        "A joint centre should publish every movement.",
        "Farmers on both sides need compensation for lost crops.",
        "The ceasefire line should be mapped before the corridor opens.",
    ];
    let mut comments = std::collections::BTreeMap::new();
    for (i, b) in bodies.iter().enumerate() {
        comments.insert(
            i as u64,
            Comment {
                id: i as u64,
                author: None,
                moderated: 1,
                is_meta: false,
                body: b.to_string(),
            },
        );
    }
    let mut votes = std::collections::BTreeMap::new();
    for p in 0..60u64 {
        let camp = p % 2;
        for s in 0..10u64 {
            let shared = s == 7 || s == 8;
            let agree = shared || (s + camp) % 2 == 0;
            let vote = if (p * 7 + s * 3) % 11 == 0 {
                Vote::Pass
            } else if agree {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.insert((p, s), vote);
        }
    }
    chamber_consult::Export {
        comments,
        votes,
        source: VoteSource::Memory,
    }
}
