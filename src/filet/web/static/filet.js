// Filet workbench: small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The bulk triage form: a header checkbox that selects every alert of the page.
  const bulk = document.getElementById("bulk-triage");
  if (!bulk) return;
  const header = bulk.querySelector("thead th");
  const boxes = Array.from(bulk.querySelectorAll("input[name='ids']"));
  if (!header || boxes.length === 0) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.id = "select-all";
  all.setAttribute("aria-label", document.documentElement.lang === "en" ? "Select all" : "Tout choisir");
  all.addEventListener("change", () => boxes.forEach((box) => { box.checked = all.checked; }));
  header.appendChild(all);
});
