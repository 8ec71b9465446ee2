// The inbox's behaviour on top of server-rendered pages: forms sent in the background,
// live updates through server-sent events (the browser's EventSource; the server uses
// aiohttp-sse), a sound and a browser notification when someone new waits in the agent's
// queues. Without this script every form still works by posting and reloading.
"use strict";

(() => {
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const inbox = document.querySelector(".inbox");
  if (!inbox) return;
  const openId = inbox.dataset.openId || "";
  const list = document.getElementById("conversation-list");
  const flash = document.querySelector("[data-flash]");
  const liveState = document.querySelector("[data-live-state]");
  let knownWaiting = null; // ids of conversations waiting, as last seen (null: not yet)
  let openStatus = document.querySelector("#card .badge[class*=state-]")?.className || "";
  let audio = null;
  // The transcript follows new messages unless the agent scrolled up to read something earlier.
  let followTail = true;
  let autoScrolling = false;

  function scrollToEnd() {
    const box = document.getElementById("transcript");
    if (!box) return;
    autoScrolling = true;
    box.scrollTop = box.scrollHeight;
    requestAnimationFrame(() => { autoScrolling = false; });
  }

  // --- fetching fragments ---------------------------------------------------------------

  const GONE = Symbol("gone");

  async function fragment(url) {
    const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (response.status === 401) { window.location.assign("/login"); return null; }
    if (response.status === 404) return GONE; // no longer in this person's queues (transferred away)
    if (!response.ok) return null;
    return response.text();
  }

  function conversationLeft() {
    // Transferred to a queue this person does not serve: say so instead of a page that no longer works.
    const pane = document.querySelector(".conversation-pane");
    pane.classList.remove("with-card");
    pane.innerHTML = "";
    const notice = document.createElement("div");
    notice.className = "empty-state";
    notice.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = "Esta conversación pasó a otra fila y ya no está en su bandeja.";
    const back = document.createElement("a");
    back.href = "/inbox";
    back.textContent = "Volver a la bandeja";
    notice.append(text, back);
    pane.append(notice);
  }

  function currentTab() {
    return list.querySelector("[data-list-tab]")?.dataset.listTab || list.dataset.listTab || "waiting";
  }

  async function refreshList() {
    const html = await fragment(`/inbox/list?tab=${encodeURIComponent(list.dataset.listTab)}&open=${openId}`);
    if (html === null) return;
    list.innerHTML = html;
    noticeNewWaiting();
    tickWaits();
  }

  async function refreshOpen() {
    if (!openId) return;
    if (!document.getElementById("card")) return;
    const [card, transcript] = await Promise.all([
      fragment(`/inbox/${openId}/card`), fragment(`/inbox/${openId}/transcript`),
    ]);
    if (card === GONE || transcript === GONE) { conversationLeft(); return; }
    if (card !== null) {
      document.getElementById("card").innerHTML = card;
      const status = document.querySelector("#card .badge[class*=state-]")?.className || "";
      if (status !== openStatus) {
        openStatus = status;
        const actions = await fragment(`/inbox/${openId}/actions`);
        if (actions === GONE) { conversationLeft(); return; }
        if (actions !== null) {
          document.getElementById("actions").innerHTML = actions;
          bindActions();
          // Just accepted: straight to writing (on a phone, this also brings the composer into view).
          document.querySelector("[data-composer] textarea")?.focus();
        }
      }
    }
    if (transcript !== null) {
      document.getElementById("transcript").innerHTML = transcript;
      if (followTail) scrollToEnd();
    }
    tickWaits();
  }

  let pending = null;
  function scheduleRefresh(withOpen) {
    // Several changes in a burst (a message and the bot's events) cost one fetch.
    if (pending) { pending.withOpen = pending.withOpen || withOpen; return; }
    pending = { withOpen };
    setTimeout(async () => {
      const { withOpen: open } = pending;
      pending = null;
      await Promise.all([refreshList(), open ? refreshOpen() : Promise.resolve()]);
    }, 120);
  }

  // --- new conversations: sound and notification ----------------------------------------

  function waitingIds() {
    const raw = list.querySelector("[data-waiting-ids]")?.dataset.waitingIds || "";
    return new Set(raw.split(",").filter(Boolean));
  }

  function noticeNewWaiting() {
    const now = waitingIds();
    if (knownWaiting !== null) {
      const fresh = [...now].filter((id) => !knownWaiting.has(id));
      if (fresh.length) alertNew(fresh.length);
    }
    knownWaiting = now;
  }

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.45);
    } catch (error) { /* no sound on this device: the notification and the list still tell */ }
  }

  function alertNew(count) {
    document.body.dataset.alerts = String(Number(document.body.dataset.alerts || 0) + 1);
    beep();
    const text = count === 1 ? "Una conversación nueva espera en sus filas." : `${count} conversaciones nuevas esperan en sus filas.`;
    if ("Notification" in window && Notification.permission === "granted") {
      const note = new Notification("Mesa de atención", { body: text, tag: "desk-new" });
      note.onclick = () => { window.focus(); note.close(); };
    }
    if (document.hidden) document.title = `(${count}) ${document.title.replace(/^\(\d+\) /, "")}`;
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) document.title = document.title.replace(/^\(\d+\) /, "");
  });

  const enable = document.querySelector("[data-enable-notifications]");
  if (enable && "Notification" in window && Notification.permission === "default") {
    enable.hidden = false;
    enable.addEventListener("click", async () => {
      beep(); // a click lets the page make sound from now on
      await Notification.requestPermission();
      enable.hidden = true;
    });
  }

  // --- forms in the background ----------------------------------------------------------

  function showFlash(message) {
    if (!flash) { window.alert(message); return; }
    flash.textContent = message;
    flash.hidden = !message;
  }

  async function submit(form) {
    const button = form.querySelector("button[type=submit]");
    const composer = form.matches("[data-composer]") ? form.querySelector("textarea") : null;
    const body = new URLSearchParams(new FormData(form));
    // The agent may type the next message while this one travels: only what was sent leaves the box.
    const sent = composer ? composer.value : "";
    if (composer) composer.value = "";
    if (button) button.disabled = true;
    const giveBack = () => {
      if (composer) composer.value = composer.value ? `${sent}\n${composer.value}` : sent;
    };
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRF-Token": csrf },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        giveBack();
        showFlash(answer.error || "No se pudo hacer. Intente de nuevo.");
        return;
      }
      showFlash("");
      if (form.matches(".presence-form")) {
        const select = form.querySelector("select");
        select.className = `presence presence-${select.value}`;
        return;
      }
      form.closest("details")?.removeAttribute("open");
      if (form.matches(".accept-form")) list.dataset.listTab = "active"; // where the agent's chat now is
      await Promise.all([refreshList(), refreshOpen()]);
    } catch (error) {
      giveBack();
      showFlash("Sin conexión con la mesa. Revise su red e intente de nuevo.");
    } finally {
      if (button) button.disabled = false;
    }
  }

  function bindActions() {
    document.querySelectorAll("form[data-ajax]:not([data-bound])").forEach((form) => {
      form.dataset.bound = "1";
      form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
    });
    const composer = document.querySelector("[data-composer] textarea");
    if (composer && !composer.dataset.bound) {
      composer.dataset.bound = "1";
      composer.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          if (composer.value.trim()) composer.form.requestSubmit();
        }
      });
    }
    document.querySelectorAll("[data-canned]:not([data-bound])").forEach((chip) => {
      chip.dataset.bound = "1";
      chip.addEventListener("click", () => {
        const box = document.querySelector("[data-composer] textarea");
        if (!box) return;
        box.value = box.value.trim() ? `${box.value.trim()} ${chip.dataset.canned}` : chip.dataset.canned;
        box.focus();
      });
    });
  }

  document.querySelector("[data-presence]")?.addEventListener("change", (event) => {
    event.target.form.requestSubmit();
  });

  // --- waiting times --------------------------------------------------------------------

  function tickWaits() {
    const now = Date.now();
    document.querySelectorAll(".wait[data-since]").forEach((node) => {
      const minutes = Math.max(0, Math.floor((now - Date.parse(node.dataset.since)) / 60000));
      const prefix = node.dataset.prefix ?? "espera ";
      node.textContent = minutes < 1 ? `${prefix}hace menos de 1 min` : `${prefix}hace ${minutes} min`;
    });
  }

  // --- live updates ---------------------------------------------------------------------

  function connect() {
    const source = new EventSource("/live");
    source.addEventListener("ready", () => {
      liveState.textContent = "";
      document.body.dataset.live = "ready";
      scheduleRefresh(true); // whatever happened while disconnected
    });
    source.addEventListener("change", (event) => {
      const change = JSON.parse(event.data);
      scheduleRefresh(change.handoff_id === null || String(change.handoff_id) === openId);
    });
    source.addEventListener("signed-out", () => { source.close(); window.location.assign("/login"); });
    source.onerror = () => {
      document.body.dataset.live = "reconnecting";
      liveState.textContent = "Reconectando…";
    };
  }

  list.dataset.listTab = currentTab();
  knownWaiting = waitingIds();
  bindActions();
  tickWaits();
  setInterval(tickWaits, 15000);
  const box = document.getElementById("transcript");
  if (box) {
    box.addEventListener("scroll", () => {
      if (!autoScrolling) followTail = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    });
    // The composer appearing (on accept) makes the transcript shorter: keep the end in view.
    new ResizeObserver(() => { if (followTail) scrollToEnd(); }).observe(box);
    scrollToEnd();
  }
  connect();
})();
