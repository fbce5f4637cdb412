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

extension CRMMigrations {
    /// Migration 12: roles as data (issue 11). A role is a set of permissions (`Permissions`,
    /// stored as JSON `{entity: {action: scope}}`); `role_assignments` gives it to a user or to
    /// a department (and so to its members and those of its sub-departments). The built-in
    /// roles are seeded, and the administrator (user 1) holds `administrator`.
    static func roles(_ db: Database) throws {
        try db.executeScript("""
            CREATE TABLE roles (
                id INTEGER PRIMARY KEY,
                code TEXT UNIQUE,
                name TEXT NOT NULL,
                built_in INTEGER NOT NULL DEFAULT 0,
                permissions TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE role_assignments (
                role_id INTEGER NOT NULL REFERENCES roles(id),
                user_id INTEGER REFERENCES users(id),
                department_id INTEGER REFERENCES departments(id),
                CHECK ((user_id IS NULL) <> (department_id IS NULL))
            );
            CREATE UNIQUE INDEX role_assignments_by_user ON role_assignments (user_id, role_id) WHERE user_id IS NOT NULL;
            CREATE UNIQUE INDEX role_assignments_by_department ON role_assignments (department_id, role_id) WHERE department_id IS NOT NULL;
            CREATE INDEX role_assignments_by_role ON role_assignments (role_id);
            """)
        let now = try db.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')").string ?? "1970-01-01T00:00:00Z"
        for role in BuiltInRoles.all {
            let id = try RoleStore.insert(db, code: role.code, name: role.name, builtIn: true, permissions: role.permissions.json.text, at: now)
            if role.code == "administrator" { try RoleStore.setRoles(db, of: .user(UserService.defaultUserID), to: [id]) }
        }
    }
}

extension CRMMigrations {
    /// Migration 13: what record-level access judges (issue 11). Every record with a
    /// responsible gets `opened` (open to all: an `open` scope reaches it); invoices get the
    /// responsible and the mark of their deal. Indexes let a scope filter find a user's records
    /// (`assigned_to, id`) and the open ones (partial, on `id`) without reading the rest.
    static let accessSQL = """
    ALTER TABLE leads ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE companies ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE deals ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE invoices ADD COLUMN assigned_to INTEGER REFERENCES users(id);
    ALTER TABLE invoices ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
    UPDATE invoices SET assigned_to = (SELECT assigned_to FROM deals WHERE deals.id = invoices.deal_id),
                        opened = coalesce((SELECT opened FROM deals WHERE deals.id = invoices.deal_id), 0);
    CREATE INDEX companies_by_assigned ON companies (assigned_to, id);
    CREATE INDEX deals_by_assigned ON deals (assigned_to, id);
    CREATE INDEX invoices_by_assigned ON invoices (assigned_to, id);
    CREATE INDEX leads_opened ON leads (id) WHERE opened = 1;
    CREATE INDEX contacts_opened ON contacts (id) WHERE opened = 1;
    CREATE INDEX companies_opened ON companies (id) WHERE opened = 1;
    CREATE INDEX deals_opened ON deals (id) WHERE opened = 1;
    CREATE INDEX invoices_opened ON invoices (id) WHERE opened = 1;
    """
}
