//! Reads on other threads (a timeline window, a process tree), so the keystroke that
//! asked for one returns within its budget however much the read brings back.
//!
//! Each kind of read has a lane: one read runs at a time per lane; asking again while
//! it runs queues only the newest (pressing `+` three times reads the first and the last
//! window, not all three). A read's answer is an [`Action`] applied like any other.

use crate::app::action::Action;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// A read to run on another thread; its answer goes through `update`.
pub type Job = Box<dyn FnOnce() -> Action + Send>;

/// The kinds of background read, each with its own lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Timeline,
    Tree,
}

struct Running {
    rx: Receiver<Action>,
    /// The answer when the read dies without one.
    lost: Action,
}

#[derive(Default)]
struct LaneState {
    running: Option<Running>,
    queued: Option<(Job, Action)>,
    /// A read that could not even start, reported at the next poll.
    failed: Option<Action>,
}

#[derive(Default)]
pub struct BackgroundReads {
    lanes: [LaneState; 2],
}

fn index(lane: Lane) -> usize {
    match lane {
        Lane::Timeline => 0,
        Lane::Tree => 1,
    }
}

impl BackgroundReads {
    /// Starts `job` on its lane, or queues it behind the running read (replacing any
    /// read queued before). `lost` is the answer applied if the read dies without one.
    pub fn start(&mut self, lane: Lane, job: Job, lost: Action) {
        let l = &mut self.lanes[index(lane)];
        if l.running.is_some() {
            l.queued = Some((job, lost));
            return;
        }
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new()
            .name("vigil-read".into())
            .spawn(move || {
                // The interface may have quit meanwhile; nobody to tell then.
                let _ = tx.send(job());
            });
        match spawned {
            Ok(_) => l.running = Some(Running { rx, lost }),
            Err(_) => l.failed = Some(lost),
        }
    }

    /// The answers of the reads that finished since the last call; starts queued ones.
    pub fn poll(&mut self) -> Vec<Action> {
        let mut done = Vec::new();
        for lane in [Lane::Timeline, Lane::Tree] {
            let l = &mut self.lanes[index(lane)];
            if let Some(failed) = l.failed.take() {
                done.push(failed);
            }
            let Some(running) = &l.running else { continue };
            let answer = match running.rx.try_recv() {
                Ok(answer) => answer,
                Err(TryRecvError::Empty) => continue,
                Err(TryRecvError::Disconnected) => match l.running.take() {
                    Some(r) => r.lost,
                    None => continue,
                },
            };
            done.push(answer);
            l.running = None;
            if let Some((job, lost)) = l.queued.take() {
                self.start(lane, job, lost);
            }
        }
        done
    }

    /// True while a read runs or waits to be reported.
    pub fn busy(&self) -> bool {
        self.lanes
            .iter()
            .any(|l| l.running.is_some() || l.failed.is_some() || l.queued.is_some())
    }
}
