//! Which icon each method, wallet, QR standard and card brand shows. The icons are the
//! files of `style/icons/` (see its `NOTICE.md`), named here and drawn by the
//! stylesheet's `.pe-icon[data-icon="…"]` rules, so only those on screen are fetched.

use crate::model::types::MethodKind;
use payment_core::api::{EwalletChannel, QrChannel};
use payment_core::card::{BrandSet, CardBrand};

/// How many brand logos the card item's header shows before it sums up the rest as
/// "+N" (four fit beside "Card" on a 390 px phone).
pub const HEADER_BRANDS: usize = 4;

/// A method's icon: a logo (`sepa_debit`) or a glyph in the text colour (the others).
pub fn method_icon(method: MethodKind) -> &'static str {
    method.as_str()
}

/// Whether `icon` is a monochrome glyph (drawn as a mask in the text colour) rather
/// than a brand's logo in its own colours.
pub fn is_glyph(icon: &str) -> bool {
    matches!(icon, "card" | "ewallet" | "qr_code")
}

/// A wallet's logo.
pub fn ewallet_icon(channel: EwalletChannel) -> &'static str {
    match channel {
        EwalletChannel::Gcash => "gcash",
        EwalletChannel::Paymaya => "paymaya",
        EwalletChannel::Shopeepay => "shopeepay",
        EwalletChannel::Ovo => "ovo",
        EwalletChannel::Dana => "dana",
        EwalletChannel::Unknown => "ewallet",
    }
}

/// A QR standard's mark.
pub fn qr_icon(channel: QrChannel) -> &'static str {
    match channel {
        QrChannel::Qris => "qris",
        QrChannel::Qrph => "qrph",
        QrChannel::Unknown => "qr_code",
    }
}

/// The accepted brands the card item's header shows, and how many more there are
/// (shown as "+N"): all of them when they fit, else one fewer than fit and the count.
pub fn header_brands(accepted: BrandSet) -> (Vec<CardBrand>, usize) {
    let all: Vec<CardBrand> = accepted.brands().collect();
    if all.len() <= HEADER_BRANDS {
        return (all, 0);
    }
    let shown = HEADER_BRANDS - 1;
    let more = all.len() - shown;
    (all.into_iter().take(shown).collect(), more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_shows_the_accepted_brands_or_sums_up_the_rest() {
        let (shown, more) = header_brands(BrandSet::ALL);
        assert_eq!(
            shown,
            [CardBrand::Visa, CardBrand::Mastercard, CardBrand::Amex]
        );
        assert_eq!(more, CardBrand::ALL.len() - 3);
        let four = BrandSet::from_names(["visa", "mastercard", "amex", "jcb"]).unwrap();
        assert_eq!(header_brands(four), (four.brands().collect(), 0));
        let one = BrandSet::NONE.with(CardBrand::Elo);
        assert_eq!(header_brands(one), (vec![CardBrand::Elo], 0));
    }

    #[test]
    fn every_icon_named_has_its_file() {
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/style/icons"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<Vec<_>>();
        let css = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/style/payment_element.css"
        ))
        .unwrap();
        let named = CardBrand::ALL
            .iter()
            .map(|b| b.as_str())
            .chain(EwalletChannel::ALL.into_iter().map(ewallet_icon))
            .chain(QrChannel::ALL.into_iter().map(qr_icon))
            .chain(MethodKind::ALL.iter().map(|m| method_icon(*m)));
        for icon in named {
            let file = format!("{icon}.svg");
            assert!(files.contains(&file), "style/icons/{file} is missing");
            let rule = format!(".pe-icon[data-icon=\"{icon}\"]");
            assert!(css.contains(&rule), "payment_element.css has no {rule}");
            assert_eq!(
                is_glyph(icon),
                css.contains(&format!("{rule} {{ mask-image:")),
                "{icon}: a glyph is a mask, a logo an image"
            );
        }
    }
}
