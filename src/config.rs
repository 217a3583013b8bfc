//! `briefing.toml`: the site's settings as a typed [`Config`].
//!
//! Unknown keys are errors, like everywhere else in the authoring format. This
//! module does not walk `content/` and knows nothing of templates.

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

/// The site settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub dek: Option<String>,
    pub date: Option<Datetime>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
}

/// One work the briefing is based on (`[[sources]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: Spanned<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<Datetime>,
    pub url: Option<String>,
}

impl Config {
    pub fn language(&self) -> &str {
        self.language.as_deref().unwrap_or("en")
    }

    /// `base_url` with exactly one trailing slash, if set and non-empty.
    pub fn base_url(&self) -> Option<String> {
        let url = self.base_url.as_deref()?.trim();
        (!url.is_empty()).then(|| format!("{}/", url.trim_end_matches('/')))
    }

    pub fn source(&self, id: &str) -> Option<&SourceRef> {
        self.sources.iter().find(|s| s.id.get_ref() == id)
    }
}

/// A date as shown to readers and machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DateView {
    /// `2026-04-28`, for `<time datetime>` and JSON.
    pub iso: String,
    /// `28 April 2026`.
    pub human: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl DateView {
    pub fn new(date: &Datetime) -> Self {
        match date.date {
            Some(d) => DateView {
                iso: format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
                human: format!(
                    "{} {} {}",
                    d.day,
                    MONTHS[usize::from(d.month.clamp(1, 12)) - 1],
                    d.year
                ),
            },
            None => DateView {
                iso: date.to_string(),
                human: date.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        let d: Datetime = "2026-04-28".parse().unwrap();
        assert_eq!(
            DateView::new(&d),
            DateView {
                iso: "2026-04-28".into(),
                human: "28 April 2026".into()
            }
        );
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let mut c: Config =
            toml::from_str("title = \"T\"\nbase_url = \"https://x.org/b\"").unwrap();
        assert_eq!(c.base_url().as_deref(), Some("https://x.org/b/"));
        c.base_url = Some(" ".into());
        assert_eq!(c.base_url(), None);
    }
}
