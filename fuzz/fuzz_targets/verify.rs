//! Output verification: any bytes as a page never panic the link checker.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let pages = [("sections/x.html", bytes), ("index.html", &b"<p id=\"a\">"[..])];
    let _ = brief::verify::verify(pages, &BTreeMap::new());
});
