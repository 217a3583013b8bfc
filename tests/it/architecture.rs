//! The library's modules import each other in no circle: each one names
//! only modules below it, so every stage can be read without the ones after
//! it. The modules are those `src/lib.rs` declares; what a module names is
//! every `crate::…` path in its files outside tests (`#[cfg(test)]` items,
//! `tests.rs` files and `tests/` folders), and for `lib.rs` (the pipeline)
//! every path that starts at one of the modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::Visit;

/// The names a file's paths take from the crate root: the first segment
/// after `crate::`, or (for `lib.rs`) a module's name at the start of a
/// path of two segments or more (one segment alone is a local name).
struct Named<'a> {
    modules: &'a BTreeSet<String>,
    at_root: bool,
    found: BTreeSet<String>,
}

impl Named<'_> {
    fn first(&mut self, segments: &[String]) {
        match segments {
            [first, second, ..] if first == "crate" => {
                self.found.insert(second.clone());
            }
            [first, _, ..] if self.at_root && self.modules.contains(first) => {
                self.found.insert(first.clone());
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for Named<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.first(&segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for segments in use_paths(&item.tree) {
            self.first(&segments);
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }
}

/// Whether the attributes hold `#[cfg(test)]`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The first two segments of every path a `use` tree names.
fn use_paths(tree: &syn::UseTree) -> Vec<Vec<String>> {
    match tree {
        syn::UseTree::Path(p) => {
            let inner = use_paths(&p.tree);
            let head = p.ident.to_string();
            let rest = inner.into_iter().map(|mut s| {
                s.insert(0, head.clone());
                s.truncate(2);
                s
            });
            rest.collect()
        }
        syn::UseTree::Name(n) => vec![vec![n.ident.to_string()]],
        syn::UseTree::Rename(r) => vec![vec![r.ident.to_string()]],
        syn::UseTree::Glob(_) => vec![vec!["*".to_string()]],
        syn::UseTree::Group(g) => g.items.iter().flat_map(use_paths).collect(),
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).expect("read source");
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each module of the library and the modules it names, `lib` for the
/// crate root's own items.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = parse(&src.join("lib.rs"));
    let modules: BTreeSet<String> = (lib.items.iter())
        .filter_map(|item| match item {
            syn::Item::Mod(m) if !is_test(&m.attrs) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let files = walkdir::WalkDir::new(&src).sort_by_file_name().into_iter();
    for entry in files.map(|e| e.expect("walk src")) {
        let rel = entry.path().strip_prefix(&src).expect("inside src");
        let rel = rel.to_string_lossy().replace('\\', "/");
        let top = rel.split('/').next().unwrap_or("").trim_end_matches(".rs");
        let is_module = modules.contains(top) || top == "lib";
        let is_test = rel.ends_with("tests.rs") || rel.contains("/tests/");
        if !rel.ends_with(".rs") || is_test || !is_module {
            continue;
        }
        let mut named = Named {
            modules: &modules,
            at_root: top == "lib",
            found: BTreeSet::new(),
        };
        named.visit_file(&parse(entry.path()));
        for name in named.found {
            let to = if modules.contains(&name) {
                name
            } else {
                "lib".to_string()
            };
            if to != top {
                let edges = graph.entry(top.to_string()).or_default();
                edges.entry(to).or_insert_with(|| rel.clone());
            }
        }
    }
    graph
}

/// A circle through `from`, as the modules on it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeMap<String, String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("a path is never empty");
        for next in graph.get(last).into_iter().flat_map(|edges| edges.keys()) {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn modules_import_each_other_in_no_circle() {
    let graph = graph();
    assert!(
        graph.contains_key("render") && graph.contains_key("lib"),
        "{graph:?}"
    );
    for module in graph.keys() {
        if let Some(circle) = circle(&graph, module) {
            let steps: Vec<String> = (circle.windows(2))
                .map(|w| format!("{} → {} (in src/{})", w[0], w[1], graph[&w[0]][&w[1]]))
                .collect();
            panic!(
                "the modules import each other in a circle:\n{}",
                steps.join("\n")
            );
        }
    }
}

#[test]
fn a_circle_is_found_where_there_is_one() {
    let edge = |from: &str, to: &str| (from.to_string(), [(to.to_string(), "x.rs".to_string())]);
    let graph: BTreeMap<_, BTreeMap<_, _>> = [edge("a", "b"), edge("b", "c"), edge("c", "a")]
        .into_iter()
        .map(|(from, to)| (from, to.into_iter().collect()))
        .collect();
    assert_eq!(
        circle(&graph, "a"),
        Some(
            vec!["a", "b", "c", "a"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    let open: BTreeMap<_, BTreeMap<_, _>> = [edge("a", "b"), edge("b", "c")]
        .into_iter()
        .map(|(from, to)| (from, to.into_iter().collect()))
        .collect();
    assert_eq!(circle(&open, "a"), None);
}
