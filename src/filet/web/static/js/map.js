// Map: Natural Earth land (TopoJSON, served with the app) drawn in SVG, the vessel's
// AIS track from /api/map/vessels/{mmsi} and its alerts as markers with a popup, and the
// cells a phone's calls went through from /api/map/calls?number=..., one marker a cell.
"use strict";

(() => {
  const svg = document.getElementById("map");
  if (!svg || typeof topojson === "undefined") return;
  const NS = "http://www.w3.org/2000/svg";
  const WIDTH = 960, HEIGHT = 540;
  const status = document.getElementById("map-status");
  const popup = document.getElementById("map-popup");
  const list = document.getElementById("map-alerts");
  const cellList = document.getElementById("map-cells");
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

  // The box around the points, padded by a fifth of its size and at least ``least``
  // degrees: a degree around a route at sea, a few kilometres around a town's cells.
  function bounds(points, least) {
    let [west, south, east, north] = [180, 90, -180, -90];
    for (const [lon, lat] of points) {
      west = Math.min(west, lon); east = Math.max(east, lon);
      south = Math.min(south, lat); north = Math.max(north, lat);
    }
    const pad = Math.max(least, (east - west) * 0.2, (north - south) * 0.2);
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

  function popupWith(title, ...lines) {
    popup.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = title;
    popup.append(strong);
    for (const [text, className] of lines) {
      const paragraph = document.createElement("p");
      if (className) paragraph.className = className;
      paragraph.textContent = text;
      popup.append(paragraph);
    }
    popup.hidden = false;
  }

  function show(properties) {
    popupWith(
      properties.detector + " · " + properties.score.toFixed(2),
      [english ? properties.reason_en : properties.reason_fr, ""],
      [properties.start.slice(0, 16) + " → " + properties.end.slice(0, 16), "small"],
    );
    const link = document.createElement("a");
    link.href = "/alerts/" + encodeURIComponent(properties.id);
    link.textContent = properties.id.slice(0, 12);
    popup.append(link);
  }

  function span(properties) {
    const minute = (moment) => moment.slice(0, 16).replace("T", " ");
    return minute(properties.first) + " → " + minute(properties.last) + " UTC";
  }

  function showCell(properties) {
    const where = [properties.address, properties.operator].filter(Boolean).join(" · ");
    popupWith(
      properties.cell_id + " · " + properties.calls + " " + status.dataset.callsShort,
      [where, ""],
      [span(properties), "small"],
      [properties.evidence, "small"],
    );
  }

  // A marker the keyboard reaches: Enter and Space open its popup, as on a real button.
  function marker(className, [x, y], radius, name, open) {
    const circle = element("circle", { class: className, cx: x.toFixed(1), cy: y.toFixed(1), r: radius, tabindex: 0, role: "button" });
    const label = document.createElementNS(NS, "title");
    label.textContent = name;
    circle.appendChild(label);
    circle.addEventListener("click", open);
    circle.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      open();
    });
    return circle;
  }

  async function load(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.ok ? { found: await response.json() } : { refused: response.status };
  }

  function drawVessel(answer, track, project) {
    if (answer.refused) return status.dataset.none + " (" + answer.refused + ")";
    if (!track) return status.dataset.none;
    const found = answer.found;
    const path = element("path", { class: "track", d: line(track.geometry.coordinates, project) });
    path.dataset.points = String(found.total_points);
    path.dataset.shown = String(found.shown_points);
    for (const feature of found.features.filter((f) => f.properties.kind === "alert")) {
      const circle = marker("alert-marker", project(feature.geometry.coordinates), 7, feature.properties.detector, () => show(feature.properties));
      circle.dataset.alert = feature.properties.id;
      const item = document.createElement("li");
      item.textContent = feature.properties.start.slice(0, 16) + " · " + feature.properties.detector + " · " + (english ? feature.properties.reason_en : feature.properties.reason_fr);
      list.appendChild(item);
    }
    return found.total_points + " " + status.dataset.pointsLabel;
  }

  function drawCells(answer, cells, project) {
    if (answer.refused) return status.dataset.none + " (" + answer.refused + ")";
    if (!cells.length) return status.dataset.none;
    for (const feature of cells) {
      const p = feature.properties;
      const radius = Math.min(14, 4 + 2 * Math.sqrt(p.calls));
      const name = p.cell_id + " · " + p.calls + " " + status.dataset.callsShort;
      const circle = marker("cell-marker", project(feature.geometry.coordinates), radius.toFixed(1), name, () => showCell(p));
      circle.dataset.cell = p.cell_id;
      circle.dataset.calls = String(p.calls);
      const item = document.createElement("li");
      item.textContent = span(p) + " · " + name + (p.address ? " · " + p.address : "");
      cellList.appendChild(item);
    }
    svg.dataset.cells = String(cells.length);
    return answer.found.total_calls + " " + status.dataset.callsLabel;
  }

  async function draw() {
    const landResponse = await fetch(svg.dataset.land);
    const land = await landResponse.json();
    const { mmsi, phone } = svg.dataset;
    const vessel = mmsi ? await load("/api/map/vessels/" + encodeURIComponent(mmsi)) : null;
    const calls = phone ? await load("/api/map/calls?number=" + encodeURIComponent(phone)) : null;
    const track = vessel && vessel.found ? vessel.found.features.find((f) => f.properties.kind === "track") : null;
    const cells = calls && calls.found ? calls.found.features.filter((f) => f.properties.kind === "cell") : [];
    const points = [...(track ? track.geometry.coordinates : []), ...cells.map((f) => f.geometry.coordinates)];
    const project = view(points.length ? bounds(points, track ? 1 : 0.05) : [-180, -70, 180, 80]);
    drawLand(land, project);
    const said = [];
    if (vessel) said.push(drawVessel(vessel, track, project));
    if (calls) said.push(drawCells(calls, cells, project));
    status.textContent = said.join(" · ");
  }

  draw();
})();
