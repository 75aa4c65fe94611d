#!/usr/bin/env python3
"""Quality checks for the shipped policy vocabulary (python3, standard library only).

    python3 test/vocabulary/check_vocabulary.py [--vocabulary FILE] [--previous FILE] [--quiet]

Rules (each violation is printed; the exit status is 1 if there is any):
  0. format: '#' comment lines first (one of them names the zhpolicy developers), then the header
     line, then lines of exactly seven tab-separated fields; ids match ^[a-z0-9_.]+$ and are unique;
     every concept has a preferred label and a note.
  1. no label (preferred, alternative or hidden; compared after NFKC, lowercase and trim) belongs
     to two concepts, unless test/vocabulary/shared_labels.tsv allows it for exactly those concepts;
     no concept repeats a label of its own.
  2. every broader id exists and is defined on an earlier line (so there is no cycle); every related
     id exists, is not the concept itself and is listed once.
  3. the top concepts (no broader) are exactly the areas in TOP_AREAS.
  4. no label is so common that it would tag most documents: it must not occur (as a substring)
     both in more than 40% of the corpus articles (test/corpus/*.txt) and in more than 2% of the
     sentences of the segmentation dev set (test/gold/gsdsimp-dev.seg.utf8, used only as a
     negative check, never as a source of labels); and, whatever the corpus, in more than
     DEV_SHARE_LIMIT (3%) of the dev sentences: a label found that often in encyclopaedia text is
     an everyday word there (a place name, a profession), and tags documents it is not about.
  5. no label of one character; no two-character label from the GENERIC list; every other
     two-character label is listed for review.
  6. labels are in normal form: no surrounding or inner control characters, NFKC-stable (so no
     full-width ASCII), no punctuation or symbols except the middle dot and hyphens/dashes inside
     names, a decimal point or version number (PM2.5, 3.0版), the enumeration comma between parts
     of a fixed slogan (解放思想、实事求是), a trailing or inner plus or times sign in a programme's
     name (互联网+, 数据要素×), and balanced Chinese quotation marks around part of a label
     (共建“一带一路”); labels with punctuation are listed for review.
  7. every id of test/vocabulary/stable_ids.tsv (the ids of the first shipped vocabulary, which
     tests and stored tags use) is still defined, with the same preferred label.
With --previous (an earlier version of the file, five or seven columns) it also checks that every
id of that version is still defined with the same preferred label, and lists each id whose broader
concept changed.
"""
import argparse
import collections
import glob
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
HEADER = ['id', 'broader', 'pref_label', 'alt_labels', 'hidden_labels', 'related', 'note']
ID_RE = re.compile(r'^[a-z0-9_.]+$')

# The top concepts: the areas of public policy.  Every other concept lies under one of them.
TOP_AREAS = {
    'theory': '指导思想',
    'party': '党的建设',
    'politics': '民主政治',
    'law': '法治建设',
    'gov': '政府建设',
    'economy': '经济发展',
    'finance': '金融',
    'fiscal': '财政',
    'industry': '产业发展',
    'energy': '能源',
    'transport': '交通运输',
    'science': '科学技术',
    'agri': '农业农村',
    'poverty': '脱贫攻坚',
    'land': '自然资源',
    'regional': '区域协调发展',
    'urban': '城乡建设',
    'ecology': '生态环境',
    'employment': '劳动就业',
    'social_security': '社会保障',
    'society': '社会治理',
    'health': '卫生健康',
    'education': '教育事业',
    'population': '人口发展',
    'culture': '文化建设',
    'safety': '公共安全',
    'security': '国家安全',
    'defence': '国防和军队建设',
    'ethnic': '民族宗教工作',
    'foreign': '外交',
    'hmt': '港澳台工作',
    'opening': '开放型经济',
    'digital': '网信事业',
}

# Two-character words too general to be a concept's label.
GENERIC = set('''工作 发展 建设 国家 经济 社会 政策 改革 安全 管理 服务 问题 情况 方面 领域 政府 人民 中国
全国 地方 企业 市场 技术 创新 开放 合作 治理 体系 制度 机制 能力 水平 质量 重点 重要 推进 推动 加强
完善 实施 组织 部门 单位 群众 基层 中央 国际 世界 全球 网络 信息 数据 文化 历史 时代 现代 未来 目标 任务
战略 规划 计划 方案 意见 通知 规定 办法 条例 法律 法规 标准 项目 资金 投资 生产 产品 行业 产业 环境 资源
生活 人才 教育 科技 卫生 健康 医疗 农业 农村 城市 区域 地区 交通 保护 保障 支持 促进 提高 提升 实现
'''.split())

# Rule 4: the share of dev-set sentences a label may occur in, whatever the corpus (the measurement
# with the tagger itself is in make bench-eval, test/vocabulary/eval/span_eval.py, same limit).
DEV_SHARE_LIMIT = 0.03

ALLOWED_PUNCT_INNER_DASH = '-‐‑–—'
QUOTES = {'“': '”', '‘': '’'}


def fold(label):
    return unicodedata.normalize('NFKC', label).lower().strip()


def is_cjk(ch):
    cp = ord(ch)
    return (0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3134F)


def is_wordchar(ch):
    return ch.isalnum() or is_cjk(ch)


def read_vocabulary(path, problems, columns=7):
    """Rows as dicts, in file order; format problems are appended to problems."""
    rows = []
    seen_header = False
    saw_attribution = False
    in_comments = True
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n').rstrip('\r')
            where = '%s:%d' % (os.path.basename(path), lineno)
            if line.startswith('#'):
                if not in_comments:
                    problems.append('%s: comment line after the header' % where)
                if 'zhpolicy developers' in line:
                    saw_attribution = True
                continue
            in_comments = False
            if line == '':
                problems.append('%s: empty line' % where)
                continue
            fields = line.split('\t')
            if not seen_header:
                seen_header = True
                expected = HEADER if columns == 7 else ['id', 'broader', 'pref_label', 'alt_labels', 'note']
                if fields != expected:
                    problems.append('%s: header is %r, expected %r' % (where, fields, expected))
                continue
            if len(fields) != columns:
                problems.append('%s: %d fields, expected %d' % (where, len(fields), columns))
                continue
            if columns == 7:
                cid, broader, pref, alts, hidden, related, note = fields
            else:
                cid, broader, pref, alts, note = fields
                hidden = related = ''
            split = lambda s: [x for x in s.split('|')] if s != '' else []
            rows.append({'id': cid, 'broader': broader, 'pref': pref, 'alt': split(alts),
                         'hidden': split(hidden), 'related': split(related), 'note': note,
                         'where': where})
    if not seen_header:
        problems.append('%s: no header line' % path)
    if columns == 7 and not saw_attribution:
        problems.append('%s: no comment line attributing the file to the zhpolicy developers' % path)
    return rows


def label_problems(label):
    """Normal-form problems of one label (rule 6) and its length (rule 5)."""
    out = []
    if label == '':
        return ['empty label']
    if label != label.strip():
        out.append('surrounding white space')
    for ch in label:
        cat = unicodedata.category(ch)
        if cat in ('Cc', 'Cf', 'Zl', 'Zp'):
            out.append('control character U+%04X' % ord(ch))
    if unicodedata.normalize('NFKC', label) != label:
        out.append('not NFKC-stable (full-width ASCII or a compatibility form): NFKC gives %r'
                   % unicodedata.normalize('NFKC', label))
    if any(ch.isspace() for ch in label):
        # a space is allowed only between two Latin words
        for m in re.finditer(r'\s', label):
            i = m.start()
            if not (0 < i < len(label) - 1 and label[i - 1].isascii() and label[i + 1].isascii()
                    and label[i - 1].isalnum() and label[i + 1].isalnum()):
                out.append('white space inside a Chinese label')
                break
    # punctuation and symbols
    stack = []
    for i, ch in enumerate(label):
        cat = unicodedata.category(ch)
        if ch.isspace() or not (cat.startswith('P') or cat.startswith('S')):
            continue
        prev = label[i - 1] if i > 0 else ''
        nxt = label[i + 1] if i + 1 < len(label) else ''
        if ch == '.' and prev and nxt and prev.isascii() and nxt.isascii() and prev.isalnum() and nxt.isalnum():
            continue            # a decimal point or version number: PM2.5, 3.0版
        if ch == '·' and prev and nxt and is_wordchar(prev) and is_wordchar(nxt):
            continue
        if ch in ALLOWED_PUNCT_INNER_DASH and prev and nxt and is_wordchar(prev) and is_wordchar(nxt):
            continue
        if ch == '、':
            left = re.split(r'[、“”]', label[:i])[-1]
            right = re.split(r'[、“”]', label[i + 1:])[0]
            if len(left) >= 2 and len(right) >= 2 and all(map(is_wordchar, left + right)):
                continue
            out.append('enumeration comma not between parts of two or more characters')
            continue
        if ch in '+×' and prev and is_wordchar(prev) and (nxt == '' or is_wordchar(nxt)):
            continue
        if ch in QUOTES:
            stack.append(ch)
            continue
        if ch in QUOTES.values():
            if not stack or QUOTES[stack.pop()] != ch:
                out.append('unbalanced quotation marks')
            continue
        out.append('punctuation or symbol %r' % ch)
    if stack:
        out.append('unbalanced quotation marks')
    if label[:1] in QUOTES and label[-1:] in QUOTES.values() and \
            sum(label.count(q) for q in QUOTES) == 1:
        out.append('a label that is only a quotation: write it without the quotation marks')
    core = ''.join(ch for ch in label if is_wordchar(ch))
    if len(core) <= 1:
        out.append('a label of one character')
    elif len(label) == 2 and label in GENERIC:
        out.append('a two-character word too general to be a label')
    return out


def load_texts():
    articles = []
    for p in sorted(glob.glob(os.path.join(ROOT, 'test', 'corpus', '*.txt'))):
        with open(p, encoding='utf-8') as f:
            articles.append(re.sub(r'\s+', '', fold(f.read())))
    sentences = []
    dev = os.path.join(ROOT, 'test', 'gold', 'gsdsimp-dev.seg.utf8')
    with open(dev, encoding='utf-8') as f:
        for line in f:
            s = re.sub(r'\s+', '', fold(line))
            if s:
                sentences.append(s)
    return articles, sentences


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--vocabulary', default=os.path.join(ROOT, 'src', 'data', 'zhpolicy_vocabulary_policy.tsv'))
    ap.add_argument('--shared', default=os.path.join(HERE, 'shared_labels.tsv'))
    ap.add_argument('--previous', help='an earlier version of the vocabulary file')
    ap.add_argument('--quiet', action='store_true', help='print the violations and the counts only')
    args = ap.parse_args()

    problems = []
    rows = read_vocabulary(args.vocabulary, problems)
    by_id = {}
    order = {}
    for i, r in enumerate(rows):
        if not ID_RE.match(r['id']):
            problems.append('%s: id %r does not match %s' % (r['where'], r['id'], ID_RE.pattern))
        if r['id'] in by_id:
            problems.append('%s: id %s defined twice' % (r['where'], r['id']))
            continue
        by_id[r['id']] = r
        order[r['id']] = i
        if r['pref'] == '':
            problems.append('%s: %s has no preferred label' % (r['where'], r['id']))
        if r['note'].strip() == '':
            problems.append('%s: %s has no note' % (r['where'], r['id']))
        elif r['note'] != r['note'].strip() or '\t' in r['note']:
            problems.append('%s: %s: note has surrounding white space' % (r['where'], r['id']))

    # rule 2: hierarchy and related concepts
    for r in rows:
        b = r['broader']
        if b:
            if b not in by_id:
                problems.append('%s: %s: broader %s does not exist' % (r['where'], r['id'], b))
            elif order[b] >= order[r['id']]:
                problems.append('%s: %s: broader %s is not defined on an earlier line' % (r['where'], r['id'], b))
        seen = set()
        for rel in r['related']:
            if rel not in by_id:
                problems.append('%s: %s: related %r does not exist' % (r['where'], r['id'], rel))
            if rel == r['id']:
                problems.append('%s: %s is its own related concept' % (r['where'], r['id']))
            if rel in seen:
                problems.append('%s: %s: related %s listed twice' % (r['where'], r['id'], rel))
            seen.add(rel)
    depth = {}
    for r in rows:
        chain, c = [], r['id']
        while c and c in by_id and c not in chain:
            chain.append(c)
            c = by_id[c]['broader']
        if c in chain:
            problems.append('%s: %s: cycle through %s' % (r['where'], r['id'], ' -> '.join(chain)))
        depth[r['id']] = len(chain)

    # rule 3: top concepts are the areas
    tops = [r['id'] for r in rows if not r['broader']]
    for t in tops:
        if t not in TOP_AREAS:
            problems.append('%s: %s (%s) is a top concept but not one of the areas; give it a broader concept'
                            % (by_id[t]['where'], t, by_id[t]['pref']))
        elif by_id[t]['pref'] != TOP_AREAS[t]:
            problems.append('%s: area %s has preferred label %s, expected %s'
                            % (by_id[t]['where'], t, by_id[t]['pref'], TOP_AREAS[t]))
    for a in TOP_AREAS:
        if a not in by_id:
            problems.append('area %s (%s) is not defined' % (a, TOP_AREAS[a]))
        elif by_id[a]['broader']:
            problems.append('area %s has a broader concept' % a)

    def area_of(cid):
        seen = set()
        while by_id.get(cid) and by_id[cid]['broader'] and cid not in seen:
            seen.add(cid)
            cid = by_id[cid]['broader']
        return cid

    # rule 1: shared labels
    allowed = {}
    if os.path.exists(args.shared):
        with open(args.shared, encoding='utf-8') as f:
            header_seen = False
            for lineno, line in enumerate(f, 1):
                line = line.rstrip('\n')
                if not line or line.startswith('#'):
                    continue
                parts = line.split('\t')
                if not header_seen:
                    header_seen = True
                    if parts != ['label', 'concepts', 'reason']:
                        problems.append('shared_labels.tsv:%d: header must be label, concepts, reason' % lineno)
                    continue
                if len(parts) != 3 or not parts[2].strip():
                    problems.append('shared_labels.tsv:%d: expected label, concepts (|-separated), reason' % lineno)
                    continue
                allowed[fold(parts[0])] = set(parts[1].split('|'))
    owners = collections.defaultdict(list)
    all_labels = []
    for r in rows:
        labels = [('pref', r['pref'])] + [('alt', l) for l in r['alt']] + [('hidden', l) for l in r['hidden']]
        own = set()
        for kind, l in labels:
            for p in label_problems(l):
                problems.append('%s: %s: %s label %r: %s' % (r['where'], r['id'], kind, l, p))
            k = fold(l)
            if k in own:
                problems.append('%s: %s: label %r given twice' % (r['where'], r['id'], l))
                continue
            own.add(k)
            owners[k].append(r['id'])
            all_labels.append((l, kind, r['id']))
    used_allow = set()
    for k, ids in owners.items():
        if len(ids) > 1:
            if k in allowed and set(ids) == allowed[k]:
                used_allow.add(k)
                continue
            problems.append('label %r shared by %s' % (k, ', '.join(ids)))
    for k in allowed:
        if k not in used_allow:
            problems.append('shared_labels.tsv: %r is allowed for %s but not shared by exactly them'
                            % (k, '|'.join(sorted(allowed[k]))))

    # rule 4: labels too common
    articles, sentences = load_texts()
    rates = []
    for k in owners:
        a = sum(1 for t in articles if k in t) / max(1, len(articles))
        s = sum(1 for t in sentences if k in t) / max(1, len(sentences))
        rates.append((min(a / 0.40, s / 0.02), a, s, k))
        if a > 0.40 and s > 0.02:
            problems.append('label %r of %s is too common: in %.0f%% of the corpus articles and %.1f%% of the dev sentences'
                            % (k, ', '.join(owners[k]), 100 * a, 100 * s))
        elif s > DEV_SHARE_LIMIT:
            problems.append('label %r of %s is too common in the dev set: in %.1f%% of its sentences (limit %.0f%%)'
                            % (k, ', '.join(owners[k]), 100 * s, 100 * DEV_SHARE_LIMIT))
    rates.sort(key=lambda x: (-x[0], -x[2], -x[1], x[3]))

    # rule 7: stable ids
    stable = os.path.join(HERE, 'stable_ids.tsv')
    if os.path.exists(stable):
        with open(stable, encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip('\n')
                if not line or line.startswith('#'):
                    continue
                sid, _, spref = line.partition('\t')
                if sid not in by_id:
                    problems.append('stable id %s (%s) is not defined' % (sid, spref))
                elif by_id[sid]['pref'] != spref:
                    problems.append('stable id %s: preferred label is %s, expected %s' % (sid, by_id[sid]['pref'], spref))
    else:
        problems.append('test/vocabulary/stable_ids.tsv is missing')

    # --previous: ids and preferred labels kept
    broader_changes = []
    if args.previous:
        pprob = []
        prev = read_vocabulary(args.previous, pprob, columns=7 if open(args.previous, encoding='utf-8').read().count(
            'hidden_labels') else 5)
        problems.extend('previous: ' + p for p in pprob)
        for p in prev:
            n = by_id.get(p['id'])
            if n is None:
                problems.append('previous id %s (%s) is gone' % (p['id'], p['pref']))
                continue
            if n['pref'] != p['pref']:
                problems.append('previous id %s: preferred label %s changed to %s' % (p['id'], p['pref'], n['pref']))
            if n['broader'] != p['broader']:
                broader_changes.append((p['id'], p['pref'], p['broader'] or '(top)', n['broader'] or '(top)'))

    # report
    n_alt = sum(len(r['alt']) for r in rows)
    n_hidden = sum(len(r['hidden']) for r in rows)
    print('concepts: %d; labels: %d (%d preferred, %d alternative, %d hidden); related links: %d'
          % (len(rows), len(rows) + n_alt + n_hidden, len(rows), n_alt, n_hidden,
             sum(len(r['related']) for r in rows)))
    print('top concepts: %d; max depth: %d' % (len(tops), max(depth.values()) if depth else 0))
    per_area = collections.Counter(area_of(r['id']) for r in rows)
    print('concepts per area: ' + ', '.join('%s %s %d' % (a, TOP_AREAS.get(a, '?'), per_area[a])
                                           for a in sorted(per_area, key=lambda a: -per_area[a])))
    if not args.quiet:
        print('\n30 most frequent labels (share of corpus articles, share of dev sentences; too common = both over 40%%/2%%, or over %.0f%% of dev sentences):' % (100 * DEV_SHARE_LIMIT))
        for _, a, s, k in rates[:30]:
            print('  %-24s %5.0f%% %6.2f%%  %s' % (k, 100 * a, 100 * s, ', '.join(owners[k])))
        two = sorted({l for l, kind, cid in all_labels if len(l) == 2 and all(map(is_cjk, l))})
        print('\ntwo-character labels for review (%d): %s' % (len(two), ' '.join(two)))
        special = sorted({l for l, kind, cid in all_labels if re.search(r'[、“”‘’+×·—–-]', l)})
        print('\nlabels with punctuation for review (%d): %s' % (len(special), ' | '.join(special)))
        if allowed:
            print('\nshared labels allowed: ' + '; '.join('%s (%s)' % (k, '|'.join(sorted(v))) for k, v in allowed.items()))
        if args.previous:
            print('\nbroader changed for %d ids of the previous version:' % len(broader_changes))
            for c in broader_changes:
                print('  %s %s: %s -> %s' % c)
    if problems:
        print('\n%d violation(s):' % len(problems))
        for p in problems:
            print('  ' + p)
        return 1
    print('\nno violations')
    return 0


if __name__ == '__main__':
    sys.exit(main())
