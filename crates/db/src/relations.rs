//! Joins that `diesel print-schema` cannot infer: these foreign keys are
//! composite (`(exercise_id, user_id)`, `(project_id, user_id)`) so that a
//! row can never point at another user's parent, and print-schema only
//! emits `joinable!` for single-column keys. `schema.rs` is generated; this
//! file is not.

use crate::schema::{exercises, program_exercises, projects, tasks, workout_logs};

diesel::joinable!(tasks -> projects (project_id));
diesel::joinable!(program_exercises -> exercises (exercise_id));
diesel::joinable!(workout_logs -> exercises (exercise_id));
