//! The Stripe-style Appearance API turned into CSS: `variables` become custom properties
//! set on the widget root, `rules` become a stylesheet whose every selector starts with
//! the root's id, so one element's appearance never leaks onto the page or onto another
//! element.
//!
//! Everything here is checked when options are parsed, because the values end up in a
//! stylesheet: a value that could close a declaration or a block is refused.

use crate::model::types::{quoted_list, Theme};

/// A themable value of `appearance.variables`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Variable(&'static str);

/// Every variable merchants may set, by its camelCase name. Each maps to the custom
/// property `--pe-` + its kebab-case name, which `style/*.css` reads.
pub const VARIABLES: &[&str] = &[
    "colorPrimary",
    "colorBackground",
    "colorText",
    "colorTextSecondary",
    "colorTextPlaceholder",
    "colorDanger",
    "colorBorder",
    "fontFamily",
    "fontSizeBase",
    "fontLineHeight",
    "spacingUnit",
    "borderRadius",
    "focusOutline",
];

/// The classes merchants may style with `rules`, as Stripe names them. Components put
/// them on their elements next to the internal `pe-` classes.
pub const RULE_CLASSES: &[&str] = &[
    ".Input",
    ".Input--invalid",
    ".Label",
    ".Error",
    ".Tab",
    ".Tab--selected",
    ".AccordionItem",
    ".AccordionItem--selected",
    ".RadioIcon",
    ".Text",
];

/// The states a rule may add to a class.
pub const RULE_STATES: &[&str] = &[
    "",
    ":hover",
    ":focus",
    ":focus-visible",
    ":disabled",
    "::placeholder",
];

impl Variable {
    /// The variable called `name`, if it is one.
    pub fn parse(name: &str) -> Option<Variable> {
        VARIABLES.iter().find(|v| **v == name).map(|v| Variable(v))
    }

    /// Its camelCase name.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The custom property it sets: `colorPrimary` → `--pe-color-primary`.
    pub fn custom_property(self) -> String {
        ["--pe-", &kebab_case(self.0)].concat()
    }
}

/// A validated appearance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Appearance {
    /// The base theme.
    pub theme: ThemeChoice,
    /// Variables with their values, in the order given.
    pub variables: Vec<(Variable, String)>,
    /// Rules: a selector from [`RULE_CLASSES`] plus a state from [`RULE_STATES`], and
    /// its declarations as CSS property names and values.
    pub rules: Vec<(String, Vec<(String, String)>)>,
}

/// The theme, with Stripe's as the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThemeChoice(pub Theme);

impl Default for ThemeChoice {
    fn default() -> Self {
        ThemeChoice(Theme::Stripe)
    }
}

impl Appearance {
    /// The custom properties to set on the root, as (property, value).
    pub fn custom_properties(&self) -> Vec<(String, String)> {
        self.variables
            .iter()
            .map(|(variable, value)| (variable.custom_property(), value.clone()))
            .collect()
    }

    /// The rules as a stylesheet scoped to the element whose id is `root_id`.
    pub fn scoped_css(&self, root_id: &str) -> String {
        let mut css = String::new();
        for (selector, declarations) in &self.rules {
            css.push('#');
            css.push_str(root_id);
            css.push(' ');
            css.push_str(selector);
            css.push('{');
            for (property, value) in declarations {
                css.push_str(property);
                css.push(':');
                css.push_str(value);
                css.push(';');
            }
            css.push('}');
        }
        css
    }
}

/// `colorPrimary` → `color-primary`.
pub fn kebab_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks a value that will be written into CSS: it must not be able to end its
/// declaration or block, open a comment or load anything.
pub fn check_value(option: &str, value: &str) -> Result<String, String> {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    if value.is_empty()
        || value.contains([';', '{', '}', '<', '>', '\\', '\n', '\r'])
        || value.contains("/*")
        // Every CSS function that can fetch: url(), src() and the image functions that
        // take a bare string as an address (image-set("https://…" 1x)).
        || ["url(", "src(", "image-set(", "image(", "cross-fade(", "element("]
            .iter()
            .any(|f| lower.contains(f))
        || lower.contains("expression(")
        || lower.contains("@import")
    {
        return Err([
            option,
            " must be a single CSS value without ; { } < > \\, comments or url()",
        ]
        .concat());
    }
    Ok(value.to_owned())
}

/// Checks a rule's selector: one of [`RULE_CLASSES`] plus at most one state.
pub fn check_selector(selector: &str) -> Result<String, String> {
    let selector = selector.trim();
    let (class, state) = match selector.find(':') {
        Some(at) => selector.split_at(at),
        None => (selector, ""),
    };
    if RULE_CLASSES.contains(&class) && RULE_STATES.contains(&state) {
        Ok(selector.to_owned())
    } else {
        Err([
            "appearance.rules: \"",
            selector,
            "\" is not a supported selector; use one of ",
            &quoted_list(RULE_CLASSES),
            ", optionally followed by :hover, :focus, :focus-visible, :disabled or ::placeholder",
        ]
        .concat())
    }
}

/// Checks a rule's property name (camelCase, as Stripe takes it, or kebab-case) and
/// returns its CSS name.
pub fn check_property(selector: &str, property: &str) -> Result<String, String> {
    let ok = !property.is_empty()
        && property
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
        && !property.starts_with("--");
    if ok {
        Ok(kebab_case(property))
    } else {
        Err([
            "appearance.rules[\"",
            selector,
            "\"]: \"",
            property,
            "\" is not a CSS property name",
        ]
        .concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_map_to_custom_properties() {
        let primary = Variable::parse("colorPrimary").unwrap();
        assert_eq!(primary.custom_property(), "--pe-color-primary");
        assert_eq!(
            Variable::parse("fontSizeBase").unwrap().custom_property(),
            "--pe-font-size-base"
        );
        assert_eq!(Variable::parse("colourPrimary"), None);
    }

    #[test]
    fn rules_are_scoped_to_the_root() {
        let appearance = Appearance {
            rules: vec![
                (
                    ".Input".to_owned(),
                    vec![("border-color".to_owned(), "#000".to_owned())],
                ),
                (
                    ".Tab--selected:hover".to_owned(),
                    vec![
                        ("color".to_owned(), "red".to_owned()),
                        ("box-shadow".to_owned(), "none".to_owned()),
                    ],
                ),
            ],
            ..Appearance::default()
        };
        assert_eq!(
            appearance.scoped_css("pe-7"),
            "#pe-7 .Input{border-color:#000;}#pe-7 .Tab--selected:hover{color:red;box-shadow:none;}"
        );
    }

    #[test]
    fn values_that_could_escape_their_declaration_are_refused() {
        assert_eq!(check_value("x", " #fff ").unwrap(), "#fff");
        assert!(check_value("x", "red; background: url(evil)").is_err());
        for fetching in [
            r#"image-set("https://tracker.example/p.png" 1x)"#,
            r#"-webkit-image-set("https://tracker.example/p.png" 1x)"#,
            r#"src("https://tracker.example/p.png")"#,
            r#"cross-fade(url(a), red)"#,
        ] {
            assert!(check_value("x", fetching).is_err(), "{fetching}");
        }
        assert!(check_value("x", r#""Helvetica Neue", Arial, sans-serif"#).is_ok());
        assert!(check_value("x", "red}body{color:red").is_err());
        assert!(check_value("x", "URL(https://example.com/a.png)").is_err());
        assert!(check_value("x", "red /* */").is_err());
        assert!(check_value("x", "").is_err());
        let error = check_value("appearance.variables.colorText", "a;b").unwrap_err();
        assert!(error.starts_with("appearance.variables.colorText must"));
    }

    #[test]
    fn only_known_classes_and_states_are_accepted() {
        assert!(check_selector(".Input--invalid").is_ok());
        assert!(check_selector(".Input::placeholder").is_ok());
        assert!(check_selector(".Input:focus").is_ok());
        assert!(check_selector("body").is_err());
        assert!(check_selector(".Input, body").is_err());
        assert!(check_selector(".Input:nth-child(2)").is_err());
        assert!(check_selector(".Input .Label").is_err());
    }

    #[test]
    fn property_names_become_kebab_case() {
        assert_eq!(check_property(".Input", "boxShadow").unwrap(), "box-shadow");
        assert_eq!(check_property(".Input", "color").unwrap(), "color");
        assert!(check_property(".Input", "color:red").is_err());
        assert!(check_property(".Input", "--pe-x").is_err());
    }
}
