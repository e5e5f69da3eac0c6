// Bench probe for an anchor page: runs right after the anchor's script (a classic script
// before it), so this moment is when that script has been fetched and evaluated.
(function () {
  "use strict";
  var evaluated = performance.now();
  var run = new URLSearchParams(location.search).get("run");
  // When the last byte of the anchor's script arrived.
  var scripts = performance.getEntriesByType("resource").filter(function (r) {
    return r.name.indexOf("/anchors/") >= 0 && r.name.endsWith(".js");
  });
  var loaded = scripts.length ? scripts[0].responseEnd : undefined;
  fetch("/__bench/result", {
    method: "POST",
    body: JSON.stringify({ run: run, evaluated: evaluated, loaded: loaded }),
  });
})();
