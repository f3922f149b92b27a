// Timeline: a band above the table with one tick per dated item (alerts in colour).
"use strict";

(() => {
  const band = document.getElementById("timeline-band");
  const rows = Array.from(document.querySelectorAll("#timeline tbody tr"));
  if (!band || rows.length === 0) return;
  const times = rows.map((row) => Date.parse(row.dataset.start)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return;
  const first = Math.min(...times), last = Math.max(...times);
  const span = Math.max(1, last - first);
  for (const row of rows) {
    const at = Date.parse(row.dataset.start);
    if (Number.isNaN(at)) continue;
    const tick = document.createElement("span");
    tick.className = "tick" + (row.dataset.kind === "alert" ? " alert" : "");
    tick.style.left = (((at - first) / span) * 99).toFixed(2) + "%";
    tick.title = row.dataset.start;
    band.appendChild(tick);
  }
})();
