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
