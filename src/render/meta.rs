//! What a page tells machines about itself: a one-line description for
//! search results and shared links, its Open Graph type, and schema.org
//! structured data (JSON-LD) describing the annotations as what they are.
//! Built from the views as data; `base.html` writes the tags.

use serde_json::{Map, Value, json};

use super::Renderer;
use super::views::EntityView;
use crate::model::{EntityKey, Kind, PartyKind};

/// The machine-readable face of one page.
pub struct Meta {
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
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= DESCRIPTION_MAX {
        return (!whole.is_empty()).then_some(whole);
    }
    let mut cut = String::new();
    for word in words {
        if cut.chars().count() + word.chars().count() + 1 > DESCRIPTION_MAX - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = whole.chars().take(DESCRIPTION_MAX - 1).collect();
    }
    cut.push('…');
    Some(cut)
}

/// The front page (and the print edition): the briefing itself, naming
/// every party it mentions and every source it is based on.
pub fn front(r: &Renderer, path: &str) -> Meta {
    let description = r.briefing.config.dek.as_deref().and_then(describe);
    let mut report = briefing(r, path);
    insert(
        &mut report,
        "description",
        description.clone().map(Value::from),
    );
    let parties: Vec<Value> = (r.graph.numbered(Kind::Party).iter())
        .map(|&k| party(r, k))
        .collect();
    insert(&mut report, "mentions", list(parties));
    Meta {
        description,
        og_type: "website",
        structured: script_json(report),
    }
}

/// The page of entity `key`; `referenced` are the entities its body refers to.
pub fn entity(r: &Renderer, key: EntityKey, referenced: &[(Kind, String)]) -> Meta {
    let view = r.view(key);
    let path = &view.href;
    let description = match key.kind {
        Kind::Section => view.summary.as_deref().and_then(describe),
        Kind::Party => view.role.as_deref().and_then(describe),
        Kind::Clause => describe(&change(view)),
        Kind::Quote => view.text.as_deref().and_then(describe),
    };
    let mut object = match key.kind {
        Kind::Section => {
            let mut section = Map::new();
            section.insert("@type".into(), article_type(r));
            section.insert("headline".into(), view.name.as_str().into());
            let named = |kind: Kind| -> Vec<Value> {
                (referenced.iter())
                    .filter(|(k, _)| *k == kind)
                    .filter_map(|(k, id)| r.briefing.lookup(*k, id))
                    .map(|k| thing(r, k))
                    .collect()
            };
            insert(&mut section, "mentions", list(named(Kind::Party)));
            insert(&mut section, "about", list(named(Kind::Clause)));
            date(r, &mut section);
            section
        }
        Kind::Party => party(r, key).as_object().cloned().unwrap_or_default(),
        Kind::Clause => {
            let mut clause = Map::new();
            clause.insert("@type".into(), "WebPage".into());
            clause.insert("name".into(), view.name.as_str().into());
            let parties = (view.parties.iter())
                .filter_map(|p| link_key(r, &p.key))
                .map(|k| party(r, k))
                .collect();
            insert(&mut clause, "about", list(parties));
            clause
        }
        Kind::Quote => quote(r, view),
    };
    insert(
        &mut object,
        "description",
        description.clone().map(Value::from),
    );
    insert(&mut object, "url", url(r, path));
    // A party is the subject of the briefing; the other pages are parts of it.
    let relation = if key.kind == Kind::Party {
        "subjectOf"
    } else {
        "isPartOf"
    };
    object.insert(relation.into(), part_of(r));
    Meta {
        description,
        og_type: "article",
        structured: script_json(object),
    }
}

/// A page listing entities, or any other page of the site: a page of the
/// briefing, and no more.
pub fn listing(r: &Renderer, name: &str, path: &str, collection: bool) -> Meta {
    let mut page = Map::new();
    let kind = if collection {
        "CollectionPage"
    } else {
        "WebPage"
    };
    page.insert("@type".into(), kind.into());
    page.insert("name".into(), name.into());
    insert(&mut page, "url", url(r, path));
    page.insert("isPartOf".into(), part_of(r));
    Meta {
        description: r.briefing.config.dek.as_deref().and_then(describe),
        og_type: "website",
        structured: script_json(page),
    }
}

/// The briefing as a `Report` (or `NewsArticle`): headline, date, language,
/// sources.
fn briefing(r: &Renderer, path: &str) -> Map<String, Value> {
    let config = &r.briefing.config;
    let mut report = Map::new();
    report.insert("@type".into(), article_type(r));
    report.insert("headline".into(), config.title.as_str().into());
    date(r, &mut report);
    report.insert("inLanguage".into(), config.language().into());
    let sources = (r.site.sources.iter())
        .map(|s| {
            let mut work = Map::new();
            work.insert("@type".into(), "CreativeWork".into());
            work.insert("name".into(), s.title.as_str().into());
            let publisher = s.publisher.as_deref();
            let publisher = publisher.map(|p| json!({"@type": "Organization", "name": p}));
            insert(&mut work, "publisher", publisher);
            insert(
                &mut work,
                "datePublished",
                s.date.as_ref().map(|d| d.iso.as_str().into()),
            );
            insert(&mut work, "url", s.url.as_deref().map(Value::from));
            Value::Object(work)
        })
        .collect();
    insert(&mut report, "isBasedOn", list(sources));
    insert(&mut report, "url", url(r, path));
    report
}

/// What a page of the briefing is part of: the briefing, by name.
fn part_of(r: &Renderer) -> Value {
    let mut report = Map::new();
    report.insert("@type".into(), article_type(r));
    report.insert("headline".into(), r.briefing.config.title.as_str().into());
    insert(&mut report, "url", url(r, "index.html"));
    Value::Object(report)
}

fn article_type(r: &Renderer) -> Value {
    let kind = r.briefing.config.article_type;
    Value::from(match kind {
        crate::config::ArticleType::Report => "Report",
        crate::config::ArticleType::NewsArticle => "NewsArticle",
    })
}

fn date(r: &Renderer, object: &mut Map<String, Value>) {
    let date = r.site.date.as_ref().map(|d| d.iso.as_str().into());
    insert(object, "datePublished", date);
}

/// A party as schema.org has it: a `Person` with `jobTitle` and `worksFor`,
/// or an organisation or product, with its aliases, role and page.
fn party(r: &Renderer, key: EntityKey) -> Value {
    let view = r.view(key);
    let kind = view.party_kind.unwrap_or(PartyKind::Organisation);
    let mut party = Map::new();
    party.insert("@type".into(), party_type(kind).into());
    party.insert("name".into(), view.name.as_str().into());
    let aliases: Vec<Value> = view.aliases.iter().map(|a| a.as_str().into()).collect();
    insert(&mut party, "alternateName", list(aliases));
    insert(
        &mut party,
        "description",
        view.role.as_deref().map(Value::from),
    );
    let affiliation = (view.affiliation.as_ref())
        .and_then(|a| link_key(r, &a.key))
        .map(|k| thing(r, k));
    match kind {
        PartyKind::Person => {
            insert(
                &mut party,
                "jobTitle",
                view.position.as_deref().map(Value::from),
            );
            insert(&mut party, "worksFor", affiliation);
        }
        PartyKind::Product => insert(&mut party, "manufacturer", affiliation),
        _ => insert(&mut party, "parentOrganization", affiliation),
    }
    insert(&mut party, "url", url(r, &view.href));
    Value::Object(party)
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
        _ => "Thing",
    };
    let mut thing = Map::new();
    thing.insert("@type".into(), kind.into());
    thing.insert("name".into(), view.name.as_str().into());
    insert(&mut thing, "url", url(r, &view.href));
    Value::Object(thing)
}

/// A quote as a `Quotation`: its words, who said them (and so made them),
/// when, what about, and the source it rests on.
fn quote(r: &Renderer, view: &EntityView) -> Map<String, Value> {
    let mut quote = Map::new();
    quote.insert("@type".into(), "Quotation".into());
    quote.insert("name".into(), view.name.as_str().into());
    insert(&mut quote, "text", view.text.as_deref().map(Value::from));
    let speaker = (view.speaker.as_ref()).and_then(|s| link_key(r, &s.key));
    insert(
        &mut quote,
        "spokenByCharacter",
        speaker.map(|k| party(r, k)),
    );
    insert(&mut quote, "creator", speaker.map(|k| party(r, k)));
    let date = view.date.as_ref().map(|d| d.iso.as_str().into());
    insert(&mut quote, "dateCreated", date);
    let about = (view.about.iter())
        .filter_map(|a| link_key(r, &a.key))
        .map(|k| thing(r, k))
        .collect();
    insert(&mut quote, "about", list(about));
    let source = view.source.as_ref().map(|s| {
        let mut work = Map::new();
        work.insert("@type".into(), "CreativeWork".into());
        work.insert("name".into(), s.title.as_str().into());
        insert(&mut work, "url", s.url.as_deref().map(Value::from));
        Value::Object(work)
    });
    insert(&mut quote, "isBasedOn", source);
    quote
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
            line.push_str(&format!(" {label}: {text}."));
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
fn url(r: &Renderer, path: &str) -> Option<Value> {
    r.base_url
        .as_ref()
        .map(|base| format!("{base}{path}").into())
}

fn insert(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.into(), value);
    }
}

/// A list, or nothing when it is empty.
fn list(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

/// `object` with its `@context`, as JSON that nothing in any field can
/// break out of a `<script>` element with: `<`, `>` and `&` are written as
/// escapes, as are the two line separators JavaScript once refused.
fn script_json(mut object: Map<String, Value>) -> String {
    object.insert("@context".into(), "https://schema.org".into());
    let json = Value::Object(object).to_string();
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            _ => safe.push(c),
        }
    }
    safe
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
