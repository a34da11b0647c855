/* Add a "Copy" button beside each receipt (the receipts stay readable and selectable
   without JavaScript). Labels come from the script tag's data attributes. */
(function () {
  var me = document.currentScript, copy = me.getAttribute("data-copy"),
      copied = me.getAttribute("data-copied");
  function select(node) {
    var range = document.createRange(); range.selectNodeContents(node);
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  }
  document.querySelectorAll(".rc.select").forEach(function (node) {
    var button = document.createElement("button");
    button.type = "button"; button.className = "alt small copy"; button.textContent = copy;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = copied; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(node.textContent).then(done, function () { select(node); });
      } else { select(node); }
    });
    node.insertAdjacentElement("afterend", button);
  });
})();
