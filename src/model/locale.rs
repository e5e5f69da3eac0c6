//! The message catalogue: every string the widget shows, in English, German and
//! Indonesian, plus the merchant's overrides.
//!
//! The tables are plain static arrays indexed by [`Key`], so adding a language costs
//! data, not code (the widget has a size budget). A message may hold `{name}`
//! placeholders, filled by [`Catalogue::fill`].

use payment_core::error::{DeclineCode, ErrorCode};
use std::sync::Arc;

/// A language the catalogue is complete for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// German.
    De,
    /// Indonesian.
    Id,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Id];

    /// The BCP 47 language tag.
    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Id => "id",
        }
    }

    /// The supported locale of a BCP 47 tag (`de-AT` → German; `in` is Indonesian's old
    /// code), or `None` when its language has no catalogue.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "de" => Some(Locale::De),
            "id" | "in" => Some(Locale::Id),
            _ => None,
        }
    }

    /// The first of the browser's preferred languages the catalogue has, else English:
    /// what `locale: "auto"` means.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(Locale::from_tag)
            .unwrap_or_default()
    }

    /// The locale's messages, one after another, each ended by a NUL: one string per
    /// locale instead of a table of pointers (size budget).
    fn table(self) -> &'static str {
        match self {
            Locale::En => EN,
            Locale::De => DE,
            Locale::Id => ID,
        }
    }
}

/// Declares the keys and the three tables side by side, so a message cannot be added
/// to one language and forgotten in another.
macro_rules! catalogue {
    ($($key:ident $name:literal { $en:literal, $de:literal, $id:literal })*) => {
        /// A message of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key { $(#[doc = concat!("`", $name, "`: “", $en, "”")] $key,)* }

        impl Key {
            /// Every key, in table order.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            /// The name merchants use in the `strings` option.
            pub fn as_str(self) -> &'static str {
                nth(NAMES, self as usize)
            }
        }

        static NAMES: &str = concat!($($name, "\0",)*);
        static EN: &str = concat!($($en, "\0",)*);
        static DE: &str = concat!($($de, "\0",)*);
        static ID: &str = concat!($($id, "\0",)*);
    };
}

catalogue! {
    // Labels.
    CardNumber "card_number" { "Card number", "Kartennummer", "Nomor kartu" }
    Expiry "expiry" { "Expiration date", "Ablaufdatum", "Tanggal kedaluwarsa" }
    Cvc "cvc" { "Security code", "Sicherheitscode", "Kode keamanan" }
    CardholderName "cardholder_name" { "Cardholder name", "Name des Karteninhabers", "Nama pemegang kartu" }
    Country "country" { "Country", "Land", "Negara" }
    PostalCode "postal_code" { "Postal code", "Postleitzahl", "Kode pos" }
    Iban "iban" { "IBAN", "IBAN", "IBAN" }
    AccountHolderName "account_holder_name" { "Full name", "Vollständiger Name", "Nama lengkap" }
    Email "email" { "Email", "E-Mail", "Email" }
    EwalletChoice "ewallet_choice" { "Choose your e-wallet", "Wählen Sie Ihre E-Wallet", "Pilih e-wallet Anda" }
    PaymentMethods "payment_methods" { "Payment method", "Zahlungsmethode", "Metode pembayaran" }
    More "more" { "More", "Mehr", "Lainnya" }
    BrandUnknown "brand_unknown" { "Card", "Karte", "Kartu" }
    CardFrameTitle "card_frame_title" { "Secure card payment input", "Sichere Eingabe der Kartendaten", "Input pembayaran kartu yang aman" }
    // Payment method names.
    MethodCard "method_card" { "Card", "Karte", "Kartu" }
    MethodSepaDebit "method_sepa_debit" { "SEPA Direct Debit", "SEPA-Lastschrift", "Debit Langsung SEPA" }
    MethodEwallet "method_ewallet" { "E-wallet", "E-Wallet", "E-wallet" }
    MethodQrCode "method_qr_code" { "QR code", "QR-Code", "Kode QR" }
    // QR code payments (QRIS, QR Ph).
    QrIntro "qr_intro" { "Pay with {channel}: after you press Pay, scan the QR code with your banking or e-wallet app.", "Mit {channel} bezahlen: Nach „Bezahlen“ scannen Sie den QR-Code mit Ihrer Banking- oder E-Wallet-App.", "Bayar dengan {channel}: setelah menekan Bayar, pindai kode QR dengan aplikasi bank atau e-wallet Anda." }
    QrTitle "qr_title" { "Scan to pay with {channel}", "Scannen und mit {channel} bezahlen", "Pindai untuk membayar dengan {channel}" }
    QrImage "qr_image" { "QR code to pay {amount}", "QR-Code, um {amount} zu bezahlen", "Kode QR untuk membayar {amount}" }
    QrInstructions "qr_instructions" { "Open your banking or e-wallet app, choose Scan QR and point it at this code. This page updates by itself once you have paid.", "Öffnen Sie Ihre Banking- oder E-Wallet-App, wählen Sie „QR scannen“ und richten Sie sie auf diesen Code. Diese Seite aktualisiert sich von selbst, sobald Sie bezahlt haben.", "Buka aplikasi bank atau e-wallet Anda, pilih Pindai QR, lalu arahkan ke kode ini. Halaman ini diperbarui sendiri setelah Anda membayar." }
    QrExpiresIn "qr_expires_in" { "Expires in {time}", "Läuft ab in {time}", "Kedaluwarsa dalam {time}" }
    QrExpired "qr_expired" { "This QR code has expired. Try again for a new one.", "Dieser QR-Code ist abgelaufen. Versuchen Sie es erneut, um einen neuen zu erhalten.", "Kode QR ini sudah kedaluwarsa. Coba lagi untuk mendapatkan kode baru." }
    QrCodeUnavailable "qr_code_unavailable" { "The QR code could not be loaded. Check your connection and try again; your payment is still waiting.", "Der QR-Code konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut; Ihre Zahlung wartet weiterhin.", "Kode QR tidak dapat dimuat. Periksa koneksi Anda dan coba lagi; pembayaran Anda masih menunggu." }
    QrCodeRetry "qr_code_retry" { "Show the QR code", "QR-Code anzeigen", "Tampilkan kode QR" }
    QrCancel "qr_cancel" { "Cancel", "Abbrechen", "Batal" }
    QrCanceled "qr_canceled" { "The QR code payment was canceled. Nothing was charged.", "Die Zahlung per QR-Code wurde abgebrochen. Es wurde nichts abgebucht.", "Pembayaran kode QR dibatalkan. Tidak ada yang ditagih." }
    QrDeclined "qr_declined" { "The QR code payment was declined.", "Die Zahlung per QR-Code wurde abgelehnt.", "Pembayaran kode QR ditolak." }
    // 3-D Secure in a dialog on the page.
    ChallengeTitle "challenge_title" { "Confirm your payment with your bank", "Bestätigen Sie die Zahlung bei Ihrer Bank", "Konfirmasikan pembayaran dengan bank Anda" }
    ChallengeFrame "challenge_frame" { "Your bank's confirmation page", "Bestätigungsseite Ihrer Bank", "Halaman konfirmasi bank Anda" }
    ChallengeClose "challenge_close" { "Close", "Schließen", "Tutup" }
    ChallengeCanceled "challenge_canceled" { "The confirmation with your bank was canceled. Nothing was charged; you can try again.", "Die Bestätigung bei Ihrer Bank wurde abgebrochen. Es wurde nichts abgebucht; Sie können es erneut versuchen.", "Konfirmasi dengan bank Anda dibatalkan. Tidak ada yang ditagih; Anda dapat mencoba lagi." }
    // Saved payment methods and the save-for-future-use consent (src/saved_methods.rs).
    SavedMethods "saved_methods" { "Saved payment methods", "Gespeicherte Zahlungsmethoden", "Metode pembayaran tersimpan" }
    NewPaymentMethod "new_payment_method" { "New payment method", "Neue Zahlungsmethode", "Metode pembayaran baru" }
    ShowMore "show_more" { "Show more", "Mehr anzeigen", "Tampilkan lebih banyak" }
    SavedExpires "saved_expires" { "Expires {date}", "Gültig bis {date}", "Berlaku hingga {date}" }
    SavedExpired "saved_expired" { "Expired", "Abgelaufen", "Kedaluwarsa" }
    SavedRemove "saved_remove" { "Remove", "Entfernen", "Hapus" }
    SavedRemoveLabel "saved_remove_label" { "Remove {method}", "{method} entfernen", "Hapus {method}" }
    SavedRemoveConfirm "saved_remove_confirm" { "Remove {method}?", "{method} entfernen?", "Hapus {method}?" }
    SavedRemoveCancel "saved_remove_cancel" { "Cancel", "Abbrechen", "Batal" }
    SavedRemoveFailed "saved_remove_failed" { "This payment method could not be removed. Please try again.", "Diese Zahlungsmethode konnte nicht entfernt werden. Bitte versuchen Sie es erneut.", "Metode pembayaran ini tidak dapat dihapus. Silakan coba lagi." }
    SavedRemoved "saved_removed" { "{method} removed.", "{method} entfernt.", "{method} dihapus." }
    SavedCvc "saved_cvc" { "Security code for {method}", "Sicherheitscode für {method}", "Kode keamanan untuk {method}" }
    SaveConsent "save_consent" { "Save my payment details with {business} for future purchases", "Meine Zahlungsdaten bei {business} für zukünftige Einkäufe speichern", "Simpan detail pembayaran saya di {business} untuk pembelian berikutnya" }
    // Placeholders.
    CardNumberPlaceholder "card_number_placeholder" { "1234 1234 1234 1234", "1234 1234 1234 1234", "1234 1234 1234 1234" }
    ExpiryPlaceholder "expiry_placeholder" { "MM / YY", "MM / JJ", "BB / TT" }
    CvcPlaceholder "cvc_placeholder" { "CVC", "CVC", "CVC" }
    NamePlaceholder "name_placeholder" { "Full name", "Vollständiger Name", "Nama lengkap" }
    PostalCodePlaceholder "postal_code_placeholder" { "Postal code", "PLZ", "Kode pos" }
    IbanPlaceholder "iban_placeholder" { "DE00 0000 0000 0000 0000 00", "DE00 0000 0000 0000 0000 00", "DE00 0000 0000 0000 0000 00" }
    EmailPlaceholder "email_placeholder" { "you@example.com", "sie@beispiel.de", "anda@contoh.com" }
    // Field errors.
    CardNumberIncomplete "card_number_incomplete" { "Your card number is incomplete.", "Ihre Kartennummer ist unvollständig.", "Nomor kartu Anda tidak lengkap." }
    CardBrandNotAccepted "card_brand_not_accepted" { "This card brand is not accepted.", "Diese Kartenmarke wird nicht akzeptiert.", "Merek kartu ini tidak diterima." }
    CardNumberInvalid "card_number_invalid" { "Your card number is invalid.", "Ihre Kartennummer ist ungültig.", "Nomor kartu Anda tidak valid." }
    ExpiryIncomplete "expiry_incomplete" { "Your card's expiration date is incomplete.", "Das Ablaufdatum Ihrer Karte ist unvollständig.", "Tanggal kedaluwarsa kartu Anda tidak lengkap." }
    ExpiryInvalid "expiry_invalid" { "Your card's expiration date is invalid.", "Das Ablaufdatum Ihrer Karte ist ungültig.", "Tanggal kedaluwarsa kartu Anda tidak valid." }
    ExpiryPast "expiry_past" { "Your card's expiration date is in the past.", "Das Ablaufdatum Ihrer Karte liegt in der Vergangenheit.", "Tanggal kedaluwarsa kartu Anda sudah lewat." }
    CvcIncomplete "cvc_incomplete" { "Your card's security code is incomplete.", "Der Sicherheitscode Ihrer Karte ist unvollständig.", "Kode keamanan kartu Anda tidak lengkap." }
    CvcInvalid "cvc_invalid" { "Your card's security code is invalid.", "Der Sicherheitscode Ihrer Karte ist ungültig.", "Kode keamanan kartu Anda tidak valid." }
    PostalCodeIncomplete "postal_code_incomplete" { "Your postal code is incomplete.", "Ihre Postleitzahl ist unvollständig.", "Kode pos Anda tidak lengkap." }
    PostalCodeInvalid "postal_code_invalid" { "Your postal code is invalid.", "Ihre Postleitzahl ist ungültig.", "Kode pos Anda tidak valid." }
    NameRequired "name_required" { "Enter your full name.", "Geben Sie Ihren vollständigen Namen ein.", "Masukkan nama lengkap Anda." }
    IbanIncomplete "iban_incomplete" { "Your IBAN is incomplete.", "Ihre IBAN ist unvollständig.", "IBAN Anda tidak lengkap." }
    IbanInvalid "iban_invalid" { "Your IBAN is invalid.", "Ihre IBAN ist ungültig.", "IBAN Anda tidak valid." }
    IbanNationalCheckFailed "iban_national_check_failed" { "The account number in your IBAN fails your bank's check. Please check it for a typo.", "Die Kontonummer in Ihrer IBAN besteht die Prüfung Ihrer Bank nicht. Bitte prüfen Sie sie auf Tippfehler.", "Nomor rekening dalam IBAN Anda tidak lolos pemeriksaan bank Anda. Periksa apakah ada salah ketik." }
    IbanNotSepa "iban_not_sepa" { "SEPA Direct Debit takes IBANs from SEPA countries only.", "SEPA-Lastschrift ist nur mit IBANs aus SEPA-Ländern möglich.", "SEPA Direct Debit hanya menerima IBAN dari negara SEPA." }
    EmailIncomplete "email_incomplete" { "Enter your email address.", "Geben Sie Ihre E-Mail-Adresse ein.", "Masukkan alamat email Anda." }
    EmailInvalid "email_invalid" { "Your email address is invalid.", "Ihre E-Mail-Adresse ist ungültig.", "Alamat email Anda tidak valid." }
    EwalletRequired "ewallet_required" { "Choose an e-wallet.", "Wählen Sie eine E-Wallet.", "Pilih e-wallet." }
    MethodRequired "method_required" { "Choose a payment method.", "Wählen Sie eine Zahlungsmethode.", "Pilih metode pembayaran." }
    SepaDebitFailed "sepa_debit_failed" { "Your bank did not accept the direct debit.", "Ihre Bank hat die Lastschrift nicht angenommen.", "Bank Anda tidak menerima debit langsung ini." }
    EwalletFailed "ewallet_failed" { "The e-wallet payment was declined.", "Die E-Wallet-Zahlung wurde abgelehnt.", "Pembayaran e-wallet ditolak." }
    DetailsIncomplete "details_incomplete" { "Your payment details are incomplete.", "Ihre Zahlungsdaten sind unvollständig.", "Detail pembayaran Anda tidak lengkap." }
    PaymentInProgress "payment_in_progress" { "A payment is already in progress or complete.", "Eine Zahlung läuft bereits oder ist abgeschlossen.", "Pembayaran sedang diproses atau sudah selesai." }
    ElementNotReady "element_not_ready" { "The payment form is not ready yet.", "Das Zahlungsformular ist noch nicht bereit.", "Formulir pembayaran belum siap." }
    // Texts.
    SepaMandate "sepa_mandate" {
        "By providing your payment information and confirming this payment, you authorise (A) {business} and its payment service provider to send instructions to your bank to debit your account and (B) your bank to debit your account in accordance with those instructions. As part of your rights, you are entitled to a refund from your bank under the terms and conditions of your agreement with your bank. A refund must be claimed within 8 weeks starting from the date on which your account was debited.",
        "Durch Angabe Ihrer Zahlungsinformationen und der Bestätigung dieser Zahlung ermächtigen Sie (A) {business} und dessen Zahlungsdienstleister, Ihrer Bank Anweisungen zur Belastung Ihres Kontos zu erteilen, und (B) Ihre Bank, Ihr Konto gemäß diesen Anweisungen zu belasten. Im Rahmen Ihrer Rechte haben Sie gemäß den Bedingungen Ihrer Vereinbarung mit Ihrer Bank Anspruch auf Erstattung. Eine Erstattung muss innerhalb von 8 Wochen ab dem Tag, an dem Ihr Konto belastet wurde, verlangt werden.",
        "Dengan memberikan informasi pembayaran Anda dan mengonfirmasi pembayaran ini, Anda memberi wewenang kepada (A) {business} dan penyedia layanan pembayarannya untuk mengirim instruksi ke bank Anda guna mendebit rekening Anda dan (B) bank Anda untuk mendebit rekening Anda sesuai instruksi tersebut. Sebagai bagian dari hak Anda, Anda berhak atas pengembalian dana dari bank Anda sesuai syarat dan ketentuan perjanjian Anda dengan bank. Pengembalian dana harus diajukan dalam 8 minggu sejak tanggal rekening Anda didebit."
    }
    BusinessFallback "business_fallback" { "the merchant", "der Händler", "penjual" }
    EwalletRedirect "ewallet_redirect" {
        "After you submit, you will be redirected to {wallet} to pay {amount} securely.",
        "Nach dem Absenden werden Sie zu {wallet} weitergeleitet, um {amount} sicher zu bezahlen.",
        "Setelah Anda mengirim, Anda akan diarahkan ke {wallet} untuk membayar {amount} dengan aman."
    }
    PayButton "pay_button" { "Pay {amount}", "{amount} bezahlen", "Bayar {amount}" }
    // Status messages (announced in the live region).
    StatusMethodSelected "status_method_selected" { "{method} selected.", "{method} ausgewählt.", "{method} dipilih." }
    StatusFormComplete "status_form_complete" { "Payment details complete.", "Zahlungsdaten vollständig.", "Detail pembayaran lengkap." }
    StatusProcessing "status_processing" { "Processing your payment…", "Ihre Zahlung wird verarbeitet …", "Pembayaran Anda sedang diproses…" }
    StatusSucceeded "status_succeeded" { "Payment succeeded.", "Zahlung erfolgreich.", "Pembayaran berhasil." }
    StatusRequiresAction "status_requires_action" { "Additional authentication is required.", "Eine zusätzliche Authentifizierung ist erforderlich.", "Diperlukan autentikasi tambahan." }
    StatusRedirecting "status_redirecting" { "Redirecting…", "Weiterleitung …", "Mengalihkan…" }
    StatusFailed "status_failed" { "Payment failed. Please try another payment method.", "Zahlung fehlgeschlagen. Bitte versuchen Sie eine andere Zahlungsmethode.", "Pembayaran gagal. Silakan coba metode pembayaran lain." }
    StatusCanceled "status_canceled" { "Payment canceled.", "Zahlung abgebrochen.", "Pembayaran dibatalkan." }
    // Submit and return page (src/confirm.rs, PayForm, PaymentStatus).
    PayBusy "pay_busy" { "Processing payment…", "Zahlung wird verarbeitet …", "Memproses pembayaran…" }
    ErrorNetwork "error_network" { "We could not reach the payment server. Check your connection and try again; your details are still here.", "Der Zahlungsserver ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut; Ihre Angaben bleiben erhalten.", "Server pembayaran tidak dapat dihubungi. Periksa koneksi Anda dan coba lagi; data Anda tetap tersimpan di sini." }
    ErrorTimeout "error_timeout" { "The payment server took too long to answer. Please try again; your details are still here.", "Der Zahlungsserver hat zu lange nicht geantwortet. Bitte versuchen Sie es erneut; Ihre Angaben bleiben erhalten.", "Server pembayaran terlalu lama merespons. Silakan coba lagi; data Anda tetap tersimpan di sini." }
    ReturnChecking "return_checking" { "Checking your payment…", "Ihre Zahlung wird geprüft …", "Memeriksa pembayaran Anda…" }
    ReturnReceived "return_received" { "Payment received. Thank you!", "Zahlung erhalten. Vielen Dank!", "Pembayaran diterima. Terima kasih!" }
    ReturnProcessing "return_processing" { "Your payment is processing. This page updates when your bank confirms it.", "Ihre Zahlung wird verarbeitet. Diese Seite aktualisiert sich, sobald Ihre Bank sie bestätigt.", "Pembayaran Anda sedang diproses. Halaman ini akan diperbarui setelah bank Anda mengonfirmasinya." }
    ReturnProcessingEmail "return_processing_email" { "Your payment is still processing. We will email you the result as soon as your bank confirms it.", "Ihre Zahlung wird noch verarbeitet. Wir senden Ihnen das Ergebnis per E-Mail, sobald Ihre Bank sie bestätigt.", "Pembayaran Anda masih diproses. Kami akan mengirimkan hasilnya melalui email setelah bank Anda mengonfirmasinya." }
    ReturnFailed "return_failed" { "Your payment was not completed.", "Ihre Zahlung wurde nicht abgeschlossen.", "Pembayaran Anda tidak selesai." }
    StatusUnavailable "status_unavailable" { "The payment's status could not be loaded. Check your connection and reload this page.", "Der Status der Zahlung konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und laden Sie diese Seite neu.", "Status pembayaran tidak dapat dimuat. Periksa koneksi Anda dan muat ulang halaman ini." }
    ReturnTryAgain "return_try_again" { "Try another payment method", "Andere Zahlungsmethode versuchen", "Coba metode pembayaran lain" }
    ReturnCanceled "return_canceled" { "This payment was canceled. You have not been charged.", "Diese Zahlung wurde abgebrochen. Ihnen wurde nichts berechnet.", "Pembayaran ini dibatalkan. Anda tidak dikenai biaya." }
    ReturnUnknown "return_unknown" { "We could not confirm the status of your payment. Please contact the merchant before paying again.", "Wir konnten den Status Ihrer Zahlung nicht feststellen. Bitte kontaktieren Sie den Händler, bevor Sie erneut bezahlen.", "Kami tidak dapat memastikan status pembayaran Anda. Silakan hubungi penjual sebelum membayar lagi." }
    // Server error codes (payment_core::error::ErrorCode).
    CodeCardBrandNotAccepted "code_card_brand_not_accepted" { "This card brand is not accepted.", "Diese Kartenmarke wird nicht akzeptiert.", "Merek kartu ini tidak diterima." }
    CodeIncorrectNumber "code_incorrect_number" { "Your card number is incorrect.", "Ihre Kartennummer ist falsch.", "Nomor kartu Anda salah." }
    CodeInvalidNumber "code_invalid_number" { "Your card number is invalid.", "Ihre Kartennummer ist ungültig.", "Nomor kartu Anda tidak valid." }
    CodeInvalidExpiryMonth "code_invalid_expiry_month" { "Your card's expiration month is invalid.", "Der Ablaufmonat Ihrer Karte ist ungültig.", "Bulan kedaluwarsa kartu Anda tidak valid." }
    CodeInvalidExpiryYear "code_invalid_expiry_year" { "Your card's expiration year is invalid.", "Das Ablaufjahr Ihrer Karte ist ungültig.", "Tahun kedaluwarsa kartu Anda tidak valid." }
    CodeInvalidCvc "code_invalid_cvc" { "Your card's security code is invalid.", "Der Sicherheitscode Ihrer Karte ist ungültig.", "Kode keamanan kartu Anda tidak valid." }
    CodeCardDeclined "code_card_declined" { "Your card was declined.", "Ihre Karte wurde abgelehnt.", "Kartu Anda ditolak." }
    CodeExpiredCard "code_expired_card" { "Your card has expired.", "Ihre Karte ist abgelaufen.", "Kartu Anda sudah kedaluwarsa." }
    CodeIncorrectCvc "code_incorrect_cvc" { "Your card's security code is incorrect.", "Der Sicherheitscode Ihrer Karte ist falsch.", "Kode keamanan kartu Anda salah." }
    CodeProcessingError "code_processing_error" { "An error occurred while processing your card. Try again in a little bit.", "Bei der Verarbeitung Ihrer Karte ist ein Fehler aufgetreten. Versuchen Sie es in Kürze erneut.", "Terjadi kesalahan saat memproses kartu Anda. Coba lagi sebentar lagi." }
    CodeAuthenticationRequired "code_authentication_required" { "Your card requires authentication.", "Ihre Karte erfordert eine Authentifizierung.", "Kartu Anda memerlukan autentikasi." }
    CodeAuthenticationFailure "code_payment_intent_authentication_failure" { "We are unable to authenticate your payment method. Please choose a different payment method and try again.", "Wir können Ihre Zahlungsmethode nicht authentifizieren. Bitte wählen Sie eine andere Zahlungsmethode und versuchen Sie es erneut.", "Kami tidak dapat mengautentikasi metode pembayaran Anda. Silakan pilih metode pembayaran lain dan coba lagi." }
    CodeOrderAlreadyPaid "code_order_already_paid" { "This order has already been paid.", "Diese Bestellung ist bereits bezahlt.", "Pesanan ini sudah dibayar." }
    CodeUnexpectedState "code_payment_intent_unexpected_state" { "This payment is not in a state that allows this action.", "Diese Zahlung befindet sich nicht in einem Zustand, der diese Aktion erlaubt.", "Pembayaran ini tidak dalam status yang mengizinkan tindakan ini." }
    CodeSetupAuthenticationFailure "code_setup_intent_authentication_failure" { "We are unable to authenticate your payment method. Please choose a different payment method and try again.", "Wir können Ihre Zahlungsmethode nicht authentifizieren. Bitte wählen Sie eine andere Zahlungsmethode und versuchen Sie es erneut.", "Kami tidak dapat mengautentikasi metode pembayaran Anda. Silakan pilih metode pembayaran lain dan coba lagi." }
    CodeSetupUnexpectedState "code_setup_intent_unexpected_state" { "This payment method is not in a state that allows this action.", "Diese Zahlungsmethode befindet sich nicht in einem Zustand, der diese Aktion erlaubt.", "Metode pembayaran ini tidak dalam status yang mengizinkan tindakan ini." }
    CodeResourceMissing "code_resource_missing" { "This payment could not be found.", "Diese Zahlung wurde nicht gefunden.", "Pembayaran ini tidak ditemukan." }
    CodeTokenAlreadyUsed "code_token_already_used" { "These payment details were already used. Please submit again.", "Diese Zahlungsdaten wurden bereits verwendet. Bitte senden Sie sie erneut.", "Detail pembayaran ini sudah digunakan. Silakan kirim ulang." }
    CodeExpiredToken "code_expired_token" { "Your payment details have expired. Please submit again.", "Ihre Zahlungsdaten sind abgelaufen. Bitte senden Sie sie erneut.", "Detail pembayaran Anda sudah kedaluwarsa. Silakan kirim ulang." }
    CodeSessionExpired "code_session_expired" { "Your session has expired. Please reload the page.", "Ihre Sitzung ist abgelaufen. Bitte laden Sie die Seite neu.", "Sesi Anda telah berakhir. Silakan muat ulang halaman." }
    CodeParameterMissing "code_parameter_missing" { "Some payment details are missing.", "Einige Zahlungsdaten fehlen.", "Beberapa detail pembayaran tidak ada." }
    CodeParameterInvalid "code_parameter_invalid" { "Some payment details are invalid.", "Einige Zahlungsdaten sind ungültig.", "Beberapa detail pembayaran tidak valid." }
    CodeParameterUnknown "code_parameter_unknown" { "The payment could not be processed.", "Die Zahlung konnte nicht verarbeitet werden.", "Pembayaran tidak dapat diproses." }
    CodeInvalidIban "code_invalid_iban" { "The IBAN you entered is invalid.", "Die eingegebene IBAN ist ungültig.", "IBAN yang Anda masukkan tidak valid." }
    CodeIdempotencyKeyInUse "code_idempotency_key_in_use" { "This payment is already being processed.", "Diese Zahlung wird bereits verarbeitet.", "Pembayaran ini sedang diproses." }
    CodeInvalidRequestBody "code_invalid_request_body" { "The payment could not be processed.", "Die Zahlung konnte nicht verarbeitet werden.", "Pembayaran tidak dapat diproses." }
    CodeInvalidClientSecret "code_invalid_client_secret" { "This payment could not be found.", "Diese Zahlung wurde nicht gefunden.", "Pembayaran ini tidak ditemukan." }
    CodeFeatureDisabled "code_feature_disabled" { "This action is not available.", "Diese Aktion ist nicht verfügbar.", "Tindakan ini tidak tersedia." }
    CodeCardDetailsNotAccepted "code_card_details_not_accepted" { "This checkout cannot take cards right now. Please try again later or use another payment method.", "Dieser Checkout kann gerade keine Karten annehmen. Bitte versuchen Sie es später erneut oder verwenden Sie eine andere Zahlungsmethode.", "Checkout ini belum dapat menerima kartu. Silakan coba lagi nanti atau gunakan metode pembayaran lain." }
    CodeInvalidApiKey "code_invalid_api_key" { "This checkout cannot take cards right now. Please try again later or use another payment method.", "Dieser Checkout kann gerade keine Karten annehmen. Bitte versuchen Sie es später erneut oder verwenden Sie eine andere Zahlungsmethode.", "Checkout ini belum dapat menerima kartu. Silakan coba lagi nanti atau gunakan metode pembayaran lain." }
    CodeOriginNotAllowed "code_origin_not_allowed" { "This checkout cannot take cards right now. Please try again later or use another payment method.", "Dieser Checkout kann gerade keine Karten annehmen. Bitte versuchen Sie es später erneut oder verwenden Sie eine andere Zahlungsmethode.", "Checkout ini belum dapat menerima kartu. Silakan coba lagi nanti atau gunakan metode pembayaran lain." }
    CodeQrCodeExpired "code_qr_code_expired" { "This QR code has expired. Try again for a new one.", "Dieser QR-Code ist abgelaufen. Versuchen Sie es erneut, um einen neuen zu erhalten.", "Kode QR ini sudah kedaluwarsa. Coba lagi untuk mendapatkan kode baru." }
    CodeInternalError "code_internal_error" { "Something went wrong on our side. Please try again.", "Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut.", "Terjadi kesalahan di pihak kami. Silakan coba lagi." }
    CodeUnknown "code_unknown" { "Something went wrong. Please try again or use another payment method.", "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut oder verwenden Sie eine andere Zahlungsmethode.", "Terjadi kesalahan. Silakan coba lagi atau gunakan metode pembayaran lain." }
    // Decline codes (payment_core::error::DeclineCode), as customers may see them.
    DeclineGeneric "decline_generic_decline" { "Your card was declined.", "Ihre Karte wurde abgelehnt.", "Kartu Anda ditolak." }
    DeclineInsufficientFunds "decline_insufficient_funds" { "Your card has insufficient funds.", "Ihre Karte ist nicht ausreichend gedeckt.", "Saldo kartu Anda tidak mencukupi." }
    DeclineExpiredCard "decline_expired_card" { "Your card has expired.", "Ihre Karte ist abgelaufen.", "Kartu Anda sudah kedaluwarsa." }
    DeclineIncorrectCvc "decline_incorrect_cvc" { "Your card's security code is incorrect.", "Der Sicherheitscode Ihrer Karte ist falsch.", "Kode keamanan kartu Anda salah." }
    DeclineProcessingError "decline_processing_error" { "An error occurred while processing your card. Try again in a little bit.", "Bei der Verarbeitung Ihrer Karte ist ein Fehler aufgetreten. Versuchen Sie es in Kürze erneut.", "Terjadi kesalahan saat memproses kartu Anda. Coba lagi sebentar lagi." }
    DeclineVelocityExceeded "decline_card_velocity_exceeded" { "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.", "Ihre Karte wurde wegen zu häufiger Versuche oder Überschreitung ihres Limits abgelehnt.", "Kartu Anda ditolak karena terlalu sering dicoba atau melebihi batas jumlahnya." }
    DeclineAuthenticationRequired "decline_authentication_required" { "Your card requires authentication.", "Ihre Karte erfordert eine Authentifizierung.", "Kartu Anda memerlukan autentikasi." }
}

impl Key {
    /// The key a merchant names in `strings`, or `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Key> {
        NAMES
            .split('\0')
            .position(|n| n == name)
            .map(|i| Key::ALL[i])
    }

    /// The message for an error code from the merchant API.
    pub fn for_error(code: ErrorCode) -> Key {
        match code {
            ErrorCode::IncorrectNumber => Key::CodeIncorrectNumber,
            ErrorCode::InvalidNumber => Key::CodeInvalidNumber,
            ErrorCode::InvalidExpiryMonth => Key::CodeInvalidExpiryMonth,
            ErrorCode::InvalidExpiryYear => Key::CodeInvalidExpiryYear,
            ErrorCode::InvalidCvc => Key::CodeInvalidCvc,
            ErrorCode::CardDeclined => Key::CodeCardDeclined,
            ErrorCode::ExpiredCard => Key::CodeExpiredCard,
            ErrorCode::IncorrectCvc => Key::CodeIncorrectCvc,
            ErrorCode::ProcessingError => Key::CodeProcessingError,
            ErrorCode::AuthenticationRequired => Key::CodeAuthenticationRequired,
            ErrorCode::PaymentIntentAuthenticationFailure => Key::CodeAuthenticationFailure,
            ErrorCode::SetupIntentAuthenticationFailure => Key::CodeSetupAuthenticationFailure,
            ErrorCode::OrderAlreadyPaid => Key::CodeOrderAlreadyPaid,
            ErrorCode::PaymentIntentUnexpectedState => Key::CodeUnexpectedState,
            ErrorCode::SetupIntentUnexpectedState => Key::CodeSetupUnexpectedState,
            ErrorCode::ResourceMissing => Key::CodeResourceMissing,
            ErrorCode::TokenAlreadyUsed => Key::CodeTokenAlreadyUsed,
            ErrorCode::ExpiredToken => Key::CodeExpiredToken,
            ErrorCode::SessionExpired => Key::CodeSessionExpired,
            ErrorCode::ParameterMissing => Key::CodeParameterMissing,
            ErrorCode::ParameterInvalid => Key::CodeParameterInvalid,
            ErrorCode::ParameterUnknown => Key::CodeParameterUnknown,
            ErrorCode::InvalidIban => Key::CodeInvalidIban,
            ErrorCode::IdempotencyKeyInUse => Key::CodeIdempotencyKeyInUse,
            ErrorCode::InvalidRequestBody => Key::CodeInvalidRequestBody,
            ErrorCode::InvalidClientSecret => Key::CodeInvalidClientSecret,
            ErrorCode::FeatureDisabled => Key::CodeFeatureDisabled,
            // The integration is at fault (a card sent to the storefront, a wrong key, a
            // page origin the payments origin does not allow): nothing the customer typed,
            // so all three say the same to the customer.
            ErrorCode::CardDetailsNotAccepted => Key::CodeCardDetailsNotAccepted,
            ErrorCode::InvalidApiKey => Key::CodeInvalidApiKey,
            ErrorCode::OriginNotAllowed => Key::CodeOriginNotAllowed,
            ErrorCode::QrCodeExpired => Key::CodeQrCodeExpired,
            ErrorCode::CardBrandNotAccepted => Key::CodeCardBrandNotAccepted,
            ErrorCode::InternalError => Key::CodeInternalError,
            ErrorCode::Unknown => Key::CodeUnknown,
        }
    }

    /// The name of a payment method.
    pub fn for_method(method: crate::model::types::MethodKind) -> Key {
        use crate::model::types::MethodKind;
        match method {
            MethodKind::Card => Key::MethodCard,
            MethodKind::SepaDebit => Key::MethodSepaDebit,
            MethodKind::Ewallet => Key::MethodEwallet,
            MethodKind::QrCode => Key::MethodQrCode,
        }
    }

    /// The message for a decline; lost and stolen cards read as a generic decline
    /// (see [`DeclineCode::customer_facing`]).
    pub fn for_decline(code: DeclineCode) -> Key {
        match code.customer_facing() {
            DeclineCode::InsufficientFunds => Key::DeclineInsufficientFunds,
            DeclineCode::ExpiredCard => Key::DeclineExpiredCard,
            DeclineCode::IncorrectCvc => Key::DeclineIncorrectCvc,
            DeclineCode::ProcessingError => Key::DeclineProcessingError,
            DeclineCode::CardVelocityExceeded => Key::DeclineVelocityExceeded,
            DeclineCode::AuthenticationRequired => Key::DeclineAuthenticationRequired,
            DeclineCode::GenericDecline
            | DeclineCode::LostCard
            | DeclineCode::StolenCard
            | DeclineCode::Unknown => Key::DeclineGeneric,
        }
    }
}

/// The English, German or Indonesian text of `key`, without overrides.
pub fn text(locale: Locale, key: Key) -> &'static str {
    nth(locale.table(), key as usize)
}

/// Entry `index` of NUL-ended entries.
fn nth(entries: &'static str, index: usize) -> &'static str {
    entries.split('\0').nth(index).unwrap_or_default()
}

/// The messages in one locale with the merchant's overrides: what components read.
/// Cheap to clone, so it can live in a signal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalogue {
    /// The language shown.
    pub locale: Locale,
    overrides: Arc<[(Key, String)]>,
}

impl Catalogue {
    /// The catalogue for `locale`, with `overrides` replacing the built-in messages.
    pub fn new(locale: Locale, overrides: &[(Key, String)]) -> Catalogue {
        Catalogue {
            locale,
            overrides: overrides.into(),
        }
    }

    /// The message for `key`.
    pub fn get(&self, key: Key) -> &str {
        self.overrides
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| text(self.locale, key), |(_, v)| v.as_str())
    }

    /// What to tell the customer about an error from the merchant API: the decline
    /// reason for a decline, else the code's message (unknown codes read as generic).
    pub fn api_error(&self, error: &payment_core::error::ApiError) -> &str {
        let key = match (error.code, error.decline_code) {
            (ErrorCode::CardDeclined, Some(decline)) => Key::for_decline(decline),
            (code, _) => Key::for_error(code),
        };
        self.get(key)
    }

    /// The message for `key` with its `{name}` placeholders replaced.
    pub fn fill(&self, key: Key, values: &[(&str, &str)]) -> String {
        let mut out = self.get(key).to_owned();
        for (name, value) in values {
            out = out.replace(&["{", name, "}"].concat(), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(message: &str) -> BTreeSet<&str> {
        message
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_key_has_a_message_in_every_locale() {
        for locale in Locale::ALL {
            assert_eq!(
                locale.table().split('\0').count(),
                Key::ALL.len() + 1,
                "{locale:?}: one entry per key, then the end"
            );
            for &key in Key::ALL {
                let message = text(locale, key);
                assert!(!message.trim().is_empty(), "{locale:?} {key:?}");
                assert_eq!(
                    placeholders(message),
                    placeholders(text(Locale::En, key)),
                    "{locale:?} {key:?} has other placeholders than English"
                );
            }
        }
    }

    #[test]
    fn key_names_are_unique_and_round_trip() {
        let names: BTreeSet<&str> = Key::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), Key::ALL.len());
        for &key in Key::ALL {
            assert_eq!(Key::from_name(key.as_str()), Some(key));
        }
        assert_eq!(Key::from_name("card_numbr"), None);
    }

    #[test]
    fn every_error_and_decline_code_has_its_own_message_key() {
        for &code in ErrorCode::ALL {
            // The key is named after the wire code, so the table is easy to audit.
            assert_eq!(
                Key::for_error(code).as_str(),
                ["code_", code.as_str()].concat()
            );
        }
        for &code in DeclineCode::ALL {
            let key = Key::for_decline(code);
            assert_eq!(
                key.as_str(),
                ["decline_", code.customer_facing().as_str()].concat()
            );
        }
    }

    #[test]
    fn lost_and_stolen_cards_read_as_generic_declines() {
        assert_eq!(Key::for_decline(DeclineCode::LostCard), Key::DeclineGeneric);
        assert_eq!(
            Key::for_decline(DeclineCode::StolenCard),
            Key::DeclineGeneric
        );
    }

    #[test]
    fn translated_labels_differ_from_english() {
        // Guards against pasting the English column into another language.
        for locale in [Locale::De, Locale::Id] {
            for key in [Key::CardNumber, Key::Expiry, Key::Cvc, Key::SepaMandate] {
                assert_ne!(text(locale, key), text(Locale::En, key), "{locale:?}");
            }
        }
    }

    #[test]
    fn auto_locale_takes_the_first_supported_browser_language() {
        assert_eq!(Locale::negotiate(["fr-FR", "de-AT", "en"]), Locale::De);
        assert_eq!(Locale::negotiate(["in-ID"]), Locale::Id);
        assert_eq!(Locale::negotiate(["ja"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }

    #[test]
    fn overrides_replace_only_their_message() {
        let catalogue = Catalogue::new(Locale::De, &[(Key::CardNumber, "Karte".to_owned())]);
        assert_eq!(catalogue.get(Key::CardNumber), "Karte");
        assert_eq!(catalogue.get(Key::Cvc), "Sicherheitscode");
    }

    #[test]
    fn api_errors_read_in_the_customers_language() {
        use payment_core::error::{ApiError, ErrorType};
        let de = Catalogue::new(Locale::De, &[]);
        let insufficient = ApiError::declined(DeclineCode::InsufficientFunds);
        assert_eq!(
            de.api_error(&insufficient),
            "Ihre Karte ist nicht ausreichend gedeckt."
        );
        let stolen = ApiError::declined(DeclineCode::StolenCard);
        assert_eq!(de.api_error(&stolen), "Ihre Karte wurde abgelehnt.");
        let expired = ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ExpiredToken);
        let id = Catalogue::new(Locale::Id, &[]);
        assert_eq!(
            id.api_error(&expired),
            "Detail pembayaran Anda sudah kedaluwarsa. Silakan kirim ulang."
        );
        let unknown = ApiError::new(ErrorType::Unknown, ErrorCode::Unknown);
        assert_eq!(
            Catalogue::new(Locale::En, &[]).api_error(&unknown),
            text(Locale::En, Key::CodeUnknown)
        );
    }

    #[test]
    fn fill_replaces_placeholders() {
        let catalogue = Catalogue::new(Locale::En, &[]);
        assert_eq!(
            catalogue.fill(Key::StatusMethodSelected, &[("method", "Card")]),
            "Card selected."
        );
    }
}
