//! App state: the picked profile and base files and the current error, changed only through [`Action`].

use std::rc::Rc;

use yew::Reducible;

/// Which of the two file inputs a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The profile to look at.
    Profile,
    /// The optional earlier profile that [`Slot::Profile`] is compared against.
    Base,
}

impl Slot {
    pub fn label(self) -> &'static str {
        match self {
            Slot::Profile => "Profile",
            Slot::Base => "Base",
        }
    }
}

/// A file read completely into memory.
#[derive(Debug, PartialEq, Eq)]
pub struct LoadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl LoadedFile {
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

/// One file input: the file last read, or the name of the one being read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlotState {
    /// Identifies the latest pick; a read that finishes after a newer pick is dropped.
    pub generation: u32,
    /// The name of the file being read, if a read is in flight.
    pub reading: Option<String>,
    pub file: Option<Rc<LoadedFile>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub profile: SlotState,
    pub base: SlotState,
    /// Shown in the page's alert; cleared by the next pick.
    pub error: Option<String>,
}

impl AppState {
    pub fn slot(&self, slot: Slot) -> &SlotState {
        match slot {
            Slot::Profile => &self.profile,
            Slot::Base => &self.base,
        }
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut SlotState {
        match slot {
            Slot::Profile => &mut self.profile,
            Slot::Base => &mut self.base,
        }
    }
}

#[derive(Debug)]
pub enum Action {
    /// A file was chosen and its read started. `generation` must increase with every pick.
    Picked {
        slot: Slot,
        generation: u32,
        name: String,
    },
    /// The file input was emptied (the file dialog was cancelled).
    Cleared { slot: Slot, generation: u32 },
    /// A read started by [`Action::Picked`] finished.
    Read {
        slot: Slot,
        generation: u32,
        name: String,
        result: Result<Vec<u8>, String>,
    },
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Picked {
                slot,
                generation,
                name,
            } => {
                let s = next.slot_mut(slot);
                s.generation = generation;
                s.reading = Some(name);
                next.error = None;
            }
            Action::Cleared { slot, generation } => {
                *next.slot_mut(slot) = SlotState {
                    generation,
                    ..SlotState::default()
                };
            }
            Action::Read {
                slot,
                generation,
                name,
                result,
            } => {
                if next.slot(slot).generation != generation {
                    return self;
                }
                let s = next.slot_mut(slot);
                s.reading = None;
                match result {
                    Ok(bytes) if bytes.is_empty() => {
                        s.file = None;
                        next.error = Some(format!("{} file {name} is empty.", slot.label()));
                    }
                    Ok(bytes) => s.file = Some(Rc::new(LoadedFile { name, bytes })),
                    Err(err) => {
                        s.file = None;
                        next.error = Some(format!(
                            "Could not read {} file {name}: {err}",
                            slot.label().to_lowercase()
                        ));
                    }
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(state: Rc<AppState>, slot: Slot, generation: u32, name: &str) -> Rc<AppState> {
        state.reduce(Action::Picked {
            slot,
            generation,
            name: name.into(),
        })
    }

    fn read(
        state: Rc<AppState>,
        slot: Slot,
        generation: u32,
        name: &str,
        result: Result<Vec<u8>, String>,
    ) -> Rc<AppState> {
        state.reduce(Action::Read {
            slot,
            generation,
            name: name.into(),
            result,
        })
    }

    #[test]
    fn a_finished_read_stores_the_file() {
        let s = pick(Rc::default(), Slot::Profile, 1, "heap.pb.gz");
        assert_eq!(s.profile.reading.as_deref(), Some("heap.pb.gz"));
        let s = read(s, Slot::Profile, 1, "heap.pb.gz", Ok(vec![0x1f, 0x8b, 8]));
        let file = s.profile.file.as_ref().expect("file stored");
        assert_eq!((file.name.as_str(), file.size()), ("heap.pb.gz", 3));
        assert_eq!(s.profile.reading, None);
        assert_eq!(s.base, SlotState::default());
        assert_eq!(s.error, None);
    }

    #[test]
    fn a_read_overtaken_by_a_newer_pick_is_dropped() {
        let s = pick(Rc::default(), Slot::Base, 1, "old");
        let s = pick(s, Slot::Base, 2, "new");
        let s = read(s, Slot::Base, 1, "old", Ok(vec![1]));
        assert_eq!(s.base.file, None);
        assert_eq!(s.base.reading.as_deref(), Some("new"));
        let s = read(s, Slot::Base, 2, "new", Ok(vec![1, 2]));
        assert_eq!(s.base.file.as_ref().map(|f| f.name.as_str()), Some("new"));
    }

    #[test]
    fn empty_and_unreadable_files_become_errors() {
        let s = pick(Rc::default(), Slot::Profile, 1, "empty.pprof");
        let s = read(s, Slot::Profile, 1, "empty.pprof", Ok(Vec::new()));
        assert_eq!(
            s.error.as_deref(),
            Some("Profile file empty.pprof is empty.")
        );
        assert_eq!(s.profile.file, None);

        let s = pick(s, Slot::Base, 2, "gone.pprof");
        assert_eq!(s.error, None, "a new pick clears the error");
        let s = read(s, Slot::Base, 2, "gone.pprof", Err("NotFoundError".into()));
        assert_eq!(
            s.error.as_deref(),
            Some("Could not read base file gone.pprof: NotFoundError")
        );
    }

    #[test]
    fn clearing_a_slot_forgets_its_file_and_pending_read() {
        let s = pick(Rc::default(), Slot::Profile, 1, "a");
        let s = read(s, Slot::Profile, 1, "a", Ok(vec![1]));
        let s = pick(s, Slot::Profile, 2, "b");
        let s = s.reduce(Action::Cleared {
            slot: Slot::Profile,
            generation: 3,
        });
        assert_eq!((&s.profile.file, &s.profile.reading), (&None, &None));
        let s = read(s, Slot::Profile, 2, "b", Ok(vec![1]));
        assert_eq!(s.profile.file, None);
    }
}
