"""Learn the DGA word vocabulary of the dga-fanci-v3 features and write its tables.

    PYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.dga_vocab \\
        --data ../shared/data/dga --c-out lib/dga/vocab_table.c \\
        --py-out bindings/python/c2detect/dga_vocab_table.py

Wordlist DGAs (matsnu, nymaim2, ...) glue words from a fixed list, so their names
look like English to letter statistics; what gives them away is that every
letter belongs to a word of that one list. This learns the list from the
TRAINING split of c2detect.train_dga only (seen families, at most 16,000
names per family, as the CNN trains on; never the tuning or test names, never
benign names), with the English word list of Debian's `wamerican` package as
the dictionary that cuts names into words:

- a training name qualifies when each letter run of its subdomain labels S
  (docs/features.md) can be cut into dictionary words of 3+ letters, with at
  least 2 words in all (the cut with the fewest words is taken);
- a family is a wordlist family when at least 90 % of its training names
  qualify; the words its names use at least 3 times join the vocabulary.

The rule was fixed before any test name was scored with the resulting features.
The C library compiles the vocabulary in as a trie (lib/dga/vocab_table.c) and
the Python twin imports the same words. Run it again only when that split
changes; a new vocabulary means a new schema id.
"""
from __future__ import annotations

import argparse
import collections
import sys

from .. import dga

DICTIONARY = "/usr/share/dict/american-english"  # Debian package wamerican
MIN_WORD = 3             # shortest vocabulary word (dga.VOCAB_MIN_WORD)
MIN_WORDS_PER_NAME = 2   # a qualifying name has at least this many words
FAMILY_SHARE = 0.9       # share of a family's names that must qualify
MIN_USES = 3             # uses of a word within the family's names
TRAIN_CAP = 16000        # training names per family, as c2detect.train_dga_cnn


def read_dictionary(path=DICTIONARY):
    words = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.strip().lower()
            if len(w) >= MIN_WORD and w.isascii() and w.isalpha():
                words.add(w)
    return frozenset(words)


def fewest_words(run, words, longest):
    """The cut of `run` into words of `words` with the fewest words (the
    earliest split point on ties), or None when there is none."""
    n = len(run)
    best = [None] * (n + 1)
    best[0] = (0, -1)
    for i in range(1, n + 1):
        for j in range(max(0, i - longest), i - MIN_WORD + 1):
            if best[j] is not None and run[j:i] in words:
                c = best[j][0] + 1
                if best[i] is None or c < best[i][0]:
                    best[i] = (c, j)
    if best[n] is None:
        return None
    out, i = [], n
    while i > 0:
        j = best[i][1]
        out.append(run[j:i])
        i = j
    return out[::-1]


def learn(train_pairs, words):
    """(vocabulary, [(family, qualifying names, names)] of the wordlist families)."""
    longest = max(len(w) for w in words)
    by_family = collections.defaultdict(list)
    for name, family in train_pairs:
        by_family[family].append(name)
    vocab, families = set(), []
    for family in sorted(by_family):
        names = by_family[family]
        uses = collections.Counter()
        ok = 0
        for name in names:
            try:
                runs = dga.letter_runs(dga.subdomain_labels(name))
            except dga.NameError_:
                continue
            cuts = [fewest_words(r, words, longest) for r in runs]
            if runs and all(c is not None for c in cuts) and \
                    sum(len(c) for c in cuts) >= MIN_WORDS_PER_NAME:
                ok += 1
                for c in cuts:
                    uses.update(c)
        if ok >= FAMILY_SHARE * len(names):
            families.append((family, ok, len(names)))
            vocab |= {w for w, c in uses.items() if c >= MIN_USES}
    return sorted(vocab), families


def trie(vocab):
    """Breadth-first trie nodes [(child letter mask | word bit 31, first child)]:
    the children of a node are consecutive, in letter order."""
    root = {}
    for w in vocab:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    nodes, queue = [], [root]
    while queue:
        nxt = []
        first = len(nodes) + len(queue)
        for node in queue:
            letters = sorted(k for k in node if k)
            mask = sum(1 << (ord(c) - 97) for c in letters) | ((1 << 31) if "" in node else 0)
            nodes.append((mask, first + len(nxt) if letters else 0))
            nxt.extend(node[c] for c in letters)
        queue = nxt
    return nodes


def pair_index(nodes):
    """Per two letters x y (index 26 * x + y): the trie node after them, 0 when
    no word starts with them (no node but the root is 0). Words have 3+ letters,
    so a walk can start here, two dependent loads later."""
    def child(i, c):
        mask, first = nodes[i]
        if not mask & (1 << c):
            return None
        return first + bin(mask & ((1 << c) - 1)).count("1")
    out = []
    for x in range(26):
        a = child(0, x)
        for y in range(26):
            b = child(a, y) if a is not None else None
            out.append(b or 0)
    return out


def triple_bits(vocab):
    """Bit 26 * (26 * x + y) + z set when some word starts with letters x y z:
    a filter that lets most start positions of a random-looking run go without
    walking the trie."""
    bits = [0] * ((26 ** 3 + 31) // 32)
    for w in vocab:
        i = ((ord(w[0]) - 97) * 26 + ord(w[1]) - 97) * 26 + ord(w[2]) - 97
        bits[i >> 5] |= 1 << (i & 31)
    return bits


def write_c(path, nodes, n_words, families, cmd, vocab):
    with open(path, "w", encoding="ascii") as f:
        fams = ", ".join(f"{fam} {ok}/{n}" for fam, ok, n in families)
        f.write("/* GENERATED by c2detect.dga_vocab from the DGA training split; do not edit.\n"
                f" * Regenerate: {cmd}\n"
                f" * {n_words} words of the wordlist families ({fams} training names cut into\n"
                " * dictionary words) as a trie: node = {child letter mask | 1u << 31 if a word\n"
                " * ends here, index of the first child}; children are consecutive in letter\n"
                " * order, node 0 is the root (docs/features.md, \"Vocabulary\"). */\n"
                "#include \"dga/dga_internal.h\"\n\n")
        f.write(f"const size_t c2d__dga_vocab_n_nodes = {len(nodes)};\n\n")
        pairs = pair_index(nodes)
        f.write("/* The node after letters x, y at [26 * x + y]; 0: no word starts so. */\n"
                "const uint16_t c2d__dga_vocab_pair[26 * 26] = {\n")
        for i in range(0, len(pairs), 13):
            f.write("    " + " ".join(f"{v}," for v in pairs[i:i + 13]) + "\n")
        f.write("};\n\n")
        bits = triple_bits(vocab)
        f.write("/* Bit 26 * (26 * x + y) + z: some word starts with the letters x, y, z. */\n"
                f"const uint32_t c2d__dga_vocab_triple[{len(bits)}] = {{\n")
        for i in range(0, len(bits), 6):
            f.write("    " + " ".join(f"0x{v:08x}u," for v in bits[i:i + 6]) + "\n")
        f.write("};\n\n")
        f.write(f"const c2d__vocab_node c2d__dga_vocab_nodes[{len(nodes)}] = {{\n")
        for i in range(0, len(nodes), 4):
            f.write("    " + " ".join(f"{{0x{m:08x}u, {c}u}}," for m, c in nodes[i:i + 4]) + "\n")
        f.write("};\n")


def write_py(path, vocab, families, cmd):
    with open(path, "w", encoding="ascii") as f:
        fams = ", ".join(f"{fam} {ok}/{n}" for fam, ok, n in families)
        f.write(f'"""GENERATED by c2detect.dga_vocab ({len(vocab)} words; wordlist families: '
                f'{fams}); do not edit.\n\nSame words as lib/dga/vocab_table.c. Regenerate: '
                f'{cmd}\n"""\nWORDS = frozenset("""\n')
        line = ""
        for w in vocab:
            if len(line) + len(w) + 1 > 88:
                f.write(line.rstrip() + "\n")
                line = ""
            line += w + " "
        f.write(line.rstrip() + '\n""".split())\n')


def main(argv=None):
    from ..train import dga as train_dga
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/dga")
    ap.add_argument("--dictionary", default=DICTIONARY)
    ap.add_argument("--c-out", default="lib/dga/vocab_table.c")
    ap.add_argument("--py-out", default="bindings/python/c2detect/dga_vocab_table.py")
    args = ap.parse_args(argv)
    fam, benign = train_dga.load(args.data)
    s, _, _, _ = train_dga.split(fam, benign, TRAIN_CAP)
    vocab, families = learn(s["train"], read_dictionary(args.dictionary))
    nodes = trie(vocab)
    if len(nodes) > 0xFFFF:
        raise SystemExit("vocabulary trie over 65535 nodes: c2d__dga_vocab_pair is uint16")
    cmd = ("PYTHONPATH=bindings/python /usr/bin/python3 -m c2detect.dga_vocab "
           "--data ../shared/data/dga")
    write_c(args.c_out, nodes, len(vocab), families, cmd, vocab)
    write_py(args.py_out, vocab, families, cmd)
    print(f"{len(vocab)} words, {len(nodes)} trie nodes from {families}; wrote {args.c_out} "
          f"and {args.py_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
