//! Running the real `nshunt` binary in tests.

#![allow(dead_code)]

pub mod browser;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The sample data shipped in the repository.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data")
}

/// The real data beside the repository (`../shared/data`).
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// This crate's test data.
pub fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// A store in a temporary folder, removed with the value.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub fn store(&self) -> PathBuf {
        self.dir.path().join("store.sqlite")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A command for `nshunt ARGS` on this store.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nshunt"));
        command.args(args).env("NSHUNT_STORE", self.store()).env("NO_COLOR", "1");
        command.env_remove("RUST_LOG");
        command
    }

    /// Runs `nshunt ARGS` and returns its output, checking it never
    /// panicked.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = self.command(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "nshunt panicked on {args:?}:\n{stderr}");
        output
    }

    /// Runs `nshunt ARGS`, requires exit 0 and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "nshunt {args:?} failed ({:?}):\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `nshunt ARGS --format json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }
}

/// The look-alike sample as a CZDS zone file: each line loses the three
/// comma-separated brand columns glued to its owner.
pub fn lookalike_zone(env: &Env) -> PathBuf {
    let tsv = std::fs::read_to_string(examples().join("czds_com_idn_lookalikes_sample.tsv"));
    let lines: Vec<&str> = tsv.as_deref().unwrap().lines().collect();
    let zone: String = lines
        .iter()
        .map(|line| {
            let mut columns = line.splitn(4, ',');
            let zone_line = columns.nth(3).expect("three brand columns");
            format!("{zone_line}\n")
        })
        .collect();
    assert_eq!(zone.lines().count(), 80);

    let path = env.path("com-lookalikes.zone");
    std::fs::write(&path, zone).unwrap();
    path
}
