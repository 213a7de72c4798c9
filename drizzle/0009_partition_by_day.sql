-- Hand-written (drizzle cannot say PARTITION BY). request_logs and request_bodies become partitioned
-- by UTC day on created_at, stats_rollups by grain (minute rows, themselves by UTC day on bucket, and
-- the coarse hour/day rows), so retention drops whole days instead of deleting rows.
-- Each table keeps its columns, keys and index names (copied from the catalogue, so columns added
-- by earlier migrations come along); its rows move over and the unpartitioned table is dropped.
-- Every partitioned table has a DEFAULT partition: an insert never fails for want of a partition.

-- rb_ensure_day_partition(parent, day): creates parent's partition of one UTC day (named
-- <parent>_pYYYYMMDD) unless it exists, first moving that day's rows out of <parent>_default.
-- Used by this migration and by the application (db/day-partitions.ts) to create days ahead.
CREATE OR REPLACE FUNCTION rb_ensure_day_partition(parent regclass, day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  base text := (SELECT relname FROM pg_class WHERE oid = parent);
  part text := base || '_p' || to_char(day, 'YYYYMMDD');
  dflt text := base || '_default';
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  keycol text;
  cols text;
BEGIN
  -- Several instances may start together; one creates, the others then see it.
  PERFORM pg_advisory_xact_lock(727002);
  IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = parent AND c.relname = part) THEN
    RETURN false;
  END IF;
  SELECT a.attname INTO keycol FROM pg_partitioned_table p
    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
    WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped;
  EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)',
    part, parent);
  -- A default partition holding rows of the day would make ATTACH fail: move them first.
  IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = parent AND c.relname = dflt) THEN
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING %s) '
                   'INSERT INTO %I (%s) SELECT %s FROM moved',
      dflt, keycol, lo, keycol, hi, cols, part, cols, cols);
  END IF;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  RETURN true;
END $$;
--> statement-breakpoint

-- rb_drop_day_partitions_before(parent, cutoff): drops parent's day partitions that end at or
-- before cutoff; returns how many. Rows older than cutoff in the boundary day or in the default
-- partition are left to a DELETE.
CREATE OR REPLACE FUNCTION rb_drop_day_partitions_before(parent regclass, cutoff timestamptz)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  base text := (SELECT relname FROM pg_class WHERE oid = parent);
  r record;
  n integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(727002);
  FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = parent AND c.relname ~ ('^' || base || '_p[0-9]{8}$')
  LOOP
    IF (to_date(right(r.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END $$;
--> statement-breakpoint

-- Migration-only: renames tbl to <tbl>_unpartitioned (its index-backed constraints and indexes to
-- *_old) and creates tbl again, PARTITION BY spec, with the same columns, defaults, checks, keys,
-- foreign keys and indexes under their original names.
CREATE FUNCTION rb_begin_partitioned(tbl text, spec text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  old text := tbl || '_unpartitioned';
  cons text[];
  idxs text[];
  stmt text;
  r record;
BEGIN
  SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, conname,
           pg_get_constraintdef(oid)) ORDER BY contype DESC, conname), '{}') INTO cons
    FROM pg_constraint WHERE conrelid = tbl::regclass AND contype IN ('p', 'u', 'f');
  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid), '{}') INTO idxs
    FROM pg_index i WHERE i.indrelid = tbl::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
  EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
  FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = old::regclass AND contype IN ('p', 'u') LOOP
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', old, r.conname, left(r.conname, 55) || '_old');
  END LOOP;
  FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = old::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, left(r.relname, 55) || '_old');
  END LOOP;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE '
                 'INCLUDING COMMENTS INCLUDING IDENTITY INCLUDING GENERATED) PARTITION BY %s', tbl, old, spec);
  FOREACH stmt IN ARRAY cons LOOP EXECUTE stmt; END LOOP;
  FOREACH stmt IN ARRAY idxs LOOP EXECUTE stmt; END LOOP;
END $$;
--> statement-breakpoint

SELECT rb_begin_partitioned('request_logs', 'RANGE (created_at)');
--> statement-breakpoint
CREATE TABLE request_logs_default PARTITION OF request_logs DEFAULT;
--> statement-breakpoint
SELECT rb_ensure_day_partition('request_logs', d) FROM (
  SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS d FROM request_logs_unpartitioned) days;
--> statement-breakpoint
INSERT INTO request_logs SELECT * FROM request_logs_unpartitioned;
--> statement-breakpoint
DROP TABLE request_logs_unpartitioned;
--> statement-breakpoint

SELECT rb_begin_partitioned('request_bodies', 'RANGE (created_at)');
--> statement-breakpoint
CREATE TABLE request_bodies_default PARTITION OF request_bodies DEFAULT;
--> statement-breakpoint
SELECT rb_ensure_day_partition('request_bodies', d) FROM (
  SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS d FROM request_bodies_unpartitioned) days;
--> statement-breakpoint
INSERT INTO request_bodies SELECT * FROM request_bodies_unpartitioned;
--> statement-breakpoint
DROP TABLE request_bodies_unpartitioned;
--> statement-breakpoint

SELECT rb_begin_partitioned('stats_rollups', 'LIST (grain)');
--> statement-breakpoint
CREATE TABLE stats_rollups_minute PARTITION OF stats_rollups FOR VALUES IN (1) PARTITION BY RANGE (bucket);
--> statement-breakpoint
CREATE TABLE stats_rollups_minute_default PARTITION OF stats_rollups_minute DEFAULT;
--> statement-breakpoint
CREATE TABLE stats_rollups_coarse PARTITION OF stats_rollups DEFAULT;
--> statement-breakpoint
SELECT rb_ensure_day_partition('stats_rollups_minute', d) FROM (
  SELECT DISTINCT (bucket AT TIME ZONE 'UTC')::date AS d FROM stats_rollups_unpartitioned WHERE grain = 1) days;
--> statement-breakpoint
INSERT INTO stats_rollups SELECT * FROM stats_rollups_unpartitioned;
--> statement-breakpoint
DROP TABLE stats_rollups_unpartitioned;
--> statement-breakpoint
DROP FUNCTION rb_begin_partitioned(text, text);
