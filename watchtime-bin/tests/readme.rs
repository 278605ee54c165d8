//! The README's demo commands work whenever they are run: each `cargo run --release -- …` line
//! of its shell blocks runs, in order, against the built binary in one fresh directory.

#![allow(clippy::unwrap_used)]

mod support;

use support::{Run, command};

/// The README's commands that run the binary, as argument lists.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut in_shell = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_shell = line == "```sh";
            continue;
        }
        let Some(rest) = line.strip_prefix("cargo run --release -- ") else {
            continue;
        };
        if in_shell {
            commands.push(words(rest));
        }
    }
    commands
}

/// Shell words of `line` up to a `#` comment, with double quotes: all the README uses.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut started) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => (quoted, started) = (!quoted, true),
            '#' if !quoted && !started => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_demo_commands_work_on_any_day() {
    let commands = readme_commands();
    assert!(
        commands.len() >= 4,
        "the README lost its demo commands: {commands:?}"
    );
    assert_eq!(commands[0], ["demo"], "the README starts with the demo");
    let dir = tempfile::tempdir().unwrap();
    for args in &commands {
        let mut cmd = command(dir.path());
        cmd.args(args);
        let demo = args.iter().any(|a| a == "demo");
        if demo {
            // A smaller population keeps the test fast; the commands are otherwise the README's.
            cmd.args(["--channels", "3000"]);
        }
        // Any day will do; a fixed one keeps a run that crosses 08:00 Los Angeles time steady.
        cmd.env("WATCHTIME_NOW", "2026-11-27T20:00:00Z");
        let run = Run::of(cmd);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
        assert!(!run.stdout.trim().is_empty(), "{args:?} printed nothing");
        if demo {
            // Its sample mentions include a name nobody has, on purpose.
            continue;
        }
        for sign_of_no_data in ["(no data)", "No watch time recorded", "I know no game"] {
            assert!(
                !run.stdout.contains(sign_of_no_data),
                "{args:?}: {}",
                run.stdout
            );
        }
    }
}

#[test]
fn shell_words() {
    assert_eq!(
        words(r#"--database sqlite://x.db ask "game Just Chatting week"  # a comment"#),
        [
            "--database",
            "sqlite://x.db",
            "ask",
            "game Just Chatting week"
        ]
    );
    assert_eq!(words("demo"), ["demo"]);
}
