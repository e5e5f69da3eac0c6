// The <payment-element> custom element: the Payment Element in its own shadow root, so
// page CSS cannot reach it and its CSS cannot reach the page. The widget's stylesheet
// (the page's <link rel="stylesheet"> whose address names payment_element, or one marked
// data-payment-element; every stylesheet only if none is) is fetched once and adopted
// into each shadow root as a constructed sheet, which the strict CSP allows
// (`style-src 'self'`). A sheet that fails to load is skipped, not all of them.
//
// Moving the tag (a modal, a framework reordering) keeps the element and what was
// typed; only a tag that stays out of the document is destroyed. A new `options`
// attribute after mounting (another amount, a locale) goes to `elements.update`, what
// was typed staying; invalid options are reported and the old ones kept.
//
//   <payment-element api-base="/api" publishable-key="pk_test_…"
//       options='{"mode": "payment", "amount": 5400, "currency": "eur"}'></payment-element>
//
// `publishable-key` (and `payments-origin`, by default the origin this script came
// from) say where the card frame and the vault live; without them the tag takes no card.
//
// `element.paymentElement` is the mounted element (for `on`), `element.elements` its
// group (for `checkout.confirm({elements})`); removing the tag destroys it.

let sheets = null;

// The origin this file was served from: the payments origin, which serves the widget.
export function scriptOrigin() {
  return new URL(import.meta.url).origin;
}

function widgetSheets() {
  if (!sheets) {
    const all = [...document.querySelectorAll('link[rel="stylesheet"]')];
    const own = all.filter(
      (link) => link.hasAttribute("data-payment-element") || /payment[_-]element/.test(link.href),
    );
    const links = own.length ? own : all;
    sheets = Promise.allSettled(
      links.map(async (link) => {
        const response = await fetch(link.href, { integrity: link.integrity || undefined });
        if (!response.ok) throw new Error(`${link.href}: HTTP ${response.status}`);
        const sheet = new CSSStyleSheet();
        await sheet.replace(await response.text());
        return sheet;
      }),
    ).then((results) =>
      results.flatMap((result) => {
        if (result.status === "fulfilled") return [result.value];
        console.warn("payment-element: a stylesheet was not adopted:", result.reason);
        return [];
      }),
    );
  }
  return sheets;
}

export function definePaymentElement(mount) {
  if (customElements.get("payment-element")) return;
  customElements.define(
    "payment-element",
    class extends HTMLElement {
      static observedAttributes = ["options"];

      attributeChangedCallback(name, old, value) {
        if (name !== "options" || old === value || !this.elements) return;
        try {
          this.elements.update(JSON.parse(value || "{}"));
        } catch (error) {
          console.error("payment-element: options not applied:", error.message);
        }
      }

      async connectedCallback() {
        const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
        const adopted = await widgetSheets();
        if (!this.isConnected || this.paymentElement) return;
        root.adoptedStyleSheets = adopted;
        const host = document.createElement("div");
        root.replaceChildren(host);
        let mounted;
        try {
          const options = JSON.parse(this.getAttribute("options") || "{}");
          const checkout = { apiBase: this.getAttribute("api-base") || "/api" };
          for (const [attribute, option] of [
            ["publishable-key", "publishableKey"],
            ["payments-origin", "paymentsOrigin"],
          ]) {
            if (this.hasAttribute(attribute)) checkout[option] = this.getAttribute(attribute);
          }
          mounted = mount(host, checkout, options);
        } catch (error) {
          mounted = error;
        }
        if (mounted instanceof Error) {
          console.error("payment-element: not mounted:", mounted.message);
          return;
        }
        [this.elements, this.paymentElement] = mounted;
      }

      disconnectedCallback() {
        // A move is a disconnect then a connect in the same task: wait and see.
        queueMicrotask(() => {
          if (this.isConnected) return;
          this.paymentElement?.destroy();
          this.paymentElement = null;
          this.elements = null;
          this.shadowRoot?.replaceChildren();
        });
      }
    },
  );
}
