//! A long-running `watchtime` (`run`, `answer --follow`) in a test: waiting for what it should
//! do, and stopping it the way an operator does.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::text;

/// How long a test waits for something the bot should do within seconds.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A process killed when the test ends, or fails, before stopping it.
pub struct Running(pub Option<Child>);

impl Running {
    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }

    pub fn take(mut self) -> Child {
        self.0.take().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits until `done()` holds, checking that `child` is still running meanwhile.
pub async fn until(child: &mut Child, what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the process ended ({status}) while waiting for {what}");
        }
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Stops `child` with SIGTERM and returns its standard error once it has exited 0.
pub fn stop(child: Child) -> String {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}; log:\n{stderr}",
        out.status
    );
    stderr
}
