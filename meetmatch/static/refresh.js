// Reload a progress page every few seconds while a background build runs (CSP allows only 'self' scripts).
(function () {
  var el = document.querySelector("[data-refresh-seconds]");
  if (!el) { return; }
  var seconds = parseInt(el.getAttribute("data-refresh-seconds"), 10) || 2;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
