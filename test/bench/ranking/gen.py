"""Documents, queries and relevance judgements for make bench-ranking (seeded, deterministic).

    gen.py CLEAN_CORPUS GOLD VOCABULARY OUTDIR [N_DOCS]

Documents are built from real sentences: the five corpus articles (cleaned by zhpolicy.clean,
cut at 。！？；) and the 500 sentences of the UD GSDSimp dev set.  Every sentence is a list of
words from a segmentation that is not ours: the UD gold segmentation for the dev set,
jieba's (Debian's python3-jieba, default mode) for the corpus.  As in the index study,
35% of the words of 2-4 Han characters are swapped for a word of the same length from jieba's
dictionary (weighted by frequency^0.5), so that long documents are not the same few
sentences over and over.  A document has a title line (a policy title about its topic, or a
short sentence) and paragraphs; lengths are log-uniform from 1,000 to 100,000 characters.
Most documents have one or two topics, preferred labels of the shipped policy vocabulary
(src/data/zhpolicy_vocabulary_policy.tsv, 2-6 Han characters, split into words by jieba),
inserted in place of a random word in a share of their sentences that varies per document.
Queries: 40 of one phrase (30 topics of at least three documents, 10 words of the sentences), 40 of two (a topic and one of
the 30 commonest words, such as 发展), 40 of three (two topics and a common word).  Because every piece is a word of a known
segmentation, the word boundaries of every document are known.

Judgements (written before any ranking is run, from these files alone):
  an occurrence of a query phrase counts when it starts and ends at word boundaries of the
  reference segmentation (中国 inside 中|国家 is not a mention of 中国);
  S_i(d) = idf_i * (BM25(tf_i, dl) + T_i), with tf_i those occurrences in the body,
    dl the body's length in characters, k1 = 1.2, b = 0.75,
    idf_i = ln(1 + (N - df_i + 0.5) / (df_i + 0.5)), df_i = documents holding p_i at all,
    T_i = 1 when p_i is a word of the title;
  S(d) = sum of S_i; grade 0 when S = 0, else 1 + floor(3 S / max S over the query's documents)
  (1..4); with two or more phrases, a document that lacks one of them is graded at most 2.
"""
import bisect
import math
import os
import random
import re
import sys

import jieba

SEED = 20261201
K1, B = 1.2, 0.75
HAN = re.compile(r'^[\u4e00-\u9fff]+$')
JIEBA_DICT = '/usr/lib/python3/dist-packages/jieba/dict.txt'
SUFFIXES = ['的通知', '的意见', '的实施方案', '的指导意见', '的若干措施', '工作报告', '白皮书', '的决定']


def load_pool(clean_path, gold_path):
    pool = []
    for line in open(gold_path, encoding='utf-8'):
        w = line.split()
        if w:
            pool.append(w)
    jieba.setLogLevel(60)
    text = open(clean_path, encoding='utf-8').read()
    for para in text.split('\n'):
        para = ''.join(para.split())
        for s in re.split(r'(?<=[。！？；])', para):
            if len(s) >= 4 and re.search(r'[\u4e00-\u9fff]', s):
                pool.append(list(jieba.cut(s)))
    return pool


def main():
    clean_path, gold_path, vocab_path, outdir = sys.argv[1:5]
    n_docs = int(sys.argv[5]) if len(sys.argv) > 5 else 300
    rng = random.Random(SEED)
    pool = load_pool(clean_path, gold_path)

    bylen = {}
    for line in open(JIEBA_DICT, encoding='utf-8'):
        p = line.split()
        if len(p) >= 2 and HAN.match(p[0]) and 2 <= len(p[0]) <= 4:
            bylen.setdefault(len(p[0]), []).append((p[0], int(p[1]) ** 0.5))
    cum = {}
    for n, lst in bylen.items():
        acc, c = 0.0, []
        for _, f in lst:
            acc += f
            c.append(acc)
        cum[n] = ([w for w, _ in lst], c)

    # word counts of the pool: common words and topic candidates
    count = {}
    for ws in pool:
        for w in set(ws):
            if HAN.match(w) and 2 <= len(w) <= 4:
                count[w] = count.get(w, 0) + 1
    ranked = sorted(count, key=lambda w: (-count[w], w))
    common = [w for w in ranked if len(w) == 2][:30]
    mid = [w for w in ranked[60:] if count[w] >= 2]
    others = sorted(rng.sample(mid, 40))
    labels = set()
    for line in open(vocab_path, encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        if len(p) > 2 and not line.startswith('#') and HAN.match(p[2]) and 2 <= len(p[2]) <= 6:
            labels.add(p[2])
    topics = sorted(rng.sample(sorted(labels), 40))
    pieces = {t: jieba.lcut(t, HMM=False) for t in topics}

    def sentence(topic_terms, p_topic):
        ws = list(rng.choice(pool))
        out = []
        for w in ws:
            if len(w) in cum and HAN.match(w) and rng.random() < 0.35:
                lst, c = cum[len(w)]
                w = lst[bisect.bisect(c, rng.random() * c[-1])]
            out.append(w)
        if topic_terms and rng.random() < p_topic:
            slots = [i for i, w in enumerate(out) if HAN.match(w)]
            if slots:
                k = rng.choice(slots)
                out[k:k + 1] = pieces[rng.choice(topic_terms)]
        return out

    docs = []
    about = {}
    for i in range(1, n_docs + 1):
        length = int(1000 * 10 ** rng.uniform(0, 2))
        r = rng.random()
        if r < 0.25:
            terms, p_topic = [], 0.0
        elif r < 0.75:
            terms, p_topic = [rng.choice(topics)], 10 ** rng.uniform(-2.5, -0.7)
        else:
            terms, p_topic = rng.sample(topics, 2), 10 ** rng.uniform(-2.5, -0.7)
        for t in terms:
            about[t] = about.get(t, 0) + 1
        if terms and rng.random() < 0.6:
            title = ['关于'] + pieces[terms[0]] + [rng.choice(SUFFIXES)]
        else:
            title = sentence([], 0)
            while sum(map(len, title)) > 30:
                title = title[:-1]
        words, n, k = list(title) + ['\n'], 0, 0
        tlen = sum(map(len, words))
        while n < length:
            s = sentence(terms, p_topic)
            words += s
            n += sum(map(len, s))
            k += 1
            if k % rng.randint(3, 8) == 0:
                words.append('\n')
                n += 1
        bounds, off = [0], 0
        for w in words:
            off += len(w)
            bounds.append(off)
        text = ''.join(words)
        docs.append((i, ''.join(title), text, bounds, tlen))

    def word_occ(text, bset, p, lo, hi):
        """exact non-overlapping occurrences of p in text[lo:hi], and those on word boundaries"""
        n = w = 0
        pos = text.find(p, lo, hi)
        while pos >= 0:
            n += 1
            if pos in bset and pos + len(p) in bset:
                w += 1
            pos = text.find(p, pos + len(p), hi)
        return n, w

    queries = []
    qid = 0
    topics = [t for t in topics if about.get(t, 0) >= 3]
    pick = rng.sample(topics, 30) + others[:10]
    for t in pick:
        queries.append((1, [t]))
    for _ in range(40):
        queries.append((2, [rng.choice(topics), rng.choice(common)]))
    for _ in range(40):
        a, b = rng.sample(topics, 2)
        queries.append((3, [a, b, rng.choice(common)]))

    N = len(docs)
    bsets = [set(d[3]) for d in docs]
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'docs.tsv'), 'w', encoding='utf-8') as f:
        for (i, title, text, _, _) in docs:
            f.write('%d\t%s\t%s\n' % (i, title, text.replace('\\', '\\\\').replace('\n', '\\n')))
    qf = open(os.path.join(outdir, 'queries.tsv'), 'w', encoding='utf-8')
    jf = open(os.path.join(outdir, 'qrels.tsv'), 'w', encoding='utf-8')
    for kind, phrases in queries:
        qid += 1
        occ = []
        for (i, title, text, bounds, tlen), bset in zip(docs, bsets):
            occ.append([(word_occ(text, bset, p, tlen, len(text)), word_occ(text, bset, p, 0, tlen - 1))
                        for p in phrases])
        df = [sum(1 for o in occ if o[j][0][0] + o[j][1][0] > 0) for j in range(len(phrases))]
        avgdl = sum(len(d[2]) - d[4] for d in docs) / N
        scores = []
        for (i, title, text, bounds, tlen), o in zip(docs, occ):
            dl = len(text) - tlen
            s, have = 0.0, 0
            for j, ((_, wb), (_, wt)) in enumerate(o):
                idf = math.log(1 + (N - df[j] + 0.5) / (df[j] + 0.5))
                bm = wb * (K1 + 1) / (wb + K1 * (1 - B + B * dl / avgdl)) if wb else 0.0
                s += idf * (bm + (1.0 if wt else 0.0))
                have += 1 if wb + wt > 0 else 0
            scores.append((i, s, have))
        top = max(s for _, s, _ in scores)
        qf.write('%d\t%d\t%s\n' % (qid, kind, ' '.join(phrases)))
        for i, s, have in scores:
            if s <= 0:
                continue
            g = min(4, 1 + int(3 * s / top))
            if len(phrases) > 1 and have < len(phrases):
                g = min(g, 2)
            jf.write('%d\t%d\t%d\n' % (qid, i, g))
    qf.close()
    jf.close()
    total = sum(len(d[2]) for d in docs)
    long_ = sum(1 for d in docs if len(d[2]) > 20000)
    print('%d documents, %d characters, %d over 20,000 characters, %d queries' % (N, total, long_, len(queries)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
