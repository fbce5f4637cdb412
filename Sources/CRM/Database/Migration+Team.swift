import Storage

extension CRMMigrations {
    /// Migration 11: a team in one CRM (issue 11).
    ///
    /// - `users` gains what a colleague is: phone, position, time zone, department, manager, the
    ///   Unix uid mapped to them (unique), when they were last changed and deactivated.
    /// - `departments`: a tree by `parent_id` (cycles are refused by `DepartmentService`).
    /// - `api_tokens`: tokens by which a connection signs in as a user (`session.login`); only
    ///   the SHA-256 of the secret is kept.
    static let teamSQL = """
    CREATE TABLE departments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        parent_id INTEGER REFERENCES departments(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX departments_by_parent ON departments (parent_id);

    ALTER TABLE users ADD COLUMN phone TEXT;
    ALTER TABLE users ADD COLUMN position TEXT;
    ALTER TABLE users ADD COLUMN time_zone TEXT;
    ALTER TABLE users ADD COLUMN department_id INTEGER REFERENCES departments(id);
    ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users(id);
    ALTER TABLE users ADD COLUMN unix_user INTEGER;
    ALTER TABLE users ADD COLUMN updated_at TEXT;
    ALTER TABLE users ADD COLUMN deactivated_at TEXT;
    CREATE UNIQUE INDEX users_by_unix_user ON users (unix_user) WHERE unix_user IS NOT NULL;
    CREATE INDEX users_by_department ON users (department_id);
    UPDATE users SET updated_at = created_at;

    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        name TEXT NOT NULL,
        hash BLOB NOT NULL,
        scopes TEXT,
        expires_at TEXT,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id),
        revoked_at TEXT
    );
    CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);
    """
}
