// The return page of a Stripe quickstart: reads the intent's client secret from the
// address and shows the intent's status. Only the marked line differs from Stripe's.

// The one line of JavaScript that changed: was `const stripe = Stripe("pk_test_…");`
// (checkout-server takes this key with --publishable-key, as the e2e test starts it).
const stripe = Checkout("pk_test_QuickstartPageKey2026");

const STATUS_TEXT = {
  succeeded: "Payment succeeded",
  processing: "Your payment is processing.",
  requires_payment_method: "Your payment was not successful, please try again.",
  default: "Something went wrong, please try again.",
};

checkStatus();

async function checkStatus() {
  const clientSecret = new URLSearchParams(window.location.search).get(
    "payment_intent_client_secret"
  );

  if (!clientSecret) {
    return;
  }

  const { paymentIntent } = await stripe.retrievePaymentIntent(clientSecret);

  const text = STATUS_TEXT[paymentIntent.status] || STATUS_TEXT.default;
  document.querySelector("#status-text").textContent = text;
  document.querySelector("#payment-status").dataset.status = paymentIntent.status;
  document.querySelector("#view-details").href = `/api/payment_intents/${paymentIntent.id}`;
}
