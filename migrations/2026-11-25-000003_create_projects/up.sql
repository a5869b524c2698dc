-- Projects, their tasks and notes. Positions are 0..n-1 without gaps per
-- list; every change to a list locks its parent row (the user for projects,
-- the project for tasks) so concurrent changes serialise. The unique
-- position constraints are deferred to the end of the transaction, so a
-- reorder can move rows through occupied positions.
CREATE TABLE projects (
    id          uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    name        text        NOT NULL,
    description text,
    status      text        NOT NULL DEFAULT 'active',
    color       text,
    due_date    date,
    position    integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT pk_projects PRIMARY KEY (id),
    CONSTRAINT fk_projects_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_projects_id_user UNIQUE (id, user_id),
    CONSTRAINT uq_projects_user_position UNIQUE (user_id, position) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT ck_projects_status CHECK (status IN ('active', 'on_hold', 'completed', 'archived')),
    CONSTRAINT ck_projects_color CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    CONSTRAINT ck_projects_position CHECK (position >= 0)
);

CREATE TABLE tasks (
    id           uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    project_id   uuid        NOT NULL,
    title        text        NOT NULL,
    description  text,
    status       text        NOT NULL DEFAULT 'todo',
    priority     text,
    due_date     date,
    position     integer     NOT NULL,
    completed_at timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT pk_tasks PRIMARY KEY (id),
    CONSTRAINT fk_tasks_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    -- A task can only live in a project of its own user.
    CONSTRAINT fk_tasks_project FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id) ON DELETE CASCADE,
    CONSTRAINT uq_tasks_project_position UNIQUE (project_id, position) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT ck_tasks_status CHECK (status IN ('todo', 'in_progress', 'done')),
    CONSTRAINT ck_tasks_priority CHECK (priority IN ('low', 'medium', 'high')),
    CONSTRAINT ck_tasks_completed CHECK ((status = 'done') = (completed_at IS NOT NULL)),
    CONSTRAINT ck_tasks_position CHECK (position >= 0)
);
CREATE INDEX ix_tasks_user_due ON tasks (user_id, due_date, position);

CREATE TABLE project_notes (
    id         uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    project_id uuid        NOT NULL,
    title      text        NOT NULL,
    body       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT pk_project_notes PRIMARY KEY (id),
    CONSTRAINT fk_project_notes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_project_notes_project FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id) ON DELETE CASCADE
);
CREATE INDEX ix_project_notes_project ON project_notes (project_id, created_at);
CREATE INDEX ix_project_notes_user ON project_notes (user_id);
