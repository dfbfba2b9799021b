#!/usr/bin/env bash
# Renders the 13 documents and shows them as a person would see them: headless Chromium prints
# each HTML file to PDF (A4, as it would come out of a printer, with the verification code and page
# number in the page margin) and takes a screenshot of the screen view; the PDF pages are turned
# into PNG files to look at.
#
#   letters/render-check.sh [OUT_DIR]        (default: target/letters-check)
#
# Needs: cargo, chromium and fonts-noto-cjk (apt-get install -y chromium fonts-noto-cjk), and
# poppler-utils (pdftoppm) for the page images of the PDFs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/letters-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The same case data as the snapshot tests (engine/tests/integration/letters_render.rs).
(cd "$root" && WARDFLOW_LETTERS_OUT="$out" cargo test -q -p wardflow-engine --test integration \
    letters_render::write_html_for_the_render_check >/dev/null)

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
    echo "chromium not found: apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
fi
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --hide-scrollbars)

for html in "$out"/*.html; do
    name=$(basename "$html" .html)
    # Screen view of the first page: A4 at 150 dpi (794 × 1123 CSS px scaled by 1.5625).
    "$chromium" "${flags[@]}" --force-device-scale-factor=1.5625 --window-size=794,1160 \
        --screenshot="$out/$name.png" "file://$html" 2>/dev/null
    # As printed with the browser's default settings (its header and footer not switched off:
    # the letter's own margin boxes leave no room for them).
    "$chromium" "${flags[@]}" --print-to-pdf="$out/$name.pdf" \
        "file://$html" 2>/dev/null
    if command -v pdftoppm >/dev/null; then
        rm -f "$out/$name"-print-*.png
        pdftoppm -r 100 -png "$out/$name.pdf" "$out/$name-print"
    fi
    pages=$(ls "$out/$name"-print-*.png 2>/dev/null | wc -l)
    echo "$name: $pages printed page(s)"
done
echo "Look at: $out/*.png"
