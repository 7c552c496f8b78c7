/* spasmcheck body map: makes the SVG regions of templates/_bodymap.html clickable and
   keyboard-operable. Progressive enhancement only: the checkboxes / radios in the same
   fieldset stay the real form control; a region just ticks its input, and the regions follow
   the inputs whatever changes them. No dependencies, no network. */
(function () {
  "use strict";

  function enhance(fieldset) {
    var svg = fieldset.querySelector("svg.bodymap-svg");
    if (!svg || svg.classList.contains("is-active")) return;
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[name]"));
    var regions = Array.prototype.slice.call(svg.querySelectorAll(".bodymap-region[data-value]"));
    var multiple = svg.getAttribute("data-multiple") !== "false";

    function inputFor(value) {
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].value === value) return inputs[i];
      }
      return null;
    }

    function sync() {
      regions.forEach(function (region) {
        var input = inputFor(region.getAttribute("data-value"));
        var on = !!(input && input.checked);
        region.classList.toggle("is-selected", on);
        region.setAttribute("aria-checked", on ? "true" : "false");
      });
    }

    function activate(region) {
      var input = inputFor(region.getAttribute("data-value"));
      if (!input || input.disabled) return;
      input.checked = multiple ? !input.checked : true;
      // Let other scripts and the form see the change as if the input had been clicked.
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      sync();
    }

    svg.removeAttribute("aria-hidden");
    svg.removeAttribute("focusable");
    svg.setAttribute("role", multiple ? "group" : "radiogroup");
    svg.setAttribute("aria-label", (svg.getAttribute("data-label") || "") + " (body map)");
    svg.classList.add("is-active");

    var seen = {};
    regions.forEach(function (region) {
      var value = region.getAttribute("data-value");
      var input = inputFor(value);
      if (!input) return;
      if (seen[value]) {
        // The same place on the other view: clickable, but one stop for keyboard and reader.
        region.setAttribute("aria-hidden", "true");
      } else {
        seen[value] = true;
        var label = input.closest("label");
        region.setAttribute("role", multiple ? "checkbox" : "radio");
        region.setAttribute("tabindex", "0");
        region.setAttribute(
          "aria-label",
          (label ? label.textContent : region.getAttribute("data-label") || value).trim()
        );
      }
      region.addEventListener("click", function () {
        activate(region);
      });
      region.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          activate(region);
        }
      });
    });

    fieldset.addEventListener("change", sync);
    if (fieldset.form) {
      fieldset.form.addEventListener("reset", function () {
        window.setTimeout(sync, 0);
      });
    }
    sync();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.bodymap"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
