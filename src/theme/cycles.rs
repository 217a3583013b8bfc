//! Refuses templates that would call themselves without end.
//!
//! Tera renders a macro call or an `include` by recursing on the thread's
//! stack and sets no limit of its own, so a macro that calls itself (or two
//! that call each other, or a template that includes itself) overflows the
//! stack, which Rust cannot catch: the process aborts, and under `brief
//! serve` the server with it. A recursion that ends is indistinguishable
//! from one that does not without running it, so every cycle is refused when
//! the templates load, from the calls and includes in the syntax trees Tera
//! parsed. Nothing is rendered here.

use std::collections::{BTreeMap, BTreeSet};

use tera::Tera;
use tera::ast::{Expr, ExprVal, Node};

/// Something that renders: a template's own body, or one of its macros.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro(String, String),
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unit::Template(name) => write!(f, "template `{name}`"),
            Unit::Macro(template, name) => write!(f, "macro `{name}` of `{template}`"),
        }
    }
}

/// What a body calls: macros by namespace and name, and templates included.
#[derive(Default)]
struct Calls {
    macros: Vec<(String, String)>,
    includes: Vec<String>,
}

/// An error naming the template and the cycle, when any macro or template can
/// reach itself through macro calls, includes and `extends`.
pub fn refuse_cycles(tera: &Tera) -> Result<(), String> {
    let graph = graph(tera);
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = find_cycle(&graph, start, &mut path, &mut done) {
            let owner = match &cycle[0] {
                Unit::Template(name) | Unit::Macro(name, _) => name.clone(),
            };
            let route: Vec<String> = cycle.iter().map(ToString::to_string).collect();
            return Err(format!(
                "template `{owner}` calls itself without end ({}); a macro may not call itself, directly or through other macros or includes: unroll the recursion",
                route.join(" → ")
            ));
        }
    }
    Ok(())
}

/// Depth-first search from `unit`; the units of the first cycle found, the
/// first repeated at the end.
fn find_cycle(
    graph: &BTreeMap<Unit, BTreeSet<Unit>>,
    unit: &Unit,
    path: &mut Vec<Unit>,
    done: &mut BTreeSet<Unit>,
) -> Option<Vec<Unit>> {
    if let Some(at) = path.iter().position(|u| u == unit) {
        let mut cycle = path[at..].to_vec();
        cycle.push(unit.clone());
        return Some(cycle);
    }
    if done.contains(unit) {
        return None;
    }
    path.push(unit.clone());
    for next in graph.get(unit).into_iter().flatten() {
        if let Some(cycle) = find_cycle(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(unit.clone());
    None
}

/// Every unit and the units it renders.
fn graph(tera: &Tera) -> BTreeMap<Unit, BTreeSet<Unit>> {
    let mut graph: BTreeMap<Unit, BTreeSet<Unit>> = BTreeMap::new();
    for (name, template) in &tera.templates {
        let mut calls = Calls::default();
        nodes(&template.ast, &mut calls);
        let mut own = edges(tera, name, calls);
        // A template that extends another renders the parent's body.
        own.extend(template.parents.iter().cloned().map(Unit::Template));
        graph.insert(Unit::Template(name.clone()), own);
        for (macro_name, definition) in &template.macros {
            let mut calls = Calls::default();
            nodes(&definition.body, &mut calls);
            let calls = edges(tera, name, calls);
            graph.insert(Unit::Macro(name.clone(), macro_name.clone()), calls);
        }
    }
    graph
}

/// The units `calls`, made in template `template`, render.
fn edges(tera: &Tera, template: &str, calls: Calls) -> BTreeSet<Unit> {
    let mut edges = BTreeSet::new();
    for (namespace, name) in calls.macros {
        let mut seen = BTreeSet::new();
        match namespace_file(tera, template, &namespace, &mut seen) {
            Some(file) => {
                edges.insert(Unit::Macro(file, name));
            }
            // Tera fails such a call when it is made; should it resolve in a
            // way not foreseen here, every macro of that name stands in, so
            // no cycle is missed.
            None => {
                for (file, t) in &tera.templates {
                    if t.macros.contains_key(&name) {
                        edges.insert(Unit::Macro(file.clone(), name.clone()));
                    }
                }
            }
        }
    }
    for include in calls.includes {
        if tera.templates.contains_key(&include) {
            edges.insert(Unit::Template(include));
        }
    }
    edges
}

/// The template whose macros `namespace` names inside `template`, as Tera
/// looks it up: `self`, then imports, then what imported files and parent
/// templates import.
fn namespace_file(
    tera: &Tera,
    template: &str,
    namespace: &str,
    seen: &mut BTreeSet<String>,
) -> Option<String> {
    if !seen.insert(template.to_string()) {
        return None;
    }
    let t = tera.templates.get(template)?;
    if namespace == "self" && !t.macros.is_empty() {
        return Some(template.to_string());
    }
    if let Some((file, _)) = t
        .imported_macro_files
        .iter()
        .find(|(_, ns)| ns == namespace)
    {
        return Some(file.clone());
    }
    let further = t.imported_macro_files.iter().map(|(file, _)| file);
    further
        .chain(t.parents.iter())
        .find_map(|next| namespace_file(tera, next, namespace, seen))
}

fn nodes(body: &[Node], calls: &mut Calls) {
    for node in body {
        match node {
            Node::VariableBlock(_, e) => expr(e, calls),
            Node::Include(_, names, _) => calls.includes.extend(names.iter().cloned()),
            Node::Set(_, set) => expr(&set.value, calls),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| expr(e, calls));
                nodes(&section.body, calls);
            }
            Node::Block(_, block, _) => nodes(&block.body, calls),
            Node::Forloop(_, forloop, _) => {
                expr(&forloop.container, calls);
                nodes(&forloop.body, calls);
                nodes(forloop.empty_body.as_deref().unwrap_or_default(), calls);
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    expr(condition, calls);
                    nodes(body, calls);
                }
                if let Some((_, body)) = &branches.otherwise {
                    nodes(body, calls);
                }
            }
            // A macro's own body is walked as its own unit.
            // Definitions are walked as units of their own; the rest call nothing.
            _ => {}
        }
    }
}

fn expr(e: &Expr, calls: &mut Calls) {
    value(&e.val, calls);
    for filter in &e.filters {
        filter.args.values().for_each(|a| expr(a, calls));
    }
}

fn value(v: &ExprVal, calls: &mut Calls) {
    match v {
        ExprVal::MacroCall(call) => {
            calls
                .macros
                .push((call.namespace.clone(), call.name.clone()));
            call.args.values().for_each(|a| expr(a, calls));
        }
        ExprVal::Math(m) => {
            expr(&m.lhs, calls);
            expr(&m.rhs, calls);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, calls);
            expr(&l.rhs, calls);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, calls);
            expr(&i.rhs, calls);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, calls)),
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| expr(a, calls)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, calls)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| value(v, calls)),
        // Literals and names call nothing.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(templates: &[(&str, &str)]) -> Result<(), String> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .map_err(|e| e.to_string())?;
        refuse_cycles(&tera)
    }

    #[test]
    fn recursion_of_every_kind_is_refused() {
        let self_call = "{% macro m(n) %}{{ self::m(n=n) }}{% endmacro m %}";
        let err = load(&[("a.html", self_call)]).unwrap_err();
        assert!(
            err.contains("`a.html`") && err.contains("macro `m`"),
            "{err}"
        );
        let mutual = "{% macro a() %}{% if true %}{{ self::b() }}{% endif %}{% endmacro a %}\
                      {% macro b() %}{% for x in [1] %}{{ self::a() | safe }}{% endfor %}{% endmacro b %}";
        assert!(load(&[("m.html", mutual)]).is_err());
        let across = [
            (
                "m.html",
                "{% import \"n.html\" as n %}{% macro a() %}{{ n::b() }}{% endmacro a %}",
            ),
            (
                "n.html",
                "{% import \"m.html\" as m %}{% macro b() %}{% set x = m::a() %}{% endmacro b %}",
            ),
        ];
        assert!(load(&across).is_err());
        assert!(load(&[("i.html", "{% include \"i.html\" %}")]).is_err());
        let through_include = [
            (
                "m.html",
                "{% macro a() %}{% include \"p.html\" %}{% endmacro a %}",
            ),
            ("p.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
        ];
        assert!(load(&through_include).is_err());
    }

    #[test]
    fn calls_that_end_are_allowed() {
        let templates = [
            (
                "m.html",
                "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}b{% endmacro b %}",
            ),
            (
                "h.html",
                "{% import \"m.html\" as m %}{% macro a() %}{{ m::a() }}{% endmacro a %}",
            ),
            (
                "page.html",
                "{% import \"h.html\" as h %}{{ h::a() }}{% include \"m.html\" %}",
            ),
        ];
        assert_eq!(load(&templates), Ok(()));
    }
}
