//! The bundled demo dataset is exactly what the generator writes, so it can always be rebuilt.

use vigil::samples::generator::{GenConfig, generate};

#[test]
fn samples_file_is_reproduced_byte_for_byte() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/demo_events.ndjson");
    let committed = std::fs::read(&path).expect("samples/demo_events.ndjson is committed");
    let mut generated = Vec::new();
    let stats = generate(&GenConfig::demo(), &mut generated).unwrap();
    assert_eq!(
        stats.events as usize,
        committed.iter().filter(|b| **b == b'\n').count()
    );
    assert!(
        generated == committed,
        "regenerate with: cargo run --example gen_events -- --demo --out samples/demo_events.ndjson"
    );
}
