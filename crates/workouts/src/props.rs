//! Properties of the workouts' parsers of client input: muscle groups,
//! a logged set's numbers, a program item's targets; never a panic.

use crate::{ExerciseId, ProgramItem, check_set, muscle_groups};
use proptest::prelude::*;

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        -20.0f64..20.0,
        any::<f64>(),
    ]
}

proptest! {
    #[test]
    fn muscle_groups_are_trimmed_unique_and_bounded_or_refused(
        raw in prop::collection::vec(
            prop_oneof![Just(" Back ".to_string()), Just("back".to_string()), Just(String::new()),
                        Just("a\u{0}".to_string()), "[a-zA-Z ]{0,60}"],
            0..25,
        ),
    ) {
        match muscle_groups(raw.clone()) {
            Ok(groups) => {
                prop_assert!(groups.len() <= 20 && groups.len() <= raw.len());
                for (i, g) in groups.iter().enumerate() {
                    prop_assert_eq!(g.as_str(), g.trim());
                    prop_assert!((1..=50).contains(&g.chars().count()));
                    prop_assert!(!groups[..i].iter().any(|o| o.eq_ignore_ascii_case(g)));
                }
            }
            Err(e) => prop_assert!(e.field.starts_with("muscle_groups")),
        }
    }

    #[test]
    fn a_set_is_in_range_or_refused(
        set_number in prop::option::of(any::<i32>()),
        reps in prop::option::of(any::<i32>()),
        weight in prop::option::of(number()),
        rpe in prop::option::of(number()),
    ) {
        match check_set(set_number, reps, weight, rpe) {
            Ok(()) => {
                prop_assert!(set_number.is_none_or(|n| (1..=10_000).contains(&n)));
                prop_assert!(reps.is_none_or(|r| (0..=100_000).contains(&r)));
                prop_assert!(weight.is_none_or(|w| (0.0..=10_000.0).contains(&w)));
                prop_assert!(rpe.is_none_or(|r| (1.0..=10.0).contains(&r)));
            }
            Err(e) => prop_assert!(["set_number", "reps", "weight", "rpe"].contains(&e.field.as_str())),
        }
    }

    #[test]
    fn a_program_item_is_in_range_or_names_its_field(
        sets in prop::option::of(any::<i32>()),
        reps in prop::option::of(any::<i32>()),
        weight in prop::option::of(number()),
        rest in prop::option::of(any::<i32>()),
        notes in prop::option::of("[a-z]{0,3}|x{1000,1001}"),
        at in 0usize..5,
    ) {
        let item = ProgramItem {
            exercise_id: ExerciseId(uuid::Uuid::nil()),
            target_sets: sets,
            target_reps: reps,
            target_weight: weight,
            rest_seconds: rest,
            notes,
        };
        match item.check(at) {
            Ok(()) => {
                prop_assert!([sets, reps, rest].iter().flatten().all(|v| *v >= 0));
                prop_assert!(weight.is_none_or(|w| w.is_finite() && w >= 0.0));
            }
            Err(e) => {
                let prefix = format!("[{at}].");
                prop_assert!(e.field.starts_with(&prefix));
            }
        }
    }
}
