// SPDX-License-Identifier: EUPL-1.2
// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so that keyboard and screen-reader users meet the errors first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
  // Submit a select's form on change when it asks for it (the button stays for users without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
