set enable_seqscan = off;
select bench('A_pg_bigm', 'select array_agg(id order by id) from docs where body like likequery(%L)');
select bench('B_zpidx_bigram', 'select array_agg(id order by id) from docs_b where body &@ %L');
select bench('C_zpidx_unibi', 'select array_agg(id order by id) from docs_c where body &@ %L');
select bench('D_passage_tsv', 'select array_agg(distinct doc_id order by doc_id) from pass_d where tsv @@ websearch_to_tsquery(''zhpolicy'', %L)');
select bench('E_tsvector', 'select array_agg(id order by id) from docs_e where tsv @@ websearch_to_tsquery(''zhpolicy'', %L)');
select bench('F_passage_bigram', 'select array_agg(distinct doc_id order by doc_id) from pass_f where ptext &@ %L');
reset enable_seqscan;
select bench('Z_seqscan_strpos', 'select array_agg(id order by id) from docs where strpos(body, %L) > 0', 1);
