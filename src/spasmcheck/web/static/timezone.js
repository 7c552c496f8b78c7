// Sign-up: preselect the browser's own time zone on a fresh form; without scripts the list
// says UTC and the person can choose.
(function () {
  "use strict";
  var select = document.getElementById("timezone");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !zone || select.hasAttribute("data-chosen") || select.value !== "UTC") return;
  if (!Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) {
    select.add(new Option(zone.replace(/_/g, " "), zone));
  }
  select.value = zone;
})();
