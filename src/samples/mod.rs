//! vigil's own sample data: a deterministic generator of realistic ECS NDJSON (Windows hosts
//! with Sysmon and Security activity, Linux and macOS endpoints) that writes both the bundled
//! demo dataset in `samples/` and large datasets for benchmarks, with the account-creation
//! attack chains and false-positive bait of the built-in pack injected on request.

pub mod generator;
