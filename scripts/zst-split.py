#!/usr/bin/env python3
"""Class and image splits for the zero-shot transfer experiment (docs/zero-shot-transfer.md).

Makes symlink trees of Caltech-101 photos under OUT/split-SEED/:
  train-seen/<name>/       80% of each seen class's photos (training)
  test-seen/<name>/        the other 20% (seen-class accuracy)
  train-shuffled/<name>/   train-seen with the class names permuted among the seen classes (control)
  val-unseen/<name>/       every photo of the 10 validation-unseen classes (tuning only)
  unseen-pool/<name>/      half of each test-unseen class's photos (k-shot linear-probe draws)
  unseen-test/<name>/      the other half (zero-shot and linear-probe test set)
Folder names are readable class names ("cougar body"), so captions and prompts use them.
Classes that share a name word (face / easy face / cougar face / cougar body; crocodile /
crocodile head / flamingo head; chair / windsor chair) form one group and land on one side, so no
seen caption names a held-out class; the script checks that too.
"""
import json, os, random, re, sys

root, out, seed = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])  # links must not depend on the cwd
N_TEST, N_VAL = 20, 10
RENAME = {"Faces": "face", "Faces_easy": "easy face", "Leopards": "leopard", "Motorbikes": "motorbike",
          "water_lilly": "water lily"}

def name(folder):
    return RENAME.get(folder, folder.replace("_", " ").lower())

folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
names = {f: name(f) for f in folders}
# union-find over shared words
parent = {f: f for f in folders}
def find(x):
    while parent[x] != x:
        x = parent[x]
    return x
by_word = {}
for f in folders:
    for w in names[f].split():
        by_word.setdefault(w, []).append(f)
for w, fs in by_word.items():
    for g in fs[1:]:
        parent[find(g)] = find(fs[0])
groups = {}
for f in folders:
    groups.setdefault(find(f), []).append(f)
groups = sorted(groups.values())
rng = random.Random(seed)
rng.shuffle(groups)
test, val, seen = [], [], []
for g in groups:
    if len(test) + len(g) <= N_TEST:
        test += g
    elif len(val) + len(g) <= N_VAL:
        val += g
    else:
        seen += g
assert len(test) == N_TEST and len(val) == N_VAL, (len(test), len(val))
held = [names[f] for f in test + val]
for f in seen:  # no seen class name contains a held-out name as a phrase
    for h in held:
        assert not re.search(r"\b" + re.escape(h) + r"\b", names[f]), (names[f], h)

split = os.path.join(out, "split-%d" % seed)
def link(sub, label, files, folder):
    d = os.path.join(split, sub, label)
    os.makedirs(d, exist_ok=True)
    for x in files:
        os.symlink(os.path.join(root, folder, x), os.path.join(d, x))

perm = seen[:]
while any(a == b for a, b in zip(perm, seen)):
    rng.shuffle(perm)
shuffled = dict(zip(seen, perm))
for f in folders:
    files = sorted(os.listdir(os.path.join(root, f)))
    random.Random("%d/%s" % (seed, f)).shuffle(files)
    if f in seen:
        k = int(round(0.8 * len(files)))
        link("train-seen", names[f], files[:k], f)
        link("test-seen", names[f], files[k:], f)
        link("train-shuffled", names[shuffled[f]], files[:k], f)
    elif f in val:
        link("val-unseen", names[f], files, f)
    else:
        k = len(files) // 2
        link("unseen-pool", names[f], files[:k], f)
        link("unseen-test", names[f], files[k:], f)
json.dump({"seed": seed, "seen": [names[f] for f in seen], "val_unseen": [names[f] for f in val],
           "test_unseen": [names[f] for f in test], "groups": [[names[f] for f in g] for g in groups if len(g) > 1]},
          open(os.path.join(split, "split.json"), "w"), indent=1)
print("split %d: %d seen, %d val-unseen, %d test-unseen: %s" % (seed, len(seen), len(val), len(test),
      ", ".join(names[f] for f in test)))
