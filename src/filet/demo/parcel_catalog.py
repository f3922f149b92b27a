"""What the seeded parcel world is made of: places, names, goods, senders.

Plain data for :mod:`filet.demo.parcels`: French delivery addresses, names, the goods
online shops sell (description, HS6, value and weight ranges, both consistent), what
families abroad post home, and the countries and carriers parcels come from.
"""

from __future__ import annotations

from dataclasses import dataclass

CITIES = (
    ("75011", "PARIS"), ("75018", "PARIS"), ("75020", "PARIS"), ("93200", "SAINT-DENIS"),
    ("94000", "CRETEIL"), ("69003", "LYON"), ("69008", "LYON"), ("13003", "MARSEILLE"),
    ("13013", "MARSEILLE"), ("59000", "LILLE"), ("31000", "TOULOUSE"), ("33000", "BORDEAUX"),
    ("44000", "NANTES"), ("67000", "STRASBOURG"), ("06000", "NICE"), ("76600", "LE HAVRE"),
)  # fmt: skip
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "rue Victor Hugo",
    "rue Pasteur", "allée des Tilleuls", "rue du Moulin", "place de la Gare",
    "rue des Écoles", "impasse des Lilas", "chemin des Vignes", "rue Gambetta",
    "avenue de la Liberté", "rue Nationale", "rue du Général Leclerc", "rue Saint-Michel",
    "boulevard de la Paix", "rue des Acacias", "avenue des Champs", "rue Émile Zola",
    "rue de Verdun", "rue Jules Ferry", "quai de la Loire", "rue de Paris",
)  # fmt: skip
SURNAMES = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS",
    "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID",
    "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
    "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC",
    "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA",
    "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
    "BENALI", "HADDAD", "DIALLO", "TRAORE", "NGUYEN", "SILVA", "PEREIRA", "RODRIGUEZ",
    "OUATTARA", "KONE", "YILMAZ", "CHERIF", "MENDY", "LOUIS-JEAN", "HO-A-CHUCK", "ALEXIS",
)  # fmt: skip
GIVEN = (
    "Jean", "Marie", "Pierre", "Anne", "Paul", "Sophie", "Luc", "Claire", "Marc", "Julie",
    "Louis", "Emma", "Hugo", "Léa", "Noah", "Chloé", "Enzo", "Inès", "Karim", "Fatou",
    "Mamadou", "Yasmine", "Mehmet", "Ana", "Lucas", "Camille", "Nathan", "Manon", "Théo",
    "Sarah", "Adam", "Jade", "Mohamed", "Aïcha", "Thomas", "Laura", "Kevin", "Océane",
)  # fmt: skip


@dataclass(frozen=True)
class Goods:
    """Something shops sell: description, HS6, value (EUR) and weight (kg) of one."""

    description: str
    hs6: str
    value: tuple[float, float]
    kg: tuple[float, float]


SHOP_GOODS = (
    Goods("T-SHIRT COTON", "610910", (8, 30), (0.15, 0.3)),
    Goods("WOMEN DRESS POLYESTER", "620443", (15, 60), (0.2, 0.5)),
    Goods("SNEAKERS", "640411", (30, 120), (0.8, 1.4)),
    Goods("PHONE CASE SILICONE", "392690", (2, 12), (0.03, 0.1)),
    Goods("USB CABLE CHARGER", "854442", (3, 15), (0.05, 0.2)),
    Goods("BLUETOOTH EARPHONES", "851830", (10, 60), (0.1, 0.3)),
    Goods("LEGO BUILDING TOY", "950300", (15, 90), (0.3, 1.5)),
    Goods("COSMETICS FACE CREAM", "330499", (8, 40), (0.1, 0.4)),
    Goods("VITAMINS SUPPLEMENT CAPSULES", "210690", (10, 45), (0.1, 0.5)),
    Goods("BOOKS PAPERBACK", "490199", (8, 40), (0.3, 1.2)),
    Goods("NECKLACE BRACELET JEWELRY", "711719", (3, 30), (0.02, 0.1)),
    Goods("WATCH", "910211", (20, 140), (0.1, 0.3)),
    Goods("HANDBAG LEATHER", "420221", (30, 140), (0.4, 1.2)),
    Goods("CAR PARTS BRAKE PADS", "870830", (20, 120), (1.0, 4.0)),
    Goods("TABLET 10 INCH", "847130", (80, 140), (0.5, 0.9)),
)
# What families post home: description, HS6 (often left out), weight range (kg).
FAMILY_GOODS = (
    ("GIFT", "", (0.5, 4.0)), ("CADEAU", "", (0.5, 4.0)), ("VETEMENTS", "620342", (0.8, 3.0)),
    ("CLOTHES", "", (0.8, 3.0)), ("SWEETS", "170490", (0.5, 3.0)),
    ("COFFEE", "090121", (0.5, 4.0)), ("SPICES", "091099", (0.3, 2.0)),
    ("DOCUMENTS", "", (0.05, 0.6)), ("BOOKS", "490199", (0.5, 2.0)),
    ("TOYS", "950300", (0.3, 2.0)),
)  # fmt: skip
VAGUE = ("ACCESSORIES", "GOODS", "ITEMS", "GIFT", "PARTS")
# Shop countries, with their share of parcels, currency and how they ship.
SHOP_COUNTRIES = (
    ("CN", 50, "USD", "post"), ("HK", 8, "USD", "post"), ("US", 12, "USD", "express"),
    ("GB", 12, "GBP", "express"), ("CH", 4, "CHF", "express"), ("JP", 3, "JPY", "post"),
    ("TR", 6, "EUR", "post"), ("CA", 3, "CAD", "express"), ("IN", 2, "USD", "post"),
)  # fmt: skip
# Where families who post home live (French Guiana's diaspora is large), and currency.
FAMILY_COUNTRIES = (
    ("MA", 20, "MAD"), ("DZ", 10, "EUR"), ("TN", 8, "EUR"), ("SN", 8, "EUR"),
    ("CI", 6, "EUR"), ("TR", 8, "TRY"), ("GF", 12, "EUR"), ("BR", 6, "BRL"),
    ("CO", 5, "USD"), ("US", 8, "USD"), ("GB", 6, "GBP"), ("PE", 3, "USD"),
)  # fmt: skip
# Countries the networks post from, and the ones splitting consignments ship from.
NETWORK_ORIGINS = ("CO", "BR", "PE", "GF", "EC", "GF")
SPLIT_ORIGINS = ("CN", "HK", "IN", "US")
POSTAL_OPERATORS = {
    "CN": "China Post", "HK": "Hongkong Post", "JP": "Japan Post", "TR": "PTT",
    "IN": "India Post", "MA": "Barid Al-Maghrib", "DZ": "Algérie Poste", "TN": "La Poste TN",
    "SN": "La Poste SN", "CI": "La Poste CI", "GF": "La Poste", "BR": "Correios",
    "CO": "4-72", "US": "USPS", "GB": "Royal Mail", "PE": "Serpost", "EC": "Correos EC",
    "CH": "Swiss Post", "CA": "Canada Post",
}  # fmt: skip
EXPRESS_CARRIERS = ("DHL Express", "UPS", "FedEx")
