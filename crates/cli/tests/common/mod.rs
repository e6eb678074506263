//! Helpers for tests that run the real `chamber` binary.
#![allow(dead_code)]

pub mod browser;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "chamber-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary, run from an empty folder with no `CHAMBER_*` settings inherited.
pub fn chamber(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chamber"));
    cmd.current_dir(cwd);
    for (key, _) in std::env::vars() {
        if key.starts_with("CHAMBER_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("CHAMBER_LOG", "warn");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run chamber")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `chamber serve`; killed (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// Lines printed before "listening" (the set-up link, when the store is empty).
    pub banner: Vec<String>,
}

impl Server {
    // The child is owned by the returned Server, which kills and waits for it on drop.
    #[allow(clippy::zombie_processes)]
    pub fn start(cwd: &Path, store_args: &[&str]) -> Server {
        let mut cmd = chamber(cwd);
        cmd.arg("serve")
            .args(store_args)
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("start chamber serve");
        let stdout = child.stdout.take().unwrap();
        let mut reader = BufReader::new(stdout);
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                let status = child.wait().unwrap();
                panic!("chamber serve exited ({status}) before listening: {banner:?}");
            }
            if let Some(rest) = line.split("listening on ").nth(1) {
                let base = rest.split_whitespace().next().unwrap().to_string();
                // Keep draining stdout so the server never blocks on a full pipe.
                std::thread::spawn(move || {
                    let mut sink = String::new();
                    while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                        sink.clear();
                    }
                });
                return Server {
                    child,
                    base,
                    banner,
                };
            }
            banner.push(line.trim_end().to_string());
        }
    }

    pub fn setup_link(&self) -> String {
        self.banner
            .iter()
            .find_map(|l| l.trim().strip_prefix("http").map(|r| format!("http{r}")))
            .expect("an empty store prints a set-up link")
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Create an administrator and an API token through the CLI; returns the token.
pub fn admin_token(cwd: &Path, store_args: &[&str]) -> String {
    let out = run(chamber(cwd)
        .args([
            "admin",
            "create-user",
            "--username",
            "secretariat",
            "--role",
            "admin",
        ])
        .args(store_args));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(chamber(cwd)
        .args([
            "admin",
            "issue-token",
            "--username",
            "secretariat",
            "--label",
            "tests",
        ])
        .args(store_args));
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}
