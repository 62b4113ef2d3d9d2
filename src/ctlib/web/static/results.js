// The query page's results table, sorted and filtered in the browser: each column
// heading becomes a button that sorts by it (aria-sort says how), and the filter
// above the table keeps the rows whose text contains what is typed. Without
// JavaScript the table is shown as the server wrote it.
(function () {
  var table = document.querySelector("table.results");
  var tools = document.querySelector(".table-tools");
  if (!table || !tools) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById("filter-rows");
  var status = document.getElementById("rows-shown");
  var language = document.documentElement.lang || undefined;
  var numbers = new Intl.NumberFormat(language);
  var collator = new Intl.Collator(language, {numeric: true, sensitivity: "base"});
  // Each row's text once, folded, for filtering as one types.
  var texts = rows.map(function (row) { return fold(row.textContent); });

  function fold(text) { return text.toLocaleLowerCase(language).replace(/\s+/g, " "); }

  // A column of numbers sorts by their values (data-sort), any other by its text.
  function sortKey(column) {
    var numeric = rows.every(function (row) {
      var cell = row.cells[column];
      return cell.hasAttribute("data-sort") || cell.textContent.trim() === "";
    });
    return function (row) {
      var cell = row.cells[column];
      if (!numeric) return cell.textContent.trim();
      return cell.hasAttribute("data-sort") ? parseFloat(cell.getAttribute("data-sort")) : -Infinity;
    };
  }

  function sortBy(column) {
    var heading = headings[column];
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var key = sortKey(column);
    var keyed = rows.map(function (row, index) { return [key(row), index, row]; });
    keyed.sort(function (a, b) {
      var order = typeof a[0] === "number" ? a[0] - b[0] : collator.compare(a[0], b[0]);
      return (ascending ? order : -order) || a[1] - b[1];
    });
    headings.forEach(function (other) { other.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var sorted = document.createDocumentFragment();
    keyed.forEach(function (entry) { sorted.appendChild(entry[2]); });
    body.appendChild(sorted);
  }

  function applyFilter() {
    var wanted = fold(filter.value.trim());
    var shown = 0;
    rows.forEach(function (row, index) {
      row.hidden = wanted !== "" && texts[index].indexOf(wanted) === -1;
      if (!row.hidden) shown++;
    });
    status.textContent = wanted === "" ? "" : status.getAttribute("data-shown")
      .replace("{shown}", numbers.format(shown)).replace("{total}", numbers.format(rows.length));
  }

  headings.forEach(function (heading, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = heading.textContent;
    heading.textContent = "";
    heading.appendChild(button);
    button.addEventListener("click", function () { sortBy(column); });
  });
  filter.addEventListener("input", applyFilter);
  tools.hidden = false;
})();
