/* Progressive enhancement for the inspections table: sort by column, filter by rating and
   name. Without JavaScript the table is complete and in date order. Changes are announced
   through the role="status" region. */
(function () {
  "use strict";
  var table = document.getElementById("inspections-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("results-status");
  var form = document.getElementById("filters");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function value(row, index, kind) {
    var text = row.cells[index].getAttribute("data-value") || row.cells[index].textContent;
    return kind === "number" ? parseFloat(text) : text.toLowerCase();
  }
  function announce(message) { if (status) { status.textContent = message; } }

  headers.forEach(function (th, index) {
    var kind = th.getAttribute("data-sort");
    if (!kind) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); } });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = value(a, index, kind), y = value(b, index, kind);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      announce("Sorted by " + button.textContent + ", " + (ascending ? "ascending" : "descending") + ".");
    });
  });

  function applyFilter() {
    var rating = form.elements.rating.value;
    var text = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!rating || row.getAttribute("data-rating") === rating) &&
                  (!text || row.cells[0].textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    announce(shown + " of " + rows.length + " inspections shown.");
  }
  if (form) {
    form.hidden = false;
    form.addEventListener("input", applyFilter);
    form.addEventListener("change", applyFilter);
    form.addEventListener("submit", function (event) { event.preventDefault(); applyFilter(); });
  }
}());
