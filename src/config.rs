//! `briefing.toml`: the site's settings as a typed [`Config`].
//!
//! Unknown keys are errors, like everywhere else in the authoring format. This
//! module does not walk `content/` and knows nothing of templates.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

/// The site settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub dek: Option<String>,
    pub date: Option<Date>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// How many consecutive words of a source's copy outside a direct quote
    /// make a warning (default 12; 0 turns the check off).
    pub copied_words: Option<usize>,
    /// The picture a shared link shows (`og:image`): a file under `static/`.
    pub image: Option<Spanned<String>>,
    /// What the structured data calls the briefing and its sections.
    #[serde(default)]
    pub article_type: ArticleType,
}

/// The schema.org type of the briefing and its sections (`article_type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum ArticleType {
    #[default]
    Report,
    NewsArticle,
}

/// One work the briefing is based on (`[[sources]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: Spanned<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<Date>,
    pub url: Option<Spanned<String>>,
    /// The source's text, a file in `sources/` that quotes are checked
    /// against; never published.
    pub file: Option<Spanned<String>>,
}

impl Config {
    pub fn language(&self) -> &str {
        self.language.as_deref().unwrap_or("en")
    }

    /// The address the site lives at, with exactly one trailing slash:
    /// `given` (the command line's) when set and not blank, else `base_url`.
    pub fn base_url(&self, given: Option<&str>) -> Option<String> {
        let urls = [given, self.base_url.as_deref()].into_iter().flatten();
        let url = urls.map(str::trim).find(|url| !url.is_empty())?;
        Some(format!("{}/", url.trim_end_matches('/')))
    }

    pub fn source(&self, id: &str) -> Option<&SourceRef> {
        self.sources.iter().find(|s| s.id.get_ref() == id)
    }
}

/// A date as shown to readers and machines, to the precision it was written with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DateView {
    /// `2026-04-28`, `2026-04` or `2030`, for `<time datetime>` and JSON.
    pub iso: String,
    /// `28 April 2026`, `April 2026` or `2030`.
    pub human: String,
}

#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
];

impl DateView {
    pub fn new(date: &Date) -> Self {
        // A month is always 1 to 12 once read; the clamp keeps indexing total.
        let month = |m: u8| MONTHS[usize::from(m.clamp(1, 12)) - 1];
        let human = match (date.month(), date.day()) {
            (Some(m), Some(d)) => format!("{d} {} {:04}", month(m), date.year()),
            (Some(m), None) => format!("{} {:04}", month(m), date.year()),
            (None, _) => format!("{:04}", date.year()),
        };
        let iso = date.to_string();
        DateView { iso, human }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_to_the_precision_written() {
        let c: Config = toml::from_str(
            "title = \"T\"\ndate = 2026-04-28\n\
             [[sources]]\nid = \"a\"\ntitle = \"A\"\ndate = \"2026-04\"\n\
             [[sources]]\nid = \"b\"\ntitle = \"B\"\ndate = \"2030\"\n",
        )
        .unwrap();
        let view = |d: &Option<Date>| d.as_ref().map(DateView::new).unwrap();
        let shown = |iso: &str, human: &str| DateView {
            iso: iso.into(),
            human: human.into(),
        };
        assert_eq!(view(&c.date), shown("2026-04-28", "28 April 2026"));
        assert_eq!(view(&c.sources[0].date), shown("2026-04", "April 2026"));
        assert_eq!(view(&c.sources[1].date), shown("2030", "2030"));
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let mut c: Config =
            toml::from_str("title = \"T\"\nbase_url = \"https://x.org/b\"").unwrap();
        assert_eq!(c.base_url(None).as_deref(), Some("https://x.org/b/"));
        assert_eq!(c.base_url(Some(" ")).as_deref(), Some("https://x.org/b/"));
        assert_eq!(
            c.base_url(Some("https://y.org//")).as_deref(),
            Some("https://y.org/")
        );
        c.base_url = Some(" ".into());
        assert_eq!(c.base_url(None), None);
    }
}
