-- The parser: token types, segmentation, and what ts_debug shows.
SELECT tokid, alias, description FROM ts_token_type('zhpolicy') ORDER BY tokid;

-- Chinese words by the most probable path through the lexicon's lattice
SELECT zhpolicy.segment('构建网络空间命运共同体是信息时代的必然选择');
SELECT to_tsvector('zhpolicy', '构建网络空间命运共同体是信息时代的必然选择');

-- what policy text mixes in: Latin words and acronyms, numbers, units, dates, punctuation
SELECT alias, token FROM ts_debug('zhpolicy',
  'UNGGE会议讨论IPv6与5G，覆盖率39.8%，新增470.5万个，规模2.06万亿元。2023年11月8日 09:11发布，另见2024-05-01。')
WHERE alias <> 'blank';
SELECT alias, token FROM ts_debug('zhpolicy',
  '访问https://www.cac.gov.cn/2023/a.htm?id=1或写信至press@scio.gov.cn，官网www.gov.cn。1,234人，（２０２２年 １１月）Ｇ２０')
WHERE alias <> 'blank';

-- document numbers are one token, with or without their issuer; policy abbreviations stay whole
SELECT alias, token FROM ts_debug('zhpolicy', '根据国发〔2023〕5号和工信部【2021】3号，以及〔2022〕12号，推进一带一路和放管服改革，中央网信办') WHERE alias <> 'blank';
SELECT to_tsvector('zhpolicy', '国发〔2023〕5号') @@ websearch_to_tsquery('zhpolicy', '国发〔2023〕5号') AS docnum_found;

-- names and words the lexicon lacks go through the character HMM
SELECT zhpolicy.segment('福建师范大学马克思主义学院副教授杨选华指出');

-- a markdown image is one token that is not indexed; a plain URL is indexed
SELECT alias, token FROM ts_debug('zhpolicy', '图![cover_image](https://mmbiz.qpic.cn/a/640?wx_fmt=jpeg&from=appmsg)文') ;
SELECT to_tsvector('zhpolicy', '图![cover_image](https://mmbiz.qpic.cn/a/640?wx_fmt=jpeg)文');

-- other scripts: kana, hangul, Cyrillic and accented Latin are words; emoji are not
SELECT alias, token FROM ts_debug('zhpolicy', 'こんにちは 한국어 Привет café 😀👍 中文') WHERE alias <> 'blank';

-- spaced-out titles and hard line wraps of PDF text are read through
SELECT zhpolicy.segment('携 手 构 建 网 络 空 间 命 运 共 同 体');
-- a paragraph wrapped at 20 characters a line segments as the paragraph does
SELECT zhpolicy.segment(regexp_replace(p, '(.{20})', E'\\1\n\n', 'g')) = zhpolicy.segment(p) AS same_words,
       zhpolicy.segment(regexp_replace(p, '(.{20})', E'\\1\n\n', 'g'), 'compound') @> ARRAY['有利于', '网络空间'] AS has_rejoined
FROM (SELECT '随着互联网的快速发展，国际社会越来越成为你中有我、我中有你的命运共同体，有利于推动构建和平、安全、开放、合作、有序的网络空间。这一进程需要各国共同推动构建网络空间命运共同体，携手应对风险挑战，共享发展成果，让互联网发展成果惠及世界人民，为全球经济增长提供新的动能和机遇。'::text AS p) x;

-- granularity: the parser zhpolicy follows the fine-grained convention of treebank
-- standards (numeral | classifier, stem | suffix, compound -> its words); the parser
-- zhpolicy_compound keeps the lexicon's compounds whole; idioms, names, policy terms
-- and user words stay whole in both
SELECT zhpolicy.segment('这个博物馆的体育用品位于总面积之一的区域，实事求是地保护知识产权') AS fine,
       zhpolicy.segment('这个博物馆的体育用品位于总面积之一的区域，实事求是地保护知识产权', 'compound') AS compound;
SELECT alias, token FROM ts_debug('zhpolicy_compound', '一带一路的网络安全');
-- both configurations find the same documents: every character is indexed in both
SELECT to_tsvector('zhpolicy', '保护知识产权') @@ to_tsquery('zhpolicy_compound', '识产') AS fine_doc_compound_query,
       to_tsvector('zhpolicy_compound', '保护知识产权') @@ to_tsquery('zhpolicy', '知识产权') AS compound_doc_fine_query;

-- every byte of the input is covered by tokens, in order
SELECT string_agg(token, '' ORDER BY ordinality) = '5G网络，覆盖率39.8%！ＡＢＣ 😀 ok' AS covers_all
FROM ts_parse('zhpolicy', '5G网络，覆盖率39.8%！ＡＢＣ 😀 ok') WITH ORDINALITY;
