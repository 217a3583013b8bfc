//! Front matter of every kind: splitting and typed parsing never panic, and
//! every diagnostic points inside the text.
#![no_main]

use brief::frontmatter::{parse, split};
use brief::model::{ClauseMeta, PartyMeta, QuoteMeta, SectionMeta};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let check = |d: brief::Diagnostic| assert!(d.span.start <= d.span.end && d.span.end <= text.len() + 1);
    match split(0, text) {
        Ok(s) => {
            assert!(s.body_start <= text.len());
            let _ = parse::<SectionMeta>(0, text, &s).map_err(check);
            let _ = parse::<PartyMeta>(0, text, &s).map_err(check);
            let _ = parse::<ClauseMeta>(0, text, &s).map_err(check);
            let _ = parse::<QuoteMeta>(0, text, &s).map_err(check);
        }
        Err(d) => check(d),
    }
});
