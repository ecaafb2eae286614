//! Bad input: each bad record is reported with file and line and
//! skipped (exit 0, counted in the summary), `--strict` stops with exit
//! 2 at the first one, an unusable input is exit 2 either way, and
//! nothing ever panics.

mod common;

use std::io::Write;

use common::Env;

/// Good records around bad ones, with the bad lines' numbers.
const MIXED: &str = "$ORIGIN example.\n\
$TTL 3600\n\
@ IN SOA ns1 host ( 1 2 3 4 5 )\n\
good1 IN NS ns1.hoster.net.\n\
bad-ttl 99999999999 IN NS ns1.hoster.net.\n\
good2 IN NS ns1.hoster.net.\n\
truncated IN NS\n\
good3 IN A 192.0.2.1\n\
parens IN NS ( ns1.hoster.net.\n";

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let path = env.path(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_records_are_reported_skipped_and_counted() {
    let env = Env::new();
    let file = write(&env, "mixed.zone", MIXED.as_bytes());

    let output = env.run(&["ingest", "zone", "--format", "json", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("mixed.zone:5:"), "bad TTL not reported with its line:\n{err}");
    assert!(err.contains("mixed.zone:7:"), "truncated record not reported:\n{err}");

    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let batch = &summary["files"][0];
    assert_eq!(batch["skipped"], 3, "{summary}");
    assert_eq!(batch["records"], 4, "{summary}");

    let view = env.json(&["domain", "good2.example"]);
    assert_eq!(view["nameservers"][0], "ns1.hoster.net");
}

#[test]
fn strict_stops_at_the_first_bad_record() {
    let env = Env::new();
    let file = write(&env, "mixed.zone", MIXED.as_bytes());

    let output = env.run(&["ingest", "zone", "--strict", &file]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("mixed.zone:5:"), "{}", stderr(&output));

    // Nothing of the failed batch was stored.
    let output = env.run(&["domain", "good1.example"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn non_utf8_and_huge_lines_are_bad_records_not_failures() {
    let env = Env::new();
    let mut bytes = b"a.example. 3600 IN NS ns1.hoster.net.\n".to_vec();
    bytes.extend(b"b.example. 3600 IN TXT \"\xff\xfe\"\n");
    bytes.extend(b"c.example. 3600 IN TXT \"");
    bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
    bytes.extend(b"\"\nd.example. 3600 IN NS ns1.hoster.net.\n");
    let file = write(&env, "odd.zone", &bytes);

    let output = env.run(&["ingest", "zone", "--origin", "example", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("odd.zone:2:") && err.contains("odd.zone:3:"), "{err}");
    let profile = env.json(&["nameserver", "hoster.net"]);
    assert_eq!(profile["num_domains"], 2);
}

#[test]
fn unusable_inputs_exit_2_either_way() {
    let env = Env::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..5000 {
        writeln!(gz, "d{i}.example. 3600 IN NS ns1.hoster.net.").unwrap();
    }
    let gz = gz.finish().unwrap();
    let cut = write(&env, "cut.zone.gz", &gz[..gz.len() / 2]);

    std::fs::create_dir(env.path("zones")).unwrap();
    write(&env, "outside.zone", b"x.example. 3600 IN NS ns1.hoster.net.\n");
    let include = write(&env, "zones/inc.zone", b"$INCLUDE ../outside.zone\n");
    let missing = env.path("missing.zone").to_str().unwrap().to_owned();

    for (file, flag) in [(&cut, None), (&include, Some("--allow-include")), (&missing, None)] {
        for strict in [false, true] {
            let mut args = vec!["ingest", "zone", "--origin", "example", file.as_str()];
            args.extend(flag);
            args.extend(strict.then_some("--strict"));
            let output = env.run(&args);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
            assert!(stderr(&output).contains("error:"), "{}", stderr(&output));
        }
    }

    // A refused $INCLUDE (flag not given) is unusable too.
    let output = env.run(&["ingest", "zone", &include]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_empty_file_is_an_empty_batch() {
    let env = Env::new();
    let file = write(&env, "empty.zone", b"");
    let output = env.run(&["ingest", "zone", "--origin", "example", "--date", "2024-01-01", &file]);
    assert!(output.status.success(), "{}", stderr(&output));

    let output = env.run(&["zone", "stats", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn other_classes_and_out_of_zone_records_are_skipped_with_their_lines() {
    let env = Env::new();
    let text = "$ORIGIN example.\n@ 3600 IN SOA ns1 host 1 2 3 4 5\n\
        a 3600 IN NS ns1.hoster.net.\n\
        b 3600 CH NS ns1.hoster.net.\n\
        c.other. 3600 IN NS ns1.hoster.net.\n";
    let file = write(&env, "classes.zone", text.as_bytes());

    let output = env.run(&["ingest", "zone", "--format", "json", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("classes.zone:4: class CH"), "{err}");
    assert!(err.contains("classes.zone:5: c.other is outside the zone example"), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["files"][0]["skipped"], 2);
    assert_eq!(env.json(&["nameserver", "hoster.net"])["num_domains"], 1);
}

#[test]
fn unsupported_compression_and_unreadable_files_are_refused() {
    let env = Env::new();
    let bz2 = write(&env, "z.zone.bz2", b"BZh91AY&SY\x00\x00\x00\x00");
    let garbage = write(&env, "garbage.zone", b"\x01\x02\x03 not a zone\n\xff\xfe\n");
    let fifo = env.path("fifo.zone");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap().to_owned();

    for file in [&bz2, &garbage, &fifo] {
        for command in ["ingest", "zone"] {
            let args: Vec<&str> = match command {
                "ingest" => vec!["ingest", "zone", "--origin", "example", file],
                _ => vec!["zone", "stats", "--strict", file],
            };
            let output = env.run(&args);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        }
    }
    assert!(stderr(&env.run(&["ingest", "zone", &bz2])).contains("bzip2"));
    assert!(
        !env.store().exists() || env.json(&["store", "info"])["batches"] == serde_json::json!([])
    );
}

#[test]
fn the_same_content_compressed_is_a_duplicate() {
    let env = Env::new();
    let text = "a.example. 3600 IN NS ns1.hoster.net.\n";
    let plain = write(&env, "z.zone", text.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = write(&env, "z.zone.gz", &gz.finish().unwrap());

    env.ok(&["ingest", "zone", "--origin", "example", "--date", "2024-01-01", &plain]);
    let again = env.json(&["ingest", "zone", "--origin", "example", "--date", "2025-01-01", &gz]);
    assert_eq!(again["files"][0]["status"], "duplicate");
    // The stored batch is reported, not what this run asked for.
    assert_eq!(again["files"][0]["observed_at"], "2024-01-01T00:00:00Z");
}

#[test]
fn zone_stats_never_vouches_for_a_bad_name() {
    let env = Env::new();
    let long = "x".repeat(64);
    let text = format!(
        "com.\t900\tin\tsoa\ta.nic.com. h.nic.com. 1 2 3 4 5\n\
         {long}.com.\t3600\tin\tns\tns1.hoster.net.\n\
         b..com.\t3600\tin\tns\tns1.hoster.net.\n\
         ok.com.\t3600\tin\tns\tns1.hoster.net.\n"
    );
    let file = write(&env, "names.zone", text.as_bytes());

    let output = env.run(&["zone", "stats", "--format", "ndjson", &file]);
    assert!(output.status.success());
    let row: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(row["domains"], 1, "{row}");
    assert!(stderr(&output).contains("names.zone:2:"), "{}", stderr(&output));

    let strict = env.run(&["zone", "stats", "--strict", &file]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn foreign_and_special_stores_are_refused() {
    let env = Env::new();
    let zone = write(&env, "z.zone", b"a.example. 3600 IN NS ns1.hoster.net.\n");
    let foreign = env.path("foreign.sqlite");
    let made = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table foo(x)'); c.commit()"])
        .arg(&foreign)
        .status()
        .unwrap();
    assert!(made.success());

    for store in [foreign.to_str().unwrap(), ":memory:", "file:x.sqlite?mode=memory"] {
        let mut command = env.command(&["ingest", "zone", "--origin", "example", &zone]);
        let output = command.env("NSHUNT_STORE", store).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{store}: {}", stderr(&output));
    }
}

#[test]
fn scoring_a_missing_store_creates_nothing() {
    let env = Env::new();
    let missing = env.dir.path().join("nodir").join("typo.sqlite");
    let output = env.command(&["score"]).env("NSHUNT_STORE", &missing).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no store at"), "{}", stderr(&output));
    assert!(!env.dir.path().join("nodir").exists(), "a folder was made");
}

#[test]
fn a_closed_stderr_loses_nothing() {
    let env = Env::new();
    let text: String = (0..3000).map(|i| format!("a{i}.example. 60 IN A 999.0.0.1\n")).collect();
    let file = write(
        &env,
        "bad.zone",
        format!("{text}good.example. 60 IN NS ns1.hoster.net.\n").as_bytes(),
    );

    let mut child = env
        .command(&["ingest", "zone", "--origin", "example", &file])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(env.json(&["nameserver", "hoster.net"])["num_domains"], 1);
}
