"""What a parcel's declared content says, as SQL the parcel rules run on either engine.

Two questions are asked of the description (``description_words``, upper-case ASCII
words between single spaces, set at ingest by :mod:`filet.targeting.parcels`):

- is it **vague**? The terms the EU ICS2 guidance and the UPU-WCO guidelines on postal
  customs declarations refuse as a description of goods (« gift », « sample »,
  « accessories », « parts », « goods », « clothes »...): a description made of them only
  says nothing of what is inside;
- what does it **claim**? A few kinds of goods common in parcels, each named by its
  words (English and French), with the Harmonized System chapters they belong to
  (WCO HS nomenclature, 2022 edition) and the most one item of them weighs, generously
  (a pair of shoes 2.5 kg, a book 2.5 kg, a document 1 kg). A parcel whose HS6 is in
  none of the chapters of what it claims, or that weighs more than its items could,
  does not hold what it says.

The first kind whose words appear wins, so the more specific come first (« phone
case » before « phone »). A description that names none of the kinds claims nothing and
is judged by neither rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from filet.engine.base import sql_texts

# Descriptions refused as too vague: UPU-WCO Guidelines on postal customs declarations
# (CN 22/CN 23), and DG TAXUD's ICS2 guidance on acceptable goods descriptions.
VAGUE_TERMS = (
    "GIFT", "GIFTS", "CADEAU", "CADEAUX", "PRESENT", "SAMPLE", "SAMPLES", "ECHANTILLON",
    "ECHANTILLONS", "GOODS", "ITEMS", "ITEM", "ARTICLES", "ARTICLE", "PARTS", "ACCESSORIES",
    "ACCESSOIRES", "VARIOUS", "DIVERS", "MERCHANDISE", "MARCHANDISES", "PERSONAL ITEMS",
    "PERSONAL EFFECTS", "EFFETS PERSONNELS", "CLOTHES", "CLOTHING", "VETEMENTS", "STUFF",
    "PRODUCTS", "PRODUITS", "GIFT ITEMS", "PACKAGE", "COLIS", "MISC",
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A kind of goods: its name (English, then French), the words that declare it, its
    HS chapters and the most one item weighs (kg)."""

    name: str
    name_fr: str
    words: tuple[str, ...]
    chapters: tuple[str, ...]
    max_item_kg: float


KINDS: tuple[Kind, ...] = (
    Kind(
        "documents", "documents",
        ("DOCUMENT", "DOCUMENTS", "PAPERS", "PAPIERS", "LETTER", "LETTRE", "COURRIER",
         "CONTRACT", "CONTRAT"),
        ("49",), 1.0,
    ),
    Kind(
        "books", "livres",
        ("BOOK", "BOOKS", "LIVRE", "LIVRES", "MAGAZINE", "MAGAZINES"),
        ("49",), 2.5,
    ),
    Kind(
        "phone accessories", "accessoires de téléphone",
        ("PHONE CASE", "COQUE", "CHARGER", "CHARGEUR", "USB CABLE", "CABLE USB", "EARPHONES",
         "ECOUTEURS", "SCREEN PROTECTOR"),
        ("39", "42", "85"), 1.0,
    ),
    Kind(
        "electronics", "électronique",
        ("SMARTPHONE", "MOBILE PHONE", "TELEPHONE", "TABLET", "TABLETTE", "LAPTOP",
         "HEADPHONES", "CASQUE AUDIO", "SMARTWATCH"),
        ("84", "85", "91"), 3.5,
    ),
    Kind(
        "clothing", "vêtements",
        ("T SHIRT", "TSHIRT", "SHIRT", "SHIRTS", "DRESS", "ROBE", "JEANS", "JACKET", "VESTE",
         "SWEATER", "PULL", "HOODIE", "CHEMISE", "CLOTHES", "CLOTHING", "VETEMENTS", "SCARF",
         "ECHARPE"),
        ("61", "62", "63", "65"), 2.0,
    ),
    Kind(
        "shoes", "chaussures",
        ("SHOES", "SNEAKERS", "CHAUSSURES", "BOOTS", "BASKETS", "SANDALS"),
        ("64",), 2.5,
    ),
    Kind(
        "cosmetics", "cosmétiques",
        ("COSMETICS", "COSMETIQUES", "CREAM", "CREME", "PERFUME", "PARFUM", "LIPSTICK",
         "MAKEUP", "MAQUILLAGE", "SHAMPOO", "SOAP", "SAVON"),
        ("33", "34"), 1.5,
    ),
    Kind(
        "supplements", "compléments alimentaires",
        ("VITAMINS", "VITAMINES", "SUPPLEMENT", "SUPPLEMENTS", "COMPLEMENTS", "PROTEIN",
         "CAPSULES"),
        ("21", "29", "30"), 2.0,
    ),
    Kind(
        "toys", "jouets",
        ("TOY", "TOYS", "JOUET", "JOUETS", "DOLL", "POUPEE", "PUZZLE", "LEGO"),
        ("95",), 3.0,
    ),
    Kind(
        "jewellery", "bijoux",
        ("JEWELRY", "JEWELLERY", "BIJOUX", "NECKLACE", "COLLIER", "RING", "BAGUE", "BRACELET",
         "EARRINGS"),
        ("71",), 0.5,
    ),
    Kind("watches", "montres", ("WATCH", "WATCHES", "MONTRE", "MONTRES"), ("91",), 0.5),
    Kind(
        "coffee tea spices", "café, thé, épices",
        ("COFFEE", "CAFE", "TEA", "SPICES", "EPICES"),
        ("09",), 5.0,
    ),
    Kind(
        "bags", "sacs",
        ("HANDBAG", "BAG", "SAC", "WALLET", "PORTEFEUILLE", "BACKPACK"),
        ("42",), 2.0,
    ),
    Kind(
        "sweets", "confiserie",
        ("CHOCOLATE", "CHOCOLAT", "CANDY", "BONBONS", "SWEETS", "BISCUITS", "COOKIES",
         "GATEAUX"),
        ("17", "18", "19"), 5.0,
    ),
    Kind(
        "spare parts", "pièces détachées",
        ("SPARE PARTS", "CAR PARTS", "AUTO PARTS", "PIECES DETACHEES"),
        ("40", "73", "84", "85", "87"), 20.0,
    ),
)  # fmt: skip
KIND_NAMES = {kind.name: kind for kind in KINDS}


def claimed_sql(words: str, category: str) -> str:
    """The kind of goods a description claims, as a SQL CASE over the words column
    (padded with spaces, for whole words); a ``document`` item that names no kind claims
    documents."""
    padded = f"(' ' || {words} || ' ')"
    branches = []
    for kind in KINDS:
        matched = " OR ".join(f"{padded} LIKE '% {word} %'" for word in kind.words)
        branches.append(f"WHEN {matched} THEN '{kind.name}'")
    return (
        f"(CASE {' '.join(branches)} WHEN {category} = 'document' THEN 'documents' ELSE NULL END)"
    )


def chapters_sql(claimed: str) -> str:
    """The HS chapters of the claimed kind, comma-separated and framed by commas."""
    branches = " ".join(f"WHEN '{k.name}' THEN ',{','.join(k.chapters)},'" for k in KINDS)
    return f"(CASE {claimed} {branches} ELSE NULL END)"


def max_kg_sql(claimed: str) -> str:
    """The most one item of the claimed kind weighs, in kg."""
    branches = " ".join(f"WHEN '{k.name}' THEN {k.max_item_kg}" for k in KINDS)
    return f"(CASE {claimed} {branches} ELSE NULL END)"


def vague_sql(words: str) -> str:
    """Whether the description is empty or only a term refused as vague."""
    terms = sql_texts(VAGUE_TERMS)
    return f"({words} IS NULL OR {words} IN ({terms}))"


def rates(listed: str) -> dict[str, float]:
    """``EUR=1,USD=0.92`` as a dictionary of euros per unit; ValueError if malformed."""
    found: dict[str, float] = {}
    for item in listed.split(","):
        code, _, rate = item.strip().partition("=")
        code = code.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"eur_rates: {item!r} is not CODE=RATE")
        try:
            found[code] = float(rate)
        except ValueError as error:
            raise ValueError(f"eur_rates: {item!r} is not CODE=RATE") from error
        if found[code] <= 0:
            raise ValueError(f"eur_rates: the rate of {code} must be > 0")
    return found


def value_eur_sql(value: str, currency: str, listed: str) -> str:
    """The declared value in euros; NULL in a currency without a rate."""
    branches = " ".join(f"WHEN '{code}' THEN {rate!r}" for code, rate in rates(listed).items())
    return f"({value} * (CASE {currency} {branches} ELSE NULL END))"
