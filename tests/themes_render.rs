//! Every shipped theme draws every view at 80x24 and 200x60; monochrome uses no colour at all.

mod support;

use kmedic::config::{Theme, shipped_themes};
use kmedic::model::ResourceKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use support::*;

#[tokio::test]
async fn every_theme_renders_every_view_at_two_sizes() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "all kinds", |st| {
        ResourceKind::WATCHED
            .iter()
            .all(|k| st.kinds.get(k).is_some_and(|d| d.synced))
    })
    .await;
    let themes = shipped_themes();
    assert!(themes.len() >= 4, "dark, light, high-contrast, monochrome");
    for (name, _) in themes {
        let theme = Theme::shipped(name).expect("shipped theme loads");
        for view in ["po", "deploy", "svc", "no", "ns", "ev"] {
            command(&mut s, view);
            for (w, h) in [(80u16, 24u16), (200, 60)] {
                s.dispatch(kmedic::app::Msg::Resize {
                    width: w,
                    height: h,
                });
                let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
                terminal
                    .draw(|f| kmedic::ui::render(f, &s.state, &theme))
                    .expect("draw");
                let buffer = terminal.backend().buffer();
                let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
                assert!(
                    text.contains("READ-ONLY") && text.contains(s.state.view.title()),
                    "{name} {view} {w}x{h}"
                );
                let coloured = buffer
                    .content()
                    .iter()
                    .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
                if *name == "monochrome" {
                    assert!(!coloured, "monochrome draws no colour ({view} {w}x{h})");
                } else {
                    assert!(coloured, "{name} colours something ({view} {w}x{h})");
                }
            }
        }
    }
}

#[tokio::test]
async fn ascii_mode_draws_only_ascii_chrome() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    s.state.ascii = true;
    for view in ["po", "svc", "no"] {
        command(&mut s, view);
        let text = screen(&s, 120, 30);
        assert!(text.is_ascii(), "non-ASCII drawn in --ascii mode:\n{text}");
        assert!(text.contains("+-") && text.contains("* live"), "{text}");
    }
    type_text(&mut s, "?");
    assert!(screen(&s, 120, 30).is_ascii());
}
