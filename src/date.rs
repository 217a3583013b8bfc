//! Dates as precise as the briefing knows them: a day, a month or only a year.
//!
//! Authors write a TOML date (`2026-04-27`), or a string holding a year and month
//! (`"2026-04"`) or a year (`"2030"`), so that nobody has to invent a day a source
//! does not give. A [`Date`] keeps exactly what was written and orders by its start.
//! This module only reads and orders dates; how readers see them is
//! `config::DateView`'s job, and locating a bad one is `frontmatter`'s.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};

/// The forms a date may take, as every bad date's message begins. `frontmatter`
/// recognises a date error by this prefix; a hint may follow after `"; "`.
pub const EXPECTED: &str = "expected a date: 2026-04-27, \"2026-04\" or \"2030\"";

/// A calendar date to the precision it was written with.
///
/// The fields are private so that a day never comes without its month. The
/// derived order compares year, then month, then day, and an absent part sorts
/// before any present one: dates sort by their start, and of two that start
/// together ("2026" and "2026-01-01") the less precise comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl Date {
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12, when one was written.
    pub fn month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, when one was written.
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// Reads the string form, `"2030"` or `"2026-04"`. The error is a hint for
    /// the author, or empty when there is nothing to add to [`EXPECTED`].
    fn from_partial(s: &str) -> Result<Date, String> {
        fn digits<T: std::str::FromStr>(part: &str, len: usize) -> Option<T> {
            let all = part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
            all.then(|| part.parse().ok()).flatten()
        }
        // The string forms never name a day.
        let day = None;
        let date = |year, month| Ok(Date { year, month, day });
        match s.split('-').collect::<Vec<_>>()[..] {
            [year] => digits(year, 4).map_or(Err(String::new()), |year| date(year, None)),
            [year, month] => match (digits(year, 4), digits(month, 2)) {
                (Some(year), Some(month @ 1..=12)) => date(year, Some(month)),
                (Some(_), Some(_)) => Err("months run from 01 to 12".to_string()),
                _ => Err(String::new()),
            },
            // A whole day in quotes is the likeliest slip of all.
            _ if s.parse().is_ok_and(|dt| Date::from_toml(&dt).is_ok()) => {
                Err(format!("a full date is written without quotes: {s}"))
            }
            _ => Err(String::new()),
        }
    }

    /// Reads a TOML date. A time of day or an offset is more than a date says,
    /// so it is refused rather than silently dropped.
    fn from_toml(dt: &toml::value::Datetime) -> Result<Date, String> {
        let date = dt.date.map(|d| Date {
            year: d.year,
            month: Some(d.month),
            day: Some(d.day),
        });
        match (date, dt.time, dt.offset) {
            (Some(date), None, None) => Ok(date),
            (Some(date), _, _) => Err(format!("leave out the time of day: {date}")),
            (None, _, _) => Err("a time of day is not a date".to_string()),
        }
    }
}

/// The ISO 8601 form to the written precision: `2026-04-27`, `2026-04`, `2030`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.year;
        match (self.month, self.day) {
            (Some(month), Some(day)) => write!(f, "{year:04}-{month:02}-{day:02}"),
            (Some(month), None) => write!(f, "{year:04}-{month:02}"),
            (None, _) => write!(f, "{year:04}"),
        }
    }
}

/// Reads either form through `toml::Value`, which already knows how the TOML
/// deserialiser hands over its dates; anything that is neither a date nor a
/// string is refused with the same message, so the author learns the forms.
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let read = match &value {
            toml::Value::Datetime(dt) => Date::from_toml(dt),
            toml::Value::String(s) => Date::from_partial(s),
            toml::Value::Integer(n) if (1000..=9999).contains(n) => {
                Err(format!("a year is written in quotes: \"{n}\""))
            }
            _ => Err(String::new()),
        };
        read.map_err(|hint| match hint.is_empty() {
            true => de::Error::custom(EXPECTED),
            false => de::Error::custom(format!("{EXPECTED}; {hint}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Meta {
        date: Date,
    }

    fn read(value: &str) -> Result<Date, String> {
        toml::from_str::<Meta>(&format!("date = {value}"))
            .map(|m| m.date)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn every_form_keeps_its_precision() {
        assert_eq!(
            read("2026-04-27").map(|d| d.to_string()).as_deref(),
            Ok("2026-04-27")
        );
        assert_eq!(
            read("\"2026-04\"").map(|d| d.to_string()).as_deref(),
            Ok("2026-04")
        );
        assert_eq!(
            read("\"2030\"").map(|d| d.to_string()).as_deref(),
            Ok("2030")
        );
        let month = read("\"2026-04\"").unwrap();
        assert_eq!(
            (month.year(), month.month(), month.day()),
            (2026, Some(4), None)
        );
    }

    #[test]
    fn anything_else_names_the_forms_and_a_hint_where_one_helps() {
        let expect = |hint: &str| match hint {
            "" => EXPECTED.to_string(),
            _ => format!("{EXPECTED}; {hint}"),
        };
        assert_eq!(read("\"April 2030\""), Err(expect("")));
        assert_eq!(read("\"2026-4\""), Err(expect("")));
        assert_eq!(read("\"2026-13\""), Err(expect("months run from 01 to 12")));
        assert_eq!(
            read("\"2026-04-27\""),
            Err(expect("a full date is written without quotes: 2026-04-27"))
        );
        assert_eq!(
            read("2030"),
            Err(expect("a year is written in quotes: \"2030\""))
        );
        assert_eq!(
            read("2026-04-27T10:00:00Z"),
            Err(expect("leave out the time of day: 2026-04-27"))
        );
        assert_eq!(read("10:00:00"), Err(expect("a time of day is not a date")));
        assert_eq!(read("true"), Err(expect("")));
        assert_eq!(read("[2030]"), Err(expect("")));
    }

    #[test]
    fn dates_sort_by_their_start() {
        let mut dates: Vec<Date> = [
            "\"2031\"",
            "2030-06-01",
            "\"2030-05\"",
            "\"2030\"",
            "2030-01-01",
        ]
        .iter()
        .map(|v| read(v).unwrap())
        .collect();
        dates.sort();
        let shown: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(
            shown,
            ["2030", "2030-01-01", "2030-05", "2030-06-01", "2031"]
        );
    }
}
