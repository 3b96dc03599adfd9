/* Keeps an open case's transcript and audit trail current, without reloading the page:
   whatever the operator is typing or about to click stays where it is. */
(function () {
  "use strict";
  var main = document.querySelector("main[data-live]");
  if (!main || !window.fetch || !window.DOMParser) return;
  var seconds = Number(main.getAttribute("data-live")) || 5;
  var parts = ["transcript", "audit"];

  function refresh() {
    fetch(location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (id) {
          var shown = document.getElementById(id), latest = fresh.getElementById(id);
          if (shown && latest && shown.innerHTML !== latest.innerHTML) {
            shown.innerHTML = latest.innerHTML;
          }
        });
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  setInterval(refresh, seconds * 1000);
})();
