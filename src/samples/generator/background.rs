//! Ordinary background activity, one burst at a time: applications started from Explorer,
//! services and scheduled tasks, their network, file and registry traffic, network logons,
//! service state changes, and the harmless `net` commands (listings, drive mappings) that a
//! good rule must not flag. The catalogue of programs and destinations is in `catalog`.

use super::catalog::{
    DESTINATIONS, LINUX_NOISE, MAC_NOISE, NET_NOISE, ParentKind, Runner, SERVICES, Template,
    WINDOWS_TEMPLATES,
};
use super::emit::Sink;
use super::unix_events;
use super::win_events::{self as win, Launch};
use super::win_iam::Subject;
use super::world::{DOMAIN, Host, Os, Proc};
use ParentKind::{Dcom, Explorer, Schedule, Services};
use Runner::{System, User};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};
use std::rc::Rc;

fn launch_from<'a>(
    tpl: &'a Template,
    exe: &'a str,
    cmd: &'a str,
    user_name: &'a str,
) -> Launch<'a> {
    let (user, domain, integrity) = match tpl.runner {
        User => (user_name, DOMAIN, "Medium"),
        System => ("SYSTEM", "NT AUTHORITY", "System"),
    };
    Launch {
        exe,
        cmd,
        user,
        domain,
        integrity,
        original_name: tpl.original,
        description: tpl.description,
        cwd: match tpl.runner {
            User => r"C:\Users\Public\",
            System => r"C:\Windows\system32\",
        },
    }
}

/// Cmd.exe started by Explorer for the logged-on user.
pub fn user_shell<W: Write>(sink: &mut Sink<W>, host: &mut Host, ts: i64) -> io::Result<Proc> {
    let explorer = host.explorer.clone();
    let user = host.user.name.clone();
    win::process_start(
        sink,
        host,
        ts,
        &explorer,
        &Launch {
            exe: r"C:\Windows\System32\cmd.exe",
            cmd: r#""C:\Windows\system32\cmd.exe" "#,
            user: &user,
            domain: DOMAIN,
            integrity: "Medium",
            original_name: "Cmd.Exe",
            description: "Windows Command Processor",
            cwd: r"C:\Windows\system32\",
        },
    )
}

/// Runs `net ARGS` from `parent`, with net.exe starting net1.exe as Windows does.
pub fn net_command<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    parent: &Proc,
    net_exe: &str,
    verbs: &str,
) -> io::Result<(Proc, Proc)> {
    let cmd = format!("net {verbs}");
    let user = parent.user.clone();
    let domain = parent.domain.clone();
    let launch = Launch {
        exe: net_exe,
        cmd: &cmd,
        user: &user,
        domain: &domain,
        integrity: "High",
        original_name: "net.exe",
        description: "Net Command",
        cwd: r"C:\Windows\system32\",
    };
    let net = win::process_start(sink, host, ts, parent, &launch)?;
    let cmd1 = format!(r"C:\Windows\system32\net1  {verbs}");
    let launch1 = Launch {
        exe: r"C:\Windows\System32\net1.exe",
        cmd: &cmd1,
        original_name: "net1.exe",
        description: "Net Command",
        ..launch
    };
    let net1 = win::process_start(sink, host, ts + 9, &net, &launch1)?;
    Ok((net, net1))
}

/// One burst of Windows background activity starting at `ts`; returns the time of its last event.
pub fn windows_burst<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    rng: &mut ChaCha8Rng,
) -> io::Result<i64> {
    let roll = rng.random_range(0..100u32);
    match roll {
        0..=31 => {
            let tpl = WINDOWS_TEMPLATES
                .choose(rng)
                .unwrap_or(&WINDOWS_TEMPLATES[0]);
            let parent = match tpl.parent {
                Explorer => host.explorer.clone(),
                Services => host.services.clone(),
                Dcom => host.svchost_dcom.clone(),
                Schedule => host.svchost_schedule.clone(),
            };
            let exe = tpl.exe.replace("{user}", &host.user.name);
            let cmd = tpl.cmd.replace("{user}", &host.user.name);
            let user_name = host.user.name.clone();
            let launch = launch_from(tpl, &exe, &cmd, &user_name);
            let p = win::process_start(sink, host, ts, &parent, &launch)?;
            if matches!(tpl.runner, User) {
                host.remember(p);
            }
            Ok(ts)
        }
        32..=52 => {
            let proc_ = pick_active(host, rng);
            let (ip, port, domain) = *DESTINATIONS.choose(rng).unwrap_or(&DESTINATIONS[0]);
            let src_port = rng.random_range(49152..65535u16);
            win::network_connection(sink, host, ts, &proc_, ip, port, domain, src_port)?;
            Ok(ts)
        }
        53..=64 => {
            let proc_ = pick_active(host, rng);
            let n: u32 = rng.random();
            let path = match n % 3 {
                0 => format!(
                    r"C:\Users\{}\AppData\Local\Temp\~DF{:X}.TMP",
                    host.user.name, n
                ),
                1 => format!(
                    r"C:\Users\{}\Downloads\invoice-{}.pdf",
                    host.user.name,
                    n % 10_000
                ),
                _ => format!(
                    r"C:\Windows\Prefetch\{}-{:08X}.pf",
                    proc_.name.to_uppercase(),
                    n
                ),
            };
            win::file_created(sink, host, ts, &proc_, &path)?;
            Ok(ts)
        }
        65..=75 => {
            let proc_ = pick_active(host, rng);
            let n: u32 = rng.random();
            let path = match n % 3 {
                0 => format!(
                    r"HKU\{}\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx\{}",
                    host.user.sid,
                    n % 40
                ),
                1 => format!(
                    r"HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\{}\\Device\HarddiskVolume3\Windows\System32\{}",
                    host.user.sid,
                    proc_.name
                ),
                _ => r"HKLM\SOFTWARE\Microsoft\Windows Defender\Signature Updates\SignaturesLastUpdated".to_string(),
            };
            win::registry_write(
                sink,
                host,
                ts,
                &proc_,
                &path,
                Some(("REG_BINARY", "Binary Data")),
            )?;
            Ok(ts)
        }
        76..=86 => {
            // A network logon from another machine's account or a user, then its logoff.
            let logon_id = format!("0x{:x}", rng.random_range(0x10_0000..0xff_ffffu32));
            let n = rng.random_range(1..60u32);
            let (user, sid) = if n % 2 == 0 {
                (
                    format!("WKS-{n:04}$"),
                    format!("S-1-5-21-1004336348-1177238915-682003330-{}", 3000 + n),
                )
            } else {
                (host.user.name.clone(), host.user.sid.clone())
            };
            let ip = format!("10.20.1.{}", 10 + n);
            win::logon_event(
                sink, host, ts, false, &user, DOMAIN, &sid, 3, &logon_id, &ip,
            )?;
            let end = ts + rng.random_range(200..5_000i64);
            win::logon_event(
                sink, host, end, true, &user, DOMAIN, &sid, 3, &logon_id, &ip,
            )?;
            Ok(end)
        }
        87..=91 => {
            let service = SERVICES.choose(rng).copied().unwrap_or(SERVICES[0]);
            win::service_state(sink, host, ts, service, true)?;
            let end = ts + rng.random_range(1_000..120_000i64);
            win::service_state(sink, host, end, service, false)?;
            Ok(end)
        }
        92..=95 => {
            let verbs = NET_NOISE.choose(rng).copied().unwrap_or(NET_NOISE[0]);
            let verbs = verbs.replace("{user}", &host.user.name);
            let shell = user_shell(sink, host, ts)?;
            net_command(
                sink,
                host,
                ts + 1_500,
                &shell,
                r"C:\Windows\System32\net.exe",
                &verbs,
            )?;
            Ok(ts + 1_509)
        }
        96..=97 => {
            let system = Proc {
                user: format!("{}$", host.name.to_uppercase()),
                domain: DOMAIN.to_string(),
                ..(*host.services).clone()
            };
            win::task_created(
                sink,
                host,
                ts,
                &system,
                r"\GoogleUpdateTaskMachineUA",
                r"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe",
            )?;
            Ok(ts)
        }
        _ => {
            let sid = host.user.sid.clone();
            let logon_id = host.user.logon_id.clone();
            let user = host.user.name.clone();
            let subject = Subject {
                name: &user,
                domain: DOMAIN,
                sid: &sid,
                logon_id: &logon_id,
            };
            win::logon_event(
                sink,
                host,
                ts,
                false,
                subject.name,
                DOMAIN,
                subject.sid,
                2,
                subject.logon_id,
                "127.0.0.1",
            )?;
            Ok(ts)
        }
    }
}

fn pick_active(host: &Host, rng: &mut ChaCha8Rng) -> Rc<Proc> {
    match host.recent.choose(rng) {
        Some(p) if rng.random_bool(0.7) => p.clone(),
        _ => host.svchost_netsvcs.clone(),
    }
}

/// One Linux or macOS background process start.
pub fn unix_burst<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    rng: &mut ChaCha8Rng,
) -> io::Result<i64> {
    let table = if host.os == Os::Linux {
        LINUX_NOISE
    } else {
        MAC_NOISE
    };
    let (exe, cmd) = *table.choose(rng).unwrap_or(&table[0]);
    let init = host.init.clone();
    let user_name = host.user.name.clone();
    let (user, uid) = if rng.random_bool(0.6) {
        ("root", "0")
    } else {
        (user_name.as_str(), "1000")
    };
    unix_events::process_start(sink, host, ts, &init, &init, exe, cmd, user, uid)?;
    Ok(ts)
}
