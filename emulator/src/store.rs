//! The emulator's state: configs per project, in memory, behind one lock.
//!
//! What can be built without the lock is built before it ([`Stored::new`]
//! and the answer's JSON): with several workers, the time spent holding it
//! is time the others may spend waiting.

use std::collections::hash_map::Entry;
use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};

use live_record_callbacks::secret::CallbackKey;

/// The store's maps hash with foldhash: their keys are the emulator's own
/// ids and the clients' (domain, app) pairs, and a slow hasher shows when
/// they grow under the lock.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
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
    Exists(Taken),
    /// No config has this id in the project.
    NotFound,
}

/// A body naming an event or signing method that the contract accepts (so
/// that a config read back can be sent again) but the service does not
/// list; the emulator refuses it, as our reading of the service.
pub(crate) struct Unlisted {
    pub(crate) field: String,
    pub(crate) value: String,
}

#[derive(Default)]
struct Project {
    /// Boxed, so that the tree's nodes stay small when it grows (a node
    /// holds eleven values, and inserting moves them).
    by_seq: BTreeMap<u64, Box<Stored>>,
    seq_of_id: HashMap<String, u64>,
    seq_of_pair: HashMap<(String, String), u64>,
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

/// A config to add, with the copies of its keys made before the store is
/// locked.
pub(crate) struct NewConfig {
    pair: (String, String),
    id: String,
    stored: Box<Stored>,
}

impl NewConfig {
    pub(crate) fn new(stored: Stored) -> Self {
        Self {
            pair: stored.pair(),
            id: stored.config.id.clone(),
            stored: Box::new(stored),
        }
    }
}

/// A change refused: the (domain, app) pair already has the config `id`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Taken {
    pub(crate) pair: (String, String),
    pub(crate) id: String,
}

impl Stored {
    /// A config made from a request body at `now` (created and updated),
    /// with the service's defaults. An event or signing method that the
    /// contract lets a request carry but the service does not list is
    /// refused ([`Unlisted`]).
    pub(crate) fn new(
        id: String,
        body: RecordCallbackConfigRequest,
        now: DateTime<Utc>,
    ) -> Result<Stored, Unlisted> {
        // Left out, `sign_type` is the document's default (HMACSHA256).
        let sign_type = match body.sign_type {
            RequestedSignType::SignType(s) => s,
            RequestedSignType::UnlistedSignType(other) => {
                return Err(Unlisted {
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
                RequestedEvent::UnlistedEvent(other) => Err(Unlisted {
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
                create_time: Some(timestamp(now)),
                update_time: Some(timestamp(now)),
            },
            key: body.key,
            sign_type,
            events,
        })
    }

    /// Its (ingest domain, app) pair, of which a project has one config.
    fn pair(&self) -> (String, String) {
        (self.config.publish_domain.clone(), self.config.app.clone())
    }
}

impl Store {
    /// Adds a config; refused with the id of the config that already has
    /// its (domain, app) pair, and the pair.
    pub(crate) fn create(&mut self, project: &str, new: NewConfig) -> Result<(), Taken> {
        if !self.projects.contains_key(project) {
            self.projects.insert(project.to_owned(), Project::default());
        }
        let p = self.projects.get_mut(project).expect("inserted just above");
        let seq = self.next_seq + 1;
        match p.seq_of_pair.entry(new.pair) {
            Entry::Occupied(existing) => {
                return Err(Taken {
                    id: p.by_seq[existing.get()].config.id.clone(),
                    pair: existing.key().clone(),
                })
            }
            Entry::Vacant(slot) => slot.insert(seq),
        };
        self.next_seq = seq;
        p.seq_of_id.insert(new.id, seq);
        p.by_seq.insert(seq, new.stored);
        Ok(())
    }

    /// One config.
    pub(crate) fn get(&self, project: &str, id: &str) -> Option<&Stored> {
        let p = self.projects.get(project)?;
        p.by_seq.get(p.seq_of_id.get(id)?).map(|s| &**s)
    }

    /// Replaces a config's whole body with `s` (made with [`Stored::new`];
    /// its `create_time` is replaced by the stored one).
    pub(crate) fn update(&mut self, project: &str, mut s: Stored) -> Result<&Stored, StoreError> {
        let p = self.projects.get_mut(project).ok_or(StoreError::NotFound)?;
        let seq = *p.seq_of_id.get(&s.config.id).ok_or(StoreError::NotFound)?;
        let (old_pair, new_pair) = (p.by_seq[&seq].pair(), s.pair());
        if new_pair != old_pair {
            if let Some(other) = p.seq_of_pair.get(&new_pair) {
                let id = p.by_seq[other].config.id.clone();
                return Err(StoreError::Exists(Taken { pair: new_pair, id }));
            }
            p.seq_of_pair.remove(&old_pair);
            p.seq_of_pair.insert(new_pair, seq);
        }
        let slot = p
            .by_seq
            .get_mut(&seq)
            .expect("the id's sequence number is in the tree");
        s.config.create_time = slot.config.create_time;
        **slot = s;
        Ok(slot)
    }

    /// Removes a config.
    pub(crate) fn delete(&mut self, project: &str, id: &str) -> Result<(), StoreError> {
        let p = self.projects.get_mut(project).ok_or(StoreError::NotFound)?;
        let seq = p.seq_of_id.remove(id).ok_or(StoreError::NotFound)?;
        if let Some(old) = p.by_seq.remove(&seq) {
            p.seq_of_pair.remove(&old.pair());
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
                let seq = p.seq_of_pair.get(&(domain.to_owned(), (*a).to_owned()))?;
                Some((project.to_owned(), (*p.by_seq[seq]).clone()))
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
