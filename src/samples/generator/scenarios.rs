//! The account-creation stories injected into the background: attack chains, false-positive
//! bait and near-miss negatives (see samples/README.md for what each one should raise).
//!
//! A story runs in phases so that its events stay in time order with the background: each
//! phase emits a few events and says how long until the next one.

use super::emit::Sink;
use super::win_events::{self as win, Launch};
use super::world::{Host, Proc};
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Story {
    OfficeChain,
    AbbreviatedSwitch,
    AlternateLocation,
    DomainCreation,
    HiddenAccount,
    LinuxWebShell,
    MacDscl,
    HelpdeskBait,
    InstallerBait,
    AnsibleBait,
    PuppetBait,
    OsSetup,
    NetNegatives,
    NonPrivilegedGroup,
}

impl Story {
    pub const ALL: [Story; 14] = [
        Story::NetNegatives,
        Story::OsSetup,
        Story::OfficeChain,
        Story::HelpdeskBait,
        Story::AbbreviatedSwitch,
        Story::InstallerBait,
        Story::LinuxWebShell,
        Story::AlternateLocation,
        Story::AnsibleBait,
        Story::NonPrivilegedGroup,
        Story::DomainCreation,
        Story::PuppetBait,
        Story::HiddenAccount,
        Story::MacDscl,
    ];
}

/// Which host plays which part (indices into the host list).
#[derive(Debug, Clone)]
pub struct Roles {
    pub dc: usize,
    pub file_server: usize,
    pub app_server: usize,
    pub web_server: usize,
    pub workstations: Vec<usize>,
    pub linux: Option<usize>,
    pub mac: Option<usize>,
}

impl Roles {
    /// The `n`th workstation, wrapping when there are fewer.
    pub fn wks(&self, n: usize) -> usize {
        if self.workstations.is_empty() {
            self.file_server
        } else {
            self.workstations[n % self.workstations.len()]
        }
    }
}

/// Processes and SIDs a story remembers between its phases.
#[derive(Debug, Default)]
pub struct StoryState {
    pub procs: HashMap<(Story, &'static str), Proc>,
    pub sids: HashMap<Story, String>,
}

/// Everything a phase needs.
pub struct Ctx<'a, W: Write> {
    pub sink: &'a mut Sink<W>,
    pub hosts: &'a mut [Host],
    pub roles: &'a Roles,
    pub state: &'a mut StoryState,
}

/// Runs phase `phase` of `story` at `ts`. Returns the delay to the next phase, if any.
pub fn run_phase<W: Write>(
    ctx: &mut Ctx<'_, W>,
    story: Story,
    phase: u8,
    ts: i64,
) -> io::Result<Option<i64>> {
    match story {
        Story::OfficeChain
        | Story::AbbreviatedSwitch
        | Story::AlternateLocation
        | Story::DomainCreation
        | Story::HiddenAccount => super::attacks::run(ctx, story, phase, ts),
        Story::LinuxWebShell | Story::MacDscl => super::unix_attacks::run(ctx, story, phase, ts),
        _ => super::baits::run(ctx, story, phase, ts),
    }
}

/// Starts a process with the usual defaults for an interactive or service context.
#[allow(clippy::too_many_arguments)]
pub fn spawn<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    parent: &Proc,
    exe: &str,
    cmd: &str,
    user: &str,
    domain: &str,
    original: &str,
    description: &str,
) -> io::Result<Proc> {
    let integrity = if user == "SYSTEM" { "System" } else { "High" };
    win::process_start(
        sink,
        host,
        ts,
        parent,
        &Launch {
            exe,
            cmd,
            user,
            domain,
            integrity,
            original_name: original,
            description,
            cwd: r"C:\Windows\system32\",
        },
    )
}

/// lsass writing the SAM name key of a new local account (Sysmon 12 then 13).
pub fn sam_name_key<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    account: &str,
    rid: u32,
) -> io::Result<()> {
    let lsass = host.lsass.clone();
    let key = format!(r"HKLM\SAM\SAM\Domains\Account\Users\Names\{account}");
    win::registry_write(sink, host, ts, &lsass, &key, None)?;
    let value = format!(r"{key}\(Default)");
    let data = format!("DWORD (0x{rid:08x})");
    win::registry_write(
        sink,
        host,
        ts + 1,
        &lsass,
        &value,
        Some(("REG_DWORD", &data)),
    )
}

/// PowerShell's `-EncodedCommand` form of a script (UTF-16LE, base64).
pub fn encode_powershell(script: &str) -> String {
    use base64::Engine as _;
    let bytes: Vec<u8> = script.encode_utf16().flat_map(u16::to_le_bytes).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_commands_round_trip() {
        use base64::Engine as _;
        let enc = encode_powershell("whoami");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(enc)
            .unwrap();
        assert_eq!(raw, b"w\0h\0o\0a\0m\0i\0");
    }

    #[test]
    fn every_story_is_listed_once() {
        let mut all = Story::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), Story::ALL.len());
    }
}
