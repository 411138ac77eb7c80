//! What progenitor's generated commands call back into: printing (the
//! service's JSON on standard output, the request id on standard error)
//! and the per-operation hooks that add what has no flag (the key, the
//! subscribed events) to the request before it is sent.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex};

use clap::ArgMatches;
use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::{builder, types, Error, RequestId, ResponseValue};
use schemars::JsonSchema;
use serde::Serialize;

use super::generated::CliConfig;
use super::EVENTS;

/// The `CliConfig` of the generated `Cli`.
#[derive(Default)]
pub struct Output {
    /// The callback key for create and update, from the environment or
    /// standard input (never from a flag).
    pub key: Option<CallbackKey>,
    /// The configs of `list --all`, printed at the end as one page.
    listed: RefCell<Vec<serde_json::Value>>,
    /// The answers so far, as the service sent them: request id and body
    /// (the client's body observer fills it).
    bodies: Arc<Mutex<Vec<Sent>>>,
}

impl Output {
    pub fn new(key: Option<CallbackKey>) -> Self {
        Self {
            key,
            ..Self::default()
        }
    }

    /// Where the client puts the answers it receives.
    pub fn bodies(&self) -> Arc<Mutex<Vec<Sent>>> {
        self.bodies.clone()
    }

    /// The answers received since the last call: their request ids, and
    /// their bodies as JSON (`None` if one is not JSON: the typed value is
    /// printed then).
    fn received(&self) -> (Vec<Option<String>>, Option<Vec<serde_json::Value>>) {
        let sent = std::mem::take(&mut *self.bodies.lock().expect("not poisoned"));
        let (ids, bodies): (Vec<_>, Vec<_>) = sent.into_iter().unzip();
        let json = bodies
            .iter()
            .map(|b| serde_json::from_slice(b).ok().map(without_key))
            .collect();
        (ids, json)
    }
}

/// An answer as sent: its request id and body.
pub type Sent = (Option<String>, Vec<u8>);

/// `config` (or a page of them) without a `key`: the contract's answers
/// never carry one, and if the service ever echoed it, this command line
/// would not print the secret.
fn without_key(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("key");
        if let Some(serde_json::Value::Array(items)) = object.get_mut("callback_config") {
            for item in items
                .iter_mut()
                .filter_map(serde_json::Value::as_object_mut)
            {
                item.remove("key");
            }
        }
    }
    value
}

/// Prints `value` as JSON on standard output. A closed pipe (`| head`) is
/// not worth a panic, so write errors are ignored.
pub fn print_json<T: Serialize + ?Sized>(value: &T) {
    let text = serde_json::to_string_pretty(value)
        // Every generated type serializes; this would be a bug in one.
        .unwrap_or_else(|e| panic!("the answer cannot be printed as JSON: {e}"));
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Prints the request id on standard error, where a script can find it
/// without it getting into the JSON.
pub fn print_request_id(id: Option<&str>) {
    if let Some(id) = id {
        let _ = writeln!(std::io::stderr().lock(), "request id: {id}");
    }
}

/// Sets the body fields that have no generated flag.
macro_rules! add_body_extras {
    ($output:expr, $matches:expr, $request:expr) => {{
        if let Some(events) = $matches.get_many::<types::SubscribedEvent>(EVENTS) {
            let events: Vec<types::RequestedEvent> = events.cloned().map(Into::into).collect();
            *$request = $request
                .clone()
                .body_map(|body| body.notify_event_subscription(events));
        }
        if let Some(key) = &$output.key {
            let key = key.clone();
            *$request = $request.clone().body_map(|body| body.key(key));
        }
        Ok(())
    }};
}

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        // The answer as sent, so that a field the contract does not name
        // yet is printed too; the generated type when it cannot be had.
        match self.received().1.and_then(|mut bodies| bodies.pop()) {
            Some(sent) => print_json(&sent),
            None => print_json(&**value),
        }
        print_request_id(value.request_id());
    }

    fn success_no_item(&self, value: &ResponseValue<()>) {
        print_request_id(value.request_id());
    }

    /// Nothing here: `run` prints the failure once, as one line, and picks
    /// the exit code.
    fn error<T>(&self, _value: &Error<T>)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    // progenitor calls the `list_*` methods for the pages of operations it
    // knows to be paginated (Dropshot's convention), which this API does
    // not follow; `list --all` calls them around the client's paging
    // stream instead.
    fn list_start<T>(&self)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        self.listed.borrow_mut().clear();
        self.bodies.lock().expect("not poisoned").clear();
    }

    fn list_item<T>(&self, value: &T)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        let value = serde_json::to_value(value)
            .unwrap_or_else(|e| panic!("a listed item cannot be printed as JSON: {e}"));
        self.listed.borrow_mut().push(value);
    }

    /// Prints everything listed in the shape of one page of the service
    /// (`RecordCallbackConfigList`), `total` being the number listed.
    fn list_end_success<T>(&self)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        let typed = std::mem::take(&mut *self.listed.borrow_mut());
        // The pages as sent, their configs in order, when they hold exactly
        // the configs the client read (they do unless a page was not JSON).
        let (request_ids, pages) = self.received();
        let sent: Option<Vec<serde_json::Value>> = pages.map(|pages| {
            let items = pages.into_iter().map(|mut p| p["callback_config"].take());
            items
                .flat_map(|list| match list {
                    serde_json::Value::Array(items) => items,
                    _ => Vec::new(),
                })
                .collect()
        });
        let items = match sent {
            Some(sent) if sent.len() == typed.len() => sent,
            _ => typed,
        };
        print_json(&serde_json::json!({ "total": items.len(), "callback_config": items }));
        // One line for each page asked for.
        for id in request_ids {
            print_request_id(id.as_deref());
        }
    }

    fn list_end_error<T>(&self, _value: &Error<T>)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        self.listed.borrow_mut().clear();
    }

    fn execute_create_record_callback_config(
        &self,
        matches: &ArgMatches,
        request: &mut builder::CreateRecordCallbackConfig,
    ) -> anyhow::Result<()> {
        add_body_extras!(self, matches, request)
    }

    fn execute_update_record_callback_config(
        &self,
        matches: &ArgMatches,
        request: &mut builder::UpdateRecordCallbackConfig,
    ) -> anyhow::Result<()> {
        add_body_extras!(self, matches, request)
    }
}
