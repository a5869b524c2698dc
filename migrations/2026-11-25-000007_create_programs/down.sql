DROP TABLE program_exercises;
DROP TABLE programs;
