// Map: Natural Earth land (TopoJSON, served with the app) drawn in SVG, the vessel's
// AIS track from /api/map/vessels/{mmsi} and its alerts as markers with a popup.
"use strict";

(() => {
  const svg = document.getElementById("map");
  if (!svg || typeof topojson === "undefined") return;
  const NS = "http://www.w3.org/2000/svg";
  const WIDTH = 960, HEIGHT = 540;
  const status = document.getElementById("map-status");
  const popup = document.getElementById("map-popup");
  const list = document.getElementById("map-alerts");
  const english = svg.dataset.lang === "en";

  // Equirectangular view of a box [west, south, east, north], longitudes shrunk by the
  // cosine of the middle latitude so that shapes keep their proportions.
  function view(box) {
    const [west, south, east, north] = box;
    const squeeze = Math.cos(((south + north) / 2) * Math.PI / 180);
    const scale = Math.min(WIDTH / ((east - west) * squeeze), HEIGHT / (north - south));
    const x0 = WIDTH / 2 - ((west + east) / 2) * squeeze * scale;
    const y0 = HEIGHT / 2 + ((south + north) / 2) * scale;
    return ([lon, lat]) => [x0 + lon * squeeze * scale, y0 - lat * scale];
  }

  function bounds(points) {
    let [west, south, east, north] = [180, 90, -180, -90];
    for (const [lon, lat] of points) {
      west = Math.min(west, lon); east = Math.max(east, lon);
      south = Math.min(south, lat); north = Math.max(north, lat);
    }
    const pad = Math.max(1, (east - west) * 0.2, (north - south) * 0.2);
    return [west - pad, Math.max(-89, south - pad), east + pad, Math.min(89, north + pad)];
  }

  function element(name, attributes) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    svg.appendChild(node);
    return node;
  }

  function line(points, project) {
    return points.map((point, i) => (i ? "L" : "M") + project(point).map((v) => v.toFixed(1)).join(",")).join("");
  }

  function drawLand(land, project) {
    const shape = topojson.feature(land, land.objects.land);
    const polygons = [];
    for (const feature of shape.features || [shape]) {
      const geometry = feature.geometry;
      if (geometry.type === "Polygon") polygons.push(geometry.coordinates);
      if (geometry.type === "MultiPolygon") polygons.push(...geometry.coordinates);
    }
    const d = polygons.map((rings) => rings.map((ring) => line(ring, project) + "Z").join("")).join("");
    element("path", { class: "land", d });
  }

  function show(properties) {
    popup.replaceChildren();
    const title = document.createElement("strong");
    title.textContent = properties.detector + " · " + properties.score.toFixed(2);
    const reason = document.createElement("p");
    reason.textContent = english ? properties.reason_en : properties.reason_fr;
    const when = document.createElement("p");
    when.className = "small";
    when.textContent = properties.start.slice(0, 16) + " → " + properties.end.slice(0, 16);
    const link = document.createElement("a");
    link.href = "/alerts/" + encodeURIComponent(properties.id);
    link.textContent = properties.id.slice(0, 12);
    popup.append(title, reason, when, link);
    popup.hidden = false;
  }

  async function draw() {
    const landResponse = await fetch(svg.dataset.land);
    const land = await landResponse.json();
    const mmsi = svg.dataset.mmsi;
    let found = null;
    if (mmsi) {
      const response = await fetch("/api/map/vessels/" + encodeURIComponent(mmsi), { credentials: "same-origin" });
      if (response.ok) found = await response.json();
      else status.textContent = status.dataset.none + " (" + response.status + ")";
    }
    const track = found ? found.features.find((f) => f.properties.kind === "track") : null;
    const project = view(track ? bounds(track.geometry.coordinates) : [-180, -70, 180, 80]);
    drawLand(land, project);
    if (!found) return;
    if (!track) { status.textContent = status.dataset.none; return; }
    const path = element("path", { class: "track", d: line(track.geometry.coordinates, project) });
    path.dataset.points = String(found.total_points);
    path.dataset.shown = String(found.shown_points);
    status.textContent = found.total_points + " " + status.dataset.pointsLabel;
    for (const feature of found.features.filter((f) => f.properties.kind === "alert")) {
      const [x, y] = project(feature.geometry.coordinates);
      const marker = element("circle", { class: "alert-marker", cx: x.toFixed(1), cy: y.toFixed(1), r: 7, tabindex: 0, role: "button" });
      marker.dataset.alert = feature.properties.id;
      const label = document.createElementNS(NS, "title");
      label.textContent = feature.properties.detector;
      marker.appendChild(label);
      marker.addEventListener("click", () => show(feature.properties));
      // A role="button" answers Enter and Space, as a real button does.
      marker.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        show(feature.properties);
      });
      const item = document.createElement("li");
      item.textContent = feature.properties.start.slice(0, 16) + " · " + feature.properties.detector + " · " + (english ? feature.properties.reason_en : feature.properties.reason_fr);
      list.appendChild(item);
    }
  }

  draw();
})();
