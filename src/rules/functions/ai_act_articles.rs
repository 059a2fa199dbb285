//! `ai_act_articles`: every EU AI Act article that applies to an AI system is claimed by a
//! control.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::ai_act;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, values_at};
use crate::rules::path::FieldPath;

/// Every article of `eu-ai-act:2024` that the AI system's risk classification and roles make
/// apply is named in the `satisfies` of some control.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AiActArticles {
    /// The field holding the risk classification (`prohibited`, `high-risk`, `limited`, `minimal`).
    classification: Path,
    /// The field holding the AI roles the organisation plays for the system.
    roles: Path,
}

impl Function for AiActArticles {
    const TITLE: &'static str = "every applicable EU AI Act article is claimed by a control";
    const EXAMPLE: &'static str = r#"kinds: [ai-system]
when: [{ framework_in_scope: eu-ai-act:2024 }]
assert:
  - ai_act_articles: { classification: risk_classification, roles: ai_roles }
"#;
    const DOCS: &'static str = "\
The articles that apply come from `rules/mappings/eu-ai-act-2024-applicability.yaml` (which
articles each risk class brings in, and which AI roles are the Act's provider and deployer) and
from whom each article binds (`binds` in the `eu-ai-act:2024` catalog). An article applies when
the class lists it and the organisation plays a role it binds. One finding per applicable
article that no control names in `satisfies`, reported once: at the classification of the first
AI system (in file order) it applies to. Nothing is reported when the classification is missing
or not one of the classes, or when the `eu-ai-act:2024` catalog is not loaded.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("article", "the article, e.g. `eu-ai-act:2024/Art.9`"),
        ("title", "its heading"),
        ("binds", "whom it binds: `provider`, `deployer` or `both`"),
        ("act_roles", "the Act's roles the organisation plays for the system"),
    ];

    type Compiled = AiActArticlesCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<AiActArticlesCheck> {
        Ok(AiActArticlesCheck {
            classification: self.classification.compile(&at.arg("classification"))?,
            roles: self.roles.compile(&at.arg("roles"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct AiActArticlesCheck {
    classification: FieldPath,
    roles: FieldPath,
}

impl Check for AiActArticlesCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let (Some(table), Some(catalog)) = (ai_act::table(), env.catalogs.get(ai_act::FRAMEWORK))
        else {
            return Vec::new();
        };
        let Some((pointer, value)) = values_at(&self.classification, s).next() else {
            return Vec::new();
        };
        let Some(class) = value.as_str() else {
            return Vec::new();
        };
        let ai_roles: Vec<&str> = values_at(&self.roles, s)
            .flat_map(|(_, v)| match v {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                v => v.as_str().into_iter().collect::<Vec<_>>(),
            })
            .collect();
        let roles = ai_act::act_roles(table, &ai_roles);
        let claimed = |reference: &str| {
            env.model
                .views()
                .controls
                .iter()
                .any(|c| c.satisfies.contains(&reference))
        };
        ai_act::applicable(table, catalog, class, &roles)
            .into_iter()
            .filter_map(|article| {
                let reference = format!("{}/{}", ai_act::FRAMEWORK, article.id);
                if claimed(&reference) || seen((reference.as_str(), &pointer), false).is_some() {
                    return None;
                }
                let mut f = Failure::at(
                    pointer.clone(),
                    Some(value),
                    format!("`{reference}` applies; no control claims it"),
                )
                .var("title", article.title.clone())
                .var("binds", article.binds.clone().unwrap_or_default())
                .var("act_roles", roles.join(", "));
                f.entity = Some(reference.clone());
                Some(f.var("article", reference))
            })
            .collect()
    }

    fn needs_every_subject(&self) -> bool {
        true
    }
}
