//! The event generator: builds a world of hosts, walks a clock from `start_ms` over `span_ms`
//! emitting background bursts on random hosts, and weaves in the account-creation stories at
//! fixed points of the timeline. Output is NDJSON, one ECS event per line, streamed; the same
//! configuration always gives byte-identical output.

mod argv;
mod attacks;
mod background;
mod baits;
mod catalog;
mod emit;
mod json;
mod scenarios;
mod unix_attacks;
mod unix_events;
mod win_events;
mod win_iam;
mod world;

pub use scenarios::Story;

use emit::Sink;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scenarios::{Ctx, Roles, StoryState};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;
use world::{Host, Os};

/// Why generation stopped.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("cannot write the generated events: {0}; check the output path and free disk space")]
    Write(#[from] std::io::Error),
    #[error("the configuration is not usable: {0}")]
    Config(String),
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    pub seed: u64,
    /// Background events to write (stories add their own few dozen).
    pub events: u64,
    /// Windows workstations (servers and the domain controller come on top).
    pub workstations: usize,
    pub linux_hosts: usize,
    pub mac_hosts: usize,
    pub start_ms: i64,
    pub span_ms: i64,
    /// Inject the stories (attack chains, bait, near misses).
    pub stories: bool,
    /// Use the demo's fixed host and user names.
    pub demo_names: bool,
}

/// 2026-03-02T00:00:00Z.
pub const DEMO_START_MS: i64 = 1_772_409_600_000;

impl GenConfig {
    /// The bundled sample dataset in `samples/`.
    pub fn demo() -> Self {
        Self {
            seed: 0x5EED_0136,
            events: 3_000,
            workstations: 5,
            linux_hosts: 1,
            mac_hosts: 1,
            start_ms: DEMO_START_MS,
            span_ms: 48 * 3_600_000,
            stories: true,
            demo_names: true,
        }
    }

    /// A benchmark dataset of `events` events over a week.
    pub fn large(events: u64) -> Self {
        Self {
            seed: 42,
            events,
            workstations: 50,
            linux_hosts: 2,
            mac_hosts: 2,
            start_ms: DEMO_START_MS,
            span_ms: 7 * 24 * 3_600_000,
            stories: false,
            demo_names: false,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenStats {
    pub events: u64,
    pub first_ms: i64,
    pub last_ms: i64,
}

const DEMO_WORKSTATIONS: [(&str, &str); 5] = [
    ("wks-fin01", "jdoe"),
    ("wks-hr02", "asmith"),
    ("wks-eng03", "bwilson"),
    ("wks-ops04", "cmartin"),
    ("wks-new05", "tnguyen"),
];

const FIRST: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m"];
const LAST: [&str; 12] = [
    "garcia", "nguyen", "smith", "okafor", "muller", "rossi", "tanaka", "kowalski", "silva",
    "haddad", "olsen", "dubois",
];

fn build_world(config: &GenConfig) -> (Vec<Host>, Roles) {
    let mut hosts = Vec::new();
    let add = |hosts: &mut Vec<Host>, name: &str, os: Os, server: bool, user: &str| {
        let index = hosts.len();
        hosts.push(Host::new(index, name, os, server, user));
        index
    };
    let dc = add(&mut hosts, "dc01", Os::Windows, true, "adm_rkhan");
    let file_server = add(&mut hosts, "srv-file01", Os::Windows, true, "adm_rkhan");
    let app_server = add(&mut hosts, "srv-app01", Os::Windows, true, "adm_rkhan");
    let web_server = add(&mut hosts, "srv-web02", Os::Windows, true, "svc_ansible");
    let mut workstations = Vec::new();
    for i in 0..config.workstations {
        let (name, user) = if config.demo_names && i < DEMO_WORKSTATIONS.len() {
            (
                DEMO_WORKSTATIONS[i].0.to_string(),
                DEMO_WORKSTATIONS[i].1.to_string(),
            )
        } else {
            (
                format!("wks-{:04}", i + 1),
                format!(
                    "{}{}{}",
                    FIRST[i % FIRST.len()],
                    LAST[(i / FIRST.len()) % LAST.len()],
                    i / 144
                ),
            )
        };
        workstations.push(add(&mut hosts, &name, Os::Windows, false, &user));
    }
    let mut linux = None;
    for i in 0..config.linux_hosts {
        let name = if i == 0 {
            "web01".to_string()
        } else {
            format!("lnx-{:02}", i + 1)
        };
        let index = add(&mut hosts, &name, Os::Linux, true, "deploy");
        linux.get_or_insert(index);
    }
    let mut mac = None;
    for i in 0..config.mac_hosts {
        let name = if i == 0 {
            "mac-des01".to_string()
        } else {
            format!("mac-{:02}", i + 1)
        };
        let index = add(&mut hosts, &name, Os::Mac, false, "dlopez");
        mac.get_or_insert(index);
    }
    let roles = Roles {
        dc,
        file_server,
        app_server,
        web_server,
        workstations,
        linux,
        mac,
    };
    (hosts, roles)
}

fn ctx_last<W: Write>(sink: &Sink<W>) -> i64 {
    sink.last_ts
}

/// Writes the events `config` describes to `out` as NDJSON.
pub fn generate<W: Write>(config: &GenConfig, out: W) -> Result<GenStats, GenError> {
    if config.span_ms <= 0 {
        return Err(GenError::Config(format!(
            "the time span must be positive, got {} ms",
            config.span_ms
        )));
    }
    let (mut hosts, roles) = build_world(config);
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut sink = Sink::new(out);
    let mut state = StoryState::default();
    // Stories spread evenly over the span, each phase scheduled as (time, order, story, phase).
    let mut queue: BinaryHeap<Reverse<(i64, usize, Story, u8)>> = BinaryHeap::new();
    if config.stories {
        let n = Story::ALL.len() as i64;
        for (i, story) in Story::ALL.iter().enumerate() {
            let at = config.start_ms + config.span_ms * (2 * i as i64 + 1) / (2 * n + 2);
            queue.push(Reverse((at, i, *story, 0)));
        }
    }
    let mean_gap = (config.span_ms / config.events.max(1) as i64).max(1);
    let windows_count = hosts.iter().filter(|h| h.os == Os::Windows).count().max(1);
    let mut ts = config.start_ms;
    let mut background = 0u64;
    let first_ms = ts;
    while background < config.events || !queue.is_empty() {
        let next_story = queue.peek().map(|Reverse((at, ..))| *at);
        let story_due = match next_story {
            Some(at) => at <= ts || background >= config.events,
            None => false,
        };
        if story_due {
            if let Some(Reverse((at, order, story, phase))) = queue.pop() {
                let start = at.max(ts);
                let mut ctx = Ctx {
                    sink: &mut sink,
                    hosts: &mut hosts,
                    roles: &roles,
                    state: &mut state,
                };
                if let Some(delay) = scenarios::run_phase(&mut ctx, story, phase, start)? {
                    queue.push(Reverse((start + delay, order, story, phase + 1)));
                }
                // Background resumes after the story's last event, keeping the file in time order.
                ts = ts.max(ctx_last(&sink)) + 1;
            }
            continue;
        }
        ts += rng.random_range(0..=2 * mean_gap);
        let index = if rng.random_bool(0.9) || hosts.len() == windows_count {
            rng.random_range(0..windows_count)
        } else {
            rng.random_range(windows_count..hosts.len())
        };
        let before = sink.count;
        let host = &mut hosts[index];
        let end = if host.os == Os::Windows {
            background::windows_burst(&mut sink, host, ts, &mut rng)?
        } else {
            background::unix_burst(&mut sink, host, ts, &mut rng)?
        };
        background += sink.count - before;
        ts = ts.max(end);
    }
    sink.flush()?;
    Ok(GenStats {
        events: sink.count,
        first_ms,
        last_ms: ts,
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
