//! `--case DIR` in place of `-i` on the headless commands: the case's recorded inputs, read through its index
//! (built on the first load, reused after), give the same output as naming the inputs with `-i`.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn run(args: &[&str], config: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("TRAILHOUND_CASE")
        .env("XDG_CONFIG_HOME", config)
        .env("XDG_DATA_HOME", config)
        .output()
        .expect("run trailhound")
}

fn ok(args: &[&str], config: &Path) -> (String, String) {
    let out = run(args, config);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn case_inputs_through_the_index_answer_as_the_inputs_do() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case");
    let case = case.to_str().unwrap();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case");
    ok(&["case", "new", "--case", case, "-i", sample], tmp.path());

    let (direct, _) = ok(&["ingest", "-i", sample, "--json"], tmp.path());
    for (round, said) in [(0, "built"), (1, "reused")] {
        let (out, err) = ok(&["ingest", "--case", case, "--json"], tmp.path());
        assert!(err.contains(&format!("case index: {said}")), "round {round}: {err}");
        let mut v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["index"], said);
        v.as_object_mut().unwrap().remove("index");
        assert_eq!(v, serde_json::from_str::<Value>(&direct).unwrap());
    }
    assert!(
        tmp.path()
            .join("case/index")
            .join(trailhound::core::index::FILE)
            .is_file()
    );

    for args in [
        &["trace", "ASIADEMOROLE10000001", "--json"][..],
        &["findings", "--json"][..],
        &["role", "arn:aws:iam::777788889999:role/DemoRole", "--json"][..],
    ] {
        let with = |src: &[&str]| {
            let mut a = vec![args[0]];
            a.extend_from_slice(src);
            a.extend_from_slice(&args[1..]);
            run(&a, tmp.path())
        };
        let (a, b) = (with(&["-i", sample]), with(&["--case", case]));
        assert_eq!(a.status.code(), b.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&a.stdout),
            String::from_utf8_lossy(&b.stdout),
            "{args:?}"
        );
    }

    // -i and --case together are refused, and so is neither.
    let out = run(&["ingest", "--case", case, "-i", sample], tmp.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    assert!(!run(&["ingest"], tmp.path()).status.success());
}
