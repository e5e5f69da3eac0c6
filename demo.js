// The demo checkout page, written as a merchant writes one: with the widget's JS API
// only (the module boot.js loaded), so the wasm merchants ship carries no demo code.
//
// The order comes from the reference server (POST /api/orders with the market's cart):
// the page shows it and names it when it pays; the server prices it and keeps one
// payment per order. The order's id is kept in localStorage, one per market, so a
// reload, Back or a second tab pay the same order, and an order already paid is shown
// as paid instead of a form. Switches change layout, theme, locale and market in place
// (what was typed stays); "Returning customer" starts a customer session for the demo
// customer. /complete is the return page: in a release build the server answers it with
// complete.html, this page with boot.js loading the return page's own wasm (the status
// view alone, `mountPaymentStatus`) instead of the widget's.

const $ = (selector) => document.querySelector(selector);
const returnPage = location.pathname === "/complete";
// The return page has nothing to type or order: no test-data panel, switches, order or
// form (gone before anything loads; the checkout shows them from the first paint).
if (returnPage) {
  $("#test-data")?.remove();
  for (const part of [".demo-controls", ".demo-order", "#payment-form"]) $(part).hidden = true;
}
// The order is asked for while the widget loads, not after.
const firstCart = returnPage ? null : loadOrder($(".demo-controls").elements.market.value);
firstCart?.catch(() => {}); // reported where it is awaited
let bindings;
try {
  bindings = await globalThis.paymentElementReady;
} catch (failure) {
  $(".demo-result").textContent = returnPage
    ? `The payment's status could not be loaded (${failure.message}). Reload this page to try again.`
    : `The payment form could not load: ${failure.message}`;
  throw failure;
}
const { Checkout, mountPaymentStatus } = bindings;

// What the page itself says (the widget localizes everything inside it).
const PAY = {
  en: (amount) => `Pay ${amount}`,
  de: (amount) => `${amount} bezahlen`,
  id: (amount) => `Bayar ${amount}`,
};
const PROCESSING = {
  en: "Processing your payment…",
  de: "Ihre Zahlung wird verarbeitet …",
  id: "Pembayaran Anda sedang diproses…",
};
const PAID = {
  en: { paid: "This order is paid.", processing: "This order's payment is being processed.",
        link: "See the payment", again: "Start a new order" },
  de: { paid: "Diese Bestellung ist bezahlt.", processing: "Die Zahlung dieser Bestellung wird verarbeitet.",
        link: "Zahlung ansehen", again: "Neue Bestellung beginnen" },
  id: { paid: "Pesanan ini sudah dibayar.", processing: "Pembayaran pesanan ini sedang diproses.",
        link: "Lihat pembayaran", again: "Mulai pesanan baru" },
};

/** The locale the element shows for the "Locale" switch ("auto": the browser's). */
function shownLocale(choice) {
  if (choice !== "auto") return choice;
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = String(tag).slice(0, 2).toLowerCase();
    if (language in PAY) return language;
    if (language === "in") return "id"; // Indonesian's old code, as the widget reads it
  }
  return "en";
}

/** Minor units → "€108.00" in the locale, with the currency's decimals as Stripe counts them. */
function money(minor, currency, locale) {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  // IDR has two decimals for Stripe (and the server) although Intl shows none.
  const exponent = currency.toLowerCase() === "idr" ? 2 : digits;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(minor / 10 ** exponent);
}

/** The return page's address, carrying the language the customer chose at checkout. */
function returnUrl(locale) {
  const url = new URL("/complete", location.href);
  if (locale !== "auto") url.searchParams.set("lang", locale);
  return url.href;
}

if (returnPage) {
  // The return page: 3-D Secure and wallet pages send the customer back here, in the
  // language of the checkout (`lang`, when one was chosen), else the browser's.
  const lang = new URLSearchParams(location.search).get("lang");
  const locale = Object.hasOwn(PAY, lang ?? "") ? lang : "auto";
  document.documentElement.lang = shownLocale(locale);
  mountPaymentStatus("#payment-status", "/api", { locale, retryHref: "/" });
} else {
  await checkoutPage();
}

/** Where the page keeps the id of its open order for a market. (Declared as functions:
 * the first order is asked for at the top of the module, before any `const` here.) */
function orderKey(market) {
  return `payment-element-demo-order:${market}`;
}

/**
 * The order of this checkout for a market, as the server priced it: the one kept from
 * an earlier visit (possibly paid since), or a new one.
 */
async function loadOrder(market) {
  const kept = localStorage.getItem(orderKey(market));
  if (kept) {
    const response = await fetch(`/api/orders/${encodeURIComponent(kept)}`);
    if (!response.ok && response.status !== 404) throw new Error(`HTTP ${response.status}`);
    const order = response.ok ? await response.json() : null;
    // Paid, processing or open, it is this checkout's order. Canceled by the merchant,
    // or unknown to a server started on a new database: start another.
    if (order && order.status !== "canceled") return order;
  }
  const response = await fetch("/api/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ market }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const order = await response.json();
  localStorage.setItem(orderKey(market), order.id);
  return order;
}

/** Whether nothing more can be paid for the order. */
function settled(order) {
  return order.status === "paid" || order.status === "processing";
}

async function checkoutPage() {
  const controls = $(".demo-controls");
  const order = $(".demo-order");
  const form = $("#payment-form");
  const button = $(".pe-pay-button");
  const label = $(".pe-pay-label");
  const spinner = $(".pe-spinner");
  const error = $(".pe-pay-error");
  const status = $(".pe-pay-status");
  const result = $(".demo-result");
  const choice = (name) => controls.elements[name].value;

  // Where cards go: the payments origin serves the card frame and the vault, and the
  // publishable key may only tokenize there (GET /api/config, as Stripe's quickstart).
  const config = await (await fetch("/api/config")).json();
  const checkout = Checkout({
    apiBase: "/api",
    publishableKey: config.publishableKey,
    paymentsOrigin: config.paymentsOrigin,
  });
  const paidPanel = $(".demo-paid");
  let cart = null; // the order: { id, status, market, items, amount, currency, payment_intent }
  let elements = null;
  let paying = false; // from Pay until the outcome
  let loading = false; // a cart is being fetched: Pay waits for it
  let cartRequests = 0;
  let paid = false; // the order went through: nothing to pay any more
  // The last confirm got no answer (network): it may have gone through, and it will
  // be sent again as it was, so the cart stays as it is until an answer comes.
  let unanswered = false;

  function render() {
    const locale = shownLocale(choice("locale"));
    document.documentElement.lang = locale;
    const list = order.querySelector("ul");
    list.replaceChildren(
      ...cart.items.map((item) => {
        const line = document.createElement("li");
        const what = document.createElement("span");
        what.textContent = `${item.quantity} × ${item.name}`;
        const price = document.createElement("span");
        price.textContent = money(item.unit_amount * item.quantity, cart.currency, locale);
        line.append(what, price);
        return line;
      }),
    );
    order.querySelector(".demo-total span:last-child").textContent = money(
      cart.amount,
      cart.currency,
      locale,
    );
    label.textContent = PAY[locale](money(cart.amount, cart.currency, locale));
    const words = PAID[locale];
    paidPanel.hidden = !settled(cart);
    form.hidden = settled(cart);
    if (settled(cart)) {
      paidPanel.querySelector(".demo-paid-message").textContent =
        cart.status === "paid" ? words.paid : words.processing;
      const link = paidPanel.querySelector(".demo-paid-link");
      link.textContent = words.link;
      const intent = cart.payment_intent;
      const url = new URL(returnUrl(choice("locale")));
      url.searchParams.set("payment_intent", intent.id);
      url.searchParams.set("payment_intent_client_secret", intent.client_secret);
      url.searchParams.set("redirect_status", intent.status);
      link.href = url.href;
      paidPanel.querySelector(".demo-new-order").textContent = words.again;
    }
  }

  // Another order for this market: the paid one stays paid on the server.
  paidPanel.querySelector(".demo-new-order").addEventListener("click", () => {
    localStorage.removeItem(orderKey(cart.market));
    location.reload();
  });

  // While a payment is out nothing about the order may change; while a cart loads,
  // Pay waits, so the page never pays for another cart than the one it shows.
  function update() {
    paid = paid || settled(cart);
    button.disabled = paying || loading || paid;
    button.setAttribute("aria-busy", String(paying));
    spinner.hidden = !paying;
    // Said once by screen readers (the button's label stays the amount).
    status.textContent = paying ? PROCESSING[shownLocale(choice("locale"))] : "";
    for (const control of controls.elements) control.disabled = paying;
    controls.elements.market.disabled = paying || unanswered;
  }

  try {
    cart = await firstCart;
  } catch (failure) {
    result.textContent = `Could not load the order: ${failure.message}`;
    return;
  }
  elements = checkout.elements({
    mode: "payment",
    amount: cart.amount,
    currency: cart.currency,
    locale: choice("locale"),
    appearance: { theme: choice("theme") },
    business: { name: "Rocket Rides" },
    // The brands the server accepts (--card-brands), shown on the card item.
    paymentMethodOptions: {
      card: { require_cvc_recollection: true, brands: config.cardBrands },
    },
  });
  // `?cardFields=inline` shows the card fields in the page instead of the payments
  // origin's frame (what a merchant who takes the PCI scope of their page chooses).
  const cardFields = new URLSearchParams(location.search).get("cardFields") ?? "frame";
  const paymentElement = elements.create("payment", {
    layout: { type: choice("layout") },
    cardFields,
  });
  paymentElement.mount("#payment-element");

  // Test mode only: a QR code of the test-mode processor encodes its simulated "bank
  // app" page, which a phone cannot reach on 127.0.0.1; the demo links it beside the
  // element, as a shopper's scan would open it.
  const simulator = $(".demo-qr-app");
  new MutationObserver(() => {
    const shown = document.querySelector("#payment-element [data-qr-payload]");
    const payload = shown?.getAttribute("data-qr-payload") ?? "";
    const simulated = new URL(payload, location.href).href.startsWith(
      `${location.origin}/test-mode/qr/`,
    );
    simulator.hidden = !simulated;
    if (simulated) simulator.querySelector("a").href = payload;
  }).observe($("#payment-element"), { childList: true, subtree: true, attributes: true });
  order.removeAttribute("aria-busy");
  render();
  update();

  // Enter on a switch would submit the switches' form and reload the page.
  controls.addEventListener("submit", (event) => event.preventDefault());
  controls.addEventListener("change", (event) => {
    switched(event).catch((failure) => {
      result.textContent = `That did not work: ${failure.message}`;
    });
  });
  async function switched(event) {
    const name = event.target.name;
    if (name === "layout") paymentElement.update({ layout: { type: choice("layout") } });
    if (name === "theme") elements.update({ appearance: { theme: choice("theme") } });
    if (name === "locale") elements.update({ locale: choice("locale") });
    if (name === "market") {
      const request = ++cartRequests; // only the latest choice counts
      const market = choice("market");
      loading = true;
      update();
      try {
        const loaded = await loadOrder(market);
        if (request !== cartRequests) return;
        // The widget first: if it refused the cart, the page keeps showing the old one.
        elements.update({ amount: loaded.amount, currency: loaded.currency });
        cart = loaded;
        paid = settled(cart);
        result.textContent = "";
      } catch (failure) {
        if (request !== cartRequests) return;
        // Back to the cart that is shown and will be paid.
        controls.elements.market.value = cart.market;
        result.textContent = `Could not load the order: ${failure.message}`;
      } finally {
        if (request === cartRequests) {
          loading = false;
          update();
        }
      }
    }
    if (name === "returning") await returningCustomer(event.target.checked);
    render();
  }

  // A real merchant creates the session on its server for the customer who is logged
  // in; the reference server's POST /api/customer_sessions does it for its demo customer.
  async function returningCustomer(returning) {
    if (!returning) {
      elements.update({ customerSessionClientSecret: undefined, customerSessionFeatures: undefined });
      return;
    }
    try {
      const response = await fetch("/api/customer_sessions", { method: "POST" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const session = await response.json();
      if (!controls.elements.returning.checked) return;
      elements.update({
        customerSessionClientSecret: session.client_secret,
        customerSessionFeatures: session.components.payment_element.features,
      });
      result.textContent = "";
    } catch (failure) {
      controls.elements.returning.checked = false;
      result.textContent = `Could not start a customer session: ${failure.message}`;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (paying || loading || paid) return;
    paying = true;
    update();
    error.textContent = "";
    try {
      const { error: failure, paymentIntent } = await checkout.confirm({
        elements,
        params: { return_url: returnUrl(choice("locale")) },
        // "if_required": 3-D Secure opens in a dialog on this page and a QR code shows in
        // the element; "always": the full-page redirect, and the return page after any
        // payment.
        redirect: choice("redirect"),
        order: cart.id,
      });
      // The answer of a payment the page gave up on (it came back from the back/forward
      // cache meanwhile): the next Pay settles it; nothing to show.
      if (failure?.code === "superseded") return;
      if (failure) {
        error.textContent = failure.message;
        // It may have gone through: the order stays as it is until the next Pay says.
        unanswered = failure.pending === true;
        paying = false;
      } else if (["succeeded", "processing", "requires_capture"].includes(paymentIntent?.status)) {
        paid = true; // on its way to the return page
        unanswered = false;
        if (choice("redirect") === "if_required") {
          // Paid on this page (no redirect was needed): the page shows the result on its
          // return page itself, as the widget does with redirect "always".
          const url = new URL(returnUrl(choice("locale")));
          url.searchParams.set("payment_intent", paymentIntent.id);
          url.searchParams.set("payment_intent_client_secret", paymentIntent.client_secret);
          url.searchParams.set("redirect_status", paymentIntent.status);
          location.assign(url.href);
        }
      } else {
        unanswered = false; // leaving for a 3-D Secure or wallet page
      }
    } catch (thrown) {
      // A bug, not a payment outcome: say so and let the customer try again.
      error.textContent = String(thrown?.message ?? thrown);
      paying = false;
    }
    update();
  });

  // Back from a 3-D Secure or wallet page through the back/forward cache: the widget
  // reopens the element; the page reopens its button.
  // The order may have been paid meanwhile (another tab, or before Back): ask.
  addEventListener("pageshow", async (event) => {
    if (!event.persisted) return;
    // Frozen while a payment was out: it may have gone through, so the order stays as
    // it is until the next Pay settles it.
    if (paying) unanswered = true;
    paying = false;
    update();
    try {
      const response = await fetch(`/api/orders/${encodeURIComponent(cart.id)}`);
      if (!response.ok) return;
      const fresh = await response.json();
      if (fresh.id !== cart.id) return;
      cart = fresh;
      render();
      update();
    } catch {
      // Offline: the widget settles anything unknown on the next Pay.
    }
  });
}
