// The return page of a "save a card" page: reads the SetupIntent's client secret from
// the address and says whether the method was saved. Only the marked line differs from
// a Stripe page.

// The one line of JavaScript that changed: was `const stripe = Stripe("pk_test_…");`
const stripe = Checkout("pk_test_QuickstartPageKey2026");

const STATUS_TEXT = {
  succeeded: "Success! Your payment method has been saved.",
  processing: "Processing payment details. We'll update you when processing is complete.",
  requires_payment_method: "Failed to process payment details. Please try another payment method.",
  default: "Something went wrong, please try again.",
};

checkStatus();

async function checkStatus() {
  const clientSecret = new URLSearchParams(window.location.search).get(
    "setup_intent_client_secret"
  );

  if (!clientSecret) {
    return;
  }

  const { setupIntent } = await stripe.retrieveSetupIntent(clientSecret);

  document.querySelector("#status-text").textContent =
    STATUS_TEXT[setupIntent.status] || STATUS_TEXT.default;
  document.querySelector("#payment-status").dataset.status = setupIntent.status;
}
