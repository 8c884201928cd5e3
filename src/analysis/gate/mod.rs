//! `gate`: a policy of assertions (coverage, attributes, services, relations, budgets, rules)
//! evaluated over traces, for CI.

pub mod eval;
pub mod policy;
pub mod selector;

pub use eval::{AssertionResult, evaluate};
pub use policy::Policy;

/// The commented starter file `gate --init` writes.
pub const STARTER: &str = include_str!("starter.toml");

#[cfg(test)]
mod tests;
