// The Copy buttons of a record page: "Copy link" (the record's URI) and "Copy BibTeX"
// in the "Cite this" box. Each button names the element whose text it copies
// (data-copy) and where it says what happened (data-status), in the words the page
// gives it in its language (data-copied, data-selected). Without this script the
// page still works (the text is on it, to select); the buttons only appear with it.
"use strict";

(() => {
  // Shows the text (an entry inside closed <details>) and selects it, for a copy by
  // the keyboard or by the command below.
  const select = (source) => {
    const details = source.closest("details");
    if (details) details.open = true;
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  // The Clipboard API exists only on secure pages (https, localhost); on a plain-http
  // page the older copy command still copies a selection.
  const copy = async (source) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(source.textContent);
      return true;
    }
    select(source);
    return document.execCommand("copy");
  };

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    if (!source || !status) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      // Refused (no permission, no user gesture left): fall back to a selection.
      const copied = await copy(source).catch(() => false);
      if (copied) {
        status.textContent = button.dataset.copied;
      } else {
        select(source);
        status.textContent = button.dataset.selected;
      }
    });
  }
})();
