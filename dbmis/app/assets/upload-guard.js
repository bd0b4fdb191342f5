/* DBMIS: refuse a file larger than the site accepts before the browser reads and sends it.
   Without this, a too large file would be read, encoded and posted, only for the server to
   answer 413, which the page cannot show. An upload zone opts in by sitting inside an element
   with data-max-bytes (the limit), data-too-big (the message, "{name}" stands for the file's
   name) and data-message-target (the id of the element that shows it). The server checks the
   size again whatever this script does. */
(function () {
  "use strict";
  function zoneOf(target) {
    return target && target.closest ? target.closest("[data-max-bytes]") : null;
  }
  function guard(event) {
    var zone = zoneOf(event.target);
    if (!zone) {
      return;
    }
    var files = event.type === "drop"
      ? (event.dataTransfer && event.dataTransfer.files)
      : event.target.files;
    if (!files || !files.length) {
      return;
    }
    var out = document.getElementById(zone.getAttribute("data-message-target"));
    var max = Number(zone.getAttribute("data-max-bytes"));
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > max) {
        var name = files[i].name; /* a live list: empty once the input is cleared */
        event.preventDefault();
        event.stopImmediatePropagation();
        if (event.type === "change") {
          event.target.value = "";
        }
        if (out) {
          out.textContent = zone.getAttribute("data-too-big").replace("{name}", name);
          out.hidden = false;
        }
        return;
      }
    }
    if (out) {
      out.textContent = "";
      out.hidden = true;
    }
  }
  document.addEventListener("change", guard, true);
  document.addEventListener("drop", guard, true);
})();
