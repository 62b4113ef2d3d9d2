// The query page without outside scripts: an example link fills the editor, Ctrl+Enter
// (Cmd+Enter) runs the query, Tab indents (Esc, then Tab, leaves the editor), a long
// query is sent by POST. Without JavaScript the links and the form still work.
(function () {
  var editor = document.getElementById("query");
  if (!editor) return;
  var form = editor.form;
  var button = document.getElementById("run");
  var label = button ? button.textContent : "";
  // A query URL longer than this is refused by the server before the query is read
  // (414): such queries go by POST, whose results have a permalink all the same.
  var MAX_GET_URL = 3500;
  var escaped = false;

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else if (onSubmit()) form.submit();
  }

  function onSubmit(event) {
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    form.method = url.length > MAX_GET_URL ? "post" : "get";
    // A download button submits the same form but the page stays: it is not busy.
    var downloading = event && event.submitter && event.submitter !== button;
    if (button && !downloading) {
      button.disabled = true;
      button.textContent = button.getAttribute("data-running") || label;
      form.setAttribute("aria-busy", "true");
    }
    return true;
  }

  // Show the query rather than the prefixes above it: scroll the editor to the first
  // line that is not a PREFIX or BASE declaration (the caret goes there too).
  function showQueryStart(moveCaret) {
    var lines = editor.value.split("\n");
    var index = 0, offset = 0;
    while (index < lines.length && /^\s*((PREFIX|BASE)\b.*)?$/i.test(lines[index])) {
      offset += lines[index].length + 1;
      index++;
    }
    if (index === lines.length) { index = 0; offset = 0; }
    if (moveCaret) editor.setSelectionRange(offset, offset);
    var lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
    editor.scrollTop = Math.max(0, index - 1) * lineHeight;
  }

  form.addEventListener("submit", onSubmit);

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape") {
      escaped = true;
    } else if (event.key === "Tab" && !event.shiftKey && !escaped) {
      event.preventDefault();
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
    } else {
      escaped = false;
    }
  });
  editor.addEventListener("blur", function () { escaped = false; });

  // Each example's query is sent once, in its link (which works without script too),
  // and the prefixes once for them all.
  var examples = document.querySelectorAll("a.example");
  var section = document.getElementById("examples");
  var prologue = section ? section.getAttribute("data-prologue") : "";
  Array.prototype.forEach.call(examples, function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      Array.prototype.forEach.call(examples, function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "true");
      editor.value = prologue + "\n" + new URL(link.href).searchParams.get("query");
      editor.focus({preventScroll: true});
      showQueryStart(true);
      // After the browser has scrolled to the caret: the query start at the top of
      // the editor, and the whole editor on screen (on a phone it is far above).
      requestAnimationFrame(function () {
        showQueryStart(false);
        var box = form.getBoundingClientRect();
        if (box.top < 0 || box.bottom > window.innerHeight) {
          form.scrollIntoView({block: "start"});
        }
      });
    });
  });

  // Back to this page from the results' page: the button is usable again.
  window.addEventListener("pageshow", function () {
    if (button) {
      button.disabled = false;
      button.textContent = label;
      form.removeAttribute("aria-busy");
    }
  });

  showQueryStart(false);
})();
