//! What ordinary activity is made of: the programs started from Explorer, services, WMI and the
//! task scheduler, harmless `net` commands, network destinations, services that change state,
//! and Linux and macOS background programs.

/// Who a templated process runs as.
#[derive(Clone, Copy)]
pub enum Runner {
    User,
    System,
}

#[derive(Clone, Copy)]
pub enum ParentKind {
    Explorer,
    Services,
    Dcom,
    Schedule,
}

pub struct Template {
    pub parent: ParentKind,
    pub exe: &'static str,
    pub cmd: &'static str,
    pub original: &'static str,
    pub description: &'static str,
    pub runner: Runner,
}

const fn t(
    parent: ParentKind,
    exe: &'static str,
    cmd: &'static str,
    original: &'static str,
    description: &'static str,
    runner: Runner,
) -> Template {
    Template {
        parent,
        exe,
        cmd,
        original,
        description,
        runner,
    }
}

use ParentKind::{Dcom, Explorer, Schedule, Services};
use Runner::{System, User};

pub const WINDOWS_TEMPLATES: &[Template] = &[
    t(
        Explorer,
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r#""C:\Program Files\Google\Chrome\Application\chrome.exe""#,
        "chrome.exe",
        "Google Chrome",
        User,
    ),
    t(
        Explorer,
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r#""C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US --num-raster-threads=4 --renderer-client-id=12"#,
        "chrome.exe",
        "Google Chrome",
        User,
    ),
    t(
        Explorer,
        r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE",
        r#""C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" "#,
        "Outlook.exe",
        "Microsoft Outlook",
        User,
    ),
    t(
        Explorer,
        r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
        r#""C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{user}\Documents\Quarterly review.docx" /o """#,
        "WinWord.exe",
        "Microsoft Word",
        User,
    ),
    t(
        Explorer,
        r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE",
        r#""C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "C:\Users\{user}\Documents\budget-2026.xlsx""#,
        "Excel.exe",
        "Microsoft Excel",
        User,
    ),
    t(
        Explorer,
        r"C:\Windows\System32\notepad.exe",
        r#""C:\Windows\system32\notepad.exe" C:\Users\{user}\Desktop\notes.txt"#,
        "NOTEPAD.EXE",
        "Notepad",
        User,
    ),
    t(
        Explorer,
        r"C:\Users\{user}\AppData\Local\Microsoft\Teams\current\Teams.exe",
        r#""C:\Users\{user}\AppData\Local\Microsoft\Teams\current\Teams.exe" --process-start-time"#,
        "Teams.exe",
        "Microsoft Teams",
        User,
    ),
    t(
        Explorer,
        r"C:\Windows\System32\mstsc.exe",
        r#""C:\Windows\system32\mstsc.exe" /v:srv-file01"#,
        "mstsc.exe",
        "Remote Desktop Connection",
        User,
    ),
    t(
        Explorer,
        r"C:\Program Files\Microsoft OneDrive\OneDrive.exe",
        r#""C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background"#,
        "OneDrive.exe",
        "Microsoft OneDrive",
        User,
    ),
    t(
        Services,
        r"C:\Windows\System32\svchost.exe",
        r"C:\Windows\system32\svchost.exe -k LocalServiceNetworkRestricted -p -s lmhosts",
        "svchost.exe",
        "Host Process for Windows Services",
        System,
    ),
    t(
        Services,
        r"C:\Windows\System32\svchost.exe",
        r"C:\Windows\System32\svchost.exe -k wsappx -p -s ClipSVC",
        "svchost.exe",
        "Host Process for Windows Services",
        System,
    ),
    t(
        Services,
        r"C:\Windows\servicing\TrustedInstaller.exe",
        r"C:\Windows\servicing\TrustedInstaller.exe",
        "TrustedInstaller.exe",
        "Windows Modules Installer",
        System,
    ),
    t(
        Services,
        r"C:\Windows\System32\sppsvc.exe",
        r"C:\Windows\system32\sppsvc.exe",
        "sppsvc.exe",
        "Microsoft Software Protection Platform Service",
        System,
    ),
    t(
        Dcom,
        r"C:\Windows\System32\wbem\WmiPrvSE.exe",
        r"C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding",
        "Wmiprvse.exe",
        "WMI Provider Host",
        System,
    ),
    t(
        Dcom,
        r"C:\Windows\System32\RuntimeBroker.exe",
        r"C:\Windows\System32\RuntimeBroker.exe -Embedding",
        "RuntimeBroker.exe",
        "Runtime Broker",
        User,
    ),
    t(
        Dcom,
        r"C:\Windows\System32\dllhost.exe",
        r"C:\Windows\system32\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}",
        "dllhost.exe",
        "COM Surrogate",
        User,
    ),
    t(
        Schedule,
        r"C:\Windows\System32\taskhostw.exe",
        r"taskhostw.exe Install $(Arg0)",
        "taskhostw.exe",
        "Host Process for Windows Tasks",
        System,
    ),
    t(
        Schedule,
        r"C:\Program Files\Windows Defender\MpCmdRun.exe",
        r#""C:\Program Files\Windows Defender\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance"#,
        "MpCmdRun.exe",
        "Microsoft Malware Protection Command Line Utility",
        System,
    ),
    t(
        Schedule,
        r"C:\Program Files (x86)\Google\Update\GoogleUpdate.exe",
        r#""C:\Program Files (x86)\Google\Update\GoogleUpdate.exe" /ua /installsource scheduler"#,
        "GoogleUpdate.exe",
        "Google Installer",
        System,
    ),
    t(
        Schedule,
        r"C:\Windows\System32\CompatTelRunner.exe",
        r"C:\Windows\system32\compattelrunner.exe -maintenance",
        "CompatTelRunner.exe",
        "Microsoft Compatibility Telemetry",
        System,
    ),
    t(
        Schedule,
        r"C:\Windows\System32\sc.exe",
        r"C:\Windows\system32\sc.exe start wuauserv",
        "sc.exe",
        "Service Control Manager Configuration Tool",
        System,
    ),
];

/// Harmless net.exe commands (verbs after `net`), run from cmd.exe by the logged-on user.
pub const NET_NOISE: &[&str] = &[
    "user",
    "user {user} /domain",
    r"use \\srv-file01\shares /USER:CORP\{user}",
    r"use Z: \\srv-file01\finance /persistent:yes",
    "localgroup administrators",
    "localgroup",
    r"time \\dc01 /set /y",
    "view /domain",
    "accounts",
    "share",
];

pub const DESTINATIONS: &[(&str, u16, &str)] = &[
    ("142.250.74.110", 443, "www.google.com"),
    ("52.97.146.162", 443, "outlook.office365.com"),
    ("13.107.42.14", 443, "teams.microsoft.com"),
    ("20.190.159.4", 443, "login.microsoftonline.com"),
    ("151.101.1.140", 443, "www.reddit.com"),
    ("10.20.0.5", 445, "srv-file01.corp.example"),
    ("10.20.0.2", 389, "dc01.corp.example"),
    ("10.20.0.2", 88, "dc01.corp.example"),
    ("23.45.181.161", 80, "ctldl.windowsupdate.com"),
];

pub const SERVICES: &[&str] = &[
    "Windows Update",
    "Background Intelligent Transfer Service",
    "Windows Modules Installer",
    "Microsoft Defender Antivirus Network Inspection Service",
    "Software Protection",
    "Google Update Service (gupdate)",
    "Delivery Optimization",
];

pub const LINUX_NOISE: &[(&str, &str)] = &[
    ("/usr/sbin/cron", "/usr/sbin/CRON -f -P"),
    ("/bin/sh", "/bin/sh -c run-parts --report /etc/cron.hourly"),
    ("/usr/bin/apt-get", "apt-get -qq update"),
    (
        "/usr/sbin/logrotate",
        "/usr/sbin/logrotate /etc/logrotate.conf",
    ),
    ("/usr/bin/curl", "curl -fsS http://127.0.0.1/healthz"),
    (
        "/usr/bin/python3",
        "/usr/bin/python3 /usr/lib/ubuntu-release-upgrader/check-new-release -q",
    ),
    ("/usr/bin/systemctl", "systemctl is-active nginx"),
];

pub const MAC_NOISE: &[(&str, &str)] = &[
    (
        "/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared",
        "/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared -s mdworker -c MDSImporterWorker -m com.apple.mdworker.shared",
    ),
    (
        "/usr/libexec/softwareupdated",
        "/usr/libexec/softwareupdated",
    ),
    ("/bin/zsh", "-zsh"),
    ("/usr/bin/git", "git status --porcelain"),
    (
        "/Applications/Safari.app/Contents/MacOS/Safari",
        "/Applications/Safari.app/Contents/MacOS/Safari",
    ),
    (
        "/usr/sbin/networksetup",
        "networksetup -getairportnetwork en0",
    ),
];
