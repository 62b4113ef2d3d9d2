// The query page. Without JavaScript the textarea and the form work alone. With it, the
// textarea becomes a SPARQL editor (Yasqe, served from static/vendor/: syntax colours,
// bracket matching, line numbers, completions from this catalogue only) when that script
// has loaded, and stays a textarea otherwise. Either way: an example link fills the
// editor, Ctrl+Enter (Cmd+Enter) runs the query, Tab indents (Esc, then Tab, leaves the
// editor), a long query is sent by POST, and a parser error is marked at its place.
(function () {
  var textarea = document.getElementById("query");
  if (!textarea) return;
  var form = textarea.form;
  var button = document.getElementById("run");
  var label = button ? button.textContent : "";
  // A query URL longer than this is refused by the server before the query is read
  // (414): such queries go by POST, whose results have a permalink all the same.
  var MAX_GET_URL = 3500;
  // Completions are asked once the typing pauses this long, at most this many.
  var COMPLETION_PAUSE_MS = 150;
  var COMPLETIONS = 20;

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else if (onSubmit()) form.submit();
  }

  function onSubmit(event) {
    editor.save();
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

  // The first line that is not a PREFIX or BASE declaration: the query shown rather than
  // the prefixes above it.
  function queryStart(text) {
    var lines = text.split("\n");
    var index = 0;
    while (index < lines.length && /^\s*((PREFIX|BASE)\b.*)?$/i.test(lines[index])) index++;
    return index === lines.length ? 0 : index;
  }

  // The textarea as it is, for a browser where the editor's script did not load.
  function plainEditor() {
    var escaped = false;
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submit();
      } else if (event.key === "Escape") {
        escaped = true;
      } else if (event.key === "Tab" && !event.shiftKey && !escaped) {
        event.preventDefault();
        textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      } else {
        escaped = false;
      }
    });
    textarea.addEventListener("blur", function () { escaped = false; });
    function lineOffset(line) {
      return textarea.value.split("\n").slice(0, line).join("\n").length + (line ? 1 : 0);
    }
    return {
      save: function () {},
      setValue: function (text) { textarea.value = text; },
      focus: function () { textarea.focus({preventScroll: true}); },
      showQueryStart: function (moveCaret) {
        var index = queryStart(textarea.value);
        if (moveCaret) textarea.setSelectionRange(lineOffset(index), lineOffset(index));
        var lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
        textarea.scrollTop = Math.max(0, index - 1) * lineHeight;
      },
      markError: function (line, column) {
        var start = lineOffset(line - 1) + column - 1;
        textarea.setSelectionRange(start, start);
      }
    };
  }

  // Completions of the word at the cursor from this catalogue's own endpoint (prefixes,
  // classes, properties, concepts by label in any language, agents, years), best first.
  // Yasqe's own completers that ask other hosts (prefix.cc, LOV) are never enabled.
  function wordBeforeCursor(yasqe) {
    var cursor = yasqe.getCursor();
    var line = yasqe.getLine(cursor.line);
    var start = cursor.ch;
    while (start > 0 && !/[\s?$<>"'#(){}\[\],;]/.test(line[start - 1])) start--;
    return {text: line.slice(start, cursor.ch), start: start, end: cursor.ch};
  }

  function registerCatalogueCompleter(Yasqe, url) {
    var pending = null;
    var found = {};
    function ask(word) {
      if (pending) pending.resolve([]);
      return new Promise(function (resolve) {
        var asked = {resolve: resolve};
        pending = asked;
        asked.timer = setTimeout(function () {
          var query = new URLSearchParams({q: word, limit: String(COMPLETIONS)});
          fetch(url + "?" + query.toString(), {headers: {Accept: "application/json"}})
            .then(function (response) { return response.ok ? response.json() : {completions: []}; })
            .then(function (data) {
              found = {};
              var texts = (data.completions || []).map(function (completion) {
                found[completion.text] = completion;
                return completion.text;
              });
              resolve(pending === asked ? texts : []);
            }, function () { resolve([]); });
        }, COMPLETION_PAUSE_MS);
        asked.resolve = function (value) { clearTimeout(asked.timer); resolve(value); };
      });
    }
    function render(element, self, hint) {
      var completion = found[hint.text] || {};
      element.appendChild(document.createTextNode(hint.text));
      var about = [completion.label, completion.kind,
                   completion.count != null ? completion.count.toLocaleString() : null]
        .filter(function (part) { return part != null && part !== ""; });
      if (about.length) {
        var small = document.createElement("small");
        small.className = "completion-about";
        small.textContent = about.join(" · ");
        element.appendChild(small);
      }
    }
    Yasqe.registerAutocompleter({
      name: "catalogue",
      bulk: false,
      autoShow: true,
      isValidCompletionPosition: function (yasqe) {
        var token = yasqe.getCompleteToken();
        return token.type !== "string" && token.type !== "comment" &&
          wordBeforeCursor(yasqe).text.length >= 2;
      },
      // The word typed so far, as a person sees it: the SPARQL tokens of "Côte" are two.
      preProcessToken: function (yasqe, token) {
        var word = wordBeforeCursor(yasqe);
        token.string = word.text;
        token.from = {ch: word.start};
        token.to = {ch: word.end};
        return token;
      },
      get: function (yasqe, token) { return ask(token.string); },
      postprocessHints: function (yasqe, hints) {
        hints.forEach(function (hint) { hint.render = render; });
        return hints;
      }
    }, false);
  }

  // Yasqe over the textarea, which stays in the form (hidden) and is kept up to date.
  function codeEditor(Yasqe) {
    registerCatalogueCompleter(Yasqe, form.getAttribute("data-completions"));
    var holder = document.createElement("div");
    holder.className = "code-editor";
    textarea.parentNode.insertBefore(holder, textarea);
    var yasqe = new Yasqe(holder, {
      value: textarea.value,
      autocompleters: ["variables", "catalogue"],
      prefixCcApi: null,
      persistenceId: null,
      showQueryButton: false,
      createShareableLink: null,
      consumeShareLink: null,
      resizeable: false,
      editorHeight: "auto",
      lineWrapping: true,
      viewportMargin: Infinity,
      requestConfig: {endpoint: form.action},
      screenReaderLabel: document.querySelector("label[for=query]").textContent
    });
    textarea.hidden = true;
    var input = yasqe.getInputField();
    input.id = "query-editor";
    input.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    document.querySelector("label[for=query]").htmlFor = input.id;
    // Yasqe would send the query itself, to the page's origin; the form sends it here.
    yasqe.query = function () { submit(); return Promise.resolve(); };
    var escaped = false;
    yasqe.addKeyMap({
      "Ctrl-Enter": submit,
      "Cmd-Enter": submit,
      "Esc": function () { escaped = true; return Yasqe.Pass; },
      "Tab": function (cm) {
        if (escaped) { escaped = false; return Yasqe.Pass; }
        cm.replaceSelection("  ");
      }
    });
    yasqe.on("keydown", function (cm, event) { if (event.key !== "Escape") escaped = false; });
    yasqe.on("blur", function () { escaped = false; });
    var errorMark = null;
    return {
      save: function () { textarea.value = yasqe.getValue(); },
      setValue: function (text) { yasqe.setValue(text); },
      focus: function () { yasqe.focus(); },
      showQueryStart: function (moveCaret) {
        var line = queryStart(yasqe.getValue());
        if (moveCaret) yasqe.setCursor({line: line, ch: 0});
        yasqe.scrollTo(null, yasqe.heightAtLine(Math.max(0, line - 1), "local"));
      },
      markError: function (line, column) {
        var at = Math.min(line - 1, yasqe.lastLine());
        var length = yasqe.getLine(at).length;
        var ch = Math.max(0, Math.min(column - 1, length - 1));
        yasqe.addLineClass(at, "wrap", "query-error-line");
        errorMark = yasqe.markText({line: at, ch: ch}, {line: at, ch: Math.min(ch + 1, length)},
                                   {className: "query-error-at"});
        yasqe.setCursor({line: at, ch: Math.min(column - 1, length)});
        yasqe.on("change", function () {
          if (errorMark) { errorMark.clear(); yasqe.removeLineClass(at, "wrap", "query-error-line"); }
          errorMark = null;
        });
      }
    };
  }

  var editor = window.Yasqe ? codeEditor(window.Yasqe) : plainEditor();
  form.addEventListener("submit", onSubmit);

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
      editor.setValue(prologue + "\n" + new URL(link.href).searchParams.get("query"));
      editor.save();
      editor.focus();
      editor.showQueryStart(true);
      // After the browser has scrolled to the caret: the query start at the top of
      // the editor, and the whole editor on screen (on a phone it is far above).
      requestAnimationFrame(function () {
        editor.showQueryStart(false);
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

  var error = document.getElementById("error");
  if (error && error.hasAttribute("data-line")) {
    editor.markError(Number(error.getAttribute("data-line")),
                     Number(error.getAttribute("data-column")));
  } else {
    editor.showQueryStart(false);
  }
})();
