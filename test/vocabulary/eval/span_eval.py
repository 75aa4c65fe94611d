#!/usr/bin/env python3
"""Span-level evaluation of tag() on text the vocabulary was not written from (python3, standard
library only).  Run by test/bench/tag_spans_eval.sh (make bench-eval):

    span_eval.py docs > docs.tsv
        the documents, one a line: source, id, text.  Sources: 'dev', the 500 sentences of the
        segmentation dev set (test/gold/gsdsimp-dev.seg.utf8, UD Chinese GSDSimp, CC BY-SA 4.0: its
        words joined again, a space kept only between two Latin letters or digits), and 'news', the
        news-like items of test/vocabulary/eval/news.tsv (written by the zhpolicy developers for this
        test).
    span_eval.py report docs.tsv spans.tsv [--unjudged FILE]
        spans.tsv: source, id, start_pos, length, matched_text, concept_id, pref_label, one row per
        span of zhpolicy.tag_spans().  Draws a fixed-seed sample of spans stratified by concept,
        compares it with the judgements of test/vocabulary/eval/span_judgements.tsv and prints the
        acceptance per source, the worst false tags, the unjudged spans of the sample (also written
        to FILE in the judgements' format, the verdict left empty) and the concepts that tag the
        largest share of dev sentences.  Unjudged spans are reported, never an error.

The sample: in each source, the spans of each concept in a fixed pseudo-random order (a hash of
seed, source, concept, context), the concepts in such an order too; then round by round one span of
each concept, until the source's quota is reached.  So a concept with 40 spans gets no more places
than one with 3 until every concept has one, and a span keeps its place when other concepts' spans
come or go (the judgements stay current as the vocabulary changes).
"""
import argparse
import collections
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
DEV = os.path.join(ROOT, 'test', 'gold', 'gsdsimp-dev.seg.utf8')
NEWS = os.path.join(HERE, 'news.tsv')
JUDGEMENTS = os.path.join(HERE, 'span_judgements.tsv')
SEED = 'zhpolicy-span-eval-1'
QUOTA = {'dev': 120, 'news': 180}
CONTEXT = 12                    # characters of context on each side of a span
DEV_SHARE_LIMIT = 0.03          # no concept should tag more than this share of dev sentences (as check_vocabulary.py rule 4)
JHEADER = ['source', 'concept_id', 'pref_label', 'context', 'verdict', 'reason']


def join_words(words):
    """A sentence of the segmented dev set as running text."""
    out = ''
    for w in words:
        if out and out[-1].isascii() and out[-1].isalnum() and w[:1].isascii() and w[:1].isalnum():
            out += ' '
        out += w
    return out


def cmd_docs():
    w = sys.stdout
    with open(DEV, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            text = join_words(line.split())
            if text:
                w.write('dev\tdev%03d\t%s\n' % (i, text))
    with open(NEWS, encoding='utf-8') as f:
        header = False
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            if not header:
                header = True
                continue
            nid, text = line.split('\t')
            w.write('news\t%s\t%s\n' % (nid, text))


def read_tsv(path):
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n').split('\t') for line in f if line.strip()]


def context_of(body, start, length):
    """The span in brackets with CONTEXT characters on each side (start is 1-based)."""
    s = start - 1
    return body[max(0, s - CONTEXT):s] + '【' + body[s:s + length] + '】' + body[s + length:s + length + CONTEXT]


def rank(*parts):
    return hashlib.sha1('\x1f'.join((SEED,) + parts).encode('utf-8')).hexdigest()


def read_judgements(path):
    j = {}
    problems = []
    if not os.path.exists(path):
        return j, problems
    header = False
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split('\t')
            if not header:
                header = True
                if parts != JHEADER:
                    problems.append('line %d: header is %r, expected %r' % (lineno, parts, JHEADER))
                continue
            if len(parts) != 6 or parts[4] not in ('accept', 'reject') or not parts[5].strip():
                problems.append('line %d: expected %s with verdict accept or reject and a reason'
                                % (lineno, ', '.join(JHEADER)))
                continue
            key = (parts[0], parts[1], parts[3])
            if key in j:
                problems.append('line %d: judged twice' % lineno)
            j[key] = (parts[4], parts[5], parts[2])
    return j, problems


def table(rows, header):
    rows = [[str(x) for x in r] for r in rows]
    width = lambda s: sum(2 if ord(c) > 0x2e80 else 1 for c in s)
    ws = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    pad = lambda s, n: s + ' ' * (n - width(s))
    print(' | '.join(pad(h, ws[i]) for i, h in enumerate(header)))
    print('-+-'.join('-' * n for n in ws))
    for r in rows:
        print(' | '.join(pad(c, ws[i]) for i, c in enumerate(r)))


def cmd_report(args):
    docs = {}
    ndocs = collections.Counter()
    for src, did, text in read_tsv(args.docs):
        docs[(src, did)] = text
        ndocs[src] += 1
    spans = []
    for src, did, start, length, text, cid, pref in read_tsv(args.spans):
        ctx = context_of(docs[(src, did)], int(start), int(length))
        spans.append({'source': src, 'doc': did, 'text': text, 'concept': cid, 'pref': pref, 'context': ctx})
    judgements, problems = read_judgements(args.judgements)
    for p in problems:
        print('span_judgements.tsv: ' + p)

    # the sample
    sample = []
    for src in QUOTA:
        by_c = collections.defaultdict(list)
        seen = set()
        for s in spans:
            if s['source'] != src:
                continue
            key = (s['concept'], s['context'])
            if key in seen:        # the same text twice: one judgement
                continue
            seen.add(key)
            by_c[s['concept']].append(s)
        for c in by_c:
            by_c[c].sort(key=lambda s: rank(src, c, s['context']))
        order = sorted(by_c, key=lambda c: rank(src, c))
        taken, depth = 0, 0
        while taken < QUOTA[src] and any(len(by_c[c]) > depth for c in order):
            for c in order:
                if taken >= QUOTA[src]:
                    break
                if len(by_c[c]) > depth:
                    sample.append(by_c[c][depth])
                    taken += 1
            depth += 1
    for s in sample:
        j = judgements.get((s['source'], s['concept'], s['context']))
        s['verdict'], s['reason'] = (j[0], j[1]) if j else (None, None)

    pop = collections.Counter((s['source'], s['concept']) for s in spans)
    print()
    print('span acceptance: tag_spans() with the shipped vocabulary, a sample judged by a policy reader')
    print('(test/vocabulary/eval/span_judgements.tsv; accept = a reader indexing policy documents would')
    print('want this document tagged with this concept at this place)')
    rows = []
    for src in list(QUOTA) + ['all']:
        inn = lambda s: src == 'all' or s['source'] == src
        sp = [s for s in spans if inn(s)]
        sm = [s for s in sample if inn(s)]
        jd = [s for s in sm if s['verdict']]
        acc = [s for s in jd if s['verdict'] == 'accept']
        tagged_docs = len({(s['source'], s['doc']) for s in sp})
        nd = sum(ndocs.values()) if src == 'all' else ndocs[src]
        # estimate over all spans: each concept's sampled acceptance, weighted by its spans
        num = den = 0.0
        per = collections.defaultdict(list)
        for s in jd:
            per[(s['source'], s['concept'])].append(s['verdict'] == 'accept')
        for k, v in per.items():
            num += pop[k] * sum(v) / len(v)
            den += pop[k]
        rows.append([src, nd, tagged_docs, len(sp), len({(s['source'], s['concept']) for s in sp}),
                     len(sm), len(jd), len(acc),
                     '%.3f' % (len(acc) / len(jd)) if jd else '-',
                     '%.3f' % (num / den) if den else '-'])
    table(rows, ['source', 'docs', 'docs_tagged', 'spans', 'concepts', 'sampled', 'judged', 'accepted',
                 'acceptance', 'acceptance_by_span'])
    print('(acceptance: of the judged sample, each concept at most a few spans; acceptance_by_span: each')
    print(' concept\'s sampled acceptance weighted by its number of spans, an estimate over all spans)')

    print()
    print('worst false tags: concepts by estimated false spans (rejected in the sample, scaled to all spans)')
    rej = collections.defaultdict(list)
    for s in sample:
        if s['verdict'] == 'reject':
            rej[s['concept']].append(s)
    judged = collections.Counter((s['source'], s['concept']) for s in sample if s['verdict'])
    rejected = collections.Counter((s['source'], s['concept']) for s in sample if s['verdict'] == 'reject')
    # false spans estimated over all spans: each source's spans of the concept times its sampled share rejected
    est = {c: sum(pop[(src, c)] * rejected[(src, c)] / judged[(src, c)] for src in QUOTA if judged[(src, c)])
           for c in rej}
    worst = sorted(rej, key=lambda c: (-est[c], -len(rej[c]), c))
    rows = []
    for c in worst[:args.worst]:
        ex = rej[c][0]
        rows.append([c, ex['pref'], len(rej[c]), sum(pop[(src, c)] for src in QUOTA), '%.0f' % est[c],
                     ','.join(sorted({s['text'] for s in rej[c]})), ex['context'], ex['reason']])
    table(rows, ['concept', 'pref_label', 'rejected', 'spans', 'false_est', 'matched', 'example', 'reason'])
    print('(false_est: the concept\'s spans in each source times the share of its sampled spans rejected)')

    print()
    print('concepts tagging the largest share of dev sentences (limit %.0f%%)' % (100 * DEV_SHARE_LIMIT))
    cnt = collections.Counter()
    pref = {}
    for s in {(s['doc'], s['concept'], s['pref']) for s in spans if s['source'] == 'dev'}:
        cnt[s[1]] += 1
        pref[s[1]] = s[2]
    rows = [[c, pref[c], n, '%.1f%%' % (100.0 * n / max(1, ndocs['dev'])),
             'over' if n > DEV_SHARE_LIMIT * ndocs['dev'] else '']
            for c, n in sorted(cnt.items(), key=lambda x: (-x[1], x[0]))[:8]]
    table(rows, ['concept', 'pref_label', 'sentences', 'share', ''])

    un = [s for s in sample if not s['verdict']]
    live = {(s['source'], s['concept'], s['context']) for s in sample}
    found = {(s['source'], s['concept'], s['context']) for s in spans}
    stale = [k for k in judgements if k not in live]
    gone = collections.Counter(judgements[k][0] for k in stale if k not in found)
    print()
    print('judged spans the tagger no longer finds (after a change of the vocabulary or the tagger):'
          ' %d rejected, %d accepted' % (gone['reject'], gone['accept']))
    print('unjudged spans of the sample: %d (judge them in span_judgements.tsv); judgements not in the'
          ' sample now: %d' % (len(un), len(stale)))
    for s in un[:args.show_unjudged]:
        print('  %s\t%s\t%s\t%s' % (s['source'], s['concept'], s['pref'], s['context']))
    if len(un) > args.show_unjudged:
        print('  ... and %d more' % (len(un) - args.show_unjudged))
    if args.unjudged:
        with open(args.unjudged, 'w', encoding='utf-8') as f:
            for s in un:
                f.write('%s\t%s\t%s\t%s\t\t\n' % (s['source'], s['concept'], s['pref'], s['context']))
        print('  (all of them, in the judgements\' format: %s)' % args.unjudged)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('docs')
    r = sub.add_parser('report')
    r.add_argument('docs')
    r.add_argument('spans')
    r.add_argument('--judgements', default=JUDGEMENTS)
    r.add_argument('--unjudged')
    r.add_argument('--worst', type=int, default=15)
    r.add_argument('--show-unjudged', type=int, default=30)
    args = ap.parse_args()
    if args.cmd == 'docs':
        cmd_docs()
    else:
        cmd_report(args)


if __name__ == '__main__':
    main()
