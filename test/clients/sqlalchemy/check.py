#!/usr/bin/env python3
"""The SQLAlchemy recipe of the README, tested (Debian's python3-sqlalchemy 1.4 over psycopg2):
a table with a generated tsvector column, its GIN index and zhpolicy's text index, then the search
calls against strpos on the same rows and queries as the Django test.  Prints "ok ..." /
"not ok ..." lines; run.sh runs it as a role that is not a superuser."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy  # noqa: E402
from sqlalchemy import (Column, Computed, Index, Integer, MetaData, Table, Text, create_engine,  # noqa: E402
                        func, select, text)
from sqlalchemy.dialects.postgresql import TSVECTOR  # noqa: E402

from queries import T2S_SQL, corpus_rows, fold, make_queries, score  # noqa: E402

failures = 0


def ok(cond, what):
    global failures
    failures += not cond
    print('%s %s' % ('ok' if cond else 'not ok', what))


engine = create_engine('postgresql+psycopg2://%s@/%s?host=%s&port=%s' % (
    os.environ['ZP_CLIENT_USER'], os.environ['ZP_CLIENT_DB'], os.environ['ZP_CLIENT_HOST'],
    os.environ['ZP_CLIENT_PORT']))
meta = MetaData()
docs = Table('docs', meta,
             Column('id', Integer, primary_key=True),
             Column('kind', Text, nullable=False),
             Column('body', Text, nullable=False),
             Column('tsv', TSVECTOR, Computed('zhpolicy.tsvector(body)', persisted=True)))
Index('docs_tsv', docs.c.tsv, postgresql_using='gin')
Index('docs_body_text', docs.c.body, postgresql_using='gin', postgresql_ops={'body': 'zhpolicy.gin_bigram_ops'})

with engine.begin() as c:
    c.execute(text('CREATE EXTENSION IF NOT EXISTS zhpolicy'))   # trusted: the database owner may
    meta.create_all(c)
    sentences, docs_text = corpus_rows(os.environ['ZP_CORPUS'],
                                       lambda raw: c.execute(select(func.zhpolicy.clean(raw))).scalar())
    c.execute(docs.insert(), [{'kind': 'row', 'body': s} for s in sentences] +
              [{'kind': 'doc', 'body': d} for d in docs_text])
    c.execute(text('ANALYZE docs'))
    t2s = dict(c.execute(text(T2S_SQL)).fetchall())
    rows = {r.id: r for r in c.execute(select(docs.c.id, docs.c.kind, docs.c.body))}
folded = {i: fold(r.body, t2s) for i, r in rows.items()}
queries = make_queries(sentences, t2s, per_kind=6)
ok(len(queries) >= 60, 'sqlalchemy %s: %d queries, %d rows' % (sqlalchemy.__version__, len(queries), len(rows)))


def measure(kind, where):
    """Recall and precision of where(q) on the rows of kind, truth strpos on the folded text."""
    res = []
    with engine.connect() as c:
        for k, q, q_truth in queries:
            fq = fold(q_truth, t2s)
            truth = {i for i, r in rows.items() if r.kind == kind and fq in folded[i]}
            found = {r.id for r in c.execute(select(docs.c.id).where(docs.c.kind == kind, where(q)))}
            res.append((truth, found))
    return score(res)


calls = [
    ("tsv.op('@@')(func.websearch_to_tsquery('zhpolicy', q))",
     lambda q: docs.c.tsv.op('@@')(func.websearch_to_tsquery('zhpolicy', q)), True),
    ("tsv.op('@@')(func.phraseto_tsquery('zhpolicy', q))",
     lambda q: docs.c.tsv.op('@@')(func.phraseto_tsquery('zhpolicy', q)), True),
    ("tsv.match(q, postgresql_regconfig='zhpolicy') (to_tsquery in 1.4)",
     lambda q: docs.c.tsv.match(q, postgresql_regconfig='zhpolicy'), True),
    ("tsv.op('@@')(func.plainto_tsquery('zhpolicy', q))",
     lambda q: docs.c.tsv.op('@@')(func.plainto_tsquery('zhpolicy', q)), False),
]
for name, where, exact in calls:
    recall, precision = measure('row', where)
    if exact:
        ok(recall == 1.0 and precision >= 0.99, '%s on sentence rows: recall %.3f, precision %.3f'
           % (name, recall, precision))
    else:
        ok(recall == 1.0, '%s on sentence rows: recall %.3f, precision %.3f (imprecise: see README)'
           % (name, recall, precision))

# LIKE is exact by definition: the truth is plain strpos
for kind in ('row', 'doc'):
    res = []
    with engine.connect() as c:
        for k, q, q_truth in queries:
            truth = {i for i, r in rows.items() if r.kind == kind and q in r.body}
            found = {r.id for r in c.execute(select(docs.c.id).where(docs.c.kind == kind,
                                                                        docs.c.body.contains(q, autoescape=True)))}
            res.append((truth, found))
    recall, precision = score(res)
    ok(recall == 1.0 and precision == 1.0, 'body.contains(q, autoescape=True) on %s: recall %.3f, precision %.3f'
       % ('sentence rows' if kind == 'row' else 'whole documents', recall, precision))

with engine.connect() as c:
    c.execute(text('SET enable_seqscan = off'))   # 700 rows: does the index serve the query?
    for q in ('网络安全', '50%_x'):
        stmt = select(docs.c.id).where(docs.c.body.contains(q, autoescape=True))
        plan = '\n'.join(r[0] for r in c.execute(text('EXPLAIN ' + str(stmt.compile(
            dialect=engine.dialect, compile_kwargs={'literal_binds': True})))))
        ok('Index Scan on docs_body_text' in plan, 'body.contains(%r, autoescape=True) uses the text index' % q)
    c.execute(text('RESET enable_seqscan'))
    q = func.websearch_to_tsquery('zhpolicy', '网络安全')
    top = c.execute(select(docs.c.body, func.ts_rank(docs.c.tsv, q).label('rank'),
                           func.ts_headline('zhpolicy', docs.c.body, q).label('snippet'))
                    .where(docs.c.kind == 'row', docs.c.tsv.op('@@')(q))
                    .order_by(text('rank DESC')).limit(5)).fetchall()
    ok(top and all('网络安全' in r.body and '<b>网络安全</b>' in r.snippet for r in top),
       'ts_rank and ts_headline: the top rows hold 网络安全 and their snippets mark it')
sys.exit(1 if failures else 0)
