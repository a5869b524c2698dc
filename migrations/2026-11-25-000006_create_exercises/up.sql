-- The exercise library of each user. Names are unique per user,
-- case-insensitively.
CREATE TABLE exercises (
    id            uuid        NOT NULL,
    user_id       uuid        NOT NULL,
    name          text        NOT NULL,
    category      text        NOT NULL,
    muscle_groups text[]      NOT NULL DEFAULT '{}',
    equipment     text,
    notes         text,
    archived      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT pk_exercises PRIMARY KEY (id),
    CONSTRAINT fk_exercises_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_exercises_id_user UNIQUE (id, user_id),
    CONSTRAINT ck_exercises_category CHECK (category IN ('strength', 'cardio', 'mobility', 'other'))
);
CREATE UNIQUE INDEX uq_exercises_user_name ON exercises (user_id, lower(name));
