/* Keyboard entry of paper ballots: live display of the item being typed.
   The page works without this script (a plain form with one field of digits). */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var dataNode = document.getElementById("entry-items-data");
  if (!form || !dataNode) return;
  var items = JSON.parse(dataNode.textContent);
  var keys = form.querySelector("input.keys");
  var invalid = form.querySelector("input[name=invalid]");
  var live = document.getElementById("keys-live");
  var rows = document.querySelectorAll("#entry-items tbody tr");
  if (!keys || !live) return;

  function describe(index) {
    var item = items[index];
    var parts = item.options.map(function (label, i) { return (i + 1) + " = " + label; });
    parts.push("0 = " + (live.dataset.none || "—"));
    return item.n + ". " + item.text + " — " + parts.join(" · ");
  }

  function render() {
    var value = keys.value.replace(/[\s.\-_,]/g, "");
    var declared = value === "*" || (invalid && invalid.checked);
    rows.forEach(function (row, i) {
      var cell = row.querySelector(".typed");
      var ch = value.charAt(i);
      row.classList.toggle("current", i === value.length && !declared);
      if (!cell) return;
      if (declared || ch === "") { cell.textContent = ""; return; }
      var n = parseInt(ch, 10);
      cell.textContent = ch === "0" ? "—" : (items[i] && items[i].options[n - 1]) || "?";
      cell.classList.toggle("bad", !(ch === "0" || (items[i] && n >= 1 && n <= items[i].options.length)));
    });
    var text;
    if (declared) {
      text = live.dataset.invalid || "*";
    } else if (value.length < items.length) {
      text = (value.length + 1) + "/" + items.length + ": " + describe(value.length);
    } else if (value.length === items.length) {
      text = live.dataset.ready || "Enter";
    } else {
      text = live.dataset.toolong || "!";
    }
    /* A polite live region: rewritten only when it says something new. */
    if (live.textContent !== text) live.textContent = text;
  }

  keys.addEventListener("keydown", function (event) {
    if (event.key === "*" ) {
      event.preventDefault();
      keys.value = "*";
      render();
      return;
    }
    if (event.key.length === 1 && !/[0-9]/.test(event.key) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();  /* digits only: a stray letter never reaches the ballot */
    }
  });
  keys.addEventListener("input", render);
  if (invalid) invalid.addEventListener("change", render);
  /* With double entry the sheet number comes first (it carries autofocus). */
  if (!form.querySelector("input[name=sheet_label]")) keys.focus();
  render();
}());
