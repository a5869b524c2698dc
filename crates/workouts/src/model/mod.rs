//! Entities and value rules of the workouts module: exercises, programs,
//! sessions with their sets, and history. Dependencies between the parts
//! point one way: history → sessions → programs → exercises.

mod exercises;
mod history;
mod programs;
mod sessions;

pub use exercises::*;
pub use history::*;
pub use programs::*;
pub use sessions::*;
