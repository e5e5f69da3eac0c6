//! The closed sets of values the Payment Element's options and props take. Each has
//! `as_str()` (its name in the options JSON) and `parse`, so options code never
//! compares free strings.

use payment_core::api::PaymentMethodType;

/// Declares an option enum with its JSON names.
macro_rules! option_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every value, in the order error messages list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name in the options JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// The value named `name`, exactly as [`Self::as_str`] spells it.
            pub fn parse(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }
    };
}

option_enum! {
    /// How the payment methods are arranged.
    LayoutKind {
        /// Stacked items that expand, one at a time (Stripe's default).
        Accordion => "accordion",
        /// A row of tabs above the selected method's form.
        Tabs => "tabs",
    }
}

option_enum! {
    /// Whether accordion items show a radio button.
    Radios {
        /// Always.
        Always => "always",
        /// Never.
        Never => "never",
        /// Only when there is more than one method to choose from.
        IfMultiple => "if_multiple",
    }
}

option_enum! {
    /// The base look that `appearance.variables` refine.
    Theme {
        /// Light, Stripe's default.
        Stripe => "stripe",
        /// Dark.
        Night => "night",
        /// Light without borders and shadows.
        Flat => "flat",
    }
}

option_enum! {
    /// What the element collects the payment method for.
    Mode {
        /// A one-time payment of `amount`.
        Payment => "payment",
        /// Saving a method for later, without a payment.
        Setup => "setup",
        /// The first payment of a subscription.
        Subscription => "subscription",
    }
}

option_enum! {
    /// Whether the element collects a billing detail.
    FieldVisibility {
        /// Where the payment method needs it.
        Auto => "auto",
        /// Never: the merchant passes it at confirm time.
        Never => "never",
        /// For every payment method (for the name: a cardholder name on cards too).
        Always => "always",
    }
}

option_enum! {
    /// Stripe's `loader`: whether a skeleton stands where the card fields load.
    #[derive(Default)]
    Loader {
        /// While they load (the card frame, a second origin's page).
        #[default]
        Auto => "auto",
        /// The same here: the skeleton shows until the fields do.
        Always => "always",
        /// Nothing until the fields show.
        Never => "never",
    }
}

option_enum! {
    /// Where the card number, expiry and CVC are typed (`cardFields`).
    #[derive(Default)]
    CardFields {
        /// In a frame served by the payments origin: no script of the page can read
        /// them, and the merchant stays out of PCI DSS scope for card data (SAQ A).
        #[default]
        Frame => "frame",
        /// In the page's own inputs, tokenized by the page with the payments origin: for
        /// integrators who take the PCI scope of their page themselves (SAQ A-EP).
        Inline => "inline",
    }
}

option_enum! {
    /// A payment method the element offers.
    MethodKind {
        /// Card.
        Card => "card",
        /// SEPA Direct Debit.
        SepaDebit => "sepa_debit",
        /// An e-wallet redirect (channel chosen inside).
        Ewallet => "ewallet",
        /// A QR code to scan with any banking or wallet app (QRIS, QR Ph).
        QrCode => "qr_code",
    }
}

impl MethodKind {
    /// The wire type of the method.
    pub fn wire_type(self) -> PaymentMethodType {
        match self {
            MethodKind::Card => PaymentMethodType::Card,
            MethodKind::SepaDebit => PaymentMethodType::SepaDebit,
            MethodKind::Ewallet => PaymentMethodType::Ewallet,
            MethodKind::QrCode => PaymentMethodType::QrCode,
        }
    }
}

/// `"a", "b" or "c"` for an error message.
pub fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| ["\"", n, "\""].concat()).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => [rest.join(", ").as_str(), " or ", last].concat(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &v in LayoutKind::ALL {
            assert_eq!(LayoutKind::parse(v.as_str()), Some(v));
        }
        for &v in Radios::ALL {
            assert_eq!(Radios::parse(v.as_str()), Some(v));
        }
        for &v in MethodKind::ALL {
            assert_eq!(MethodKind::parse(v.as_str()), Some(v));
            assert_eq!(v.wire_type().as_str(), v.as_str());
        }
        assert_eq!(Theme::parse("Night"), None);
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(quoted_list(&["a"]), "\"a\"");
        assert_eq!(quoted_list(&["a", "b"]), "\"a\" or \"b\"");
        assert_eq!(quoted_list(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}
