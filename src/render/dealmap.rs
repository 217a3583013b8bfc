//! The deal map: the parties and the clauses that bind them, laid out at
//! build time for `deal_map.html` to draw as inline SVG.
//!
//! The layout is made for this one shape of picture. Parties stand in a
//! middle column, each product or person under the party it belongs to
//! (`affiliation`); clauses stand in columns beside it, grouped by
//! agreement: the first agreement on the left, the second on the right,
//! each further one on the side with fewer clauses. A connection runs from
//! each clause to each party it binds. Rows are ordered to cross fewer
//! connections ([`order`]), by steps that depend only on the briefing, so
//! the same briefing always gives the same picture.
//!
//! Labels never overlap because every label sits inside its own box and a
//! column's boxes are stacked. Text is wrapped to its box by an estimate of
//! its width ([`super::measure::text_width`]) that errs wide. This module computes geometry
//! only; the template writes the SVG.

use std::collections::HashMap;

use indexmap::IndexSet;
use serde::Serialize;

use super::Renderer;
use super::measure::wrap;
use super::views::{LinkMode, LinkView, entity_href, link};
use crate::model::{EntityKey, Kind, PartyKind, Status};

/// The most parties and clauses one map draws. A larger briefing's front
/// page shows its most-mentioned clauses and the parties they bind, and
/// says so.
const MAX_PARTIES: usize = 40;
const MAX_CLAUSES: usize = 30;

// Geometry, in CSS pixels.
const PARTY_W: f64 = 150.0;
const CLAUSE_W: f64 = 190.0;
/// Between columns, where the connections run.
const GAP: f64 = 58.0;
/// How far a member stands in from the party it belongs to.
const INDENT: f64 = 16.0;
const PAD: f64 = 7.0;
const NAME_SIZE: f64 = 13.0;
const NAME_LINE: f64 = 16.0;
const NOTE_LINE: f64 = 15.0;
const HEADING_SIZE: f64 = 12.0;
const HEADING_LINE: f64 = 16.0;
/// Between the boxes of a column, and before a group of them.
const ROW_GAP: f64 = 10.0;
const GROUP_GAP: f64 = 20.0;
const MARGIN: f64 = 2.0;
/// Rounds of reordering; the order settles within a few.
const ROUNDS: usize = 4;

/// A map ready for the template: every position in whole pixels.
#[derive(Debug, Serialize)]
pub struct DealMap {
    pub width: i64,
    pub height: i64,
    pub headings: Vec<TextLine>,
    pub parties: Vec<Node>,
    pub clauses: Vec<Node>,
    pub edges: Vec<Edge>,
    /// A line joining each party to the members drawn under it, as path data.
    pub brackets: Vec<String>,
    /// How many clauses the map draws, of how many there are.
    pub shown: usize,
    pub total: usize,
}

/// A line of text and where its baseline starts.
#[derive(Debug, Clone, Serialize)]
pub struct TextLine {
    pub x: i64,
    pub y: i64,
    pub text: String,
}

/// A party or a clause: its box, its name in lines, and a note under it
/// (the party's kind; the clause's label and status).
#[derive(Debug, Serialize)]
pub struct Node {
    pub href: String,
    pub name: String,
    pub title: String,
    /// The party's kind or the clause's status, as front matter writes it.
    pub class: &'static str,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub lines: Vec<TextLine>,
    pub note: TextLine,
    /// A clause's agreement; the party a member is drawn under.
    pub group: Option<String>,
    /// A clause's parties, for the table beside the picture.
    pub parties: Vec<LinkView<'static>>,
}

/// A connection between a clause and one party it binds.
#[derive(Debug, Serialize)]
pub struct Edge {
    pub d: String,
    pub status: &'static str,
    pub href: String,
    pub title: String,
}

/// The map of the whole briefing: its clauses, taken most-mentioned first,
/// but for those that would make the map too large to draw (so a small
/// briefing's map has every clause).
pub fn briefing(r: &Renderer, mode: LinkMode) -> Option<DealMap> {
    let mut clauses: Vec<EntityKey> = r.graph.numbered(Kind::Clause).iter().copied().collect();
    let total = clauses.len();
    clauses.sort_by_key(|&c| std::cmp::Reverse(r.view(c).mention_count));
    let mut chosen = Vec::new();
    for c in clauses {
        chosen.push(c);
        if chosen.len() > MAX_CLAUSES || parties_of(r, &chosen).len() > MAX_PARTIES {
            chosen.pop();
        }
    }
    let clauses = in_order(r, |c| chosen.contains(c));
    layout(r, &clauses, total, mode)
}

/// The map of one party's clauses and the parties they bind; none when no
/// clause names it.
pub fn party(r: &Renderer, index: usize, mode: LinkMode) -> Option<DealMap> {
    let binding = &r.graph.party_clauses[index];
    let clauses = in_order(r, |c| binding.contains(&c.index));
    layout(r, &clauses, clauses.len(), mode)
}

fn key(kind: Kind, index: usize) -> EntityKey {
    EntityKey { kind, index }
}

/// The clauses `wanted` picks, in the order print numbers them (first
/// mention, the unmentioned ones after, by file): every clause is numbered.
fn in_order(r: &Renderer, wanted: impl Fn(&EntityKey) -> bool) -> Vec<EntityKey> {
    let numbered = r.graph.numbered(Kind::Clause).iter().copied();
    numbered.filter(wanted).collect()
}

/// The parties a clause binds.
fn bound<'r>(r: &'r Renderer, clause: EntityKey) -> impl Iterator<Item = EntityKey> + 'r {
    let parties = r.graph.relations.clause_parties[clause.index].iter();
    parties.map(|&p| key(Kind::Party, p))
}

/// The party `party` belongs to, when it has one.
fn owner(r: &Renderer, party: EntityKey) -> Option<EntityKey> {
    let affiliation = r.graph.relations.party_affiliation[party.index];
    affiliation.map(|o| key(Kind::Party, o))
}

/// The parties `clauses` bind, and the company of each product among them,
/// in the order the clauses name them.
fn parties_of(r: &Renderer, clauses: &[EntityKey]) -> IndexSet<EntityKey> {
    let mut parties = IndexSet::new();
    for p in clauses.iter().flat_map(|&c| bound(r, c)) {
        let company = (r.view(p).party_kind == Some(PartyKind::Product)).then(|| owner(r, p));
        parties.extend(company.flatten().into_iter().chain([p]));
    }
    parties
}

/// The clauses of one agreement, and whether they stand left of the parties.
struct ClauseGroup {
    agreement: Option<String>,
    left: bool,
    clauses: Vec<EntityKey>,
}

/// What a column stacks, top to bottom, each after a gap.
enum Stacked {
    Heading(Vec<String>),
    Box(EntityKey, f64),
}

/// A box as placed.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn middle(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// The parties and clauses of one map, grouped and in row order.
struct Arrangement {
    /// Each party group: a party, then the members drawn under it.
    groups: Vec<Vec<EntityKey>>,
    /// The party each member is drawn under.
    heads: HashMap<EntityKey, EntityKey>,
    /// The clauses by agreement, each group on its side.
    sides: Vec<ClauseGroup>,
    /// Each clause with each party it binds, in the order of the clauses.
    pairs: Vec<(EntityKey, EntityKey)>,
}

/// Every box as placed, each name wrapped to its lines, the column headings,
/// and the size of the whole.
struct Placed {
    rects: HashMap<EntityKey, Rect>,
    lines: HashMap<EntityKey, Vec<String>>,
    headings: Vec<TextLine>,
    width: f64,
    height: f64,
}

/// The map of `clauses`, of `total` there are: the parties and clauses
/// arranged in rows, placed in columns, then drawn as boxes and connections.
fn layout(r: &Renderer, clauses: &[EntityKey], total: usize, mode: LinkMode) -> Option<DealMap> {
    if clauses.is_empty() {
        return None;
    }
    let arranged = arrange(r, clauses);
    let placed = place(r, &arranged);
    let edges = edges(r, &arranged, &placed, mode);
    let (parties, clause_nodes) = nodes(r, &arranged, &placed, mode);
    let brackets = (arranged.groups.iter())
        .filter_map(|g| {
            let (head, last) = (placed.rects[&g[0]], placed.rects[g[1..].last()?]);
            let (x, y) = (px(head.x + INDENT / 2.0), px(head.y + head.h));
            Some(format!("M{x} {y}V{}H{}", px(last.middle()), px(last.x)))
        })
        .collect();
    Some(DealMap {
        width: px(placed.width),
        height: px(placed.height),
        headings: placed.headings,
        parties,
        clauses: clause_nodes,
        edges,
        brackets,
        shown: clauses.len(),
        total,
    })
}

/// The parties `clauses` bind, in groups, and the clauses by agreement: the
/// first agreement on the left, the second on the right, each further one
/// on the side with fewer clauses; rows ordered by [`order`].
fn arrange(r: &Renderer, clauses: &[EntityKey]) -> Arrangement {
    let parties = parties_of(r, clauses);
    // A member stands under the party it belongs to when that party is
    // drawn and stands on its own.
    let drawn_owner = |p| owner(r, p).filter(|o| parties.contains(o));
    let heads: HashMap<EntityKey, EntityKey> = (parties.iter())
        .filter_map(|&p| Some((p, drawn_owner(p).filter(|&o| drawn_owner(o).is_none())?)))
        .collect();
    let tops: IndexSet<EntityKey> = parties.iter().map(|p| *heads.get(p).unwrap_or(p)).collect();
    let mut groups: Vec<Vec<EntityKey>> = tops
        .into_iter()
        .map(|top| {
            let members = parties.iter().filter(|&p| heads.get(p) == Some(&top));
            [top].into_iter().chain(members.copied()).collect()
        })
        .collect();
    let mut sides: Vec<ClauseGroup> = Vec::new();
    for &c in clauses {
        let agreement = r.view(c).agreement.clone();
        match sides.iter_mut().find(|g| g.agreement == agreement) {
            Some(g) => g.clauses.push(c),
            None => sides.push(ClauseGroup {
                agreement,
                left: false,
                clauses: vec![c],
            }),
        }
    }
    if sides.len() > 1 {
        let mut count = [0, 0];
        for (n, g) in sides.iter_mut().enumerate() {
            g.left = n == 0 || (n > 1 && count[0] < count[1]);
            count[usize::from(!g.left)] += g.clauses.len();
        }
    }
    order(r, &mut groups, &mut sides);
    let pairs = (clauses.iter())
        .flat_map(|&c| bound(r, c).map(move |p| (c, p)))
        .collect();
    Arrangement {
        groups,
        heads,
        sides,
        pairs,
    }
}

/// Stacks the boxes in three columns: clauses on the left, parties,
/// clauses on the right. The first heading of each column stands in a row
/// at the top; the rest of a column is its body, centred on the tallest.
fn place(r: &Renderer, arranged: &Arrangement) -> Placed {
    let (groups, sides) = (&arranged.groups, &arranged.sides);
    let has = |left: bool| sides.iter().any(|g| g.left == left);
    let party_x = MARGIN + if has(true) { CLAUSE_W + GAP } else { 0.0 };
    let right_x = party_x + PARTY_W + GAP;
    let mut party_column = Vec::new();
    for (n, g) in groups.iter().enumerate() {
        let gap = if n == 0 { 0.0 } else { GROUP_GAP };
        party_column.push((gap, Stacked::Box(g[0], 0.0)));
        for &m in &g[1..] {
            party_column.push((ROW_GAP / 2.0, Stacked::Box(m, INDENT)));
        }
    }
    let mut columns = vec![(party_x, PARTY_W, vec!["Parties".to_string()], party_column)];
    for (left, x) in [(true, MARGIN), (false, right_x)] {
        let mut heading = Vec::new();
        let mut column = Vec::new();
        for g in sides.iter().filter(|g| g.left == left) {
            let agreement = g.agreement.as_deref().unwrap_or("Clauses");
            let name = wrap(agreement, CLAUSE_W, HEADING_SIZE);
            match heading.is_empty() {
                true => heading = name,
                false => column.push((GROUP_GAP, Stacked::Heading(name))),
            }
            for (n, &c) in g.clauses.iter().enumerate() {
                column.push((if n == 0 { 0.0 } else { ROW_GAP }, Stacked::Box(c, 0.0)));
            }
        }
        if !column.is_empty() {
            columns.push((x, CLAUSE_W, heading, column));
        }
    }
    let clauses = sides.iter().flat_map(|g| &g.clauses);
    let lines: HashMap<EntityKey, Vec<String>> = (groups.iter().flatten().chain(clauses))
        .map(|&k| {
            let width = match k.kind {
                Kind::Party if arranged.heads.contains_key(&k) => PARTY_W - INDENT,
                Kind::Party => PARTY_W,
                _ => CLAUSE_W,
            };
            (k, wrap(&r.view(k).name, width - 2.0 * PAD, NAME_SIZE))
        })
        .collect();
    let box_height = |k: &EntityKey| 2.0 * PAD + lines[k].len() as f64 * NAME_LINE + NOTE_LINE;
    let item_height = |item: &Stacked| match item {
        Stacked::Heading(lines) => lines.len() as f64 * HEADING_LINE + 4.0,
        Stacked::Box(k, _) => box_height(k),
    };
    // Every height is a whole number of pixels, so sums are exact in any order.
    let stack_height = |column: &[(f64, Stacked)]| -> f64 {
        column
            .iter()
            .map(|(gap, item)| gap + item_height(item))
            .sum()
    };
    let head_rows = columns.iter().map(|c| c.2.len()).max().unwrap_or(1);
    let top = MARGIN + head_rows as f64 * HEADING_LINE + 6.0;
    let heights = columns.iter().map(|c| stack_height(&c.3));
    let body = heights.fold(0.0, f64::max);
    let mut headings = Vec::new();
    let mut rects: HashMap<EntityKey, Rect> = HashMap::new();
    for (x, w, heading, column) in &columns {
        headings.extend(heading_lines(*x, MARGIN, heading));
        let mut y = top + (body - stack_height(column)) / 2.0;
        for (gap, item) in column {
            y += gap;
            match item {
                Stacked::Heading(lines) => headings.extend(heading_lines(*x, y, lines)),
                Stacked::Box(k, indent) => {
                    let (x, w, h) = (x + indent, w - indent, box_height(k));
                    rects.insert(*k, Rect { x, y, w, h });
                }
            }
            y += item_height(item);
        }
    }
    let right = party_x + PARTY_W + if has(false) { GAP + CLAUSE_W } else { 0.0 };
    Placed {
        rects,
        lines,
        headings,
        width: right + MARGIN,
        height: top + body + MARGIN,
    }
}

/// A connection for each clause and party it binds, each
/// end spread along the side of its box that faces the other end, in the
/// order of the other ends' heights.
fn edges(r: &Renderer, arranged: &Arrangement, placed: &Placed, mode: LinkMode) -> Vec<Edge> {
    let (rects, pairs) = (&placed.rects, &arranged.pairs);
    let is_left = |c: EntityKey| (arranged.sides.iter()).any(|g| g.left && g.clauses.contains(&c));
    let end = |at: EntityKey, other: EntityKey, others: Vec<EntityKey>| {
        let y = rects[&other].middle();
        let rank = others.iter().filter(|o| rects[o].middle() < y).count();
        let rect = rects[&at];
        rect.y + rect.h * (rank + 1) as f64 / (others.len() + 1) as f64
    };
    (pairs.iter())
        .map(|&(c, p)| {
            let cy = end(c, p, bound(r, c).collect());
            let same_side = (pairs.iter())
                .filter(|&&(oc, op)| op == p && is_left(oc) == is_left(c))
                .map(|&(oc, _)| oc);
            let py = end(p, c, same_side.collect());
            let (cp, pp) = (rects[&c], rects[&p]);
            let d = match is_left(c) {
                true => curve(cp.x + cp.w, cy, pp.x, py),
                false => curve(pp.x + pp.w, py, cp.x, cy),
            };
            let status = r.view(c).status.map_or("", Status::as_str);
            let title = format!("{} ({status}) binds {}", r.view(c).name, r.view(p).name);
            Edge {
                d,
                status,
                href: entity_href(r.briefing, c, mode),
                title,
            }
        })
        .collect()
}

/// The boxes of the parties and of the clauses, each with its lines of
/// text, its note and title, its group and (a clause's) parties.
fn nodes(
    r: &Renderer,
    arranged: &Arrangement,
    placed: &Placed,
    mode: LinkMode,
) -> (Vec<Node>, Vec<Node>) {
    let node = |k, note: String, class, title, group, parties| {
        let rect = placed.rects[&k];
        let y = rect.y + PAD + NAME_SIZE;
        let lines = &placed.lines[&k];
        let last = y + (lines.len() - 1) as f64 * NAME_LINE;
        Node {
            href: entity_href(r.briefing, k, mode),
            name: r.view(k).name.clone(),
            title,
            class,
            x: px(rect.x),
            y: px(rect.y),
            w: px(rect.w),
            h: px(rect.h),
            lines: (lines.iter().enumerate())
                .map(|(n, line)| text(rect.x + PAD, y + n as f64 * NAME_LINE, line))
                .collect(),
            note: text(rect.x + PAD, last + NOTE_LINE + 1.0, &note),
            group,
            parties,
        }
    };
    let parties = (arranged.groups.iter().flatten().copied())
        .map(|p| {
            let view = r.view(p);
            let kind = view.party_kind.map_or("party", kind_word);
            let bound = arranged.pairs.iter().filter(|(_, pp)| *pp == p);
            let title = match bound.count() {
                0 => format!("{} ({kind})", view.name),
                1 => format!("{} ({kind}): 1 clause", view.name),
                count => format!("{} ({kind}): {count} clauses", view.name),
            };
            let group = arranged.heads.get(&p).map(|o| r.view(*o).name.clone());
            node(p, kind.into(), kind, title, group, Vec::new())
        })
        .collect();
    let clauses = (arranged.sides.iter().flat_map(|g| &g.clauses))
        .map(|&c| {
            let view = r.view(c);
            let status = view.status.unwrap_or(Status::Unchanged);
            let word = [mark(status), status.as_str()].join(" ");
            let note = match &view.label {
                Some(label) => format!("{label} · {word}"),
                None => word,
            };
            let parties: Vec<LinkView> = bound(r, c)
                .map(|p| link(r.briefing, None, p, mode))
                .collect();
            let names: Vec<&str> = parties.iter().map(|p| p.name.as_ref()).collect();
            let title = format!("{} ({}): {}", view.name, status.as_str(), names.join(", "));
            let group = view.agreement.clone();
            node(c, note, status.as_str(), title, group, parties)
        })
        .collect();
    (parties, clauses)
}

/// Orders rows to cross fewer connections. Party groups start in order of
/// first mention and trade places with a neighbour while that crosses
/// fewer connections; clauses stand at the mean row of their parties, ties
/// in order of first mention. Each step is a stable sort or a strict
/// improvement, so the order depends on nothing but the briefing.
fn order(r: &Renderer, groups: &mut [Vec<EntityKey>], sides: &mut [ClauseGroup]) {
    let rows = |groups: &[Vec<EntityKey>]| -> HashMap<EntityKey, usize> {
        let parties = groups.iter().flatten();
        parties.enumerate().map(|(row, &p)| (p, row)).collect()
    };
    let sort_clauses = |sides: &mut [ClauseGroup], rows: &HashMap<EntityKey, usize>| {
        let mean = |c: &EntityKey| {
            let rows: Vec<f64> = bound(r, *c).map(|p| rows[&p] as f64).collect();
            rows.iter().sum::<f64>() / rows.len().max(1) as f64
        };
        for g in sides.iter_mut() {
            g.clauses.sort_by(|a, b| mean(a).total_cmp(&mean(b)));
        }
    };
    let crossings = |groups: &[Vec<EntityKey>], sides: &[ClauseGroup]| {
        let rows = &rows(groups);
        let mut count = 0;
        for left in [true, false] {
            let edges: Vec<(usize, usize)> = (sides.iter().filter(|g| g.left == left))
                .flat_map(|g| &g.clauses)
                .enumerate()
                .flat_map(|(row, &c)| bound(r, c).map(move |p| (row, rows[&p])))
                .collect();
            // Edges come in order of their clause's row, so a later one
            // crosses an earlier where it starts lower and ends higher.
            for (n, a) in edges.iter().enumerate() {
                let crossing = edges[n + 1..].iter().filter(|b| a.0 < b.0 && a.1 > b.1);
                count += crossing.count();
            }
        }
        count
    };
    for _ in 0..ROUNDS {
        sort_clauses(sides, &rows(groups));
        let mut best = crossings(groups, sides);
        let before = best;
        for i in 1..groups.len() {
            groups.swap(i - 1, i);
            match crossings(groups, sides) {
                now if now < best => best = now,
                _ => groups.swap(i - 1, i),
            }
        }
        if best == before {
            break;
        }
    }
    sort_clauses(sides, &rows(groups));
}

/// A status's sign, which shows it without colour beside its word (the
/// signs of the status badges in `brief.css`).
fn mark(status: Status) -> &'static str {
    ["+", "\u{2212}", "\u{394}", "="][status as usize]
}

/// A party's kind as front matter writes it.
fn kind_word(kind: PartyKind) -> &'static str {
    ["company", "person", "government", "organisation", "product"][kind as usize]
}

/// A heading's lines, set at `x` below `y`.
fn heading_lines(x: f64, y: f64, lines: &[String]) -> impl Iterator<Item = TextLine> + '_ {
    lines
        .iter()
        .enumerate()
        .map(move |(n, line)| text(x, y + (n + 1) as f64 * HEADING_LINE - 4.0, line))
}

fn px(v: f64) -> i64 {
    v.round() as i64
}

fn text(x: f64, y: f64, text: &str) -> TextLine {
    TextLine {
        x: px(x),
        y: px(y),
        text: text.to_string(),
    }
}

/// A connection from `(x1, y1)` on the left to `(x2, y2)` on the right,
/// leaving and arriving level.
fn curve(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let (a, b) = (px(x1 + (x2 - x1) / 2.0), px(x2 - (x2 - x1) / 2.0));
    let (x1, y1, x2, y2) = (px(x1), px(y1), px(x2), px(y2));
    format!("M{x1} {y1}C{a} {y1} {b} {y2} {x2} {y2}")
}
