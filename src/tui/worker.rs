//! Long work (import, detection) on a background thread, reporting progress as messages
//! so the interface keeps drawing and answering keys meanwhile.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerMsg {
    Progress {
        label: String,
        done: u64,
        total: Option<u64>,
    },
    Finished(Result<String, String>),
}

/// Handed to a job so it can report how far it got.
#[derive(Clone)]
pub struct Progress {
    tx: Sender<WorkerMsg>,
}

impl Progress {
    pub fn report(&self, label: &str, done: u64, total: Option<u64>) {
        // The interface may have quit; the job then just runs to its end.
        let _ = self.tx.send(WorkerMsg::Progress {
            label: label.to_string(),
            done,
            total,
        });
    }
}

/// A job: returns a summary for the status bar, or an error message.
pub type BackgroundJob = Box<dyn FnOnce(&Progress) -> Result<String, String> + Send>;

pub struct Worker {
    pub rx: Receiver<WorkerMsg>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(job: BackgroundJob) -> Worker {
        let (tx, rx) = channel();
        let progress = Progress { tx: tx.clone() };
        let handle = std::thread::spawn(move || {
            let result = crate::error::catch_reported(|| job(&progress)).unwrap_or_else(|panic| {
                Err(format!(
                    "the background job stopped on an internal error ({panic}); please report it"
                ))
            });
            let _ = tx.send(WorkerMsg::Finished(result));
        });
        Worker {
            rx,
            handle: Some(handle),
        }
    }

    /// True once the thread has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_and_result_arrive_in_order() {
        let w = Worker::spawn(Box::new(|p| {
            p.report("importing", 1, Some(2));
            p.report("importing", 2, Some(2));
            Ok("2 files".into())
        }));
        let msgs: Vec<WorkerMsg> = w.rx.iter().take(3).collect();
        assert_eq!(msgs[2], WorkerMsg::Finished(Ok("2 files".into())));
        assert!(matches!(msgs[0], WorkerMsg::Progress { done: 1, .. }));
    }

    #[test]
    fn a_crashing_job_ends_with_its_reason() {
        let w = Worker::spawn(Box::new(|_| panic!("chunk table out of range")));
        let msgs: Vec<WorkerMsg> = w.rx.iter().take(1).collect();
        let WorkerMsg::Finished(Err(why)) = &msgs[0] else {
            panic!("{msgs:?}")
        };
        assert!(why.contains("chunk table out of range"), "{why}");
    }
}
