"""The smuggling planted in the seeded parcel world (see :mod:`filet.demo.parcels`).

Each scheme draws its parcels with the world's :class:`~filet.demo.parcel_maker.Maker`
and marks them, so that the truth is known to the generator only.
"""

from __future__ import annotations

from filet.demo import parcel_catalog as cat
from filet.demo.parcel_maker import Maker, Sender

_COVERS = ("COFFEE", "CLOTHES", "TOYS", "DOCUMENTS", "CHOCOLATE", "GIFT", "BOOKS", "COSMETICS")
_COVER_HS = {
    "COFFEE": "090121",
    "CLOTHES": "620342",
    "TOYS": "950300",
    "DOCUMENTS": "490199",
    "CHOCOLATE": "180632",
    "GIFT": "",
    "BOOKS": "490199",
    "COSMETICS": "330499",
}


def drop_network(maker: Maker) -> None:
    """Three flats receiving under invented names, with one new phone, every few days."""
    rng = maker.rng
    for _ in range(3):
        flat = rng.choice(maker.homes) if rng.random() < 0.5 else maker.place()
        resident = flat.people[0] if flat.people else (maker.name(), maker.phone())
        burner = maker.phone()
        aliases = [maker.name() for _ in range(rng.randrange(4, 7))]
        start = rng.randrange(0, max(1, maker.days - 30))
        day = start
        while day < min(maker.days, start + rng.randrange(25, 45)):
            careful = rng.random() < 0.25
            cover = rng.choice(_COVERS)
            sender = Sender(maker.name(), rng.choice(cat.NETWORK_ORIGINS), "EUR", "post")
            sender.currency = "USD" if sender.country in ("CO", "PE", "EC") else "EUR"
            hs6 = _COVER_HS[cover]
            if not careful and rng.random() < 0.7:  # any code, or none
                hs6 = rng.choice(("", "392690", "490199", "630900"))
            fields = {
                "content_description": cover,
                "hs6": hs6,
                "value_eur": round(rng.uniform(30, 60) if careful else rng.uniform(3, 40), 2),
                "gross_weight_kg": round(rng.uniform(0.6, 2.5), 2),
                "category": "document" if cover == "DOCUMENTS" else rng.choice(("gift", "sale")),
            }
            person = resident if careful else (rng.choice(aliases), burner)
            maker.mark(maker.parcel(sender, day, flat, person, **fields), "drop")
            day += rng.randrange(2, 6)


def reshipper(maker: Maker) -> None:
    """One sender in a risky country posting « gifts » to a dozen households."""
    rng = maker.rng
    country = rng.choice(("GF", "GF", "CO", "BR"))
    sender = Sender(maker.name(), country, "USD" if country == "CO" else "EUR", "post")
    homes = rng.sample(maker.homes, rng.randrange(8, 15))
    day = rng.randrange(0, max(1, maker.days // 3))
    end = min(maker.days, day + rng.randrange(30, 50))
    while day < end:
        home = rng.choice(homes)
        cover = rng.choice(("GIFT", "VETEMENTS", "DOCUMENTS", "COFFEE", "CADEAU"))
        fields = {
            "content_description": cover,
            "hs6": "",
            "value_eur": round(rng.uniform(10, 50), 2),
            "gross_weight_kg": round(rng.uniform(1.0, 3.0), 2),
            "category": "document" if cover == "DOCUMENTS" else "gift",
        }
        maker.mark(maker.parcel(sender, day, home, rng.choice(home.people), **fields), "reshipper")
        day += rng.randrange(1, 4)


def split(maker: Maker) -> None:
    """One order split into parcels each just under €150, to one address within days."""
    rng = maker.rng
    country = rng.choice(cat.SPLIT_ORIGINS)
    currency = "EUR" if rng.random() < 0.5 else "USD"
    channel = "express" if country == "US" else "post"
    sender = Sender(f"{country} HEALTH STORE {rng.randrange(100)} LTD", country, currency, channel)
    home = rng.choice(maker.homes)
    people = [rng.choice(home.people)]
    if rng.random() < 0.75:  # each parcel to another name, as if separate orders
        people += [(maker.name(), people[0][1]) for _ in range(2)]
    cover = rng.choice((("VITAMINS SUPPLEMENT CAPSULES", "210690"),
                        ("PHONE CHARGER", "293999"), ("GOODS", "")))  # fmt: skip
    first = rng.randrange(0, max(1, maker.days - 5))
    for number in range(rng.randrange(3, 6)):
        person = people[number % len(people)]
        fields = {
            "content_description": cover[0],
            "hs6": cover[1],
            "value_eur": round(rng.uniform(125, 149), 2),
            "gross_weight_kg": round(rng.uniform(0.3, 1.0), 2),
            "category": "sale",
        }
        day = first + rng.randrange(0, 4)
        maker.mark(maker.parcel(sender, day, home, person, **fields), "split")
