"""The baseline `deploy/bench/import.sh sqlite` compares the import with: a plain bulk load of the
same prompt file into SQLite, from Python's standard library, into the prompt table's own schema
(deploy/sql/sqlite/05-prompts.sql), WAL and synchronous=FULL as the silo opens it, 5,000 rows per
transaction. Prints one JSON object: rows, seconds, rowsPerSecond.

    python3 deploy/bench/sqlite-baseline.py PROMPTS.jsonl DB [SET]
"""
import json
import os
import sqlite3
import sys
import time

BATCH = 5000


def main(prompts_path, db_path, prompt_set="bench"):
    schema = open(os.path.join(os.path.dirname(__file__), "..", "sql", "sqlite", "05-prompts.sql")).read()
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.executescript(schema)
    sets = json.dumps([prompt_set])
    start = time.perf_counter()
    rows = 0
    batch = []

    def flush():
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO gvm_prompts (id, text, answer, verifier, sets, version, modified_at) "
            "VALUES (?, ?, ?, ?, ?, 1, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            batch)
        connection.execute("COMMIT")

    with open(prompts_path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            prompt = json.loads(line)
            batch.append((prompt["id"], prompt.get("problem") or prompt["prompt"], prompt["answer"], prompt.get("verifier", "exact"), sets))
            if len(batch) == BATCH:
                flush()
                rows += len(batch)
                batch.clear()
    if batch:
        flush()
        rows += len(batch)
    seconds = time.perf_counter() - start
    connection.close()
    print(json.dumps({"rows": rows, "seconds": round(seconds, 2), "rowsPerSecond": round(rows / seconds)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
