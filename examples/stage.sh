#!/bin/sh
# Trunk post_build hook (see Trunk.toml): stable entry points for pages without Rust.
#
# Trunk hashes every file name, and the wasm-bindgen glue's default wasm path is the
# unhashed one, so `embed/payment_element.js` re-exports the hashed glue with an
# `init()` that loads the hashed wasm; `embed/payment_element.d.ts` re-exports its
# types; `embed/payment_element.css` is the widget's stylesheets (not the demo's) in
# the order index.html links them. The example page is copied to `examples/`.
# These live in subfolders so the size check (dist/'s top level) counts each byte once.
set -eu
out="$TRUNK_STAGING_DIR"
src="${TRUNK_SOURCE_DIR:-.}"
glue=$(cd "$out" && ls payment-element-*.js | grep -v '_bg' | head -n 1)
name=${glue%.js}
digest16() { sha256sum "$1" | cut -c1-16; }
sri() {
  digest=$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)
  [ -n "$digest" ] || { echo "stage.sh: cannot digest $1" >&2; exit 1; }
  printf 'sha384-%s' "$digest"
}

# The code split (issue 18). `cargo xtask` builds the release widget with
# `--cfg wasm_split -C link-args=--emit-relocs` and names the linked wasm in
# PAYMENT_ELEMENT_SPLIT_WASM: trunk cannot split a wasm, so its wasm-bindgen output is
# replaced here by wasm-split-cli's (wasm_split_cli_support, which `cargo xtask setup`
# installs): the main module, which keeps trunk's hashed name, and one chunk per
# `wasm_split` module, each fetched by the loader (__wasm_split-<hash>.js, which the glue
# imports) the first time a function in it runs. The chunks get names with a digest of
# their content (served as immutable), and the pages' integrity follows the new bytes.
if grep -q __wasm_split_placeholder__ "$out/$glue"; then
  if [ "${TRUNK_PROFILE:-}" != "release" ] || [ -z "${PAYMENT_ELEMENT_SPLIT_WASM:-}" ]; then
    echo "stage.sh: the wasm was built with --cfg wasm_split but is not split; build the release widget with cargo xtask (demo, test, package or bench)" >&2
    exit 1
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  wasm-split-cli --target web --out-name payment-element "$PAYMENT_ELEMENT_SPLIT_WASM" "$work/split"
  wasm-bindgen --target web --keep-lld-exports --no-demangle --out-dir "$work/bg" \
    --out-name payment-element "$work/split/payment-element.wasm"
  # The snippets trunk staged must be the ones this glue imports.
  if [ "$(cd "$work/bg" && find snippets -type f 2>/dev/null | sort)" != "$(cd "$out" && find snippets -type f 2>/dev/null | sort)" ]; then
    echo "stage.sh: the split glue's snippets differ from trunk's" >&2
    exit 1
  fi
  # index.html's wasm-opt flags; the chunks share the main module's memory, which is
  # not zero-filled by the time they arrive.
  opt="-Oz --converge --strip-producers --strip-target-features --low-memory-unused"
  old_wasm=$(sri "$out/${name}_bg.wasm")
  old_glue=$(sri "$out/$glue")
  # shellcheck disable=SC2086
  wasm-opt $opt --zero-filled-memory "$work/bg/payment-element_bg.wasm" -o "$out/${name}_bg.wasm"
  loader="$work/split/__wasm_split.js"
  for chunk in "$work"/split/split_*.wasm; do
    [ -f "$chunk" ] || continue
    base=$(basename "$chunk" .wasm)
    # shellcheck disable=SC2086
    wasm-opt $opt "$chunk" -o "$work/chunk.wasm"
    hashed="$base-$(digest16 "$work/chunk.wasm").wasm"
    mv "$work/chunk.wasm" "$out/$hashed"
    # The loader fetches the chunk by its new name, with the chunk's Subresource
    # Integrity: code the page runs, checked like the glue (a chunk that does not match
    # fails to load, and the element says so instead of running it).
    fetched="new URL(\"./$base.wasm\", import.meta.url)"
    grep -qF "$fetched" "$loader" || { echo "stage.sh: the loader does not fetch $base.wasm" >&2; exit 1; }
    sed -i "s|new URL(\"./$base.wasm\", import.meta.url)|new URL(\"./$hashed\", import.meta.url), { integrity: \"$(sri "$out/$hashed")\" }|" "$loader"
  done
  sed -i "s|\"./payment-element.js\"|\"./$glue\"|" "$loader"
  loader_name="__wasm_split-$(digest16 "$loader").js"
  cp "$loader" "$out/$loader_name"
  sed "s|from \"./__wasm_split.js\"|from \"./$loader_name\"|" "$work/bg/payment-element.js" > "$out/$glue"
  # Only the glue's import of the loader is renamed: the imports object passed to the
  # wasm keeps the module name the wasm itself imports from ("./__wasm_split.js").
  grep -q "from \"./$loader_name\"" "$out/$glue" || { echo "stage.sh: the glue does not import the loader" >&2; exit 1; }
  if grep -q __wasm_split_placeholder__ "$out/$glue"; then
    echo "stage.sh: the split glue still imports the placeholder module" >&2
    exit 1
  fi
  new_wasm=$(sri "$out/${name}_bg.wasm")
  new_glue=$(sri "$out/$glue")
  for page in "$out"/*.html; do
    sed -i -e "s|$old_wasm|$new_wasm|g" -e "s|$old_glue|$new_glue|g" "$page"
  done
fi

# The return page's own wasm (issue 18: it loads only what it shows). `cargo xtask`
# builds the crate with its `payment-status` feature alone (`mountPaymentStatus` and the
# status view) and names the linked wasm in PAYMENT_STATUS_WASM. Nothing in it is
# split: wasm-split-cli only drops the linker's relocation sections (`--emit-relocs`,
# shared with the widget's build so both use one set of compiled dependencies).
# `own_wasm <name> <linked wasm> <export>` writes `<name>-<hash>.js` and
# `<name>-<hash>_bg.wasm` (the glue's default wasm is the hashed one) and sets
# `own_glue` and `own_wasm_file`; it refuses a wasm that exports anything of the
# element's or another entry's.
own_wasm() {
  own="$1"
  own_work=$(mktemp -d)
  wasm-split-cli --target web --out-name "$own" "$2" "$own_work/split"
  wasm-bindgen --target web --out-dir "$own_work/bg" --out-name "$own" "$own_work/split/$own.wasm"
  own_js="$own_work/bg/$own.js"
  grep -q "export function $3" "$own_js" || {
    echo "stage.sh: $own's wasm does not export $3" >&2; exit 1; }
  for other in Checkout mountCardFrame mountPaymentStatus __wasm_split; do
    if [ "$other" != "$3" ] && grep -q -e "export class $other\b" -e "export function $other\b" \
      -e "from \"./$other" "$own_js"; then
      echo "stage.sh: $own's wasm carries $other (built with more than its own feature?)" >&2
      exit 1
    fi
  done
  [ ! -d "$own_work/bg/snippets" ] || {
    echo "stage.sh: $own's wasm imports the element's snippets" >&2; exit 1; }
  wasm-opt -Oz --converge --strip-producers --strip-target-features --low-memory-unused \
    --zero-filled-memory "$own_work/bg/${own}_bg.wasm" -o "$own_work/opt.wasm"
  own_wasm_file="$own-$(digest16 "$own_work/opt.wasm")_bg.wasm"
  cp "$own_work/opt.wasm" "$out/$own_wasm_file"
  default_url="new URL('${own}_bg.wasm', import.meta.url)"
  grep -qF "$default_url" "$own_js" || {
    echo "stage.sh: $own's glue does not load ${own}_bg.wasm" >&2; exit 1; }
  sed -i "s|$default_url|new URL('$own_wasm_file', import.meta.url)|" "$own_js"
  own_glue="$own-$(digest16 "$own_js")"
  cp "$own_js" "$out/$own_glue.js"
  cp "$own_work/bg/$own.d.ts" "$out/$own_glue.d.ts"
  rm -rf "$own_work"
}

# `embed/payment_status.js` is the return page's entry point, and `complete.html` the
# demo's return page: index.html loading this wasm instead of the widget's.
if [ -n "${PAYMENT_STATUS_WASM:-}" ]; then
  own_wasm payment-status "$PAYMENT_STATUS_WASM" mountPaymentStatus
  status_name="$own_glue"
  status_wasm="$own_wasm_file"
  # The demo's return page: the checkout page's markup and scripts (demo.js shows the
  # status on /complete), with boot.js pointed at this glue and wasm, and no preload of
  # the widget's files or its snippets.
  sed -e "s|/$glue|/$status_name.js|g" -e "s|$(sri "$out/$glue")|$(sri "$out/$status_name.js")|g" \
    -e "s|/${name}_bg.wasm|/$status_wasm|g" \
    -e "s|$(sri "$out/${name}_bg.wasm")|$(sri "$out/$status_wasm")|g" \
    -e 's|<link[^>]*/snippets/[^>]*>||g' "$out/index.html" > "$out/complete.html"
  if grep -q -e "$glue" -e "${name}_bg" -e "snippets/" "$out/complete.html" ||
    ! grep -q "$status_wasm" "$out/complete.html"; then
    echo "stage.sh: complete.html still names the widget's files" >&2
    exit 1
  fi
fi

# Trunk's minifier cannot parse wasm-bindgen's glue, boot.js or demo.js and leaves
# them as written (the glue is 63 KB); esbuild minifies each, and the integrity trunk
# already wrote into index.html is swapped for the new digest. Release builds need the
# esbuild `cargo xtask setup` pins: trunk names files by their content before this
# runs, and those names are served as immutable, so the same build must always give
# the same bytes. (trunk serve's debug builds stay readable.)
esbuild_version=0.28.2
if [ "${TRUNK_PROFILE:-}" = "release" ]; then
  have=$(esbuild --version 2>/dev/null || true)
  if [ "$have" != "$esbuild_version" ]; then
    echo "stage.sh: release builds need esbuild $esbuild_version (found: ${have:-none}); run cargo xtask setup" >&2
    exit 1
  fi
  for js in $(cd "$out" && { ls -- *.js; find snippets -name '*.js' 2>/dev/null; } | sort); do
    before=$(sri "$out/$js")
    esbuild "$out/$js" --minify --format=esm --log-level=warning --outfile="$out/$js.min"
    mv "$out/$js.min" "$out/$js"
    after=$(sri "$out/$js")
    for page in "$out"/*.html; do
      sed -i "s|$before|$after|g" "$page"
    done
  done
fi

mkdir -p "$out/embed" "$out/examples"
cat > "$out/embed/payment_element.js" <<JS
// Generated by examples/stage.sh: the widget's stable entry point.
import init from "../$glue";
export * from "../$glue";
export default (options) =>
  init(options ?? { module_or_path: new URL("../${name}_bg.wasm", import.meta.url) });
JS
if [ -f "$out/$name.d.ts" ]; then
  cat > "$out/embed/payment_element.d.ts" <<TS
// Generated by examples/stage.sh.
export * from "../$name";
export { default } from "../$name";
TS
fi
# The return page's entry point: `mountPaymentStatus` with the return page's own wasm,
# started once. (The npm package's `payment-element/status` is this file.)
if [ -n "${status_name:-}" ]; then
  cat > "$out/embed/payment_status.js" <<JS
// Generated by examples/stage.sh: the return page's entry point. mountPaymentStatus
// starts the return page's own WebAssembly (the status view alone, not the payment
// form) once, then mounts the payment's status, read from the address the customer
// came back to.
import init, { mountPaymentStatus as mount } from "../$status_name.js";

let started;

export async function mountPaymentStatus(selector, apiBase, options) {
  started ??= init();
  await started;
  return mount(selector, apiBase, options);
}
JS
  cat > "$out/embed/payment_status.d.ts" <<TS
// Generated by examples/stage.sh.
import type { PaymentStatusOptions } from "../$status_name";

/** Starts the return page's WebAssembly (once) and mounts the payment's status into the
 * element matching \`selector\`; resolves to whether it was found. */
export declare function mountPaymentStatus(
  selector: string,
  apiBase: string,
  options?: PaymentStatusOptions,
): Promise<boolean>;
TS
fi
: > "$out/embed/payment_element.css"
# Read the file names from the staging dir, not index.html: a minified page drops the
# attribute quotes a pattern would rely on.
# The icons are next to the top-level stylesheet (icons/); from embed/ they are one up.
for css in $(cd "$out" && ls -- *.css | grep -v '^demo-' | sort); do
  sed 's|url(icons/|url(../icons/|g' "$out/$css" >> "$out/embed/payment_element.css"
done

# The tags a merchant page puts in its <head>, with Subresource Integrity computed here
# over the final (minified) files, the same digest trunk puts in index.html. An `import` cannot carry an integrity, but a module preloaded with one
# is what the import then gets.
glue_sri=$(sri "$out/$glue")
cat > "$out/embed/snippet.html" <<HTML
<link rel="stylesheet" href="/embed/payment_element.css" integrity="$(sri "$out/embed/payment_element.css")">
<link rel="modulepreload" href="/embed/payment_element.js" integrity="$(sri "$out/embed/payment_element.js")">
<link rel="modulepreload" href="/$glue" integrity="$glue_sri">
HTML
# The glue imports wasm-bindgen's snippets (the <payment-element> tag's class) and,
# in a split build, the chunks' loader.
glue_imports() {
  (cd "$out" && { ls -- __wasm_split-*.js 2>/dev/null; find snippets -name '*.js' 2>/dev/null; } | sort)
}
glue_imports | while read -r module; do
  printf '<link rel="modulepreload" href="/%s" integrity="%s">\n' \
    "$module" "$(sri "$out/$module")" >> "$out/embed/snippet.html"
done
# The card frame (issue 13): the page the payments origin serves at /v1/card-frame, the
# same glue and wasm as the element, started by frame/card.js. (A browser that keeps
# one cache for the page and its frames fetches the bytes once; Chrome keeps a
# cross-site frame's downloads apart, so with the payments origin on another site than
# the shop's the frame downloads them again: see README, "The split wasm".) Absolute
# paths: it is served from /v1/. The payments origin fills the placeholder with the
# storefront origins allowed to embed it (and sets frame-ancestors).
mkdir -p "$out/frame"
cat > "$out/frame/card.js" <<JS
// Generated by examples/stage.sh: starts the card frame.
import init, { mountCardFrame } from "../$glue";
await init({ module_or_path: new URL("../${name}_bg.wasm", import.meta.url) });
mountCardFrame();
JS
widget_css=$(cd "$out" && ls -- *.css | grep -v '^demo-' | sort)
{
  printf '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
  printf '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
  printf '<meta name="payment-element-frame-origins" content="__PAYMENT_ELEMENT_FRAME_ORIGINS__">\n'
  printf '<title>Card details</title>\n'
  for css in $widget_css; do
    printf '<link rel="stylesheet" href="/%s" integrity="%s">\n' "$css" "$(sri "$out/$css")"
  done
  printf '<link rel="modulepreload" href="/%s" integrity="%s">\n' "$glue" "$(sri "$out/$glue")"
  glue_imports | while read -r module; do
    printf '<link rel="modulepreload" href="/%s" integrity="%s">\n' \
      "$module" "$(sri "$out/$module")"
  done
  printf '<script type="module" src="/frame/card.js" integrity="%s"></script>\n' \
    "$(sri "$out/frame/card.js")"
  printf '</head>\n<body class="pe-frame-body"></body>\n</html>\n'
} > "$out/frame/card.html"

# The classic script that gives a page written for Stripe.js its `Checkout` global
# (MIGRATING.md), beside the module and stylesheet it loads.
cp "$src/src/js_api/global.js" "$out/embed/checkout.js"

mkdir -p "$out/examples"
sed -e "/<!-- embed-snippet -->/r $out/embed/snippet.html" -e "/<!-- embed-snippet -->/d" \
  "$src/examples/embed.html" > "$out/examples/embed.html"
cp "$src/examples/embed.js" "$out/examples/"
# Stripe's quickstart, written for Stripe.js with two lines changed (e2e/tests/quickstart.rs).
mkdir -p "$out/examples/quickstart"
cp "$src"/examples/quickstart/* "$out/examples/quickstart/"

# Precompressed copies of the widget's files (release builds): brotli at its best
# quality and gzip -9, written once here instead of on every request. checkout-server
# sends `name.br` or `name.gz` to a browser that accepts it (ServeDir's precompressed
# files), and the file itself to any other. The pages are not among them: the server
# rewrites those per request.
if [ "${TRUNK_PROFILE:-}" = "release" ]; then
  command -v brotli >/dev/null 2>&1 || {
    echo "stage.sh: release builds need the brotli CLI; run cargo xtask setup" >&2
    exit 1
  }
  (cd "$out" && find . -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) \
      ! -path './examples/*' | sort) | while read -r file; do
    brotli -q 11 -f -o "$out/$file.br" "$out/$file"
    gzip -9 -n -c "$out/$file" > "$out/$file.gz"
  done
fi
