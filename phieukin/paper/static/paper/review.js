/* Review of a scanned copy from the keyboard: the copy's digits in one field, typed over.
   The page works without this script (a plain form; the reviewer edits the field freely).

   With it: the field types over (a digit replaces the one under the cursor, as the
   reader's digits are all there already); the first "?" is selected on arrival, and a
   digit typed over a "?" moves on to the next "?", so the doubts are decided by typing
   their digits one after the other; the item under the cursor is framed on its page and
   described under the field; every digit typed shows on the page beside its row. */
/* "Bring out faint marks": without this script a link reloads the page with ?faint=1;
   with it the page images (and the rows' images) are swapped in place, the digits typed so far stay, and the
   address keeps the choice (the form posts to it; the next copy opens the same way). */
(function () {
  "use strict";
  var toggle = document.getElementById("faint-toggle");
  if (!toggle) return;
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    var on = toggle.dataset.faint !== "1";
    // The whole pages and the images of the rows to decide alike.
    document.querySelectorAll("img[data-page-url]").forEach(function (img) {
      img.src = img.dataset.pageUrl + (on ? "?faint=1" : "");
    });
    toggle.dataset.faint = on ? "1" : "0";
    toggle.textContent = on ? toggle.dataset.on : toggle.dataset.off;
    toggle.setAttribute("href", on ? "?" : "?faint=1");
    window.history.replaceState(null, "", window.location.pathname + (on ? "?faint=1" : ""));
    var keys = document.querySelector("#review-form input.keys");
    if (keys) keys.focus();
  });
}());

(function () {
  "use strict";
  var form = document.getElementById("review-form");
  var dataNode = document.getElementById("review-items-data");
  if (!form || !dataNode) return;
  var items = JSON.parse(dataNode.textContent);
  var keys = form.querySelector("input.keys");
  var live = document.getElementById("keys-live");
  if (!keys || !live || !items.length) return;
  var labels = {};
  var frames = {};
  document.querySelectorAll(".review-page-frame text[data-key]").forEach(function (node) {
    labels[node.dataset.key] = node;
  });
  document.querySelectorAll(".review-page-frame rect.row[data-key]").forEach(function (node) {
    frames[node.dataset.key] = node;
  });
  var ALLOWED = /^[0-9+?]$/;
  var kept = null;  /* the digits put aside by "*" (invalid sheet), back with Backspace */

  function current() {
    var at = keys.selectionStart === null ? keys.value.length : keys.selectionStart;
    return Math.min(at, items.length - 1);
  }

  function describe(index) {
    var item = items[index];
    var parts = item.options.map(function (label, i) { return (i + 1) + " = " + label; });
    parts.push("0 = " + (live.dataset.none || "—"));
    parts.push("+ = " + (live.dataset.double || "+"));
    return item.n + "/" + items.length + ". " + item.text + " — " + parts.join(" · ");
  }

  function selectDoubt(from) {
    var value = keys.value;
    var next = value.indexOf("?", from);
    if (next < 0) next = value.indexOf("?");
    if (next >= 0) {
      keys.setSelectionRange(next, next + 1);
    } else {
      keys.setSelectionRange(Math.min(from, value.length), Math.min(from, value.length));
    }
  }

  function render() {
    var value = keys.value;
    var at = current();
    items.forEach(function (item, i) {
      var label = labels[item.key];
      var frame = frames[item.key];
      if (frame) frame.classList.toggle("current", i === at && value !== "*");
      if (!label) return;
      var ch = value === "*" ? "" : value.charAt(i);
      label.textContent = ch;
      label.classList.toggle("doubt", ch === "?");
      label.classList.toggle("changed", ch !== "" && ch !== "?" && ch !== label.dataset.read);
      label.classList.toggle("read", ch !== "?" && ch === label.dataset.read);
    });
    var left = (value.match(/\?/g) || []).length;
    var text;
    if (value === "*") {
      text = live.dataset.invalid || "*";
    } else if (value.length > items.length) {
      text = live.dataset.toolong || "!";
    } else if (value.length < items.length) {
      text = (live.dataset.short || "") + " " + (items.length - value.length) + " · " + describe(at);
    } else if (left === 0) {
      text = live.dataset.ready || "Enter";
    } else {
      text = describe(at) + " · " + (live.dataset.left || "?") + " " + left;
    }
    /* A polite live region: rewritten only when it says something new, so that a screen
       reader does not repeat it at every key. */
    if (live.textContent !== text) live.textContent = text;
  }

  keys.addEventListener("keydown", function (event) {
    if ((event.key === "Backspace" || event.key === "Delete") && keys.value === "*" && kept) {
      event.preventDefault();
      keys.value = kept;
      kept = null;
      selectDoubt(0);
      render();
      return;
    }
    if (event.key === "*") {
      /* "*" alone declares the sheet invalid, as in keyboard entry. */
      event.preventDefault();
      if (keys.value !== "*") kept = keys.value;
      keys.value = "*";
      render();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    event.preventDefault();  /* a stray letter never reaches the ballot */
    if (!ALLOWED.test(event.key)) return;
    var value = keys.value;
    var start = keys.selectionStart;
    var end = keys.selectionEnd;
    if (start === end && start < value.length && value.length >= items.length) end = start + 1;
    var replaced = value.slice(start, end);
    keys.value = value.slice(0, start) + event.key + value.slice(end);
    if (replaced.indexOf("?") >= 0 && event.key !== "?") {
      selectDoubt(start + 1);
    } else {
      keys.setSelectionRange(start + 1, start + 1);
    }
    render();
  });
  keys.addEventListener("input", render);
  ["keyup", "click", "select", "focus"].forEach(function (name) {
    keys.addEventListener(name, render);
  });
  var help = document.getElementById("review-keys-help");
  if (help) help.hidden = false;
  keys.focus();
  selectDoubt(0);
  render();
}());
