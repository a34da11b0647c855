/* A slip's QR link carries the code after "#", which never reaches a server: move it
   into the form, forget it from the address bar and history, and continue. */
(function () {
  var code = decodeURIComponent(location.hash.slice(1));
  if (!code) { return; }
  history.replaceState(null, "", location.pathname);
  var field = document.getElementById("code");
  if (field && !field.value) { field.value = code; field.form.submit(); }
})();
