//! The `hashlab` command line, run as a user runs it.

use std::process::{Command, Output};

fn hashlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hashlab")).args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

const SMALL: [&str; 4] = ["--operators", "60", "--years", "0.2"];

#[test]
fn presets_lists_every_preset_with_its_title() {
    let output = hashlab(&["presets"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for id in
        ["baseline-2025", "late-2025-squeeze", "halving-2028", "ai-takes-the-power", "fee-only-future", "manufacturers-mine", "bull-run"]
    {
        assert!(text.lines().any(|l| l.starts_with(id) && l.len() > id.len() + 3), "{id} missing from\n{text}");
    }
}

#[test]
fn run_gives_the_same_bytes_every_time_with_the_contract_columns() {
    let args = [&["run", "--preset", "late-2025-squeeze", "--seed", "7"][..], &SMALL[..]].concat();
    let first = hashlab(&args);
    let second = hashlab(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
    let text = stdout(&first);
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("day,date,height,price_usd,difficulty,hashrate_ehs,hashrate_7d_est_ehs,hashprice_usd_per_ph_day,blocks,"),
        "{header}"
    );
    assert_eq!(text.lines().count(), 1 + 73, "a header and 73 days (0.2 years)");
    assert!(text.lines().nth(1).unwrap().starts_with("0,2025-10-06,"));
}

#[test]
fn set_and_files_and_links_choose_the_same_scenario() {
    let dir = std::env::temp_dir().join(format!("hashlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = dir.join("s.toml");
    std::fs::write(&toml, "price_shock_pct = -30.0\nseed = 5\n").unwrap();
    let json = dir.join("s.json");
    std::fs::write(&json, r#"{"price_shock_pct": -30, "seed": 5}"#).unwrap();
    let by_set = hashlab(&[&["run", "--set", "price_shock_pct=-30", "--seed", "5"][..], &SMALL[..]].concat());
    let by_toml = hashlab(&[&["run", "--scenario", toml.to_str().unwrap()][..], &SMALL[..]].concat());
    let by_json = hashlab(&[&["run", "--scenario", json.to_str().unwrap()][..], &SMALL[..]].concat());
    let by_link = hashlab(&["run", "--link", "http://127.0.0.1:3000/?v=1&seed=5&operators=60&years=0.2&price_shock_pct=-30"]);
    assert!(by_set.status.success(), "{}", stderr(&by_set));
    assert_eq!(by_set.stdout, by_toml.stdout);
    assert_eq!(by_set.stdout, by_json.stdout);
    assert_eq!(by_set.stdout, by_link.stdout, "{}", stderr(&by_link));
    let out = dir.join("out.json");
    let written = hashlab(&[&["run", "--format", "json", "--out", out.to_str().unwrap()][..], &SMALL[..]].concat());
    assert!(written.status.success() && written.stdout.is_empty());
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(value["model_version"], simulation::MODEL_VERSION);
    assert!(value["summary"]["blocks"].as_u64().unwrap() > 0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_exits_2_and_names_the_field_and_range() {
    for (args, field, allowed) in [
        (vec!["run", "--set", "price_volatility=7"], "price_volatility", "0 to 3"),
        (vec!["run", "--set", "colour=red"], "colour", "hashlab fields"),
        (vec!["run", "--operators", "1.5"], "operators", "whole number"),
        (vec!["run", "--years", "NaN"], "years", "0.1 to 30"),
        (vec!["run", "--preset", "nope"], "preset", "baseline-2025"),
        (vec!["run", "--set", "start_date=2025-02-30"], "start_date", "YYYY-MM-DD"),
        (vec!["run", "--link", "?years=abc"], "years", "0.1 to 30"),
        (vec!["montecarlo", "--runs", "0"], "runs", "1 to 1000"),
        (vec!["sweep", "--param", "years=0:1:3", "--metric", "hashrate_ehs"], "years", "0.1 to 30"),
        (vec!["sweep", "--param", "years=1:2:3", "--metric", "date"], "metric", "daily series"),
        (vec!["montecarlo", "--shard", "3/3"], "shard", "i/n"),
    ] {
        let output = hashlab(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(field) && message.contains(allowed), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{message}");
    }
    let missing = hashlab(&["run", "--scenario", "/nonexistent/s.json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("/nonexistent/s.json"));
}

#[test]
fn shards_merge_into_the_whole_montecarlo_and_sweep() {
    let dir = std::env::temp_dir().join(format!("hashlab-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (batch, extra) in [
        ("montecarlo", vec!["--runs", "9"]),
        (
            "sweep",
            vec![
                "--param",
                "price_shock_pct=-50:0:3",
                "--param",
                "pool_preference_strength=0:2:2",
                "--metric",
                "nakamoto_pools",
                "--runs",
                "2",
            ],
        ),
    ] {
        let base = [&[batch][..], &extra[..], &SMALL[..]].concat();
        let whole = hashlab(&base);
        assert!(whole.status.success(), "{batch}: {}", stderr(&whole));
        let mut files = Vec::new();
        for i in 0..4 {
            let file = dir.join(format!("{batch}-{i}.json"));
            let shard = format!("{i}/4");
            let output = hashlab(&[&base[..], &["--shard", &shard, "--out", file.to_str().unwrap()][..]].concat());
            assert!(output.status.success(), "{batch} shard {i}: {}", stderr(&output));
            files.push(file.to_str().unwrap().to_string());
        }
        files.reverse();
        let merged = hashlab(&[&["merge"][..], &files.iter().map(String::as_str).collect::<Vec<_>>()[..]].concat());
        assert!(merged.status.success(), "{batch}: {}", stderr(&merged));
        assert_eq!(merged.stdout, whole.stdout, "{batch}: shards merged equal one run");
        let partial = hashlab(&["merge", &files[0], &files[1]]);
        assert_eq!(partial.status.code(), Some(2), "a missing shard is an error");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_writes_the_report_and_its_charts_and_sensitivity_its_tornado() {
    let dir = std::env::temp_dir().join(format!("hashlab-validate-{}", std::process::id()));
    let output = hashlab(&["validate", "--runs", "2", "--operators", "100", "--sensitivity-runs", "1", "--out-dir", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = std::fs::read_to_string(dir.join("VALIDATION.md")).unwrap();
    assert!(report.contains("| check | observed |") && report.contains("Known limits") && report.contains("Sensitivity"));
    // What the back-test's growth rests on: every window at half, the same and twice its factories' output.
    let rests = report.split("### What the model's growth rests on").nth(1).expect("the factories' table");
    assert!(rests.contains("| window | observed | factories' output at the start, EH/s a month | x0.5 | x1 | x2 |"), "{rests}");
    for window in ["2019", "2020", "2021h2", "2022", "2023", "2024", "2025"] {
        assert!(rests.contains(&format!("| `{window}` | ")), "{window}: {rests}");
    }
    for chart in ["history-hashrate.svg", "history-hashprice.svg", "squeeze-hashrate.svg", "tornado-hashrate.svg"] {
        let svg = std::fs::read_to_string(dir.join("validation").join(chart)).unwrap();
        assert!(svg.starts_with("<svg") && svg.len() > 1_000, "{chart}");
    }
    let tornado = dir.join("tornado.svg");
    let sensitivity = hashlab(&["sensitivity", "--runs", "1", "--operators", "60", "--years", "0.3", "--svg", tornado.to_str().unwrap()]);
    assert!(sensitivity.status.success(), "{}", stderr(&sensitivity));
    assert!(stdout(&sensitivity).starts_with("field,low,high,output,base,at_low,at_high,swing"));
    // Each lever by its title and the values it was set to, not its raw field name.
    let drawn = std::fs::read_to_string(&tornado).unwrap();
    assert!(drawn.contains("Start price: ") && !drawn.contains("start_price_usd"), "{}", &drawn[..drawn.len().min(2_000)]);
    std::fs::remove_dir_all(&dir).ok();
}

/// `hashlab run` of the small scenario to `--out path`, and what it prints without `--out`.
fn run_to(path: &std::path::Path) -> (Output, Vec<u8>) {
    let expected = hashlab(&[&["run"][..], &SMALL[..]].concat());
    assert!(expected.status.success(), "{}", stderr(&expected));
    let output = hashlab(&[&["run", "--out", path.to_str().unwrap()][..], &SMALL[..]].concat());
    (output, expected.stdout)
}

/// The names in `dir`, sorted: to see that no temporary file was left.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn out_replaces_a_regular_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    std::fs::write(&path, vec![b'x'; 1 << 20]).unwrap();
    let (output, expected) = run_to(&path);
    assert!(output.status.success() && output.stdout.is_empty(), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap(), expected, "no trace of the longer old content");
    assert_eq!(names(dir.path()), ["out.csv"]);
}

#[test]
fn out_that_fails_midway_leaves_the_old_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    std::fs::write(&path, "old").unwrap();
    // A file size limit of 1 KiB, its signal ignored: the write fails with EFBIG
    // part way, as on a full disk.
    let script = format!(r#"trap '' XFSZ; ulimit -f 1; exec "$0" run {} --out "$1""#, SMALL.join(" "));
    let output =
        Command::new("bash").args(["-c", &script, env!("CARGO_BIN_EXE_hashlab"), path.to_str().unwrap()]).output().expect("bash runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("out.csv") && !stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old", "the old file is untouched");
    assert_eq!(names(dir.path()), ["out.csv"], "no temporary file left");
}

#[test]
fn out_writes_a_fifo_in_place_and_its_reader_gets_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("the FIFO reads"))
    };
    let (output, expected) = run_to(&fifo);
    assert!(output.status.success(), "{}", stderr(&output));
    use std::os::unix::fs::FileTypeExt;
    // Checked before joining: had the FIFO been renamed over, its reader would wait forever.
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
    assert_eq!(reader.join().unwrap(), expected);
    assert_eq!(names(dir.path()), ["pipe"]);
}

#[test]
fn out_writes_a_character_device_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null");
    // A private copy of /dev/null (major 1, minor 3): the machine's own is never touched.
    let made = Command::new("mknod").arg(&device).args(["c", "1", "3"]).output().expect("mknod runs");
    if !made.status.success() {
        eprintln!("note: skipping the character device test: mknod is not permitted here ({})", stderr(&made).trim());
        return;
    }
    let (output, _) = run_to(&device);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&device).unwrap().file_type().is_char_device(), "still a character device");
    assert_eq!(names(dir.path()), ["null"]);
}

#[test]
fn out_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("target.csv", &link).unwrap();
    let (output, expected) = run_to(&link);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_link(&link).unwrap(), std::path::Path::new("target.csv"));
    assert_eq!(std::fs::read(&target).unwrap(), expected);
    // A link to a file not there yet creates it.
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("new.csv", &dangling).unwrap();
    let (output, expected) = run_to(&dangling);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(dir.path().join("new.csv")).unwrap(), expected);
    assert_eq!(names(dir.path()), ["dangling.csv", "link.csv", "new.csv", "target.csv"]);
}

#[test]
fn out_refuses_a_read_only_file_and_keeps_hard_links() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.csv");
    std::fs::write(&locked, "keep me").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (output, _) = run_to(&locked);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("out") && stderr(&output).contains("read-only"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), "keep me");
    // Two names for one file: both see the new contents, and stay one file.
    let first = dir.path().join("first.csv");
    let second = dir.path().join("second.csv");
    std::fs::write(&first, "a longer old content than the new one could ever be? no: it is truncated".repeat(100)).unwrap();
    std::fs::hard_link(&first, &second).unwrap();
    let (output, expected) = run_to(&first);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(&second).unwrap(), expected);
    assert_eq!(std::fs::metadata(&first).unwrap().ino(), std::fs::metadata(&second).unwrap().ino());
    assert_eq!(std::fs::metadata(&first).unwrap().nlink(), 2);
}

#[test]
fn input_files_are_size_limited_and_shards_of_another_model_refused() {
    // An endless device as a scenario: refused at the limit, naming the option.
    let output = hashlab(&["run", "--scenario", "/dev/zero", "--operators", "60", "--years", "0.1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("scenario") && stderr(&output).contains("larger than"), "{}", stderr(&output));
    // A price CSV with a header and no rows says so.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "date,price_usd\n").unwrap();
    let output = hashlab(&["run", "--price-csv", csv.to_str().unwrap(), "--operators", "60", "--years", "0.1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no rows"), "{}", stderr(&output));
    // A well-formed shard claiming another model version is not merged.
    let shard = dir.path().join("s0.json");
    let made =
        hashlab(&["montecarlo", "--operators", "30", "--years", "0.1", "--runs", "2", "--shard", "0/1", "--out", shard.to_str().unwrap()]);
    assert!(made.status.success(), "{}", stderr(&made));
    let text = std::fs::read_to_string(&shard).unwrap();
    let version = format!("\"model_version\": \"{}\"", simulation::MODEL_VERSION);
    assert!(text.contains(&version), "{}", &text[..300.min(text.len())]);
    std::fs::write(&shard, text.replacen(&version, "\"model_version\": \"999\"", 1)).unwrap();
    let output = hashlab(&["merge", shard.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("model version 999"), "{}", stderr(&output));
}

#[test]
fn a_share_link_with_the_pages_own_keys_runs_as_its_scenario() {
    let plain = hashlab(&["run", "--link", "http://127.0.0.1:3000/?v=14&seed=5&operators=60&years=0.2"]);
    let page = hashlab(&[
        "run",
        "--link",
        "http://127.0.0.1:3000/?v=14&seed=5&operators=60&years=0.2&at=2025-12-01&view=projector&base1=seed%3D6",
    ]);
    assert!(page.status.success(), "{}", stderr(&page));
    assert_eq!(plain.stdout, page.stdout);
}

#[test]
fn out_to_a_directory_is_an_error_that_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("results");
    std::fs::create_dir(&sub).unwrap();
    let (output, _) = run_to(&sub);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("out") && message.contains("is a directory"), "{message}");
    assert_eq!(names(dir.path()), ["results"]);
    assert!(names(&sub).is_empty());
}

#[test]
fn out_to_a_process_substitution_reaches_its_reader() {
    let expected = hashlab(&[&["run"][..], &SMALL[..]].concat());
    // `>(cat)` is a /dev/fd/N link to a pipe; cat writes what it reads to bash's stdout.
    let script = format!(r#""$0" run {} --out >(cat)"#, SMALL.join(" "));
    let output = Command::new("bash").args(["-c", &script, env!("CARGO_BIN_EXE_hashlab")]).output().expect("bash runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, expected.stdout);
}

#[test]
fn merge_refuses_bad_shard_files_with_a_named_error() {
    let dir = tempfile::tempdir().unwrap();
    let write_shard = |batch: &[&str], name: &str| -> serde_json::Value {
        let file = dir.path().join(name);
        let output = hashlab(&[batch, &["--shard", "0/1", "--out", file.to_str().unwrap()][..], &SMALL[..]].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
    };
    let montecarlo = write_shard(&["montecarlo", "--runs", "3"], "montecarlo.json");
    let sweep = write_shard(&["sweep", "--param", "price_shock_pct=-50:0:3", "--metric", "hashrate_ehs", "--runs", "2"], "sweep.json");
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&serde_json::Value, Edit, &str); 6] = [
        // Once allocated up front: a 103 GB abort (exit 134).
        (&montecarlo, |s| s["total_runs"] = 4_294_967_295u32.into(), "total_runs is 4294967295"),
        // Cut short: once an index out of bounds (exit 101).
        (&montecarlo, |s| drop(s["values"][1].as_array_mut().unwrap().pop()), "run 1 has 32 columns"),
        (&montecarlo, |s| drop(s["values"][2][0].as_array_mut().unwrap().pop()), "run 2 has 72 points of price_usd"),
        (&sweep, |s| s["cells"][1]["percentiles"] = serde_json::json!([]), "cell 1 has 0 percentiles"),
        // Once a CSV of zeros with exit 0.
        (&montecarlo, |s| s["values"] = serde_json::json!([]), "holds no runs"),
        (&sweep, |s| s["cells"] = serde_json::json!([]), "holds no cells"),
    ];
    for (index, (shard, edit, problem)) in cases.into_iter().enumerate() {
        let mut shard = shard.clone();
        edit(&mut shard);
        let file = dir.path().join(format!("bad-{index}.json"));
        std::fs::write(&file, serde_json::to_vec(&shard).unwrap()).unwrap();
        let output = hashlab(&["merge", file.to_str().unwrap()]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{problem}: {message}");
        assert!(
            message.contains("shards") && message.contains(problem) && message.contains(file.to_str().unwrap()),
            "{problem}: {message}"
        );
        assert!(output.stdout.is_empty() && !message.contains("panicked"), "{message}");
    }
    // A shard that would hold no runs is not written in the first place.
    let empty = hashlab(&[&["montecarlo", "--runs", "2", "--shard", "0/4"][..], &SMALL[..]].concat());
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("shard 0/4 of 2 runs holds none"), "{}", stderr(&empty));
}

#[test]
fn a_json_scenario_file_with_a_key_given_twice_is_refused_like_toml() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, key) in [
        ("twice.json", r#"{"seed": 1, "price_shock_pct": -30, "seed": 2}"#, "`seed`"),
        ("nested.json", r#"{"price_path": [{"date": "2025-10-06", "price_usd": 90000, "price_usd": 1}]}"#, "`price_path.price_usd`"),
        ("twice.toml", "seed = 1\nseed = 2\n", "seed"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let output = hashlab(&[&["run", "--scenario", file.to_str().unwrap()][..], &SMALL[..]].concat());
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {message}");
        assert!(message.contains(key) && message.contains(name), "{name}: {message}");
    }
}

#[test]
fn errors_show_long_numbers_short() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("huge.json");
    std::fs::write(&json, r#"{"start_price_usd": 1e308}"#).unwrap();
    let csv = dir.path().join("prices.csv");
    std::fs::write(&csv, "date,price_usd\n2025-10-06,1e308\n").unwrap();
    for (args, field) in [
        (vec!["run", "--set", "start_price_usd=1e308"], "start_price_usd"),
        (vec!["run", "--scenario", json.to_str().unwrap()], "start_price_usd"),
        (vec!["run", "--set", "price_path=2025-10-06:1e308"], "price_path"),
        (vec!["run", "--price-csv", csv.to_str().unwrap()], "price_path"),
    ] {
        let output = hashlab(&args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(field) && message.contains("1e308"), "{args:?}: {message}");
        let longest_digits = message.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
        assert!(longest_digits <= 15, "{args:?}: a {longest_digits}-digit number in {message}");
    }
}

#[test]
fn out_to_a_descriptor_redirected_to_a_file_adds_to_what_the_shell_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.txt");
    let expected = hashlab(&[&["run"][..], &SMALL[..]].concat());
    // /proc/self/fd/1 (what /dev/stdout links to): the shell's own file, written in place after its line.
    let script = format!(r#"{{ echo first; "$0" run {} --out /proc/self/fd/1; }} > "$1""#, SMALL.join(" "));
    let output =
        Command::new("bash").args(["-c", &script, env!("CARGO_BIN_EXE_hashlab"), file.to_str().unwrap()]).output().expect("bash runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(&file).unwrap(), [&b"first\n"[..], &expected.stdout[..]].concat());
    assert_eq!(names(dir.path()), ["log.txt"]);
}

#[test]
fn events_lists_what_happened_in_words() {
    let output = hashlab(&["events", "--preset", "halving-2028", "--set", "operators=200"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("day,date,kind,value,text"), "{text}");
    let halving = text.lines().find(|l| l.contains(",halving,")).expect("the halving is an event");
    assert!(halving.contains("1.5625"), "{halving}");
    assert!(text.lines().any(|l| l.contains(",retarget,") && l.contains("because blocks")), "retargets say why");
    let json = hashlab(&["run", "--preset", "late-2025-squeeze", "--set", "operators=200", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let kinds: Vec<&str> =
        value["events"].as_array().expect("events in the run's JSON").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"price_shock_start") && kinds.contains(&"ai_committed"), "{kinds:?}");
}

#[test]
fn provenance_leads_the_files_only_when_asked_and_the_rest_is_the_plain_output() {
    // A run's CSV: `#` lines (link, model version, seed, time), then the same bytes as without them.
    let plain = hashlab(&[&["run", "--seed", "7"][..], &SMALL[..]].concat());
    let stamped = hashlab(&[&["run", "--seed", "7", "--provenance"][..], &SMALL[..]].concat());
    assert!(stamped.status.success(), "{}", stderr(&stamped));
    let text = stdout(&stamped);
    let comments: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert_eq!(comments.len(), 3, "{text:.400}");
    assert!(comments[0].starts_with(&format!("# Hashlab daily series, model version {}, seed 7, generated 20", simulation::MODEL_VERSION)));
    assert_eq!(
        comments[1],
        format!("# Reproduce it: http://127.0.0.1:3000/?v={}&seed=7&operators=60&years=0.2", simulation::MODEL_VERSION)
    );
    assert!(text.ends_with(&stdout(&plain)), "the data itself is unchanged");
    // At the public address when there is one; JSON with `provenance` first.
    let json = Command::new(env!("CARGO_BIN_EXE_hashlab"))
        .args([&["montecarlo", "--runs", "3", "--format", "json", "--provenance"][..], &SMALL[..]].concat())
        .env("HASHLAB_PUBLIC_URL", "https://lab.example/")
        .output()
        .unwrap();
    assert!(json.status.success(), "{}", stderr(&json));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(stdout(&json).starts_with("{\"provenance\":{\"link\":\"https://lab.example/?v="), "{:.200}", stdout(&json));
    assert_eq!(value["provenance"]["seed"], 42);
    assert_eq!(value["runs"], 3, "the rest of the document is intact");
    // A Monte Carlo's and a sweep's CSV say what they hold.
    let bands = stdout(&hashlab(&[&["montecarlo", "--runs", "3", "--provenance"][..], &SMALL[..]].concat()));
    assert!(bands.starts_with("# Hashlab Monte Carlo bands (p5-p95) over 3 seeds from seed 42, model version"), "{bands:.200}");
    let sweep = hashlab(
        &[&["sweep", "--param", "price_shock_pct=-50:0:2", "--metric", "hashrate_ehs", "--runs", "2", "--provenance"][..], &SMALL[..]]
            .concat(),
    );
    assert!(stdout(&sweep).starts_with("# Hashlab sweep of hashrate_ehs over price_shock_pct, 2 seeds per cell"), "{}", stderr(&sweep));
    // Over a window's mean: said in the provenance, a different figure; a window past the run's end is named.
    let sweep_args = ["sweep", "--param", "price_shock_pct=-50:0:2", "--metric", "hashrate_ehs", "--runs", "2", "--provenance"];
    let mean = hashlab(&[&sweep_args[..], &["--mean-over", "0:end"], &SMALL[..]].concat());
    let text = stdout(&mean);
    assert!(text.starts_with("# Hashlab sweep of hashrate_ehs (mean over days 0:end) over price_shock_pct"), "{}", stderr(&mean));
    let rows = |text: &str| text.lines().filter(|l| !l.starts_with('#')).skip(1).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(rows(&text).len(), 2);
    assert_ne!(rows(&text), rows(&stdout(&sweep)), "the mean over the run is not the final day");
    let late = hashlab(&[&sweep_args[..], &["--mean-over", "0:5000"], &SMALL[..]].concat());
    assert_eq!(late.status.code(), Some(2));
    assert!(stderr(&late).contains("mean_over") && stderr(&late).contains("within 0:72"), "{}", stderr(&late));
    // A bad public address is named.
    let bad = Command::new(env!("CARGO_BIN_EXE_hashlab"))
        .args([&["run", "--provenance"][..], &SMALL[..]].concat())
        .env("HASHLAB_PUBLIC_URL", "lab.example")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("HASHLAB_PUBLIC_URL"), "{}", stderr(&bad));
}

#[test]
fn backtest_scores_another_parameter_set_against_the_same_history() {
    let args = ["backtest", "--window", "2022", "--runs", "2", "--operators", "100", "--format", "json"];
    let plain = hashlab(&args);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let plain: serde_json::Value = serde_json::from_str(&stdout(&plain)).unwrap();
    let more = hashlab(&[&args[..], &["--set", "manufacturer_production_ehs_per_month=30"]].concat());
    assert!(more.status.success(), "{}", stderr(&more));
    let more: serde_json::Value = serde_json::from_str(&stdout(&more)).unwrap();
    assert_eq!(more["scenario"]["manufacturer_production_ehs_per_month"], 30.0);
    assert_eq!(more["spec"]["set"]["manufacturer_production_ehs_per_month"], "30");
    assert!(plain["spec"].get("set").is_none(), "a plain back-test's spec is as before");
    // The same observed history, and factories that make more: the network grows more.
    let change = |result: &serde_json::Value, which: &str| result["scorecard"][which].as_f64().unwrap();
    assert_eq!(change(&more, "hashrate_change_observed_pct"), change(&plain, "hashrate_change_observed_pct"));
    assert!(
        change(&more, "hashrate_change_model_pct") > change(&plain, "hashrate_change_model_pct") + 10.0,
        "{} against {}",
        change(&more, "hashrate_change_model_pct"),
        change(&plain, "hashrate_change_model_pct")
    );
    for (set, field, allowed) in [
        ("switch_off_days=900", "switch_off_days", "0 to 90"),
        ("start_date=2020-01-01", "start_date", "any scenario field but"),
        ("colour=red", "colour", "hashlab fields"),
        ("nonsense", "set", "KEY=VALUE"),
    ] {
        let refused = hashlab(&["backtest", "--window", "2022", "--runs", "2", "--set", set]);
        assert_eq!(refused.status.code(), Some(2), "{set}");
        let error = stderr(&refused);
        assert!(error.contains(field) && error.contains(allowed), "{set}: {error}");
    }
}

#[test]
fn backtest_prints_a_scorecard_and_the_days_observed_beside_the_model() {
    let text = hashlab(&["backtest", "--window", "2022", "--runs", "2", "--operators", "100"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let text = stdout(&text);
    assert!(text.starts_with("Back-test: window 2022, 2022-01-01 to 2022-12-31, 2 seeds from 1, 100 operators"), "{text}");
    assert!(text.contains("hash rate (30-day mean): median abs. log error") && text.contains("2022Q4: observed"), "{text}");
    let csv = hashlab(&["backtest", "--from", "2024-03-01", "--to", "2024-05-31", "--runs", "2", "--operators", "100", "--format", "csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let csv = stdout(&csv);
    assert!(csv.starts_with("day,date,price_usd,observed_hashrate_30d_ehs,model_hashrate_30d_p5_ehs,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 92);
    // Outside the data, the field is named.
    let refused = hashlab(&["backtest", "--from", "2018-01-01", "--to", "2019-06-01"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("from"), "{}", stderr(&refused));
    let refused = hashlab(&["backtest", "--window", "1999"]);
    assert!(stderr(&refused).contains("window") && stderr(&refused).contains("2021h2"), "{}", stderr(&refused));
}
