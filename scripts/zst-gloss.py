#!/usr/bin/env python3
"""Dictionary descriptions of the class names for the zero-shot transfer experiment
(docs/zero-shot-transfer.md): "platypus" becomes "platypus, small densely furred aquatic
monotreme of Australia and Tasmania having a broad bill and tail and webbed feet".

A class name alone tells a sentence encoder little about what the thing looks like; a definition
names parts, shapes and kinds ("stringed instrument", "aquatic", "wings") that seen and unseen
classes share, which is how attribute-based zero-shot learning transfers. The definitions are
looked up automatically, never written by hand, and use no image: the classifier stays zero-shot
(as in "classification by description", Menon & Vondrick 2022, with a dictionary for the language model).

Source: WordNet 3.0 (Debian wordnet-base; WordNet licence, Princeton University), fetched with
apt-get download when OUT/wordnet/ is missing. Rule: the first noun sense of the name (or its
plural) whose lexicographer file is a physical thing (animal, artifact, body, food, object,
plant); its gloss up to the first ';'. Names WordNet lacks keep no description. A seen class whose
definition names a held-out class (whole words, or the plural) keeps its plain name.

Writes OUT/glosses.tsv (name, gloss), and per OUT/split-SEED/:
  <tree>-gloss/<described name>/  links to the photos of val-unseen, unseen-test, test-seen and
                              unseen-pool, so that the folder names give the prompts ('/' is written " or ")
  train-mixed-gloss.tsv       train-mixed.tsv with the Caltech captions' names described
  train-mixed-gloss-shuffled.tsv  the same for train-mixed-shuffled.tsv (the control)
Usage: scripts/zst-gloss.py OUT   (after scripts/zst-extra.py)
"""
import csv, json, os, re, shutil, sys

from zst_common import debian_package, names_pattern

out = sys.argv[1]
wn = os.path.join(out, "wordnet", "usr/share/wordnet")
if not os.path.isdir(wn):
    debian_package("wordnet-base", os.path.join(out, "wordnet"))

PHYSICAL = {"05", "06", "08", "13", "17", "20"}  # noun.animal, artifact, body, food, object, plant
senses = {}
for line in open(os.path.join(wn, "index.noun"), encoding="latin-1"):
    if line.startswith(" "):
        continue
    p = line.split()
    senses[p[0]] = p[4 + int(p[3]) + 2:]
data = open(os.path.join(wn, "data.noun"), "rb").read()


def synset(offset):
    i = data.index(("\n" + offset + " ").encode()) + 1
    line = data[i:data.index(b"\n", i)].decode("latin-1")
    return line.split()[1], line.split(" | ", 1)[1].strip()


def gloss(name):
    key = name.replace(" ", "_").lower()
    for k in (key, key + "s"):
        for off in senses.get(k, []):
            lex, g = synset(off)
            if lex in PHYSICAL:
                return g.split(";")[0].strip()
    return ""


glosses = {}
for s in sorted(os.listdir(out)):
    meta = os.path.join(out, s, "split.json")
    if not (s.startswith("split-") and os.path.isfile(meta)):
        continue
    split = json.load(open(meta))
    for n in split["seen"] + split["val_unseen"] + split["test_unseen"]:
        glosses.setdefault(n, gloss(n))
    held = split["val_unseen"] + split["test_unseen"]
    pat = names_pattern(held)
    seen = set(split["seen"])

    def described(n):
        g = glosses[n]
        if not g or (n in seen and pat.search(g)):
            return n
        return n + ", " + g

    for tree in ("val-unseen", "unseen-test", "test-seen", "unseen-pool"):
        # the same photos under described folder names, which become the zero-shot prompts' names
        d, g = os.path.join(out, s, tree), os.path.join(out, s, tree + "-gloss")
        if os.path.isdir(g):
            shutil.rmtree(g)
        for n in sorted(os.listdir(d)):
            dst = os.path.join(g, described(n).replace("/", " or "))
            os.makedirs(dst)
            for f in sorted(os.listdir(os.path.join(d, n))):
                os.symlink(os.path.realpath(os.path.join(d, n, f)), os.path.join(dst, f))
    # Caltech captions are "<template with {} = name>": describe the name in place
    caltech = re.compile(r"^(.*\b(?:a|the) )(%s)(\.)$" % "|".join(re.escape(n) for n in sorted(seen, key=len, reverse=True)))
    for src, dst in (("train-mixed.tsv", "train-mixed-gloss.tsv"), ("train-mixed-shuffled.tsv", "train-mixed-gloss-shuffled.tsv")):
        with open(os.path.join(out, s, src)) as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        n = 0
        for r in rows[1:]:
            if "/caltech101-96/" in r[0]:
                m = caltech.match(r[1])
                assert m, r
                r[1] = m.group(1) + described(m.group(2)) + m.group(3)
                n += 1
        with open(os.path.join(out, s, dst), "w", newline="") as fh:
            csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows)
    kept = sum(1 for x in split["seen"] if described(x) != x)
    print("%s: %d of %d seen classes described (%d dropped for naming a held-out class), %d of %d held-out described"
          % (s, kept, len(split["seen"]), sum(1 for x in split["seen"] if glosses[x] and pat.search(glosses[x])),
             sum(1 for x in held if glosses[x]), len(held)))

with open(os.path.join(out, "glosses.tsv"), "w", newline="") as fh:
    w = csv.writer(fh, delimiter="\t", lineterminator="\n")
    w.writerow(["name", "gloss"])
    w.writerows(sorted(glosses.items()))
