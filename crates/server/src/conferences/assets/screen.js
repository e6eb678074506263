// The room screen and the chair's view: a countdown from the server's remaining seconds,
// kept by the clock between refreshes, and refreshed from the server every five seconds.
(function () {
  "use strict";
  var el = document.getElementById("countdown");
  if (!el) return;
  var api = el.getAttribute("data-api");
  var remaining = parseInt(el.getAttribute("data-remaining"), 10) || 0;
  var running = el.getAttribute("data-running") === "true";
  var base = Date.now();

  function clock(s) {
    var over = s < 0;
    s = Math.abs(s);
    var m = Math.floor(s / 60);
    var r = s % 60;
    return (over ? "−" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  function render() {
    if (!running) {
      el.textContent = "—";
      el.setAttribute("data-left", "");
      return;
    }
    var left = remaining - Math.floor((Date.now() - base) / 1000);
    el.textContent = clock(left);
    el.setAttribute("data-left", String(left));
    el.className = "countdown" + (left < 0 ? " over" : left <= 30 ? " ending" : "");
  }

  function sync() {
    if (!api) return;
    fetch(api, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (b) {
        if (!b || !b.screen) return;
        var s = b.screen;
        running = !!s.current;
        remaining = s.remaining_secs;
        base = Date.now();
        var who = document.getElementById("current-speaker");
        if (who) who.textContent = s.current ? s.current.name : who.getAttribute("data-none");
        render();
      })
      .catch(function () {});
  }

  render();
  setInterval(render, 250);
  setInterval(sync, 5000);
})();
