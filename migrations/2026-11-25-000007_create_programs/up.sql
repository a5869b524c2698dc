-- Training programs: an ordered list of exercises with targets. An
-- exercise used by a program cannot be deleted (archive it instead).
CREATE TABLE programs (
    id          uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    name        text        NOT NULL,
    description text,
    archived    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT pk_programs PRIMARY KEY (id),
    CONSTRAINT fk_programs_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_programs_id_user UNIQUE (id, user_id)
);
CREATE INDEX ix_programs_user_name ON programs (user_id, lower(name));

CREATE TABLE program_exercises (
    id            uuid    NOT NULL,
    user_id       uuid    NOT NULL,
    program_id    uuid    NOT NULL,
    exercise_id   uuid    NOT NULL,
    position      integer NOT NULL,
    target_sets   integer,
    target_reps   integer,
    target_weight double precision,
    rest_seconds  integer,
    notes         text,
    CONSTRAINT pk_program_exercises PRIMARY KEY (id),
    CONSTRAINT fk_program_exercises_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_program_exercises_program FOREIGN KEY (program_id, user_id) REFERENCES programs (id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_program_exercises_exercise FOREIGN KEY (exercise_id, user_id) REFERENCES exercises (id, user_id),
    CONSTRAINT uq_program_exercises_position UNIQUE (program_id, position),
    CONSTRAINT ck_program_exercises_targets CHECK (
        (target_sets IS NULL OR target_sets >= 0) AND (target_reps IS NULL OR target_reps >= 0)
        AND (target_weight IS NULL OR target_weight >= 0) AND (rest_seconds IS NULL OR rest_seconds >= 0))
);
CREATE INDEX ix_program_exercises_exercise ON program_exercises (exercise_id);
CREATE INDEX ix_program_exercises_user ON program_exercises (user_id);
