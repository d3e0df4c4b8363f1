//! The one loop: terminal input, cluster notifications, effect results, the clock and stop
//! signals go in; a frame comes out only when the state is dirty, at most ~30 per second.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use jiff::Timestamp;
use tokio::time::Instant;

use crate::app::Msg;
use crate::config::Theme;

use super::session::Session;
use super::terminal::TerminalGuard;

/// Shortest time between two frames.
const FRAME: Duration = Duration::from_millis(33);

/// Runs the UI until the user quits or the process is told to stop.
pub async fn run_tui(session: &mut Session, theme: Theme) -> std::io::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    session.dispatch(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    let mut input = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last_frame = Instant::now() - FRAME;
    let mut stop = stop_signals()?;
    loop {
        for sequence in session.take_clipboard() {
            use std::io::Write;
            let out = guard.terminal.backend_mut();
            out.write_all(sequence.as_bytes())?;
            out.flush()?;
        }
        if session.state.dirty && last_frame.elapsed() >= FRAME {
            guard
                .terminal
                .draw(|frame| crate::ui::render(frame, &session.state, &theme))?;
            session.state.dirty = false;
            last_frame = Instant::now();
        }
        if session.state.quit {
            return Ok(());
        }
        let next_frame = last_frame + FRAME;
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => session.dispatch(Msg::Key(key)),
                Some(Ok(Event::Resize(width, height))) => session.dispatch(Msg::Resize { width, height }),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            () = session.next() => {}
            _ = clock.tick() => session.dispatch(Msg::Tick(Timestamp::now())),
            () = tokio::time::sleep_until(next_frame), if session.state.dirty => {}
            _ = stop.recv() => return Ok(()),
        }
    }
}

/// SIGTERM, SIGHUP and SIGINT end the loop so the terminal is restored.
fn stop_signals() -> std::io::Result<tokio::sync::mpsc::Receiver<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    for kind in [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
    ] {
        let mut stream = signal(kind)?;
        let tx = tx.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                let _ = tx.send(()).await;
            }
        });
    }
    Ok(rx)
}
