// Bench warm-up: a fresh browser spends its first few hundred milliseconds starting its
// network service and renderer. This empty page takes that cost, waits for the browser
// to settle, then navigates to the page being measured, whose navigation start is then
// that page's own (nothing is cached: every answer is `no-store`).
(function () {
  "use strict";
  var next = new URLSearchParams(location.search).get("next");
  setTimeout(function () {
    location.replace(next);
  }, 500);
})();
