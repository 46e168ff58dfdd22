/* Progressive enhancement for the lists of inspections: sort by column, filter by the form's
   fields. Without JavaScript each table is complete and in date order. Changes are announced
   through the role="status" region.

   The form (#filters) filters the table its data-table names (else #inspections-table). A
   field filters on the row's data-<name> attribute; "q" on the first cell's text; "standard"
   and "standard_rating" together on data-standards, whose standards are named with their
   framework ("hmip-youth-2021:1.1=Good hmip-youth-2021:2.4=Requires_improvement").
   The page's address may set the fields (national/index.html?framework=...&rating=Good): a
   field given several values keeps the rows with any of them. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById(form && form.getAttribute("data-table") || "inspections-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("results-status");
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

  if (!form) { return; }
  var fields = Array.prototype.slice.call(form.elements).filter(function (field) { return field.name; });

  function field(name) { return form.elements[name] ? form.elements[name].value : ""; }
  function matches(row) {
    var text = field("q").trim().toLowerCase();
    if (text && row.cells[0].textContent.toLowerCase().indexOf(text) === -1) { return false; }
    var standard = field("standard"), rating = field("standard_rating").replace(/ /g, "_");
    if (standard || rating) {
      var found = (row.getAttribute("data-standards") || "").split(" ").some(function (token) {
        var pair = token.split("=");
        return (!standard || pair[0] === standard) && (!rating || pair[1] === rating);
      });
      if (!found) { return false; }
    }
    return fields.every(function (f) {
      if (f.name === "q" || f.name === "standard" || f.name === "standard_rating" || !f.value) { return true; }
      return f.value.split("|").indexOf(row.getAttribute("data-" + f.name)) !== -1;
    });
  }
  function applyFilter() {
    var shown = 0;
    rows.forEach(function (row) {
      var match = matches(row);
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    announce(shown + " of " + rows.length + " inspections shown.");
  }

  // The address's filters: a select given several values gets an option for "any of them".
  var given = false;
  var params = new URLSearchParams(window.location.search);
  fields.forEach(function (f) {
    var values = params.getAll(f.name);
    if (!values.length) { return; }
    if (values.length > 1 && f.tagName === "SELECT") {
      var option = document.createElement("option");
      option.value = values.join("|");
      option.textContent = values.join(" or ");
      f.appendChild(option);
    }
    f.value = values.join("|");
    given = true;
  });
  form.hidden = false;
  // How to sort and filter is said only once the buttons and the form are there to use.
  Array.prototype.forEach.call(document.querySelectorAll(".table-help"), function (help) { help.hidden = false; });
  form.addEventListener("input", applyFilter);
  form.addEventListener("change", applyFilter);
  form.addEventListener("submit", function (event) { event.preventDefault(); applyFilter(); });
  if (given) { applyFilter(); }
}());
