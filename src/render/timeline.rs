//! The time axis: every dated thing in the briefing (events, the dates a
//! clause takes effect and runs until, the dates quotes were said) laid out
//! along a drawn axis, as the view `timeline.html`, the front page and
//! print's Chronology draw as inline SVG.
//!
//! This module only decides where things go: the axis runs from the start
//! of the first year to the end of the last, each thing is a mark at its
//! date (a dot for a day; a bar over the month or the year for a date known
//! only that precisely), and each label goes in the lowest row above the
//! axis where it overlaps no other. Label widths are estimated generously
//! from their characters, since the build cannot measure text in the
//! reader's fonts; the browser tests check the result. The SVG itself is
//! the template's (`timeline_axis.html`).

use serde::Serialize;

use super::Renderer;
use super::views::{LinkMode, entity_href};
use crate::config::DateView;
use crate::date::Date;
use crate::model::{Briefing, EntityKey, Kind, shorten};

/// The width of the drawing, in its own units (CSS pixels at full size).
const WIDTH: u32 = 640;
/// Room left and right of the axis.
const MARGIN: u32 = 12;
/// The label's font size and the height of a row of labels.
const FONT: f32 = 12.0;
const ROW: u32 = 20;
/// The space kept between two labels in a row.
const GAP: u32 = 10;
/// Where the first row's baseline sits below the top.
const TOP: u32 = 18;
/// Below the lowest row: the axis, then the year labels under it.
const AXIS_BELOW_ROWS: u32 = 14;
const TICK_LABELS_BELOW_AXIS: u32 = 24;
const BOTTOM: u32 = 8;

/// One dated thing: its date, its entity and what the date is of it
/// (`Event`, `Takes effect`, `Runs until` or `Said`).
type Dated = (Date, EntityKey, &'static str);

/// Which dated things a drawing shows, and how long its labels may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything dated: `timeline.html` and print's Chronology.
    Full,
    /// The events alone (everything dated when there are none), with
    /// shorter labels: the front page's.
    Compact,
}

/// The drawn time axis, as templates see it. Coordinates are whole units
/// of the drawing's `viewBox`.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub width: u32,
    pub height: u32,
    /// The axis: its height and its ends; the baseline of the years under
    /// it. The template sets ticks, bars and the lines up to the labels
    /// from the axis and the labels' baselines.
    pub axis_y: u32,
    pub axis_from: u32,
    pub axis_to: u32,
    pub year_y: u32,
    /// The first and last year the axis shows.
    pub from: u16,
    pub to: u16,
    /// Where the axis has a tick.
    pub ticks: Vec<u32>,
    /// The years' labels, each in the middle of its year.
    pub years: Vec<Tick>,
    /// In date order, which is also the order of the list beside it.
    pub marks: Vec<Mark>,
}

/// A year's label under the axis.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: u32,
    pub label: String,
}

/// One dated thing drawn: a mark on the axis, a line up to its label, and
/// the label, all one link to its entity.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub kind: Kind,
    /// `event:id`, as references write it.
    pub key: String,
    pub href: String,
    /// The entity's name in full, and as the label shows it.
    pub name: String,
    pub label: String,
    /// `Event`, `Takes effect`, `Runs until` or `Said`.
    pub what: &'static str,
    pub date: DateView,
    /// `day`, `month` or `year`: a dot, or a bar as wide as the span.
    pub precision: &'static str,
    /// The entity's print label (`E2`), where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_label: Option<String>,
    pub x: u32,
    /// How wide a month's or a year's bar is, at least wide enough to see.
    pub bar_width: u32,
    /// The label's baseline, and where its text starts (or ends, when it
    /// would run off the right edge and is set to end at its line).
    pub y: u32,
    pub text_x: u32,
    pub anchor: &'static str,
}

/// The time axis of the briefing's dated things at `detail`, with links as
/// `mode` makes them and each entity's print label; None when nothing is
/// dated.
pub fn timeline(r: &Renderer, detail: Detail, mode: LinkMode) -> Option<TimelineView> {
    let briefing = r.briefing;
    let mut dated = dated(briefing);
    let is_event = |d: &Dated| d.1.kind == Kind::Event;
    if detail == Detail::Compact && dated.iter().any(is_event) {
        dated.retain(is_event);
    }
    // Sorted by date, the first is the earliest and the last the latest.
    let (first, last) = (dated.first()?.0.year(), dated.last()?.0.year());
    let scale = Scale::new(first, last);
    let mut marks = Vec::with_capacity(dated.len());
    let mut extents = Vec::with_capacity(dated.len());
    for &(date, key, what) in &dated {
        let name = briefing.display_name(key);
        let (x, x2, precision) = scale.span(&date);
        let text = match key.kind {
            Kind::Clause => format!("{what}: {name}"),
            _ => name.clone(),
        };
        let (label, extent, text_x, anchor) = fit(&text, x);
        extents.push(extent);
        marks.push(Mark {
            kind: key.kind,
            key: briefing.key_string(key),
            href: entity_href(briefing, key, mode),
            name,
            label,
            what,
            date: DateView::new(&date),
            precision,
            entity_label: r.graph.label(key),
            x,
            bar_width: x2.saturating_sub(x).max(4),
            y: 0,
            text_x,
            anchor,
        });
    }
    let rows = place(&extents);
    // Row 0 is the one nearest the axis, at the bottom of the rows.
    let count = rows.iter().max().map_or(1, |&r| r + 1);
    let axis_y = TOP + (count - 1) * ROW + AXIS_BELOW_ROWS;
    for (mark, row) in marks.iter_mut().zip(rows) {
        mark.y = TOP + (count - 1 - row) * ROW;
    }
    let (ticks, years) = scale.ticks();
    Some(TimelineView {
        width: WIDTH,
        height: axis_y + TICK_LABELS_BELOW_AXIS + BOTTOM,
        axis_y,
        axis_from: MARGIN,
        axis_to: WIDTH - MARGIN,
        year_y: axis_y + TICK_LABELS_BELOW_AXIS,
        from: first,
        to: last,
        ticks,
        years,
        marks,
    })
}

/// The label of a mark at `x`: `text` whole, set to start just right of
/// the mark's line, or, where it would run off the right edge, to end just
/// left of it; cut short only when it fits on neither side. With where it
/// runs, where its text is set, and how.
fn fit(text: &str, x: u32) -> (String, Extent, u32, &'static str) {
    let right_room = (WIDTH - MARGIN).saturating_sub(x + 4);
    let left_room = x.saturating_sub(4 + MARGIN);
    let room = right_room.max(left_room);
    let label = (1..=text.chars().count())
        .rev()
        .map(|chars| shorten(text, chars))
        .find(|label| text_width(label) <= room)
        .unwrap_or_else(|| shorten(text, 1));
    let width = text_width(&label);
    // Either side has room for at least half the axis, so a label set to
    // end at its line never runs past the left edge.
    let (left, text_x, anchor) = match width <= right_room {
        true => (x + 4, x + 4, "start"),
        false => (x.saturating_sub(4 + width), x.saturating_sub(4), "end"),
    };
    let extent = Extent {
        x,
        left,
        right: left + width,
    };
    (label, extent, text_x, anchor)
}

/// Every dated thing, in date order; of two on one date, in the order of
/// `Briefing::keys`, an entity's effective date before its end (the sort
/// is stable, and keeps the order they are added in).
fn dated(briefing: &Briefing) -> Vec<Dated> {
    let mut dated = Vec::new();
    let mut add = |date: Option<Date>, kind: Kind, index: usize, what| {
        dated.extend(date.map(|date| (date, EntityKey { kind, index }, what)));
    };
    for (index, event) in briefing.events.iter().enumerate() {
        add(Some(event.meta.date), Kind::Event, index, "Event");
    }
    for (index, clause) in briefing.clauses.iter().enumerate() {
        add(clause.meta.effective, Kind::Clause, index, "Takes effect");
        add(clause.meta.until, Kind::Clause, index, "Runs until");
    }
    for (index, quote) in briefing.quotes.iter().enumerate() {
        add(quote.meta.date, Kind::Quote, index, "Said");
    }
    dated.sort_by_key(|&(date, key, _)| (date, briefing.position(key)));
    dated
}

/// Where a mark stands on the axis and where its label runs.
#[derive(Debug, Clone, Copy)]
struct Extent {
    x: u32,
    left: u32,
    right: u32,
}

/// The row of each label, 0 nearest the axis: the lowest where it keeps
/// `GAP` from every other label, runs across no other mark's line (which
/// goes from the axis up to that mark's label), and has no label below it
/// across its own line; of marks at one place, the earlier above. Labels
/// run rightwards, so they are placed from the right: one that runs across
/// later marks goes above their labels. Where
/// no row avoids every line, the lowest clear of other labels is taken.
fn place(extents: &[Extent]) -> Vec<u32> {
    let mut by_row: Vec<Vec<Extent>> = Vec::new();
    let mut rows = vec![0; extents.len()];
    for (n, e) in extents.iter().enumerate().rev() {
        // Placed from the right, so the marks placed so far, each with its
        // row, stand at or right of this one, the nearest first.
        let placed = || extents[n + 1..].iter().zip(&rows[n + 1..]);
        // Above the labels of the marks whose lines this label runs across,
        // and of the later marks at the same place, so that a stack reads
        // in date order from the top.
        let crossed = placed()
            .take_while(|(o, _)| o.x <= e.right.max(e.x))
            .filter(|(o, _)| o.x == e.x || (e.left..=e.right).contains(&o.x))
            .map(|(_, row)| row + 1);
        let lowest = crossed.max().unwrap_or(0);
        // Not above a label that runs left across this mark's line (one
        // set to end at its own line, near the right edge).
        let highest = placed()
            .filter(|(o, _)| o.right < o.x && (o.left..=o.right).contains(&e.x))
            .map(|(_, &row)| row)
            .min()
            .unwrap_or(u32::MAX);
        let clear = |row: &u32| {
            (by_row.get(*row as usize).into_iter().flatten().rev())
                .all(|o| e.right + GAP <= o.left || o.right + GAP <= e.left)
        };
        let top = by_row.len() as u32;
        let row = (lowest..=highest.min(top))
            .find(clear)
            .or_else(|| (0..=top).find(clear))
            .unwrap_or(top);
        if row == top {
            by_row.push(Vec::new());
        }
        by_row[row as usize].push(*e);
        rows[n] = row;
    }
    rows
}

/// How wide a label sets at `FONT`, in whole pixels, erring wide.
fn text_width(text: &str) -> u32 {
    super::measure::text_width(text, f64::from(FONT)).ceil() as u32
}

/// Time along the axis, in "days" of a calendar of 31-day months: close
/// enough to even for a drawing, and exact for every date a briefing can
/// hold.
struct Scale {
    first: u16,
    years: u16,
}

const MONTH: u32 = 31;
const YEAR: u32 = 12 * MONTH;

impl Scale {
    fn new(first: u16, last: u16) -> Scale {
        Scale {
            first,
            years: last.saturating_sub(first) + 1,
        }
    }

    fn x(&self, day: u32) -> u32 {
        let length = f64::from(WIDTH - 2 * MARGIN);
        let whole = f64::from(u32::from(self.years) * YEAR);
        MARGIN + (f64::from(day) / whole * length).round() as u32
    }

    /// Where `date` starts and ends on the axis, and how precise it is.
    fn span(&self, date: &Date) -> (u32, u32, &'static str) {
        let year = u32::from(date.year().saturating_sub(self.first)) * YEAR;
        let month = year + date.month().map_or(0, |m| (u32::from(m) - 1) * MONTH);
        let (start, length, precision) = match (date.month(), date.day()) {
            (Some(_), Some(d)) => (month + u32::from(d) - 1, 0, "day"),
            (Some(_), None) => (month, MONTH, "month"),
            (None, _) => (year, YEAR, "year"),
        };
        (self.x(start), self.x(start + length), precision)
    }

    /// A tick at the start of each year and at the end of the last, and
    /// at each month when the axis spans two years or less; a year's label
    /// stands in the middle of its year, for every year, or every second,
    /// fifth, … when years are too narrow for each to have one.
    fn ticks(&self) -> (Vec<u32>, Vec<Tick>) {
        let per_year = f64::from(WIDTH - 2 * MARGIN) / f64::from(self.years.max(1));
        let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
            .into_iter()
            .find(|&step| f64::from(step) * per_year >= 40.0)
            .unwrap_or(10_000);
        let every = if self.years <= 2 { MONTH } else { YEAR };
        let length = u32::from(self.years) * YEAR;
        let ticks = (0..=length / every).map(|n| self.x(n * every)).collect();
        let years = (0..u32::from(self.years))
            .filter(|n| (u32::from(self.first) + n) % step == 0)
            .map(|n| Tick {
                x: self.x(n * YEAR + YEAR / 2),
                label: (u32::from(self.first) + n).to_string(),
            })
            .collect();
        (ticks, years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_share_a_row_only_where_they_overlap_no_label_and_no_line() {
        let at = |x: u32, width: u32| Extent {
            x,
            left: x + 4,
            right: x + 4 + width,
        };
        // Two far apart share the lowest row; one at the same place as
        // another goes above it; one that would run across a later mark's
        // line goes above that mark's label.
        assert_eq!(place(&[at(0, 50), at(300, 50)]), [0, 0]);
        assert_eq!(place(&[at(300, 50), at(300, 50)]), [1, 0]);
        // At one place, the earlier above the later, even where the
        // earlier would fit lower.
        assert_eq!(place(&[at(100, 20), at(100, 300), at(300, 50)]), [2, 1, 0]);
        assert_eq!(place(&[at(0, 200), at(100, 50), at(400, 50)]), [1, 0, 0]);
        // Under a label set to end at its line, near the right edge, no
        // row avoids every line: the lowest clear of labels is taken.
        let end = Extent {
            x: 600,
            left: 400,
            right: 596,
        };
        assert_eq!(place(&[at(300, 50), at(450, 50), end]), [0, 1, 0]);
    }

    #[test]
    fn thousands_of_marks_on_one_day_each_get_a_row() {
        let extents = vec![
            Extent {
                x: 100,
                left: 104,
                right: 300,
            };
            2000
        ];
        let rows = place(&extents);
        let mut sorted = rows.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 2000);
    }

    #[test]
    fn a_date_is_a_point_or_spans_what_it_leaves_open() {
        let scale = Scale::new(2025, 2030);
        let date = |s: &str| -> Date {
            #[derive(serde::Deserialize)]
            struct D {
                d: Date,
            }
            toml::from_str::<D>(&format!("d = {s}")).unwrap().d
        };
        let (x, x2, p) = scale.span(&date("2025-01-01"));
        assert_eq!((x, x2, p), (MARGIN, MARGIN, "day"));
        let (x, x2, p) = scale.span(&date("\"2030\""));
        assert_eq!((x2, p), (WIDTH - MARGIN, "year"));
        assert_eq!(x, scale.x(5 * YEAR));
        let (x, x2, p) = scale.span(&date("\"2026-04\""));
        assert_eq!(
            (x, x2, p),
            (
                scale.x(YEAR + 3 * MONTH),
                scale.x(YEAR + 4 * MONTH),
                "month"
            )
        );
        let (ticks, years) = scale.ticks();
        assert_eq!(ticks.len(), 7);
        let labels: Vec<_> = years.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["2025", "2026", "2027", "2028", "2029", "2030"]);
    }

    #[test]
    fn a_label_too_long_for_either_side_is_cut_to_fit() {
        let wide = "W".repeat(60);
        let (label, extent, _, anchor) = fit(&wide, WIDTH / 2);
        assert!(
            extent.left >= MARGIN && extent.right <= WIDTH - MARGIN,
            "{extent:?}"
        );
        assert!(
            label.ends_with('\u{2026}') && label.chars().count() < 36,
            "{label}"
        );
        assert_eq!(anchor, "start");
        let (_, extent, text_x, anchor) = fit("Runs until: a term", WIDTH - MARGIN);
        assert_eq!(
            (anchor, text_x, extent.right),
            ("end", WIDTH - MARGIN - 4, WIDTH - MARGIN - 4)
        );
    }
}
