// The supervisor view's behaviour on top of the server-rendered page: the four charts
// (Chart.js, served by the desk itself) drawn from data.json, and the "now" panel fetched
// again whenever the live stream (/live, server-sent events) says something changed.
// Without this script every figure is still on the page, in its tables.
"use strict";

(() => {
  document.documentElement.classList.add("js");
  const root = document.querySelector(".supervisor");
  if (!root) return;
  const liveState = root.querySelector("[data-live-state]");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const QUEUE_COLOURS = {
    technical: "#0b5fa5", billing: "#1d7a46", sales: "#c77700", retention: "#b3261e", general: "#6b4fa0",
  };
  const OTHER_COLOURS = ["#5d6677", "#2a9d8f", "#8a6d3b", "#d6336c"];

  // --- formatting (the same strings as desk/web/supervisor.py) ----------------------------

  function durationLabel(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const total = Math.max(0, Math.floor(seconds + 0.5));
    if (total < 60) return `${total} s`;
    let minutes = Math.floor(total / 60);
    const rest = total % 60;
    if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    minutes %= 60;
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }

  function dayLabel(iso) {
    const [, month, day] = iso.split("-");
    return `${day}/${month}`;
  }

  const decimal = new Intl.NumberFormat("es", { maximumFractionDigits: 1 });

  // --- the charts -----------------------------------------------------------------------

  function baseOptions(extra) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion ? false : { duration: 400 },
      locale: "es",
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      ...extra,
    };
  }

  function canvas(id) {
    return document.getElementById(id);
  }

  function drawQueues(report) {
    const labels = report.days.map((day) => dayLabel(day.day));
    const datasets = report.queues.map((queue, index) => ({
      label: queue.label.charAt(0).toUpperCase() + queue.label.slice(1),
      data: report.days.map((day) => day.by_queue[queue.key] || 0),
      backgroundColor: QUEUE_COLOURS[queue.key] || OTHER_COLOURS[index % OTHER_COLOURS.length],
      stack: "handoffs",
    }));
    return new Chart(canvas("chart-queues"), {
      type: "bar",
      data: { labels, datasets },
      options: baseOptions({
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, grace: "5%", ticks: { precision: 0 } } },
      }),
    });
  }

  function drawReasons(report) {
    return new Chart(canvas("chart-reasons"), {
      type: "bar",
      data: {
        labels: report.reasons.map((reason) => reason.label),
        datasets: [{
          label: "Derivaciones",
          data: report.reasons.map((reason) => report.totals.by_reason[reason.key] || 0),
          backgroundColor: "#0b5fa5",
        }],
      },
      options: baseOptions({
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      }),
    });
  }

  function drawContainment(report) {
    return new Chart(canvas("chart-containment"), {
      type: "line",
      data: {
        labels: report.days.map((day) => dayLabel(day.day)),
        datasets: [{
          label: "Contención (%)",
          data: report.days.map((day) => (day.containment === null ? null : Math.round(day.containment * 1000) / 10)),
          borderColor: "#1d7a46",
          backgroundColor: "#1d7a46",
          tension: 0, // straight segments: a curve would show values no day had
        }],
      },
      options: baseOptions({
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${decimal.format(item.parsed.y)} %` } },
        },
        scales: { y: { min: 0, max: 100, ticks: { callback: (value) => `${value} %` } } },
      }),
    });
  }

  function drawFirstResponse(report) {
    return new Chart(canvas("chart-first-response"), {
      type: "line",
      data: {
        labels: report.days.map((day) => dayLabel(day.day)),
        datasets: [{
          label: "Primera respuesta (min)",
          data: report.days.map((day) => {
            const mean = day.first_response.mean_s;
            return mean === null ? null : Math.round((mean / 60) * 100) / 100;
          }),
          borderColor: "#c77700",
          backgroundColor: "#c77700",
          tension: 0, // straight segments: a curve would show values no day had
        }],
      },
      options: baseOptions({
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${decimal.format(item.parsed.y)} min` } },
        },
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => `${value} min` } } },
      }),
    });
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) { window.location.assign("/login?next=/supervisor"); return null; }
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  async function drawCharts() {
    try {
      if (typeof Chart === "undefined") throw new Error("Chart.js did not load");
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      Chart.defaults.color = "#5d6677";
      const body = await getJson(root.dataset.reportUrl);
      if (body === null) return;
      [drawQueues, drawReasons, drawContainment, drawFirstResponse].forEach((draw) => draw(body.report));
      showNow(body.now_view);
      document.body.dataset.charts = "ready";
    } catch (error) {
      // The tables behind the charts become visible again: the figures stay readable.
      document.documentElement.classList.remove("js");
      root.querySelector("[data-charts-error]").hidden = false;
      document.body.dataset.charts = "error";
    }
  }

  // --- the "now" panel --------------------------------------------------------------------

  function setText(node, text) {
    if (node && node.textContent !== String(text)) node.textContent = String(text);
  }

  function queueRow(queue) {
    const row = document.createElement("tr");
    row.dataset.queue = queue.queue;
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = queue.label;
    row.append(head);
    for (const field of ["waiting", "longest", "active", "online", "away"]) {
      const cell = document.createElement("td");
      cell.dataset.field = field;
      if (field === "longest") cell.dataset.since = queue.since || "";
      cell.textContent = String(queue[field]);
      row.append(cell);
    }
    return row;
  }

  function showNow(view) {
    for (const key of ["waiting", "active", "online", "away", "longest"]) {
      setText(root.querySelector(`[data-now-kpi="${key}"]`), view[key]);
    }
    root.querySelector('[data-now-kpi="longest"]').dataset.since = view.since || "";
    setText(root.querySelector("[data-now-updated]"), view.updated);
    root.querySelector("#now-queues tbody").replaceChildren(...view.queues.map(queueRow));
  }

  async function refreshNow() {
    try {
      const body = await getJson(root.dataset.nowUrl);
      if (body === null) return;
      showNow(body.now_view);
      document.body.dataset.nowRefreshes = String(Number(document.body.dataset.nowRefreshes || 0) + 1);
    } catch (error) {
      setText(liveState, "No se pudo actualizar.");
    }
  }

  let pending = false;
  function scheduleNow() {
    // A burst of changes (a handoff and its events) costs one fetch.
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; refreshNow(); }, 300);
  }

  // The longest waits keep growing between changes: counted here from when they began, on the
  // page's clock only (no request is made).
  function tickWaits() {
    const now = Date.now();
    root.querySelectorAll("#now [data-since]").forEach((node) => {
      if (!node.dataset.since) return;
      setText(node, durationLabel((now - Date.parse(node.dataset.since)) / 1000));
    });
  }

  function connect() {
    const source = new EventSource("/live");
    source.addEventListener("ready", () => {
      setText(liveState, "");
      document.body.dataset.live = "ready";
      scheduleNow(); // whatever happened while disconnected
    });
    source.addEventListener("change", scheduleNow);
    source.addEventListener("signed-out", () => { source.close(); window.location.assign("/login"); });
    source.onerror = () => {
      document.body.dataset.live = "reconnecting";
      setText(liveState, "· reconectando…");
    };
  }

  drawCharts();
  connect();
  setInterval(tickWaits, 15000);
})();
