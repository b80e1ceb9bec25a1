#!/usr/bin/env bash
# Checks the links of README.md and docs/*.md: every relative link must name a file or folder inside
# the repository (anchors are not checked), and no link may leave the repository (no http(s) links,
# no path that climbs above the repository root).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
failed=0
checked=0
for doc in README.md docs/*.md; do
  dir="$(dirname "$doc")"
  # Inline links [text](target) and images ![alt](target), one per line; fenced code blocks and code
  # spans are not links, so they are removed first.
  while IFS= read -r target; do
    checked=$((checked + 1))
    case "$target" in
      http://*|https://*|mailto:*|//*)
        echo "$doc: link leaves the repository: $target"; failed=1; continue ;;
      '#'*) continue ;;
    esac
    path="${target%%#*}"
    resolved="$(realpath -m "$dir/$path")"
    case "$resolved/" in
      "$root"/*) ;;
      *) echo "$doc: link leaves the repository: $target"; failed=1; continue ;;
    esac
    [ -e "$resolved" ] || { echo "$doc: broken link: $target"; failed=1; }
  done < <(awk '/^ *```/ { fenced = !fenced; next } !fenced' "$doc" | sed -e 's/`[^`]*`//g' \
             | grep -o '\]([^)]*)' | sed -e 's/^](//' -e 's/)$//' -e 's/ .*//')
done
if grep -n '\.\./shared' README.md docs/*.md; then
  echo "a document still points at ../shared"; failed=1
fi
[ "$failed" = 0 ] && echo "check-links: $checked links in README.md and docs/, all inside the repository and present"
exit "$failed"
