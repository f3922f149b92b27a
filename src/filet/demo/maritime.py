"""The demo's maritime part: a day of AIS traffic with planted encounters, loitering,
doubtful MMSIs and identity changes (``filet.maritime.testworld``): positions written as
a NOAA MarineCadastre CSV, static reports as raw NMEA (type 5, encoded with pyais, each
sentence after its receiver time in UNIX seconds), radar and aircraft tracks as a
sensor CSV (three of them of vessels with no AIS: dark targets)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyais import encode_dict

from filet.alerts import Alert
from filet.demo.intelligence import AIS_FEED
from filet.demo.parts import DemoInput, Expectation
from filet.demo.world import MARINECADASTRE_COLUMNS
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.maritime.risky_ports import load_list
from filet.maritime.testworld import PORTS, START, MaritimeWorld, generate, move

LIT_TRACKS = ("RADAR-L1", "RADAR-L2", "RADAR-L3")
DARK_TRACKS = ("RADAR-D1", "RADAR-D2", "RADAR-D3")


class MaritimePart:
    name = "maritime"

    def __init__(self) -> None:
        self.world: MaritimeWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "ais-atlantique-marinecadastre.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=MARINECADASTRE_COLUMNS, restval="")
            writer.writeheader()
            for row in self.world.positions(path.name):
                writer.writerow(
                    {
                        "MMSI": row["mmsi"],
                        "BaseDateTime": row["ts"].strftime("%Y-%m-%dT%H:%M:%S"),
                        "LAT": f"{row['lat']:.6f}",
                        "LON": f"{row['lon']:.6f}",
                        "VesselName": f"NAVIRE {row['mmsi']}",
                        "TransceiverClass": "A",
                    }
                )
        statics = folder / "ais-statiques.nmea"
        _write_statics(self.world, statics)
        radar = folder / "pistes-radar.csv"
        _write_sensor_tracks(self.world, radar)
        feed = replace(AIS_FEED, collected_at=datetime.now(UTC))
        return [
            DemoInput(path, "marinecadastre", feed),
            DemoInput(statics, "nmea", feed),
            DemoInput(radar, "sensor", replace(feed, dataset="demo-radar")),
        ]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world is not None, "write_inputs comes first"
        world = self.world
        found = {
            (alert.detector_id, frozenset(s.value for s in alert.subjects)) for alert in alerts
        }

        def seen(detector: str, *mmsis: str) -> bool:
            return (f"maritime.{detector}", frozenset(mmsis)) in found

        return [
            *(
                Expectation(f"Rencontre en mer / encounter: {a} + {b}", seen("encounter", a, b))
                for a, b in world.encounters
            ),
            *(
                Expectation(
                    f"Pas d'alerte pour un croisement ou un amarrage / no alert for a crossing "
                    f"or a berth: {a} + {b}",
                    not seen("encounter", a, b),
                )
                for a, b in world.passings + world.moored
            ),
            *(
                Expectation(
                    f"Escale / port call: {m} à / at {locode}", seen("port_call", m, locode)
                )
                for locode, pair in zip(PORTS, world.moored, strict=True)
                for m in pair
            ),
            *(
                Expectation(
                    f"Escale dans un port à risque / call at a high-risk port: {m} ({locode})",
                    seen("high_risk_port_call", m, locode),
                )
                for locode, pair in zip(PORTS, world.moored, strict=True)
                if locode in load_list().ports
                for m in pair
            ),
            *(
                Expectation(f"Cible sans AIS / dark target: {track}", seen("dark_target", track))
                for track in DARK_TRACKS
            ),
            *(
                Expectation(
                    f"Pas d'alerte pour une piste radar d'un navire AIS / no alert for a radar "
                    f"track of an AIS vessel: {track}",
                    not seen("dark_target", track),
                )
                for track in LIT_TRACKS
            ),
            *(
                Expectation(f"Attente au large / loitering: {m}", seen("loitering", m))
                for m in world.loiterers
            ),
            *(
                Expectation(f"MMSI douteux / doubtful MMSI: {m}", seen("spoofing", m))
                for m in world.spoofed
            ),
            *(
                Expectation(
                    f"Pas d'alerte pour une position aberrante isolée / no alert for one bad "
                    f"fix: {m}",
                    not seen("spoofing", m),
                )
                for m in world.glitched
            ),
            *(
                Expectation(f"Changement de nom / renamed: MMSI {m}", seen("identity_change", m))
                for m in world.renamed
            ),
            *(
                Expectation(
                    f"Changement de pavillon / reflagged: IMO {imo}",
                    any(key == "maritime.identity_change" and imo in mmsis for key, mmsis in found),
                )
                for imo in world.reflagged
            ),
            *(
                Expectation(
                    f"Pas d'alerte pour un message statique brouillé / no alert for one garbled "
                    f"static report: MMSI {m}",
                    not any(
                        key == "maritime.identity_change" and m in mmsis for key, mmsis in found
                    ),
                )
                for m in world.garbled
            ),
        ]


def _write_sensor_tracks(world: MaritimeWorld, path: Path) -> None:
    """Two hours of radar contacts every 5 min: three loiterers seen 2 min after their
    AIS reports, and three vessels with no AIS at all, in empty sea."""
    window = (START + timedelta(hours=10), START + timedelta(hours=12))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["track_id", "ts", "lat", "lon", "sensor"])
        for track, mmsi in zip(LIT_TRACKS, world.loiterers, strict=False):
            for ts, lat, lon in world.tracks[mmsi]:
                if window[0] <= ts < window[1]:
                    seen_at = move((lat, lon), 100.0, 45.0)
                    writer.writerow([track, _iso(ts + timedelta(minutes=2)), *seen_at, "radar"])
        for index, track in enumerate(DARK_TRACKS):
            for step in range(24):
                hours = step / 12
                start = (5.0, -30.0 + 2 * index)
                lat, lon = move(start, hours * 12 * METRES_PER_NAUTICAL_MILE, 90.0)
                writer.writerow(
                    [track, _iso(window[0] + timedelta(hours=hours)), lat, lon, "avion"]
                )


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _write_statics(world: MaritimeWorld, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for index, row in enumerate(world.static_rows(path.name)):
            message = {
                "type": 5,
                "mmsi": int(row["mmsi"]),
                "imo": int(row["imo"]),
                "shipname": row["name"],
                "callsign": row["call_sign"],
                "ship_type": 70,
            }
            seconds = int(row["ts"].timestamp())
            for part in encode_dict(message, sentence_type="VDM", seq_id=index % 10):
                out.write(f"{seconds} {part}\n")
