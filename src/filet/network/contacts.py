"""Contact lists of seized phones as the ``contacts`` format reads them.

A CSV with a header: ``owner`` (the seized phone's own number), ``name`` (the name the
owner saved), ``number``, ``email``, ``case_ref``, ``seizure_ref``; all six columns
present, values empty where unknown except ``owner``. Extraction tools export the
phone book this way, or close enough for a spreadsheet to make it so.

Both numbers are written in E.164 where they parse (``filet.network.numbers``) and
become ``Phone`` entities with the key of the call records (``cdr.yaml``): the number
a suspect saved as "Tonton" is the line the fadettes show him calling, and the
entity keeps "Tonton" as a name, with the contact list's line as its provenance.
vCard files are not read: no vCard parser is among Filet's dependencies.
"""

from __future__ import annotations

from filet.network.numbers import NumberColumns

CONTACT_NUMBERS = NumberColumns(("owner", "number"))
