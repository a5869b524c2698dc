DROP TABLE login_failures;
DROP TABLE api_keys;
DROP TABLE refresh_tokens;
DROP TABLE user_settings;
DROP TABLE users;
