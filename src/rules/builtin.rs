//! The built-in pack, embedded at build time from the top-level `rules/` folder.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use super::BUILTIN_RULES;

    #[test]
    fn embedded_paths_are_relative_and_sorted() {
        let paths: Vec<_> = BUILTIN_RULES.iter().map(|(p, _)| *p).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert!(
            paths
                .iter()
                .all(|p| !p.starts_with('/') && !p.contains('\\'))
        );
    }
}
