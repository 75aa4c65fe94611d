-- zhpolicy.keywords() and zhpolicy.collect_df(): top terms by TF-IDF, and whether a concept covers them.
-- keywords: TF-IDF against document frequencies gathered from the articles
SELECT zhpolicy.collect_df('article', 'body') AS documents;
SELECT term, tf, df, score, covered_by FROM zhpolicy.keywords(
  (SELECT body FROM article WHERE file LIKE '000%'), 8);
SELECT zhpolicy.collect_df('article', 'no_such_column');
SELECT * FROM zhpolicy.keywords('网络', 3, 'no corpus');

