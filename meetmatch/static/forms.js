// Forms, progressively enhanced (CSP allows only 'self' scripts; without JavaScript every form
// works the same, with plain checkbox lists):
// * after a failed submit, focus moves to the error summary, so a screen reader reads it and a
//   keyboard user continues from there;
// * a long checkbox list (the event's topics) becomes a compact searchable picker: the chosen
//   items as removable chips, a filter box, and the list itself scrolling in a short box. The
//   checkboxes stay the real inputs, so what is posted does not change.
(function () {
  "use strict";
  var summary = document.querySelector(".errors-summary");
  if (summary) { summary.focus(); }

  var MIN_CHOICES = 9;  // shorter lists (the rounds) stay as they are

  function labelOf(box) {
    var label = box.id ? document.querySelector('label[for="' + box.id + '"]') : null;
    return label ? label.textContent.trim() : box.value;
  }

  function enhance(fieldset, index) {
    var list = fieldset.querySelector("ul");
    if (!list) { return; }
    var boxes = list.querySelectorAll("input[type=checkbox]");
    if (boxes.length < MIN_CHOICES) { return; }
    var legend = fieldset.querySelector("legend");
    var name = legend ? legend.textContent.trim() : "";
    var listId = list.id || ("picker-list-" + index);
    list.id = listId;
    fieldset.classList.add("picker");
    list.classList.add("picker-list");

    var chosen = document.createElement("div");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-live", "polite");
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.id = listId + "-search";
    search.autocomplete = "off";
    search.placeholder = fieldset.getAttribute("data-search-placeholder") || "Type to filter";
    search.setAttribute("aria-label", (fieldset.getAttribute("data-search-label") || "Filter") + ": " + name);
    search.setAttribute("aria-controls", listId);
    var none = document.createElement("p");
    none.className = "muted picker-none";
    none.hidden = true;
    none.textContent = fieldset.getAttribute("data-no-match") || "Nothing matches.";
    list.parentNode.insertBefore(chosen, list);
    list.parentNode.insertBefore(search, list);
    list.parentNode.insertBefore(none, list.nextSibling);

    function showChosen() {
      while (chosen.firstChild) { chosen.removeChild(chosen.firstChild); }
      Array.prototype.forEach.call(boxes, function (box) {
        if (!box.checked) { return; }
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        // The name is the button's text ("Remove: UX design"), not an aria-label, so the topic's
        // own checkbox stays the one thing labelled "UX design".
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = (fieldset.getAttribute("data-remove-label") || "Remove") + ": ";
        var cross = document.createElement("span");
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = " \u00d7";
        chip.appendChild(hint);
        chip.appendChild(document.createTextNode(labelOf(box)));
        chip.appendChild(cross);
        chip.addEventListener("click", function () {
          box.checked = false;
          showChosen();
          search.focus();
        });
        chosen.appendChild(chip);
      });
    }

    function filter() {
      var query = search.value.trim().toLocaleLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(boxes, function (box) {
        var item = box.closest("li") || box.parentNode;
        var match = !query || labelOf(box).toLocaleLowerCase().indexOf(query) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      none.hidden = shown > 0;
    }

    list.addEventListener("change", showChosen);
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();  // Enter picks the first match instead of submitting the form
      var first = Array.prototype.find.call(boxes, function (box) {
        return !(box.closest("li") || box.parentNode).hidden;
      });
      if (first) {
        first.checked = true;
        showChosen();
        search.value = "";
        filter();
      }
    });
    showChosen();
  }

  Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-picker]"), enhance);
})();
