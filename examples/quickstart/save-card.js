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

  const { error } = await stripe.confirmSetup({
    elements,
    confirmParams: {
      return_url: new URL("card-saved.html", location.href).href,
    },
  });

  // Reached only when the method could not be set up (a decline, a form to fix);
  // otherwise the customer is on the return_url page by now.
  showMessage(error.message);
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
