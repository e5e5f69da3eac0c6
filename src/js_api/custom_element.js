// The <payment-element> custom element: the Payment Element in its own shadow root, so
// page CSS cannot reach it and its CSS cannot reach the page. The widget's stylesheets
// (the page's <link rel="stylesheet"> files, fetched once) are adopted into each shadow
// root as constructed sheets, which the strict CSP allows (`style-src 'self'`).
//
//   <payment-element api-base="/api"
//       options='{"mode": "payment", "amount": 5400, "currency": "eur"}'></payment-element>
//
// `element.paymentElement` is the mounted element (for `on`), `element.elements` its
// group (for `checkout.confirm({elements})`); removing the tag destroys it.

let sheets = null;

function widgetSheets() {
  if (!sheets) {
    const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
    sheets = Promise.all(
      links.map(async (link) => {
        const sheet = new CSSStyleSheet();
        const response = await fetch(link.href, { integrity: link.integrity || undefined });
        await sheet.replace(await response.text());
        return sheet;
      }),
    ).catch(() => []);
  }
  return sheets;
}

export function definePaymentElement(mount) {
  if (customElements.get("payment-element")) return;
  customElements.define(
    "payment-element",
    class extends HTMLElement {
      async connectedCallback() {
        const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
        const adopted = await widgetSheets();
        if (!this.isConnected || this.paymentElement) return;
        root.adoptedStyleSheets = adopted;
        const host = document.createElement("div");
        root.replaceChildren(host);
        const options = JSON.parse(this.getAttribute("options") || "{}");
        const mounted = mount(host, this.getAttribute("api-base") || "/api", options);
        if (mounted instanceof Error) throw mounted;
        [this.elements, this.paymentElement] = mounted;
      }

      disconnectedCallback() {
        this.paymentElement?.destroy();
        this.paymentElement = null;
        this.elements = null;
        this.shadowRoot?.replaceChildren();
      }
    },
  );
}
