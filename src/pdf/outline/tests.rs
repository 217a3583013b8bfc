//! Reading back a PDF Chromium printed (`tests/fixtures/print/outline/`), and
//! the shapes it does not write, made with lopdf: a `/GoTo` outline entry, a
//! `/Names` tree, and files that are damaged.

use lopdf::{Object, StringFormat, dictionary};

use super::*;

const SAMPLE: &[u8] = include_bytes!("../../../tests/fixtures/print/outline/sample.pdf");

/// The outline, its named entries looked up in the PDF's destinations.
fn outline(pdf: &ReadBack) -> Result<Vec<(String, u32)>, ReadError> {
    pdf.outline(&pdf.destinations()?)
}

#[test]
fn reads_chromiums_outline_in_document_order_with_pages() {
    let printed = ReadBack::parse(SAMPLE).unwrap();
    let got = outline(&printed).unwrap();
    let want = [
        ("Contents", 1),
        ("1. The deal", 2),
        ("1.1 Amazon\u{2019}s \u{201c}turn\u{201d}", 2),
        ("Appendix A. Parties", 3),
        ("Globex", 3),
    ];
    assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));
}

#[test]
fn reads_chromiums_named_destinations_one_per_linked_id() {
    let want = [
        ("appendix-parties", 3),
        ("m-party-acme-1", 2),
        ("party-globex", 3),
        ("section-deal", 2),
    ];
    // `contents` has an id no link targets and `#nowhere` names no element:
    // Chromium writes neither.
    assert_eq!(
        ReadBack::parse(SAMPLE).unwrap().destinations().unwrap(),
        want.map(|(n, p)| (n.to_string(), p)).into_iter().collect()
    );
}

#[test]
fn what_does_not_parse_is_an_error_not_an_empty_outline() {
    for bytes in [
        &b""[..],
        b"%PDF-1.4 garbage 0 obj << /Root",
        &SAMPLE[..1000],
    ] {
        let read = ReadBack::parse(bytes).and_then(|p| outline(&p));
        assert!(read.is_err(), "{} bytes read as {read:?}", bytes.len());
    }
    // lopdf rebuilds a damaged cross-reference table from the objects it
    // finds, so a file cut short after its structure still reads right.
    let cut = ReadBack::parse(&SAMPLE[..SAMPLE.len() / 2]).unwrap();
    assert_eq!(outline(&cut).unwrap().len(), 5);
}

/// A PDF of `pages` empty pages whose catalog also holds `extra`, made by
/// `build`, which gets the document and the page ids.
fn made(pages: usize, build: impl FnOnce(&mut Document, &[ObjectId]) -> Dictionary) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let tree = doc.new_object_id();
    let ids: Vec<ObjectId> = (0..pages)
        .map(|_| doc.add_object(dictionary! { "Type" => "Page", "Parent" => tree }))
        .collect();
    let kids: Vec<Object> = ids.iter().map(|&id| id.into()).collect();
    doc.objects.insert(
        tree,
        dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 }.into(),
    );
    let mut catalog = build(&mut doc, &ids);
    catalog.set("Type", "Catalog");
    catalog.set("Pages", tree);
    let catalog = doc.add_object(catalog);
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

fn text(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

#[test]
fn reads_goto_actions_and_a_names_tree() {
    let pdf = made(3, |doc, pages| {
        let leaf = doc.add_object(dictionary! {
            "Names" => vec![text("late"), vec![pages[2].into(), "Fit".into()].into()],
        });
        let names = dictionary! {
            "Dests" => dictionary! {
                "Kids" => vec![leaf.into()],
            },
        };
        let outlines = doc.new_object_id();
        let second = doc.add_object(dictionary! {
            "Title" => text("By name"),
            "Parent" => outlines,
            "A" => dictionary! { "S" => "GoTo", "D" => text("late") },
        });
        let first = doc.add_object(dictionary! {
            "Title" => text("By action"),
            "Parent" => outlines,
            "Next" => second,
            "A" => dictionary! { "S" => "GoTo", "D" => vec![pages[1].into(), "Fit".into()] },
        });
        doc.objects.insert(
            outlines,
            dictionary! { "Type" => "Outlines", "First" => first }.into(),
        );
        dictionary! { "Names" => names, "Outlines" => outlines }
    });
    let printed = ReadBack::parse(&pdf).unwrap();
    assert_eq!(
        outline(&printed).unwrap(),
        [("By action".to_string(), 2), ("By name".to_string(), 3)]
    );
    assert_eq!(
        printed.destinations().unwrap(),
        [("late".to_string(), 3)].into()
    );
}

#[test]
fn a_pdf_without_outline_or_destinations_reads_as_empty() {
    let pdf = made(1, |_, _| Dictionary::new());
    let printed = ReadBack::parse(&pdf).unwrap();
    assert_eq!(outline(&printed).unwrap(), []);
    assert!(printed.destinations().unwrap().is_empty());
}

#[test]
fn a_pdf_without_pages_is_an_error() {
    let pdf = made(0, |_, _| Dictionary::new());
    assert!(matches!(ReadBack::parse(&pdf), Err(ReadError::NoPages)));
}

#[test]
fn entries_that_point_nowhere_or_loop_are_errors() {
    // An outline entry naming a destination that does not exist.
    let pdf = made(1, |doc, _| {
        let outlines = doc.new_object_id();
        let item = doc.add_object(dictionary! { "Title" => text("Lost"), "Dest" => "missing" });
        doc.objects
            .insert(outlines, dictionary! { "First" => item }.into());
        dictionary! { "Outlines" => outlines }
    });
    let err = outline(&ReadBack::parse(&pdf).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "outline entry \"Lost\" points at no page of the document"
    );

    // A destination on an object that is not a page.
    let pdf = made(1, |doc, _| {
        let stray = doc.add_object(dictionary! { "Type" => "Font" });
        dictionary! { "Dests" => dictionary! { "a" => vec![stray.into(), "Fit".into()] } }
    });
    let err = ReadBack::parse(&pdf)
        .and_then(|p| p.destinations())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "destination \"a\" points at no page of the document"
    );

    // Two entries that are each other's next.
    let pdf = made(1, |doc, pages| {
        let outlines = doc.new_object_id();
        let (a, b) = (doc.new_object_id(), doc.new_object_id());
        let dest = || Object::from(vec![pages[0].into(), "Fit".into()]);
        doc.objects.insert(
            a,
            dictionary! { "Title" => text("A"), "Dest" => dest(), "Next" => b }.into(),
        );
        doc.objects.insert(
            b,
            dictionary! { "Title" => text("B"), "Dest" => dest(), "Next" => a }.into(),
        );
        doc.objects
            .insert(outlines, dictionary! { "First" => a }.into());
        dictionary! { "Outlines" => outlines }
    });
    let err = outline(&ReadBack::parse(&pdf).unwrap()).unwrap_err();
    assert!(matches!(err, ReadError::Loop), "{err}");
}
