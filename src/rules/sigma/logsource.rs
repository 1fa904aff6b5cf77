//! Sigma logsources expressed as guards over stored documents.
//!
//! A guard is a list of clauses (OR): a Windows channel with event codes, an ECS
//! category/type for documents without a channel, an `event.module` for other
//! products. The guards double as dispatch keys, which is what lets thousands of rules
//! run without each looking at every event.

pub use super::facts::DocFacts;
use serde_json::Value;

pub const SYSMON: &str = "Microsoft-Windows-Sysmon/Operational";
const PS_OPERATIONAL: &[&str] = &[
    "Microsoft-Windows-PowerShell/Operational",
    "PowerShellCore/Operational",
];

/// One way a document can belong to a logsource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// `winlog.channel` (case-insensitive) and, when non-empty, `event.code` in `codes`.
    Win { channel: String, codes: Vec<u32> },
    /// Any document with a `winlog.channel` (product windows alone).
    AnyWindows,
    /// Documents without a channel whose `event.category` holds `category` and, when
    /// non-empty, `event.type` holds one of `types`; `os` must equal `host.os.type`
    /// when the document has one.
    Ecs {
        category: String,
        types: Vec<String>,
        os: Option<String>,
    },
    /// `event.module` equals `module` (case-insensitive) and, when set, `event.dataset`
    /// contains `dataset`.
    Module {
        module: String,
        dataset: Option<String>,
    },
    /// Documents of an operating system (`host.os.type`), any kind.
    Os(String),
}

/// What a rule's logsource selects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Guard {
    pub clauses: Vec<Clause>,
}

/// The raw logsource fields, lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogSource {
    pub product: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
}

fn win(channel: &str, codes: &[u32]) -> Clause {
    Clause::Win {
        channel: channel.to_string(),
        codes: codes.to_vec(),
    }
}

fn ecs(category: &str, types: &[&str], os: &str) -> Clause {
    Clause::Ecs {
        category: category.to_string(),
        types: types.iter().map(|t| t.to_string()).collect(),
        os: Some(os.to_string()),
    }
}

/// Windows categories: Sysmon event ids, other channels, and the ECS equivalent.
fn windows_category(cat: &str) -> Option<Vec<Clause>> {
    let sysmon = |codes: &[u32]| win(SYSMON, codes);
    let w = "windows";
    Some(match cat {
        "process_creation" => vec![
            sysmon(&[1]),
            win("Security", &[4688]),
            ecs("process", &["start"], w),
        ],
        "process_termination" => vec![
            sysmon(&[5]),
            win("Security", &[4689]),
            ecs("process", &["end"], w),
        ],
        "network_connection" => vec![sysmon(&[3]), ecs("network", &["connection", "start"], w)],
        "sysmon_status" => vec![sysmon(&[4, 16])],
        "sysmon_error" => vec![sysmon(&[255])],
        "driver_load" => vec![sysmon(&[6]), ecs("driver", &[], w)],
        "image_load" => vec![sysmon(&[7]), ecs("library", &[], w)],
        "create_remote_thread" => vec![sysmon(&[8])],
        "raw_access_thread" => vec![sysmon(&[9])],
        "process_access" => vec![sysmon(&[10])],
        "file_event" => vec![sysmon(&[11]), ecs("file", &["creation"], w)],
        "file_change" => vec![sysmon(&[2]), ecs("file", &["change"], w)],
        "file_rename" => vec![ecs("file", &["change"], w)],
        "file_delete" => vec![sysmon(&[23, 26]), ecs("file", &["deletion"], w)],
        "file_access" => vec![ecs("file", &["access"], w)],
        "file_executable_detected" => vec![sysmon(&[29])],
        "file_block_executable" => vec![sysmon(&[27])],
        "file_block_shredding" => vec![sysmon(&[28])],
        "registry_add" => vec![sysmon(&[12]), ecs("registry", &["creation"], w)],
        "registry_delete" => vec![sysmon(&[12]), ecs("registry", &["deletion"], w)],
        "registry_set" => vec![sysmon(&[13]), ecs("registry", &["change"], w)],
        "registry_rename" => vec![sysmon(&[14])],
        "registry_event" => vec![sysmon(&[12, 13, 14]), ecs("registry", &[], w)],
        "create_stream_hash" => vec![sysmon(&[15])],
        "pipe_created" => vec![sysmon(&[17, 18])],
        "wmi_event" => vec![sysmon(&[19, 20, 21])],
        "dns_query" => vec![sysmon(&[22]), ecs("network", &["protocol"], w)],
        "clipboard_capture" => vec![sysmon(&[24])],
        "process_tampering" => vec![sysmon(&[25])],
        "ps_script" => PS_OPERATIONAL.iter().map(|c| win(c, &[4104])).collect(),
        "ps_module" => PS_OPERATIONAL.iter().map(|c| win(c, &[4103])).collect(),
        "ps_classic_start" => vec![win("Windows PowerShell", &[400])],
        "ps_classic_provider_start" => vec![win("Windows PowerShell", &[600])],
        "ps_classic_script" => vec![win("Windows PowerShell", &[800])],
        "antivirus" => vec![
            win(
                "Microsoft-Windows-Windows Defender/Operational",
                &[
                    1006, 1007, 1008, 1009, 1010, 1011, 1012, 1015, 1116, 1117, 1118, 1119,
                ],
            ),
            ecs("malware", &[], w),
        ],
        _ => return None,
    })
}

/// Windows services: their event log channels.
fn windows_service(service: &str) -> Option<Vec<&'static str>> {
    Some(match service {
        "security" => vec!["Security"],
        "system" => vec!["System"],
        "application" => vec!["Application"],
        "sysmon" => vec![SYSMON],
        "powershell" => PS_OPERATIONAL.to_vec(),
        "powershell-classic" => vec!["Windows PowerShell"],
        "windefend" => vec!["Microsoft-Windows-Windows Defender/Operational"],
        "taskscheduler" => vec!["Microsoft-Windows-TaskScheduler/Operational"],
        "wmi" => vec!["Microsoft-Windows-WMI-Activity/Operational"],
        "dns-server" => vec!["DNS Server"],
        "dns-server-analytic" => vec!["Microsoft-Windows-DNS-Server/Analytical"],
        "dns-client" => vec!["Microsoft-Windows-DNS Client Events/Operational"],
        "bits-client" => vec!["Microsoft-Windows-Bits-Client/Operational"],
        "codeintegrity-operational" => vec!["Microsoft-Windows-CodeIntegrity/Operational"],
        "firewall-as" => vec!["Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"],
        "applocker" => vec![
            "Microsoft-Windows-AppLocker/MSI and Script",
            "Microsoft-Windows-AppLocker/EXE and DLL",
            "Microsoft-Windows-AppLocker/Packaged app-Deployment",
            "Microsoft-Windows-AppLocker/Packaged app-Execution",
        ],
        "msexchange-management" => vec!["MSExchange Management"],
        "appxdeployment-server" => vec!["Microsoft-Windows-AppXDeploymentServer/Operational"],
        "appxpackaging-om" => vec!["Microsoft-Windows-AppxPackaging/Operational"],
        "appmodel-runtime" => vec!["Microsoft-Windows-AppModel-Runtime/Admin"],
        "ntlm" => vec!["Microsoft-Windows-NTLM/Operational"],
        "security-mitigations" => vec![
            "Microsoft-Windows-Security-Mitigations/Kernel Mode",
            "Microsoft-Windows-Security-Mitigations/User Mode",
        ],
        "smbclient-security" => vec!["Microsoft-Windows-SmbClient/Security"],
        "smbclient-connectivity" => vec!["Microsoft-Windows-SmbClient/Connectivity"],
        "smbserver-connectivity" => vec!["Microsoft-Windows-SMBServer/Connectivity"],
        "terminalservices-localsessionmanager" => {
            vec!["Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"]
        }
        "driver-framework" => vec!["Microsoft-Windows-DriverFrameworks-UserMode/Operational"],
        "shell-core" => vec!["Microsoft-Windows-Shell-Core/Operational"],
        "iis-configuration" => vec!["Microsoft-IIS-Configuration/Operational"],
        "ldap" => vec!["Microsoft-Windows-LDAP-Client/Debug"],
        "lsa-server" => vec!["Microsoft-Windows-LSA/Operational"],
        "capi2" => vec!["Microsoft-Windows-CAPI2/Operational"],
        "certificateservicesclient-lifecycle-system" => {
            vec!["Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"]
        }
        "diagnosis-scripted" => vec!["Microsoft-Windows-Diagnosis-Scripted/Operational"],
        "microsoft-servicebus-client" => vec!["Microsoft-ServiceBus-Client"],
        "openssh" => vec!["OpenSSH/Operational"],
        "vhdmp" => vec!["Microsoft-Windows-VHDMP/Operational"],
        "bitlocker" => vec!["Microsoft-Windows-BitLocker/BitLocker Management"],
        "printservice-admin" => vec!["Microsoft-Windows-PrintService/Admin"],
        "printservice-operational" => vec!["Microsoft-Windows-PrintService/Operational"],
        "hyper-v-worker" => vec!["Microsoft-Windows-Hyper-V-Worker"],
        "kernel-shimengine" => vec!["Microsoft-Windows-Kernel-ShimEngine/Operational"],
        "sense" => vec!["Microsoft-Windows-SENSE/Operational"],
        "ntfs" => vec!["Microsoft-Windows-Ntfs/Operational"],
        "wmi-activity" => vec!["Microsoft-Windows-WMI-Activity/Operational"],
        "ocsp" => vec!["Microsoft-Windows-OnlineResponder/Operational"],
        _ => return None,
    })
}

/// Builds the guard of a logsource, or says why it cannot be evaluated here.
pub fn guard_for(ls: &LogSource) -> Result<Guard, String> {
    let product = ls.product.as_deref();
    let category = ls.category.as_deref();
    let service = ls.service.as_deref();
    let mut clauses = Vec::new();
    match (product, category, service) {
        (Some("windows"), Some(cat), _) if windows_category(cat).is_some() => {
            clauses = windows_category(cat).unwrap_or_default();
        }
        (Some("windows"), _, Some(svc)) => match windows_service(svc) {
            Some(channels) => clauses = channels.into_iter().map(|c| win(c, &[])).collect(),
            None => {
                return Err(format!(
                    "no event log channel is known for Windows service '{svc}'; the rule cannot select its events"
                ));
            }
        },
        (Some("windows"), Some(cat), None) => {
            return Err(format!(
                "no event source is known for Windows category '{cat}'"
            ));
        }
        (Some("windows"), None, None) => clauses.push(Clause::AnyWindows),
        (Some(os @ ("linux" | "macos")), Some(cat), _) => {
            let (c, types): (&str, &[&str]) = match cat {
                "process_creation" => ("process", &["start"]),
                "network_connection" => ("network", &[]),
                "file_event" | "file_create" => ("file", &["creation"]),
                "file_delete" => ("file", &["deletion"]),
                "file_change" => ("file", &["change"]),
                other => (other, &[]),
            };
            clauses.push(ecs(c, types, os));
        }
        (Some(os @ ("linux" | "macos")), None, Some(svc)) => {
            clauses.push(Clause::Module {
                module: svc.to_string(),
                dataset: None,
            });
            if os == "linux" && svc == "auditd" {
                clauses.push(Clause::Module {
                    module: "auditd".into(),
                    dataset: None,
                });
            }
            clauses.push(Clause::Module {
                module: "system".into(),
                dataset: Some(svc.to_string()),
            });
        }
        (Some(os @ ("linux" | "macos")), None, None) => clauses.push(Clause::Os(os.to_string())),
        (Some(p), _, svc) => {
            clauses.push(Clause::Module {
                module: p.to_string(),
                dataset: svc.map(str::to_string),
            });
            if p.contains('_') || p.contains('-') {
                clauses.push(Clause::Module {
                    module: p.replace(['_', '-'], ""),
                    dataset: svc.map(str::to_string),
                });
            }
        }
        (None, Some(cat), svc) => {
            let c = match cat {
                "proxy" | "webserver" => "web",
                "firewall" | "dns" => "network",
                other => other,
            };
            clauses.push(Clause::Ecs {
                category: c.to_string(),
                types: vec![],
                os: None,
            });
            if let Some(s) = svc {
                clauses.push(Clause::Module {
                    module: s.to_string(),
                    dataset: None,
                });
            }
        }
        (None, None, Some(svc)) => clauses.push(Clause::Module {
            module: svc.to_string(),
            dataset: None,
        }),
        (None, None, None) => {
            return Err("the logsource names no product, category or service".into());
        }
    }
    Ok(Guard { clauses })
}

/// Whether a stored value (a string, or an array holding strings) equals `want`,
/// ignoring ASCII case.
fn has_value(found: Option<&Value>, want: &str) -> bool {
    match found {
        Some(Value::String(s)) => s.eq_ignore_ascii_case(want),
        Some(Value::Array(items)) => items.iter().any(|i| has_value(Some(i), want)),
        _ => false,
    }
}

impl Clause {
    pub fn matches(&self, f: &DocFacts) -> bool {
        match self {
            Clause::Win { channel, codes } => {
                f.channel.is_some_and(|c| c.eq_ignore_ascii_case(channel))
                    && (codes.is_empty() || f.code.is_some_and(|c| codes.contains(&c)))
            }
            Clause::AnyWindows => f.channel.is_some(),
            Clause::Ecs {
                category,
                types,
                os,
            } => {
                f.channel.is_none()
                    && has_value(f.category, category)
                    && (types.is_empty() || types.iter().any(|t| has_value(f.event_type, t)))
                    && match (os, f.os) {
                        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
                        _ => true,
                    }
            }
            Clause::Module { module, dataset } => {
                module_matches(f, module)
                    && dataset.as_ref().is_none_or(|d| {
                        f.dataset
                            .is_some_and(|have| have.to_ascii_lowercase().contains(d.as_str()))
                    })
            }
            Clause::Os(os) => f.os.is_some_and(|have| have.eq_ignore_ascii_case(os)),
        }
    }
}

/// Elastic integrations name the product in `event.module` and prefix `event.dataset` with
/// it (`aws.cloudtrail`); documents from other shippers often carry only one of the two.
/// Sigma's `m365` product is Elastic's `o365` module.
fn module_matches(f: &DocFacts, module: &str) -> bool {
    module_aliases(&module).iter().any(|m| {
        has_value(f.module, m)
            || f.dataset.is_some_and(|d| {
                d.split('.')
                    .next()
                    .is_some_and(|head| head.eq_ignore_ascii_case(m))
            })
    })
}

/// The `event.module` names (or `event.dataset` heads) a Module clause accepts.
pub fn module_aliases<'a>(module: &'a &'a str) -> &'a [&'a str] {
    match *module {
        "m365" | "o365" => &["m365", "o365"],
        "azure" | "entra" | "entra_id" => &["azure", "entra", "entra_id"],
        _ => std::slice::from_ref(module),
    }
}

impl Guard {
    pub fn matches(&self, f: &DocFacts) -> bool {
        self.clauses.iter().any(|c| c.matches(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ls(p: Option<&str>, c: Option<&str>, s: Option<&str>) -> LogSource {
        LogSource {
            product: p.map(Into::into),
            category: c.map(Into::into),
            service: s.map(Into::into),
        }
    }

    #[test]
    fn process_creation_selects_sysmon_4688_and_ecs() {
        let g = guard_for(&ls(Some("windows"), Some("process_creation"), None)).unwrap();
        let docs = [
            (
                json!({"winlog": {"channel": "microsoft-windows-sysmon/operational"}, "event": {"code": "1"}}),
                true,
            ),
            (
                json!({"winlog": {"channel": "Security"}, "event": {"code": "4688"}}),
                true,
            ),
            (
                json!({"winlog": {"channel": "Security"}, "event": {"code": "4720"}}),
                false,
            ),
            (
                json!({"event": {"category": ["process"], "type": ["start"]}, "host": {"os": {"type": "windows"}}}),
                true,
            ),
            (
                json!({"event": {"category": ["process"], "type": ["start"]}, "host": {"os": {"type": "linux"}}}),
                false,
            ),
            (
                json!({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational"}, "event": {"code": "3"}}),
                false,
            ),
        ];
        for (doc, want) in docs {
            assert_eq!(g.matches(&DocFacts::of(&doc)), want, "{doc}");
        }
    }

    #[test]
    fn services_and_unknowns() {
        let g = guard_for(&ls(Some("windows"), None, Some("security"))).unwrap();
        assert!(g.matches(&DocFacts::of(
            &json!({"winlog": {"channel": "SECURITY"}, "event": {"code": "4720"}})
        )));
        assert!(guard_for(&ls(Some("windows"), None, Some("made-up"))).is_err());
        let aws = guard_for(&ls(Some("aws"), None, Some("cloudtrail"))).unwrap();
        assert!(aws.matches(&DocFacts::of(
            &json!({"event": {"module": "aws", "dataset": "aws.cloudtrail"}})
        )));
    }
}
