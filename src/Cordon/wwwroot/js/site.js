// Cordon's small page helpers. No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  "use strict";

  function token() {
    var meta = document.querySelector('meta[name="request-verification-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the antiforgery token like forms do.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["RequestVerificationToken"] = token();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // A form that needs a confirmation names it in data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  window.Cordon = { token: token };
})();
