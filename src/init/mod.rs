//! `annexa init`: the files of a working integrated-IMS repository for ISO/IEC 27001:2022
//! and ISO/IEC 42001:2023.
//!
//! [`scaffold`] is pure: it returns the files (path and contents) for a given day, so that
//! every date in them is recent enough for `annexa check` to pass on the fresh result. The
//! command (`cli::init`) refuses to overwrite and writes them atomically.

pub(crate) mod schemas;
mod soa;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::catalog::Catalogs;

/// One file to create: its path relative to the target directory, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct File {
    pub path: String,
    pub contents: String,
}

/// The templates, by the path they are written to. `@TODAY@`, `@IN_3MO@`, `@IN_6MO@`,
/// `@IN_12MO@`, `@YEAR@` and `@VERSION@` are filled in; the SoA is generated from the catalogs.
const TEMPLATES: &[(&str, &str)] = &[
    ("annexa.toml", include_str!("templates/annexa.toml")),
    ("scope.yaml", include_str!("templates/scope.yaml")),
    (
        "controls/access-control.yaml",
        include_str!("templates/control-access.yaml"),
    ),
    (
        "controls/supplier-management.yaml",
        include_str!("templates/control-suppliers.yaml"),
    ),
    (
        "controls/ai-impact-assessment.yaml",
        include_str!("templates/control-ai-impact.yaml"),
    ),
    (
        "controls/backup.yaml",
        include_str!("templates/control-backup.yaml"),
    ),
    (
        "controls/vulnerability-management.yaml",
        include_str!("templates/control-vulnerabilities.yaml"),
    ),
    (
        "controls/ai-monitoring.yaml",
        include_str!("templates/control-ai-monitoring.yaml"),
    ),
    ("risks/register.yaml", include_str!("templates/risks.yaml")),
    (
        "ai-systems/example-ai-system.yaml",
        include_str!("templates/ai-system.yaml"),
    ),
    (
        "impact-assessments/example-ai-system.md",
        include_str!("templates/impact-assessment.md"),
    ),
    (
        "policies/information-security-policy.md",
        include_str!("templates/policy-infosec.md"),
    ),
    (
        "policies/ai-policy.md",
        include_str!("templates/policy-ai.md"),
    ),
    (
        "policies/objectives.md",
        include_str!("templates/objectives.md"),
    ),
    (
        "objectives/objectives.yaml",
        include_str!("templates/objective.yaml"),
    ),
    (
        "procedures/risk-assessment.md",
        include_str!("templates/procedure-risk-assessment.md"),
    ),
    (
        "procedures/risk-treatment.md",
        include_str!("templates/procedure-risk-treatment.md"),
    ),
    (
        "procedures/ai-impact-assessment.md",
        include_str!("templates/procedure-ai-impact-assessment.md"),
    ),
    (
        "procedures/competence.md",
        include_str!("templates/procedure-competence.md"),
    ),
    (
        "procedures/internal-audit.md",
        include_str!("templates/procedure-internal-audit.md"),
    ),
    (
        "procedures/corrective-action.md",
        include_str!("templates/procedure-corrective-action.md"),
    ),
    (
        "evidence/records.yaml",
        include_str!("templates/evidence.yaml"),
    ),
    (
        "evidence/files/access-review-example.md",
        include_str!("templates/evidence-file.md"),
    ),
    (
        "audits/internal-audit-@YEAR@.yaml",
        include_str!("templates/internal-audit.yaml"),
    ),
    (
        "reviews/management-review-@YEAR@.yaml",
        include_str!("templates/management-review.yaml"),
    ),
    (
        "nonconformities/nc-@YEAR@-01.yaml",
        include_str!("templates/nonconformity.yaml"),
    ),
    (
        "suppliers/model-provider.yaml",
        include_str!("templates/supplier.yaml"),
    ),
    (
        ".pre-commit-config.yaml",
        include_str!("templates/pre-commit-config.yaml"),
    ),
    (
        ".github/workflows/annexa.yml",
        include_str!("templates/workflow.yml"),
    ),
];

/// The built-in frameworks `annexa init --frameworks` can add beside the two ISO standards,
/// with what each adds to the scaffold so that it still checks clean: claims of the template
/// controls (`path`, requirements) and whole files.
const OPTIONAL: &[Optional] = &[
    Optional {
        framework: "eu-ai-act:2024",
        claims: &[(
            "controls/ai-impact-assessment.yaml",
            // Screening each system against the prohibited practices is part of its assessment.
            &["eu-ai-act:2024/Art.5"],
        )],
        files: &[(
            "controls/ai-literacy.yaml",
            include_str!("templates/control-ai-literacy.yaml"),
        )],
    },
    Optional {
        framework: "nist-ai-rmf:1.0",
        claims: &[
            (
                "controls/ai-impact-assessment.yaml",
                &["nist-ai-rmf:1.0/MAP-1.1"],
            ),
            (
                "controls/ai-monitoring.yaml",
                &["nist-ai-rmf:1.0/MEASURE-2.4"],
            ),
            (
                "controls/supplier-management.yaml",
                &["nist-ai-rmf:1.0/GOVERN-6.1", "nist-ai-rmf:1.0/MANAGE-3.1"],
            ),
        ],
        files: &[],
    },
];

/// A framework `--frameworks` may add, and what it adds to the scaffold.
struct Optional {
    framework: &'static str,
    claims: &'static [(&'static str, &'static [&'static str])],
    files: &'static [(&'static str, &'static str)],
}

/// The frameworks `annexa init --frameworks` accepts beside the two ISO standards.
pub(crate) fn optional_frameworks() -> Vec<&'static str> {
    OPTIONAL.iter().map(|o| o.framework).collect()
}

/// Adds `o` to the scaffold: the framework in the scope, its claims in the controls' `satisfies`
/// lists (as their first items), its files.
fn add_framework(files: &mut Vec<File>, o: &Optional) {
    for f in files.iter_mut() {
        if f.path == "scope.yaml" {
            f.contents = f.contents.replacen(
                "  - id: iso42001:2023\n",
                &format!("  - id: iso42001:2023\n  - id: {}\n", o.framework),
                1,
            );
        }
        for (path, refs) in o.claims {
            if f.path == *path {
                let items: String = refs.iter().map(|r| format!("  - {r}\n")).collect();
                f.contents =
                    f.contents
                        .replacen("satisfies:\n", &format!("satisfies:\n{items}"), 1);
            }
        }
    }
    let at = files
        .iter()
        .rposition(|f| f.path.starts_with("controls/"))
        .map_or(files.len(), |i| i + 1);
    for (i, (path, text)) in o.files.iter().enumerate() {
        files.insert(
            at + i,
            File {
                path: path.to_string(),
                contents: text.to_string(),
            },
        );
    }
}

/// Where the Statement of Applicability goes.
pub(crate) const SOA_PATH: &str = "soa.yaml";

/// Every file of a new repository as of `today`, for annexa `version`, in the order they are
/// listed to the user. The Statement of Applicability lists every Annex A control of the
/// ISO/IEC 27001:2022 and ISO/IEC 42001:2023 catalogs.
pub(crate) fn scaffold(
    today: Date,
    version: &str,
    catalogs: &Catalogs,
    frameworks: &[String],
) -> Result<Vec<File>, String> {
    let mut extra: Vec<&Optional> = Vec::new();
    for id in frameworks {
        if matches!(id.as_str(), "iso27001:2022" | "iso42001:2023") {
            continue; // always in scope
        }
        let Some(o) = OPTIONAL.iter().find(|o| o.framework == id) else {
            return Err(format!(
                "`--frameworks`: `{id}` is not a framework annexa init can add (it adds {}; \
                 ISO/IEC 27001:2022 and ISO/IEC 42001:2023 are always in scope)",
                optional_frameworks().join(", ")
            ));
        };
        if !extra.iter().any(|x| x.framework == o.framework) {
            extra.push(o);
        }
    }
    let fill = |s: &str| -> String {
        let later = |months: i32| {
            today
                .checked_add(months.months())
                .unwrap_or(today)
                .to_string()
        };
        s.replace("@TODAY@", &today.to_string())
            .replace("@IN_3MO@", &later(3))
            .replace("@IN_6MO@", &later(6))
            .replace("@IN_12MO@", &later(12))
            .replace("@YEAR@", &today.year().to_string())
            .replace("@VERSION@", version)
    };
    let mut files: Vec<File> = TEMPLATES
        .iter()
        .map(|(path, text)| File {
            path: fill(path),
            contents: fill(text),
        })
        .collect();
    // Each is inserted right after ISO/IEC 42001 in the scope: the last first keeps the order given.
    for o in extra.iter().rev() {
        add_framework(&mut files, o);
    }
    let implemented_by = soa::implementing_controls(
        files
            .iter()
            .filter(|f| f.path.starts_with("controls/"))
            .map(|f| f.contents.as_str()),
    );
    let soa = soa::statement_of_applicability(catalogs, &implemented_by)?;
    files.insert(
        2,
        File {
            path: SOA_PATH.to_string(),
            contents: fill(&soa),
        },
    );
    editor_support(&mut files);
    Ok(files)
}

/// What makes yaml-language-server validate and complete every artifact (`docs/editors.md`):
/// the schemas in `.annexa/schemas/`, a modeline at the top of each YAML file of artifacts
/// (any editor), and `yaml.schemas` in `.vscode/settings.json` mapping those files to the
/// schema that dispatches on `kind` (VS Code, when the repository is the folder opened).
fn editor_support(files: &mut Vec<File>) {
    let dispatch = format!("{}/{}", schemas::DIR, schemas::file_name(schemas::DISPATCH));
    let mut globs: Vec<String> = Vec::new();
    for f in files.iter_mut().filter(|f| holds_artifacts(&f.path)) {
        let depth = f.path.matches('/').count();
        let up = if depth == 0 {
            "./".to_string()
        } else {
            "../".repeat(depth)
        };
        f.contents = format!(
            "# yaml-language-server: $schema={up}{dispatch}\n{}",
            f.contents
        );
        let glob = match f.path.split_once('/') {
            Some((dir, _)) => format!("{dir}/**/*.yaml"),
            None => f.path.clone(),
        };
        if !globs.contains(&glob) {
            globs.push(glob);
        }
    }
    let settings = serde_json::json!({ "yaml.schemas": { format!("./{dispatch}"): globs } });
    let mut settings = serde_json::to_string_pretty(&settings).unwrap_or_default();
    settings.push('\n');
    files.extend(schemas::all().into_iter().map(|(name, text)| File {
        path: format!("{}/{}", schemas::DIR, schemas::file_name(name)),
        contents: text.to_string(),
    }));
    files.push(File {
        path: ".vscode/settings.json".to_string(),
        contents: settings,
    });
}

/// A YAML file of artifacts (not a tool's configuration, which lives in hidden folders).
fn holds_artifacts(path: &str) -> bool {
    path.ends_with(".yaml") && !path.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<File> {
        let catalogs = crate::catalog::builtin().as_ref().unwrap();
        scaffold("2026-11-22".parse().unwrap(), "9.9.9", catalogs, &[]).unwrap()
    }

    #[test]
    fn every_placeholder_is_filled() {
        for f in files() {
            for p in [
                "@TODAY@",
                "@IN_3MO@",
                "@IN_6MO@",
                "@IN_12MO@",
                "@YEAR@",
                "@VERSION@",
            ] {
                assert!(!f.contents.contains(p), "{} in {}", p, f.path);
                assert!(!f.path.contains(p), "{} in {}", p, f.path);
            }
        }
    }

    #[test]
    fn dates_and_versions_are_relative() {
        let files = files();
        let find = |p: &str| files.iter().find(|f| f.path == p).unwrap();
        assert!(
            find("reviews/management-review-2026.yaml")
                .contents
                .contains("held_on: 2026-11-22")
        );
        assert!(
            find("risks/register.yaml")
                .contents
                .contains("next_review: 2027-05-22")
        );
        assert!(
            find(".pre-commit-config.yaml")
                .contents
                .contains("rev: v9.9.9")
        );
    }
}
