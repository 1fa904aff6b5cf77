//! Crash safety: a child process (this test binary, re-run on one test) applies changes
//! and prints each acknowledgement; the parent kills it with SIGKILL at random points and
//! checks that every acknowledged change survived and the state still loads, with the
//! journal synced before each acknowledgement and with the interface's deferred sync.

use super::*;
use crate::model::triage::Status;
use std::io::{BufRead, BufReader, Write};

const CHILD_DIR: &str = "VIGIL_CRASH_CHILD_DIR";
const CHILD_ITER: &str = "VIGIL_CRASH_CHILD_ITER";
const CHILD_DEFERRED: &str = "VIGIL_CRASH_CHILD_DEFERRED";

/// Runs only as the child of `acknowledged_changes_survive_sigkill`: applies changes
/// forever, printing `ACK <n>` after each one is acknowledged.
#[test]
fn crash_child() {
    let (Ok(dir), Ok(iter)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_ITER)) else {
        return;
    };
    let mut s = Store::open(std::path::Path::new(&dir)).unwrap();
    if std::env::var(CHILD_DEFERRED).is_ok() {
        s.set_durability(Durability::Deferred).unwrap();
    }
    let out = std::io::stdout();
    for i in 0u64.. {
        let alert = format!("a{}", i % 7);
        s.apply(
            &alert,
            Change::Comment(format!("it{iter}-{i}")),
            "child",
            i as i64,
        )
        .unwrap();
        if i % 3 == 0 {
            let status = if i % 2 == 0 {
                Status::Acknowledged
            } else {
                Status::Open
            };
            s.apply(&alert, Change::SetStatus(status), "child", i as i64)
                .unwrap();
        }
        if i % 50 == 49 {
            s.compact().unwrap();
        }
        let mut lock = out.lock();
        writeln!(lock, "ACK {i}").unwrap();
        lock.flush().unwrap();
    }
}

#[test]
fn acknowledged_changes_survive_sigkill() {
    sigkill_loop(false);
}

#[test]
fn acknowledged_changes_survive_sigkill_with_deferred_sync() {
    sigkill_loop(true);
}

fn sigkill_loop(deferred: bool) {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut total_acks = 0;
    for iter in 0..20 {
        let mut command = std::process::Command::new(&exe);
        if deferred {
            command.env(CHILD_DEFERRED, "1");
        }
        let mut child = command
            .args([
                "--exact",
                "store::crash_tests::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_ITER, iter.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let wait_for = 1 + next(120);
        let mut acked: Vec<u64> = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ACK ") {
                acked.push(n.parse().unwrap());
                if acked.len() as u64 >= wait_for {
                    break;
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(next(3000)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Acknowledgements still in the pipe were printed before the kill: they count too.
        for line in lines {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("ACK ").and_then(|n| n.parse().ok()) {
                acked.push(n);
            }
        }
        assert!(
            !acked.is_empty(),
            "iteration {iter}: the child acknowledged nothing"
        );
        total_acks += acked.len();
        let store = Store::open(dir.path())
            .unwrap_or_else(|e| panic!("iteration {iter}: state unreadable: {e}"));
        assert!(
            store.load_report().bad_lines.is_empty(),
            "iteration {iter}: {:?}",
            store.load_report()
        );
        for i in &acked {
            let alert = format!("a{}", i % 7);
            let want = format!("it{iter}-{i}");
            assert!(
                store.get(&alert).comments.iter().any(|c| c.text == want),
                "iteration {iter}: acknowledged change {want} lost (after {} acks)",
                acked.len()
            );
        }
    }
    eprintln!(
        "crash test (deferred sync: {deferred}): {total_acks} acknowledged changes checked \
         over 20 kills"
    );
}
