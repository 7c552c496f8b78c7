// The diary pages, enhanced: a running timer shows its minutes and seconds, the medicine name shows
// when "New medicine" or "Changed medicine" is ticked, a remedy ticked as "helped" clears the
// same remedy in the "did not help" and "not sure" groups (and so on), and deleting asks first.
// Without this script every control still works and submits the same values.
(function () {
  "use strict";

  // The timer's start comes from the server; the page only shows how long it has run.
  var clock = document.querySelector(".timer-clock[data-timer-start]");
  if (clock) {
    var since = Number(clock.getAttribute("data-timer-start"));
    var tick = function () {
      var seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      clock.textContent = "(" + minutes + ":" + (rest < 10 ? "0" : "") + rest + ")";
    };
    tick();
    window.setInterval(tick, 1000);
  }

  var medicine = document.querySelector(".medicine-field");
  var medicineInput = document.getElementById("medicine_name");
  var ticks = document.querySelectorAll("input[name=context][data-medicine]");
  if (medicine && medicineInput && ticks.length) {
    var sync = function () {
      var any = Array.prototype.some.call(ticks, function (t) { return t.checked; });
      // Never hide a name already typed or a message about it.
      var keep = any || medicineInput.value !== "" || medicine.querySelector(".field-error");
      medicine.classList.toggle("is-hidden", !keep);
    };
    Array.prototype.forEach.call(ticks, function (t) { t.addEventListener("change", sync); });
    sync();
  }

  // One outcome per remedy: the server would refuse the form with the same remedy in two groups.
  var outcomes = document.querySelectorAll("input[name=helped], input[name=tried], input[name=unsure]");
  Array.prototype.forEach.call(outcomes, function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) { return; }
      Array.prototype.forEach.call(outcomes, function (other) {
        if (other !== box && other.value === box.value) { other.checked = false; }
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form.delete-form"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm("Delete this episode? This cannot be undone.")) {
        event.preventDefault();
      }
    });
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
