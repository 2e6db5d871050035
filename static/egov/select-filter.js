// A search box above each long select marked data-filter (units: a province has a hundred and
// more). Typing hides the options that do not contain every word, accents ignored ("dong hy"
// finds "Xã Đồng Hỷ"). Without JavaScript the select works as it is. A file, not an inline
// script: the Content-Security-Policy refuses inline scripts.
(function () {
  "use strict";
  var MIN_OPTIONS = 12;

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(select) {
    if (select.dataset.filterReady || select.options.length < MIN_OPTIONS) return;
    select.dataset.filterReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter";
    input.autocomplete = "off";
    input.placeholder = select.dataset.filter;
    input.setAttribute("aria-label", select.dataset.filter);
    if (select.id) input.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = fold(option.text);
        var shown = words.every(function (word) { return text.indexOf(word) !== -1; });
        // The chosen option and the empty one stay, so nothing is unselected behind one's back.
        option.hidden = !(shown || option.selected || option.value === "");
      });
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-filter]"), enhance);
  }

  enhanceAll(document);
  // Action panels that htmx swaps in.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
