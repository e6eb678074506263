// The door: a scanner types the badge's ticket into #ticket (and presses Enter), or the camera
// reads the QR code where the browser has BarcodeDetector; the server answers at once.
(function () {
  "use strict";
  var form = document.getElementById("door-form");
  if (!form) return;
  var input = document.getElementById("ticket");
  var out = document.getElementById("door-answer");
  var api = form.getAttribute("data-api");
  var csrf = form.querySelector("input[name=csrf]").value;
  var busy = false;

  function show(a) {
    out.className = "door-answer door-" + a.answer;
    out.setAttribute("data-answer", a.answer);
    out.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = a.message;
    out.appendChild(strong);
    if (a.name) {
      var who = document.createElement("span");
      who.className = "door-who";
      who.textContent = a.name + (a.affiliation ? " — " + a.affiliation : "");
      out.appendChild(who);
    }
  }

  function scan(ticket) {
    ticket = (ticket || "").trim();
    if (!ticket || busy) return;
    busy = true;
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ ticket: ticket })
    })
      .then(function (r) {
        return r.json().then(function (b) {
          if (!r.ok) throw new Error(b.error || String(r.status));
          return b;
        });
      })
      .then(show)
      .catch(function (e) {
        out.className = "door-answer door-error";
        out.setAttribute("data-answer", "error");
        out.textContent = String(e.message || e);
      })
      .then(function () {
        busy = false;
        input.value = "";
        input.focus();
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    scan(input.value);
  });

  var camera = document.getElementById("door-camera");
  if (camera && "BarcodeDetector" in window && navigator.mediaDevices) {
    camera.hidden = false;
    camera.addEventListener("click", function () {
      var video = document.getElementById("door-video");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          video.play();
          var last = "";
          var lastAt = 0;
          (function tick() {
            detector
              .detect(video)
              .then(function (codes) {
                if (!codes.length) return;
                var value = codes[0].rawValue;
                var now = Date.now();
                if (value !== last || now - lastAt > 3000) {
                  last = value;
                  lastAt = now;
                  scan(value);
                }
              })
              .catch(function () {})
              .then(function () {
                setTimeout(tick, 250);
              });
          })();
        })
        .catch(function (e) {
          out.textContent = String(e.message || e);
        });
    });
  }
})();
