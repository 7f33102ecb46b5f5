// voiphistory: small progressive enhancements. Every page works without them; no inline scripts (CSP).
(function () {
  "use strict";

  function detailsRowOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setDetails(button, open) {
    const row = detailsRowOf(button);
    if (!row) return null;
    row.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    return row;
  }

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("[data-toggle-details]");
    if (toggle) {
      const row = detailsRowOf(toggle);
      const opening = row ? row.hidden : false;
      setDetails(toggle, opening);
      // A call's Listen plays at once (and pauses when closed): the player is why the row opens.
      const player = row && toggle.hasAttribute("data-play-on-open") ? row.querySelector("[data-player]") : null;
      if (player && window.voiphistoryPlayer) {
        const audio = player.querySelector("audio");
        if (opening === (audio.paused || audio.ended)) window.voiphistoryPlayer.toggle(player);
      }
      return;
    }
    // A row's Delete asks for its confirmation into the row, Edit swaps the row for its form: one
    // listener here instead of hx-* attributes on every row's links. A modified click opens the page.
    const rowLink = event.target.closest("a[data-confirm-delete], a[data-edit]");
    if (rowLink && window.htmx && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button)) {
      event.preventDefault();
      const deleting = rowLink.hasAttribute("data-confirm-delete");
      window.htmx.ajax("GET", rowLink.getAttribute("href"),
        { source: rowLink, target: rowLink.closest("tbody"), swap: deleting ? "beforeend" : "outerHTML" });
      return;
    }
    const cancel = event.target.closest("[data-cancel-confirm]");
    if (cancel && cancel.closest(".confirm-row")) {
      event.preventDefault();
      cancel.closest(".confirm-row").remove();
    }
  });

  // Typing a date means a custom range. Capture phase: runs before HTMX sends the form.
  document.addEventListener("change", function (event) {
    if (event.target.matches("#filters input[type=date]")) {
      const preset = document.querySelector("#filters [name=preset]");
      if (preset) preset.value = "custom";
    }
  }, true);

  // Keyboard on tables: j/k move between rows, space plays or pauses the row's audio, e edits it.
  function rows() {
    return Array.from(document.querySelectorAll("#table [data-row]"));
  }

  function currentRow() {
    return document.querySelector("#table [data-row].current") ||
      (document.activeElement && document.activeElement.closest && document.activeElement.closest("#table [data-row]"));
  }

  function focusRow(row) {
    rows().forEach(function (r) { r.classList.remove("current"); });
    if (!row) return;
    row.classList.add("current");
    const first = row.querySelector("tr");
    first.focus();
    first.scrollIntoView({ block: "nearest" });
  }

  function typingInField(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable=true]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
    const list = rows();
    if (!list.length) return;
    const row = currentRow();
    const index = row ? list.indexOf(row) : -1;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      const next = event.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      focusRow(list[next]);
    } else if (event.key === " " && row && !event.target.closest("button, a")) {
      const toggle = row.querySelector("[data-toggle-details]");
      const player = row.querySelector("[data-player]");
      if (!toggle || !player || !window.voiphistoryPlayer) return;
      event.preventDefault();
      setDetails(toggle, true);
      window.voiphistoryPlayer.toggle(player);
    } else if (event.key === "e" && row) {
      const edit = row.querySelector("[data-edit]");
      if (edit) {
        event.preventDefault();
        edit.click();
      }
    }
  });

  // After HTMX swaps a row back in (saved, cancelled), keep the keyboard where it was.
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (target && target.matches && target.matches("[data-row]") && document.body.contains(target)) {
      focusRow(target);
    }
  });

  // Undo windows count down live. The server gives the seconds left (data-countdown) and the text
  // without JS; counting from when the element arrived avoids trusting the browser's clock.
  function tickCountdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      if (!element.dataset.deadline) {
        element.dataset.deadline = String(Date.now() + Number(element.dataset.countdown) * 1000);
      }
      const left = Math.max(0, Math.ceil((Number(element.dataset.deadline) - Date.now()) / 1000));
      const text = left ? left + (left === 1 ? " second" : " seconds") : "a moment";
      if (element.textContent !== text) element.textContent = text;
    });
  }
  window.setInterval(tickCountdowns, 250);
})();
