// The README's embedding snippet as a merchant page uses it: the built JS module and
// nothing else from the repository (no Rust, no inline script).
import init, { Checkout } from "/embed/payment_element.js";

await init();
// The payments origin (card frame and vault) and the publishable key it gives this
// shop, from the shop's own server: GET /api/config on the reference server.
const config = await (await fetch("/api/config")).json();
const checkout = Checkout({
  apiBase: "/api",
  publishableKey: config.publishableKey,
  paymentsOrigin: config.paymentsOrigin,
});
const elements = checkout.elements({
  mode: "payment",
  amount: 5400,
  currency: "eur",
  appearance: { theme: "stripe" },
  locale: "auto",
});
const paymentElement = elements.create("payment", {
  layout: { type: "accordion", radios: "always" },
});
paymentElement.mount("#payment-element");

const form = document.querySelector("#payment-form");
const button = document.querySelector("#submit");
const message = document.querySelector("#error-message");
paymentElement.on("change", (event) => {
  if (event.complete) message.textContent = "";
});
paymentElement.on("ready", () => form.setAttribute("data-ready", ""));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  button.disabled = true;
  const { error } = await checkout.confirm({
    elements,
    params: { return_url: new URL("/complete", location.href).href },
    redirect: "always",
  });
  if (error) {
    message.textContent = error.message;
    button.disabled = false;
  }
});
