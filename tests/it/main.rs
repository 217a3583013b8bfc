//! Integration tests: one binary, a module per feature, each on tiny fixture
//! sites under `tests/fixtures/<feature>/<case>/`.

mod support;

mod architecture;
mod bench;
mod browser;
mod build;
mod conventions;
mod dealmap;
mod errors;
mod events;
mod incremental;
mod meta;
mod print;
mod properties;
mod publish;
mod robustness;
mod serve;
mod sources;
mod templates;
