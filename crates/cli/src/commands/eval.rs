//! `nshunt eval`: how good reputation and risk are, on a generated
//! world whose truth is known (see EVALUATION.md).

use std::io::Write;

use anyhow::{Result, bail};
use nshunt_analyze::Settings;
use nshunt_analyze::eval::{Size, evaluate};

use super::{Context, finish};
use crate::args::EvalArgs;
use crate::output::{self, Format};

pub fn run(ctx: &Context, args: &EvalArgs) -> Result<()> {
    let Some(size) = Size::parse(&args.size) else {
        bail!("unknown --size {:?}: give small, default or large", args.size);
    };
    let mut settings = Settings::default();
    if let Some(threshold) = args.threshold {
        if !(0.0..=100.0).contains(&threshold) {
            bail!("--threshold {threshold}: give a number from 0 to 100");
        }
        settings.threshold = threshold;
    }

    let mut out = ctx.stdout();
    for &seed in &args.seed {
        let report = evaluate(seed, size, &settings);
        match ctx.global.format {
            Format::Text => writeln!(out, "{report}")?,
            format => output::write_json(&mut out, &serde_json::to_value(&report)?, format)?,
        }
    }
    finish(out)
}
