//! The server's route table as its source declares it, so tests that must cover every route
//! (the HTTP property test, the OpenAPI check) find new routes without being edited. Read:
//! `.route("PATH", …)`, `.route(&format!("TEMPLATE"), …)`, and in a file that registers its
//! routes with `both` (a page and `/api/v1` + the same path), every `("PATH".into(), …)`,
//! `(name.into(), …)` and `(format!("TEMPLATE"), …)` pair. A template's `{name}` is the
//! `let name = "…";` of the same file; in a file that binds route prefixes, a name it does not
//! bind fails the scan (a file with none, such as `both` itself, builds no route of its own).

/// One route of the real table: its path and the methods its handlers take.
#[derive(Debug, Clone)]
pub struct Route {
    pub path: String,
    pub methods: Vec<&'static str>,
}

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `TEMPLATE` with the file's bindings put in and `{{`/`}}` made single.
fn expand(template: &str, bindings: &[(String, String)], file: &std::path::Path) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(end) = tail.strip_prefix('{').and_then(|t| t.find('}')) {
            let name = &tail[1..1 + end];
            let value = bindings.iter().find(|(n, _)| n == name).unwrap_or_else(|| {
                panic!("{}: `{{{name}}}` in a route is not bound", file.display())
            });
            out.push_str(&value.1);
            rest = &tail[end + 2..];
        } else {
            panic!("{}: unbalanced brace in route {template}", file.display());
        }
    }
    out.push_str(rest);
    out
}

fn methods_in(rest: &str) -> Vec<&'static str> {
    let method = regex_lite::Regex::new(r"(?:^|[^a-z_])(get|post|put|delete|patch)\(").unwrap();
    let mut methods: Vec<&'static str> = method
        .captures_iter(rest)
        .map(|m| match &m[1] {
            "get" => "GET",
            "post" => "POST",
            "put" => "PUT",
            "delete" => "DELETE",
            _ => "PATCH",
        })
        .collect();
    methods.sort();
    methods.dedup();
    methods
}

/// Every route in the server's source, in path order (each path once, its methods merged).
pub fn route_table() -> Vec<Route> {
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let binding = regex_lite::Regex::new(r#"let ([a-z_]+) = "(/[^"]*)";"#).unwrap();
    let route =
        regex_lite::Regex::new(r#"\.route\(\s*(?:"([^"]+)"|&format!\("([^"]+)"\))\s*,"#).unwrap();
    let pair = regex_lite::Regex::new(
        r#"\(\s*(?:"(/[^"]*)"\.into\(\)|([a-z_]+)\.into\(\)|format!\("([^"]+)"\))\s*,"#,
    )
    .unwrap();
    let mut routes: Vec<Route> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let bindings: Vec<(String, String)> = binding
            .captures_iter(&text)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
        for c in route.captures_iter(&text) {
            let path = match (c.get(1), c.get(2)) {
                (Some(p), _) => p.as_str().to_string(),
                (None, Some(_)) if bindings.is_empty() => continue,
                (None, Some(t)) => expand(t.as_str(), &bindings, f),
                _ => unreachable!(),
            };
            let rest = &text[c.get(0).unwrap().end()..];
            let rest = &rest[..rest.find(".route(").unwrap_or(rest.len()).min(400)];
            routes.push(Route {
                path,
                methods: methods_in(rest),
            });
        }
        if !text.contains("both(router") {
            continue;
        }
        let starts: Vec<_> = pair.captures_iter(&text).collect();
        for (k, c) in starts.iter().enumerate() {
            let path = match (c.get(1), c.get(2), c.get(3)) {
                (Some(p), _, _) => p.as_str().to_string(),
                (None, Some(name), _) => match bindings.iter().find(|(n, _)| n == name.as_str()) {
                    Some((_, v)) => v.clone(),
                    None => continue,
                },
                (None, None, Some(t)) => expand(t.as_str(), &bindings, f),
                _ => unreachable!(),
            };
            if !path.starts_with('/') {
                continue;
            }
            let from = c.get(0).unwrap().end();
            let to = starts
                .get(k + 1)
                .map_or(text.len(), |n| n.get(0).unwrap().start());
            let rest = &text[from..to.min(from + 400)];
            let rest = &rest[..rest.find("];").unwrap_or(rest.len())];
            let methods = methods_in(rest);
            for p in [path.clone(), format!("/api/v1{path}")] {
                routes.push(Route {
                    path: p,
                    methods: methods.clone(),
                });
            }
        }
    }
    for r in &mut routes {
        if r.methods.is_empty() {
            r.methods.push("GET");
        }
    }
    routes.sort_by(|a, b| a.path.cmp(&b.path));
    let mut merged: Vec<Route> = Vec::new();
    for r in routes {
        match merged.last_mut() {
            Some(last) if last.path == r.path => {
                last.methods.extend(r.methods);
                last.methods.sort();
                last.methods.dedup();
            }
            _ => merged.push(r),
        }
    }
    merged
}
