//! The built-in catalogs agree exactly with the verified reference data (ids and short titles
//! of clauses, Annex A groups and controls) kept in `tests/data/reference/`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

fn reference(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/reference")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn pairs(v: &Value, key: &str) -> BTreeMap<String, String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check(file: &str, framework: &str, clauses: usize, controls: usize) {
    let r = reference(file);
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    let c = catalogs.get(framework).expect("built-in catalog");
    let of_type = |t: &str| -> BTreeMap<String, String> {
        c.requirements
            .iter()
            .filter(|q| q.kind == t)
            .map(|q| (q.id.clone(), q.title.clone()))
            .collect()
    };
    assert_eq!(
        of_type("clause"),
        pairs(&r, "clauses"),
        "{framework} clauses"
    );
    assert_eq!(
        of_type("control"),
        pairs(&r, "controls"),
        "{framework} Annex A controls"
    );
    let groups: BTreeMap<String, String> = c
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    assert_eq!(groups, pairs(&r, "groups"), "{framework} Annex A groups");
    assert_eq!(of_type("clause").len(), clauses);
    assert_eq!(of_type("control").len(), controls);
    // Every control belongs to a group of the catalog.
    for q in c.requirements.iter().filter(|q| q.kind == "control") {
        let g = q.group.as_deref().unwrap_or_default();
        assert!(groups.contains_key(g), "{} has unknown group {g:?}", q.id);
    }
}

#[test]
fn iso27001_catalog_matches_the_reference() {
    check("iso27001-2022.json", "iso27001:2022", 41, 93);
    let c = annexa::catalog::builtin()
        .as_ref()
        .unwrap()
        .get("iso27001:2022")
        .unwrap();
    let per_theme = |t: &str| {
        c.requirements
            .iter()
            .filter(|q| q.group.as_deref() == Some(t))
            .count()
    };
    assert_eq!(
        [
            per_theme("A.5"),
            per_theme("A.6"),
            per_theme("A.7"),
            per_theme("A.8")
        ],
        [37, 8, 14, 34]
    );
    assert!(
        c.amendments.iter().any(|a| a.contains("amd1:2024")),
        "{:?}",
        c.amendments
    );
}

#[test]
fn iso42001_catalog_matches_the_reference() {
    check("iso42001-2023.json", "iso42001:2023", 43, 38);
    let c = annexa::catalog::builtin()
        .as_ref()
        .unwrap()
        .get("iso42001:2023")
        .unwrap();
    // Numbering starts at .2 in every domain: no A.x.1 control.
    assert!(
        c.requirements
            .iter()
            .filter(|q| q.kind == "control")
            .all(|q| !q.id.ends_with(".1"))
    );
}

/// The rows `(2013 id, 2013 title, 2022 ids)` of a correspondence file.
fn correspondence_rows(path: &Path, title_key: &str) -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = annexa::yaml::load(&text, &annexa::yaml::Limits::default());
    assert!(
        loaded.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        loaded.errors
    );
    let doc = &loaded.documents[0].value;
    doc["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let new = m["new"].as_array().unwrap();
            (
                m["old"].as_str().unwrap().to_string(),
                m[title_key].as_str().unwrap().to_string(),
                new.iter()
                    .map(|n| n.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_2013_to_2022_correspondence_matches_the_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = correspondence_rows(
        &root.join("rules/mappings/iso27001-2013-to-2022.yaml"),
        "title",
    );
    let reference = correspondence_rows(
        &root.join("tests/data/reference/iso27001-2013-to-2022.yaml"),
        "title_2013",
    );
    assert_eq!(shipped, reference);
    assert_eq!(shipped.len(), 114);
    // Every 2022 id is a control of the built-in catalog.
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    for (old, _, new) in &shipped {
        for n in new {
            let reference = format!("iso27001:2022/{n}");
            let (_, r) = catalogs
                .requirement(&reference)
                .unwrap_or_else(|| panic!("{old} → {n}"));
            assert_eq!(r.kind, "control", "{old} → {n}");
        }
    }
}

/// A YAML reference file of `tests/data/reference/`.
fn yaml_reference(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/reference")
        .join(name);
    let text = std::fs::read_to_string(p).unwrap();
    let loaded = annexa::yaml::load(&text, &annexa::yaml::Limits::default());
    assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
    loaded.documents[0].value.clone()
}

fn builtin(framework: &str) -> &'static annexa::catalog::Catalog {
    annexa::catalog::builtin()
        .as_ref()
        .unwrap()
        .get(framework)
        .expect("built-in catalog")
}

/// A catalog's groups: id → (title, parent).
fn groups_of(c: &annexa::catalog::Catalog) -> BTreeMap<String, (String, Option<String>)> {
    c.groups
        .iter()
        .map(|g| (g.id.clone(), (g.title.clone(), g.parent.clone())))
        .collect()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[test]
fn nist_ai_rmf_catalog_matches_the_reference() {
    let r = yaml_reference("nist-ai-rmf-1.0.yaml");
    let c = builtin("nist-ai-rmf:1.0");
    // NIST writes "GOVERN 1.1"; a requirement id has no space: `GOVERN-1.1`.
    let id = |v: &Value| s(v).replace(' ', "-");
    let (mut groups, mut requirements) = (BTreeMap::new(), BTreeMap::new());
    for f in r["functions"].as_array().unwrap() {
        groups.insert(id(&f["id"]), (s(&f["summary"]), None));
        for k in f["categories"].as_array().unwrap() {
            groups.insert(id(&k["id"]), (s(&k["summary"]), Some(id(&f["id"]))));
            for sub in k["subcategories"].as_array().unwrap() {
                requirements.insert(id(&sub["id"]), (s(&sub["summary"]), id(&k["id"])));
            }
        }
    }
    assert_eq!(groups_of(c), groups);
    let shipped: BTreeMap<_, _> = c
        .requirements
        .iter()
        .map(|q| {
            assert_eq!(q.kind, "requirement", "{}", q.id);
            (
                q.id.clone(),
                (q.title.clone(), q.group.clone().unwrap_or_default()),
            )
        })
        .collect();
    assert_eq!(shipped, requirements);
    let functions = groups.values().filter(|(_, p)| p.is_none()).count();
    assert_eq!(
        (functions, groups.len() - functions, requirements.len()),
        (4, 19, 72)
    );
}

#[test]
fn eu_ai_act_catalog_matches_the_reference() {
    let r = yaml_reference("eu-ai-act-2024-1689.yaml");
    let c = builtin("eu-ai-act:2024");
    let mut groups = BTreeMap::new();
    for ch in r["regulation"]["chapters"].as_array().unwrap() {
        groups.insert(s(&ch["id"]), (s(&ch["title"]), None));
        for sec in ch["sections"].as_array().into_iter().flatten() {
            groups.insert(
                format!("{}.{}", s(&ch["id"]), s(&sec["id"])),
                (s(&sec["title"]), Some(s(&ch["id"]))),
            );
        }
    }
    assert_eq!(groups_of(c), groups);
    let articles: BTreeMap<_, _> = r["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let group = match a["section"].as_str() {
                Some(sec) => format!("{}.{sec}", s(&a["chapter"])),
                None => s(&a["chapter"]),
            };
            (
                format!("Art.{}", a["article"]),
                (
                    s(&a["title"]),
                    group,
                    a["binds"].as_str().map(str::to_string),
                ),
            )
        })
        .collect();
    let shipped: BTreeMap<_, _> = c
        .requirements
        .iter()
        .map(|q| {
            assert_eq!(q.kind, "article", "{}", q.id);
            (
                q.id.clone(),
                (
                    q.title.clone(),
                    q.group.clone().unwrap_or_default(),
                    q.binds.clone(),
                ),
            )
        })
        .collect();
    assert_eq!(shipped, articles);
    assert_eq!((groups.len(), shipped.len()), (13 + 9, 37));
}

mod common;

#[test]
fn a_user_catalog_of_a_built_in_framework_is_an_error_at_its_framework() {
    for framework in ["eu-ai-act:2024", "nist-ai-rmf:1.0", "iso27001:2022"] {
        let dir = common::repo(&[
            ("annexa.toml", "[catalogs]\npaths = [\"catalogs\"]\n"),
            (
                "catalogs/mine.yaml",
                &format!(
                    "annexa-catalog: v1\ntitle: Mine\nframework: {framework}\nrequirements:\n  - {{ id: \"Art.9\", type: article, title: Risk }}\n"
                ),
            ),
        ]);
        let o = annexa::engine::run(&annexa::engine::Options::new(dir.path().to_path_buf()))
            .expect("configuration loads");
        let d = o
            .diagnostics
            .iter()
            .find(|d| d.code == "CAT001")
            .unwrap_or_else(|| panic!("{framework}: {:#?}", o.diagnostics));
        assert_eq!(d.file(), Some("catalogs/mine.yaml"));
        assert_eq!(
            common::line(&o, d),
            3,
            "{framework}: at the framework value"
        );
        assert!(d.message.contains("built-in"), "{}", d.message);
        // Not merged: the built-in catalog is the run's, unchanged.
        let c = o.catalogs.get(framework).unwrap();
        assert_ne!(c.title, "Mine");
    }
}

#[test]
fn the_ai_rmf_to_iso42001_crosswalk_matches_the_reference() {
    let r = yaml_reference("crosswalk-nist-ai-rmf-iso42001.yaml");
    let reference: Vec<(String, Vec<String>)> = r["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                s(&l["rmf"]).replace(' ', "-"),
                l["iso42001"].as_array().unwrap().iter().map(s).collect(),
            )
        })
        .collect();
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    let c = &catalogs.crosswalks()[0];
    assert_eq!(
        (c.from.as_str(), c.to.as_str()),
        ("nist-ai-rmf:1.0", "iso42001:2023")
    );
    let shipped: Vec<(String, Vec<String>)> = c
        .links
        .iter()
        .map(|l| (l.from.clone(), l.to.clone()))
        .collect();
    assert_eq!(shipped, reference);
    assert_eq!(c.pairs().count(), 280);
    // The document states no relationship types: every link is only "related".
    assert!(
        c.pairs()
            .all(|p| p.relationship == annexa::crosswalk::Relationship::Related)
    );
    // Every link names requirements of the built-in catalogs.
    assert_eq!(
        c.unknown(|r| catalogs.requirement(r).is_some()),
        Vec::<String>::new()
    );
}

/// An SoA entry still written with a 2013 id: SOA002 at it names the 2022 control it became,
/// SOA001 reports that control missing, the two are related both ways, and no rule about
/// entries reports the unknown id a third time.
#[test]
fn a_2013_entry_and_the_missing_2022_control_are_related() {
    let (_tmp, root) = common::fixture_copy("example-org");
    let soa = root.join("soa.yaml");
    let text = std::fs::read_to_string(&soa).unwrap();
    let text = text.replacen(
        "  - control: iso27001:2022/A.8.2\n",
        "  - control: iso27001:2022/A.9.2.3\n",
        1,
    );
    std::fs::write(&soa, text).unwrap();
    let o = common::check(&root);
    let about: Vec<&annexa::diagnostic::Diagnostic> = o
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("A.9.2.3") || d.message.contains("A.8.2`"))
        .collect();
    let codes: Vec<&str> = about.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["SOA001", "SOA002"], "{about:#?}");
    let (missing, unknown) = (about[0], about[1]);
    assert!(
        unknown
            .help
            .as_deref()
            .unwrap()
            .contains("`iso27001:2022/A.8.2` (Privileged access rights)"),
        "{unknown:#?}"
    );
    assert_eq!(unknown.related.len(), 1, "{unknown:#?}");
    assert_eq!(
        unknown.related[0].location,
        missing.location.clone().unwrap()
    );
    assert!(unknown.related[0].message.contains("(SOA001)"));
    assert_eq!(missing.related.len(), 1, "{missing:#?}");
    assert_eq!(
        missing.related[0].location,
        unknown.location.clone().unwrap()
    );
    assert!(missing.related[0].message.contains("(SOA002)"));
}

/// A report built on a run that a catalog stopped is written, says it is incomplete, and
/// exits 2, as `annexa check` does.
#[test]
fn reports_of_an_incomplete_run_are_written_and_exit_2() {
    let (_tmp, root) = common::fixture_copy("example-org");
    let toml = std::fs::read_to_string(root.join("annexa.toml")).unwrap();
    std::fs::write(
        root.join("annexa.toml"),
        format!("{toml}\n[catalogs]\npaths = [\"catalogs-extra\"]\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("catalogs-extra")).unwrap();
    std::fs::write(
        root.join("catalogs-extra/nist.yaml"),
        "annexa-catalog: v1\ntitle: Mine\nframework: nist-ai-rmf:1.0\nrequirements:\n  - { id: \"X\", type: article, title: X }\n",
    )
    .unwrap();
    for command in [
        &["coverage", "--format", "json"][..],
        &["soa", "--format", "csv"],
        &["due", "--format", "json"],
        &["oscal", "assessment-results"],
    ] {
        let mut args: Vec<&std::ffi::OsStr> = command.iter().map(std::ffi::OsStr::new).collect();
        args.push(std::ffi::OsStr::new("--today=2026-11-22"));
        args.push(root.as_os_str());
        let o = common::annexa(&args);
        assert_eq!(o.status.code(), Some(2), "{command:?}");
        assert!(!o.stdout.is_empty(), "{command:?}: the report is written");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("is incomplete") && err.contains("CAT001"),
            "{command:?}: {err}"
        );
    }
}
