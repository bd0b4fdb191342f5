/* DBMIS action plan: the progress report form (/portal/progress).
 *
 * The form is made of native controls (select, input, textarea) that Dash does not read by
 * itself. When "Send the report" is pressed, this script reads the form into one plain object
 * and hands it to Dash (dash_clientside.set_props on the payload store), which calls the
 * server; the server checks everything in it and takes the reporter from the signed-in
 * account, never from here. It also shows the name of the evidence file chosen, and names
 * the upload's file input by the field's label (Dash's dcc.Upload takes no aria attributes).
 * No network access of its own, no inline script (the CSP allows scripts from 'self' only).
 */
(function () {
  "use strict";

  function setProps(id, props) {
    var dc = window.dash_clientside;
    if (dc && typeof dc.set_props === "function") {
      dc.set_props(id, props);
    }
  }

  function collect(form, sent) {
    var value = function (name) {
      var field = form.querySelector('[name="' + name + '"]');
      return field ? String(field.value || "") : "";
    };
    var milestones = {};
    form.querySelectorAll('[name^="done-"]').forEach(function (field) {
      var day = String(field.value || "").trim();
      if (day) {
        milestones[field.name.slice(5)] = day;
      }
    });
    return {
      sent: sent,
      activity: form.getAttribute("data-activity") || "",
      quarter: value("quarter"),
      status: value("status"),
      spend: value("spend"),
      narrative: value("narrative"),
      milestones: milestones
    };
  }

  var sent = 0;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#plan-report-send") : null;
    var form = document.getElementById("plan-report-form");
    if (!button || !form || button.disabled) {
      return;
    }
    sent += 1;
    setProps("plan-report-payload", { data: collect(form, sent) });
  });

  function showFileName(name) {
    var shown = document.getElementById("plan-report-evidence-name");
    if (shown) {
      var prefix = shown.getAttribute("data-prefix") || "";
      setProps("plan-report-evidence-name", { children: name ? prefix + name : "" });
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.type === "file" && input.closest && input.closest("#plan-report-evidence")) {
      showFileName(input.files && input.files.length ? input.files[0].name : "");
    }
  });

  function labelFileInput() {
    var zone = document.getElementById("plan-report-evidence");
    var input = zone ? zone.querySelector('input[type="file"]') : null;
    if (input && !input.hasAttribute("aria-labelledby")) {
      input.setAttribute("aria-labelledby", "plan-report-evidence-label");
      input.setAttribute("aria-describedby", "plan-report-evidence-hint");
    }
  }
  new MutationObserver(labelFileInput).observe(document.documentElement, {
    childList: true,
    subtree: true
  });

  document.addEventListener("drop", function (event) {
    var zone = event.target.closest ? event.target.closest("#plan-report-evidence") : null;
    var files = event.dataTransfer ? event.dataTransfer.files : null;
    if (zone && files && files.length) {
      showFileName(files[0].name);
    }
  }, true);
})();
