//! Tests of the built `strata` binary: exit codes, standard input, `-o`,
//! `-f json`, and the bad inputs a user can hand it.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `strata` with `arguments`, feeding `stdin` when given.
fn strata(arguments: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(arguments)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(bytes) = stdin {
        // A usage error may end the program before it reads its input.
        if let Err(error) = input.write_all(bytes) {
            assert_eq!(
                error.kind(),
                std::io::ErrorKind::BrokenPipe,
                "stdin accepts the input"
            );
        }
    }
    drop(input);
    child.wait_with_output().expect("strata finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory under the target directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("scratch directory");
    directory
}

fn example(name: &str) -> String {
    format!("{}/examples/{name}.strata", env!("CARGO_MANIFEST_DIR"))
}

/// The layout of an example, as the library makes it.
fn example_layout(name: &str) -> strata::layout::Layout {
    common::layout_of_file(Path::new(&example(name)))
}

#[test]
fn check_accepts_every_example_silently() {
    let examples: Vec<String> =
        std::fs::read_dir(format!("{}/examples", env!("CARGO_MANIFEST_DIR")))
            .expect("examples directory")
            .map(|entry| entry.expect("entry").path().display().to_string())
            .collect();
    assert!(examples.len() >= 5);
    let arguments: Vec<&str> = std::iter::once("check")
        .chain(examples.iter().map(String::as_str))
        .collect();
    let output = strata(&arguments, None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
}

#[test]
fn check_reports_invalid_input_with_exit_code_1() {
    let output = strata(&["check", "-"], Some(b"a -> b\n"));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("error: unknown id `a`"), "{text}");
    assert!(text.contains(" --> <stdin>:1:1"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when stderr is not a terminal: {text}"
    );
}

#[test]
fn colour_is_used_only_when_asked_for_off_a_terminal() {
    let output = strata(&["--color", "always", "check", "-"], Some(b"a -> b\n"));
    assert!(stderr(&output).contains("\x1b[1;31merror\x1b[0m"));
}

#[test]
fn check_reports_missing_files_with_exit_code_2_and_still_checks_the_rest() {
    let output = strata(&["check", "no/such/file.strata", "-"], Some(b"a -> b\n"));
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("cannot read no/such/file.strata"), "{text}");
    assert!(text.contains("unknown id `a`"), "{text}");
}

#[test]
fn usage_errors_exit_with_code_2() {
    assert_eq!(strata(&["render"], None).status.code(), Some(2));
    assert_eq!(strata(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(
        strata(&["render", "-", "-f", "gif"], Some(b"a"))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn render_writes_json_to_standard_output() {
    let output = strata(&["render", &example("system-context"), "-f", "json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["schema"], "strata-model/1");
    assert_eq!(json["title"], "System Context");
    assert_eq!(json["nodes"][1]["id"], "users");
    assert_eq!(json["nodes"][1]["parent"], "context");
    assert_eq!(json["edges"][1]["heads"], "none");
}

#[test]
fn render_reads_standard_input() {
    let output = strata(
        &["render", "-", "-f", "json"],
        Some(b"a -> b\na\nb \"B\"\n"),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["edges"][0]["from"], "a");
    assert_eq!(json["nodes"][1]["label"][0], "B");
}

#[test]
fn render_infers_the_format_from_the_output_name() {
    let directory = scratch("infer");
    let out = directory.join("model.json");
    let output = strata(
        &[
            "render",
            &example("defense-in-depth"),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("valid JSON");
    assert_eq!(json["nodes"].as_array().unwrap().len(), 4);
    let leftovers = std::fs::read_dir(&directory).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");

    let unknown = directory.join("model.xyz");
    let output = strata(
        &[
            "render",
            &example("defense-in-depth"),
            "-o",
            unknown.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot tell the format"));
}

#[test]
fn svg_and_png_are_written_by_extension_or_format() {
    let directory = scratch("images");
    let svg = directory.join("diagram.svg");
    let png = directory.join("diagram.png");
    let source = example("system-context");
    for (out, scale) in [(&svg, "2"), (&png, "1")] {
        let output = strata(
            &[
                "render",
                &source,
                "-o",
                out.to_str().unwrap(),
                "--scale",
                scale,
                "--verify",
            ],
            None,
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let svg = std::fs::read_to_string(&svg).unwrap();
    let layout = example_layout("system-context");
    common::check_svg(&svg, &layout, "");
    assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
    assert!(
        svg.contains("prefers-color-scheme: dark"),
        "auto theme by default"
    );
    let png = std::fs::read(&png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // The PNG at scale 1 is as wide as the SVG (IHDR: width, then height).
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!(svg.contains(&format!(" width=\"{width}\" ")), "{width}");

    let inline = strata(
        &[
            "render",
            &source,
            "-f",
            "svg",
            "--no-xml-declaration",
            "--theme",
            "dark",
        ],
        None,
    );
    let inline = String::from_utf8(inline.stdout).unwrap();
    common::check_svg(&inline, &layout, "");
    assert!(inline.starts_with("<svg "), "{inline}");
    assert!(inline.contains("#0d1117") && !inline.contains("prefers-color-scheme"));
}

#[test]
fn a_bad_scale_is_refused_and_leaves_the_output_untouched() {
    let directory = scratch("bad-scale");
    let out = directory.join("diagram.png");
    std::fs::write(&out, "previous").unwrap();
    let system_context = example("system-context");
    for scale in ["0", "0.2", "-1", "17", "NaN"] {
        let arguments = [
            "render",
            &system_context,
            "-o",
            out.to_str().unwrap(),
            "--scale",
            scale,
        ];
        assert_refused(&arguments, "the scale must be a number from 0.25 to 16");
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
}

#[test]
fn an_id_prefix_must_keep_ids_valid() {
    let source = example("system-context");
    let good = strata(
        &["render", &source, "-f", "svg", "--id-prefix", "ctx_2-"],
        None,
    );
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let svg = String::from_utf8(good.stdout).unwrap();
    common::check_svg(&svg, &example_layout("system-context"), "ctx_2-");
    for prefix in ["1a", "a b", "a\"", "é"] {
        let arguments = ["render", &source, "-f", "svg", "--id-prefix", prefix];
        assert_refused(&arguments, "an id prefix holds");
    }
}

/// `strata` with these arguments exits 2 and says why.
fn assert_refused(arguments: &[&str], message: &str) {
    let output = strata(arguments, None);
    assert_eq!(output.status.code(), Some(2), "{arguments:?}");
    assert!(stderr(&output).contains(message), "{}", stderr(&output));
}

#[test]
fn invalid_input_leaves_an_existing_output_whole() {
    let directory = scratch("invalid-keeps-output");
    let out = directory.join("model.json");
    std::fs::write(&out, "previous").unwrap();
    let output = strata(
        &["render", "-", "-o", out.to_str().unwrap()],
        Some(b"a -> "),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
}

#[test]
fn render_refuses_to_write_over_its_source() {
    let directory = scratch("overwrite");
    let source = directory.join("diagram.json");
    std::fs::write(&source, "a \"A\"\n").unwrap();
    let output = strata(
        &[
            "render",
            source.to_str().unwrap(),
            "-o",
            source.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&source).unwrap(), "a \"A\"\n");
}

#[test]
fn help_shows_an_example_for_each_subcommand() {
    for subcommand in ["check", "render"] {
        let output = strata(&[subcommand, "--help"], None);
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Example"), "{subcommand}: {text}");
        assert!(
            text.contains(&format!("strata {subcommand} ")),
            "{subcommand}: {text}"
        );
    }
}

#[test]
fn invalid_utf8_is_reported_with_its_byte_offset() {
    let output = strata(&["check", "-"], Some(b"a \"ok\"\nb \"\xff\"\n"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("invalid byte 0xFF at offset 10"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_hundred_thousand_nested_braces_are_refused_without_overflowing() {
    let source = "a {\n".repeat(100_000);
    let output = strata(&["check", "-"], Some(source.as_bytes()));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("braces nest more than 100 levels deep"),
        "{text}"
    );
    assert!(text.contains(" --> <stdin>:101:3"), "{text}");
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let depth = strata::syntax::MAX_NESTING;
    let opening: String = (0..depth)
        .map(|level| format!("group g{level} {{\n"))
        .collect();
    let source = format!("{opening}leaf\n{}", "}\n".repeat(depth));
    let output = strata(&["check", "-"], Some(source.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_ten_megabyte_file_of_components_is_checked() {
    let mut source = String::with_capacity(10 << 20);
    let mut index = 0;
    while source.len() < 10 << 20 {
        source.push_str(&format!(
            "component_{index} \"Component number {index}\" \"(service)\"\n"
        ));
        index += 1;
    }
    let output = strata(&["render", "-", "-f", "json"], Some(source.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["nodes"].as_array().unwrap().len(), index);
}

#[test]
fn an_oversized_file_is_refused_with_its_size() {
    let source = vec![b' '; strata::syntax::MAX_SOURCE_BYTES + 10];
    let output = strata(&["check", "-"], Some(&source));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("larger than 33554432 bytes"),
        "{}",
        stderr(&output)
    );
}
