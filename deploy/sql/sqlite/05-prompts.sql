-- Prompt grains' state as one typed row per prompt (the gvm-prompt-rows storage of
-- silo/Orleans.GvmRaft.Silo/PromptTable/). Same columns as deploy/sql/postgresql/05-prompts.sql.
-- version is the ETag: a write names the version it read, and a write naming another changes
-- nothing. sets, history and report_ids are JSON arrays (json_each() reads them).
CREATE TABLE IF NOT EXISTS gvm_prompts
(
    id                 TEXT    NOT NULL PRIMARY KEY,
    text               TEXT    NOT NULL,
    answer             TEXT    NOT NULL,
    verifier           TEXT    NOT NULL,
    sets               TEXT    NOT NULL DEFAULT '[]',
    attempts           INTEGER NOT NULL DEFAULT 0,
    acceptances        INTEGER NOT NULL DEFAULT 0,
    estimate_samples   INTEGER NOT NULL DEFAULT 0,
    allocated_samples  INTEGER NOT NULL DEFAULT 0,
    reports_applied    INTEGER NOT NULL DEFAULT 0,
    grad_count         INTEGER NOT NULL DEFAULT 0,
    grad_mean          REAL    NOT NULL DEFAULT 0,
    grad_m2            REAL    NOT NULL DEFAULT 0,
    est_run_id         TEXT,
    est_iteration      INTEGER,
    est_policy_version INTEGER,
    est_samples        INTEGER,
    est_accepted       INTEGER,
    est_grad_count     INTEGER,
    est_grad_mean      REAL,
    est_grad_m2        REAL,
    alloc_run_id       TEXT,
    alloc_iteration    INTEGER,
    alloc_samples      INTEGER,
    history            TEXT    NOT NULL DEFAULT '[]',
    report_ids         TEXT    NOT NULL DEFAULT '[]',
    version            INTEGER NOT NULL,
    modified_at        TEXT    NOT NULL
);
