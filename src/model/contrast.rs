//! WCAG contrast of the element's colours: each theme's palette meets AA (4.5:1 for text,
//! 3:1 for the borders that show where an input is), and when a merchant's
//! `appearance.variables` break that, the element says so in the console.
//!
//! The palettes here are the themes' custom properties in `style/payment_element.css`;
//! a test reads the stylesheet so the two cannot drift apart.

use crate::model::appearance::Appearance;
use crate::model::types::Theme;

/// An opaque sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Contrast needed for text (WCAG 1.4.3, AA), in tenths.
pub const TEXT: u32 = 45;
/// Contrast needed for what identifies a control, such as an input's border (WCAG
/// 1.4.11), in tenths.
pub const NON_TEXT: u32 = 30;

/// A theme's colours, as the variables name them; `border` is `None` when transparent
/// (the flat theme marks its inputs with a bottom rule instead, [`FLAT_INPUT_RULE`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// `colorPrimary`: the selected method's and tab's text, focus rings.
    pub primary: Rgb,
    /// `colorBackground`: inputs and method items.
    pub background: Rgb,
    /// `colorText`.
    pub text: Rgb,
    /// `colorTextSecondary`: labels, notes.
    pub text_secondary: Rgb,
    /// `colorTextPlaceholder`.
    pub placeholder: Rgb,
    /// `colorDanger`: errors.
    pub danger: Rgb,
    /// `colorBorder`.
    pub border: Option<Rgb>,
}

/// The flat theme's inputs have no border; this rule under them shows where they are.
pub const FLAT_INPUT_RULE: Rgb = Rgb(0x80, 0x80, 0x80);

/// The colours of `theme` before any merchant variable.
pub fn theme_palette(theme: Theme) -> Palette {
    let stripe = Palette {
        primary: Rgb(0x05, 0x70, 0xde),
        background: Rgb(0xff, 0xff, 0xff),
        text: Rgb(0x30, 0x31, 0x3d),
        text_secondary: Rgb(0x6d, 0x6e, 0x78),
        placeholder: Rgb(0x73, 0x74, 0x7d),
        danger: Rgb(0xdf, 0x1b, 0x41),
        border: Some(Rgb(0x8b, 0x8c, 0x95)),
    };
    match theme {
        Theme::Stripe => stripe,
        Theme::Night => Palette {
            primary: Rgb(0x5c, 0xb3, 0xff),
            background: Rgb(0x30, 0x31, 0x3d),
            text: Rgb(0xff, 0xff, 0xff),
            text_secondary: Rgb(0xa2, 0xa2, 0xa9),
            placeholder: Rgb(0xa2, 0xa2, 0xa9),
            danger: Rgb(0xfe, 0x87, 0xa1),
            border: Some(Rgb(0x7d, 0x7e, 0x8b)),
        },
        Theme::Flat => Palette {
            primary: Rgb(0x05, 0x67, 0xcc),
            background: Rgb(0xf1, 0xf1, 0xf1),
            text_secondary: Rgb(0x6a, 0x6b, 0x74),
            placeholder: Rgb(0x6a, 0x6b, 0x74),
            danger: Rgb(0xd0, 0x12, 0x3a),
            border: None,
            ..stripe
        },
    }
}

/// A CSS colour the check can read: `#rgb`, `#rrggbb`, `rgb(r, g, b)` or an opaque
/// `rgba(r, g, b, 1)`; `None` for anything else (names, `hsl()`, translucent colours),
/// which the check then leaves alone. `transparent` is read by the palette itself.
pub fn parse_color(value: &str) -> Option<Rgb> {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix('#') {
        let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        };
    }
    let inner = value
        .strip_prefix("rgba(")
        .or_else(|| value.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let mut parts = inner.split(',').map(str::trim);
    let mut channel = || parts.next()?.parse::<u8>().ok();
    let rgb = Rgb(channel()?, channel()?, channel()?);
    match parts.next() {
        None | Some("1") => Some(rgb),
        Some(_) => None,
    }
}

/// The colours after `appearance`'s variables, and which variables the merchant set.
fn palette(appearance: &Appearance) -> (Palette, Vec<&'static str>) {
    let mut palette = theme_palette(appearance.theme.0);
    let mut set = Vec::new();
    for (variable, value) in &appearance.variables {
        let name = variable.as_str();
        if name == "colorBorder" && value.trim() == "transparent" {
            palette.border = None;
            set.push(name);
            continue;
        }
        let Some(color) = parse_color(value) else {
            continue;
        };
        let slot = match name {
            "colorPrimary" => &mut palette.primary,
            "colorBackground" => &mut palette.background,
            "colorText" => &mut palette.text,
            "colorTextSecondary" => &mut palette.text_secondary,
            "colorTextPlaceholder" => &mut palette.placeholder,
            "colorDanger" => &mut palette.danger,
            "colorBorder" => palette.border.get_or_insert(color),
            _ => continue,
        };
        *slot = color;
        set.push(name);
    }
    (palette, set)
}

fn linear(channel: u8) -> f64 {
    let c = f64::from(channel) / 255.0;
    if c <= 0.040_45 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn luminance(Rgb(r, g, b): Rgb) -> f64 {
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The contrast ratio of two colours, in tenths, rounded down (`45` is 4.5:1).
pub fn contrast(a: Rgb, b: Rgb) -> u32 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    // At most 210 tenths (21:1): the cast cannot overflow.
    ((light + 0.05) / (dark + 0.05) * 10.0) as u32
}

/// A pair of colours under the contrast it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// The foreground's variable (`colorTextSecondary`, …).
    pub foreground: &'static str,
    /// The background's variable.
    pub background: &'static str,
    /// Their contrast, in tenths.
    pub ratio: u32,
    /// What it needs, in tenths ([`TEXT`] or [`NON_TEXT`]).
    pub needed: u32,
}

impl Shortfall {
    /// The console's message.
    pub fn message(&self) -> String {
        let tenths = |t: u32| [(t / 10).to_string(), ".".into(), (t % 10).to_string()].concat();
        let what = if self.needed == TEXT {
            "text"
        } else {
            "an input's border"
        };
        [
            "payment-element: appearance.variables give ",
            self.foreground,
            " on ",
            self.background,
            " a contrast of ",
            &tenths(self.ratio),
            ":1, under the ",
            &tenths(self.needed),
            ":1 WCAG AA asks for ",
            what,
        ]
        .concat()
    }
}

/// Every pair under WCAG AA, for pairs where the merchant set at least one of the two
/// colours (a theme's own palette meets it; the tests hold it to that).
pub fn shortfalls(appearance: &Appearance) -> Vec<Shortfall> {
    let (palette, set) = palette(appearance);
    let background = palette.background;
    let mut pairs = vec![
        ("colorText", palette.text, TEXT),
        ("colorTextSecondary", palette.text_secondary, TEXT),
        ("colorTextPlaceholder", palette.placeholder, TEXT),
        ("colorDanger", palette.danger, TEXT),
        ("colorPrimary", palette.primary, TEXT),
    ];
    if let Some(border) = palette.border {
        pairs.push(("colorBorder", border, NON_TEXT));
    }
    pairs
        .into_iter()
        .filter(|(name, _, _)| set.contains(name) || set.contains(&"colorBackground"))
        .filter_map(|(foreground, color, needed)| {
            let ratio = contrast(color, background);
            (ratio < needed).then_some(Shortfall {
                foreground,
                background: "colorBackground",
                ratio,
                needed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::appearance::{ThemeChoice, Variable};

    fn with(theme: Theme, variables: &[(&str, &str)]) -> Appearance {
        Appearance {
            theme: ThemeChoice(theme),
            variables: variables
                .iter()
                .map(|(name, value)| (Variable::parse(name).unwrap(), (*value).to_owned()))
                .collect(),
            rules: Vec::new(),
        }
    }

    #[test]
    fn contrast_is_wcags_ratio() {
        assert_eq!(contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)), 210);
        assert_eq!(contrast(Rgb(255, 255, 255), Rgb(255, 255, 255)), 10);
        // #767676 on white is the classic 4.5:1 grey.
        assert_eq!(contrast(Rgb(0x76, 0x76, 0x76), Rgb(255, 255, 255)), 45);
        assert_eq!(contrast(Rgb(0x77, 0x77, 0x77), Rgb(255, 255, 255)), 44);
    }

    #[test]
    fn colours_are_read_as_css_writes_them() {
        assert_eq!(parse_color("#0570de"), Some(Rgb(5, 0x70, 0xde)));
        assert_eq!(parse_color(" #fff "), Some(Rgb(255, 255, 255)));
        assert_eq!(parse_color("rgb(1, 2, 3)"), Some(Rgb(1, 2, 3)));
        assert_eq!(parse_color("rgba(1,2,3,1)"), Some(Rgb(1, 2, 3)));
        assert_eq!(parse_color("rgba(1, 2, 3, 0.5)"), None);
        assert_eq!(parse_color("hsl(0 0% 0%)"), None);
        assert_eq!(parse_color("#12345"), None);
        assert_eq!(parse_color("#ggg"), None);
    }

    #[test]
    fn every_theme_meets_wcag_aa() {
        for theme in Theme::ALL {
            let palette = theme_palette(*theme);
            let b = palette.background;
            for (name, color) in [
                ("text", palette.text),
                ("text secondary", palette.text_secondary),
                ("placeholder", palette.placeholder),
                ("danger", palette.danger),
                ("primary", palette.primary),
            ] {
                assert!(
                    contrast(color, b) >= TEXT,
                    "{theme:?} {name}: {}",
                    contrast(color, b)
                );
            }
            let boundary = palette.border.unwrap_or(FLAT_INPUT_RULE);
            assert!(contrast(boundary, b) >= NON_TEXT, "{theme:?} border");
            // The focus ring is the primary colour, on the item and input background.
            assert!(contrast(palette.primary, b) >= NON_TEXT, "{theme:?} focus");
        }
    }

    #[test]
    fn the_palettes_are_the_stylesheets() {
        let css = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/style/payment_element.css"
        ))
        .unwrap();
        let block = |selector: &str| -> String {
            let start = css.find(&[selector, " {"].concat()).expect(selector);
            let end = start + css[start..].find('}').unwrap();
            css[start..end].to_owned()
        };
        let value = |block: &str, property: &str| -> Option<Rgb> {
            let at = block.find(&[property, ": "].concat())?;
            let rest = &block[at + property.len() + 2..];
            let value = &rest[..rest.find(';')?];
            if value == "transparent" {
                return None;
            }
            Some(parse_color(value).unwrap_or_else(|| panic!("{property}: {value}")))
        };
        let root = block(".pe-root");
        for theme in Theme::ALL {
            let own = match theme {
                Theme::Stripe => String::new(),
                other => block(&format!(".pe-root[data-theme=\"{}\"]", other.as_str())),
            };
            let read = |property: &str| -> Option<Rgb> {
                if own.contains(&[property, ": "].concat()) {
                    value(&own, property)
                } else {
                    value(&root, property)
                }
            };
            let palette = theme_palette(*theme);
            assert_eq!(
                read("--pe-color-primary"),
                Some(palette.primary),
                "{theme:?}"
            );
            assert_eq!(
                read("--pe-color-background"),
                Some(palette.background),
                "{theme:?}"
            );
            assert_eq!(read("--pe-color-text"), Some(palette.text), "{theme:?}");
            assert_eq!(
                read("--pe-color-text-secondary"),
                Some(palette.text_secondary),
                "{theme:?}"
            );
            assert_eq!(
                read("--pe-color-text-placeholder"),
                Some(palette.placeholder),
                "{theme:?}"
            );
            assert_eq!(read("--pe-color-danger"), Some(palette.danger), "{theme:?}");
            assert_eq!(read("--pe-color-border"), palette.border, "{theme:?}");
        }
        let flat_input =
            block(".pe-root[data-theme=\"flat\"] .pe-input:not([aria-invalid=\"true\"])");
        assert!(
            flat_input.contains("border-bottom-color: #808080;"),
            "{flat_input}"
        );
        assert_eq!(parse_color("#808080"), Some(FLAT_INPUT_RULE));
    }

    #[test]
    fn a_merchants_colours_under_aa_are_named() {
        assert!(shortfalls(&with(Theme::Stripe, &[])).is_empty());
        assert!(shortfalls(&with(Theme::Night, &[("colorPrimary", "#0085ff")])).len() == 1);
        let light = shortfalls(&with(
            Theme::Stripe,
            &[
                ("colorTextSecondary", "#aaaaaa"),
                ("colorBorder", "#eeeeee"),
            ],
        ));
        assert_eq!(
            light,
            [
                Shortfall {
                    foreground: "colorTextSecondary",
                    background: "colorBackground",
                    ratio: 23,
                    needed: TEXT
                },
                Shortfall {
                    foreground: "colorBorder",
                    background: "colorBackground",
                    ratio: 11,
                    needed: NON_TEXT
                },
            ]
        );
        assert_eq!(
            light[0].message(),
            "payment-element: appearance.variables give colorTextSecondary on \
             colorBackground a contrast of 2.3:1, under the 4.5:1 WCAG AA asks for text"
        );
        // A dark background under the default text is checked against every colour.
        let dark = shortfalls(&with(Theme::Stripe, &[("colorBackground", "#222222")]));
        assert!(dark.iter().any(|s| s.foreground == "colorText"), "{dark:?}");
        // Colours the check cannot read are left alone.
        assert!(shortfalls(&with(Theme::Stripe, &[("colorText", "hsl(0 0% 90%)")])).is_empty());
    }
}
