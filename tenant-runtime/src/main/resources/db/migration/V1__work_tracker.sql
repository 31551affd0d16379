-- One schema for the embedded H2 store (PostgreSQL mode) and for PostgreSQL.

-- The head of the event log: appends lock this row, so sequence numbers are assigned in
-- commit order and a reader never sees a gap that a later commit fills.
CREATE TABLE event_head (
  id INT PRIMARY KEY,
  sequence BIGINT NOT NULL
);
INSERT INTO event_head (id, sequence) VALUES (1, 0);

CREATE TABLE events (
  sequence BIGINT PRIMARY KEY,
  aggregate_id UUID NOT NULL,
  aggregate_type VARCHAR(32) NOT NULL,
  version INT NOT NULL,
  type VARCHAR(64) NOT NULL,
  project_id UUID,
  payload TEXT NOT NULL,
  actor VARCHAR(255) NOT NULL,
  correlation_id VARCHAR(64),
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT events_aggregate_version UNIQUE (aggregate_id, version)
);
CREATE INDEX events_project_sequence ON events (project_id, sequence);

CREATE TABLE projects (
  id UUID PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  archived BOOLEAN NOT NULL,
  version INT NOT NULL,
  created_seq BIGINT NOT NULL
);

CREATE TABLE tasks (
  id UUID PRIMARY KEY,
  project_id UUID NOT NULL REFERENCES projects (id),
  title VARCHAR(300) NOT NULL,
  description TEXT,
  status VARCHAR(16) NOT NULL,
  position INT NOT NULL,
  assignee VARCHAR(255),
  labels TEXT NOT NULL,
  due_date DATE,
  version INT NOT NULL,
  created_seq BIGINT NOT NULL
);
CREATE INDEX tasks_project_created ON tasks (project_id, created_seq);

CREATE TABLE task_labels (
  task_id UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  label VARCHAR(64) NOT NULL,
  PRIMARY KEY (task_id, label)
);
CREATE INDEX task_labels_label ON task_labels (label);

CREATE TABLE comments (
  id UUID PRIMARY KEY,
  task_id UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  author VARCHAR(255) NOT NULL,
  body TEXT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  created_seq BIGINT NOT NULL
);
CREATE INDEX comments_task_created ON comments (task_id, created_seq);
