"""NDCG@10 of each ranking method against the judgements of gen.py (make bench-ranking).

    eval.py WORKDIR OUTDIR

WORKDIR holds queries.tsv, qrels.tsv (qid, id, grade 1..4) and scores.tsv (qid, id, then one
score per method, in METHODS order).  A method ranks a query's candidates by its score, highest
first, ties by id; the gain of a grade g is 2^g - 1; the ideal order is over every judged
document of the query.  Prints the table and writes OUTDIR/ndcg.csv and OUTDIR/ndcg_queries.csv.
"""
import csv
import math
import os
import sys

METHODS = ['ts_rank', 'ts_rank(,1)', 'ts_rank_cd', 'ts_rank_cd(,1)', 'zhpolicy.rank', 'random order']
KINDS = {1: 'one phrase', 2: 'two phrases', 3: 'three phrases'}


def dcg(gains):
    return sum(g / math.log2(r + 2) for r, g in enumerate(gains[:10]))


def main():
    work, out = sys.argv[1:3]
    queries = {}
    for line in open(os.path.join(work, 'queries.tsv'), encoding='utf-8'):
        qid, kind, q = line.rstrip('\n').split('\t')
        queries[int(qid)] = (int(kind), q)
    grade = {}
    for line in open(os.path.join(work, 'qrels.tsv')):
        qid, i, g = map(int, line.split('\t'))
        grade[(qid, i)] = g
    cands = {}
    for line in open(os.path.join(work, 'scores.tsv')):
        p = line.rstrip('\n').split('\t')
        cands.setdefault(int(p[0]), []).append((int(p[1]), [float(x) for x in p[2:]]))
    per_query = []
    for qid, (kind, q) in sorted(queries.items()):
        ideal = sorted((2 ** g - 1 for (qq, _), g in grade.items() if qq == qid), reverse=True)
        if not ideal:
            continue
        idcg = dcg(ideal)
        row = [qid, kind, q]
        for m in range(len(METHODS)):
            order = sorted(cands.get(qid, []), key=lambda c: (-c[1][m], c[0]))
            row.append(dcg([2 ** grade.get((qid, i), 0) - 1 for i, _ in order]) / idcg)
        per_query.append(row)
    with open(os.path.join(out, 'ndcg_queries.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['qid', 'kind', 'query'] + METHODS)
        for r in per_query:
            w.writerow(r[:3] + ['%.4f' % x for x in r[3:]])
    table = []
    for kind in sorted(KINDS):
        rows = [r for r in per_query if r[1] == kind]
        table.append([KINDS[kind], len(rows)] + [sum(r[3 + m] for r in rows) / len(rows) for m in range(len(METHODS))])
    table.append(['all', len(per_query)] + [sum(r[3 + m] for r in per_query) / len(per_query) for m in range(len(METHODS))])
    with open(os.path.join(out, 'ndcg.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['kind', 'queries'] + METHODS)
        for r in table:
            w.writerow(r[:2] + ['%.4f' % x for x in r[2:]])
    print('NDCG@10, %d queries (same candidates for every method: rows holding a phrase of the query)'
          % len(per_query))
    print('| query kind | queries | ' + ' | '.join('`%s`' % m if m != 'random order' else m for m in METHODS) + ' |')
    print('|---|---:|' + '---:|' * len(METHODS))
    for r in table:
        print('| %s | %d | ' % (r[0], r[1]) + ' | '.join('%.3f' % x for x in r[2:]) + ' |')
    best_other = {r[0]: max(r[2:6]) for r in table}
    ours = {r[0]: r[6] for r in table}
    worse = [k for k in ours if ours[k] <= best_other[k]]
    print('zhpolicy.rank above the best ts_rank / ts_rank_cd variant on every kind: %s'
          % ('yes' if not worse else 'no (' + ', '.join(worse) + ')'))


if __name__ == '__main__':
    main()
