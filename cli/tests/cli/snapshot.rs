//! The `configs` commands exactly as cli/build.rs generated them, recorded
//! so that a change of the document or of the generation settings shows up
//! as a reviewed diff of what the command line accepts. After reviewing it:
//! `INSTA_UPDATE=always cargo test -p live-record-callbacks-cli --test cli snapshot::`.

#[test]
fn generated_commands() {
    insta::assert_snapshot!(
        "generated_commands",
        include_str!(concat!(env!("OUT_DIR"), "/cli.rs"))
    );
}
