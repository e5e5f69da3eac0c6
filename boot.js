// Starts the widget without an inline script, so the page works under
// `script-src 'self' 'wasm-unsafe-eval'`. Trunk writes the hashed file names into the
// <meta> tags this reads (see Trunk.toml). The page's own module (demo.js) awaits
// `paymentElementReady`: the JS API, initialised once.
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
globalThis.paymentElementReady = (async () => {
  const bindings = await import(meta("payment-element-js"));
  await bindings.default({ module_or_path: meta("payment-element-wasm") });
  return bindings;
})();
