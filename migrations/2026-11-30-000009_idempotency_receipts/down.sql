ALTER TABLE idempotency_keys ADD COLUMN status_code integer, ADD COLUMN response_body jsonb;
UPDATE idempotency_keys
   SET status_code = 201,
       response_body = jsonb_build_object('id', capture_id, 'status', 'inbox', 'message', message);
ALTER TABLE idempotency_keys
    ALTER COLUMN status_code SET NOT NULL,
    ALTER COLUMN response_body SET NOT NULL,
    DROP COLUMN capture_id,
    DROP COLUMN message;
