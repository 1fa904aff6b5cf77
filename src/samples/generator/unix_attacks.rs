//! The Linux and macOS account creations of the sample data: `useradd` through sudo from a
//! shell under nginx (a web shell), with its auditd ADD_USER record, and a hidden-looking
//! macOS account built with `dscl . -create /Users/...` over SSH.

use super::scenarios::{Ctx, Story};
use super::unix_events::{auditd_add_user, process_start};
use std::io::{self, Write};

pub fn run<W: Write>(
    ctx: &mut Ctx<'_, W>,
    story: Story,
    phase: u8,
    ts: i64,
) -> io::Result<Option<i64>> {
    match (story, phase) {
        (Story::LinuxWebShell, 0) => {
            let Some(h) = ctx.roles.linux else {
                return Ok(None);
            };
            let host = &mut ctx.hosts[h];
            let init = host.init.clone();
            let s = &mut *ctx.sink;
            let master = process_start(
                s,
                host,
                ts,
                &init,
                &init,
                "/usr/sbin/nginx",
                "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
                "root",
                "0",
            )?;
            let worker = process_start(
                s,
                host,
                ts + 20,
                &master,
                &master,
                "/usr/sbin/nginx",
                "nginx: worker process",
                "www-data",
                "33",
            )?;
            ctx.state.procs.insert((story, "master"), master);
            ctx.state.procs.insert((story, "worker"), worker);
            // The web shell is used an hour after the workers came up.
            Ok(Some(3_600_000))
        }
        (Story::LinuxWebShell, 1) => {
            let Some(h) = ctx.roles.linux else {
                return Ok(None);
            };
            let (Some(master), Some(worker)) = (
                ctx.state.procs.get(&(story, "master")).cloned(),
                ctx.state.procs.get(&(story, "worker")).cloned(),
            ) else {
                return Ok(None);
            };
            let host = &mut ctx.hosts[h];
            let s = &mut *ctx.sink;
            let sh = process_start(
                s,
                host,
                ts,
                &worker,
                &master,
                "/bin/sh",
                "sh -c id;uname -a",
                "www-data",
                "33",
            )?;
            process_start(
                s,
                host,
                ts + 4,
                &sh,
                &master,
                "/usr/bin/id",
                "id",
                "www-data",
                "33",
            )?;
            let sh2 = process_start(
                s,
                host,
                ts + 40_000,
                &worker,
                &master,
                "/bin/sh",
                "sh -c sudo -n /usr/sbin/useradd -m -s /bin/bash -G sudo sysupdate",
                "www-data",
                "33",
            )?;
            let sudo = process_start(
                s,
                host,
                ts + 40_006,
                &sh2,
                &master,
                "/usr/bin/sudo",
                "sudo -n /usr/sbin/useradd -m -s /bin/bash -G sudo sysupdate",
                "www-data",
                "33",
            )?;
            let add = process_start(
                s,
                host,
                ts + 40_015,
                &sudo,
                &master,
                "/usr/sbin/useradd",
                "/usr/sbin/useradd -m -s /bin/bash -G sudo sysupdate",
                "root",
                "0",
            )?;
            auditd_add_user(s, host, ts + 40_030, &add, "sysupdate", "1001", 88_412)?;
            Ok(None)
        }
        (Story::MacDscl, 0) => {
            let Some(h) = ctx.roles.mac else {
                return Ok(None);
            };
            let host = &mut ctx.hosts[h];
            let init = host.init.clone();
            let user = host.user.name.clone();
            let s = &mut *ctx.sink;
            let sshd = process_start(
                s,
                host,
                ts,
                &init,
                &init,
                "/usr/sbin/sshd",
                "/usr/sbin/sshd -i",
                "root",
                "0",
            )?;
            let zsh = process_start(
                s,
                host,
                ts + 900,
                &sshd,
                &sshd,
                "/bin/zsh",
                "-zsh",
                &user,
                "501",
            )?;
            let steps = [
                "dscl . -create /Users/remote_support",
                "dscl . -create /Users/remote_support UniqueID 499",
                "dscl . -create /Users/remote_support UserShell /bin/zsh",
                "dscl . -create /Users/remote_support IsHidden 1",
                "dscl . -passwd /Users/remote_support Welcome#2026",
                "dscl . -append /Groups/admin GroupMembership remote_support",
            ];
            let mut t = ts + 20_000;
            for step in steps {
                let sudo_cmd = format!("sudo {step}");
                let sudo = process_start(
                    s,
                    host,
                    t,
                    &zsh,
                    &sshd,
                    "/usr/bin/sudo",
                    &sudo_cmd,
                    &user,
                    "501",
                )?;
                process_start(
                    s,
                    host,
                    t + 12,
                    &sudo,
                    &sshd,
                    "/usr/bin/dscl",
                    step,
                    "root",
                    "0",
                )?;
                t += 4_000;
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}
