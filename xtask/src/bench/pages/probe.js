// Bench probe for our widget, loaded first in <head> of the bench copy of the demo page
// (never in dist/). It records when `#payment-element` holds an input (rendered, with its
// handlers attached), then types a card number, expiry and CVC one character at a time
// and times each keystroke from the input event to the end of the work it caused
// (the handler and every microtask the reactive graph queued: the DOM is up to date,
// not yet painted), then posts the figures.
(function () {
  "use strict";
  var run = new URLSearchParams(location.search).get("run");
  var sent = false;
  function post(data) {
    if (sent) return;
    sent = true;
    data.run = run;
    fetch("/__bench/result", { method: "POST", body: JSON.stringify(data) });
  }
  addEventListener("error", function (e) {
    post({ error: "page error: " + e.message });
  });
  addEventListener("unhandledrejection", function (e) {
    post({ error: "unhandled rejection: " + e.reason });
  });
  // A task queued now runs after every microtask the current work queued.
  function settled() {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () {
        resolve(performance.now());
      };
      channel.port2.postMessage(0);
    });
  }
  var fields = [
    ["number", "cc-number", "4242424242424242"],
    ["expiry", "cc-exp", "1230"],
    ["cvc", "cc-csc", "123"],
  ];
  async function type() {
    var typed = {};
    for (var f = 0; f < fields.length; f++) {
      var selector = '#payment-element input[autocomplete="' + fields[f][1] + '"]';
      var input = document.querySelector(selector);
      if (!input) continue;
      input.focus();
      var samples = [];
      var text = fields[f][2];
      for (var i = 0; i < text.length; i++) {
        // Start just after a frame, so that a frame's style, layout and paint do not
        // fall inside the measurement by chance (the next one is ~16 ms away).
        await new Promise(requestAnimationFrame);
        await settled();
        input.value = input.value + text[i];
        input.setSelectionRange(input.value.length, input.value.length);
        var start = performance.now();
        input.dispatchEvent(
          new InputEvent("input", { bubbles: true, data: text[i], inputType: "insertText" })
        );
        var end = await settled();
        samples.push(end - start);
      }
      typed[fields[f][0]] = { samples: samples, value: input.value };
    }
    return typed;
  }
  // Cumulative layout shift from navigation start, shifts right after the shopper's own
  // input excluded (as the metric defines it): what moved on the page as it loaded.
  var cls = 0;
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (!e.hadRecentInput) cls += e.value;
      });
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) {
    cls = undefined;
  }
  // If the widget announces itself with a `ready` DOM event, its time is reported too
  // (a capturing listener sees it whether or not it bubbles).
  var readyEvent;
  document.addEventListener(
    "ready",
    function () {
      if (readyEvent === undefined) readyEvent = performance.now();
    },
    true
  );
  // When the last byte of the wasm arrived: the part of start-up that is the network's.
  function wasmLoaded() {
    var entries = performance.getEntriesByType("resource").filter(function (r) {
      return r.name.endsWith(".wasm");
    });
    return entries.length ? entries[entries.length - 1].responseEnd : undefined;
  }
  var ready;
  var observer = new MutationObserver(check);
  // The card form is interactive when the card number can be typed into: inline, when
  // its input is in the page; in the card frame (the default), when the frame of the
  // payments origin says it shows its fields (its `pe:frame-ready`). The probe cannot
  // type into the frame, so keystrokes are timed on the inline page only.
  addEventListener("message", function (e) {
    var data = e.data;
    if (ready !== undefined || !data || data.type !== "pe:frame-ready") return;
    ready = performance.now();
    observer.disconnect();
    // A second later: the frame's first height report and anything it moves count too.
    var loaded = wasmLoaded();
    setTimeout(function () {
      post({ ready: ready, loaded: loaded, ready_event: readyEvent, frame: true, cls: cls });
    }, 1000);
  });
  function check() {
    if (ready !== undefined) return;
    if (!document.querySelector('#payment-element input[autocomplete="cc-number"]')) return;
    ready = performance.now();
    observer.disconnect();
    settled()
      .then(type)
      .then(
        function (typed) {
          post({ ready: ready, loaded: wasmLoaded(), ready_event: readyEvent, typed: typed, cls: cls });
        },
        function (e) {
          post({ error: "typing failed: " + e });
        }
      );
  }
  observer.observe(document, { childList: true, subtree: true });
  setTimeout(function () {
    if (ready === undefined) post({ error: "the widget rendered no input within 20 s" });
  }, 20000);
})();
