// Bench probe for an anchor page: runs right after the anchor's script (a classic script
// before it), so this moment is when that script has been fetched and evaluated.
(function () {
  "use strict";
  var evaluated = performance.now();
  var run = new URLSearchParams(location.search).get("run");
  fetch("/__bench/result", {
    method: "POST",
    body: JSON.stringify({ run: run, evaluated: evaluated }),
  });
})();
