-- Which layout of the state this database holds: 2 = prompts in gvm_prompts, the other grains'
-- state in Orleans' binary format. The silo refuses a database with state but no version (an
-- earlier layout) instead of failing on its first read.
CREATE TABLE IF NOT EXISTS gvm_schema
(
    version integer NOT NULL
);
INSERT INTO gvm_schema (version) SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM gvm_schema);
