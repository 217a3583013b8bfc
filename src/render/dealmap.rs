//! The deal map: the parties and the clauses that bind them, laid out at
//! build time for `deal_map.html` to draw as inline SVG.
//!
//! The layout is made for this one shape of picture. Parties stand in a
//! middle column, each product or person under the party it belongs to
//! (`affiliation`); clauses stand in columns beside it, grouped by
//! agreement, the first agreement on the left, the second on the right and
//! each further one on the shorter side. A connection runs from each clause
//! to each party it binds. Rows are ordered to keep connections short: a few
//! rounds of placing each clause at the mean height of its parties and each
//! party group at the mean height of its clauses, ties kept in the order of
//! first mention, so the same briefing always gives the same picture.
//!
//! Labels never overlap because every label sits inside its own box and
//! boxes are stacked, never placed side by side in a column. Text is wrapped
//! to its box by an estimate of its width ([`text_width`]) that errs wide.
//! This module computes geometry only; the template writes the SVG.

use std::collections::HashMap;

use serde::Serialize;

use super::Renderer;
use super::views::{LinkMode, entity_href};
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
/// Between boxes in a column, and between groups.
const ROW_GAP: f64 = 10.0;
const GROUP_GAP: f64 = 20.0;
const MARGIN: f64 = 2.0;
/// Rounds of reordering rows; the order settles within a few.
const ROUNDS: usize = 4;

/// A map ready for the template: every position in whole pixels.
#[derive(Debug, Hash, Serialize)]
pub struct DealMap {
    pub width: i64,
    pub height: i64,
    pub headings: Vec<Text>,
    pub parties: Vec<Node>,
    pub clauses: Vec<Node>,
    pub edges: Vec<Edge>,
    /// A line joining each party to the members drawn under it, as path data.
    pub brackets: Vec<String>,
    /// How many clauses the map draws, of how many the briefing has.
    pub shown: usize,
    pub total: usize,
}

/// A line of text and where its baseline starts.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Text {
    pub x: i64,
    pub y: i64,
    pub text: String,
}

/// A party or a clause: its box, its name in lines, and a note under it
/// (the party's kind; the clause's label and status).
#[derive(Debug, Hash, Serialize)]
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
    pub lines: Vec<Text>,
    pub note: Text,
    /// A clause's agreement; the party a member is drawn under.
    pub group: Option<String>,
    /// A clause's parties, for the table beside the picture.
    pub parties: Vec<Named>,
}

/// A link to an entity by name, for the table beside the picture.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Named {
    pub href: String,
    pub name: String,
}

/// A connection between a clause and one party it binds.
#[derive(Debug, Hash, Serialize)]
pub struct Edge {
    pub d: String,
    pub status: &'static str,
    pub href: String,
    pub title: String,
}

/// The map of the whole briefing: every clause while the briefing is small
/// enough to draw, else the most-mentioned ones.
pub fn briefing(r: &Renderer, mode: LinkMode) -> Option<DealMap> {
    let mut clauses: Vec<usize> = in_order(r, 0..r.briefing.clauses.len());
    let total = clauses.len();
    if total > MAX_CLAUSES || parties_of(r, &clauses).len() > MAX_PARTIES {
        clauses.sort_by_key(|&c| std::cmp::Reverse(r.view(clause(c)).mention_count));
        let mut chosen = Vec::new();
        for c in clauses {
            chosen.push(c);
            if chosen.len() > MAX_CLAUSES || parties_of(r, &chosen).len() > MAX_PARTIES {
                chosen.pop();
            }
        }
        clauses = in_order(r, chosen);
    }
    layout(r, &clauses, total, mode)
}

/// The map of one party's clauses and the parties they bind; none when no
/// clause names it.
pub fn party(r: &Renderer, index: usize, mode: LinkMode) -> Option<DealMap> {
    let clauses = in_order(r, r.graph.party_clauses[index].iter().copied());
    let total = clauses.len();
    layout(r, &clauses, total, mode)
}

fn clause(index: usize) -> EntityKey {
    EntityKey {
        kind: Kind::Clause,
        index,
    }
}

fn party_key(index: usize) -> EntityKey {
    EntityKey {
        kind: Kind::Party,
        index,
    }
}

/// Clauses in the order print numbers them (first mention), unmentioned
/// ones after, by file.
fn in_order(r: &Renderer, clauses: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let numbered = r.graph.numbered(Kind::Clause);
    let rank = |c: usize| numbered.iter().position(|k| k.index == c);
    let mut clauses: Vec<(Option<usize>, usize)> =
        clauses.into_iter().map(|c| (rank(c), c)).collect();
    // Numbered first (None sorts before Some, so the key is flipped).
    clauses.sort_by_key(|&(rank, c)| (rank.is_none(), rank, c));
    clauses.dedup();
    clauses.into_iter().map(|(_, c)| c).collect()
}

/// The parties `clauses` bind, with the party each product belongs to,
/// in the order the clauses name them.
fn parties_of(r: &Renderer, clauses: &[usize]) -> Vec<usize> {
    let relations = &r.graph.relations;
    let mut parties: Vec<usize> = Vec::new();
    for &p in clauses.iter().flat_map(|&c| &relations.clause_parties[c]) {
        let owner = (r.view(party_key(p)).party_kind == Some(PartyKind::Product))
            .then(|| relations.party_affiliation[p])
            .flatten();
        for p in owner.into_iter().chain([p]) {
            if !parties.contains(&p) {
                parties.push(p);
            }
        }
    }
    parties
}

/// Which side of the parties a group of clauses stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Clauses of one agreement, on one side.
struct ClauseGroup {
    agreement: Option<String>,
    side: Side,
    clauses: Vec<usize>,
}

/// A party and the members drawn under it.
struct PartyGroup {
    head: usize,
    members: Vec<usize>,
}

impl PartyGroup {
    fn all(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.head).chain(self.members.iter().copied())
    }
}

/// A box placed in a column: its top and height.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Place {
    fn middle(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

fn layout(r: &Renderer, clauses: &[usize], total: usize, mode: LinkMode) -> Option<DealMap> {
    if clauses.is_empty() {
        return None;
    }
    let relations = &r.graph.relations;
    let parties = parties_of(r, clauses);

    // Members stand under the party they belong to when it is drawn and
    // stands on its own.
    let owner = |p: usize| relations.party_affiliation[p].filter(|o| parties.contains(o));
    let mut groups: Vec<PartyGroup> = Vec::new();
    for &p in &parties {
        match owner(p).filter(|&o| owner(o).is_none()) {
            Some(o) => {
                if let Some(g) = groups.iter_mut().find(|g| g.head == o) {
                    g.members.push(p);
                } else {
                    groups.push(PartyGroup {
                        head: o,
                        members: vec![p],
                    });
                }
            }
            None if !groups.iter().any(|g| g.head == p) => groups.push(PartyGroup {
                head: p,
                members: Vec::new(),
            }),
            None => {}
        }
    }

    let mut sides: Vec<ClauseGroup> = Vec::new();
    for &c in clauses {
        let agreement = r.view(clause(c)).agreement.clone();
        match sides.iter_mut().find(|g| g.agreement == agreement) {
            Some(g) => g.clauses.push(c),
            None => sides.push(ClauseGroup {
                agreement,
                side: Side::Right,
                clauses: vec![c],
            }),
        }
    }
    if sides.len() > 1 {
        let (mut left, mut right) = (0, 0);
        for (n, g) in sides.iter_mut().enumerate() {
            let on_left = n == 0 || (n > 1 && left < right);
            g.side = if on_left { Side::Left } else { Side::Right };
            *(if on_left { &mut left } else { &mut right }) += g.clauses.len();
        }
    }

    let has_left = sides.iter().any(|g| g.side == Side::Left);
    let party_x = MARGIN + if has_left { CLAUSE_W + GAP } else { 0.0 };
    let x_of = |side: Side| match side {
        Side::Left => MARGIN,
        Side::Right => party_x + PARTY_W + GAP,
    };

    // Names wrapped once: heights do not change as rows move.
    let party_lines: HashMap<usize, Vec<String>> = (parties.iter())
        .map(|&p| {
            let width = PARTY_W - if owner(p).is_some() { INDENT } else { 0.0 };
            (
                p,
                wrap(&r.view(party_key(p)).name, width - 2.0 * PAD, NAME_SIZE),
            )
        })
        .collect();
    let clause_lines: HashMap<usize, Vec<String>> = (clauses.iter())
        .map(|&c| {
            (
                c,
                wrap(&r.view(clause(c)).name, CLAUSE_W - 2.0 * PAD, NAME_SIZE),
            )
        })
        .collect();
    let box_height = |lines: usize| 2.0 * PAD + lines as f64 * NAME_LINE + NOTE_LINE;
    let heading_lines = |text: &str, width: f64| wrap(text, width, HEADING_SIZE);
    let party_heading = heading_lines("Parties", PARTY_W);
    let group_headings: Vec<Vec<String>> = (sides.iter())
        .map(|g| heading_lines(g.agreement.as_deref().unwrap_or("Clauses"), CLAUSE_W))
        .collect();
    // Every column's first heading stands in one row at the top.
    let top = MARGIN
        + HEADING_LINE
            * (std::iter::once(&party_heading).chain(&group_headings))
                .map(Vec::len)
                .max()
                .unwrap_or(1) as f64
        + 6.0;

    order(&mut groups, &mut sides, &relations.clause_parties);

    // Stack the parties, then each side's clauses; then centre each column
    // on the tallest, below the row of headings.
    let mut party_places: HashMap<usize, Place> = HashMap::new();
    let mut y = 0.0;
    for g in &groups {
        for (n, p) in g.all().enumerate() {
            let indent = if n == 0 { 0.0 } else { INDENT };
            let h = box_height(party_lines[&p].len());
            let place = Place {
                x: party_x + indent,
                y,
                w: PARTY_W - indent,
                h,
            };
            party_places.insert(p, place);
            y += h + if n == g.members.len() {
                GROUP_GAP
            } else {
                ROW_GAP / 2.0
            };
        }
    }
    let party_height = y - GROUP_GAP;
    let mut clause_places: HashMap<usize, Place> = HashMap::new();
    let mut headings: Vec<Text> = Vec::new();
    let mut column_heights = [0.0_f64; 2];
    let mut columns: [Vec<usize>; 2] = Default::default();
    let mut heading_columns = Vec::new();
    for (g, lines) in sides.iter().zip(&group_headings) {
        let column = g.side as usize;
        let mut y = column_heights[column];
        if !columns[column].is_empty() {
            // A second agreement on one side: its heading among the boxes.
            y += GROUP_GAP - ROW_GAP;
            for line in lines {
                y += HEADING_LINE;
                headings.push(text(x_of(g.side), y - 4.0, line));
                heading_columns.push(column);
            }
            y += 4.0;
        }
        for &c in &g.clauses {
            let h = box_height(clause_lines[&c].len());
            let (x, w) = (x_of(g.side), CLAUSE_W);
            clause_places.insert(c, Place { x, y, w, h });
            columns[column].push(c);
            y += h + ROW_GAP;
        }
        column_heights[column] = y;
    }
    let heights = column_heights.map(|h| h - ROW_GAP);
    let body = heights.into_iter().fold(party_height, f64::max);
    let shift = |height: f64| top + ((body - height) / 2.0).max(0.0);
    for place in party_places.values_mut() {
        place.y += shift(party_height);
    }
    for (column, cs) in columns.iter().enumerate() {
        for c in cs {
            if let Some(place) = clause_places.get_mut(c) {
                place.y += shift(heights[column]);
            }
        }
    }
    for (h, &column) in headings.iter_mut().zip(&heading_columns) {
        h.y += px(shift(heights[column]));
    }

    // The first heading of each column, in the row at the top.
    headings.push(text(
        party_x,
        MARGIN + HEADING_LINE - 4.0,
        &party_heading.join(" "),
    ));
    let mut headed = [false; 2];
    for (g, lines) in sides.iter().zip(&group_headings) {
        if !std::mem::replace(&mut headed[g.side as usize], true) {
            for (n, line) in lines.iter().enumerate() {
                let y = MARGIN + HEADING_LINE * (n + 1) as f64 - 4.0;
                headings.push(text(x_of(g.side), y, line));
            }
        }
    }

    let href = |key: EntityKey| entity_href(r.briefing, key, mode);
    let side_of = |c: usize| {
        (sides.iter())
            .find(|g| g.clauses.contains(&c))
            .map_or(Side::Right, |g| g.side)
    };

    // Connections, each end spread along the side of its box that faces
    // the other, in the order of the other ends' heights.
    let pairs: Vec<(usize, usize)> = (clauses.iter())
        .flat_map(|&c| relations.clause_parties[c].iter().map(move |&p| (c, p)))
        .filter(|(_, p)| party_places.contains_key(p))
        .collect();
    let spread = |ends: Vec<(f64, (usize, usize))>, place: &Place| {
        let mut ends = ends;
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = ends.len() as f64;
        (ends.into_iter().enumerate())
            .map(|(i, (_, pair))| (pair, place.y + place.h * (i as f64 + 1.0) / (n + 1.0)))
            .collect::<Vec<_>>()
    };
    let mut clause_ends: HashMap<(usize, usize), f64> = HashMap::new();
    let mut party_ends: HashMap<(usize, usize), f64> = HashMap::new();
    for &c in clauses {
        let ends = (pairs.iter())
            .filter(|(pc, _)| *pc == c)
            .map(|&(c, p)| (party_places[&p].middle(), (c, p)))
            .collect();
        clause_ends.extend(spread(ends, &clause_places[&c]));
    }
    for &p in &parties {
        for side in [Side::Left, Side::Right] {
            let ends = (pairs.iter())
                .filter(|&&(c, pp)| pp == p && side_of(c) == side)
                .map(|&(c, p)| (clause_places[&c].middle(), (c, p)))
                .collect();
            party_ends.extend(spread(ends, &party_places[&p]));
        }
    }
    let edges = (pairs.iter())
        .map(|&(c, p)| {
            let (cp, pp) = (&clause_places[&c], &party_places[&p]);
            let (cy, py) = (clause_ends[&(c, p)], party_ends[&(c, p)]);
            let d = match side_of(c) {
                Side::Left => curve(cp.x + cp.w, cy, pp.x, py),
                Side::Right => curve(pp.x + pp.w, py, cp.x, cy),
            };
            let (cv, pv) = (r.view(clause(c)), r.view(party_key(p)));
            let status = cv.status.map_or("", Status::as_str);
            Edge {
                d,
                status,
                href: href(clause(c)),
                title: format!("{} ({status}) binds {}", cv.name, pv.name),
            }
        })
        .collect();

    let brackets = (groups.iter())
        .filter_map(|g| {
            let head = &party_places[&g.head];
            let last = &party_places[g.members.last()?];
            let x = head.x + INDENT / 2.0;
            Some(format!(
                "M{} {}V{}H{}",
                px(x),
                px(head.y + head.h),
                px(last.middle()),
                px(last.x)
            ))
        })
        .collect();

    let node = |key: EntityKey, place: &Place, lines: &[String], note: String, class| {
        let view = r.view(key);
        let y = place.y + PAD + NAME_SIZE;
        Node {
            href: href(key),
            name: view.name.clone(),
            title: String::new(),
            class,
            x: px(place.x),
            y: px(place.y),
            w: px(place.w),
            h: px(place.h),
            lines: (lines.iter().enumerate())
                .map(|(n, line)| text(place.x + PAD, y + n as f64 * NAME_LINE, line))
                .collect(),
            note: text(
                place.x + PAD,
                y + (lines.len() as f64 - 1.0) * NAME_LINE + NOTE_LINE + 1.0,
                &note,
            ),
            group: None,
            parties: Vec::new(),
        }
    };
    let named = |key: EntityKey| Named {
        href: href(key),
        name: r.view(key).name.clone(),
    };
    let party_nodes = (groups.iter().flat_map(PartyGroup::all))
        .map(|p| {
            let (key, view) = (party_key(p), r.view(party_key(p)));
            let kind = view.party_kind.map_or("party", kind_word);
            let count = pairs.iter().filter(|(_, pp)| *pp == p).count();
            let mut n = node(key, &party_places[&p], &party_lines[&p], kind.into(), kind);
            n.title = match count {
                0 => format!("{} ({kind})", view.name),
                1 => format!("{} ({kind}): 1 clause", view.name),
                _ => format!("{} ({kind}): {count} clauses", view.name),
            };
            n.group = owner(p).map(|o| r.view(party_key(o)).name.clone());
            n
        })
        .collect();
    let clause_nodes = (sides.iter().flat_map(|g| &g.clauses))
        .map(|&c| {
            let (key, view) = (clause(c), r.view(clause(c)));
            let status = view.status.unwrap_or(Status::Unchanged);
            let note = match &view.label {
                Some(label) => format!("{label} · {} {}", mark(status), status.as_str()),
                None => format!("{} {}", mark(status), status.as_str()),
            };
            let mut n = node(
                key,
                &clause_places[&c],
                &clause_lines[&c],
                note,
                status.as_str(),
            );
            n.parties = relations.clause_parties[c]
                .iter()
                .map(|&p| named(party_key(p)))
                .collect();
            let names: Vec<&str> = n.parties.iter().map(|p| p.name.as_str()).collect();
            n.title = format!("{} ({}): {}", view.name, status.as_str(), names.join(", "));
            n.group = view.agreement.clone();
            n
        })
        .collect();

    let right = party_x
        + PARTY_W
        + if sides.iter().any(|g| g.side == Side::Right) {
            GAP + CLAUSE_W
        } else {
            0.0
        };
    let bottom = (party_places.values().chain(clause_places.values()))
        .map(|p| p.y + p.h)
        .fold(top, f64::max);
    Some(DealMap {
        width: px(right + MARGIN),
        height: px(bottom + MARGIN),
        headings,
        parties: party_nodes,
        clauses: clause_nodes,
        edges,
        brackets,
        shown: clauses.len(),
        total,
    })
}

/// Orders rows to keep connections from crossing: party groups start in
/// order of first mention and trade places with a neighbour while that
/// crosses fewer connections; clauses stand at the mean row of their
/// parties, ties in order of first mention. Every step is a stable sort or
/// a strict improvement, so the same briefing always gives the same order.
fn order(groups: &mut [PartyGroup], sides: &mut [ClauseGroup], clause_parties: &[Vec<usize>]) {
    let rows = |groups: &[PartyGroup]| -> HashMap<usize, usize> {
        let parties = groups.iter().flat_map(PartyGroup::all);
        parties.enumerate().map(|(row, p)| (p, row)).collect()
    };
    let place_clauses = |sides: &mut [ClauseGroup], rows: &HashMap<usize, usize>| {
        for g in sides.iter_mut() {
            let mean = |c: &usize| {
                let rows: Vec<f64> = (clause_parties[*c].iter())
                    .filter_map(|p| rows.get(p).map(|&r| r as f64))
                    .collect();
                rows.iter().sum::<f64>() / rows.len().max(1) as f64
            };
            g.clauses.sort_by(|a, b| mean(a).total_cmp(&mean(b)));
        }
    };
    let crossings = |groups: &[PartyGroup], sides: &[ClauseGroup]| {
        let rows = &rows(groups);
        let mut count = 0;
        for side in [Side::Left, Side::Right] {
            let edges: Vec<(usize, usize)> = (sides.iter().filter(|g| g.side == side))
                .flat_map(|g| &g.clauses)
                .enumerate()
                .flat_map(|(row, c)| {
                    clause_parties[*c]
                        .iter()
                        .filter_map(move |p| Some((row, *rows.get(p)?)))
                })
                .collect();
            for (n, a) in edges.iter().enumerate() {
                count += edges[n + 1..]
                    .iter()
                    .filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1))
                    .count();
            }
        }
        count
    };
    for _ in 0..ROUNDS {
        place_clauses(sides, &rows(groups));
        let mut best = crossings(groups, sides);
        let mut improved = false;
        for i in 1..groups.len() {
            groups.swap(i - 1, i);
            let now = crossings(groups, sides);
            if now < best {
                (best, improved) = (now, true);
            } else {
                groups.swap(i - 1, i);
            }
        }
        if !improved {
            break;
        }
    }
    place_clauses(sides, &rows(groups));
}

/// A status's sign, which shows it without colour beside its word.
fn mark(status: Status) -> &'static str {
    match status {
        Status::Added => "+",
        Status::Removed => "\u{2212}",
        Status::Changed => "\u{394}",
        Status::Unchanged => "=",
    }
}

/// A party's kind as front matter writes it.
fn kind_word(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Company => "company",
        PartyKind::Person => "person",
        PartyKind::Government => "government",
        PartyKind::Organisation => "organisation",
        PartyKind::Product => "product",
    }
}

fn px(v: f64) -> i64 {
    v.round() as i64
}

fn text(x: f64, y: f64, text: &str) -> Text {
    Text {
        x: px(x),
        y: px(y),
        text: text.to_string(),
    }
}

/// A connection from `(x1, y1)` on the left to `(x2, y2)` on the right,
/// leaving and arriving level.
fn curve(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let bend = (x2 - x1) / 2.0;
    format!(
        "M{} {}C{} {} {} {} {} {}",
        px(x1),
        px(y1),
        px(x1 + bend),
        px(y1),
        px(x2 - bend),
        px(y2),
        px(x2),
        px(y2)
    )
}

/// `text` broken into lines that fit `width` pixels at `size`, by
/// [`text_width`]; a word wider than a line is broken where it must be.
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&joined, size) <= width {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if !line.is_empty() && text_width(&format!("{line}{c}"), size) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// An estimate of how wide `text` is at `size` pixels, a little wider than
/// the wide sans-serif faces (DejaVu Sans) set it, so that a label measured
/// here fits its box in any of the theme's fonts.
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text.chars().map(advance).sum();
    em * size * 1.06
}

/// The advance of `c` in ems, near DejaVu Sans's.
fn advance(c: char) -> f64 {
    match c {
        ' ' | 'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '’' | '!' | '|' | 'I' | 'J' => {
            0.32
        }
        'f' | 't' | 'r' | '(' | ')' | '-' | '[' | ']' | '/' => 0.42,
        'm' | 'w' => 0.98,
        'M' | 'W' | '@' | '%' | '&' | '—' => 1.0,
        'A'..='Z' => 0.79,
        '–' | '·' => 0.55,
        c if c.is_ascii() => 0.64,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_each_line_within_its_width() {
        let text = "AGI threshold ending Microsoft's exclusive access";
        let lines = wrap(text, CLAUSE_W - 2.0 * PAD, NAME_SIZE);
        assert_eq!(lines.join(" "), text);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(
                text_width(line, NAME_SIZE) <= CLAUSE_W - 2.0 * PAD,
                "{line}"
            );
        }
        let long = "Supercalifragilisticexpialidociousnessandthensome";
        let broken = wrap(long, 100.0, NAME_SIZE);
        assert_eq!(broken.concat(), long);
        assert!(broken.iter().all(|l| text_width(l, NAME_SIZE) <= 100.0));
        assert_eq!(wrap("", 100.0, NAME_SIZE), [""]);
    }
}
