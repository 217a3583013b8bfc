//! What a page tells machines about itself: a one-line description for
//! search results and shared links, its Open Graph type, and schema.org
//! structured data (JSON-LD) describing the annotations as what they are.
//! Built from the views as data; `base.html` writes the tags.

use serde_json::{Value, json};

use super::Renderer;
use super::views::{EntityView, SourceView};
use crate::model::{EntityKey, Kind, PartyKind};

/// The machine-readable face of one page.
pub struct PageMeta {
    pub description: Option<String>,
    /// `og:type`: `website` for the front page and lists, else `article`.
    pub og_type: &'static str,
    /// The JSON-LD object, safe to write inside a `<script>` element.
    pub structured: String,
}

/// At most this many characters of description: what search results and
/// link previews show before cutting it themselves.
const DESCRIPTION_MAX: usize = 160;

/// `text` as one line of plain text, cut at a word with an ellipsis when it
/// is longer than [`DESCRIPTION_MAX`]; None when it is empty.
pub fn describe(text: &str) -> Option<String> {
    let line = fit(text, DESCRIPTION_MAX);
    (!line.is_empty()).then_some(line)
}

/// `text` on one line: whole when it has at most `max` characters, else cut
/// at a word boundary with an ellipsis.
pub(super) fn fit(text: &str, max: usize) -> String {
    let whole = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    // The words that fit in `max - 1` characters, leaving room for the
    // ellipsis: those before the last space among the first `max`.
    let head: String = whole.chars().take(max).collect();
    match head.rfind(' ') {
        Some(end) => format!("{}…", &head[..end]),
        None => format!("{}…", head.chars().take(max - 1).collect::<String>()),
    }
}

/// The front page (and the print edition): the briefing itself, naming
/// every party it mentions and every source it is based on.
pub fn front(r: &Renderer, path: &str) -> PageMeta {
    let description = r.briefing.config.dek.as_deref().and_then(describe);
    let parties = r.graph.numbered(Kind::Party).iter().map(|&k| party(r, k));
    let mut report = article(r, &r.briefing.config.title, None, parties.collect());
    report["description"] = json!(description);
    report["url"] = json!(url(r, path));
    meta(description, "website", report)
}

/// The briefing, or a section of it resting on `source` when it names one
/// (else on every source of the briefing), naming the parties `mentions`.
fn article(
    r: &Renderer,
    headline: &str,
    source: Option<&SourceView>,
    mentions: Vec<Value>,
) -> Value {
    let sources: Vec<Value> = match source {
        Some(source) => vec![work(source)],
        None => r.site.sources.iter().map(work).collect(),
    };
    json!({
        "@type": r.briefing.config.article_type,
        "headline": headline,
        "datePublished": r.site.date.as_ref().map(|d| &d.iso),
        "inLanguage": r.briefing.config.language(),
        "isBasedOn": sources,
        "mentions": mentions,
    })
}

/// The page of entity `key`; `referenced` are the entities its body refers to.
pub fn entity(r: &Renderer, key: EntityKey, referenced: &[(Kind, String)]) -> PageMeta {
    let view = r.view(key);
    let links = |keys: &mut dyn Iterator<Item = &str>| -> Vec<Value> {
        keys.filter_map(|k| link_key(r, k))
            .map(|k| thing(r, k))
            .collect()
    };
    let (description, mut object) = match key.kind {
        Kind::Section => {
            let named = |kind: Kind| -> Vec<Value> {
                (referenced.iter())
                    .filter(|(k, _)| *k == kind)
                    .filter_map(|(k, id)| r.briefing.lookup(*k, id))
                    .map(|k| thing(r, k))
                    .collect()
            };
            let source = view.source.as_deref();
            let mut section = article(r, &view.name, source, named(Kind::Party));
            section["about"] = json!(named(Kind::Clause));
            (view.summary.as_deref().and_then(describe), section)
        }
        Kind::Party => (view.role.as_deref().and_then(describe), party(r, key)),
        Kind::Clause => {
            let clause = json!({
                "@type": "WebPage",
                "name": view.name,
                "about": links(&mut view.parties.iter().map(|p| &*p.key)),
            });
            (describe(&change(view)), clause)
        }
        Kind::Quote => {
            let speaker = (view.speaker.as_ref()).and_then(|s| link_key(r, &s.key));
            let quote = json!({
                "@type": "Quotation",
                "name": view.name,
                "text": view.text,
                "spokenByCharacter": speaker.map(|k| party(r, k)),
                "creator": speaker.map(|k| party(r, k)),
                "dateCreated": view.date.as_ref().map(|d| &d.iso),
                "about": links(&mut view.about.iter().map(|a| &*a.key)),
                "isBasedOn": view.source.as_deref().map(work),
            });
            (view.text.as_deref().and_then(describe), quote)
        }
        Kind::Event => {
            let date = view.date.as_deref();
            let event = json!({
                "@type": "Event",
                "name": view.name,
                "startDate": date.map(|d| &d.iso),
                "about": links(&mut view.parties.iter().chain(&view.clauses).map(|p| &*p.key)),
            });
            let line = date.map_or_else(
                || view.name.clone(),
                |d| format!("{}: {}", d.human, view.name),
            );
            (describe(&line), event)
        }
    };
    object["description"] = json!(description);
    object["url"] = json!(url(r, &view.href));
    // A party is the subject of the briefing; the other pages are parts of it.
    let relation = match key.kind {
        Kind::Party => "subjectOf",
        _ => "isPartOf",
    };
    object[relation] = part_of(r);
    meta(description, "article", object)
}

/// A page listing entities, or any other page of the site: a page of the
/// briefing, and no more.
pub fn listing(r: &Renderer, name: &str, path: &str, collection: bool) -> PageMeta {
    let page = json!({
        "@type": if collection { "CollectionPage" } else { "WebPage" },
        "name": name,
        "url": url(r, path),
        "isPartOf": part_of(r),
    });
    let description = r.briefing.config.dek.as_deref().and_then(describe);
    meta(description, "website", page)
}

/// A source the briefing rests on, as a `CreativeWork`.
fn work(source: &SourceView) -> Value {
    json!({
        "@type": "CreativeWork",
        "name": source.title,
        "publisher": source.publisher.as_ref().map(|p| json!({"@type": "Organization", "name": p})),
        "datePublished": source.date.as_ref().map(|d| &d.iso),
        "url": source.url,
    })
}

/// What a page of the briefing is part of: the briefing, by name.
fn part_of(r: &Renderer) -> Value {
    json!({
        "@type": r.briefing.config.article_type,
        "headline": r.briefing.config.title,
        "url": url(r, "index.html"),
    })
}

/// A party as schema.org has it: a `Person` with `jobTitle` and `worksFor`,
/// or an organisation or product, with its aliases, role and page.
fn party(r: &Renderer, key: EntityKey) -> Value {
    let view = r.view(key);
    let kind = view.party_kind.unwrap_or(PartyKind::Organisation);
    let affiliation = (view.affiliation.as_ref())
        .and_then(|a| link_key(r, &a.key))
        .map(|k| thing(r, k));
    let affiliation_is = match kind {
        PartyKind::Person => "worksFor",
        PartyKind::Product => "manufacturer",
        _ => "parentOrganization",
    };
    let mut party = json!({
        "@type": party_type(kind),
        "name": view.name,
        "alternateName": view.aliases,
        "description": view.role,
        "url": url(r, &view.href),
    });
    party[affiliation_is] = json!(affiliation);
    if kind == PartyKind::Person {
        party["jobTitle"] = json!(view.position);
    }
    party
}

fn party_type(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Person => "Person",
        PartyKind::Company => "Corporation",
        PartyKind::Government => "GovernmentOrganization",
        PartyKind::Organisation => "Organization",
        PartyKind::Product => "Product",
    }
}

/// Any entity by its type, name and page, without its details.
fn thing(r: &Renderer, key: EntityKey) -> Value {
    let view = r.view(key);
    let kind = match key.kind {
        Kind::Party => party_type(view.party_kind.unwrap_or(PartyKind::Organisation)),
        Kind::Quote => "Quotation",
        Kind::Event => "Event",
        _ => "Thing",
    };
    json!({"@type": kind, "name": view.name, "url": url(r, &view.href)})
}

/// What a clause changed, in a line: its status, then before and after.
fn change(view: &EntityView) -> String {
    let mut line = view.status.map_or("", |s| s.as_str()).to_string();
    if let Some(c) = line.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    line.push('.');
    for (label, text) in [("Before", &view.before), ("After", &view.after)] {
        if let Some(text) = text {
            line.push_str(&format!(" {label}: {text}"));
            if !text.ends_with(['.', '!', '?']) {
                line.push('.');
            }
        }
    }
    line
}

/// The entity a link view's key (`party:openai`) names.
fn link_key(r: &Renderer, key: &str) -> Option<EntityKey> {
    let (kind, id) = key.split_once(':')?;
    r.briefing.lookup(Kind::from_prefix(kind)?, id)
}

/// The page's absolute address, when the site has a base URL: never a
/// relative or invented one.
fn url(r: &Renderer, path: &str) -> Option<String> {
    r.base_url.as_ref().map(|base| format!("{base}{path}"))
}

fn meta(description: Option<String>, og_type: &'static str, mut object: Value) -> PageMeta {
    object["@context"] = json!("https://schema.org");
    prune(&mut object);
    PageMeta {
        description,
        og_type,
        structured: super::feeds::script_safe(serde_json::to_string(&object).unwrap_or_default()),
    }
}

/// Leaves out what a page does not have: nulls and empty lists, at any depth.
fn prune(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
            map.values_mut().for_each(prune);
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn descriptions_are_one_line_cut_at_a_word() {
        assert_eq!(describe("  Two\n words "), Some("Two words".into()));
        assert_eq!(describe(" \n"), None);
        let long = "word ".repeat(60);
        let cut = describe(&long).unwrap();
        assert!(
            cut.ends_with("word…") && cut.chars().count() <= 160,
            "{cut}"
        );
        assert_eq!(describe(&"x".repeat(200)).unwrap().chars().count(), 160);
    }
}
