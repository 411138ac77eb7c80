//! The hand-written `CallbackKey` (it replaces the generated type so the
//! key stays out of `Debug`) must accept exactly what the document's
//! `CallbackKey` schema accepts. The rule is read from the document here, so
//! the document stays its one source.

use live_record_callbacks::secret::CallbackKey;
use rand::{Rng, SeedableRng};

struct DocumentRule {
    pattern: regex::Regex,
    min_length: Option<usize>,
    max_length: Option<usize>,
}

impl DocumentRule {
    fn load() -> Self {
        let doc: serde_yaml::Value =
            serde_yaml::from_str(live_record_callbacks_test_support::DOCUMENT).unwrap();
        let schema = &doc["components"]["schemas"]["CallbackKey"];
        assert_eq!(schema["type"].as_str(), Some("string"));
        let pattern = schema["pattern"]
            .as_str()
            .expect("CallbackKey has a pattern");
        Self {
            pattern: regex::Regex::new(pattern).unwrap(),
            min_length: schema["minLength"].as_u64().map(|n| n as usize),
            max_length: schema["maxLength"].as_u64().map(|n| n as usize),
        }
    }

    fn accepts(&self, s: &str) -> bool {
        let n = s.chars().count();
        self.pattern.is_match(s)
            && self.min_length.is_none_or(|m| n >= m)
            && self.max_length.is_none_or(|m| n <= m)
    }
}

#[test]
fn callback_key_accepts_exactly_what_the_document_says() {
    let rule = DocumentRule::load();
    let mut cases: Vec<String> = vec![
        String::new(),
        "a".repeat(31),
        "a".repeat(32),
        "Z9".repeat(40),
        format!("{}-", "a".repeat(32)),
        format!("_{}", "a".repeat(32)),
        format!("{} ", "a".repeat(32)),
        format!("{}\n", "a".repeat(32)),
        format!("{}é", "a".repeat(32)),
        "é".repeat(32),
        "٣".repeat(32), // Unicode digits are not ASCII digits
        format!("{}*", "a".repeat(31)),
    ];
    let alphabet: Vec<char> = "abcXYZ0189-_ *é+/=\u{0}".chars().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for _ in 0..5000 {
        let len = rng.gen_range(0..70);
        let mostly_valid = rng.gen_bool(0.7);
        cases.push(
            (0..len)
                .map(|_| {
                    if mostly_valid && rng.gen_bool(0.98) {
                        alphabet[rng.gen_range(0..10)]
                    } else {
                        alphabet[rng.gen_range(0..alphabet.len())]
                    }
                })
                .collect(),
        );
    }
    let mut accepted = 0;
    for case in &cases {
        let ours = case.parse::<CallbackKey>().is_ok();
        assert_eq!(
            ours,
            rule.accepts(case),
            "CallbackKey and the document disagree on {case:?}"
        );
        accepted += ours as usize;
    }
    // Both outcomes were exercised.
    assert!(
        accepted > 100 && accepted < cases.len() - 100,
        "{accepted} of {}",
        cases.len()
    );
}

#[test]
fn callback_key_errors_never_repeat_the_value() {
    for bad in ["short0123", "0123456789abcdef0123456789abcde!"] {
        let err = bad.parse::<CallbackKey>().unwrap_err().to_string();
        assert!(!err.contains(bad), "{err}");
    }
}
