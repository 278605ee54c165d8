//! `watchtime ask QUERY…`: the reply a mention would get, printed.

use anyhow::Result;
use watchtime_core::bot;
use watchtime_core::message::{TextLimit, reply_text};

use crate::cli::AskArgs;
use crate::config::Config;
use crate::wiring::open_store;

pub async fn run(config: &Config, args: &AskArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let question = args.query.join(" ");
    let answer =
        bot::answer_text(store.as_ref(), &config.settings, &question, config.now()).await?;
    outln!("{}", reply_text(&answer, "", &TextLimit::X));
    Ok(())
}
