// A checkout page written the way Stripe's "collect payment details before creating an
// Intent" guide does it: the Payment Element is shown for an amount and currency first,
// and the PaymentIntent is created only when the customer pays; the page then confirms
// it with confirmPayment({elements, clientSecret}). Only the marked line differs from a
// Stripe page.

// The one line of JavaScript that changed: was `const stripe = Stripe("pk_test_…");`
const stripe = Checkout("pk_test_QuickstartPageKey2026");

// What the page shows; the server's intent decides what is charged (its cart: €108.00).
const options = { mode: "payment", amount: 10800, currency: "eur", appearance: { theme: "stripe" } };
const elements = stripe.elements(options);
elements.create("payment", { layout: "accordion" }).mount("#payment-element");

const form = document.querySelector("#payment-form");
const submitBtn = document.querySelector("#submit");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submitBtn.disabled) return;
  setLoading(true);

  // Validates the form and collects what wallets need, before any intent exists.
  const { error: submitError } = await elements.submit();
  if (submitError) {
    handleError(submitError);
    return;
  }

  // Creates the PaymentIntent and obtains its client secret.
  const { clientSecret } = await fetch("/create-payment-intent", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ items: [{ id: "xl-tshirt" }] }),
  }).then((r) => r.json());

  const { error } = await stripe.confirmPayment({
    elements,
    clientSecret,
    confirmParams: {
      return_url: new URL("complete.html", location.href).href,
    },
  });

  // Reached only on an immediate error (a decline, a form to fix); otherwise the
  // customer is on the return_url page by now.
  handleError(error);
});

function handleError(error) {
  const messageContainer = document.querySelector("#payment-message");
  messageContainer.classList.remove("hidden");
  messageContainer.textContent = error.message;
  setLoading(false);
}

function setLoading(isLoading) {
  submitBtn.disabled = isLoading;
  document.querySelector("#spinner").classList.toggle("hidden", !isLoading);
  document.querySelector("#button-text").classList.toggle("hidden", isLoading);
}
