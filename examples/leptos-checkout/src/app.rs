//! The app's two routes: the checkout and the page 3-D Secure and wallets return to.

use crate::checkout::CheckoutPage;
use crate::complete::CompletePage;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole app: a router with the checkout on `/` and the return page on `/complete`.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <main class="example">
                <Routes fallback=|| view! { <p>"Nothing here. " <a href="/">"Back to the checkout"</a></p> }>
                    <Route path=path!("/") view=CheckoutPage />
                    <Route path=path!("/complete") view=CompletePage />
                </Routes>
            </main>
        </Router>
    }
}
