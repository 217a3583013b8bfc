//! Output verification: any bytes as a page never panic the link checker.
#![no_main]

use std::collections::BTreeMap;

use brief::render::OutFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let page = OutFile { path: "sections/x.html".into(), bytes: bytes.to_vec() };
    let other = OutFile { path: "index.html".into(), bytes: b"<p id=\"a\">".to_vec() };
    let _ = brief::verify::verify(&[page, other], &BTreeMap::new());
});
