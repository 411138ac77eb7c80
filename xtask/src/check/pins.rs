//! No command or version in the docs disagrees with what CI pins.
//!
//! The pins are read where CI reads them: `.ci/tools/package.json` (the npm
//! tools), `.ci/tools/requirements*.txt` (`name==version`), the `tool`s of
//! the Go modules `.ci/tools/*/go.mod` (by their last path element), the root
//! Cargo.toml's `rust-version` (`[package]` or `[workspace.package]`) and
//! every `=`-pinned `progenitor` in the workspace's Cargo.toml files. Every
//! Markdown file the project publishes (`*.md` at the root, `docs/*.md`
//! but the generated reference, `*/README.md`) is scanned for a pinned tool
//! named with a version: `npx newman@6.2.2`, `pip install x==1.2.3`,
//! `Prism 5.16.0`, `Rust 1.88`, `rust-version = "1.88"`, `progenitor
//! 0.15.1`. A tool CI does not pin may be named with any version.
//!
//! The README's test command (the second command of its first code block)
//! must be one that `.ci/run` runs.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::check::Check;

/// Where the npm tools are pinned.
pub const PACKAGE_JSON: &str = ".ci/tools/package.json";
/// CI's script, which must run the README's test command.
pub const CI_RUN: &str = ".ci/run";

/// One pinned version and the file that pins it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub version: String,
    pub file: String,
}

/// A tool named with a version in a doc.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub file: String,
    pub line: usize,
    /// As written (`newman@6.2.2`, `Rust 1.88`).
    pub text: String,
    /// The pin's name (`newman`, `rust`).
    pub tool: String,
    pub version: String,
    /// `name@v`, `name==v`, `name = "=v"`: the exact version; in prose
    /// (`TypeScript 5.9`) a prefix of the pin agrees.
    pub exact: bool,
}

/// What the check found under one tree.
#[derive(Debug, Default)]
pub struct Report {
    pub pins: BTreeMap<String, Vec<Pin>>,
    pub files: usize,
    pub mentions: Vec<Mention>,
    pub problems: Vec<String>,
    /// The README's test command and whether `.ci/run` runs it.
    pub test_command: Option<String>,
}

impl Report {
    /// The report's line.
    pub fn summary(&self) -> String {
        let with: std::collections::BTreeSet<&str> =
            self.mentions.iter().map(|m| m.file.as_str()).collect();
        let agree = self.mentions.len() - self.disagreeing();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "pins: {} in {} agree with the pins ({} pinned by CI; {} scanned)",
            plural(agree, "mention", "mentions"),
            plural(with.len(), "file", "files"),
            plural(self.pins.len(), "tool", "tools"),
            plural(self.files, "Markdown file", "Markdown files"),
        );
        let disagree = self.disagreeing();
        if disagree > 0 {
            line += &format!(", {disagree} DISAGREE");
        }
        if let Some(cmd) = &self.test_command {
            line += &format!("; the README's test command `{cmd}` is run by {CI_RUN}");
        }
        line
    }

    fn disagreeing(&self) -> usize {
        self.mentions.iter().filter(|m| !self.agrees(m)).count()
    }

    fn agrees(&self, m: &Mention) -> bool {
        self.pins[&m.tool]
            .iter()
            .all(|p| agrees(&m.version, &p.version, m.exact))
    }
}

/// `cargo xtask check`'s section.
pub fn check(c: &mut Check) -> Result<()> {
    let report = check_tree(&crate::root())?;
    c.line(report.summary());
    for p in &report.problems {
        c.problem("pins", p);
    }
    Ok(())
}

/// The check on the tree at `root`.
pub fn check_tree(root: &Path) -> Result<Report> {
    let mut r = Report {
        pins: pins(root)?,
        ..Report::default()
    };
    for (tool, pins) in &r.pins {
        if pins
            .iter()
            .any(|p| !agrees(&p.version, &pins[0].version, true))
        {
            let all: Vec<String> = pins
                .iter()
                .map(|p| format!("{} in {}", p.version, p.file))
                .collect();
            r.problems.push(format!(
                "{tool} is pinned differently in two places ({}); pin one version",
                all.join(", ")
            ));
        }
    }
    let aliases = aliases(&r.pins);
    for file in markdown_files(root)? {
        let text =
            std::fs::read_to_string(root.join(&file)).with_context(|| format!("reading {file}"))?;
        r.files += 1;
        r.mentions.extend(mentions(&file, &text, &aliases));
    }
    let mut problems = Vec::new();
    for m in &r.mentions {
        for p in &r.pins[&m.tool] {
            if !agrees(&m.version, &p.version, m.exact) {
                problems.push(format!(
                    "{}:{}: `{}` disagrees with CI's pin {} {} ({}); change the mention to {}, or the pin in {} if CI should move",
                    m.file, m.line, m.text, m.tool, p.version, p.file, p.version, p.file
                ));
            }
        }
    }
    r.problems.extend(problems);
    test_command(root, &mut r)?;
    Ok(r)
}

/// Every pin, by the tool's name (npm and PyPI names as pinned, PyPI's
/// lowercased; `rust`; `progenitor`).
pub fn pins(root: &Path) -> Result<BTreeMap<String, Vec<Pin>>> {
    let mut out: BTreeMap<String, Vec<Pin>> = BTreeMap::new();
    let mut add = |name: &str, version: &str, file: &str| {
        out.entry(name.to_owned()).or_default().push(Pin {
            version: version.to_owned(),
            file: file.to_owned(),
        });
    };

    if let Ok(text) = std::fs::read_to_string(root.join(PACKAGE_JSON)) {
        let json: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {PACKAGE_JSON}"))?;
        for key in ["dependencies", "devDependencies"] {
            let Some(deps) = json.get(key).and_then(|d| d.as_object()) else {
                continue;
            };
            for (name, version) in deps {
                if let Some(v) = version.as_str().filter(|v| starts_with_digit(v)) {
                    add(name, v, PACKAGE_JSON);
                }
            }
        }
    }

    let tools = root.join(".ci/tools");
    let mut requirements: Vec<String> = read_dir_names(&tools)
        .into_iter()
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .collect();
    requirements.sort();
    for name in requirements {
        let file = format!(".ci/tools/{name}");
        let text = std::fs::read_to_string(tools.join(&name))
            .with_context(|| format!("reading {file}"))?;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let line = line.split(';').next().unwrap_or("").trim();
            if let Some((pkg, version)) = line.split_once("==") {
                let pkg = pkg.split('[').next().unwrap_or(pkg).trim();
                add(&pypi_name(pkg), version.trim(), &file);
            }
        }
    }

    // Go tools: each `tool` of a module under .ci/tools/ (or one folder
    // deeper, as .ci/tools/clients/go/), at the version its `require` gives
    // for the module that holds it, by the tool's last path element
    // (`oasdiff`, `oapi-codegen`).
    let mut modules: Vec<String> = Vec::new();
    for dir in read_dir_names(&tools) {
        if tools.join(&dir).join("go.mod").is_file() {
            modules.push(dir.clone());
        }
        for sub in read_dir_names(&tools.join(&dir)) {
            if tools.join(&dir).join(&sub).join("go.mod").is_file() {
                modules.push(format!("{dir}/{sub}"));
            }
        }
    }
    modules.sort();
    for dir in modules {
        let file = format!(".ci/tools/{dir}/go.mod");
        let text =
            std::fs::read_to_string(root.join(&file)).with_context(|| format!("reading {file}"))?;
        let words = |line: &str| -> Vec<String> {
            let line = line.split("//").next().unwrap_or("");
            line.split_whitespace().map(str::to_owned).collect()
        };
        let lines: Vec<Vec<String>> = text.lines().map(words).collect();
        for tool in lines.iter().filter_map(|w| match &w[..] {
            [t, path] if t == "tool" => Some(path),
            _ => None,
        }) {
            let holds = |path: &str| tool == path || tool.starts_with(&format!("{path}/"));
            let required = lines.iter().find_map(|w| match &w[..] {
                [r, path, v, ..] if r == "require" && holds(path) => Some(v),
                [path, v, ..] if holds(path) && v.starts_with('v') => Some(v),
                _ => None,
            });
            if let Some(v) = required {
                let name = tool.rsplit('/').next().unwrap_or(tool);
                add(name, v.trim_start_matches('v'), &file);
            }
        }
    }

    let mut manifests = vec!["Cargo.toml".to_owned()];
    let mut members: Vec<String> = read_dir_names(root)
        .into_iter()
        .filter(|d| !d.starts_with('.') && d != "target")
        .filter(|d| root.join(d).join("Cargo.toml").is_file())
        .map(|d| format!("{d}/Cargo.toml"))
        .collect();
    members.sort();
    manifests.extend(members);
    for file in manifests {
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        let manifest: toml::Table = text.parse().with_context(|| format!("parsing {file}"))?;
        let table = |path: &[&str]| {
            path.iter()
                .try_fold(&manifest, |t, key| t.get(*key)?.as_table())
        };
        if file == "Cargo.toml" {
            // `rust-version.workspace = true` is a table, not a version.
            for section in [&["package"][..], &["workspace", "package"]] {
                if let Some(v) = table(section).and_then(|t| t.get("rust-version")?.as_str()) {
                    let section = section.join(".");
                    add("rust", v, &format!("{file} [{section}] rust-version"));
                }
            }
        }
        let sections: [&[&str]; 4] = [
            &["dependencies"],
            &["build-dependencies"],
            &["dev-dependencies"],
            &["workspace", "dependencies"],
        ];
        for section in sections {
            let Some(dep) = table(section).and_then(|t| t.get("progenitor")) else {
                continue;
            };
            let version = dep.as_str().or_else(|| dep.get("version")?.as_str());
            if let Some(v) = version.and_then(|v| v.strip_prefix('=')) {
                add("progenitor", v.trim(), &file);
            }
        }
    }
    Ok(out)
}

/// The names a doc may call each pinned tool, lowercased: the name as
/// pinned; for a scoped npm package its last part (its scope when that
/// is `cli`); without a `-cli` suffix; PyPI's `_` as `-`. `rust` is also
/// `rustc`, `rust-version` and `msrv`. `@types/*` are types, not tools.
pub fn aliases(pins: &BTreeMap<String, Vec<Pin>>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for tool in pins.keys() {
        if tool.starts_with("@types/") {
            continue;
        }
        let mut names = vec![tool.to_lowercase()];
        if let Some((scope, last)) = tool.strip_prefix('@').and_then(|t| t.split_once('/')) {
            names.push(if last == "cli" { scope } else { last }.to_lowercase());
        }
        for n in names.clone() {
            if let Some(short) = n.strip_suffix("-cli") {
                names.push(short.to_owned());
            }
            names.push(n.replace('_', "-"));
        }
        if tool == "rust" {
            names.extend(["rustc", "rust-version", "msrv"].map(str::to_owned));
        }
        for n in names {
            out.entry(n).or_insert_with(|| tool.clone());
        }
    }
    out
}

/// The Markdown files the project publishes, relative to `root`: `*.md`
/// at the root, `docs/*.md` but the generated reference, `*/README.md`
/// (hidden directories and `target` left out), sorted.
pub fn markdown_files(root: &Path) -> Result<Vec<String>> {
    let md = |n: &String| n.ends_with(".md");
    let mut out: Vec<String> = read_dir_names(root).into_iter().filter(md).collect();
    let docs = read_dir_names(&root.join("docs"));
    out.extend(
        docs.into_iter()
            .filter(md)
            .map(|n| format!("docs/{n}"))
            .filter(|p| p != crate::docs::PATH),
    );
    for dir in read_dir_names(root) {
        if dir.starts_with('.') || dir == "target" || dir == "node_modules" {
            continue;
        }
        let readme = format!("{dir}/README.md");
        if root.join(&readme).is_file() {
            out.push(readme);
        }
    }
    out.retain(|p| root.join(p).is_file());
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every mention of a pinned tool with a version in `text`.
pub fn mentions(file: &str, text: &str, aliases: &BTreeMap<String, String>) -> Vec<Mention> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line
            .split_whitespace()
            .map(trim_word)
            .filter(|w| !w.is_empty())
            .collect();
        let mut mention = |text: String, name: &str, version: &str, exact: bool| {
            let Some(tool) = aliases.get(&name.to_lowercase()) else {
                return;
            };
            let Some(version) = version_of(version) else {
                return;
            };
            out.push(Mention {
                file: file.to_owned(),
                line: i + 1,
                text,
                tool: tool.clone(),
                version,
                exact,
            });
        };
        for (j, &word) in words.iter().enumerate() {
            if let Some((name, version)) = word.split_once("==") {
                mention(word.to_owned(), name, version, true);
                continue;
            }
            if let Some(at) = word.rfind('@').filter(|&at| at > 0) {
                mention(word.to_owned(), &word[..at], &word[at + 1..], true);
                continue;
            }
            if !aliases.contains_key(&word.to_lowercase()) {
                continue;
            }
            // `Rust toolchain (1.88`, `rust-version = "1.88"`,
            // `progenitor = "=0.15.1"`, `Prism 5.16.0`.
            let mut k = j + 1;
            while k < words.len() && k <= j + 2 && matches!(words[k], "=" | "toolchain" | "version")
            {
                k += 1;
            }
            if let Some(&next) = words.get(k) {
                let exact = next.starts_with('=') || words[j + 1..k].contains(&"=");
                if version_of(next).is_some() {
                    let text = words[j..=k].join(" ");
                    mention(text, word, next, exact);
                }
            }
        }
    }
    out
}

/// The README's test command (the second command of its first code
/// block), and whether `.ci/run` runs it.
fn test_command(root: &Path, r: &mut Report) -> Result<()> {
    let Ok(readme) = std::fs::read_to_string(root.join("README.md")) else {
        return Ok(());
    };
    let mut in_block = false;
    let mut commands = Vec::new();
    for (i, line) in readme.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("```") {
            if in_block {
                break;
            }
            in_block = true;
            continue;
        }
        if in_block && !t.is_empty() && !t.starts_with('#') {
            commands.push((i + 1, t.to_owned()));
        }
    }
    let Some((line, command)) = commands.get(1).cloned() else {
        r.problems.push(
            "README.md: its first code block gives no test command (the second command); put `cargo test --workspace` there".to_owned(),
        );
        return Ok(());
    };
    let script = std::fs::read_to_string(root.join(CI_RUN)).unwrap_or_default();
    let wanted: Vec<&str> = command.split_whitespace().collect();
    let run = script.lines().any(|l| {
        let l = l.split(" #").next().unwrap_or("");
        let words: Vec<&str> = l.split_whitespace().collect();
        !l.trim_start().starts_with('#') && words.windows(wanted.len()).any(|w| w == wanted)
    });
    if run {
        r.test_command = Some(command);
    } else {
        r.problems.push(format!(
            "README.md:{line}: the test command `{command}` is not run by {CI_RUN}; run it there, or give the command CI runs in the README"
        ));
    }
    Ok(())
}

/// Whether a mentioned version agrees with a pin: the same numbers
/// (`1.88` is `1.88.0`), or in prose a leading part of the pin
/// (`TypeScript 5.9` for 5.9.3).
pub fn agrees(mentioned: &str, pinned: &str, exact: bool) -> bool {
    let parts = |v: &str| -> Vec<String> { v.split('.').map(str::to_owned).collect() };
    let (mut m, mut p) = (parts(mentioned), parts(pinned));
    if !exact && m.len() < p.len() {
        p.truncate(m.len());
    }
    while m.len() > 1 && m.last().is_some_and(|c| c == "0") && m.len() > p.len() {
        m.pop();
    }
    while p.len() > 1 && p.last().is_some_and(|c| c == "0") && p.len() > m.len() {
        p.pop();
    }
    m == p
}

/// `v1.2.3`, `=1.2.3`, `1.2.3.` as `1.2.3`; `None` unless it has a dot
/// and starts with a digit.
fn version_of(word: &str) -> Option<String> {
    let v = word.trim_start_matches(['=', 'v', '^', '~']);
    let v = v.trim_end_matches(['.', ',', ')', ';', ':']);
    let ok = starts_with_digit(v)
        && v.contains('.')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c));
    ok.then(|| v.to_owned())
}

/// A word without the punctuation and Markdown around it (a sentence's
/// full stop included).
fn trim_word(w: &str) -> &str {
    let around = |c: char| "`'\"()[]{},;:*<>!?".contains(c);
    w.trim_matches(around)
        .trim_end_matches('.')
        .trim_matches(around)
}

fn starts_with_digit(v: &str) -> bool {
    v.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// PyPI's normalized name: lowercased, runs of `-_.` as `-`.
fn pypi_name(name: &str) -> String {
    name.to_lowercase().replace(['_', '.'], "-")
}

/// The names in a directory (nothing when it is missing).
fn read_dir_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(case: &str) -> Report {
        check_tree(&crate::root().join("xtask/tests/pins").join(case)).unwrap()
    }

    /// Every pin read, every mention of one agreeing, the generated
    /// reference and unpinned tools left alone.
    #[test]
    fn agreeing_mentions_pass() {
        let r = fixture("agree");
        assert!(r.problems.is_empty(), "{:#?}", r.problems);
        assert_eq!(
            r.pins["rust"][0].file,
            "Cargo.toml [workspace.package] rust-version"
        );
        assert_eq!(r.pins["progenitor"][0].file, "codegen/Cargo.toml");
        assert_eq!(r.pins["openapi-generator-cli"][0].version, "7.26.0");
        assert_eq!(r.pins["pyyaml"][0].file, ".ci/tools/requirements.txt");
        assert_eq!(r.pins["oasdiff"][0].version, "1.39.0");
        assert_eq!(r.pins["oasdiff"][0].file, ".ci/tools/oasdiff/go.mod");
        let texts: Vec<&str> = r.mentions.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "TypeScript 5.9",
                "Rust toolchain 1.88",
                "rust-version = 1.88",
                "progenitor 0.15.1",
                "Prism 5.16.0",
                "newman@6.2.2",
                "@hey-api/openapi-ts@0.95.0",
                "openapi-generator-cli==7.26.0",
                "PyYAML==6.0.4",
                "pydantic==2.14.4",
                "Redocly 2.77.0",
                "oasdiff v1.39.0",
            ],
        );
        assert_eq!(r.files, 3, "README.md, CHANGELOG.md, docs/guide.md");
        assert_eq!(
            r.summary(),
            "pins: 12 mentions in 3 files agree with the pins (12 tools pinned by CI; \
             3 Markdown files scanned); the README's test command `cargo test --workspace` \
             is run by .ci/run"
        );
    }

    /// A disagreeing mention fails naming its line and the pin; so does a
    /// test command CI does not run (a comment in .ci/run does not count).
    #[test]
    fn disagreeing_mentions_fail_naming_the_line() {
        let r = fixture("disagree");
        assert_eq!(
            r.problems,
            [
                "README.md:8: `Rust 1.87` disagrees with CI's pin rust 1.88 (Cargo.toml [package] rust-version); \
                 change the mention to 1.88, or the pin in Cargo.toml [package] rust-version if CI should move",
                "README.md:9: `newman@6.1.0` disagrees with CI's pin newman 6.2.2 (.ci/tools/package.json); \
                 change the mention to 6.2.2, or the pin in .ci/tools/package.json if CI should move",
                "README.md:10: `pydantic==2.13.0` disagrees with CI's pin pydantic 2.14.4 (.ci/tools/requirements.txt); \
                 change the mention to 2.14.4, or the pin in .ci/tools/requirements.txt if CI should move",
                "README.md:12: `oasdiff v1.38.0` disagrees with CI's pin oasdiff 1.39.0 (.ci/tools/oasdiff/go.mod); \
                 change the mention to 1.39.0, or the pin in .ci/tools/oasdiff/go.mod if CI should move",
                "README.md:5: the test command `cargo test --workspace` is not run by .ci/run; \
                 run it there, or give the command CI runs in the README",
            ],
        );
        assert!(r.summary().contains(", 4 DISAGREE"), "{}", r.summary());
    }

    #[test]
    fn versions_agree_by_their_numbers() {
        assert!(agrees("1.88", "1.88", true));
        assert!(agrees("1.88.0", "1.88", true));
        assert!(agrees("1.88", "1.88.0", true));
        assert!(!agrees("1.87", "1.88", true));
        assert!(agrees("5.9", "5.9.3", false));
        assert!(!agrees("5.9", "5.9.3", true));
        assert!(!agrees("6.2.1", "6.2.2", false));
    }
}
