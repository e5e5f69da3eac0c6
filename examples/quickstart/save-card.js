// A page that saves a customer's payment method for later, written the way Stripe's
// "save payment details for future payments" guide does it: the server creates a
// SetupIntent, the page mounts the Payment Element for its client secret and saves the
// method with confirmSetup. Only the line marked below differs from a Stripe page.

// The one line of JavaScript that changed: was `const stripe = Stripe("pk_test_…");`
const stripe = Checkout("pk_test_QuickstartPageKey2026");

let elements;

initialize();

document
  .querySelector("#payment-form")
  .addEventListener("submit", handleSubmit);

// Creates a SetupIntent on the server and captures its client secret
async function initialize() {
  const { clientSecret } = await fetch("/create-setup-intent", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({}),
  }).then((r) => r.json());

  elements = stripe.elements({ appearance: { theme: "stripe" }, clientSecret });

  const paymentElement = elements.create("payment", { layout: "tabs" });
  paymentElement.mount("#payment-element");
}

async function handleSubmit(e) {
  e.preventDefault();
  setLoading(true);

  // `?redirect=if_required` keeps the customer here: 3-D Secure opens in a dialog on
  // this page, and the result is shown here (Stripe's `redirect: "if_required"`).
  const redirect = new URLSearchParams(location.search).get("redirect") ?? "always";
  const { error, setupIntent } = await stripe.confirmSetup({
    elements,
    confirmParams: {
      return_url: new URL("card-saved.html", location.href).href,
    },
    redirect,
  });

  // Reached when the method could not be set up (a decline, a form to fix), or, with
  // "if_required", when it was; otherwise the customer is on the return_url page by now.
  if (error) {
    showMessage(error.message);
  } else if (setupIntent.status === "succeeded") {
    showMessage("Success! Your payment method has been saved.");
  }
  setLoading(false);
}

// ------- UI helpers -------

function showMessage(messageText) {
  const messageContainer = document.querySelector("#payment-message");
  messageContainer.classList.remove("hidden");
  messageContainer.textContent = messageText;
}

function setLoading(isLoading) {
  document.querySelector("#submit").disabled = isLoading;
  document.querySelector("#spinner").classList.toggle("hidden", !isLoading);
  document.querySelector("#button-text").classList.toggle("hidden", isLoading);
}
