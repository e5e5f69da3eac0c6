//! The e-wallet form: the wallets of the payment's currency as a radio list, and what
//! happens next (a redirect to the wallet).

use crate::components::state::ElementContext;
use crate::components::Icon;
use crate::model::form::Field;
use crate::model::ids;
use crate::model::locale::Key;
use crate::model::options::ewallet_channels;
use leptos::prelude::*;
use payment_core::money::Money;

/// The e-wallet choice.
#[component]
pub fn EwalletForm() -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let chosen = context.state.ewallet;
    let group = ids::fresh("pe-ewallet");
    let error_id = [group.as_str(), "-error"].concat();
    let channels = Memo::new(move |_| ewallet_channels(context.options.with(|o| o.currency)));
    let error = Memo::new(move |_| context.error(Field::Ewallet));
    let note = move || {
        let wallet = chosen.get().map_or_else(
            || i18n.t(Key::MethodEwallet),
            |c| c.display_name().to_owned(),
        );
        let amount = context.options.with(|o| match (o.amount, o.currency) {
            (Some(amount), Some(currency)) => {
                Money::new(amount, currency).format(i18n.0.with(|c| c.locale.as_str()))
            }
            _ => String::new(),
        });
        i18n.fill(
            Key::EwalletRedirect,
            &[("wallet", &wallet), ("amount", &amount)],
        )
    };

    view! {
        <div class="pe-form pe-ewallet-form">
            <fieldset
                class="pe-ewallets"
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
            >
                <legend class="pe-label Label">{move || i18n.t(Key::EwalletChoice)}</legend>
                {move || {
                    channels
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, channel)| {
                            let group = group.clone();
                            view! {
                                <label class="pe-ewallet" data-channel=channel.as_str()>
                                    <input
                                        type="radio"
                                        class="pe-ewallet-radio"
                                        name=group
                                        value=channel.as_str()
                                        data-field=(i == 0).then_some(Field::Ewallet.as_str())
                                        prop:checked=move || chosen.get() == Some(channel)
                                        on:change=move |_| chosen.set(Some(channel))
                                    />
                                    <Icon name=crate::model::icons::ewallet_icon(channel) />
                                    <span class="pe-ewallet-name">{channel.display_name()}</span>
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <p class="pe-error Error" id=error_id>
                {move || error.get().map(|key| i18n.t(key))}
            </p>
            <p class="pe-note Text">{note}</p>
        </div>
    }
}
