// Link chart: Cytoscape.js over /api/graph. Click a node to add its neighbours;
// choose two nodes (shift-click, or the two lists for the keyboard), then ask for the
// shortest path between them.
"use strict";

(() => {
  const PALETTE = ["#12395c", "#c2410c", "#1e5e2b", "#6b21a8", "#8a1c1c", "#0e7490", "#854d0e", "#404040"];
  const container = document.getElementById("graph");
  if (!container || typeof cytoscape === "undefined") return;
  const form = document.getElementById("graph-form");
  const status = document.getElementById("graph-status");
  const pathButton = document.getElementById("graph-path");
  const ends = [document.getElementById("graph-from"), document.getElementById("graph-to")];

  const cy = cytoscape({
    container,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(caption)", "background-color": "#8c8c8c", "font-size": 10, "text-valign": "bottom", color: "#1b1b1b" } },
      { selector: "node.root", style: { "border-width": 3, "border-color": "#1b1b1b" } },
      { selector: "node.picked", style: { "border-width": 4, "border-color": "#c2410c" } },
      { selector: "node.key-player", style: { width: 44, height: 44, "font-weight": "bold" } },
      { selector: "edge", style: { width: 2, "line-color": "#8c8c8c", "curve-style": "bezier", label: "data(relation)", "font-size": 8, "target-arrow-shape": "triangle", "target-arrow-color": "#8c8c8c" } },
      { selector: ".on-path", style: { "line-color": "#c2410c", "target-arrow-color": "#c2410c", "background-color": "#c2410c", width: 4 } },
    ],
  });

  window.filetGraph = cy; // for the browser console and the browser tests

  function filters() {
    const params = new URLSearchParams();
    for (const name of ["relation", "since", "until"]) {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function say(text) { status.textContent = text; }

  function add(chart) {
    const fresh = [];
    for (const node of chart.nodes) {
      if (cy.getElementById(node.id).nonempty()) continue;
      fresh.push({ group: "nodes", data: { id: node.id, caption: node.caption, schema: node.schema_name, community: node.community, rank: node.key_player_rank } });
    }
    for (const edge of chart.edges) {
      if (cy.getElementById(edge.id).nonempty()) continue;
      fresh.push({ group: "edges", data: { id: edge.id, source: edge.source, target: edge.target, relation: edge.relation } });
    }
    cy.add(fresh);
    offer(fresh.filter((element) => element.group === "nodes"));
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
    cy.layout({ name: "cose", animate: false, randomize: false }).run();
    paint();
    return fresh.length;
  }

  // Every node on the chart can be an end of the path, chosen from the lists.
  function offer(nodes) {
    for (const end of ends) {
      for (const node of nodes) end.add(new Option(node.data.caption, node.data.id));
    }
  }

  function picked() { return ends.map((end) => end.value).filter((id) => id); }

  function showPicked() {
    cy.nodes().removeClass("picked");
    for (const id of picked()) cy.getElementById(id).addClass("picked");
    const [source, target] = picked();
    pathButton.disabled = !(source && target && source !== target);
  }

  function paint() {
    const communities = document.getElementById("graph-communities").checked;
    const players = document.getElementById("graph-key-players").checked;
    cy.nodes().forEach((node) => {
      const community = node.data("community");
      node.style("background-color", communities && community !== null && community !== undefined ? PALETTE[community % PALETTE.length] : "#8c8c8c");
      const rank = node.data("rank");
      node.toggleClass("key-player", players && rank !== null && rank !== undefined && rank <= 3);
    });
  }

  async function fetchChart(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) { say(status.dataset.none + " (" + response.status + ")"); return null; }
    return response.json();
  }

  // Communities and key players of the whole chart as expanded so far, not of each piece.
  async function rerank() {
    const response = await fetch("/api/graph/ranks", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ ids: cy.nodes().map((node) => node.id()) }),
    });
    if (!response.ok) return;
    const chart = await response.json();
    for (const node of chart.nodes) {
      cy.getElementById(node.id).data({ community: node.community, rank: node.key_player_rank });
    }
    container.dataset.ranked = String(chart.nodes.length);
    paint();
  }

  async function expand(entity, depth) {
    const params = filters();
    params.set("depth", String(depth));
    const chart = await fetchChart("/api/graph/" + encodeURIComponent(entity) + "?" + params);
    if (!chart) return;
    add(chart);
    cy.getElementById(entity).addClass("root");
    say(cy.nodes().length + " / " + cy.edges().length);
    await rerank();
    container.dataset.expanded = entity;
  }

  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (event.originalEvent && event.originalEvent.shiftKey) {
      // The newest two choices are the ends: the older one becomes the start.
      if (ends[1].value) ends[0].value = ends[1].value;
      ends[ends[0].value ? 1 : 0].value = node.id();
      showPicked();
      return;
    }
    expand(node.id(), 1);
  });

  pathButton.addEventListener("click", async () => {
    const [source, target] = picked();
    const chart = await fetchChart("/api/graph/" + encodeURIComponent(source) + "/path/" + encodeURIComponent(target) + "?" + filters());
    if (!chart) return;
    cy.elements().removeClass("on-path");
    add(chart);
    for (const node of chart.nodes) cy.getElementById(node.id).addClass("on-path");
    for (const edge of chart.edges) cy.getElementById(edge.id).addClass("on-path");
    await rerank();
    container.dataset.path = String(chart.edges.length);
    if (chart.edges.length === 0) say(status.dataset.none);
  });

  for (const end of ends) end.addEventListener("change", showPicked);
  document.getElementById("graph-communities").addEventListener("change", paint);
  document.getElementById("graph-key-players").addEventListener("change", paint);

  document.getElementById("graph-png").addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = cy.png({ full: true, bg: "#ffffff" });
    link.download = "filet-graphe.png";
    link.click();
  });

  const root = container.dataset.entity;
  if (root) {
    const params = filters();
    params.set("depth", container.dataset.depth || "1");
    document.getElementById("graph-graphml").href = "/api/graph/" + encodeURIComponent(root) + "/graphml?" + params;
    expand(root, Number(container.dataset.depth || "1"));
  }
})();
