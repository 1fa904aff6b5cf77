//! False-positive bait and near misses: account creation by a helpdesk admin, by an MSI
//! installer, by Ansible and by Puppet, by the machine account during Windows setup; `net`
//! listings and drive mappings; a 4732 to a group that grants no privilege.

use super::background::{net_command, user_shell};
use super::scenarios::{Ctx, Story, encode_powershell, spawn};
use super::win_events as win;
use super::win_iam::{self as iam, LocalGroup, NewAccount, REMOTE_DESKTOP_USERS, Subject};
use super::world::{DOMAIN, DOMAIN_SID, Host, Proc};
use std::io::{self, Write};

const NET: &str = r"C:\Windows\System32\net.exe";

/// net.exe run by `parent`, then the 4720 written by the account `subject`.
#[allow(clippy::too_many_arguments)]
fn create_with_net<W: Write>(
    sink: &mut super::emit::Sink<W>,
    host: &mut Host,
    ts: i64,
    parent: &Proc,
    account: &str,
    verbs: &str,
    subject: &Subject<'_>,
) -> io::Result<String> {
    net_command(sink, host, ts, parent, NET, verbs)?;
    created(sink, host, ts + 45, subject, account)
}

fn created<W: Write>(
    sink: &mut super::emit::Sink<W>,
    host: &mut Host,
    ts: i64,
    subject: &Subject<'_>,
    account: &str,
) -> io::Result<String> {
    let rid = host.alloc_rid();
    let sid = format!("{}-{rid}", host.local_sid);
    let machine = host.name.to_uppercase();
    let new = NewAccount {
        name: account,
        domain: &machine,
        sid: &sid,
        computer: false,
    };
    iam::user_created(sink, host, ts, subject, &new)?;
    Ok(sid)
}

fn machine_subject(host: &Host) -> (String, &'static str) {
    (format!("{}$", host.name.to_uppercase()), "S-1-5-18")
}

pub fn run<W: Write>(
    ctx: &mut Ctx<'_, W>,
    story: Story,
    phase: u8,
    ts: i64,
) -> io::Result<Option<i64>> {
    let s = &mut *ctx.sink;
    match (story, phase) {
        (Story::HelpdeskBait, 0) => {
            let host = &mut ctx.hosts[ctx.roles.wks(1)];
            let sid = format!("{DOMAIN_SID}-2211");
            win::logon_event(
                s,
                host,
                ts,
                false,
                "hd_mmiller",
                DOMAIN,
                &sid,
                10,
                "0x5d1e02",
                "10.20.4.31",
            )?;
            let explorer = host.explorer.clone();
            let mmc = spawn(
                s,
                host,
                ts + 30_000,
                &explorer,
                r"C:\Windows\System32\mmc.exe",
                r#""C:\Windows\system32\mmc.exe" "C:\Windows\system32\lusrmgr.msc" "#,
                "hd_mmiller",
                DOMAIN,
                "MMC.EXE",
                "Microsoft Management Console",
            )?;
            let subject = Subject {
                name: "hd_mmiller",
                domain: DOMAIN,
                sid: &sid,
                logon_id: "0x5d1e02",
            };
            created(s, host, ts + 95_000, &subject, "jlee.temp")?;
            let _ = mmc;
            let cmd = spawn(
                s,
                host,
                ts + 240_000,
                &explorer,
                r"C:\Windows\System32\cmd.exe",
                r#""C:\Windows\system32\cmd.exe" "#,
                "hd_mmiller",
                DOMAIN,
                "Cmd.Exe",
                "Windows Command Processor",
            )?;
            let sid = create_with_net(
                s,
                host,
                ts + 262_000,
                &cmd,
                "ext.consultant",
                "user ext.consultant Welcome#2026 /add",
                &subject,
            )?;
            ctx.state.sids.insert(story, sid);
            // Remote access for the consultant, half an hour later through the same console.
            Ok(Some(30 * 60_000))
        }
        (Story::HelpdeskBait, 1) => {
            let host = &mut ctx.hosts[ctx.roles.wks(1)];
            let sid = format!("{DOMAIN_SID}-2211");
            let member = ctx.state.sids.get(&story).cloned().unwrap_or_default();
            let subject = Subject {
                name: "hd_mmiller",
                domain: DOMAIN,
                sid: &sid,
                logon_id: "0x5d1e02",
            };
            iam::member_added(s, host, ts, &subject, &member, None, &REMOTE_DESKTOP_USERS)?;
            Ok(None)
        }
        (Story::InstallerBait, 0) => {
            let host = &mut ctx.hosts[ctx.roles.app_server];
            let services = host.services.clone();
            let msi = spawn(
                s,
                host,
                ts,
                &services,
                r"C:\Windows\System32\msiexec.exe",
                r"C:\Windows\system32\msiexec.exe /V",
                "SYSTEM",
                "NT AUTHORITY",
                "msiexec.exe",
                "Windows® installer",
            )?;
            let custom = spawn(
                s,
                host,
                ts + 6_000,
                &msi,
                r"C:\Windows\System32\msiexec.exe",
                r"C:\Windows\System32\MsiExec.exe -Embedding 5B1F4A3C2E1D0F9A8B7C6D5E4F3A2B1C E Global\MSI0000",
                "SYSTEM",
                "NT AUTHORITY",
                "msiexec.exe",
                "Windows® installer",
            )?;
            let (machine, sid) = machine_subject(host);
            let subject = Subject {
                name: &machine,
                domain: DOMAIN,
                sid,
                logon_id: "0x3e7",
            };
            create_with_net(
                s,
                host,
                ts + 41_000,
                &custom,
                "svc_sqlreports",
                "user svc_sqlreports R3ports!2026 /add /expires:never",
                &subject,
            )?;
            Ok(None)
        }
        (Story::AnsibleBait, 0) => {
            let host = &mut ctx.hosts[ctx.roles.web_server];
            let sid = format!("{DOMAIN_SID}-1877");
            win::logon_event(
                s,
                host,
                ts,
                false,
                "svc_ansible",
                DOMAIN,
                &sid,
                3,
                "0x9c41f7",
                "10.20.0.40",
            )?;
            let dcom = host.svchost_dcom.clone();
            let wsm = spawn(
                s,
                host,
                ts + 200,
                &dcom,
                r"C:\Windows\System32\wsmprovhost.exe",
                r"C:\Windows\system32\wsmprovhost.exe -Embedding",
                "svc_ansible",
                DOMAIN,
                "wsmprovhost.exe",
                "Host process for WinRM plug-ins",
            )?;
            let script = "# AnsiballZ win_command\n& net user app_deploy D3ploy!2026 /add";
            let ps_cmd = format!(
                "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand {}",
                encode_powershell(script)
            );
            let ps = spawn(
                s,
                host,
                ts + 900,
                &wsm,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                &ps_cmd,
                "svc_ansible",
                DOMAIN,
                "PowerShell.EXE",
                "Windows PowerShell",
            )?;
            let subject = Subject {
                name: "svc_ansible",
                domain: DOMAIN,
                sid: &sid,
                logon_id: "0x9c41f7",
            };
            create_with_net(
                s,
                host,
                ts + 2_400,
                &ps,
                "app_deploy",
                "user app_deploy D3ploy!2026 /add",
                &subject,
            )?;
            Ok(None)
        }
        (Story::PuppetBait, 0) => {
            let host = &mut ctx.hosts[ctx.roles.wks(3)];
            let services = host.services.clone();
            let ruby_exe = r"C:\Program Files\Puppet Labs\Puppet\puppet\bin\ruby.exe";
            let ruby = spawn(
                s,
                host,
                ts,
                &services,
                ruby_exe,
                r#""C:\Program Files\Puppet Labs\Puppet\puppet\bin\ruby.exe" -rubygems "C:\Program Files\Puppet Labs\Puppet\puppet\bin\puppet" agent --onetime --no-daemonize"#,
                "SYSTEM",
                "NT AUTHORITY",
                "ruby.exe",
                "Ruby interpreter",
            )?;
            let (machine, sid) = machine_subject(host);
            let subject = Subject {
                name: &machine,
                domain: DOMAIN,
                sid,
                logon_id: "0x3e7",
            };
            create_with_net(
                s,
                host,
                ts + 14_000,
                &ruby,
                "kiosk",
                "user kiosk Kiosk#2026 /add /fullname:\"Lobby kiosk\"",
                &subject,
            )?;
            Ok(None)
        }
        (Story::OsSetup, 0) => {
            let host = &mut ctx.hosts[ctx.roles.wks(4)];
            let (machine, sid) = machine_subject(host);
            let subject = Subject {
                name: &machine,
                domain: "WORKGROUP",
                sid,
                logon_id: "0x3e7",
            };
            created(s, host, ts, &subject, "defaultuser0")?;
            Ok(None)
        }
        (Story::NetNegatives, 0) => {
            let host = &mut ctx.hosts[ctx.roles.wks(0)];
            let user = host.user.name.clone();
            let shell = user_shell(s, host, ts)?;
            net_command(s, host, ts + 4_000, &shell, NET, "user")?;
            let mapping = format!(r"use \\srv-file01\finance /USER:CORP\{user}");
            net_command(s, host, ts + 19_000, &shell, NET, &mapping)?;
            net_command(
                s,
                host,
                ts + 33_000,
                &shell,
                NET,
                "localgroup administrators",
            )?;
            net_command(
                s,
                host,
                ts + 47_000,
                &shell,
                NET,
                &format!("user {user} /domain"),
            )?;
            Ok(None)
        }
        (Story::NonPrivilegedGroup, 0) => {
            let host = &mut ctx.hosts[ctx.roles.app_server];
            let sid = format!("{DOMAIN_SID}-1650");
            let subject = Subject {
                name: "adm_rkhan",
                domain: DOMAIN,
                sid: &sid,
                logon_id: "0x77a1c0",
            };
            let member = format!("{DOMAIN_SID}-1193");
            let dn = "CN=Priya Nair,OU=Finance,DC=corp,DC=example";
            let group = LocalGroup {
                name: "Event Log Readers",
                domain: "Builtin",
                sid: "S-1-5-32-573",
            };
            iam::member_added(s, host, ts, &subject, &member, Some(dn), &group)?;
            let custom_sid = format!("{}-1010", host.local_sid);
            let custom = LocalGroup {
                name: "ReportViewers",
                domain: &host.name.to_uppercase(),
                sid: &custom_sid,
            };
            iam::member_added(s, host, ts + 61_000, &subject, &member, Some(dn), &custom)?;
            Ok(None)
        }
        _ => Ok(None),
    }
}
