// On a wide screen the filters are a column beside the results, open from the start;
// on a phone they wait behind their "Filters" button above the results. Without this
// script the button opens them on any screen.
(function () {
  const filters = document.getElementById("filters");
  if (!filters) return;
  const wide = window.matchMedia("(min-width: 50rem)");
  const fit = () => { filters.open = wide.matches; };
  fit();
  wide.addEventListener("change", fit);
})();
