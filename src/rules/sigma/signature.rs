//! Signatures of compiled field tests: equal texts for tests that answer every value
//! alike, so [`super::shared`] can merge identical detection items across rules.

use super::modifiers::{FieldTest, ValueTest};

impl ValueTest {
    /// Appends a text equal for two tests exactly when they answer every value alike.
    pub fn signature(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = match self {
            ValueTest::Str(set) => {
                set.signature(out);
                Ok(())
            }
            ValueTest::Regex(re) => write!(out, "re{:?}", re.as_str()),
            ValueTest::Cidr(nets) => write!(out, "cidr{nets:?}"),
            ValueTest::Cmp(op, n) => write!(out, "cmp{op:?}{}", n.to_bits()),
            ValueTest::Null => write!(out, "null"),
            ValueTest::Exists(want) => write!(out, "exists{want}"),
            ValueTest::FieldRef { other, kind, cased } => {
                write!(out, "ref{other:?}{kind:?}{cased}")
            }
            ValueTest::Time(t) => write!(out, "time{:?}{:?}{}", t.part, t.op, t.value),
        };
    }
}

impl FieldTest {
    /// Appends a text equal for two field tests exactly when they answer every document
    /// alike, given the same mapped field (the field name is part of it).
    pub fn signature(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(
            out,
            "{:?}|{}{}|{}|",
            self.field,
            u8::from(self.all),
            u8::from(self.negate),
            self.tests.len()
        );
        for t in &self.tests {
            t.signature(out);
            out.push(';');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::modifiers::{Placeholders, compile_field};
    use super::super::yaml::Scalar;

    fn sig(key: &str, values: &[&str]) -> String {
        let values: Vec<Scalar> = values.iter().map(|v| Scalar::Str(v.to_string())).collect();
        let test = compile_field(key, &values, &Placeholders::new()).unwrap();
        let mut out = String::new();
        test.signature(&mut out);
        out
    }

    /// Same key and values: same signature; any difference that changes answers: not.
    #[test]
    fn signatures_separate_what_answers_differently() {
        let base = sig("Image|endswith", &["\\net.exe", "\\net1.exe"]);
        assert_eq!(base, sig("Image|endswith", &["\\net.exe", "\\net1.exe"]));
        let different = [
            sig("Image|endswith", &["\\net.exe"]),
            sig("Image|endswith|cased", &["\\net.exe", "\\net1.exe"]),
            sig("Image|contains", &["\\net.exe", "\\net1.exe"]),
            sig("Image|startswith", &["\\net.exe", "\\net1.exe"]),
            sig("Image", &["\\net.exe", "\\net1.exe"]),
            sig("Image|endswith|all", &["\\net.exe", "\\net1.exe"]),
            sig("Image|endswith|neq", &["\\net.exe", "\\net1.exe"]),
            sig("ParentImage|endswith", &["\\net.exe", "\\net1.exe"]),
            sig("Image|re", &["\\\\net.exe"]),
            sig("Image|hour", &["3"]),
            sig("Image|hour|gte", &["3"]),
            sig("Image|endswith", &["\\net.exe", "\\net?.exe"]),
        ];
        for (i, d) in different.iter().enumerate() {
            assert_ne!(*d, base, "case {i}");
            for (j, e) in different.iter().enumerate() {
                assert_eq!(i == j, d == e, "cases {i} and {j}");
            }
        }
    }
}
