//! Publishing: the output works under any subpath and from `file://`, carries
//! no absolute URL of its own unless `base_url` is set, and every build
//! verifies its links; `brief init` and `brief new` start a site that passes.

use std::path::Path;

use crate::support::*;

mod base_url;
mod hosting;
mod init;
mod links;
mod reproducible;

fn build_repo_briefing(out: &Path, extra: &[&str]) {
    let mut args = vec!["build", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(extra);
    let run = brief(&repo_root(), &args);
    assert!(run.status.success(), "{}", stderr(&run));
}
