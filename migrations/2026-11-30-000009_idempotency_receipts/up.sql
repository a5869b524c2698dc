-- An idempotency key keeps the domain's receipt (which capture, what Siri
-- said), not an HTTP response: the HTTP layer serialises the receipt the same
-- way on the first answer and on every replay. No foreign key to captures:
-- a replay answers the first receipt even after the capture was deleted.
ALTER TABLE idempotency_keys ADD COLUMN capture_id uuid, ADD COLUMN message text;
UPDATE idempotency_keys
   SET capture_id = (response_body ->> 'id')::uuid,
       message = response_body ->> 'message';
ALTER TABLE idempotency_keys
    ALTER COLUMN capture_id SET NOT NULL,
    ALTER COLUMN message SET NOT NULL,
    DROP COLUMN status_code,
    DROP COLUMN response_body;
