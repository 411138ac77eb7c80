//! The generated client, exactly as build.rs wrote it, is a reviewed
//! snapshot: any change to the document or to the generation settings shows
//! up here as a diff to review. After reviewing, record it with
//! `INSTA_UPDATE=always cargo test --test client snapshot::`.

#[test]
fn generated_client() {
    insta::assert_snapshot!("generated_client", live_record_callbacks::GENERATED_SOURCE);
}
