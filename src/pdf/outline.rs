//! Reads back what Chromium wrote into a PDF it printed: the outline
//! (bookmarks) with the page each entry points at, the named destinations
//! (the element ids that some link in the page targets) with their pages.
//! `brief pdf` uses it to put page numbers into the printed contents, which
//! Chromium's CSS cannot do.
//!
//! The parsing is lopdf's, and so is the walk of a `/Names` tree; this module
//! walks the few structures Chromium writes (`/Outlines`, the catalog's
//! `/Dests`) and turns page objects into 1-based page numbers. A file that
//! does not parse, or whose structures point nowhere, is an error rather than
//! an empty answer, so that a change in what Chromium writes is reported
//! instead of silently printing a contents list without page numbers. It reads
//! no page text and never edits a PDF.

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Why a printed PDF could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("it does not parse as a PDF ({0})")]
    Parse(lopdf::Error),
    #[error("it has no pages")]
    NoPages,
    #[error("{what} is malformed ({cause})")]
    Malformed { what: String, cause: lopdf::Error },
    #[error("{0} points at no page of the document")]
    Nowhere(String),
    #[error("its outline loops back on itself")]
    Loop,
}

/// A printed PDF, parsed, with the number of each page object.
pub struct ReadBack {
    doc: Document,
    pages: HashMap<ObjectId, u32>,
}

impl ReadBack {
    pub fn parse(pdf: &[u8]) -> Result<ReadBack, ReadError> {
        let doc = Document::load_mem(pdf).map_err(ReadError::Parse)?;
        let pages: HashMap<ObjectId, u32> =
            doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
        if pages.is_empty() {
            return Err(ReadError::NoPages);
        }
        Ok(ReadBack { doc, pages })
    }

    /// Every outline entry, as its title and the 1-based page it points at
    /// (through `names`, the [destinations](Self::destinations), when it
    /// names one), in document order (an entry, its children, then its next
    /// sibling); none when the PDF has no outline.
    pub fn outline(&self, names: &BTreeMap<String, u32>) -> Result<Vec<(String, u32)>, ReadError> {
        let catalog = self.doc.catalog().map_err(malformed("the catalog"))?;
        let Ok(root) = catalog.get_deref(b"Outlines", &self.doc) else {
            return Ok(Vec::new());
        };
        let root = root.as_dict().map_err(malformed("the outline"))?;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        // Entries still to visit, the next one last.
        let mut pending: Vec<ObjectId> = reference(root, b"First").into_iter().collect();
        while let Some(id) = pending.pop() {
            if !seen.insert(id) {
                return Err(ReadError::Loop);
            }
            let what = format!("outline entry {} {}", id.0, id.1);
            let item = self.doc.get_dictionary(id).map_err(malformed(&what))?;
            let title = item
                .get_deref(b"Title", &self.doc)
                .and_then(lopdf::decode_text_string)
                .map_err(malformed(&what))?;
            let what = format!("outline entry \"{title}\"");
            let dest = item.get_deref(b"Dest", &self.doc).or_else(|_| {
                (item.get_deref(b"A", &self.doc).and_then(Object::as_dict))
                    .and_then(|action| action.get_deref(b"D", &self.doc))
            });
            let page = match dest {
                Ok(Object::Name(name) | Object::String(name, _)) => names
                    .get(String::from_utf8_lossy(name).as_ref())
                    .copied()
                    .ok_or(ReadError::Nowhere(what))?,
                Ok(dest) => self.explicit_page(dest, &what)?,
                Err(_) => return Err(ReadError::Nowhere(what)),
            };
            entries.push((title, page));
            // The entry's children come before its next sibling.
            pending.extend(reference(item, b"Next"));
            pending.extend(reference(item, b"First"));
        }
        Ok(entries)
    }

    /// Each named destination with its 1-based page, from the catalog's
    /// `/Dests` dictionary (what Chromium writes: one per element id that a
    /// link in the page targets) and from a `/Names` tree's `/Dests`.
    pub fn destinations(&self) -> Result<BTreeMap<String, u32>, ReadError> {
        let what = "the named destinations";
        let catalog = self.doc.catalog().map_err(malformed(what))?;
        let mut found = BTreeMap::new();
        if let Ok(dests) = catalog.get_deref(b"Dests", &self.doc) {
            for (name, dest) in dests.as_dict().map_err(malformed(what))? {
                let name = String::from_utf8_lossy(name).into_owned();
                let page = self.explicit_page(dest, &format!("destination \"{name}\""))?;
                found.insert(name, page);
            }
        }
        let tree = catalog
            .get_deref(b"Names", &self.doc)
            .and_then(Object::as_dict)
            .and_then(|names| names.get_deref(b"Dests", &self.doc))
            .and_then(Object::as_dict);
        if let Ok(tree) = tree {
            // lopdf walks the tree, to a depth it limits, and leaves out
            // entries it cannot read; one that a contents entry needs is then
            // missing, which is an error where it is needed.
            let mut named = Default::default();
            (self.doc.get_named_destinations(tree, &mut named))
                .map_err(malformed("the tree of named destinations"))?;
            for (name, dest) in named {
                let name = String::from_utf8_lossy(&name).into_owned();
                let page = dest.page().ok().and_then(|page| self.page_number(page));
                let what = format!("destination \"{name}\"");
                found.insert(name, page.ok_or(ReadError::Nowhere(what))?);
            }
        }
        Ok(found)
    }

    fn explicit_page(&self, dest: &Object, what: &str) -> Result<u32, ReadError> {
        let array = match self.doc.dereference(dest) {
            Ok((_, Object::Dictionary(d))) => {
                d.get_deref(b"D", &self.doc).and_then(Object::as_array).ok()
            }
            Ok((_, Object::Array(a))) => Some(a),
            _ => None,
        };
        (array.and_then(|a| a.first()))
            .and_then(|page| self.page_number(page))
            .ok_or_else(|| ReadError::Nowhere(what.to_string()))
    }

    /// The 1-based number of the page object `page` refers to.
    fn page_number(&self, page: &Object) -> Option<u32> {
        self.pages.get(&page.as_reference().ok()?).copied()
    }
}

/// The error for `what`, which lopdf could not read.
fn malformed(what: &str) -> impl FnOnce(lopdf::Error) -> ReadError + use<> {
    let what = what.to_string();
    move |cause| ReadError::Malformed { what, cause }
}

/// The object `/key n g R` refers to, when the entry is a reference.
fn reference(dict: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    dict.get(key).and_then(Object::as_reference).ok()
}

#[cfg(test)]
mod tests;
