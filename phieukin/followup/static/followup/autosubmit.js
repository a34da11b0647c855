/* A <select data-autosubmit> sends its form as soon as it changes (the CSP forbids inline
   handlers); without JavaScript the form's <noscript> button does the same. */
(function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.submit(); });
  });
})();
