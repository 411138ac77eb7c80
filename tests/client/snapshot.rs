//! The generated client, exactly as build.rs wrote it, is a reviewed
//! snapshot: any change to the document or to the generation settings shows
//! up here as a diff to review. After reviewing, record it with
//! `INSTA_UPDATE=always cargo test --test client snapshot::`.

#[test]
fn generated_client() {
    insta::assert_snapshot!("generated_client", live_record_callbacks::GENERATED_SOURCE);
}

#[test]
fn contract_version_is_the_documents_info_version() {
    // The file in the repository, not the copy the build embedded.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(live_record_callbacks_test_support::DOCUMENT_PATH);
    let text = std::fs::read_to_string(path).expect("the document is readable");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("the document is YAML");
    assert_eq!(
        doc["info"]["version"].as_str(),
        Some(live_record_callbacks::CONTRACT_VERSION)
    );
}
