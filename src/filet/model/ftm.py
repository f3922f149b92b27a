"""FollowTheMoney's model, extended with the schemata FtM lacks.

FtM keeps one model for the whole process (statements and proxies look schemata up
in it), so Filet's schemata are loaded into that same model rather than into a copy:
an Aleph or OpenSanctions entity and a Filet ``Container`` then live side by side.
"""

from __future__ import annotations

from pathlib import Path

from followthemoney import Model

SCHEMA_DIR = Path(__file__).parent / "schema"
FILET_SCHEMATA = tuple(sorted(path.stem for path in SCHEMA_DIR.glob("*.yaml")))


def _extended_model() -> Model:
    ftm = Model.instance()
    if all(name in ftm.schemata for name in FILET_SCHEMATA):
        return ftm
    for path in sorted(SCHEMA_DIR.glob("*.yaml")):
        ftm._load(str(path))
    ftm.generate()
    return ftm


model = _extended_model()
