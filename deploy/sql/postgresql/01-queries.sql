-- The table of named statements the Orleans ADO.NET providers read at start-up
-- ("SELECT QueryKey, QueryText FROM OrleansQuery"). Every script here is idempotent: running
-- the set again on a live database changes nothing but the statements' text.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
