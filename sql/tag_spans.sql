-- zhpolicy.tag_spans(): every match, its label and its place in the text.
-- word boundaries: 联合国 not inside 联合国家 (联合 + 国家); AI not inside MAIL; Traditional and
-- full-width forms match (one span for two labels of a concept that fold alike)
SELECT concept_id, label, start_pos, length, matched_text
FROM zhpolicy.tag_spans('联合国家与联合国，MAIL与AI和ａｉ，維護網絡安全');
-- a label split by a hard line wrap of a PDF (a paragraph wrapped at 20 characters) is found
SELECT count(*) FILTER (WHERE matched_text LIKE E'%\n%') AS across_wraps, count(*) AS spans
FROM zhpolicy.tag_spans(regexp_replace(repeat('我们要保障数据安全和关键信息基础设施的安全，推动联合国框架下的合作。', 6),
                                       '(.{20})', E'\\1\n\n', 'g'));

-- every span's offsets point at the matched text
SELECT count(*) AS spans,
       count(*) FILTER (WHERE substr(d, start_pos, length) = matched_text) AS offsets_right
FROM (SELECT E'关基、数据安全法，联合国与AI。' AS d) x, zhpolicy.tag_spans(d);

SELECT left(a.file, 3) AS file, count(*) AS spans,
       count(*) FILTER (WHERE substr(a.body, s.start_pos, s.length) = s.matched_text) AS offsets_right
FROM article a, zhpolicy.tag_spans(a.body) s GROUP BY a.file ORDER BY a.file;
SELECT count(*) FROM zhpolicy.tag_spans('');
