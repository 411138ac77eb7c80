//! The hand-written `PageOffset` and `PageLimit` (typify does not enforce
//! integer ranges) must accept exactly the range the document gives its
//! `PageOffset` and `PageLimit` schemas, and default to its default.

use live_record_callbacks::paging::{PageLimit, PageOffset};

fn schema(name: &str) -> (i64, i64, i64) {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(live_record_callbacks_test_support::DOCUMENT).unwrap();
    let s = &doc["components"]["schemas"][name];
    assert_eq!(s["type"].as_str(), Some("integer"), "{name}");
    (
        s["minimum"].as_i64().unwrap(),
        s["maximum"].as_i64().unwrap(),
        s["default"].as_i64().unwrap(),
    )
}

fn check<T>(name: &str, parse: impl Fn(i64) -> Option<T>, value: impl Fn(&T) -> i64, default: i64) {
    let (min, max, doc_default) = schema(name);
    assert_eq!(default, doc_default, "{name} default");
    for v in (min - 50)..=(max + 50) {
        let ours = parse(v);
        assert_eq!(ours.is_some(), (min..=max).contains(&v), "{name} {v}");
        if let Some(t) = ours {
            assert_eq!(value(&t), v);
        }
    }
    for v in [
        i64::MIN,
        i64::from(i32::MIN),
        -1,
        i64::from(u16::MAX) + 1,
        i64::from(i32::MAX),
        i64::MAX,
    ] {
        assert_eq!(parse(v).is_some(), (min..=max).contains(&v), "{name} {v}");
    }
}

#[test]
fn page_offset_matches_the_document() {
    check(
        "PageOffset",
        |v| PageOffset::try_from(v).ok(),
        |t| t.get().into(),
        PageOffset::DEFAULT.get().into(),
    );
}

#[test]
fn page_limit_matches_the_document() {
    check(
        "PageLimit",
        |v| PageLimit::try_from(v).ok(),
        |t| t.get().into(),
        PageLimit::DEFAULT.get().into(),
    );
}

#[test]
fn parsing_and_json_use_the_same_rule() {
    assert_eq!("100".parse::<PageLimit>().unwrap().get(), 100);
    assert_eq!(
        "0".parse::<PageLimit>().unwrap_err(),
        "limit must be between 1 and 100, got 0"
    );
    assert_eq!(
        "ten".parse::<PageLimit>().unwrap_err(),
        "limit must be a whole number, got \"ten\""
    );
    assert!(serde_json::from_str::<PageOffset>("4097")
        .unwrap_err()
        .to_string()
        .contains("offset must be between 0 and 4096"));
    assert_eq!(
        serde_json::to_string(&PageOffset::try_from(7).unwrap()).unwrap(),
        "7"
    );
}
