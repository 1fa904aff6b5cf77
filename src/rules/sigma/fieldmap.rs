//! Sigma taxonomy field names mapped onto vigil's stored documents, per source.
//!
//! This is the one mapping table (documented in docs/sigma-field-mapping.md). For a
//! Windows event the source's own EventData name is tried first (with the Security 4688
//! renames), then the ECS field the importer fills; the first path present in the
//! document is the one tested, so Sysmon, 4688, Winlogbeat/ECS and Defender documents
//! all answer the same rule.

use serde_json::Value;

/// Which family of document an event is; decided once per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Channel `Microsoft-Windows-Sysmon/Operational`.
    Sysmon = 0,
    /// Security 4688 process creation (renamed and hexadecimal fields).
    Security4688 = 1,
    /// Any other Windows channel (Security account events, PowerShell, System...).
    WindowsOther = 2,
    /// Documents without `winlog.channel`: Elastic endpoint, Defender, Linux, macOS, cloud.
    Ecs = 3,
}

pub const SOURCE_KINDS: usize = 4;

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocPath {
    Path(String),
    /// `user.domain` + `\` + `user.name` (Sysmon's `User` shape), or the name alone.
    EcsUser,
    /// `SubjectDomainName\SubjectUserName` from EventData (4688's creator account).
    SubjectUser,
    /// `SHA1=..,MD5=..,SHA256=..,IMPHASH=..` rebuilt from `process.hash.*`.
    EcsHashes,
    /// 4688 `MandatoryLabel` SID translated to Sysmon's integrity level names.
    MandatoryLabel,
}

/// A Sigma field with its candidate paths for each source kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    pub per_source: [Vec<DocPath>; SOURCE_KINDS],
}

/// One row of the table. `raw` are EventData names for Windows sources (`None`: the
/// Sigma name itself); `sec4688` overrides them for Security 4688; `ecs` are tried after
/// them, and alone for ECS-only documents. Names starting with `@` are computed values.
struct Row {
    sigma: &'static str,
    raw: Option<&'static [&'static str]>,
    sec4688: Option<&'static [&'static str]>,
    ecs: &'static [&'static str],
}

const fn row(sigma: &'static str, ecs: &'static [&'static str]) -> Row {
    Row {
        sigma,
        raw: None,
        sec4688: None,
        ecs,
    }
}

/// The mapping table. `ed:` is `winlog.event_data.`.
const TABLE: &[Row] = &[
    Row {
        sigma: "Image",
        raw: None,
        sec4688: Some(&["ed:NewProcessName"]),
        ecs: &["process.executable"],
    },
    Row {
        sigma: "ParentImage",
        raw: None,
        sec4688: Some(&["ed:ParentProcessName"]),
        ecs: &["process.parent.executable"],
    },
    row("CommandLine", &["process.command_line"]),
    row("ParentCommandLine", &["process.parent.command_line"]),
    row("OriginalFileName", &["process.pe.original_file_name"]),
    Row {
        sigma: "User",
        raw: None,
        sec4688: Some(&["@subject_user"]),
        ecs: &["@user"],
    },
    Row {
        sigma: "ProcessId",
        raw: None,
        sec4688: Some(&["ed:NewProcessId"]),
        ecs: &["process.pid"],
    },
    Row {
        sigma: "ParentProcessId",
        raw: None,
        sec4688: Some(&["ed:ProcessId"]),
        ecs: &["process.parent.pid"],
    },
    row("ProcessGuid", &["process.entity_id"]),
    row("ParentProcessGuid", &["process.parent.entity_id"]),
    Row {
        sigma: "IntegrityLevel",
        raw: None,
        sec4688: Some(&["@mandatory_label"]),
        ecs: &["process.Ext.token.integrity_level_name"],
    },
    row("Hashes", &["@hashes"]),
    row("CurrentDirectory", &["process.working_directory"]),
    row("Product", &["process.pe.product"]),
    row("Company", &["process.pe.company"]),
    row("Description", &["process.pe.description"]),
    row("FileVersion", &["process.pe.file_version"]),
    Row {
        sigma: "LogonId",
        raw: None,
        sec4688: Some(&["ed:SubjectLogonId"]),
        ecs: &["winlog.logon.id"],
    },
    row("TargetFilename", &["file.path"]),
    row("TargetObject", &["registry.path"]),
    row("Details", &["registry.data.strings"]),
    row("ImageLoaded", &["dll.path", "file.path"]),
    row("DestinationIp", &["destination.ip"]),
    row("DestinationPort", &["destination.port"]),
    row("DestinationHostname", &["destination.domain"]),
    row("SourceIp", &["source.ip"]),
    row("SourcePort", &["source.port"]),
    row("SourceHostname", &["source.domain"]),
    row("Protocol", &["network.transport"]),
    row("QueryName", &["dns.question.name"]),
    row("ScriptBlockText", &["powershell.file.script_block_text"]),
    row("PipeName", &["file.name"]),
    Row {
        sigma: "EventID",
        raw: Some(&["event.code", "winlog.event_id"]),
        sec4688: None,
        ecs: &["event.code"],
    },
    Row {
        sigma: "Channel",
        raw: Some(&["winlog.channel"]),
        sec4688: None,
        ecs: &[],
    },
    Row {
        sigma: "Provider_Name",
        raw: Some(&["winlog.provider_name", "event.provider"]),
        sec4688: None,
        ecs: &["event.provider"],
    },
    Row {
        sigma: "Computer",
        raw: Some(&["winlog.computer_name"]),
        sec4688: None,
        ecs: &["host.name"],
    },
    Row {
        sigma: "ComputerName",
        raw: Some(&["winlog.computer_name"]),
        sec4688: None,
        ecs: &["host.name"],
    },
    row("SubjectUserName", &["user.name"]),
    row("SubjectDomainName", &["user.domain"]),
    row("SubjectUserSid", &["user.id"]),
    row("TargetUserName", &["user.target.name"]),
    row("TargetDomainName", &["user.target.domain"]),
    row("TargetSid", &["user.target.id"]),
    row("MemberSid", &["user.target.id"]),
];

fn resolve(spec: &str, sigma: &str) -> DocPath {
    match spec {
        "@user" => DocPath::EcsUser,
        "@subject_user" => DocPath::SubjectUser,
        "@hashes" => DocPath::EcsHashes,
        "@mandatory_label" => DocPath::MandatoryLabel,
        "ed:" => DocPath::Path(format!("winlog.event_data.{sigma}")),
        s => match s.strip_prefix("ed:") {
            Some(name) => DocPath::Path(format!("winlog.event_data.{name}")),
            None => DocPath::Path(s.to_string()),
        },
    }
}

/// Maps one Sigma field name.
pub fn map_field(name: &str) -> FieldRef {
    let row = TABLE.iter().find(|r| r.sigma == name);
    let raw_default: Vec<DocPath> = {
        let mut v = vec![DocPath::Path(format!("winlog.event_data.{name}"))];
        if name.contains('.') {
            v.push(DocPath::Path(name.to_string()));
        }
        v
    };
    let Some(row) = row else {
        let ecs = vec![
            DocPath::Path(name.to_string()),
            DocPath::Path(format!("winlog.event_data.{name}")),
        ];
        return FieldRef {
            name: name.to_string(),
            per_source: [raw_default.clone(), raw_default.clone(), raw_default, ecs],
        };
    };
    let ecs: Vec<DocPath> = row.ecs.iter().map(|s| resolve(s, name)).collect();
    let raw: Vec<DocPath> = match row.raw {
        Some(list) => list.iter().map(|s| resolve(s, name)).collect(),
        None => raw_default,
    };
    let with_ecs = |mut v: Vec<DocPath>| {
        for p in &ecs {
            if !v.contains(p) {
                v.push(p.clone());
            }
        }
        v
    };
    let sec = match row.sec4688 {
        Some(list) => list.iter().map(|s| resolve(s, name)).collect(),
        None => raw.clone(),
    };
    let ecs_only = if ecs.is_empty() {
        raw.clone()
    } else {
        ecs.clone()
    };
    FieldRef {
        name: name.to_string(),
        per_source: [
            with_ecs(raw.clone()),
            with_ecs(sec),
            with_ecs(raw),
            ecs_only,
        ],
    }
}

/// Decides the source kind of a document.
pub fn source_kind(doc: &Value, channel: Option<&str>, code: Option<u32>) -> SourceKind {
    let _ = doc;
    match channel {
        None => SourceKind::Ecs,
        Some(c) if c.eq_ignore_ascii_case("Microsoft-Windows-Sysmon/Operational") => {
            SourceKind::Sysmon
        }
        Some(c) if c.eq_ignore_ascii_case("Security") && code == Some(4688) => {
            SourceKind::Security4688
        }
        Some(_) => SourceKind::WindowsOther,
    }
}

/// Markdown rendering of the table, kept next to the code it documents.
pub fn table_markdown() -> String {
    let mut out = String::from(
        "| Sigma field | Sysmon / other Windows (EventData, then ECS) | Security 4688 | ECS-only documents (Elastic endpoint, Defender, Linux, macOS) |\n|---|---|---|---|\n",
    );
    let render = |paths: &[DocPath]| {
        paths
            .iter()
            .map(|p| match p {
                DocPath::Path(s) => format!("`{s}`"),
                DocPath::EcsUser => "`user.domain`\\\\`user.name`".to_string(),
                DocPath::SubjectUser => "`SubjectDomainName`\\\\`SubjectUserName`".to_string(),
                DocPath::EcsHashes => "`SHA1=..,MD5=..` from `process.hash.*`".to_string(),
                DocPath::MandatoryLabel => {
                    "`MandatoryLabel` SID as Low/Medium/High/System".to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for r in TABLE {
        let f = map_field(r.sigma);
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.sigma,
            render(&f.per_source[0]),
            render(&f.per_source[1]),
            render(&f.per_source[3])
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DocPath {
        DocPath::Path(s.into())
    }

    #[test]
    fn image_per_source() {
        let f = map_field("Image");
        assert_eq!(
            f.per_source[0],
            vec![p("winlog.event_data.Image"), p("process.executable")]
        );
        assert_eq!(
            f.per_source[1],
            vec![
                p("winlog.event_data.NewProcessName"),
                p("process.executable")
            ]
        );
        assert_eq!(f.per_source[3], vec![p("process.executable")]);
    }

    #[test]
    fn parent_process_id_in_4688_is_the_creator() {
        let f = map_field("ParentProcessId");
        assert_eq!(f.per_source[1][0], p("winlog.event_data.ProcessId"));
        assert_eq!(
            map_field("ProcessId").per_source[1][0],
            p("winlog.event_data.NewProcessId")
        );
    }

    #[test]
    fn unknown_fields_use_event_data_then_the_name() {
        let f = map_field("GrantedAccess");
        assert_eq!(f.per_source[0], vec![p("winlog.event_data.GrantedAccess")]);
        assert_eq!(f.per_source[3][0], p("GrantedAccess"));
        let dotted = map_field("process.name");
        assert!(dotted.per_source[0].contains(&p("process.name")));
    }
}

#[cfg(test)]
mod doc_tests {
    /// docs/sigma-field-mapping.md embeds this table; keep them in step.
    #[test]
    fn documented_table_is_current() {
        let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sigma-field-mapping.md");
        let doc = std::fs::read_to_string(doc_path).unwrap_or_default();
        assert!(
            doc.contains(&super::table_markdown()),
            "regenerate the table in docs/sigma-field-mapping.md"
        );
    }
}
