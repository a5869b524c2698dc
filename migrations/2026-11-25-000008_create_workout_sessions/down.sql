DROP TABLE workout_logs;
DROP TABLE workout_sessions;
