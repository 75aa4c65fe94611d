-- ts_headline highlights Chinese words without losing or duplicating text.
SELECT ts_headline('zhpolicy', '构建网络空间命运共同体是信息时代的必然选择。互联网让世界变成了地球村。',
                   to_tsquery('zhpolicy', '地球村'));
SELECT ts_headline('zhpolicy', '构建网络空间命运共同体是信息时代的必然选择。',
                   phraseto_tsquery('zhpolicy', '命运共同体'), 'StartSel=【, StopSel=】');
-- an image in the text is dropped from the headline, its URL is not shown
SELECT ts_headline('zhpolicy', '前文![](https://mmbiz.qpic.cn/x.jpg)后文讲到数字经济。',
                   plainto_tsquery('zhpolicy', '数字经济'));

-- with HighlightAll the headline is the whole article: remove the marks and it is the text again
SELECT file,
       replace(replace(ts_headline('zhpolicy', body, plainto_tsquery('zhpolicy', '网络空间'),
                                   'HighlightAll=true'), '<b>', ''), '</b>', '') = body AS text_kept,
       (length(ts_headline('zhpolicy', body, plainto_tsquery('zhpolicy', '网络空间'), 'HighlightAll=true'))
        - length(body)) / 7 AS marks
FROM article ORDER BY file;

-- fragments of each article for a search
SELECT left(file, 3) AS file,
       regexp_replace(ts_headline('zhpolicy', body, q,
                      'MaxFragments=2, MaxWords=20, MinWords=6, FragmentDelimiter=" … "'), '\s+', ' ', 'g') AS snippet
FROM article, plainto_tsquery('zhpolicy', '数字经济') q
WHERE tsv @@ q ORDER BY file;
-- adjacent highlighted tokens are one highlight, even across the words of a phrase
SELECT ts_headline('zhpolicy', '以网络空间命运共同体推进新时代网络强国建设',
                   websearch_to_tsquery('zhpolicy', '网络空间命运共同体 数字经济')) AS merged;
