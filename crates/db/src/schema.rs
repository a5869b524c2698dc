// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        prefix -> Text,
        key_hash -> Bytea,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        scopes -> Text,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    captures (id) {
        id -> Uuid,
        user_id -> Uuid,
        content -> Text,
        source -> Text,
        status -> Text,
        converted_type -> Nullable<Text>,
        converted_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        processed_at -> Nullable<Timestamptz>,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    event_overrides (event_id, recurrence_id) {
        event_id -> Uuid,
        user_id -> Uuid,
        recurrence_id -> Timestamptz,
        title -> Nullable<Text>,
        description -> Nullable<Text>,
        location -> Nullable<Text>,
        starts_at -> Nullable<Timestamptz>,
        ends_at -> Nullable<Timestamptz>,
        color -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    events (id) {
        id -> Uuid,
        user_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        location -> Nullable<Text>,
        all_day -> Bool,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        timezone -> Text,
        rrule -> Nullable<Text>,
        exdates -> Array<Nullable<Timestamptz>>,
        color -> Nullable<Text>,
        series_end -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    exercises (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        category -> Text,
        muscle_groups -> Array<Nullable<Text>>,
        equipment -> Nullable<Text>,
        notes -> Nullable<Text>,
        archived -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        created_at -> Timestamptz,
        capture_id -> Uuid,
        message -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    journal_entries (id) {
        id -> Uuid,
        user_id -> Uuid,
        entry_type -> Text,
        entry_date -> Date,
        period_start -> Date,
        content -> Jsonb,
        word_count -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    journal_runs (user_id, entry_type, first_day) {
        user_id -> Uuid,
        entry_type -> Text,
        first_day -> Date,
        last_day -> Date,
    }
}

diesel::table! {
    login_failures (username, client_addr) {
        username -> Text,
        client_addr -> Text,
        window_start -> Timestamptz,
        failures -> Int4,
    }
}

diesel::table! {
    program_exercises (id) {
        id -> Uuid,
        user_id -> Uuid,
        program_id -> Uuid,
        exercise_id -> Uuid,
        position -> Int4,
        target_sets -> Nullable<Int4>,
        target_reps -> Nullable<Int4>,
        target_weight -> Nullable<Float8>,
        rest_seconds -> Nullable<Int4>,
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    programs (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        archived -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    project_notes (id) {
        id -> Uuid,
        user_id -> Uuid,
        project_id -> Uuid,
        title -> Text,
        body -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    projects (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        status -> Text,
        color -> Nullable<Text>,
        due_date -> Nullable<Date>,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        retired_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    tasks (id) {
        id -> Uuid,
        user_id -> Uuid,
        project_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        status -> Text,
        priority -> Nullable<Text>,
        due_date -> Nullable<Date>,
        position -> Int4,
        completed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    user_settings (user_id) {
        user_id -> Uuid,
        timezone -> Text,
        week_start -> Text,
        weight_unit -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        username -> Text,
        password_hash -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    workout_logs (id) {
        id -> Uuid,
        user_id -> Uuid,
        session_id -> Uuid,
        exercise_id -> Uuid,
        set_number -> Int4,
        reps -> Int4,
        weight -> Float8,
        rpe -> Nullable<Float8>,
        notes -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    workout_sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        program_id -> Nullable<Uuid>,
        name -> Text,
        started_at -> Timestamptz,
        ended_at -> Nullable<Timestamptz>,
        notes -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(captures -> users (user_id));
diesel::joinable!(event_overrides -> users (user_id));
diesel::joinable!(events -> users (user_id));
diesel::joinable!(exercises -> users (user_id));
diesel::joinable!(idempotency_keys -> users (user_id));
diesel::joinable!(journal_entries -> users (user_id));
diesel::joinable!(journal_runs -> users (user_id));
diesel::joinable!(program_exercises -> users (user_id));
diesel::joinable!(programs -> users (user_id));
diesel::joinable!(project_notes -> users (user_id));
diesel::joinable!(projects -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(tasks -> users (user_id));
diesel::joinable!(user_settings -> users (user_id));
diesel::joinable!(workout_logs -> users (user_id));
diesel::joinable!(workout_sessions -> programs (program_id));
diesel::joinable!(workout_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    calendar_feeds,
    captures,
    event_overrides,
    events,
    exercises,
    idempotency_keys,
    journal_entries,
    journal_runs,
    login_failures,
    program_exercises,
    programs,
    project_notes,
    projects,
    refresh_tokens,
    tasks,
    user_settings,
    users,
    workout_logs,
    workout_sessions,
);
