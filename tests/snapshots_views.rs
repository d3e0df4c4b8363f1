//! Snapshot of every view of the built-in scenario, rendered through real watch streams into a
//! TestBackend at a fixed clock (the scenario's reference time), at 80x24 and 160x40.

mod support;

use crossterm::event::KeyCode;
use kmedic::app::Msg;
use support::*;

#[tokio::test]
async fn every_view_at_two_sizes() {
    let (_sim, mut s, _) = frozen_demo().await;
    for (command_text, name) in [
        ("po", "pods"),
        ("deploy", "deployments"),
        ("svc", "services"),
        ("no", "nodes"),
        ("ns", "namespaces"),
        ("ev", "events"),
    ] {
        command(&mut s, command_text);
        for (w, h) in [(80u16, 24u16), (160, 40)] {
            s.dispatch(Msg::Resize {
                width: w,
                height: h,
            });
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), stable(&screen(&s, w, h)));
        }
    }
}

#[tokio::test]
async fn describe_yaml_help_and_picker() {
    let (_sim, mut s, _) = frozen_demo().await;
    s.dispatch(Msg::Resize {
        width: 120,
        height: 40,
    });
    type_text(&mut s, "/");
    type_text(&mut s, "cart");
    s.dispatch(key(KeyCode::Enter));
    insta::assert_snapshot!("pods_filtered", stable(&screen(&s, 120, 40)));
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "OOMKilled").await;
    insta::assert_snapshot!("describe_crashloop", stable(&screen(&s, 120, 40)));
    type_text(&mut s, "y");
    wait_for_screen(&mut s, "apiVersion").await;
    insta::assert_snapshot!("yaml_crashloop", stable(&screen(&s, 120, 40)));
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "?");
    insta::assert_snapshot!("help", stable(&screen(&s, 120, 40)));
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "n");
    insta::assert_snapshot!("namespace_picker", stable(&screen(&s, 120, 40)));
}
