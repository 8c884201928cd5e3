//! Shared helpers for the JSON readers (lenient numbers, enums, ids, positions).
