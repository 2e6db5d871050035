// The statistics filter shows only the fields of the chosen period kind (a month and its year, a
// quarter and its year, a year, or two dates); the others are hidden and left out of the query.
// Without JavaScript every field shows and the server ignores those of the other kinds
// (dashboard.statistics_views.PERIOD_FIELDS). A file, not an inline script: the CSP refuses those.
(function () {
  "use strict";
  var kind = document.querySelector("form.stats-filters select[name=period]");
  if (!kind) return;
  var fields = kind.form.querySelectorAll("[data-period-kinds]");

  function update() {
    Array.prototype.forEach.call(fields, function (field) {
      var relevant = field.dataset.periodKinds.split(" ").indexOf(kind.value) !== -1;
      (field.closest("p") || field).hidden = !relevant;
      field.disabled = !relevant;
    });
  }

  kind.addEventListener("change", update);
  update();
})();
