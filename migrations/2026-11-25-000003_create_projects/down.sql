DROP TABLE project_notes;
DROP TABLE tasks;
DROP TABLE projects;
