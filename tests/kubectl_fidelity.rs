//! kubectl against the simulated cluster.



#[path = "support/sim_fixtures.rs"]
mod fixtures;

#[tokio::test]
#[ignore]
async fn explore() {
    let sim = fixtures::start_objects(fixtures::small_cluster()).await;
    std::fs::write("/tmp/simkc.yaml", sim.kubeconfig_yaml()).unwrap();
    let store = sim.store();
    store.append_log(kmedic::sim::server::ContainerKey{namespace:"default".into(),pod:"web-1".into(),container:"app".into()}, jiff::Timestamp::now(), "hello".into());
    tokio::time::sleep(std::time::Duration::from_secs(300)).await;
}
