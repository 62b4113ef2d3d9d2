// The query page without outside scripts: an example link fills the editor, Ctrl+Enter
// runs the query, Tab indents. Without JavaScript the links and the form still work.
(function () {
  var editor = document.getElementById("query");
  if (!editor) return;
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      editor.form.requestSubmit ? editor.form.requestSubmit() : editor.form.submit();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
    }
  });
  document.querySelectorAll("a[data-query]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      editor.value = link.getAttribute("data-query");
      editor.focus();
      editor.scrollIntoView({block: "nearest"});
    });
  });
})();
