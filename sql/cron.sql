-- Scheduled tagging: pg_cron runs tag_table on a table that receives documents.
CREATE EXTENSION pg_cron;
CREATE TABLE inbox (id int PRIMARY KEY, body text, tags text[]);
INSERT INTO inbox VALUES (1, '保护关键信息基础设施'), (2, '联合国大会召开'), (3, '今天天气很好');
SELECT cron.schedule('zhpolicy-tag-inbox', '* * * * *',
                     $$CALL zhpolicy.tag_table('inbox', 'body', 'tags')$$) > 0 AS scheduled;
-- wait (at most two and a half minutes) for the job to have run once
DO $$
DECLARE
    i int := 0;
BEGIN
    WHILE i < 150 AND NOT EXISTS (SELECT 1 FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')) LOOP
        PERFORM pg_sleep(1);
        i := i + 1;
    END LOOP;
END $$;
SELECT status, return_message FROM cron.job_run_details ORDER BY runid LIMIT 1;
SELECT id, tags FROM inbox ORDER BY id;
SELECT cron.unschedule('zhpolicy-tag-inbox');
DROP TABLE inbox;
DROP EXTENSION pg_cron;
