#!/usr/bin/env python3
"""The Django recipe of the README, tested: migrate, load the corpus through the ORM, then check
every search call against strpos and print TAP-like "ok ..." / "not ok ..." lines (run.sh runs it
against a temporary cluster, connected as a role that is not a superuser).

Rows: the sentences of the cleaned corpus articles (kind 'row') and 20 whole documents of
20,000-60,000 characters cut from the articles joined (kind 'doc').  Queries: test/clients/queries.py
(Chinese substrings of 2-8 characters, mixed ASCII/digits, number tails, punctuation, Traditional and
full-width variants).  Truth: strpos on the folded text (NFKC, case, Traditional -> Simplified), or
plain strpos for LIKE.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zpsite.settings')

import django  # noqa: E402

django.setup()

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402

from articles import search  # noqa: E402
from articles.models import Article  # noqa: E402
from queries import T2S_SQL, corpus_rows, fold, make_queries, score  # noqa: E402

failures = 0


def ok(cond, what, detail=''):
    global failures
    if cond:
        print('ok %s' % what)
    else:
        failures += 1
        print('not ok %s%s' % (what, (': ' + detail) if detail else ''))


def sql(query, params=()):
    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchall() if c.description else None


def differs(named):
    """The first few queries whose answer is not the truth, for the log."""
    return '; '.join('%s (%d wanted, %d found, %d right)' % (q, len(t), len(f), len(t & f))
                     for q, t, f in named if t != f)[:600]


# --- the schema, as an application role ---------------------------------------------------
superuser, = sql('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')[0]
ok(not superuser, 'the application role %s is not a superuser' % connection.settings_dict['USER'])
try:
    call_command('migrate', verbosity=0)
    ok(True, 'migrate: CREATE EXTENSION zhpolicy, the model, its GIN, text and UPPER(body) indexes')
except Exception as e:   # e.g. an extension without the text index's operator class
    ok(False, 'migrate: CREATE EXTENSION zhpolicy, the model, its GIN, text and UPPER(body) indexes',
       str(e).strip().replace('\n', ' | '))
    sys.exit(1)
try:
    call_command('makemigrations', '--check', '--dry-run', verbosity=0)
    ok(True, 'makemigrations --check: the model and its migration agree')
except SystemExit:
    ok(False, 'makemigrations --check: the model and its migration agree')

# --- the rows, loaded through the ORM ------------------------------------------------------
corpus = os.environ.get('ZP_CORPUS', os.path.join(HERE, '..', '..', 'corpus'))
sentences, docs = corpus_rows(corpus, lambda raw: sql('SELECT zhpolicy.clean(%s)', [raw])[0][0])
Article.objects.all().delete()
Article.objects.bulk_create([Article(kind='row', body=s) for s in sentences] +
                            [Article(kind='doc', body=d) for d in docs])
search.index_tsv(Article.objects.all())
sql('ANALYZE articles_article')
rows = {a.id: (a.kind, a.body) for a in Article.objects.all()}
ok(len(sentences) > 500 and all(20000 <= len(d) <= 60000 for d in docs),
   'loaded %d sentence rows and %d whole documents of 20,000-60,000 characters' % (len(sentences), len(docs)))

# Traditional -> Simplified as the dictionary folds it (the search may ignore it, so the truth does)
t2s = dict(sql(T2S_SQL))
queries = make_queries(sentences, t2s, per_kind=6)
folded = {i: fold(b, t2s) for i, (k, b) in rows.items()}
ids = {kind: {i for i, (k, b) in rows.items() if k == kind} for kind in ('row', 'doc')}
ok(len(queries) >= 60 and len({k for k, q, t in queries}) >= 12,
   '%d queries of %d kinds' % (len(queries), len({k for k, q, t in queries})))


def truth_folded(q_truth, kind):
    fq = fold(q_truth, t2s)
    return {i for i in ids[kind] if fq in folded[i]}


# --- SearchQuery with every search type, on the sentence rows ------------------------------
for st in ('websearch', 'phrase', 'raw', 'plain'):
    named = []
    for kind, q, q_truth in queries:
        found = set(Article.objects.filter(kind='row', tsv=SearchQuery(q, config='zhpolicy', search_type=st))
                    .values_list('id', flat=True))
        named.append((q, truth_folded(q_truth, 'row'), found))
    recall, precision = score([(t, f) for q, t, f in named])
    print('# %-9s sentence rows: recall %.3f, precision %.3f over %d queries' % (st, recall, precision, len(named)))
    if st == 'plain':
        # plainto_tsquery ANDs the query's characters: all found, many rows without the query
        ok(recall == 1.0, "SearchQuery(search_type='plain') finds every row (recall %.3f; precision %.3f, "
           "see README)" % (recall, precision), differs(named))
    else:
        # exact, but for what the search folds beyond NFKC/case/script: a white space inside a
        # date (2021 年 is one date token), a run of punctuation read as one gap
        ok(recall == 1.0 and precision >= 0.99,
           "SearchQuery(search_type='%s') is exact on sentence rows (recall %.3f, precision %.3f)"
           % (st, recall, precision), differs(named))

# --- whole documents: the tsvector stops at position 16,383, the text index does not --------
named = []
for kind, q, q_truth in queries:
    found = set(Article.objects.filter(kind='doc', tsv=search.query(q)).values_list('id', flat=True))
    named.append((q, truth_folded(q_truth, 'doc'), found))
recall, precision = score([(t, f) for q, t, f in named])
print('# websearch on whole documents (tsvector): recall %.3f, precision %.3f' % (recall, precision))
ok(precision == 1.0, 'tsvector search on whole documents finds no wrong document (recall %.3f: '
   'positions stop at 16,383, use body__contains)' % recall)

for kind_rows in ('row', 'doc'):
    named = []
    for kind, q, q_truth in queries:
        found = set(search.contains(Article.objects.filter(kind=kind_rows), q).values_list('id', flat=True))
        named.append((q, {i for i in ids[kind_rows] if q in rows[i][1]}, found))
    recall, precision = score([(t, f) for q, t, f in named])
    ok(recall == 1.0 and precision == 1.0, 'body__contains is strpos on %s (recall %.3f, precision %.3f)'
       % ('sentence rows' if kind_rows == 'row' else 'whole documents', recall, precision), differs(named))

ascii_upper = str.maketrans('abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
named = []
for kind, q, q_truth in queries + [('case', 'ipv6', 'ipv6'), ('case', '5g网络', '5g网络')]:
    found = set(Article.objects.filter(body__icontains=q).values_list('id', flat=True))
    uq = q.translate(ascii_upper)
    named.append((q, {i for i in rows if uq in rows[i][1].translate(ascii_upper)}, found))
recall, precision = score([(t, f) for q, t, f in named])
ok(recall == 1.0 and precision == 1.0 and any(f for q, t, f in named[-2:]),
   'body__icontains is UPPER(body) LIKE UPPER(q) (recall %.3f, precision %.3f)' % (recall, precision),
   differs(named))

# --- plans: contains and icontains through the text index, SearchQuery through the GIN ------
for what, qs, index in (
        ('body__contains', Article.objects.filter(body__contains='网络安全'), 'article_body_text'),
        ('body__contains on whole documents', Article.objects.filter(kind='doc', body__contains='命运共同体'),
         'article_body_text'),
        ('body__icontains', Article.objects.filter(body__icontains='ipv6地址'), 'article_body_upper'),
        ("SearchQuery(search_type='websearch')", Article.objects.filter(tsv=search.query('网络安全')),
         'article_tsv_gin')):
    # 700 rows: the planner rightly prefers a scan, so ask whether the index serves the query
    with connection.cursor() as c:
        c.execute('SET enable_seqscan = off')
    plan = qs.explain()
    with connection.cursor() as c:
        c.execute('RESET enable_seqscan')
    ok('Index Scan on %s' % index in plan, '%s uses the index %s' % (what, index), plan.replace('\n', ' | '))

# --- ranking --------------------------------------------------------------------------------
tops = 0
checked = 0
for kind, q, q_truth in queries:
    if not kind.startswith('han'):
        continue
    res = list(search.search(Article.objects.filter(kind='row'), q)[:10])
    truth = truth_folded(q_truth, 'row')
    if not truth:
        continue
    checked += 1
    tops += res[0].id in truth and all(r.rank > 0 for r in res)
ok(checked > 0 and tops == checked, 'SearchRank: the top row contains the query, every rank > 0 (%d of %d queries)'
   % (tops, checked))
sq = search.query('网络安全')
cd = list(Article.objects.filter(kind='row', tsv=sq).annotate(rank=SearchRank(F('tsv'), sq, cover_density=True))
          .order_by('-rank').values_list('rank', flat=True))
ok(cd and all(r > 0 for r in cd), 'SearchRank(cover_density=True) (ts_rank_cd) ranks every match above 0')
# zhpolicy.rank through Func: the ORM's order is the order SQL gives, and the best document holds the query
same = checked_rank = 0
for kind, q, q_truth in queries:
    if not kind.startswith('han'):
        continue
    res = list(search.ranked(Article.objects.filter(kind='doc'), q)[:10])
    want = [r[0] for r in sql(
        "SELECT a.id FROM articles_article a, zhpolicy.rank_query(%s, 'articles_article', 'body') rq "
        "WHERE a.kind = 'doc' AND a.body OPERATOR(zhpolicy.&@) ANY (rq.terms) "
        "ORDER BY zhpolicy.rank(a.body, rq) DESC, a.id LIMIT 10", [q])]
    if not want:
        continue
    checked_rank += 1
    same += [r.id for r in res] == want and all(r.rank > 0 for r in res) and q in res[0].body
ok(checked_rank >= 10 and same == checked_rank,
   'zhpolicy.rank through Func (ZhRank): the SQL order, the best document holds the query (%d of %d queries)'
   % (same, checked_rank))
with connection.cursor() as c:
    c.execute('SET enable_seqscan = off')
plan = search.ranked(Article.objects.filter(kind='doc'), '命运共同体 数字经济').explain()
with connection.cursor() as c:
    c.execute('RESET enable_seqscan')
ok('Index Scan on article_body_text' in plan, 'the ranked search takes its candidates from the text index',
   plan.replace('\n', ' | '))

# --- headlines ---------------------------------------------------------------------------------
# A headline highlights tokens that hold a word of the query.  When the query begins and ends at
# token boundaries of the row (网络安全 in 网络|安全|法), the snippet must show it and mark it; a query
# cut across tokens (间命 in 网络|空间|命运) is only counted, and its rate printed.
def boundaries(body):
    cuts, at = {0}, 0
    for tok, in sql("SELECT token FROM ts_parse('zhpolicy', %s)", [body]):
        at += len(tok)
        cuts.add(at)
    return cuts


bad = []
n_aligned = n_other = other_marked = 0
for kind, q, q_truth in queries:
    sq = search.query(q)
    fq = fold(q_truth, t2s)
    for r in (Article.objects.filter(kind='row', tsv=sq)
              .exclude(body__contains='[').exclude(body__contains=']')
              .annotate(h=SearchHeadline('body', sq, config='zhpolicy', start_sel='[', stop_sel=']'))[:5]):
        text = r.h.replace('[', '').replace(']', '')
        marked, pos = set(), 0
        for part in re.split(r'(\[[^\]]*\])', r.h):
            if part.startswith('['):
                marked.update(range(pos, pos + len(part) - 2))
                pos += len(part) - 2
            else:
                pos += len(part)
        at = fold(text, t2s).find(fq)
        shown = text in r.body and at >= 0 and bool(marked & set(range(at, at + len(fq))))
        cuts = boundaries(r.body)
        fb = fold(r.body, t2s)
        aligned = any(i in cuts and i + len(fq) in cuts for i in range(len(fb)) if fb.startswith(fq, i))
        if aligned:
            n_aligned += 1
            if not shown:
                bad.append('%s -> %s' % (q, r.h[:80]))
        else:
            n_other += 1
            other_marked += shown
ok(n_aligned >= 40 and not bad, 'SearchHeadline shows and marks the query in the row\'s own text when it '
   'is made of whole tokens (%d headlines)' % n_aligned, '; '.join(bad[:5]))
print('# queries cut across tokens: %d of %d headlines show and mark the query' % (other_marked, n_other))

print('# django %s: %d failed' % (django.get_version(), failures))
sys.exit(1 if failures else 0)
