DROP FUNCTION capture_once(uuid, text, bytea, uuid, text, uuid, text, text, timestamptz, timestamptz);
