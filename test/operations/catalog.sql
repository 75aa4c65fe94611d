-- The extension's catalog, one line per fact, sorted: what an upgrade must leave equal
-- to a fresh install.  Used by test/operations/upgrade.sh.
\pset format unaligned
\pset tuples_only on
WITH member AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'zhpolicy' AND d.deptype = 'e'
), tbl AS (
    SELECT c.oid, c.relname FROM member m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    WHERE c.relkind IN ('r', 'p')
)
SELECT line FROM (
    SELECT 'member ' || pg_describe_object(classid, objid, 0) AS line FROM member
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) || ' acl=' || coalesce(p.proacl::text, '-')
    FROM member m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT format('column %s.%s %s notnull=%s default=%s', t.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid))
    FROM tbl t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = t.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', t.relname, co.conname, pg_get_constraintdef(co.oid))
    FROM tbl t JOIN pg_constraint co ON co.conrelid = t.oid
    UNION ALL
    SELECT format('index %s %s', t.relname, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', ''))
    FROM tbl t JOIN pg_index i ON i.indrelid = t.oid
    UNION ALL
    SELECT format('trigger %s.%s %s', t.relname, tg.tgname, pg_get_triggerdef(tg.oid))
    FROM tbl t JOIN pg_trigger tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal
    UNION ALL
    SELECT format('policy %s.%s %s %s %s', t.relname, po.polname, po.polcmd,
                  pg_get_expr(po.polqual, po.polrelid), pg_get_expr(po.polwithcheck, po.polrelid))
    FROM tbl t JOIN pg_policy po ON po.polrelid = t.oid
    UNION ALL
    SELECT format('table %s acl=%s rls=%s', t.relname, c.relacl, c.relrowsecurity)
    FROM tbl t JOIN pg_class c ON c.oid = t.oid
    UNION ALL
    SELECT format('config %s %s', cfg.tbl::regclass, cfg.cond)
    FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS cfg(tbl, cond) WHERE e.extname = 'zhpolicy'
    UNION ALL
    SELECT format('schema %s acl=%s', n.nspname, n.nspacl) FROM pg_namespace n WHERE n.nspname = 'zhpolicy'
    UNION ALL
    SELECT format('comment %s %s', pg_describe_object(m.classid, m.objid, 0), ds.description)
    FROM member m JOIN pg_description ds ON ds.classoid = m.classid AND ds.objoid = m.objid AND ds.objsubid = 0
    UNION ALL
    SELECT format('tsconfig-map %s %s %s', cfg.cfgname, mp.maptokentype, mp.mapdict::regdictionary)
    FROM member m JOIN pg_ts_config cfg ON m.classid = 'pg_ts_config'::regclass AND cfg.oid = m.objid
    JOIN pg_ts_config_map mp ON mp.mapcfg = cfg.oid
) x ORDER BY line COLLATE "C";
