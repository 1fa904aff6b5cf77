//! The simulated estate: hosts with their OS, domain membership, SIDs, logged-on user and the
//! long-lived processes (services, svchost groups, explorer) that background activity hangs
//! off, plus the counters that keep pids, process GUIDs and record ids unique and plausible.

use std::fmt::Write as _;
use std::rc::Rc;

pub const DOMAIN: &str = "CORP";
pub const DNS_DOMAIN: &str = "corp.example";
pub const DOMAIN_SID: &str = "S-1-5-21-1004336348-1177238915-682003330";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    Linux,
    Mac,
}

/// A process known to the simulation, used as the parent of later processes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub entity_id: String,
    pub executable: String,
    pub name: String,
    pub command_line: String,
    /// `command_line` split into arguments, kept so children need not split it again.
    pub args: Vec<String>,
    pub user: String,
    pub domain: String,
}

/// The logged-on user of a workstation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub sid: String,
    pub logon_id: String,
}

#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub fqdn: String,
    pub os: Os,
    pub ip: String,
    pub is_server: bool,
    pub local_sid: String,
    pub user: Person,
    pub next_pid: u32,
    pub process_counter: u64,
    pub next_local_rid: u32,
    pub record_sysmon: i64,
    pub record_security: i64,
    pub record_system: i64,
    pub guid_prefix: String,
    pub system: Rc<Proc>,
    pub services: Rc<Proc>,
    pub lsass: Rc<Proc>,
    pub svchost_dcom: Rc<Proc>,
    pub svchost_schedule: Rc<Proc>,
    pub svchost_netsvcs: Rc<Proc>,
    pub explorer: Rc<Proc>,
    pub init: Rc<Proc>,
    /// Recently started user processes, used by later network and file events.
    pub recent: Vec<Rc<Proc>>,
}

impl Host {
    pub fn new(index: usize, name: &str, os: Os, is_server: bool, user: &str) -> Self {
        let hash = fnv(name);
        let local_sid = format!(
            "S-1-5-21-{}-{}-{}",
            1_000_000_000 + (hash % 2_000_000_000),
            1_000_000_000 + ((hash >> 20) % 2_000_000_000),
            1_000_000_000 + ((hash >> 40) % 1_000_000_000)
        );
        let user_rid = 1100 + index as u64 * 7 + (hash % 5);
        let mut host = Self {
            name: name.to_string(),
            fqdn: match os {
                Os::Windows => format!("{}.{}", name.to_uppercase(), DNS_DOMAIN),
                _ => format!("{name}.{DNS_DOMAIN}"),
            },
            os,
            ip: format!("10.20.{}.{}", 1 + index / 200, 10 + index % 200),
            is_server,
            local_sid,
            user: Person {
                name: user.to_string(),
                sid: format!("{DOMAIN_SID}-{user_rid}"),
                logon_id: format!("0x{:x}", 0x3_0000 + (hash & 0xffff)),
            },
            next_pid: 3000 + (hash % 2000) as u32 * 4,
            process_counter: 0,
            next_local_rid: 1002,
            record_sysmon: 10_000 + (hash % 50_000) as i64,
            record_security: 80_000 + (hash % 90_000) as i64,
            record_system: 5_000 + (hash % 9_000) as i64,
            guid_prefix: format!("{:08X}", hash as u32),
            system: Rc::default(),
            services: Rc::default(),
            lsass: Rc::default(),
            svchost_dcom: Rc::default(),
            svchost_schedule: Rc::default(),
            svchost_netsvcs: Rc::default(),
            explorer: Rc::default(),
            init: Rc::default(),
            recent: Vec::with_capacity(8),
        };
        host.boot();
        host
    }

    fn boot(&mut self) {
        let user = self.user.name.clone();
        match self.os {
            Os::Windows => {
                self.system = Rc::new(self.fixed(4, r"System", "System", "SYSTEM"));
                self.services = Rc::new(self.fixed(
                    680,
                    r"C:\Windows\System32\services.exe",
                    r"C:\Windows\system32\services.exe",
                    "SYSTEM",
                ));
                self.lsass = Rc::new(self.fixed(
                    696,
                    r"C:\Windows\System32\lsass.exe",
                    r"C:\Windows\system32\lsass.exe",
                    "SYSTEM",
                ));
                self.svchost_dcom = Rc::new(self.fixed(
                    812,
                    r"C:\Windows\System32\svchost.exe",
                    r"C:\Windows\system32\svchost.exe -k DcomLaunch -p",
                    "SYSTEM",
                ));
                self.svchost_netsvcs = Rc::new(self.fixed(
                    1088,
                    r"C:\Windows\System32\svchost.exe",
                    r"C:\Windows\system32\svchost.exe -k netsvcs -p",
                    "SYSTEM",
                ));
                self.svchost_schedule = Rc::new(self.fixed(
                    1460,
                    r"C:\Windows\System32\svchost.exe",
                    r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule",
                    "SYSTEM",
                ));
                let explorer = self.fixed(
                    4424,
                    r"C:\Windows\explorer.exe",
                    r"C:\Windows\Explorer.EXE",
                    &user,
                );
                self.explorer = Rc::new(Proc {
                    domain: DOMAIN.to_string(),
                    ..explorer
                });
            }
            Os::Linux => {
                self.init =
                    Rc::new(self.fixed(1, "/usr/lib/systemd/systemd", "/sbin/init splash", "root"));
            }
            Os::Mac => {
                self.init = Rc::new(self.fixed(1, "/sbin/launchd", "/sbin/launchd", "root"));
            }
        }
    }

    fn fixed(&mut self, pid: u32, exe: &str, cmd: &str, user: &str) -> Proc {
        let entity_id = self.entity_id(pid, 0);
        Proc {
            pid,
            entity_id,
            executable: exe.to_string(),
            name: base_name(exe).to_string(),
            command_line: cmd.to_string(),
            args: if self.os == Os::Windows {
                super::argv::split_windows(cmd)
            } else {
                super::argv::split_unix(cmd)
            },
            user: user.to_string(),
            domain: if user == "SYSTEM" {
                "NT AUTHORITY".to_string()
            } else {
                self.name.to_uppercase()
            },
        }
    }

    /// A new pid (Windows pids are multiples of 4 and get reused; a wrapping counter is
    /// close enough).
    pub fn alloc_pid(&mut self) -> u32 {
        let step = if self.os == Os::Windows { 4 } else { 1 };
        self.next_pid += step;
        if self.next_pid > 60_000 {
            self.next_pid = 3000;
        }
        self.next_pid
    }

    /// A process GUID in Sysmon's shape (`{8-4-4-4-12}` hex, upper case) on Windows, base64 text
    /// elsewhere; unique per host.
    pub fn entity_id(&mut self, pid: u32, ts_ms: i64) -> String {
        self.process_counter += 1;
        let mut s = String::with_capacity(40);
        let secs = (ts_ms / 1000) as u64;
        let _ = write!(
            s,
            "{{{}-{:04X}-{:04X}-{:04X}-{:012X}}}",
            self.guid_prefix,
            (secs >> 16) & 0xffff,
            secs & 0xffff,
            pid & 0xffff,
            self.process_counter
        );
        if self.os == Os::Windows {
            s
        } else {
            // Elastic Defend on Linux and macOS writes opaque base64 entity ids.
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(s.trim_matches(['{', '}']))
        }
    }

    /// Remembers a started process for later activity (a small ring).
    pub fn remember(&mut self, p: Proc) {
        if self.recent.len() >= 8 {
            self.recent.remove(0);
        }
        self.recent.push(Rc::new(p));
    }

    /// The next free local account RID (new local accounts).
    pub fn alloc_rid(&mut self) -> u32 {
        self.next_local_rid += 1;
        self.next_local_rid
    }

    pub fn os_type(&self) -> &'static str {
        match self.os {
            Os::Windows => "windows",
            Os::Linux => "linux",
            Os::Mac => "macos",
        }
    }
}

/// The file name of a Windows or Unix path.
pub fn base_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// FNV-1a, to derive stable per-host values from names.
pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_stable_and_distinct() {
        let a = Host::new(0, "wks-fin01", Os::Windows, false, "jdoe");
        let b = Host::new(0, "wks-fin01", Os::Windows, false, "jdoe");
        let c = Host::new(1, "wks-hr02", Os::Windows, false, "asmith");
        assert_eq!(a.local_sid, b.local_sid);
        assert_ne!(a.local_sid, c.local_sid);
        assert_eq!(a.explorer.entity_id, b.explorer.entity_id);
        assert_ne!(a.services.entity_id, a.lsass.entity_id);
        assert_eq!(a.fqdn, "WKS-FIN01.corp.example");
        assert_eq!(base_name(r"C:\Windows\System32\net.exe"), "net.exe");
        assert_eq!(base_name("/usr/sbin/useradd"), "useradd");
    }

    #[test]
    fn pids_are_windows_like_and_entity_ids_unique() {
        let mut h = Host::new(3, "srv-app01", Os::Windows, true, "svc");
        let p1 = h.alloc_pid();
        let p2 = h.alloc_pid();
        assert_eq!(p1 % 4, 0);
        assert_ne!(p1, p2);
        assert_ne!(h.entity_id(p1, 1000), h.entity_id(p1, 1000));
    }
}
