-- Hand-written. Rollup rows are rewritten by every log batch (additive upserts) and are ~1.1 KB (two
-- 60-bucket histograms): at fillfactor 100 each update moves the row to another page and leaves a
-- dead copy behind, which only VACUUM reclaims (and embedded PGlite has no autovacuum) -- ~600 bytes
-- of dead rollups per request at 1,000 requests/s. With room left on each page the update is a HOT
-- update on the same page, and the dead copy is pruned the next time the page is read.
-- New day partitions copy the default partition's storage parameters (rb_ensure_day_partition below).
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
  opts text[];
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
  -- Storage parameters (the rollups' fillfactor) follow the default partition's: LIKE does not copy them.
  SELECT c.reloptions INTO opts FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND c.relname = dflt;
  IF opts IS NOT NULL THEN
    EXECUTE format('ALTER TABLE %I SET (%s)', part, array_to_string(opts, ', '));
  END IF;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  RETURN true;
END $$;
--> statement-breakpoint
ALTER TABLE stats_rollups_coarse SET (fillfactor = 50);
--> statement-breakpoint
ALTER TABLE stats_rollups_minute_default SET (fillfactor = 50);
--> statement-breakpoint
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'stats_rollups_minute'::regclass LOOP
    EXECUTE format('ALTER TABLE %I SET (fillfactor = 50)', r.relname);
  END LOOP;
END $$;
