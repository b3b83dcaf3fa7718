-- Prompt grains' state as one typed row per prompt (the gvm-prompt-rows storage of
-- silo/Orleans.GvmRaft.Silo/PromptTable/). Same columns as deploy/sql/sqlite/05-prompts.sql.
-- version is the ETag: a write names the version it read, and a write naming another changes
-- nothing. sets, history and report_ids are JSON arrays.
CREATE TABLE IF NOT EXISTS gvm_prompts
(
    id                 text             NOT NULL PRIMARY KEY,
    text               text             NOT NULL,
    answer             text             NOT NULL,
    verifier           text             NOT NULL,
    sets               jsonb            NOT NULL DEFAULT '[]',
    attempts           bigint           NOT NULL DEFAULT 0,
    acceptances        bigint           NOT NULL DEFAULT 0,
    estimate_samples   bigint           NOT NULL DEFAULT 0,
    allocated_samples  bigint           NOT NULL DEFAULT 0,
    reports_applied    bigint           NOT NULL DEFAULT 0,
    grad_count         bigint           NOT NULL DEFAULT 0,
    grad_mean          double precision NOT NULL DEFAULT 0,
    grad_m2            double precision NOT NULL DEFAULT 0,
    est_run_id         text,
    est_iteration      integer,
    est_policy_version bigint,
    est_samples        integer,
    est_accepted       integer,
    est_grad_count     bigint,
    est_grad_mean      double precision,
    est_grad_m2        double precision,
    alloc_run_id       text,
    alloc_iteration    integer,
    alloc_samples      integer,
    history            jsonb            NOT NULL DEFAULT '[]',
    report_ids         jsonb            NOT NULL DEFAULT '[]',
    version            bigint           NOT NULL,
    modified_at        timestamptz      NOT NULL DEFAULT now()
);
