//! `annexa catalog [FRAMEWORK]`: the catalogs (built-in and the repository's), or one
//! catalog's requirements.

use std::path::PathBuf;

use serde_json::json;

use crate::engine;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A framework id (e.g. `iso42001:2023`): list its requirements.
    framework: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::ListFormat,
    /// Repository whose `annexa.toml` names extra catalog directories.
    #[arg(long)]
    root: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    let root = super::repository_root(args.root.as_deref()).unwrap_or_else(|| PathBuf::from("."));
    let (ext, _) = match engine::extensions(&root) {
        Ok(x) => x,
        Err(e) => return super::report_config_error(&e),
    };
    let catalogs = &ext.catalogs;
    let Some(framework) = args.framework else {
        let rows: Vec<[String; 4]> = catalogs
            .iter()
            .map(|c| {
                let controls = c
                    .requirements
                    .iter()
                    .filter(|r| r.kind == "control")
                    .count();
                let others = c.requirements.len() - controls;
                [
                    c.framework.clone(),
                    c.title.clone(),
                    controls.to_string(),
                    others.to_string(),
                ]
            })
            .collect();
        match args.format {
            super::ListFormat::Table => {
                print!(
                    "{}",
                    super::table(
                        &["framework", "title", "controls", "other requirements"],
                        &rows
                    )
                )
            }
            super::ListFormat::Json => {
                let v: Vec<_> = catalogs
                    .iter()
                    .zip(&rows)
                    .map(|(c, r)| {
                        let mut entry = edition(c);
                        entry["controls"] = json!(r[2].parse::<usize>().unwrap_or(0));
                        entry["other_requirements"] = json!(r[3].parse::<usize>().unwrap_or(0));
                        entry
                    })
                    .collect();
                let doc = super::versioned(json!({ "catalogs": v }));
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
        }
        return 0;
    };
    let Some(c) = catalogs.get(&framework) else {
        let known: Vec<_> = catalogs.iter().map(|c| c.framework.as_str()).collect();
        return super::usage_error(format!(
            "unknown framework `{framework}`; known: {}",
            known.join(", ")
        ));
    };
    match args.format {
        super::ListFormat::Table => {
            let rows: Vec<[String; 4]> = c
                .requirements
                .iter()
                .map(|r| {
                    [
                        format!("{}/{}", c.framework, r.id),
                        r.kind.clone(),
                        r.group
                            .clone()
                            .or_else(|| r.parent.clone())
                            .unwrap_or_default(),
                        r.title.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                super::table(&["reference", "type", "group", "title"], &rows)
            );
        }
        super::ListFormat::Json => {
            let mut body = edition(c);
            body["groups"] = c
                .groups
                .iter()
                .map(|g| json!({"id": g.id, "title": g.title, "parent": g.parent}))
                .collect();
            body["requirements"] = c.requirements.iter().map(|r| json!({
                "reference": format!("{}/{}", c.framework, r.id),
                "id": r.id, "type": r.kind, "title": r.title, "parent": r.parent, "group": r.group,
            })).collect();
            let v = super::versioned(body);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
    0
}

/// What identifies a catalog's content: its framework, title, the standard's edition (the
/// year after the framework's `:`) and the amendments it includes, and the version of the
/// catalog file format.
fn edition(c: &crate::catalog::Catalog) -> serde_json::Value {
    let edition = c.framework.split_once(':').map(|(_, e)| e);
    json!({
        "framework": c.framework,
        "title": c.title,
        "edition": edition,
        "amendments": c.amendments,
        "format": c.version,
    })
}
