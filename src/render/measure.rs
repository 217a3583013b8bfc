//! How wide text sets, estimated without a font: the deal map and the time
//! axis place their labels by it at build time, and the browser checks
//! measure what a browser really sets.

/// `text` broken into lines that fit `width` pixels at `size`, by
/// [`text_width`]; a word wider than a line is broken where it must be.
pub fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() {
            let joined = format!("{line} {word}");
            if text_width(&joined, size) <= width {
                line = joined;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        // A word that starts a line, broken where it is wider than one
        // (a prefix of a word that fits fits too, so one that fits is whole).
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

/// An estimate of how wide `text` is at `size` pixels: a little wider than
/// DejaVu Sans, the widest of the faces the theme's font list falls back
/// to, sets it, so that a label measured here fits its box in any of them.
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text.chars().map(advance).sum();
    em * size * 1.06
}

/// The advance of `c` in ems, at or above DejaVu Sans's.
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
    fn wide_letters_are_counted_wider() {
        assert!(text_width("WWWW", 12.0) > text_width("iiii", 12.0) * 2.0);
        assert_eq!(text_width("", 12.0), 0.0);
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_within_its_width() {
        let text = "AGI threshold ending Microsoft's exclusive access";
        let lines = wrap(text, 176.0, 13.0);
        assert_eq!(lines.join(" "), text);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, 13.0) <= 176.0, "{line}");
        }
        let long = "Supercalifragilisticexpialidociousnessandthensome";
        let broken = wrap(long, 100.0, 13.0);
        assert_eq!(broken.concat(), long);
        assert!(broken.iter().all(|l| text_width(l, 13.0) <= 100.0));
        assert_eq!(wrap("", 100.0, 13.0), [""]);
    }
}
