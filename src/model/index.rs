//! The repository index: every artifact by id and by kind, built once per run. Rules look
//! things up here (hash lookups) instead of scanning or re-reading files.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{Artifact, Kind};

#[derive(Debug, Default)]
pub struct Index<'a> {
    artifacts: &'a [Arc<Artifact>],
    by_id: HashMap<&'a str, Vec<usize>>,
    by_kind: HashMap<Kind, Vec<usize>>,
}

impl<'a> Index<'a> {
    /// Index `artifacts` (already in deterministic order: by file, then document).
    pub fn build(artifacts: &'a [Arc<Artifact>]) -> Self {
        let mut by_id: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut by_kind: HashMap<Kind, Vec<usize>> = HashMap::new();
        for (i, a) in artifacts.iter().enumerate() {
            if let Some(id) = a.id.as_deref() {
                by_id.entry(id).or_default().push(i);
            }
            by_kind.entry(a.kind).or_default().push(i);
        }
        Index {
            artifacts,
            by_id,
            by_kind,
        }
    }

    pub fn all(&self) -> &'a [Arc<Artifact>] {
        self.artifacts
    }

    /// The first artifact with this id (in file order).
    pub fn get(&self, id: &str) -> Option<&'a Artifact> {
        self.by_id.get(id).map(|v| &*self.artifacts[v[0]])
    }

    /// Every artifact with this id (more than one is a duplicate).
    pub fn all_with_id(&self, id: &str) -> impl Iterator<Item = &'a Artifact> + '_ {
        self.by_id
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &*self.artifacts[i])
    }

    /// Every artifact of a kind, in file order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Artifact> + '_ {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| &*self.artifacts[i])
    }

    /// Every id in sorted order (for did-you-mean suggestions).
    pub fn ids(&self) -> Vec<&'a str> {
        let mut v: Vec<_> = self.by_id.keys().copied().collect();
        v.sort_unstable();
        v
    }
}
