DROP TABLE event_overrides;
DROP TABLE events;
