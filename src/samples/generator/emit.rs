//! The output side of the generator: a line sink counting events, and the parts every event
//! shares (timestamp, host, agent, Windows `winlog` envelope).

use super::json::JsonLine;
use super::world::{Host, Os};
use chrono::{DateTime, Datelike, Timelike};
use std::fmt::Write as _;
use std::io::{self, Write};

pub struct Sink<W: Write> {
    pub json: JsonLine,
    out: W,
    pub count: u64,
    /// The latest event time written so far.
    pub last_ts: i64,
    /// Reused for timestamps.
    ts_text: String,
    /// `YYYY-MM-DDTHH:MM:SS` of `ts_second`: most consecutive events share their second.
    second_text: String,
    ts_second: i64,
}

impl<W: Write> Sink<W> {
    pub fn new(out: W) -> Self {
        Self {
            json: JsonLine::new(),
            out,
            count: 0,
            last_ts: i64::MIN,
            ts_text: String::with_capacity(32),
            second_text: String::with_capacity(24),
            ts_second: i64::MIN,
        }
    }

    /// Starts an event at `ts_ms` on `host`: writes `@timestamp` and the host and agent parts.
    pub fn start(&mut self, ts_ms: i64, host: &Host) {
        self.last_ts = self.last_ts.max(ts_ms);
        let second = ts_ms.div_euclid(1000);
        if second != self.ts_second {
            self.ts_second = second;
            self.second_text.clear();
            if let Some(t) = DateTime::from_timestamp(second, 0) {
                let _ = write!(
                    self.second_text,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                );
            }
        }
        self.ts_text.clear();
        self.ts_text.push_str(&self.second_text);
        let _ = write!(self.ts_text, ".{:03}Z", ts_ms.rem_euclid(1000));
        let j = &mut self.json;
        j.begin();
        j.str("@timestamp", &self.ts_text);
        j.open("host")
            .str("name", &host.name)
            .str("hostname", &host.name)
            .strs("ip", &[&host.ip]);
        j.open("os").str("type", host.os_type());
        match host.os {
            Os::Windows => {
                j.str("family", "windows").str("platform", "windows");
                j.str(
                    "name",
                    if host.is_server {
                        "Windows Server 2022 Standard"
                    } else {
                        "Windows 11 Enterprise"
                    },
                );
            }
            Os::Linux => {
                j.str("family", "ubuntu")
                    .str("platform", "ubuntu")
                    .str("name", "Ubuntu")
                    .str("version", "22.04.4 LTS (Jammy Jellyfish)");
            }
            Os::Mac => {
                j.str("family", "macos")
                    .str("platform", "darwin")
                    .str("name", "macOS")
                    .str("version", "14.4.1");
            }
        }
        j.close().close();
        j.open("agent")
            .str(
                "type",
                if host.os == Os::Windows {
                    "winlogbeat"
                } else {
                    "endpoint"
                },
            )
            .str("version", "8.13.2")
            .close();
        j.open("ecs").str("version", "8.11.0").close();
    }

    /// Writes the finished event line.
    pub fn emit(&mut self) -> io::Result<()> {
        self.out.write_all(self.json.finish())?;
        self.count += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Which Windows log an event comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sysmon,
    Security,
    System,
}

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sysmon => "Microsoft-Windows-Sysmon/Operational",
            Self::Security => "Security",
            Self::System => "System",
        }
    }

    pub fn provider(self) -> &'static str {
        match self {
            Self::Sysmon => "Microsoft-Windows-Sysmon",
            Self::Security => "Microsoft-Windows-Security-Auditing",
            Self::System => "Service Control Manager",
        }
    }

    pub fn module(self) -> &'static str {
        match self {
            Self::Sysmon => "sysmon",
            Self::Security => "security",
            Self::System => "system",
        }
    }

    pub fn dataset(self) -> &'static str {
        match self {
            Self::Sysmon => "windows.sysmon_operational",
            Self::Security => "system.security",
            Self::System => "system.system",
        }
    }
}

/// The `event` object of a Windows event; `category`/`type` may be empty.
pub struct EventMeta<'a> {
    pub code: &'a str,
    pub action: &'a str,
    pub category: &'a [&'a str],
    pub kind_type: &'a [&'a str],
    pub outcome: Option<&'a str>,
}

/// Writes `event` and opens `winlog` (with `event_data` left open for the caller to fill).
pub fn windows_envelope<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    channel: Channel,
    meta: &EventMeta<'_>,
) {
    let record_id = match channel {
        Channel::Sysmon => {
            host.record_sysmon += 1;
            host.record_sysmon
        }
        Channel::Security => {
            host.record_security += 1;
            host.record_security
        }
        Channel::System => {
            host.record_system += 1;
            host.record_system
        }
    };
    let j = &mut sink.json;
    j.open("event")
        .str("kind", "event")
        .str("code", meta.code)
        .str("action", meta.action)
        .str("provider", channel.provider())
        .str("module", channel.module())
        .str("dataset", channel.dataset());
    if !meta.category.is_empty() {
        j.strs("category", meta.category);
    }
    if !meta.kind_type.is_empty() {
        j.strs("type", meta.kind_type);
    }
    if let Some(outcome) = meta.outcome {
        j.str("outcome", outcome);
    }
    j.close();
    let event_id: i64 = meta.code.parse().unwrap_or(0);
    j.open("winlog")
        .str("channel", channel.name())
        .str("provider_name", channel.provider())
        .str("computer_name", &host.fqdn)
        .num("event_id", event_id)
        .num("record_id", record_id)
        .str("api", "wineventlog");
    j.open("event_data");
}

/// Closes `winlog.event_data` and `winlog`.
pub fn close_winlog<W: Write>(sink: &mut Sink<W>) {
    sink.json.close().close();
}
