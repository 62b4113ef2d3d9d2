// A record's long summary, folded to its first lines behind "Read more", so that on a
// phone the citation and links below stay near the top. Without this script, and on
// paper (record.css), the whole summary shows; folded, screen readers still read it all.
// The button's words are the page's, in its language: its text, and data-less.
"use strict";

(() => {
  const button = document.getElementById("read-more");
  if (!button) return;
  const text = document.getElementById(button.getAttribute("aria-controls"));
  text.classList.add("folded");
  if (text.scrollHeight <= text.clientHeight + 1) {  // short enough to show whole
    text.classList.remove("folded");
    return;
  }
  const more = button.textContent;
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = !text.classList.toggle("folded");
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? button.dataset.less : more;
  });
})();
