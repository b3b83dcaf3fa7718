-- The table of named statements the Orleans ADO.NET providers read at start-up. The silo
-- applies these scripts to a new SQLite file itself; they are idempotent.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
