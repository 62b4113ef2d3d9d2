// The Copy button of a record page's "Cite this" box. Without this script the box
// still works (the BibTeX entry is on the page, each format a link away); the button
// only appears with it.
"use strict";

(() => {
  const button = document.getElementById("copy-bibtex");
  const entry = document.getElementById("bibtex");
  const status = document.getElementById("copy-status");
  if (!button || !entry || !status) return;

  // Shows the entry and selects it, for a copy by the keyboard or by the command below.
  const select = () => {
    entry.closest("details").open = true;
    const range = document.createRange();
    range.selectNodeContents(entry);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  // The Clipboard API exists only on secure pages (https, localhost); on a plain-http
  // page the older copy command still copies a selection.
  const copy = async () => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(entry.textContent);
      return true;
    }
    select();
    return document.execCommand("copy");
  };

  button.hidden = false;
  button.addEventListener("click", async () => {
    // Refused (no permission, no user gesture left): fall back to a selection.
    const copied = await copy().catch(() => false);
    if (copied) {
      status.textContent = "Copied.";
    } else {
      select();
      status.textContent = "Selected: copy it with Ctrl+C (⌘C on a Mac).";
    }
  });
})();
