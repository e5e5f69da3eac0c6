// A classic script that gives a page written for Stripe.js its `Checkout` global, so
// that moving from Stripe is two lines: the script tag and `Stripe(pk)` → `Checkout(pk)`.
// `examples/stage.sh` copies it to `embed/checkout.js`, next to the module and the
// stylesheet it loads from its own address (the payments origin, which serves them).
//
//   <script src="https://pay.example/embed/checkout.js"></script>
//   const checkout = Checkout("pk_test_…");
//
// Stripe's calls are synchronous where they make objects (`elements()`, `create()`,
// `mount()`, `on()`), and return promises where they talk to a server. The wasm module
// loads asynchronously, so every object here stands in for the real one: calls on it
// run in the order they were made, on the real object once it exists. Calls that make
// an object return another stand-in, calls that return a promise return one that waits,
// and the rest return nothing (their errors, such as bad options, go to the console
// instead of being thrown).
(() => {
  if (window.Checkout) return;
  const script = document.currentScript;
  const base = new URL(".", script ? script.src : location.href);

  // The widget's stylesheet, once: a page written for Stripe links none.
  if (!document.querySelector("link[data-payment-element]")) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("payment_element.css", base).href;
    link.setAttribute("data-payment-element", "");
    document.head.append(link);
  }

  const loaded = import(new URL("payment_element.js", base).href).then(async (module) => {
    await module.default();
    return module;
  });

  const makes = new Set(["elements", "create", "getElement"]);
  const silent = new Set([
    "mount", "unmount", "destroy", "on", "off", "once", "update",
    "collapse", "clear", "focus", "blur",
  ]);
  // Each stand-in and the promise of its real object.
  const real = new WeakMap();

  // An argument as the real call takes it: a stand-in (or one inside a plain object,
  // as `{elements}`) becomes its real object.
  async function resolve(value) {
    if (real.has(value)) return real.get(value);
    if (value && Object.getPrototypeOf(value) === Object.prototype) {
      const out = {};
      for (const [key, inner] of Object.entries(value)) {
        out[key] = real.has(inner) ? await real.get(inner) : inner;
      }
      return out;
    }
    return value;
  }

  function standIn(promise) {
    let chain = promise.catch(() => {});
    const proxy = new Proxy({}, {
      get(_, name) {
        if (typeof name !== "string" || name === "then") return undefined;
        return (...args) => {
          // The mount point holds the element's place at once (the stylesheet's
          // placeholder), while the wasm is still on its way.
          if (name === "mount") {
            const target = typeof args[0] === "string" ? document.querySelector(args[0]) : args[0];
            if (target instanceof Element) target.setAttribute("data-payment-element-mount", "");
          }
          const call = chain.then(async () => {
            const target = await promise;
            return target[name](...(await Promise.all(args.map(resolve))));
          });
          chain = call.catch(() => {});
          if (makes.has(name)) return standIn(call);
          if (silent.has(name)) {
            call.catch((error) => console.error(`payment-element: ${name}:`, error));
            return proxy;
          }
          return call;
        };
      },
    });
    real.set(proxy, promise);
    return proxy;
  }

  window.Checkout = (...args) => standIn(loaded.then((module) => module.Checkout(...args)));
})();
