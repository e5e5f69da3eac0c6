//! Layout decisions as plain functions: which accordion items show before "More", and
//! where the arrow keys move the selection in the radio group or the tab list.

use crate::model::types::{MethodKind, Radios};

/// The accordion items to show, and whether a "More" button hides the rest. With
/// `count == 0` every item shows; the current method always shows, even if it is
/// beyond `count`, so the open form never disappears.
pub fn accordion_items(
    methods: &[MethodKind],
    count: usize,
    expanded: bool,
    current: Option<MethodKind>,
) -> (Vec<MethodKind>, bool) {
    if count == 0 || expanded || methods.len() <= count {
        return (methods.to_vec(), false);
    }
    let shown = methods
        .iter()
        .enumerate()
        .filter(|(i, m)| *i < count || Some(**m) == current)
        .map(|(_, m)| *m)
        .collect::<Vec<_>>();
    let more = shown.len() < methods.len();
    (shown, more)
}

/// Whether accordion items show a radio button.
pub fn shows_radios(radios: Radios, method_count: usize) -> bool {
    match radios {
        Radios::Always => true,
        Radios::Never => false,
        Radios::IfMultiple => method_count > 1,
    }
}

/// The method a key moves to from `from` among `items`, wrapping around; `None` for
/// keys that do not move. Both orientations move, as in the WAI-ARIA radio group and
/// tabs patterns.
pub fn step(items: &[MethodKind], from: Option<MethodKind>, key: &str) -> Option<MethodKind> {
    let at = from.and_then(|m| items.iter().position(|i| *i == m));
    items.get(step_index(items.len(), at, key)?).copied()
}

/// The index an arrow, Home or End key moves to in a list of `len` items from `at`
/// (nothing focused yet: the first or the last), wrapping around; `None` for other
/// keys or an empty list. Radio groups, tabs and the saved methods all move this way.
pub fn step_index(len: usize, at: Option<usize>, key: &str) -> Option<usize> {
    let last = len.checked_sub(1)?;
    Some(match key {
        "ArrowDown" | "ArrowRight" => at.map_or(0, |i| if i == last { 0 } else { i + 1 }),
        "ArrowUp" | "ArrowLeft" => at.map_or(last, |i| if i == 0 { last } else { i - 1 }),
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MethodKind::*;

    #[test]
    fn accordion_hides_items_beyond_the_count_under_more() {
        let all = [Card, SepaDebit, Ewallet];
        assert_eq!(accordion_items(&all, 5, false, None), (all.to_vec(), false));
        assert_eq!(
            accordion_items(&all, 1, false, Some(Card)),
            (vec![Card], true)
        );
        assert_eq!(
            accordion_items(&all, 1, true, Some(Card)),
            (all.to_vec(), false)
        );
        assert_eq!(accordion_items(&all, 0, false, None), (all.to_vec(), false));
        // The open method stays visible even when it is beyond the count.
        assert_eq!(
            accordion_items(&all, 1, false, Some(Ewallet)),
            (vec![Card, Ewallet], true)
        );
    }

    #[test]
    fn radios_option() {
        assert!(shows_radios(Radios::Always, 1));
        assert!(!shows_radios(Radios::Never, 3));
        assert!(!shows_radios(Radios::IfMultiple, 1));
        assert!(shows_radios(Radios::IfMultiple, 2));
    }

    #[test]
    fn arrow_keys_wrap_around() {
        let all = [Card, SepaDebit, Ewallet];
        assert_eq!(step(&all, Some(Card), "ArrowDown"), Some(SepaDebit));
        assert_eq!(step(&all, Some(Ewallet), "ArrowRight"), Some(Card));
        assert_eq!(step(&all, Some(Card), "ArrowUp"), Some(Ewallet));
        assert_eq!(step(&all, None, "ArrowDown"), Some(Card));
        assert_eq!(step(&all, Some(SepaDebit), "End"), Some(Ewallet));
        assert_eq!(step(&all, Some(SepaDebit), "Home"), Some(Card));
        assert_eq!(step(&all, Some(Card), "a"), None);
        assert_eq!(step(&[], None, "ArrowDown"), None);
    }
}
