//! The emulator's state: configs per project, in memory, behind one lock.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, SubsecRound, Utc};

use live_record_callbacks::secret::CallbackKey;
use live_record_callbacks::types::{
    RecordCallbackConfig, RecordCallbackConfigRequest, RequestedEvent, RequestedSignType, SignType,
    SubscribedEvent,
};

/// A stored config: what the service returns, plus what it keeps to itself.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    /// The public part, as returned by create, list, show and update.
    pub(crate) config: RecordCallbackConfig,
    /// The key that signs its notifications (never returned).
    pub(crate) key: Option<CallbackKey>,
    /// The signing method, with the service's default applied.
    pub(crate) sign_type: SignType,
    /// The subscribed events, with the service's default applied.
    pub(crate) events: Vec<SubscribedEvent>,
}

/// Why a change was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StoreError {
    /// Another config already has this (domain, app) pair.
    Exists { id: String },
    /// No config has this id in the project.
    NotFound,
    /// The body names an event or signing method the contract accepts
    /// (so that a config read back can be sent again) but the service does
    /// not know.
    Unknown { field: String, value: String },
}

#[derive(Default)]
struct Project {
    by_seq: BTreeMap<u64, Stored>,
    seq_of_id: HashMap<String, u64>,
    id_of_pair: HashMap<(String, String), String>,
}

/// Every project's configs.
#[derive(Default)]
pub(crate) struct Store {
    projects: HashMap<String, Project>,
    next_seq: u64,
}

fn timestamp(now: DateTime<Utc>) -> DateTime<Utc> {
    // The service reports whole seconds (`yyyy-mm-ddThh:mm:ssZ`).
    now.trunc_subsecs(0)
}

fn stored(
    id: String,
    body: RecordCallbackConfigRequest,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> Result<Stored, StoreError> {
    // Left out, `sign_type` is the document's default (HMACSHA256).
    let sign_type = match body.sign_type {
        RequestedSignType::SignType(s) => s,
        RequestedSignType::UnlistedSignType(other) => {
            return Err(StoreError::Unknown {
                field: "sign_type".into(),
                value: other.to_string(),
            })
        }
    };
    let events = body
        .notify_event_subscription
        .into_iter()
        .enumerate()
        .map(|(i, e)| match e {
            RequestedEvent::SubscribedEvent(e) => Ok(e),
            RequestedEvent::UnlistedEvent(other) => Err(StoreError::Unknown {
                field: format!("notify_event_subscription[{i}]"),
                value: other.to_string(),
            }),
        })
        .collect::<Result<Vec<SubscribedEvent>, _>>()?;
    Ok(Stored {
        config: RecordCallbackConfig {
            id,
            publish_domain: body.publish_domain.to_string(),
            app: body.app.to_string(),
            notify_callback_url: body.notify_callback_url.map(|u| u.to_string()),
            notify_event_subscription: events.iter().map(|e| e.to_string()).collect(),
            sign_type: Some(sign_type.to_string()),
            create_time: Some(timestamp(created)),
            update_time: Some(timestamp(updated)),
        },
        key: body.key,
        sign_type,
        events,
    })
}

impl Store {
    /// Adds a config; `id` is the new config's id.
    pub(crate) fn create(
        &mut self,
        project: &str,
        id: String,
        body: RecordCallbackConfigRequest,
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        let p = self.projects.entry(project.to_owned()).or_default();
        let pair = (body.publish_domain.to_string(), body.app.to_string());
        if let Some(existing) = p.id_of_pair.get(&pair) {
            return Err(StoreError::Exists {
                id: existing.clone(),
            });
        }
        let s = stored(id.clone(), body, now, now)?;
        self.next_seq += 1;
        let seq = self.next_seq;
        p.id_of_pair.insert(pair, id.clone());
        p.seq_of_id.insert(id, seq);
        p.by_seq.insert(seq, s.clone());
        Ok(s)
    }

    /// One config.
    pub(crate) fn get(&self, project: &str, id: &str) -> Option<&Stored> {
        let p = self.projects.get(project)?;
        p.by_seq.get(p.seq_of_id.get(id)?)
    }

    /// Replaces a config's whole body.
    pub(crate) fn update(
        &mut self,
        project: &str,
        id: &str,
        body: RecordCallbackConfigRequest,
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        let p = self.projects.get_mut(project).ok_or(StoreError::NotFound)?;
        let seq = *p.seq_of_id.get(id).ok_or(StoreError::NotFound)?;
        let old = &p.by_seq[&seq];
        let old_pair = (old.config.publish_domain.clone(), old.config.app.clone());
        let new_pair = (body.publish_domain.to_string(), body.app.to_string());
        if new_pair != old_pair {
            if let Some(other) = p.id_of_pair.get(&new_pair) {
                return Err(StoreError::Exists { id: other.clone() });
            }
        }
        let created = old.config.create_time.unwrap_or(now);
        let s = stored(id.to_owned(), body, created, now)?;
        p.id_of_pair.remove(&old_pair);
        p.id_of_pair.insert(new_pair, id.to_owned());
        p.by_seq.insert(seq, s.clone());
        Ok(s)
    }

    /// Removes a config.
    pub(crate) fn delete(&mut self, project: &str, id: &str) -> Result<(), StoreError> {
        let p = self.projects.get_mut(project).ok_or(StoreError::NotFound)?;
        let seq = p.seq_of_id.remove(id).ok_or(StoreError::NotFound)?;
        if let Some(old) = p.by_seq.remove(&seq) {
            p.id_of_pair
                .remove(&(old.config.publish_domain, old.config.app));
        }
        Ok(())
    }

    /// The configs that match, oldest first: `(total, page)`.
    pub(crate) fn list(
        &self,
        project: &str,
        domain: Option<&str>,
        app: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<RecordCallbackConfig>) {
        let Some(p) = self.projects.get(project) else {
            return (0, Vec::new());
        };
        let matching = p.by_seq.values().filter(|s| {
            domain.is_none_or(|d| s.config.publish_domain == d)
                && app.is_none_or(|a| s.config.app == a)
        });
        let total = matching.clone().count();
        (
            total,
            matching
                .skip(offset)
                .take(limit)
                .map(|s| s.config.clone())
                .collect(),
        )
    }

    /// The config the service uses for a stream of `domain`/`app`: the one
    /// for exactly that app, else the domain's `*` config.
    pub(crate) fn matching(
        &self,
        project: Option<&str>,
        domain: &str,
        app: &str,
    ) -> Option<(String, Stored)> {
        let find = |project: &str, p: &Project| {
            [app, "*"].iter().find_map(|a| {
                let id = p.id_of_pair.get(&(domain.to_owned(), (*a).to_owned()))?;
                Some((project.to_owned(), p.by_seq[&p.seq_of_id[id]].clone()))
            })
        };
        match project {
            Some(project) => find(project, self.projects.get(project)?),
            None => {
                let mut projects: Vec<_> = self.projects.iter().collect();
                projects.sort_by(|a, b| a.0.cmp(b.0));
                projects.into_iter().find_map(|(name, p)| find(name, p))
            }
        }
    }
}
