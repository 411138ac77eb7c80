//! `live-record-callbacks configs ...`: the real binary against the emulator
//! on 127.0.0.1, behind a layer that counts the requests that reach it.

use live_record_callbacks_test_support as common;

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use live_record_callbacks::auth::IamToken;
use live_record_callbacks::notify::{self, NotificationVerifier};
use live_record_callbacks::types::{self, SignType};
use live_record_callbacks_emulator::EmulatorConfig;
use serde_json::Value;
use serde_yaml::Value as Yaml;
use tokio::io::AsyncWriteExt;

/// A key other than the document's test key.
const KEY: &str = "CliSecretKey0123456789abcdefABCDEF";
/// Another one, for a key rotation.
const NEW_KEY: &str = "CliRotatedKey0123456789abcdefABCDE";
const TOKEN: &str = "MIIcliTokenExample";

/// An emulator and the number of requests that reached it.
struct Served {
    base: String,
    requests: Arc<AtomicUsize>,
}

impl Served {
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn emulator(config: EmulatorConfig) -> Served {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let app = live_record_callbacks_emulator::router(config).layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                next.run(req).await
            }
        },
    ));
    Served {
        base: common::serve(app).await,
        requests,
    }
}

/// What a run of the binary printed, and its exit status.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Standard output as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Standard error is exactly one line.
    fn one_line(&self) -> &str {
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(!line.contains('\n'), "more than one line: {self:?}");
        line
    }

    /// A success: the request id, and nothing else, on standard error.
    fn ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "{self:?}");
        let line = self.one_line();
        let id = line
            .strip_prefix("request id: ")
            .unwrap_or_else(|| panic!("no request id: {self:?}"));
        // The service's `request_id-timestamp-hostname`.
        let parts: Vec<&str> = id.splitn(3, '-').collect();
        assert!(
            parts.len() == 3
                && parts[0].len() == 32
                && parts[1].bytes().all(|b| b.is_ascii_digit())
                && !parts[2].is_empty(),
            "{id}"
        );
        self
    }

    /// A failure with exit status `code`: one `error: ` line, nothing on
    /// standard output.
    fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, Some(code), "{self:?}");
        assert_eq!(self.stdout, "", "{self:?}");
        let line = self.one_line();
        assert!(line.starts_with("error: "), "{self:?}");
        line
    }
}

/// Runs the binary with `args`, only the variables in `env` (none of the
/// caller's) and `stdin`.
pub(crate) async fn run(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live-record-callbacks"));
    command
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The SDK's AK/SK variables for the test credentials.
pub(crate) fn aksk() -> Vec<(&'static str, &'static str)> {
    vec![
        ("HUAWEICLOUD_SDK_AK", common::AK),
        ("HUAWEICLOUD_SDK_SK", common::SK),
        ("HUAWEICLOUD_SDK_PROJECT_ID", common::PROJECT),
    ]
}

fn with<'a>(
    mut env: Vec<(&'a str, &'a str)>,
    more: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    env.extend_from_slice(more);
    env
}

/// Makes the emulator notify for `app`'s stream, and returns what the
/// receiver got.
async fn notification(base: &str, app: &str, log: &common::Log) -> types::RecordNotification {
    let before = log.requests().len();
    let args = common::trigger_args(base, app, "s1", "RECORD_FILE_COMPLETE");
    let out = run(&args, &aksk(), "").await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let requests = log.requests();
    assert_eq!(requests.len(), before + 1);
    notify::parse(&requests[before].body)
        .unwrap()
        .into_known()
        .unwrap()
}

/// `configs create` at `base` for [`common::DOMAIN`] and `app`.
fn create_args<'a>(base: &'a str, app: &'a str) -> Vec<&'a str> {
    let domain = common::DOMAIN;
    let args = ["--endpoint", base, "--publish-domain", domain, "--app", app];
    [&["configs", "create"][..], &args].concat()
}

fn verifies(n: &types::RecordNotification, key: &str) -> bool {
    NotificationVerifier::new(SignType::Hmacsha256, key.parse().unwrap())
        .verify(n)
        .is_ok()
}

/// create, list, show, update, delete and list --all with AK/SK; the key
/// from the environment and from standard input reaches the service (the
/// notifications are signed with it).
#[tokio::test(flavor = "multi_thread")]
async fn every_command_with_aksk() {
    let served = emulator(EmulatorConfig::default().with_aksk(common::creds())).await;
    let (hook, log) = common::hook(200).await;
    let base = served.base.as_str();
    let env = aksk();

    // create, the key from LIVE_CALLBACK_KEY
    let created = run(
        &[
            &create_args(base, "live")[..],
            &[
                "--notify-callback-url",
                &hook,
                "--notify-event-subscription",
                "RECORD_FILE_COMPLETE,RECORD_OVER",
            ],
        ]
        .concat(),
        &with(env.clone(), &[("LIVE_CALLBACK_KEY", KEY)]),
        "",
    )
    .await;
    let config = created.ok().json();
    let id = config["id"].as_str().unwrap().to_owned();
    assert_eq!(config["app"], "live");
    assert_eq!(config["notify_callback_url"], hook.as_str());
    assert_eq!(
        config["notify_event_subscription"],
        serde_json::json!(["RECORD_FILE_COMPLETE", "RECORD_OVER"])
    );
    assert_eq!(config["sign_type"], "HMACSHA256");
    assert!(config.get("key").is_none());
    assert!(verifies(&notification(base, "live", &log).await, KEY));

    // show
    let shown = run(&["configs", "show", &id, "--endpoint", base], &env, "").await;
    assert_eq!(shown.ok().json(), config);

    // update: a new URL path, MD5, the key from standard input
    let updated = run(
        &[
            "configs",
            "update",
            &id,
            "--endpoint",
            base,
            "--publish-domain",
            common::DOMAIN,
            "--app",
            "live",
            "--notify-callback-url",
            &hook,
            "--sign-type",
            "HMACSHA256",
            "--key-stdin",
        ],
        &env,
        &format!("{NEW_KEY}\n"),
    )
    .await;
    let after = updated.ok().json();
    assert_eq!(after["id"], id.as_str());
    // Left out, the events go back to the default.
    assert_eq!(
        after["notify_event_subscription"],
        serde_json::json!(["RECORD_FILE_COMPLETE"])
    );
    let n = notification(base, "live", &log).await;
    assert!(verifies(&n, NEW_KEY) && !verifies(&n, KEY));

    // list: one page; more configs; list --all walks pages of 2
    let page = run(&["configs", "list", "--endpoint", base], &env, "").await;
    assert_eq!(page.ok().json()["total"], 1);
    for app in ["a1", "a2", "a3", "a4"] {
        run(&create_args(base, app), &env, "").await.ok();
    }
    let page = run(
        &[
            "configs",
            "list",
            "--endpoint",
            base,
            "--limit",
            "2",
            "--offset",
            "4",
        ],
        &env,
        "",
    )
    .await;
    let page = page.ok().json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["callback_config"].as_array().unwrap().len(), 1);

    let before = served.requests();
    let all = run(
        &[
            "configs",
            "list",
            "--all",
            "--limit",
            "2",
            "--endpoint",
            base,
        ],
        &env,
        "",
    )
    .await;
    assert_eq!(all.code, Some(0), "{all:?}");
    // One request id for each page asked for, each the emulator's form.
    let ids: Vec<&str> = all.stderr.lines().collect();
    assert_eq!(ids.len(), 3, "{all:?}");
    assert!(
        ids.iter()
            .all(|l| l.starts_with("request id: ") && l.ends_with("-live-emulator")),
        "{all:?}"
    );
    let all = all.json();
    let apps: Vec<&str> = all["callback_config"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["app"].as_str().unwrap())
        .collect();
    assert_eq!(apps.len(), 5, "{all}");
    assert_eq!(all["total"], 5);
    for app in ["live", "a1", "a2", "a3", "a4"] {
        assert!(apps.contains(&app), "{apps:?}");
    }
    // Pages of 2: 2, 2, 1.
    assert_eq!(served.requests() - before, 3);
    // Filters apply to the walk too.
    let filtered = run(
        &[
            "configs",
            "list",
            "--all",
            "--app",
            "a2",
            "--endpoint",
            base,
        ],
        &env,
        "",
    )
    .await;
    assert_eq!(filtered.json()["total"], 1);

    // delete: no body, the request id on standard error
    let deleted = run(&["configs", "delete", &id, "--endpoint", base], &env, "").await;
    deleted.ok();
    assert_eq!(deleted.stdout, "");
    let gone = run(&["configs", "show", &id, "--endpoint", base], &env, "").await;
    let line = gone.fails(4);
    assert!(line.contains("404 LIVE.100011001"), "{line}");
    assert!(line.contains("[request id "), "{line}");
}

/// An IAM token from HUAWEICLOUD_SDK_TOKEN or standard input; a wrong one
/// is refused by the service (exit 5), none at all before anything is sent
/// (exit 3).
#[tokio::test(flavor = "multi_thread")]
async fn token_from_the_environment_or_standard_input() {
    let served =
        emulator(EmulatorConfig::default().with_token(IamToken::new(TOKEN).unwrap())).await;
    let base = served.base.as_str();
    let project = [("HUAWEICLOUD_SDK_PROJECT_ID", common::PROJECT)];
    let create = create_args(base, "live");

    let env = with(project.to_vec(), &[("HUAWEICLOUD_SDK_TOKEN", TOKEN)]);
    let created = run(&create, &env, "").await;
    let id = created.ok().json()["id"].as_str().unwrap().to_owned();

    let shown = run(
        &["configs", "show", &id, "--endpoint", base, "--token-stdin"],
        &project,
        &format!("{TOKEN}\n"),
    )
    .await;
    assert_eq!(shown.ok().json()["id"], id.as_str());

    let wrong = with(project.to_vec(), &[("HUAWEICLOUD_SDK_TOKEN", "MIIwrong")]);
    let refused = run(&["configs", "list", "--endpoint", base], &wrong, "").await;
    assert!(refused.fails(5).contains("401 APIGW.0301"), "{refused:?}");

    let before = served.requests();
    let none = run(&["configs", "list", "--endpoint", base], &project, "").await;
    assert!(none.fails(3).contains("HUAWEICLOUD_SDK_AK"), "{none:?}");
    let both = with(env.clone(), &aksk());
    let ambiguous = run(&["configs", "list", "--endpoint", base], &both, "").await;
    ambiguous.fails(3);
    let nowhere = run(
        &[
            "configs",
            "list",
            "--endpoint",
            base,
            "--region",
            "cn-east-3",
        ],
        &env,
        "",
    )
    .await;
    assert!(nowhere.fails(3).contains("not both"), "{nowhere:?}");
    assert_eq!(served.requests(), before);
}

/// Runs `configs <command> --endpoint <base> <args>` with AK/SK and `env`,
/// which must fail with exit 2 and one line containing `expected`.
async fn refused(
    base: &str,
    command: &str,
    args: Vec<&str>,
    env: &[(&str, &str)],
    stdin: &str,
    expected: &str,
) {
    let mut all = vec!["configs", command, "--endpoint", base];
    all.extend(args);
    let out = run(&all, &with(aksk(), env), stdin).await;
    let line = out.fails(2);
    assert!(line.contains(expected), "{all:?}: {line}");
}

/// Input that breaks the contract is refused with exit 2 and one line
/// naming the field, and nothing reaches the emulator.
#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_before_anything_is_sent() {
    let served = emulator(EmulatorConfig::default().with_aksk(common::creds())).await;
    let base = served.base.as_str();
    let dir = std::env::temp_dir().join(format!("lrc-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, json: &str| {
        let path = dir.join(name);
        std::fs::write(&path, json).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let bad_app = file(
        "bad-app.json",
        r#"{"publish_domain": "push.example.com", "app": "a\u0007b"}"#,
    );
    let typo = file(
        "typo.json",
        r#"{"publish_domain": "push.example.com", "app": "live", "notify_url": "https://x.example.com"}"#,
    );
    let long_id = "x".repeat(129);

    let domain = common::DOMAIN;
    let valid = || vec!["--publish-domain", common::DOMAIN, "--app", "live"];
    let plus = |more: &[&'static str]| [valid(), more.to_vec()].concat();

    let refusals = [
        (
            "create",
            vec!["--publish-domain", domain, "--app", "a\u{7}b"],
            "--app: invalid value 'a\u{7}b'",
        ),
        (
            "create",
            vec!["--publish-domain", "", "--app", "live"],
            "--publish-domain",
        ),
        ("create", vec!["--app", "live"], "--publish-domain"),
        (
            "create",
            plus(&["--notify-callback-url", "ftp://hooks.example.com/x"]),
            "--notify-callback-url",
        ),
        (
            "create",
            plus(&["--sign-type", "SHA1"]),
            "--sign-type: invalid value 'SHA1' [possible values: HMACSHA256, MD5]",
        ),
        (
            "create",
            plus(&["--notify-event-subscription", "RECORD_START"]),
            "--notify-event-subscription",
        ),
        (
            "create",
            vec!["--json-body", &bad_app],
            "app: doesn't match pattern",
        ),
        (
            "create",
            vec!["--json-body", &typo],
            "notify_url: not a field of this body",
        ),
        (
            "update",
            vec!["x", "--json-body", &bad_app],
            "app: doesn't match pattern",
        ),
        (
            "list",
            vec!["--limit", "101"],
            "--limit: invalid value '101': limit must be between 1 and 100, got 101",
        ),
        ("list", vec!["--all", "--offset", "10"], "--offset"),
        ("show", vec![&long_id], "<ID>: invalid value"),
        ("delete", vec!["x", "--project-id", ""], "--project-id"),
    ];
    for (command, args, expected) in refusals {
        refused(base, command, args, &[], "", expected).await;
    }
    // A bad key from the environment or from standard input.
    refused(
        base,
        "create",
        valid(),
        &[("LIVE_CALLBACK_KEY", "tooshort")],
        "",
        "LIVE_CALLBACK_KEY: key must be at least 32 characters long",
    )
    .await;
    refused(
        base,
        "create",
        plus(&["--key-stdin"]),
        &[],
        "not a key!\n",
        "--key-stdin: key may hold only ASCII letters and digits",
    )
    .await;

    assert_eq!(served.requests(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A refusal by the service: exit 4, its error_code and error_msg on one
/// line; a call that cannot connect: exit 6.
#[tokio::test(flavor = "multi_thread")]
async fn service_and_network_errors_have_their_own_exit_codes() {
    let served = emulator(EmulatorConfig::default().with_aksk(common::creds())).await;
    let create = create_args(&served.base, "live");
    run(&create, &aksk(), "").await.ok();
    let again = run(&create, &aksk(), "").await;
    let line = again.fails(4);
    assert!(
        line.contains("400 LIVE.103011018: Resource already exist"),
        "{line}"
    );

    let wrong_sk = with(aksk(), &[("HUAWEICLOUD_SDK_SK", "not-the-secret")]);
    let refused = run(&create, &wrong_sk, "").await;
    assert!(refused.fails(5).contains("APIGW.0301"), "{refused:?}");

    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let unreachable = run(&["configs", "list", "--endpoint", &closed], &aksk(), "").await;
    assert!(
        unreachable.fails(6).contains("the call did not complete"),
        "{unreachable:?}"
    );
}

/// The key is never printed: not on success, not in errors (even when it
/// is wrongly given as a flag, which is refused), not in --help.
#[tokio::test(flavor = "multi_thread")]
async fn the_key_is_never_echoed() {
    let served = emulator(EmulatorConfig::default().with_aksk(common::creds())).await;
    let base = served.base.as_str();
    let env = with(aksk(), &[("LIVE_CALLBACK_KEY", KEY)]);
    let create = create_args(base, "live");
    let mut runs = vec![run(&create, &env, "").await];
    runs[0].ok();
    let id = runs[0].json()["id"].as_str().unwrap().to_owned();
    runs.push(
        run(
            &[&create[..], &["--key-stdin"]].concat(),
            &aksk(),
            &format!("{KEY}\n"),
        )
        .await,
    );
    runs.push(run(&["configs", "show", &id, "--endpoint", base], &env, "").await);
    let before = served.requests();
    let joined = format!("--key={KEY}");
    for flag in [vec!["--key", KEY], vec![joined.as_str()]] {
        let refused = run(&[&create[..], &flag].concat(), &aksk(), "").await;
        assert!(
            refused
                .fails(2)
                .contains("--key: the key is not taken from the command line"),
            "{refused:?}"
        );
        runs.push(refused);
        runs.push(
            run(
                &[&["configs", "show", &id][..], &flag].concat(),
                &aksk(),
                "",
            )
            .await,
        );
    }
    assert_eq!(served.requests(), before);
    for help in [
        vec!["--help"],
        vec!["configs", "--help"],
        vec!["configs", "create", "--help"],
        vec!["configs", "update", "--help"],
        vec!["configs", "create", "-h"],
    ] {
        let out = run(&help, &env, "").await;
        assert_eq!(out.code, Some(0), "{out:?}");
        assert!(!out.stdout.contains("--key "), "{}", out.stdout);
        runs.push(out);
    }
    for out in &runs {
        assert!(
            !out.stdout.contains(KEY) && !out.stderr.contains(KEY),
            "{out:?}"
        );
    }
}

/// A schema, with `$ref`s to `#/components/...` followed.
fn resolve<'a>(doc: &'a Yaml, node: &'a Yaml) -> &'a Yaml {
    match node.get("$ref").and_then(Yaml::as_str) {
        Some(r) => {
            let path = r.strip_prefix("#/").unwrap();
            let target = path.split('/').fold(doc, |n, key| &n[key]);
            resolve(doc, target)
        }
        None => node,
    }
}

/// The facts of a schema a person needs to type a valid value: lengths,
/// bounds, pattern, allowed values, default.
fn facts(doc: &Yaml, schema: &Yaml) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut found = Vec::new();
    for key in ["minLength", "maxLength", "minimum", "maximum"] {
        if let Some(n) = schema.get(key).and_then(Yaml::as_i64) {
            found.push(n.to_string());
        }
    }
    if let Some(p) = schema.get("pattern").and_then(Yaml::as_str) {
        found.push(p.to_owned());
    }
    for v in schema
        .get("enum")
        .and_then(Yaml::as_sequence)
        .into_iter()
        .flatten()
    {
        found.push(v.as_str().unwrap().to_owned());
    }
    match schema.get("default") {
        Some(Yaml::Sequence(items)) => {
            found.extend(items.iter().map(|v| v.as_str().unwrap().to_owned()))
        }
        Some(Yaml::String(s)) => found.push(s.clone()),
        Some(Yaml::Number(n)) => found.push(n.to_string()),
        _ => {}
    }
    if let Some(items) = schema.get("items") {
        found.extend(facts(doc, items));
    }
    found
}

/// The help of one argument in a long `--help`: its line (which starts
/// with `flag`) and the lines after it up to the next argument or heading,
/// flowed.
fn help_of(help: &str, flag: &str) -> Option<String> {
    let mut lines = help.lines().skip_while(|l| {
        let l = l.trim_start();
        !(l == flag || l.starts_with(&format!("{flag} ")))
    });
    let first = lines.next()?;
    let rest = lines.take_while(|l| {
        let t = l.trim_start();
        let next_arg = t.starts_with("--") || t.starts_with("-h") || t.starts_with('<');
        let heading = !l.is_empty() && !l.starts_with(' ');
        !next_arg && !heading
    });
    let all: Vec<&str> = std::iter::once(first).chain(rest).collect();
    Some(
        all.join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn document() -> Yaml {
    serde_yaml::from_str(live_record_callbacks_test_support::DOCUMENT).unwrap()
}

/// `--help` lists the operations with the document's summaries, and each
/// operation's `--help` shows every parameter and body field with its rules
/// as the document states them.
#[tokio::test(flavor = "multi_thread")]
async fn help_shows_the_document() {
    let doc = document();
    let top = run(&["--help"], &[], "").await;
    assert_eq!(top.code, Some(0), "{top:?}");
    let mut operations = 0;
    for (_, item) in doc["paths"].as_mapping().unwrap() {
        let shared = item
            .get("parameters")
            .and_then(Yaml::as_sequence)
            .cloned()
            .unwrap_or_default();
        for method in ["get", "put", "post", "delete"] {
            let Some(op) = item.get(method) else { continue };
            operations += 1;
            let id = op["operationId"].as_str().unwrap();
            // The command is the operation's verb: CreateRecordCallbackConfig → create.
            let verb = id[..id[1..].find(char::is_uppercase).unwrap() + 1].to_lowercase();
            let summary = op["summary"].as_str().unwrap();
            let listed = format!("configs {verb:<7} {summary}");
            assert!(
                top.stdout.contains(&listed),
                "{listed:?} not in\n{}",
                top.stdout
            );

            let help = run(&["configs", &verb, "--help"], &[], "").await;
            assert_eq!(help.code, Some(0), "{help:?}");
            // Flowed text: compare without line breaks.
            let text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(summary), "{verb}: {text}");
            let params = shared.iter().chain(
                op.get("parameters")
                    .and_then(Yaml::as_sequence)
                    .into_iter()
                    .flatten(),
            );
            let mut fields: Vec<(String, &Yaml)> = params
                .map(|p| resolve(&doc, p))
                .map(|p| (p["name"].as_str().unwrap().to_owned(), &p["schema"]))
                .collect();
            if let Some(body) = op.get("requestBody") {
                let schema = resolve(
                    &doc,
                    &resolve(&doc, body)["content"]["application/json"]["schema"],
                );
                for (name, prop) in schema["properties"].as_mapping().unwrap() {
                    fields.push((name.as_str().unwrap().to_owned(), prop));
                }
            }
            for (name, schema) in fields {
                let flag = match name.as_str() {
                    "id" => "<ID>".to_owned(),
                    "key" => "--key-stdin".to_owned(),
                    other => format!("--{}", other.replace('_', "-")),
                };
                let own = help_of(&help.stdout, &flag)
                    .unwrap_or_else(|| panic!("{verb}: no {flag} in\n{}", help.stdout));
                for fact in facts(&doc, schema) {
                    assert!(
                        own.contains(&fact),
                        "{verb} {flag}: {fact:?} not in {own:?}"
                    );
                }
            }
        }
    }
    assert_eq!(operations, 5);
}

/// The answer is printed as the service sent it: a field the contract does
/// not name yet is printed too (the generated types would drop it), for
/// `show`, `list` and `list --all`; a `key` the service might echo is not.
#[tokio::test(flavor = "multi_thread")]
async fn fields_the_contract_does_not_name_are_printed() {
    const SECRET: &str = "fedcba9876543210fedcba9876543210";
    let config = |id: &str| {
        serde_json::json!({
            "id": id, "publish_domain": common::DOMAIN, "app": "live",
            "added_later": {"tier": 2}, "key": SECRET,
        })
    };
    // `answering` needs a 'static body.
    let leak = |v: Value| -> &'static str { Box::leak(v.to_string().into_boxed_str()) };
    let rid = "0123456789abcdef0123456789abcdef-1704067200000-test";

    let (base, _) = common::answering(200, "application/json", rid, leak(config("cfg-1"))).await;
    let shown = run(
        &["configs", "show", "cfg-1", "--endpoint", &base],
        &aksk(),
        "",
    )
    .await;
    assert_eq!(shown.ok().json(), {
        let mut expected = config("cfg-1");
        expected.as_object_mut().unwrap().remove("key");
        expected
    });

    let page =
        serde_json::json!({"total": 2, "callback_config": [config("cfg-1"), config("cfg-2")]});
    let (base, _) = common::answering(200, "application/json", rid, leak(page)).await;
    for all in [false, true] {
        let mut args = vec!["configs", "list", "--endpoint", &base];
        if all {
            args.push("--all");
        }
        // One page, one request id.
        let listed = run(&args, &aksk(), "").await.ok().json();
        assert_eq!(listed["total"], 2, "--all {all}: {listed}");
        let items = listed["callback_config"].as_array().unwrap();
        assert_eq!(items.len(), 2, "--all {all}: {listed}");
        for item in items {
            assert_eq!(item["added_later"]["tier"], 2, "--all {all}: {listed}");
            assert!(item.get("key").is_none(), "--all {all}: {listed}");
        }
    }
    // Not anywhere in what was printed either.
    assert!(!shown.stdout.contains(SECRET) && !shown.stderr.contains(SECRET));
}
