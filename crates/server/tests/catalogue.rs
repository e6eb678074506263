//! Issue 12's catalogue test: no user-visible string is built outside the catalogue.
//!
//! 1. Every view of a process — as its mediator, a party delegate and an observer — in French,
//!    Spanish, Russian, Chinese and Arabic, at three moments of the talks (proposals pending and
//!    sessions clashing; versions issued, paragraphs agreed, the agreement adopted, committed and
//!    scored; the process closed with its lessons record in the Library). The page's text, and its
//!    `title`, `aria-label` and `alt` attributes, must hold no English phrase of the catalogue (any
//!    fragment of two words or more of `locales/*/en.ftl` between placeables, compared case-blind,
//!    that the page's own language does not also use), no catalogue key (`chamber-change-status`),
//!    no Rust enum name (`StatusChanged`) and no unfilled Fluent variable. Space names, system
//!    version notes, change kinds, session formats, roles, provision types, outcomes and dates are
//!    all on these pages. All user text in the process is Chinese, so it cannot be mistaken
//!    for English. The same check on the English pages must find English (it is not blind).
//! 2. Every template: outside `{{ … }}`, `{% … %}`, comments, scripts, styles and `<code>`/`<pre>`,
//!    no letters but acronyms and a few names of formats and data (`iCalendar`, `Akoma Ntoso`, …);
//!    and no literal words in `title`, `aria-label` or `alt`.
//!
//! 3. The Watch page (detector names, alert evidence), the intake and a case opened from an
//!    alert, before and after a mediator takes it, in all six languages (the case's title and
//!    evidence are the analyst's text, written in Chinese here).
//!
//! Every page also has no link without text and no time in Rust's own format. One-word English
//! messages ("Plenary", "Mediators", "none") are looked for as whole words in Chinese, Arabic
//! and Russian pages. `the_check_finds_what_it_is_for` shows the check sees each kind of
//! mistake. GDELT's detectors are checked in Chinese by the browser cycle
//! (`crates/cli/tests/browser_cycle.rs`, Georgia).

mod common;
use chamber_testkit::{literal_fragments, locales};
use common::*;
use std::collections::BTreeSet;

/// Each message of a Fluent source: (id, value with its continuation lines).
fn messages(source: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line);
            }
        } else if let Some((id, value)) = line.split_once(" =") {
            out.push((id.trim().to_string(), value.to_string()));
        }
    }
    out
}

struct Catalogue {
    /// English phrases (lower case) per language code, without those the language uses too.
    phrases: Vec<(chamber_i18n::Lang, Vec<String>)>,
    /// Messages that are one English word ("Plenary", "Mediators"), per language,
    /// without those the language uses too; looked for as whole words in Chinese, Arabic and
    /// Russian pages (in French and Spanish too many are shared words).
    words: Vec<(chamber_i18n::Lang, Vec<String>)>,
    all_english: Vec<String>,
    keys: Vec<String>,
}

fn catalogue() -> Catalogue {
    let mut english = BTreeSet::new();
    let mut single = BTreeSet::new();
    let mut keys = Vec::new();
    let mut own: Vec<(chamber_i18n::Lang, String)> = Vec::new();
    for area in std::fs::read_dir(locales()).unwrap() {
        let area = area.unwrap().path();
        let en = std::fs::read_to_string(area.join("en.ftl")).unwrap();
        for (id, value) in messages(&en) {
            keys.push(id);
            let v = value.trim().trim_end_matches(['.', ':']);
            if v.len() >= 3 && v.chars().all(|c| c.is_ascii_alphabetic()) {
                single.insert(v.to_string());
            }
            for f in literal_fragments(&value) {
                let words = f
                    .split_whitespace()
                    .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
                    .count();
                if words >= 2 {
                    english.insert(f.to_lowercase());
                }
            }
        }
        for lang in chamber_i18n::Lang::ALL {
            let source =
                std::fs::read_to_string(area.join(format!("{}.ftl", lang.code()))).unwrap();
            match own.iter_mut().find(|(l, _)| *l == lang) {
                Some((_, s)) => s.push_str(&source.to_lowercase()),
                None => own.push((lang, source.to_lowercase())),
            }
        }
    }
    let phrases = own
        .iter()
        .map(|(lang, source)| {
            (
                *lang,
                english
                    .iter()
                    .filter(|p| !source.contains(p.as_str()))
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    let words = own
        .iter()
        .map(|(lang, source)| {
            let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
            let used: BTreeSet<&str> = source.split(|c: char| !is_word(c)).collect();
            (
                *lang,
                single
                    .iter()
                    .filter(|w| !used.contains(w.to_lowercase().as_str()))
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    Catalogue {
        phrases,
        words,
        all_english: english.into_iter().collect(),
        keys,
    }
}

fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What a reader meets on a page: text nodes, plus the `title`, `aria-label` and `alt`
/// attributes; scripts and styles out, entities decoded.
fn shown(html: &str) -> String {
    let re = regex_lite::Regex::new(r"(?s)<script.*?</script>|<style.*?</style>").unwrap();
    let html = re.replace_all(html, " ");
    let attr = regex_lite::Regex::new(r#"\s(?:title|aria-label|alt)="([^"]*)""#).unwrap();
    let mut out: Vec<String> = attr
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    let tag = regex_lite::Regex::new(r"(?s)<[^>]*>").unwrap();
    out.push(tag.replace_all(&html, "\n").to_string());
    unescape(&out.join("\n"))
}

/// What on a page was not built from the catalogue in `lang`.
fn findings(c: &Catalogue, lang: chamber_i18n::Lang, text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = c
        .phrases
        .iter()
        .find(|(l, _)| *l == lang)
        .unwrap()
        .1
        .iter()
        .filter(|p| lower.contains(p.as_str()))
        .map(|p| format!("English {p:?}"))
        .collect();
    if matches!(
        lang,
        chamber_i18n::Lang::Zh | chamber_i18n::Lang::Ar | chamber_i18n::Lang::Ru
    ) {
        // In any case ("Plenary", "None") but capitals (a symbol such as CHAMBER/LESSONS/…).
        let shown: BTreeSet<String> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|t| t.chars().any(|c| c.is_lowercase()))
            .map(str::to_lowercase)
            .collect();
        let words = &c.words.iter().find(|(l, _)| *l == lang).unwrap().1;
        found.extend(
            words
                .iter()
                .filter(|w| shown.contains(&w.to_lowercase()))
                .map(|w| format!("English word {w:?}")),
        );
    }
    let is_word = |ch: Option<char>| ch.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
    for k in c.keys.iter().filter(|k| k.contains('-')) {
        if text.match_indices(k.as_str()).any(|(i, _)| {
            !is_word(text[..i].chars().next_back()) && !is_word(text[i + k.len()..].chars().next())
        }) {
            found.push(format!("key {k}"));
        }
    }
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut cs = w.chars();
        if cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().skip(1).any(|c| c.is_ascii_lowercase())
            && w.chars().skip(1).any(|c| c.is_ascii_uppercase())
        {
            found.push(format!("enum name {w}"));
        }
    }
    if text.contains("{$") || text.contains("{ $") {
        found.push("an unfilled Fluent variable".into());
    }
    // A time in Rust's own format ("2026-12-04 4:00:00.0 +00:00:00"), not the reader's.
    let debug_time = regex_lite::Regex::new(r"\d:\d\d:\d\d(\.\d+)? [+-]\d\d:\d\d:\d\d").unwrap();
    if let Some(m) = debug_time.find(text) {
        found.push(format!("a time in Rust's format {:?}", m.as_str()));
    }
    found
}

/// Links a reader cannot see: `<a …></a>` with nothing inside.
fn empty_links(html: &str) -> Vec<String> {
    regex_lite::Regex::new(r"<a\s[^>]*>\s*</a>")
        .unwrap()
        .find_iter(html)
        .map(|m| m.as_str().to_string())
        .collect()
}

async fn land(b: &mut Browser<'_>, path: &str, form: &[(&str, &str)]) -> String {
    let r = b.post(path, form).await;
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {body}");
    location.unwrap()
}

async fn page(b: &mut Browser<'_>, path: &str) -> String {
    let (status, html) = b.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    html
}

fn ids(html: &str, pattern: &str) -> Vec<String> {
    regex_lite::Regex::new(pattern)
        .unwrap()
        .captures_iter(&unescape(html))
        .map(|c| c[1].to_string())
        .collect()
}

/// Every page of the process each person may open, in every language but English, checked.
async fn check_all(app: &TestApp, c: &Catalogue, pid: &str, moment: &str, extra: &[&str]) -> usize {
    let mut problems = Vec::new();
    let mut pages = 0;
    // English pages, and those on which the check finds English: it is not blind.
    let mut english = (0, 0);
    let process_views = [
        "",
        "/spaces",
        "/text",
        "/sessions",
        "/agreement",
        "/diff",
        "/print",
    ];
    for (who, mediator) in [("tiaojie", true), ("jiafang", false), ("guancha", false)] {
        let mut b = app.browser();
        b.login(who, PW).await;
        let mut paths: Vec<String> = vec!["/chamber".into()];
        paths.extend(process_views.iter().map(|v| format!("/chamber/{pid}{v}")));
        if mediator {
            for v in ["/setup", "/adopt", "/close"] {
                paths.push(format!("/chamber/{pid}{v}"));
            }
            paths.push(format!("/chamber/{pid}/diff?from=1&to=2"));
        }
        paths.extend(extra.iter().map(|p| p.to_string()));
        for lang in chamber_i18n::Lang::ALL {
            b.cookies.insert("chamber_lang".into(), lang.code().into());
            for path in &paths {
                let (status, html) = b.get(path).await;
                if status != StatusCode::OK {
                    // Not every view is every person's (the diff before a second version).
                    assert!(
                        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                        "{who} {path}: {status}"
                    );
                    continue;
                }
                assert!(
                    html.contains(&format!("<html lang=\"{}\"", lang.code())),
                    "{path} in {}",
                    lang.code()
                );
                pages += 1;
                for link in empty_links(&html) {
                    problems.push(format!("{moment}, {who}, {path}: empty link {link}"));
                }
                // The footer names the software's version (the print view once showed the
                // text's version there).
                let footer = html.split("<footer>").nth(1).unwrap_or_default();
                let footer = footer.split("</footer>").next().unwrap_or_default();
                if !footer.contains(env!("CARGO_PKG_VERSION")) {
                    problems.push(format!("{moment}, {who}, {path}: footer {footer:?}"));
                }
                let text = shown(&html);
                if lang == chamber_i18n::Lang::En {
                    let lower = text.to_lowercase();
                    english.0 += 1;
                    if c.all_english.iter().any(|p| lower.contains(p.as_str())) {
                        english.1 += 1;
                    }
                    continue;
                }
                for f in findings(c, lang, &text) {
                    problems.push(format!("{moment}, {who}, {}, {path}: {f}", lang.code()));
                }
            }
        }
    }
    assert!(
        english.1 * 10 >= english.0 * 9,
        "English found on only {} of {} English pages",
        english.1,
        english.0
    );
    assert!(
        problems.is_empty(),
        "{} strings not from the catalogue:\n{}",
        problems.len(),
        problems.join("\n")
    );
    pages
}

#[tokio::test]
async fn every_view_of_a_process_in_every_language_comes_from_the_catalogue() {
    let c = catalogue();
    assert!(c.all_english.len() > 500, "{}", c.all_english.len());
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [31; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys)).await;
    app.user("tiaojie", Role::Mediator, PW).await;
    app.user("jiafang", Role::Delegate, PW).await;
    app.user("yifang", Role::Delegate, PW).await;
    app.user("guancha", Role::Observer, PW).await;
    let mut m = app.browser();
    m.login("tiaojie", PW).await;
    let list = page(&mut m, "/chamber").await;
    let csrf = csrf_of(&list);
    let csrf = csrf.as_str();

    // A process by hand, two parties, their delegates, an observer, a room, the first draft.
    let opened = land(
        &mut m,
        "/chamber",
        &[
            ("csrf", csrf),
            ("title", "停火会谈"),
            ("kind", "peace_process"),
        ],
    )
    .await;
    let pid = opened
        .trim_start_matches("/chamber/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let base = format!("/chamber/{pid}");
    for name in ["甲方政府", "乙方联盟"] {
        land(
            &mut m,
            &format!("{base}/parties"),
            &[("csrf", csrf), ("name", name)],
        )
        .await;
    }
    let setup = page(&mut m, &format!("{base}/setup")).await;
    let party = |name: &str| {
        ids(
            &setup,
            &format!(r#"<option value="([0-9a-f]{{32}})">{name}</option>"#),
        )[0]
        .clone()
    };
    let (a, b) = (party("甲方政府"), party("乙方联盟"));
    for (user, role, party) in [
        ("jiafang", "delegate", a.as_str()),
        ("yifang", "delegate", b.as_str()),
        ("guancha", "observer", ""),
    ] {
        land(
            &mut m,
            &format!("{base}/participants"),
            &[
                ("csrf", csrf),
                ("username", user),
                ("role", role),
                ("party", party),
            ],
        )
        .await;
    }
    land(
        &mut m,
        &format!("{base}/tracks"),
        &[
            ("csrf", csrf),
            ("kind", "good_offices"),
            ("status", "active"),
        ],
    )
    .await;
    land(
        &mut m,
        &format!("{base}/rooms"),
        &[("csrf", csrf), ("name", "一号会议室")],
    )
    .await;
    land(
        &mut m,
        &format!("{base}/text"),
        &[
            ("csrf", csrf),
            ("title", "停火框架"),
            ("preamble", "双方致力于和平解决争端"),
            (
                "operative",
                "双方应立即停止一切敌对行动\n人道主义准入不受阻碍\n双方应释放所有被拘留者",
            ),
        ],
    )
    .await;
    // Two sessions in one room at one time: a clash.
    let sessions = page(&mut m, &format!("{base}/sessions")).await;
    let room = ids(
        &sessions,
        r#"<option value="([0-9a-f]{32})">一号会议室</option>"#,
    )[0]
    .clone();
    for (title, format) in [
        ("全体会议", "plenary".to_string()),
        ("甲方会商", format!("caucus:{a}")),
        ("近距离会谈", "proximity".to_string()),
    ] {
        land(
            &mut m,
            &format!("{base}/sessions"),
            &[
                ("csrf", csrf),
                ("title", title),
                ("format", &format),
                ("start", "2026-12-10T09:00"),
                ("end", "2026-12-10T11:00"),
                ("room", &room),
                ("agenda", "开幕\n议程"),
            ],
        )
        .await;
    }
    let sessions = page(&mut m, &format!("{base}/sessions")).await;
    assert!(sessions.contains("id=\"clashes\""), "the sessions clash");
    // One warning, each pair of sessions named once (it used to repeat per clash).
    assert_eq!(sessions.matches("id=\"clashes\"").count(), 1);
    let warning = sessions.split("id=\"clashes\"").nth(1).unwrap();
    let warning = warning.split("</div>").next().unwrap();
    let pairs: Vec<&str> = warning.split("<li").skip(1).collect();
    let distinct: BTreeSet<&str> = pairs.iter().copied().collect();
    assert_eq!(pairs.len(), distinct.len(), "{warning}");
    assert_eq!(
        pairs.len(),
        3,
        "three sessions in one room: three pairs: {warning}"
    );
    let session = ids(&sessions, r#"name="session" value="([0-9a-f]{32})""#)[0].clone();
    land(
        &mut m,
        &format!("{base}/minutes"),
        &[
            ("csrf", csrf),
            ("session", &session),
            ("minutes", "会议记录"),
        ],
    )
    .await;

    // Notes in every space, proposals from both parties.
    let spaces = page(&mut m, &format!("{base}/spaces")).await;
    for space in ids(&spaces, r#"name="space" value="([0-9a-f]{32})""#) {
        land(
            &mut m,
            &format!("{base}/notes"),
            &[
                ("csrf", csrf),
                ("space", &space),
                ("title", "说明"),
                ("body", "调解员的说明"),
            ],
        )
        .await;
    }
    let mut delegates = Vec::new();
    for (who, wording) in [
        (
            "jiafang",
            [
                "双方应于签署之日停止一切敌对行动",
                "人道主义准入应不受任何阻碍",
            ],
        ),
        (
            "yifang",
            ["双方应于签署次日停止敌对行动", "双方应释放全部被拘留者"],
        ),
    ] {
        let mut d = app.browser();
        d.login(who, PW).await;
        let text = page(&mut d, &format!("{base}/text")).await;
        let dcsrf = csrf_of(&text);
        let paragraphs = ids(&text, r#"<option value="([0-9a-f]{32})">"#);
        let spaces = page(&mut d, &format!("{base}/spaces")).await;
        for space in ids(&spaces, r#"name="space" value="([0-9a-f]{32})""#) {
            land(
                &mut d,
                &format!("{base}/notes"),
                &[
                    ("csrf", &dcsrf),
                    ("space", &space),
                    ("title", "底线"),
                    ("body", "每周车队"),
                ],
            )
            .await;
        }
        for (i, w) in wording.iter().enumerate() {
            land(
                &mut d,
                &format!("{base}/amendments"),
                &[
                    ("csrf", &dcsrf),
                    ("paragraph", &paragraphs[1 + i]),
                    ("text", w),
                    ("explanation", "固定时间"),
                ],
            )
            .await;
        }
        delegates.push(d);
    }
    let first = check_all(&app, &c, &pid, "proposals pending", &[]).await;

    // Accept one, merge one, reject one, leave one; the mediator rewords a paragraph; agree
    // everything; adopt; commitments; two periods of scores.
    let text = page(&mut m, &format!("{base}/text")).await;
    let amendments = ids(&text, r#"name="decision_([0-9a-f]{32})" value="""#);
    assert_eq!(amendments.len(), 4, "{amendments:?}");
    let merge_wording = format!("wording_{}", amendments[1]);
    let decisions: Vec<(String, &str)> = vec![
        (format!("decision_{}", amendments[0]), "accept"),
        (format!("decision_{}", amendments[1]), "merge"),
        (
            merge_wording.clone(),
            "双方应于签署次日零时停止一切敌对行动",
        ),
        (format!("decision_{}", amendments[2]), "reject"),
        ("note".to_string(), "第二稿"),
    ];
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
    form.extend(decisions.iter().map(|(k, v)| (k.as_str(), *v)));
    land(&mut m, &format!("{base}/versions"), &form).await;
    let text = page(&mut m, &format!("{base}/text")).await;
    let rest = ids(&text, r#"name="decision_([0-9a-f]{32})" value="""#);
    let decide = format!("decision_{}", rest[0]);
    land(
        &mut m,
        &format!("{base}/versions"),
        &[("csrf", csrf), (&decide, "reject")],
    )
    .await;
    let paragraphs = ids(&text, r#"<option value="([0-9a-f]{32})">"#);
    land(
        &mut m,
        &format!("{base}/edit"),
        &[
            ("csrf", csrf),
            ("paragraph", &paragraphs[3]),
            ("text", "双方应在三十日内释放所有被拘留者"),
        ],
    )
    .await;
    for _ in 0..10 {
        let text = page(&mut m, &format!("{base}/text")).await;
        let open = ids(
            &text,
            r#"name="paragraph" value="([0-9a-f]{32})"><button type="submit""#,
        );
        let Some(p) = open.first() else { break };
        land(
            &mut m,
            &format!("{base}/agree"),
            &[("csrf", csrf), ("paragraph", p)],
        )
        .await;
    }
    land(
        &mut m,
        &format!("{base}/adopt"),
        &[("csrf", csrf), ("confirm", "yes")],
    )
    .await;
    let agreement = page(&mut m, &format!("{base}/agreement")).await;
    let provisions = ids(
        &agreement,
        r#"<select name="provision"><option value="([0-9a-f]{32})">"#,
    );
    let all: Vec<String> = ids(&agreement, r#"<option value="([0-9a-f]{32})">\d+</option>"#);
    assert!(all.len() >= 3, "{all:?}");
    for (p, kind, party, deadline) in [
        (&all[0], "cease-fire", a.as_str(), "2026-01-31"),
        (&all[1], "prisoner-release", b.as_str(), "2030-06-30"),
    ] {
        land(
            &mut m,
            &format!("{base}/commitments"),
            &[
                ("csrf", csrf),
                ("provision", p),
                ("provision_type", kind),
                ("responsible", party),
                ("deadline", deadline),
            ],
        )
        .await;
    }
    for (period, level) in [("2026-06-30", "1"), ("2026-09-30", "2")] {
        land(
            &mut m,
            &format!("{base}/scores"),
            &[
                ("csrf", csrf),
                ("provision", &provisions[0]),
                ("level", level),
                ("period", period),
                ("evidence", "监测员的报告"),
            ],
        )
        .await;
    }
    // The moment is the one meant: adopted, scored, overdue, versions with what they did, a diff,
    // and the words the domain holds as data rendered by the catalogue.
    let tr = chamber_i18n::Catalogue::load();
    m.cookies.insert("chamber_lang".into(), "zh".into());
    let agreement = page(&mut m, &format!("{base}/agreement")).await;
    for shown in [
        "id=\"implementation-chart\"",
        "class=\"overdue\"",
        "<circle",
    ] {
        assert!(agreement.contains(shown), "{shown}");
    }
    let zh = chamber_i18n::Lang::Zh;
    assert!(agreement.contains(&tr.tr(zh, "provision-type-cease-fire", &[])));
    let spaces = page(&mut m, &format!("{base}/spaces")).await;
    assert!(spaces.contains(&tr.tr(zh, "chamber-space-plenary", &[])));
    assert!(spaces.contains(&tr.tr(zh, "chamber-space-mediators", &[])));
    let text = page(&mut m, &format!("{base}/text")).await;
    assert!(text.contains(&tr.tr(zh, "chamber-version-first-draft", &[])));
    let diff = page(&mut m, &format!("{base}/diff")).await;
    assert!(
        diff.contains(&tr.tr(zh, "chamber-change-status", &[])),
        "{diff}"
    );
    m.cookies.remove("chamber_lang");
    let second = check_all(&app, &c, &pid, "agreement monitored", &[]).await;

    // Closed, with lessons learned in the Library.
    let mut close: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.into()),
        ("language".into(), "zh".into()),
        ("context".into(), "选举前的抗议之后开始会谈".into()),
        ("what_worked".into(), "穿梭外交 lessonsmarker 奏效".into()),
        ("what_did_not_work".into(), "过早的全体会议".into()),
        ("cites".into(), "A/RES/79/274".into()),
    ];
    close.push((format!("outcome_{}", all[0]), "partly".into()));
    let form: Vec<(&str, &str)> = close
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    land(&mut m, &format!("{base}/close"), &form).await;
    let symbol = format!("CHAMBER/LESSONS/{pid}");
    let third = check_all(
        &app,
        &c,
        &pid,
        "closed",
        &[
            "/library?q=lessonsmarker",
            &format!("/library/doc?symbol={symbol}"),
        ],
    )
    .await;
    let (_, hits) = m.get("/library?q=lessonsmarker").await;
    assert!(unescape(&hits).contains(&symbol), "the record is found");
    eprintln!("checked {first} + {second} + {third} pages in six languages");
    drop(delegates);
}

/// Words a template writes itself: outside `{{ … }}`, `{% … %}`, comments, scripts, styles and
/// `<code>`/`<pre>`/`<kbd>`/`<samp>`, any word but an acronym, an entity or a name of a format or
/// of data; and literal words in `title`, `aria-label` or `alt`.
fn own_words(source: &str) -> Vec<String> {
    // Names of formats and data that stay as they are in every language.
    const NAMES: &[&str] = &[
        "iCalendar",
        "Indico",
        "Akoma",
        "Ntoso",
        "KiB",
        "Data",
        "Data_HXL",
        "Live",
    ];
    let cut = regex_lite::Regex::new(
        r"(?s)\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<script.*?</script>|<style.*?</style>|<code.*?</code>|<pre.*?</pre>|<kbd.*?</kbd>|<samp.*?</samp>",
    )
    .unwrap();
    let attr = regex_lite::Regex::new(r#"\s(?:title|aria-label|alt)="([^"]*)""#).unwrap();
    let tag = regex_lite::Regex::new(r"(?s)<[^>]*>").unwrap();
    let word = regex_lite::Regex::new(r"[A-Za-z][A-Za-z_]*").unwrap();
    let mut found = Vec::new();
    let bare = cut.replace_all(source, " ");
    for cap in attr.captures_iter(&bare) {
        if word.is_match(&cap[1]) {
            found.push(format!("attribute text {:?}", &cap[1]));
        }
    }
    let text = tag.replace_all(&bare, " ");
    for m in word.find_iter(&text) {
        let w = m.as_str();
        let acronym = w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
        let entity = text[..m.start()].ends_with('&');
        if !acronym && !entity && !NAMES.contains(&w) {
            found.push(format!("{w:?}"));
        }
    }
    found
}

#[test]
fn templates_hold_no_words_of_their_own() {
    // The scan sees a word where there is one, and nothing in what the catalogue fills in.
    assert_eq!(
        own_words(r#"<p title="Close">{{ t("x") }} Plenary</p>"#),
        ["attribute text \"Close\"", "\"Plenary\""]
    );
    assert!(
        own_words(r#"<p>{{ t("x") }}&nbsp;{% if a %}CSV{% endif %}<code>chamber serve</code></p>"#)
            .is_empty()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, source) in chamber_server::render::template_sources() {
        checked += 1;
        problems.extend(
            own_words(source)
                .into_iter()
                .map(|w| format!("{name}: {w}")),
        );
    }
    assert!(checked > 20, "only {checked} templates");
    assert!(
        problems.is_empty(),
        "words written in templates, not taken from the catalogue:\n{}",
        problems.join("\n")
    );
}

/// A UCDP GED store (Myanmar: months of 4 to 40 deaths, then 2,150 in February 2021).
fn ged_data() -> std::path::PathBuf {
    let data = std::env::temp_dir().join(format!("chamber-catalogue-{}", chamber_store::new_id()));
    let root = chamber_app::DataDir::new(&data).watch();
    std::fs::create_dir_all(&root).unwrap();
    let mut text = String::from(
        "id,type_of_violence,side_a,side_b,country,iso3,adm_1,latitude,longitude,date_start,date_end,best,low,high\n",
    );
    let mut id = 0;
    let mut row = |date: String, best: u64| {
        id += 1;
        text.push_str(&format!(
            "{id},1,Tatmadaw,Arakan,Myanmar (Burma),MMR,Rakhine,20.1,92.9,{date} 00:00:00.000,{date} 00:00:00.000,{best},{best},{}\n",
            best * 2
        ));
    };
    let quiet = [4, 12, 40, 7, 22, 9, 31, 5, 18, 26, 11, 35];
    for i in 0..24u64 {
        let (y, m) = (2019 + i / 12, i % 12 + 1);
        row(format!("{y}-{m:02}-15"), quiet[i as usize % 12]);
    }
    for k in 0..5 {
        row(format!("2021-02-{:02}", 3 + k), 430);
    }
    let file = data.join("ged.csv");
    std::fs::write(&file, text).unwrap();
    let store = chamber_watch::store::Store::new(&root);
    assert_eq!(store.ingest(&[file], None, false).total().rejected, 0);
    data
}

#[tokio::test]
async fn the_watch_page_the_intake_and_a_case_in_every_language_come_from_the_catalogue() {
    let c = catalogue();
    let data = tokio::task::spawn_blocking(ged_data).await.unwrap();
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [32; 32],
    ));
    let app = spawn_app_with_keys(
        ServerConfig {
            data: Some(chamber_app::DataDir::new(&data)),
            ..ServerConfig::default()
        },
        Some(keys),
    )
    .await;
    app.user("fenxi", Role::Analyst, PW).await;
    app.user("tiaojie", Role::Mediator, PW).await;
    let mut analyst = app.browser();
    analyst.login("fenxi", PW).await;
    let mut mediator = app.browser();
    mediator.login("tiaojie", PW).await;
    let watch = "/watch?country=MMR&by=month";

    // The analyst opens a case from the alert, reading Chinese: the case's title and evidence
    // are the analyst's text, written in the analyst's language.
    analyst.cookies.insert("chamber_lang".into(), "zh".into());
    let html = unescape(&page(&mut analyst, watch).await);
    let field = |name: &str| -> String {
        regex_lite::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#))
            .unwrap()
            .captures(&html)
            .unwrap_or_else(|| panic!("no {name} field"))[1]
            .to_string()
    };
    let action = ids(&html, r#"action="(/watch/alerts/[0-9a-f]{16}/case)""#)[0].clone();
    let (title, evidence, csrf) = (field("title"), field("evidence"), csrf_of(&html));
    let case = land(
        &mut analyst,
        &action,
        &[("csrf", &csrf), ("title", &title), ("evidence", &evidence)],
    )
    .await;
    let mut problems = Vec::new();
    let mut pages = 0;
    let mut check = |lang: chamber_i18n::Lang, who: &str, path: &str, html: &str| {
        pages += 1;
        for link in empty_links(html) {
            problems.push(format!("{who}, {path}: empty link {link}"));
        }
        if lang != chamber_i18n::Lang::En {
            for f in findings(&c, lang, &shown(html)) {
                problems.push(format!("{who}, {}, {path}: {f}", lang.code()));
            }
        }
    };
    for lang in chamber_i18n::Lang::ALL {
        for b in [&mut analyst, &mut mediator] {
            b.cookies.insert("chamber_lang".into(), lang.code().into());
        }
        for path in [watch, "/watch", case.as_str()] {
            let html = page(&mut analyst, path).await;
            check(lang, "analyst", path, &html);
        }
        for path in ["/chamber", case.as_str()] {
            let html = page(&mut mediator, path).await;
            check(lang, "mediator", path, &html);
        }
    }
    // Taken: the overview holds the alert's evidence; the analyst is its origin.
    let list = page(&mut mediator, "/chamber").await;
    let taken = land(
        &mut mediator,
        &format!("{case}/take"),
        &[("csrf", &csrf_of(&list))],
    )
    .await;
    for lang in chamber_i18n::Lang::ALL {
        mediator
            .cookies
            .insert("chamber_lang".into(), lang.code().into());
        for path in [taken.as_str(), "/chamber"] {
            let html = page(&mut mediator, path).await;
            check(lang, "mediator", path, &html);
        }
    }
    // The detectors are named from the catalogue in each language.
    let tr = chamber_i18n::Catalogue::load();
    for lang in [
        chamber_i18n::Lang::Zh,
        chamber_i18n::Lang::Ar,
        chamber_i18n::Lang::Ru,
    ] {
        analyst
            .cookies
            .insert("chamber_lang".into(), lang.code().into());
        let html = unescape(&page(&mut analyst, watch).await);
        let named = chamber_i18n::Catalogue::keys(lang)
            .into_iter()
            .filter(|k| k.starts_with("watch-detector-"))
            .filter(|k| html.contains(&tr.tr(lang, k, &[])))
            .count();
        assert!(
            named >= 1,
            "{}: no detector named from the catalogue",
            lang.code()
        );
    }
    assert!(
        problems.is_empty(),
        "{} strings not from the catalogue (of {pages} pages):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_is_for() {
    let c = catalogue();
    let zh = chamber_i18n::Lang::Zh;
    let page = "全体会议 Plenary · Mediators · StatusChanged · chamber-change-status \
                · 2026-12-04 4:00:00.0 +00:00:00 · Status changed · { $count }";
    let found = findings(&c, zh, page);
    for expected in [
        "English word \"Plenary\"",
        "English word \"Mediators\"",
        "enum name StatusChanged",
        "key chamber-change-status",
        "a time in Rust's format",
        "English \"status changed\"",
        "an unfilled Fluent variable",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{expected} not found in {found:?}"
        );
    }
    // Chinese from the catalogue, a symbol in capitals and user text are not findings.
    let tr = chamber_i18n::Catalogue::load();
    let fine = format!(
        "{} · CHAMBER/LESSONS/ab12 · 停火框架",
        tr.tr(zh, "chamber-space-plenary", &[])
    );
    assert_eq!(findings(&c, zh, &fine), Vec::<String>::new());
    assert_eq!(
        empty_links(r#"<a href="/x"></a><a href="/y">y</a>"#).len(),
        1
    );
}
