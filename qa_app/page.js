() => {
  // Installed once per page: clicks on citation markers and copy buttons, and the panel's
  // document list. Chat bubbles lose data-* attributes to Gradio's sanitiser, so a marker's
  // target lives in its href: #qa-cite:<quoted source>:<start>:<end>.
  if (window.__qaPage) return;
  window.__qaPage = true;

  const sections = () => Array.from(document.querySelectorAll(".qa-doc"));

  function showDoc(section) {
    for (const s of sections()) s.hidden = s !== section;
    const select = document.querySelector(".qa-doc-select");
    if (select) select.value = section.dataset.doc;
  }

  function scrollPanelTo(el) {
    const body = el.closest(".qa-panel-body");
    if (body) body.scrollTop = Math.max(0, el.offsetTop - 24);
  }

  function focusPassage(source, start, end) {
    const section = sections().find((s) => s.dataset.source === source);
    if (!section) return;
    showDoc(section);
    document.querySelectorAll(".qa-focus").forEach((e) => e.classList.remove("qa-focus"));
    let targets = Array.from(section.querySelectorAll("mark[data-start]"))
      .filter((m) => Number(m.dataset.start) === start);
    if (!targets.length) {  // a passage of an earlier reply: show its paragraphs
      targets = Array.from(section.querySelectorAll(".qa-para[data-start]"))
        .filter((p) => Number(p.dataset.start) < end && Number(p.dataset.end) > start);
    }
    targets.forEach((t) => t.classList.add("qa-focus"));
    if (targets.length) {
      scrollPanelTo(targets[0]);
      // On a phone the text sits below the chat and the page itself scrolls: centre the
      // passage there rather than leave it at the screen's bottom edge.
      targets[0].scrollIntoView({ block: belowChat() ? "center" : "nearest" });
    }
  }

  function belowChat() {
    const chat = document.querySelector("#qa-chat"), panel = document.querySelector("#qa-panel");
    return !!(chat && panel) && panel.getBoundingClientRect().top >= chat.getBoundingClientRect().bottom;
  }

  async function copyText(value) {
    try {
      await navigator.clipboard.writeText(value);
    } catch (err) {  // plain http on another host has no clipboard API
      const area = document.createElement("textarea");
      area.value = value;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  }

  document.addEventListener("click", (ev) => {
    const link = ev.target.closest && ev.target.closest("a.qa-cite");
    if (link) {
      const m = /^#qa-cite:([^:]*):(\d+):(\d+)$/.exec(link.getAttribute("href") || "");
      if (m) {
        ev.preventDefault();
        ev.stopPropagation();
        focusPassage(decodeURIComponent(m[1]), Number(m[2]), Number(m[3]));
      }
      return;
    }
    const button = ev.target.closest && ev.target.closest("button.qa-copy");
    if (button) {
      const source = button.parentElement.querySelector(".qa-copy-text");
      if (!source) return;
      copyText(source.textContent).then(() => {
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy citation"; }, 1500);
      });
    }
  }, true);

  document.addEventListener("change", (ev) => {
    if (!ev.target.matches || !ev.target.matches(".qa-doc-select")) return;
    const section = sections().find((s) => s.dataset.doc === ev.target.value);
    if (section) showDoc(section);
  });

  // When a reply re-renders the panel, scroll the panel (not the page) to its first highlight.
  // Gradio patches the panel's DOM in place, so a new reply is told apart by data-answer; the
  // panel may not be laid out yet when the change is seen, so try again until it has a size.
  let lastAnswer = null;
  function scrollToFirstHit(panel, triesLeft) {
    const first = panel.querySelector(".qa-doc:not([hidden]) mark[data-start]");
    if (!first || !panel.isConnected) return;
    if (first.offsetParent === null && triesLeft > 0) {
      setTimeout(() => scrollToFirstHit(panel, triesLeft - 1), 100);
      return;
    }
    scrollPanelTo(first);
  }
  // A new reply is shown from its start (with the question above it), not scrolled to its
  // end: the answer is in its first lines. Gradio's own autoscroll is off (page.py).
  let replies = 0;
  function scroller(el) {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const y = getComputedStyle(e).overflowY;
      if ((y === "auto" || y === "scroll") && e.scrollHeight > e.clientHeight) return e;
    }
    return null;
  }
  function showReplyStart() {
    const all = document.querySelectorAll("#qa-chat .qa-reply");
    const grew = all.length > replies;
    replies = all.length;
    if (!grew) return;
    const reply = all[all.length - 1];
    const box = scroller(reply);
    if (!box) return;
    const question = Array.from(document.querySelectorAll("#qa-chat .qa-question")).pop();
    const top = (el) => el.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    const replyTop = top(reply) - 8;
    const questionTop = question ? top(question) - 8 : replyTop;
    box.scrollTop = replyTop - questionTop < box.clientHeight / 3 ? questionTop : replyTop;
  }

  new MutationObserver(() => {
    showReplyStart();
    const panel = document.querySelector(".qa-panel");
    if (!panel || panel.dataset.answer === lastAnswer) return;
    lastAnswer = panel.dataset.answer;
    scrollToFirstHit(panel, 30);
  }).observe(document.body, { childList: true, subtree: true });
}
