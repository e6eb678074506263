// The badge page's print button.
(function () {
  "use strict";
  var b = document.getElementById("print-badge");
  if (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      window.print();
    });
  }
})();
