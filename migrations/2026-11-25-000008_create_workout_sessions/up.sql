-- Workout sessions and their logged sets. Weights are kilograms.
CREATE TABLE workout_sessions (
    id         uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    program_id uuid,
    name       text        NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    notes      text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_workout_sessions PRIMARY KEY (id),
    CONSTRAINT fk_workout_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_workout_sessions_program FOREIGN KEY (program_id) REFERENCES programs (id) ON DELETE SET NULL,
    CONSTRAINT uq_workout_sessions_id_user UNIQUE (id, user_id),
    CONSTRAINT ck_workout_sessions_times CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX ix_workout_sessions_user_started ON workout_sessions (user_id, started_at DESC);
CREATE INDEX ix_workout_sessions_program ON workout_sessions (program_id);

CREATE TABLE workout_logs (
    id          uuid             NOT NULL,
    user_id     uuid             NOT NULL,
    session_id  uuid             NOT NULL,
    exercise_id uuid             NOT NULL,
    set_number  integer          NOT NULL,
    reps        integer          NOT NULL,
    weight      double precision NOT NULL DEFAULT 0,
    rpe         double precision,
    notes       text,
    created_at  timestamptz      NOT NULL,
    CONSTRAINT pk_workout_logs PRIMARY KEY (id),
    CONSTRAINT fk_workout_logs_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_workout_logs_session FOREIGN KEY (session_id, user_id) REFERENCES workout_sessions (id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_workout_logs_exercise FOREIGN KEY (exercise_id, user_id) REFERENCES exercises (id, user_id),
    CONSTRAINT ck_workout_logs_values CHECK (set_number >= 1 AND reps >= 0 AND weight >= 0 AND (rpe IS NULL OR rpe BETWEEN 1 AND 10))
);
CREATE INDEX ix_workout_logs_session ON workout_logs (session_id, exercise_id, set_number);
CREATE INDEX ix_workout_logs_exercise ON workout_logs (exercise_id);
CREATE INDEX ix_workout_logs_user ON workout_logs (user_id);
