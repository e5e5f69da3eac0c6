//! The TypeScript declarations of the embedding API, emitted by wasm-bindgen into the
//! `.d.ts` beside the JS glue (the exported classes take and give plain objects, which
//! wasm-bindgen alone would type as `any`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** `Checkout(options)`. */
export interface CheckoutOptions {
  /** The merchant API's base URL; `/api` when absent. */
  apiBase?: string;
  /** How long each call to the merchant API may take, in milliseconds (1000–120000); 30000 when absent. */
  timeout?: number;
}

export type LayoutType = "accordion" | "tabs";

export interface LayoutObject {
  type?: LayoutType;
  defaultCollapsed?: boolean;
  radios?: "always" | "never" | "if_multiple" | boolean;
  spacedAccordionItems?: boolean;
  visibleAccordionItemsCount?: number;
  paymentMethodOrder?: PaymentMethodType[];
}

export type PaymentMethodType = "card" | "sepa_debit" | "ewallet";

export interface Appearance {
  theme?: "stripe" | "night" | "flat";
  variables?: Record<string, string>;
  rules?: Record<string, Record<string, string>>;
}

export type FieldVisibility = "auto" | "never" | "always";

/** As the customer session's `components.payment_element.features` gives them; anything
 * missing or unknown reads as disabled. Which saved methods are listed is the server's
 * filter. */
export interface CustomerSessionFeatures {
  payment_method_redisplay?: "enabled" | "disabled";
  payment_method_redisplay_limit?: number;
  payment_method_save?: "enabled" | "disabled";
  payment_method_save_usage?: "off_session" | "on_session";
  payment_method_remove?: "enabled" | "disabled";
}

/** `checkout.elements(options)`; `elements.update(options)` takes any subset. The
 * element's own options (`layout`, `fields`, `business`) may be given here too. */
export interface ElementsOptions {
  mode?: "payment" | "setup" | "subscription";
  /** In minor units (5400 is EUR 54.00). */
  amount?: number;
  /** ISO 4217, e.g. "eur". */
  currency?: string;
  paymentMethodTypes?: PaymentMethodType[];
  paymentMethodOrder?: PaymentMethodType[];
  customerSessionClientSecret?: string;
  customerSessionFeatures?: CustomerSessionFeatures;
  appearance?: Appearance;
  /** "auto", "en", "de", "id" or a regional tag such as "de-AT". */
  locale?: string;
  /** Message overrides by catalogue key. */
  strings?: Record<string, string>;
  paymentMethodOptions?: { card?: { require_cvc_recollection?: boolean } };
  savedPaymentMethods?: { hideExpired?: boolean };
  layout?: LayoutType | LayoutObject;
  fields?: {
    billingDetails?:
      | FieldVisibility
      | {
          name?: FieldVisibility;
          email?: FieldVisibility;
          address?: FieldVisibility | { country?: FieldVisibility; postalCode?: FieldVisibility };
        };
  };
  business?: { name?: string };
}

/** `elements.create("payment", options)` and `paymentElement.update(options)`: any
 * option may be given to either `elements()` or `create()`; the element's win. */
export type PaymentElementOptions = ElementsOptions;

export interface CheckoutError {
  type: "card_error" | "invalid_request_error" | "idempotency_error" | "api_error"
    | "api_connection_error" | "validation_error" | string;
  code?: string;
  decline_code?: string;
  /** In the customer's language; fit to show. */
  message: string;
  param?: string;
  /**
   * `true` when the payment's outcome is unknown (no answer, a server error): it may
   * have gone through, so keep the order as it is; the next `confirm` settles it first
   * and reports it as the payment if it was.
   */
  pending?: boolean;
  /*
   * `code: "superseded"`: the answer of a `confirm` the page gave up on (it came back
   * from the back/forward cache while that call was out). Not an outcome: ignore it;
   * the next `confirm` settles what it had sent.
   */
  /** The first invalid field, for validation errors. */
  field?: string;
}

export interface PaymentMethodPreview {
  type: PaymentMethodType | string;
  card?: { brand: string; last4: string; exp_month: number; exp_year: number };
}

export interface ConfirmationToken {
  id: string;
  object: "confirmation_token";
  expires_at: number;
  payment_method_preview: PaymentMethodPreview;
  return_url?: string;
}

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  status: "requires_payment_method" | "requires_confirmation" | "requires_action"
    | "processing" | "requires_capture" | "canceled" | "succeeded" | string;
  amount: number;
  currency: string;
  client_secret?: string;
  next_action?: { type: "redirect_to_url"; redirect_to_url: { url: string; return_url: string } };
  last_payment_error?: CheckoutError;
  payment_method_preview?: PaymentMethodPreview;
}

export interface SetupIntent {
  id: string;
  object: "setup_intent";
  status: "requires_payment_method" | "requires_confirmation" | "requires_action"
    | "processing" | "canceled" | "succeeded" | string;
  client_secret?: string;
  next_action?: { type: "redirect_to_url"; redirect_to_url: { url: string; return_url: string } };
  last_setup_error?: CheckoutError;
  payment_method_preview?: PaymentMethodPreview;
}

export interface Address {
  line1?: string; line2?: string; city?: string; state?: string;
  postal_code?: string; country?: string;
}

export interface ConfirmParams {
  return_url: string;
  shipping?: { name: string; address: Address; phone?: string };
  billing_details?: { name?: string; email?: string; phone?: string; address?: Address };
}

export interface CreateConfirmationTokenOptions {
  elements: Elements;
  params?: Partial<ConfirmParams>;
}

export interface ConfirmOptions {
  elements: Elements;
  params: ConfirmParams;
  /** "if_required" (default): stay on the page unless 3-D Secure or a wallet needs another. */
  redirect?: "always" | "if_required";
  /** Which of the reference server's carts is ordered ("eu", "ph", "id"); its default cart when absent. */
  market?: string;
  /**
   * The order being paid (`POST /api/orders` → `id`). The server keeps one payment per
   * order: a retry reuses it, and a paid order answers `order_already_paid` with its
   * intent (which `confirm` then reports as the payment) instead of charging again.
   */
  order?: string;
}

/** `mountPaymentStatus(selector, apiBase, options?)`: the return page. */
export interface PaymentStatusOptions {
  /** As the element takes it: "auto" (default, the browser's languages), "en", "de", "id" or a regional tag. */
  locale?: string;
  /** The element's message overrides, by key. */
  strings?: Record<string, string>;
  /** Where "Try another payment method" leads; "/" by default. */
  retryHref?: string;
}

export type Result<T> = ({ error?: undefined } & T) | { error: CheckoutError };

export interface ElementEvent { elementType: "payment" }
export interface ChangeEvent extends ElementEvent {
  complete: boolean;
  empty: boolean;
  value: { type?: PaymentMethodType; payment_method?: { id: string }; savePaymentMethod: boolean };
}
export interface SavedPaymentMethodRemoveEvent extends ElementEvent {
  payment_method: { id: string; type: string };
}
export interface PaymentElementEvents {
  change: ChangeEvent;
  ready: ElementEvent;
  focus: ElementEvent;
  blur: ElementEvent;
  savedpaymentmethodremove: SavedPaymentMethodRemoveEvent;
}
"#;
